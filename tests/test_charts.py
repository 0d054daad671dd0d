"""Every chart function on small hand-made frames: the numbers drawn are the numbers expected,
and an empty (or unhelpful) frame still gives a valid figure that says there is no data."""
from __future__ import annotations

import json

import pandas as pd
import plotly.graph_objects as go
import pytest

from dashboard import charts, data, funding_tab, summaries
from dashboard.sample import tiny_tables
from etl import schema


@pytest.fixture(scope="module", params=["schema", "categorical"])
def df(request):
    mentions = tiny_tables().mentions
    return mentions if request.param == "schema" else data.optimise(mentions, "mentions")


def by_name(fig: go.Figure) -> dict[str, go.BaseTraceType]:
    """The lines of a chart by name (a timeline's strip of all documents left out)."""
    return {trace.name: trace for trace in fig.data if trace.name != "All documents"}


def series(trace) -> dict[str, float]:
    """x -> y of a trace, with dates as ISO days; gaps (no documents in the period) left out."""
    return {pd.Timestamp(x).date().isoformat(): y for x, y in zip(trace.x, trace.y) if not pd.isna(y)}


def gaps(trace) -> list[str]:
    return [pd.Timestamp(x).date().isoformat() for x, y in zip(trace.x, trace.y) if pd.isna(y)]


def has_no_data_note(fig: go.Figure) -> bool:
    return any(a.text == charts.NO_DATA for a in fig.layout.annotations)


EMPTY_FRAMES = {
    "no rows": lambda: schema.mentions_frame([]),
    "no rows, categorical": lambda: data.optimise(schema.mentions_frame([]), "mentions"),
    "only dates, undated": lambda: schema.mentions_frame([{"doc_id": "x", "kind": "date", "entity": "2024", "date": "2024"}]),
}
CHARTS = {
    "timeline": charts.timeline,
    "license_split_chart": charts.license_split_chart,
    "license_over_time": charts.license_over_time,
    "license_by_company": charts.license_by_company,
    "mentions_by_language": charts.mentions_by_language,
    "top_entities": charts.top_entities,
    "new_organisations": charts.new_organisations,
}


def test_every_chart_is_listed():
    assert set(CHARTS) == set(charts.ALL_CHARTS)


@pytest.mark.parametrize("frame", EMPTY_FRAMES, ids=str)
@pytest.mark.parametrize("name", CHARTS, ids=str)
def test_nothing_to_draw_gives_a_valid_figure_with_a_note(name, frame):
    df = EMPTY_FRAMES[frame]()
    fig = CHARTS[name](df)
    if name == "mentions_by_language" and frame == "only dates, undated":
        assert sum(fig.data[0].y) == 1  # one date mention is something to draw here
        return
    assert isinstance(fig, go.Figure)
    assert len(fig.data) == 0
    assert has_no_data_note(fig)
    json.loads(fig.to_json())  # serialisable, as Streamlit needs it


# --- timeline -----------------------------------------------------------------------------------

def test_timeline_counts_per_month(df):
    fig = charts.timeline(df, grain="month", top=50, measure="mentions")
    traces = by_name(fig)
    # 16 company/product mentions, 3 of them in the undated English document
    assert sum(sum(series(t).values()) for t in traces.values()) == 13
    # every month from the first to the last is on the axis: 0 where the entity has no mention,
    # a gap where the month has no document at all (November, December 2024)
    assert series(traces["DeepSeek"]) == {"2024-10-01": 0, "2025-01-01": 2, "2025-02-01": 1}
    assert gaps(traces["DeepSeek"]) == ["2024-11-01", "2024-12-01"]
    assert series(traces["OpenAI"]) == {"2024-10-01": 2, "2025-01-01": 1, "2025-02-01": 0}
    assert "Anthropic" not in traces and "Claude" not in traces
    assert all(t.connectgaps is False for t in traces.values())  # a gap is never bridged by a line
    assert "no documents" in fig.layout.legend.title.text  # and the legend says what a gap is


def test_timeline_top_n_and_chosen_entities(df):
    assert list(by_name(charts.timeline(df, top=2))) == ["DeepSeek", "OpenAI"]  # 3 each; ties by name
    chosen = list(by_name(charts.timeline(df, entities=["Meta", "Qwen", "Nobody"], measure="mentions")).values())
    assert [t.name for t in chosen] == ["Meta", "Qwen"]
    assert series(chosen[0]) == {"2024-10-01": 1, "2025-01-01": 0, "2025-02-01": 0}


