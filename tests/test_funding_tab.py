"""The Funding tab's pure functions (dashboard/funding_tab.py) on a corpus with a repeated event:
OpenAI's round reported by three articles in three languages (one with a headline), Amazon's
investment in Anthropic once, and a market aggregate."""
import json
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from dashboard import data, funding_tab
from dashboard.drilldown import Target, rows_for
from etl import extract_tables, read_corpus

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "funding"


@pytest.fixture(scope="module")
def tables():
    return extract_tables(read_corpus(FIXTURE), today=date(2026, 1, 1))


@pytest.fixture(scope="module")
def events(tables):
    return funding_tab.events(tables.mentions)


def test_a_repeated_round_is_one_event(tables, events):
    assert sorted(events.company) == ["Anthropic", "OpenAI"]
    openai = events[events.company == "OpenAI"].iloc[0]
    assert (openai.mentions, openai.documents) == (4, 3)
    assert openai.lead_investor == "Thrive Capital"
    assert openai.investors == "Thrive Capital; Microsoft; Nvidia"
    assert openai.amount_usd == pytest.approx(6.57e9)  # the most precise report
    shown = funding_tab.table_view(events, tables.documents)
    reported_by = shown[shown.company == "OpenAI"]["reported by"].iloc[0]
    assert "OpenAI完成66亿美元融资" in reported_by and "OpenAI raises $6.6 billion" in reported_by


def test_totals_count_each_event_once(events):
    totals = funding_tab.totals(events).set_index("company")
    assert totals.loc["OpenAI", "amount_usd"] == pytest.approx(6.57e9)
    assert totals.loc["OpenAI", "events"] == 1
    bars = funding_tab.totals_chart(events).data
    assert sorted(c for trace in bars for c in trace.y) == ["Anthropic", "OpenAI"]


def test_clicking_an_event_reads_all_its_sentences(tables, events):
    fig = funding_tab.events_chart(events)
    points = [json.loads(c) for trace in fig.data for c in trace.customdata]
    assert sorted(p["event_id"] for p in points) == sorted(events.event_id)
    openai = events[events.company == "OpenAI"].event_id.iloc[0]
    rows = rows_for(tables.mentions, Target.of(event_id=openai))
    assert len(rows) == 4 and set(rows.lang) == {"en", "zh", "ar"}
    label = Target.of(event_id=openai).label  # in words, never the id
    assert "funding event" in label.lower() and openai not in label


def test_rows_without_ids_get_them_from_the_same_rule(tables, events):
    uploaded = tables.mentions.drop(columns=["event_id"])  # a store from before events
    again = funding_tab.events(data.with_event_ids(uploaded))
    assert sorted(zip(again.company, again.mentions)) == sorted(zip(events.company, events.mentions))
    assert data.with_event_ids(tables.mentions) is tables.mentions  # ids present: nothing recomputed


def test_an_upload_repeating_a_stored_round_joins_its_event(tables):
    from etl import extract_tables as extract
    from etl.documents import Document

    upload = extract([Document(text="OpenAI raised $6.6 billion in a round led by Thrive Capital, sources said.",
                               source="upload.txt", lang="en", published=date(2024, 10, 5))], today=date(2026, 1, 1))
    stored = data.Dataset.of(tables.mentions, tables.documents, tables.errors)
    merged = data.merge(stored, upload, ["upload.txt"])
    assert merged.light[merged.light.kind == "money"].event_id.nunique() == 3  # merged apart: the store's and the upload's
    prepared = data.prepare(merged)  # once per session's uploads: the merge rule over every row
    events = funding_tab.events(prepared.light)
    assert events[events.company == "OpenAI"].mentions.tolist() == [5]
    openai = events[events.company == "OpenAI"].event_id.iloc[0]
    assert (prepared.dataset.light["event_id"] == openai).sum() == 5  # the rows read back for a CSV carry it too


