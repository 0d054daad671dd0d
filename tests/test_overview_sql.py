"""A large store's first page in SQL (dashboard/overview.py, data.open_store): the same answers
as the frame's, and the page served from them while the rows load."""
from __future__ import annotations

import sys
import threading
import time
from pathlib import Path

import pandas as pd
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


def month_and_year_grains(t):
    """The synthetic tables with their latest documents dated only by month and by year, and a
    few organisations found but not linked, so every branch of the first page has rows."""
    m, d = t.mentions.copy(), t.documents.copy()
    last = d["published"].dropna().sort_values().index
    for grain, doc in (("month", d.loc[last[-1], "doc_id"]), ("year", d.loc[last[-2], "doc_id"])):
        m.loc[m["doc_id"] == doc, "published_grain"] = grain
        d.loc[d["doc_id"] == doc, "published_grain"] = grain
    return m, d


def stores(tmp_path):
    """Plain stores (one file each) and one as `etl run` writes it (a part file per language)."""
    small = tiny_tables()
    yield "tiny", write_store(small.mentions, small.documents, small.errors, tmp_path / "tiny"), data.Scope()
    for rows, seed in ((4_000, 1), (30_000, 7)):  # ~200 sources (listed) and ~1,500 (not)
        t = synthetic_mentions(rows, seed)
        m, d = month_and_year_grains(t)
        yield f"synthetic {rows}", write_store(m, d, t.errors, tmp_path / f"s{rows}"), data.Scope()
    t = synthetic_mentions(8_000, 2)
    out = etl_store.write(etl_store.Tables(t.mentions, t.documents, t.errors), tmp_path / "etl")
    yield "etl layout", out, data.Scope()
    yield "etl layout, scoped", out, data.Scope(("ar", "hi"))


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
    m, d = month_and_year_grains(t)
    store = write_store(m, d, t.errors, tmp_path / "s")
    with Query(store) as query:
        page = overview.first_page(query)
    assert page.tallies.unlinked is not None and page.tallies.totals.unlinked_organisations > 5
    last_day = pd.Timestamp(d["published"].max())
    assert page.bounds[1] == (last_day.to_period("Y").end_time.date())  # the year-grain document reaches 31 December
    assert len(page.tallies.entities) > 50


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


def test_a_small_store_opens_loaded_and_a_large_one_loads_in_the_background(tmp_path, monkeypatch):
    t = tiny_tables()
    store = write_store(t.mentions, t.documents, t.errors, tmp_path / "store")
    load = lambda: data.prepare(data.read_store(store))  # noqa: E731
    small = data.open_store(store, data.Scope(), load)
    assert small.first_page is None and small.ready() and len(small.prepared().light) == len(t.mentions)

    monkeypatch.setattr(data, "TEXT_IN_MEMORY_ROWS", 5)
    release = threading.Event()

    def slow():
        assert release.wait(30)
        return load()

    large = data.open_store(store, data.Scope(), slow, origin="the test store")
    try:
        assert large.first_page is not None and not large.ready()  # the first page did not wait for the rows
        assert large.first_page.rows == len(t.mentions) and len(large.documents) == len(t.documents)
    finally:
        release.set()
    assert len(large.prepared().light) == len(t.mentions) and large.ready()

    def broken():
        raise data.DataUnavailable("the part files went")

    failing = data.open_store(store, data.Scope(), broken)
    with pytest.raises(data.DataUnavailable, match="part files went"):
        failing.prepared()

    with pytest.raises(data.DataUnavailable, match="does not exist"):
        data.open_store(tmp_path / "nowhere", data.Scope(), lambda: data.prepare(data.read_store(tmp_path / "nowhere")))


def wait_for(condition, seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.05)
    return bool(condition())


def metrics(at: AppTest) -> dict:
    return {m.label: m.value for m in at.metric}


def test_the_app_shows_a_large_stores_first_page_before_its_rows_are_loaded(tmp_path, monkeypatch):
    t = synthetic_mentions(6_000, 4)
    store = write_store(t.mentions, t.documents, t.errors, tmp_path / "store")
    monkeypatch.setenv(data.ENV_DATA, str(store))
    monkeypatch.delenv(data.ENV_READ_ONLY, raising=False)

    loaded = AppTest.from_file(APP, default_timeout=60)
    loaded.run()  # a small store: the rows first, then the page
    assert not loaded.exception
    expected = metrics(loaded)

    monkeypatch.setattr(data, "TEXT_IN_MEMORY_ROWS", 1_000)
    release, reads = threading.Event(), []
    original = data.read_store

    def held(*args, **kwargs):
        reads.append(args)
        assert release.wait(60)
        return original(*args, **kwargs)

    monkeypatch.setattr(data, "read_store", held)
    st.cache_resource.clear()  # the process's loaded dataset (the small store's): opened again, as large
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
