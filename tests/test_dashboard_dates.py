"""Publication dates on the dashboard follow their grain (dashboard/summaries.py, charts.py,
drilldown.py): a year-grain "2025" is stored as 2025-01-01 but never shown, charted or counted as
that day. Built on etl.schema frames, as the store gives them."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from dashboard import charts, drilldown, summaries
from etl import schema


def _frame(rows: list[tuple[str, str | None, str | None, str]]) -> pd.DataFrame:
    """(doc_id, published, grain, entity) -> company mention rows."""
    return schema.mentions_frame([
        {"doc_id": d, "source": f"{d}.txt", "lang": "en", "published": dt.date.fromisoformat(p) if p else None,
         "published_grain": g, "published_from": "text" if g == "year" else ("metadata" if p else None),
         "sentence_id": 0, "sentence": f"{e} said.", "start": 0, "end": len(e), "text": e, "kind": "company",
         "entity": e, "company": e}
        for d, p, g, e in rows])


@pytest.fixture
def mixed():
    return _frame([("y1", "2025-01-01", "year", "OpenAI"), ("y2", "2025-01-01", "year", "Baidu"),
                   ("m1", "2025-06-01", "month", "OpenAI"), ("d1", "2025-06-11", "day", "OpenAI"),
                   ("d2", "2025-01-20", "day", "Baidu"), ("u1", None, None, "OpenAI")])


def test_labels_follow_the_grain(mixed):
    assert summaries.published_label(pd.Timestamp("2025-01-01"), "year") == "2025"
    assert summaries.published_label(pd.Timestamp("2024-06-01"), "month") == "Jun 2024"
    assert summaries.published_label(pd.Timestamp("2024-06-11"), "day") == "2024-06-11"
    assert summaries.published_label(pd.NaT, "day") is None
    labels = summaries.published_labels(mixed)
    assert list(labels.fillna("-")) == ["2025", "2025", "Jun 2025", "2025-06-11", "2025-01-20", "-"]
    shown = summaries.for_display(mixed)
    assert not shown["published"].fillna("").str.contains("00:00").any()


def test_overview_line_never_claims_a_day_it_does_not_have(mixed):
    years = mixed[mixed["doc_id"].isin(["y1", "y2"])]
    o = summaries.overview(years, years.drop_duplicates("doc_id"), schema.errors_frame([]))
    assert summaries.published_caption(o) == "Published in 2025 (2 articles dated only by year)."
    o = summaries.overview(mixed, mixed.drop_duplicates("doc_id"), schema.errors_frame([]))
    caption = summaries.published_caption(o)
    # The first date is the year-grain documents' (stored on 1 January): shown as the year, no day count.
    assert caption.startswith("Published between 2025 and 2025-06-11") and "days" not in caption
    assert "2 articles dated only by year, 1 article dated only by month" in caption
    days = mixed[mixed["doc_id"].isin(["d1", "d2"])]
    o = summaries.overview(days, days, schema.errors_frame([]))
    assert summaries.published_caption(o) == "Published between 2025-01-20 and 2025-06-11 (143 days)."


def test_timeline_places_each_document_only_in_views_as_fine_as_its_date(mixed):
    month = charts.timeline_data(mixed, "month")
    per = month.groupby("period")["mentions"].sum()
    assert per[per > 0].to_dict() == {pd.Timestamp("2025-01-01"): 1, pd.Timestamp("2025-06-01"): 2}
    assert summaries.coarse(mixed, "month") == {"year": 2}
    assert summaries.coarse(mixed, "week") == {"year": 2, "month": 1}
    year = charts.timeline_data(mixed, "year")
    assert year["mentions"].sum() == 5 and summaries.coarse(mixed, "year") == {}
    fig = charts.timeline(mixed, "year")
    assert all(str(t).startswith("2025") and "Jan" not in str(t) for trace in fig.data for t in trace.text)


def test_drill_down_of_a_month_leaves_year_dates_out_and_labels_dates_by_grain(mixed):
    january = drilldown.rows_for(mixed, drilldown.Target.of(period="2025-01-01", grain="month"))
    assert list(january["doc_id"]) == ["d2"]  # not the year-grain documents stored on 1 January
    year = drilldown.rows_for(mixed, drilldown.Target.of(period="2025-01-01", grain="year"))
    assert sorted(year["doc_id"]) == ["d1", "d2", "m1", "y1", "y2"]
    page = drilldown.mentions_html(mixed)
    assert " · 2025 · " in page and " · Jun 2025 · " in page and "2025-01-01" not in page


def test_date_filter_bounds_reach_the_end_of_a_year_or_month(mixed):
    assert summaries.published_bounds(mixed) == (dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    days = mixed[mixed["doc_id"].isin(["d1", "m1"])]
    assert summaries.published_bounds(days) == (dt.date(2025, 6, 1), dt.date(2025, 6, 30))
    assert summaries.published_bounds(mixed[mixed["published"].isna()]) is None


def test_an_entity_pages_range_and_the_default_time_step_follow_the_grain(mixed):
    years = mixed[mixed["doc_id"].isin(["y1", "y2"])]
    assert summaries.date_range_label(years) == "2025"  # never "2025-01-01 to 2025-01-01"
    assert summaries.date_range_label(mixed).endswith("to 2025-06-11")
    assert summaries.date_range_label(mixed.assign(published=pd.NaT)) == ""
    chosen = mixed["doc_id"].isin(["y1", "y2"]).to_numpy()
    assert summaries.date_range_label(mixed, chosen) == "2025"  # a mask of rows: the same as those rows
    assert summaries.date_range_label(mixed, ~chosen) == summaries.date_range_label(mixed[~chosen])
    assert summaries.default_grain(years.drop_duplicates("doc_id")) == "year"
    assert summaries.default_grain(mixed.drop_duplicates("doc_id")) == "month"


def test_the_table_names_a_money_row_by_its_amount_not_the_contracts_code():
    rows = schema.mentions_frame([
        {"doc_id": "d", "kind": "money", "entity": "USD 4e+10", "text": "40 مليار دولار", "amount": 4e10, "currency": "USD"},
        {"doc_id": "d", "kind": "money", "entity": "INR 5e+09", "text": "500 करोड़ रुपये", "amount": 5e9, "currency": "INR"},
        {"doc_id": "d", "kind": "company", "entity": "OpenAI", "text": "OpenAI"},
    ])
    shown = summaries.for_display(rows)
    assert list(shown["entity"]) == ["$40B", "₹500 Cr", "OpenAI"]
    assert list(rows["entity"]) == ["USD 4e+10", "INR 5e+09", "OpenAI"]  # the stored rows (and the CSV) keep the contract's
