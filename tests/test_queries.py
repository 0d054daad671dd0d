"""dashboard/queries.py: every SQL answer equals what the pandas functions (summaries, charts,
drilldown) give on the same filtered rows, on the hand-made dataset and on synthetic rows."""
from datetime import date

import numpy as np
import pandas as pd
import pytest

from dashboard import charts, data, drilldown, filters, queries, summaries
from dashboard.filters import Filters
from dashboard.sample import synthetic_mentions, tiny_tables
from etl import store
from etl.query import Query

FILTERS = {
    "everything": Filters(),
    "ar+hi": Filters(langs=("ar", "hi")),
    "OpenAI": Filters(companies=("OpenAI",)),
    "2024-08 to 2025-01": Filters(date_from=date(2024, 8, 1), date_to=date(2025, 1, 31)),
    "open, undated out": Filters(licenses=("open",), undated=False),
}


@pytest.fixture(scope="module", params=["tiny", "synthetic"])
def case(request, tmp_path_factory):
    t = tiny_tables() if request.param == "tiny" else synthetic_mentions(20_000, seed=3)
    out = tmp_path_factory.mktemp(request.param) / "store"
    store.write(store.Tables(t.mentions, t.documents, t.errors), out)
    query = Query(out)
    yield t, query
    query.close()


def frames_equal(got: pd.DataFrame, want: pd.DataFrame, keys) -> None:
    got = got.sort_values(keys).reset_index(drop=True)
    want = want.sort_values(keys).reset_index(drop=True)
    assert list(got.columns) == list(want.columns)
    for col in got.columns:
        a, b = got[col], want[col]
        if pd.api.types.is_float_dtype(a) or pd.api.types.is_float_dtype(b):
            np.testing.assert_allclose(a.astype(float), b.astype(float), rtol=1e-9)
        else:
            assert a.astype(object).where(a.notna(), None).tolist() == b.astype(object).where(b.notna(), None).tolist(), col


@pytest.mark.parametrize("name", FILTERS)
def test_sql_answers_equal_the_pandas_ones(case, name):
    t, query = case
    f = FILTERS[name]
    view = filters.apply(t.mentions, f)
    sel = f.selection()
    if name != "everything":
        assert 0 < len(view) < len(t.mentions)
    assert queries.overview(query, sel) == summaries.overview(view, filters.apply_documents(t.documents, f), t.errors)
    frames_equal(queries.entity_counts(query, sel), summaries.entity_counts(view), ["entity"])
    frames_equal(queries.unlinked_organisations(query, sel), summaries.unlinked_organisations(view), ["entity"])
    assert queries.undated(query, sel) == summaries.undated(view)
    for grain in ("week", "month", "quarter"):
        frames_equal(queries.timeline_data(query, sel, grain, 5), charts.timeline_data(view, grain, 5), ["entity", "period"])
        frames_equal(queries.license_over_time_data(query, sel, grain), charts.license_over_time_data(view, grain),
                     ["license", "license_from", "period"])
    frames_equal(queries.timeline_data(query, sel, "month", entities=["OpenAI", "Llama"]),
                 charts.timeline_data(view, "month", entities=["OpenAI", "Llama"]), ["entity", "period"])
    frames_equal(queries.license_split(query, sel), charts.license_split(view), ["license", "license_from"])
    got = queries.license_by_company_data(query, sel, 6)
    frames_equal(got, charts.license_by_company_data(view, 6), ["company", "license", "license_from"])
    by_lang = queries.language_kinds(query, sel)
    want = summaries.count_by({"lang": view["lang"], "kind": view["kind"]})
    frames_equal(by_lang, want.astype({"lang": object, "kind": object}), ["lang", "kind"])


@pytest.mark.parametrize("name", FILTERS)
def test_funding_facts_and_tables_equal_the_pandas_ones(case, name):
    t, query = case
    f = FILTERS[name]
    view = filters.apply(t.mentions, f)
    facts = queries.priced_facts(query, f.selection())
    want = summaries.priced_facts(view)
    assert len(facts) == len(want)
    frames_equal(summaries.funding_by_company(None, facts), summaries.funding_by_company(view), ["company", "money_type"])
    events, events_want = charts.funding_events_data(None, 50, facts), charts.funding_events_data(view, 50)
    assert events.attrs["facts"] == events_want.attrs["facts"]
    assert sorted(events["amount_usd"]) == sorted(events_want["amount_usd"])
    rows, total = queries.money_rows(query, f.selection(), 30)
    assert total == int(summaries.money_mask(view).sum())
    assert rows["amount_usd"].tolist()[:5] == summaries.funding_table(view, 30)["amount_usd"].tolist()[:5]


def test_filter_choices_equal_the_pandas_ones(case):
    t, query = case
    got, want = queries.choices(query), summaries.choices(t.mentions)
    if len(want["sources"]) > 1000:  # only the first 1,001: the page shows a text box then
        assert len(got["sources"]) == 1001 and set(got["sources"]) <= set(want["sources"])
        got, want = {**got, "sources": []}, {**want, "sources": []}
    assert got == want


def test_charts_drawn_from_sql_answers_are_the_same_figures(case):
    t, query = case
    sel = Filters().selection()
    view = t.mentions
    pairs = [
        (charts.timeline(None, "month", 8, data=queries.timeline_data(query, sel, "month", 8)), charts.timeline(view, "month", 8)),
        (charts.license_donut(None, data=queries.license_split(query, sel)), charts.license_donut(view)),
        (charts.top_entities(None, data=queries.entity_counts(query, sel)), charts.top_entities(view)),
        (charts.new_organisations(None, data=queries.unlinked_organisations(query, sel)), charts.new_organisations(view)),
        (charts.license_by_company(None, data=queries.license_by_company_data(query, sel, 15)), charts.license_by_company(view)),
    ]
    for got, want in pairs:
        assert got.to_json() == want.to_json()


def test_the_drill_down_shows_the_same_sentences(case):
    t, query = case
    for target in (drilldown.Target.of(entity="OpenAI"), drilldown.Target.of(linked=False),
                   drilldown.Target.of(license="open", license_from="context", period="2024-01-01", grain="quarter")):
        view = t.mentions
        expected = drilldown.rows_for(view, target)
        labels, sentences = drilldown.pick_sentences(expected, 10)
        rows, documents, n, total = queries.drill(query, Filters().selection(), target, 10)
        assert (n, total) == (len(expected), sentences)
        assert sorted(zip(rows["doc_id"], rows["start"])) == sorted(zip(view.loc[labels, "doc_id"], view.loc[labels, "start"]))
        html = drilldown.mentions_html(rows, documents, 10, total)
        assert html == drilldown.mentions_html(data.to_schema(view.loc[labels]), t.documents, 10, sentences)
