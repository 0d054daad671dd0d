"""The Streamlit dashboard over the tidy mentions table.

    app.py        the Streamlit script: widgets, layout, caching and wiring only
    data.py       where the dataset comes from, loading it fast, merging uploads
    filters.py    the sidebar filters as a value: apply to a frame, round-trip through the URL
    charts.py     pure functions DataFrame -> plotly Figure (no Streamlit)
    summaries.py  pure functions DataFrame -> small DataFrame / numbers (tables, overview)
    drilldown.py  escaped HTML for source sentences with the mention highlighted
    uploads.py    uploads through the ETL in a worker process, with time budgets
    serve.py      `python -m dashboard serve`; runtime.py: the environment a server process starts with
    sample.py     a tiny hand-made dataset (tests, demos) and a synthetic one (benchmark)
    bench.py      `python -m dashboard.bench --rows 1000000`
"""