@pytest.mark.parametrize("grain,expected", [
    ("day", {"2024-10-02": 0, "2025-01-20": 2, "2025-02-11": 1}),
    ("week", {"2024-09-30": 0, "2025-01-20": 2, "2025-02-10": 1}),  # weeks start on Monday
    ("quarter", {"2024-10-01": 0, "2025-01-01": 3}),
    ("year", {"2024-01-01": 0, "2025-01-01": 3}),
])
def test_timeline_grains(df, grain, expected):
    assert series(by_name(charts.timeline(df, grain=grain, measure="mentions"))["DeepSeek"]) == expected


def test_timeline_share_of_documents(df):
    documents = tiny_tables().documents
    traces = by_name(charts.timeline(df, grain="quarter", top=50, documents=documents))
    # Q1 2025: two documents (Arabic, Chinese), both mention DeepSeek; Qwen only the Chinese one
    assert series(traces["DeepSeek"]) == {"2024-10-01": 0.0, "2025-01-01": 1.0}
    assert series(traces["Qwen"])["2025-01-01"] == pytest.approx(0.5)
    strip = [t for t in charts.timeline(df, grain="quarter", documents=documents).data if t.name == "All documents"][0]
    assert list(strip.y) == [1, 2] and strip.type == "bar"


def test_timeline_titles_say_what_is_counted(df):
    assert charts.timeline(df).layout.title.text.startswith("Share of documents that mention")
    assert charts.timeline(df, measure="documents").layout.title.text.startswith("Documents that mention")
    assert charts.timeline(df, measure="mentions").layout.title.text.startswith("Mentions of each")
    assert "3-month rolling" in charts.timeline(df, rolling=3).layout.title.text


def test_undated_counts(df):
    assert summaries.undated(df) == (1, 3)


# --- open vs closed -----------------------------------------------------------------------------

def test_license_split(df):
    fig = charts.license_split_chart(df)
    got = {trace.name: trace.x[0] for trace in fig.data}
    assert got == {
        "Open · stated in the text": 4, "Open · knowledge base": 2,
        "Closed · stated in the text": 3, "Closed · knowledge base": 1,
    }
    assert [t.marker.pattern.shape for t in fig.data] == ["", "/", "", "/"]  # knowledge-base stances hatched
    assert "30% of these stances come from the knowledge base" in fig.layout.title.text  # said where one looks


def test_license_over_time(df):
    fig = charts.license_over_time(df, grain="month")
    assert fig.layout.barmode == "stack"
    per_month: dict[str, int] = {}
    for trace in fig.data:
        for x, y in series(trace).items():
            per_month[x] = per_month.get(x, 0) + y
    assert per_month == {"2024-10-01": 4, "2025-01-01": 3, "2025-02-01": 2}  # undated Claude left out
    assert series(by_name(fig)["Closed · knowledge base"]) == {"2025-01-01": 1}


def test_license_by_company(df):
    fig = charts.license_by_company(df, top=15)
    totals: dict[str, int] = {}
    for trace in fig.data:
        for company, n in zip(trace.y, trace.x):
            totals[company] = totals.get(company, 0) + n
    assert totals == {"DeepSeek": 3, "OpenAI": 3, "Meta": 2, "Alibaba": 1, "Anthropic": 1}
    assert dict(zip(by_name(fig)["Open · stated in the text"].y, by_name(fig)["Open · stated in the text"].x)) == {
        "DeepSeek": 2, "Meta": 1, "Alibaba": 1}
    assert list(fig.layout.yaxis.categoryarray)[::-1][:2] == ["DeepSeek", "OpenAI"]  # most first, from the top
    assert len({c for t in charts.license_by_company(df, top=2).data for c in t.y}) == 2


# --- funding ------------------------------------------------------------------------------------

def _events(df: pd.DataFrame) -> pd.DataFrame:
    return funding_tab.events(data.with_event_ids(df))


