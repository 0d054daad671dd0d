"""A large store's first page in SQL (dashboard/overview.py, data.open_store): the same answers
as the frame's, and the page served from them while the rows load."""
from __future__ import annotations

import sys
import threading
import time
from datetime import date
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from dashboard import data, filters, overview, summaries
from dashboard.sample import synthetic_mentions, tiny_tables, write_store
from etl import store as etl_store
from etl.query import Query

APP = str(Path(__file__).resolve().parents[1] / "dashboard" / "app.py")


@pytest.fixture(autouse=True)
def main_module_restored():
    main = sys.modules.get("__main__")
    yield
    sys.modules["__main__"] = main


def coarse_dates_and_shared_names(t, grains=("month", "year")):
    """The synthetic tables with their latest documents dated only by these grains (the latest by
    the first), and a product that bears a company's name, so every branch has rows."""
    m, d = t.mentions.copy(), t.documents.copy()
    last = d["published"].dropna().sort_values().index
    for grain, at in zip(grains, (last[-1], last[-2])):
        doc = d.loc[at, "doc_id"]
        m.loc[m["doc_id"] == doc, "published_grain"] = grain
        d.loc[d["doc_id"] == doc, "published_grain"] = grain
    products = m.index[m["kind"] == "product"][:3]
    m["entity"] = m["entity"].astype(object)
    m.loc[products, "entity"] = m.loc[m["kind"] == "company", "entity"].iloc[0]  # e.g. "DeepSeek", the model
    return m, d


def stores(tmp_path):
    """Plain stores (one file each) and one as `etl run` writes it (a part file per language)."""
    small = tiny_tables()
    yield "tiny", write_store(small.mentions, small.documents, small.errors, tmp_path / "tiny"), data.Scope()
    for rows, seed, grains in ((4_000, 1, ("month",)), (30_000, 7, ("month", "year"))):  # ~200 sources (listed), ~1,500 (not)
        t = synthetic_mentions(rows, seed)
        m, d = coarse_dates_and_shared_names(t, grains)
        yield f"synthetic {rows}", write_store(m, d, t.errors, tmp_path / f"s{rows}"), data.Scope()
    t = synthetic_mentions(8_000, 2)
    out = etl_store.write(etl_store.Tables(t.mentions, t.documents, t.errors), tmp_path / "etl")
    yield "etl layout", out, data.Scope()
    yield "etl layout, languages", out, data.Scope(("ar", "hi"))
    yield "etl layout, dates", out, data.Scope(since=date(2024, 3, 1), until=date(2025, 2, 28))


def test_the_first_page_in_sql_equals_the_frames(tmp_path):
    listed = unlisted = 0
    for name, store, scope in stores(tmp_path):
        prepared = data.prepare(data.read_store(store, scope=scope))
        light = prepared.light
        with Query(store, scope.selection()) as query:
            page = overview.first_page(query)
        assert page is not None, name
        counted = overview.tallies(light)
        assert page.rows == len(light) and page.tallies.totals == counted.totals, name
        pd.testing.assert_frame_equal(page.tallies.entities, counted.entities)
        key = ["lang", "kind"]
        pd.testing.assert_frame_equal(page.tallies.languages.sort_values(key).reset_index(drop=True),
                                      counted.languages.sort_values(key).reset_index(drop=True), check_dtype=False)
        if counted.unlinked is None:
            assert page.tallies.unlinked is None, name
        else:
            pd.testing.assert_frame_equal(page.tallies.unlinked, counted.unlinked)
        assert page.choices == prepared.choices and page.bounds == prepared.bounds, name
        listed += page.choices["sources"] is not None
        unlisted += page.choices["sources"] is None
        # and what the page draws from them
        documents = prepared.dataset.documents
        sql, frame = overview.answers(page.tallies, documents, prepared.dataset.errors), overview.answers(
            counted, documents, prepared.dataset.errors, light)
        assert sql.overview == frame.overview, name
        for a, b in zip(sql[1:], frame[1:]):
            if isinstance(a, pd.DataFrame):
                pd.testing.assert_frame_equal(a, b)
            else:
                assert (a is None and b is None) or a.to_json() == b.to_json(), name
    assert listed and unlisted  # both kinds of source choice were compared