def test_the_table_names_columns_in_words_and_the_csv_is_safe(events):
    shown = funding_tab.table_view(events)
    assert list(shown.company) == ["OpenAI", "Anthropic"]  # largest first
    assert {"lead investor", "investors", "mentions", "reported by"} <= set(shown.columns)
    csv = pd.read_csv(__import__("io").BytesIO(funding_tab.events_csv(events)), encoding="utf-8-sig")
    assert len(csv) == 2 and {"event_id", "articles"} <= set(csv.columns)
    assert len(funding_tab.table_view(events, limit=1)) == 1


def test_no_events_give_empty_figures():
    empty = funding_tab.events(extract_tables([], today=date(2026, 1, 1)).mentions)
    assert empty.empty
    assert not funding_tab.totals_chart(empty).data and not funding_tab.events_chart(empty).data


def test_the_events_chart_places_only_what_a_date_states(events):
    dated = events.assign(date=["2024-10", "2024"][: len(events)], date_grain=["month", "year"][: len(events)])
    fig = funding_tab.events_chart(dated)
    placed = [(str(x)[:10], h) for trace in fig.data for x, h in zip(trace.x, trace.hovertext)]
    assert placed == [("2024-10-15", "October 2024")]  # a month mid-month, named; the year left out
    assert "1 event dated only to a quarter or a year" in fig.layout.title.text
    assert fig.layout.xaxis.tickformat == "%b %Y"  # a month's ticks never name the 15th
    assert list(funding_tab.table_view(dated).columns[:3]) == ["company", "type", "round"]  # what it is, before the numbers


def test_a_view_counts_its_own_reports_of_the_datasets_events(tables, events):
    dataset = data.prepare(data.Dataset.of(tables.mentions, tables.documents, tables.errors)).dataset
    whole = funding_tab.events(dataset.light, dataset.events)
    pd.testing.assert_frame_equal(whole, events)  # the unfiltered view: exactly the view's own events table
    chinese = dataset.light[(dataset.light["lang"] == "zh").to_numpy()]
    shown = funding_tab.events(chinese, dataset.events)
    openai = shown[shown.company == "OpenAI"].iloc[0]
    assert (openai.mentions, openai.documents) == (1, 1)  # the view's reports only
    assert openai.amount_usd == pytest.approx(6.57e9)  # but the event is the dataset's: its most precise amount
    assert openai.lead_investor == "Thrive Capital"
    assert list(shown.company) == ["OpenAI"]  # Anthropic has no Chinese report
    assert funding_tab.events(chinese.iloc[:0], dataset.events).empty


def test_events_are_placed_at_the_grain_their_date_states():
    """A day on its day, a month mid-month, a quarter, a year or no date nowhere: each distinct
    date text is parsed once and read back by every event that has it."""
    table = pd.DataFrame({"date": ["2024-06-11", "2024-06", "2024", "2024-04", None, "2024-06-11", "2024-06"],
                          "date_grain": ["day", "month", "year", "quarter", None, "week", "month"]})
    want = pd.Series(pd.to_datetime(["2024-06-11", "2024-06-15", None, None, None, "2024-06-11", "2024-06-15"])).astype("datetime64[ns]")
    pd.testing.assert_series_equal(funding_tab._day_of(table), want, check_names=False)
    assert funding_tab._day_of(table.iloc[:0]).empty


def test_lookups_are_made_once_per_dataset_object_and_read_like_get_indexer():
    from dashboard.summaries import once_per, positions

    calls = []
    index, other = pd.Index(["e1", "e2", "e3"]), pd.Index(["e1", "e2", "e3"])
    for _ in range(3):
        once_per((index,), "test", lambda: calls.append(1) or len(calls))
    assert once_per((index,), "test", lambda: 99) == 1 and len(calls) == 1
    assert once_per((other,), "test", lambda: 7) == 7  # an equal but other object: its own entry
    values = pd.Series(["e3", None, "e9", "e1"], dtype="category")
    assert list(positions(index, values)) == [2, -1, -1, 0]
    assert list(positions(index, values.astype("string"))) == [2, -1, -1, 0]  # plain text: the same answer