def test_money_raised_leaves_aggregates_and_valuations_out(df):
    fig = funding_tab.totals_chart(_events(df))
    totals = {y: x for trace in fig.data for y, x in zip(trace.y, trace.x)}
    assert totals == {"OpenAI": 6.6e9, "Anthropic": 4e9, "DeepSeek": 1.3e9}
    assert 5e10 not in totals.values()
    assert set(by_name(fig)) == {"Funding", "Investment"}
    assert fig.layout.xaxis.tickprefix == "$" and fig.layout.xaxis.exponentformat == "B"  # $2B, never $2.00G
    assert "$6.6B in 1 funding event" in by_name(fig)["Funding"].text  # the hover in words, never 6,600,000,000


def test_money_raised_counts_a_round_reported_twice_once():
    rows = tiny_tables().mentions
    again = rows[rows["entity"] == "USD 1.3e9"].assign(doc_id="d_other", source="other.txt", published=pd.Timestamp("2025-01-25"))
    both = schema.mentions_frame(pd.concat([rows, again]).to_dict("records"))
    events = _events(both)
    totals = {y: x for trace in funding_tab.totals_chart(events).data for y, x in zip(trace.y, trace.x)}
    assert totals["DeepSeek"] == 1.3e9
    assert events.set_index("company").loc["DeepSeek", "mentions"] == 2
    assert len(summaries.funding_table(both)) == 5  # the mentions table lists every report


def test_the_events_chart_draws_dated_events_only(df):
    fig = funding_tab.events_chart(_events(df))
    points = {y: text.split(" · ")[0] for t in fig.data for y, text in zip(t.y, t.text)}
    # Anthropic's investment has no date at all (undated document, none in the text): left out and
    # counted in the title; the market aggregate is no event
    assert points == {"OpenAI": "$6.6B", "DeepSeek": "$1.3B"}
    assert "1 event dated only to a quarter or a year, or not at all" in fig.layout.title.text
    when = {y: pd.Timestamp(x).date().isoformat() for t in fig.data for y, x in zip(t.y, t.x)}
    assert when["DeepSeek"] == "2025-01-20"
    sizes = {y: s for t in fig.data for y, s in zip(t.y, t.marker.size)}
    assert sizes["DeepSeek"] < sizes["OpenAI"]  # area = USD


def test_the_events_chart_draws_at_most_the_largest(df):
    fig = funding_tab.events_chart(_events(df), limit=1)
    assert [text.split(" · ")[0] for t in fig.data for text in t.text] == ["$6.6B"]
    main, *small = fig.layout.title.text.split("<br>")
    assert "largest" not in main  # the details on small lines of their own, each short enough for a half-width chart
    assert small == ["<sup>the 1 largest of 2</sup>", "<sup>1 event dated only to a quarter or a year, or not at all: in the table below</sup>"]
    assert fig.layout.margin.t == 140  # room for both


def test_funding_charts_of_no_events_are_valid_and_say_so():
    for frame in EMPTY_FRAMES.values():
        for chart in (funding_tab.totals_chart, funding_tab.events_chart):
            fig = chart(_events(frame()))
            assert not fig.data and has_no_data_note(fig)
            json.loads(fig.to_json())


def test_funding_table_and_aggregates(df):
    table = summaries.funding_table(df)
    assert list(table.columns) == list(summaries.FUNDING_COLUMNS)
    assert list(table["amount_usd"]) == [5e10, 6.6e9, 4e9, 1.3e9]
    deepseek = table[table["company"] == "DeepSeek"].iloc[0]
    assert (deepseek["investor"], deepseek["round"], deepseek["currency"]) == ("High-Flyer", "series_b", "USD")
    assert list(summaries.aggregate_table(df)["amount_usd"]) == [5e10]
    assert len(summaries.funding_table(df, limit=2)) == 2


# --- overview -----------------------------------------------------------------------------------

def test_mentions_by_language(df):
    fig = charts.mentions_by_language(df)
    per_lang: dict[str, int] = {}
    for trace in fig.data:
        for lang, n in zip(trace.x, trace.y):
            per_lang[lang] = per_lang.get(lang, 0) + n
    assert per_lang == {"Arabic": 7, "Hindi": 6, "Chinese": 4, "English": 4}
    assert series_sum(by_name(fig)["Money"]) == 4
    assert fig.layout.yaxis.tickformat == ",d"  # counts: whole numbers


def series_sum(trace) -> int:
    return int(sum(trace.y))