def test_the_synthetic_stores_reach_the_branches_compared(tmp_path):
    """The equality above is worth something only if the rows have what it compares."""
    t = synthetic_mentions(30_000, 7)
    for grains, period in ((("month", "year"), "Y"), (("month",), "M")):
        m, d = coarse_dates_and_shared_names(t, grains)
        store = write_store(m, d, t.errors, tmp_path / "-".join(grains))
        with Query(store) as query:
            page = overview.first_page(query)
        last_day = pd.Timestamp(d["published"].max())
        assert page.bounds[1] == last_day.to_period(period).end_time.date() > last_day.date()  # the period's end
    assert page.tallies.unlinked is not None and page.tallies.totals.unlinked_organisations > 5
    assert len(page.tallies.entities) > 50
    assert set(page.choices["companies"]) & set(page.choices["products"])  # a name of both kinds, in both lists


def test_sources_are_listed_only_up_to_the_limit():
    few = summaries.choices_of([], [], [], [], [], [f"s{i}" for i in range(summaries.SOURCE_CHOICES)])
    many = summaries.choices_of([], [], [], [], [], [f"s{i}" for i in range(summaries.SOURCE_CHOICES + 1)])
    assert len(few["sources"]) == summaries.SOURCE_CHOICES and many["sources"] is None
    assert filters.unknown_choices(filters.Filters(sources=("elsewhere",)), many) == []  # no list to check against
    assert filters.unknown_choices(filters.Filters(sources=("elsewhere",)), few) != []


def test_an_older_store_without_a_column_the_sql_reads_gets_no_first_page(tmp_path):
    t = tiny_tables()
    store = write_store(t.mentions.drop(columns=["linked"]), t.documents, t.errors, tmp_path / "old")
    with Query(store) as query:
        assert overview.first_page(query) is None
    # nor when only some part files lack it (DuckDB would unite them; the frame takes the first file's)
    out = etl_store.write(etl_store.Tables(t.mentions, t.documents, t.errors), tmp_path / "mixed")
    part = sorted((out / "mentions.parquet").glob("*.parquet"))[0]
    pq.write_table(pq.read_table(part).drop(["linked"]), part.resolve())
    with Query(out) as query:
        assert overview.first_page(query) is None


def test_a_small_store_opens_loaded_and_a_large_one_loads_in_the_background(tmp_path, monkeypatch):
    t = tiny_tables()
    store = write_store(t.mentions, t.documents, t.errors, tmp_path / "store")
    load = lambda small: data.prepare(data.read_store(store, small_tables=small))  # noqa: E731
    small = data.open_store(store, data.Scope(), load)
    assert small.first_page is None and small.ready() and len(small.prepared().light) == len(t.mentions)

    monkeypatch.setattr(data, "TEXT_IN_MEMORY_ROWS", 5)
    release = threading.Event()

    def slow(small):
        assert release.wait(30)
        return load(small)

    large = data.open_store(store, data.Scope(), slow, origin="the test store")
    try:
        assert large.first_page is not None and not large.ready()  # the first page did not wait for the rows
        assert large.first_page.rows == len(t.mentions) and len(large.documents) == len(t.documents)
    finally:
        release.set()
    assert len(large.prepared().light) == len(t.mentions) and large.ready()
    assert large.prepared().dataset.documents is large.documents  # held once, not read again

    def broken(small):
        raise data.DataUnavailable("the part files went")

    failing = data.open_store(store, data.Scope(), broken)
    with pytest.raises(data.DataUnavailable, match="part files went"):
        failing.prepared()

    with pytest.raises(data.DataUnavailable, match="does not exist"):
        data.open_store(tmp_path / "nowhere", data.Scope(), lambda small: data.prepare(data.read_store(tmp_path / "nowhere")))


def wait_for(condition, seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.05)
    return bool(condition())


def metrics(at: AppTest) -> dict:
    return {m.label: m.value for m in at.metric}


def served(tmp_path, monkeypatch, seed: int, large: bool = True):
    """A 6,000-row synthetic store the app serves; `large`: over TEXT_IN_MEMORY_ROWS, and opened
    afresh (the process's cached dataset cleared)."""
    t = synthetic_mentions(6_000, seed)
    store = write_store(t.mentions, t.documents, t.errors, tmp_path / "store")
    monkeypatch.setenv(data.ENV_DATA, str(store))
    monkeypatch.delenv(data.ENV_READ_ONLY, raising=False)
    if large:
        monkeypatch.setattr(data, "TEXT_IN_MEMORY_ROWS", 1_000)
        st.cache_resource.clear()
    return t


def held_reads(monkeypatch) -> tuple[threading.Event, list]:
    """read_store held until the returned event is set; the list records each call."""
    release, reads, original = threading.Event(), [], data.read_store

    def held(*args, **kwargs):
        reads.append(args)
        assert release.wait(60)
        return original(*args, **kwargs)

    monkeypatch.setattr(data, "read_store", held)
    return release, reads


def test_the_app_shows_a_large_stores_first_page_before_its_rows_are_loaded(tmp_path, monkeypatch):
    t = served(tmp_path, monkeypatch, 4, large=False)
    loaded = AppTest.from_file(APP, default_timeout=60)
    loaded.run()  # a small store: the rows first, then the page
    assert not loaded.exception
    expected = metrics(loaded)

    served(tmp_path, monkeypatch, 4)  # the same store, now over the limit, opened again
    release, reads = held_reads(monkeypatch)
    at = AppTest.from_file(APP, default_timeout=20)
    try:
        at.run()  # would time out if the page waited for the rows
        assert not at.exception, [e.value for e in at.exception]
        assert metrics(at) == expected  # the same tiles, while the rows are still being read:
        assert release.wait(0) is False and wait_for(lambda: reads)  # the background read began, and is held
        assert not any("No data" in e.value for e in at.error)
    finally:
        release.set()
    at.multiselect(key="f_langs").set_value(["ar"]).run()  # any other view: from the rows, once loaded
    assert not at.exception
    assert int(metrics(at)["Mentions"].replace(",", "")) == int((t.mentions["lang"] == "ar").sum())


def test_a_link_with_filters_waits_for_the_rows_and_a_failed_load_is_tried_again(tmp_path, monkeypatch):
    t = served(tmp_path, monkeypatch, 5)
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["lang"] = "hi"
    at.run()  # not the first page: the rows, with the link's filter
    assert not at.exception
    assert int(metrics(at)["Mentions"].replace(",", "")) == int((t.mentions["lang"] == "hi").sum())

    st.cache_resource.clear()
    attempts, original = [], data.read_store

    def failing_once(*args, **kwargs):
        attempts.append(1)
        if len(attempts) == 1:
            raise data.DataUnavailable("the disk went away")
        return original(*args, **kwargs)

    monkeypatch.setattr(data, "read_store", failing_once)
    again = AppTest.from_file(APP, default_timeout=60)
    again.query_params["lang"] = "hi"
    again.run()
    assert any("the disk went away" in e.value for e in again.error)  # said, on the page
    again.run()  # the failure was not kept: opened and read again
    assert len(attempts) == 2 and not again.error
    assert int(metrics(again)["Mentions"].replace(",", "")) == int((t.mentions["lang"] == "hi").sum())


def test_a_chart_clicked_on_the_first_page_shows_its_sentences_once_the_rows_are_in(tmp_path, monkeypatch):
    from dashboard import drilldown

    served(tmp_path, monkeypatch, 6)
    release, _ = held_reads(monkeypatch)
    clicked = []

    def a_click(selection):  # the first chart drawn is clicked on its first bar (AppTest cannot click)
        if clicked:
            return None
        clicked.append(1)
        release.set()  # the rows may come now: the rerun the click asks for waits for them
        return drilldown.Target.of(entity="OpenAI")

    monkeypatch.setattr(drilldown, "target_from_selection", a_click)
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert clicked and not at.exception, [e.value for e in at.exception]
    assert any("OpenAI" in h.proto.body for h in at.get("html"))  # its sentences, from the rows