def test_top_entities(df):
    fig = charts.top_entities(df, top=3)
    bars = {y: x for t in fig.data for y, x in zip(t.y, t.x)}
    assert bars == {"DeepSeek": 3, "OpenAI": 3, "Anthropic": 2}  # undated mentions count here
    assert [t.name for t in fig.data] == ["Company"]
    assert fig.layout.xaxis.dtick == 1 and fig.layout.xaxis.tickformat == ",d"  # never 0, 0.2 … 1
    everything = charts.top_entities(df, top=50)
    assert sum(x for t in everything.data for x in t.x) == 16
    assert set(by_name(everything)["Product"].y) == {"ChatGPT", "Claude", "DeepSeek-R1", "Llama", "Qwen"}


def test_new_organisations(df):
    fig = charts.new_organisations(df)
    assert list(fig.data[0].y) == ["نوفا لابز"] and list(fig.data[0].x) == [1]
    table = summaries.unlinked_organisations(df)
    assert table.to_dict("records") == [{"entity": "نوفا لابز", "mentions": 1, "documents": 1, "languages": "ar"}]


def test_overview_numbers(df):
    t = tiny_tables()
    o = summaries.overview(df, t.documents, t.errors)
    assert (o.documents, o.mentions, o.entities, o.errors) == (4, 21, 11, 1)
    assert o.languages == ("ar", "en", "hi", "zh")
    assert (o.first_date.date().isoformat(), o.last_date.date().isoformat()) == ("2024-10-02", "2025-02-11")
    assert (o.undated_documents, o.unlinked_mentions, o.unlinked_organisations) == (1, 1, 1)


def test_filter_choices(df):
    c = summaries.choices(df)
    assert c["langs"] == ["ar", "en", "hi", "zh"]
    assert "OpenAI" in c["companies"] and "Alibaba" in c["companies"] and "نوفا لابز" in c["companies"]
    assert c["products"] == ["ChatGPT", "Claude", "DeepSeek-R1", "Llama", "Qwen"]
    assert c["kinds"] == ["company", "product", "money", "date"]


def test_count_by_matches_pandas_groupby(df):
    got = summaries.count_by({"lang": df["lang"], "kind": df["kind"]})
    expected = df.astype({"lang": str, "kind": str}).groupby(["lang", "kind"]).size()
    assert {(r.lang, r.kind): r.n for r in got.itertuples()} == expected.to_dict()
    usd = summaries.count_by({"company": df["company"]}, summaries.money_mask(df), weights=df["amount_usd"])
    got = {(c if pd.notna(c) else None): n for c, n in zip(usd["company"], usd["n"])}
    assert got == {"DeepSeek": 1.3e9, "OpenAI": 6.6e9, None: 5e10, "Anthropic": 4e9}


@pytest.mark.parametrize("categorical", [False, True])
def test_unlinked_organisations_are_the_group_by_of_their_meaning(categorical):
    """The table on codes against a plain pandas group-by of its docstring: mentions, distinct
    documents, sorted distinct languages; most mentioned first, then most documents, then name."""
    rows = [("Nova Labs", "d1", "ar"), ("Nova Labs", "d1", "ar"), ("Nova Labs", "d2", "en"), ("Zeta AI", "d3", None),
            ("Alpha Corp", "d4", "zh"), ("Zeta AI", "d4", "zh"), ("Beta", "d5", "hi"), ("Alpha Corp", "d5", "hi"),
            (None, "d6", "en"), ("Gamma", "d6", "en")]
    df = schema.mentions_frame([{"doc_id": d, "kind": "company", "entity": e, "text": str(e), "lang": l, "linked": False}
                                for e, d, l in rows]
                               + [{"doc_id": "d9", "kind": "company", "entity": "OpenAI", "text": "OpenAI", "lang": "en", "linked": True}])
    if categorical:
        df = data.optimise(df, "mentions")
    got = summaries.unlinked_organisations(df)
    plain = pd.DataFrame([r for r in rows if r[0] is not None], columns=["entity", "doc_id", "lang"])
    g = plain.groupby("entity")
    want = pd.DataFrame({"mentions": g.size(), "documents": g["doc_id"].nunique(),
                         "languages": g["lang"].agg(lambda s: ", ".join(sorted(s.dropna().unique())))})
    want = want.sort_values(["mentions", "documents"], ascending=False, kind="stable").reset_index()
    assert got.to_dict("records") == want.to_dict("records")
    assert list(got["entity"][:3]) == ["Nova Labs", "Alpha Corp", "Zeta AI"]  # 3 mentions; then 2 in 2 documents, by name
