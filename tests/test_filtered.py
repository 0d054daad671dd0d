"""filters.Filtered and filters.READS: a rerun takes only the columns the open part of the page
reads, so each part must answer exactly as it does from every column. A column a part reads but
READS leaves out either raises or (where code checks `col in df.columns`) changes an answer, and
these tests fail either way."""
from __future__ import annotations

import os
from datetime import date

import numpy as np
import pandas as pd
import pytest

from dashboard import bench, charts, data, drilldown, filters
from dashboard.filters import Filters, View
from dashboard.sample import synthetic_mentions, write_store
from etl import events as etl_events

FILTERS = [
    Filters(),
    Filters(langs=("ar", "hi")),
    Filters(companies=("OpenAI",)),
    Filters(date_from=date(2024, 7, 1)),
    Filters(licenses=("open",)),
    Filters(kinds=("money",)),
    Filters(langs=("zh",), undated=False),
    Filters(kinds=("product",), licenses=("closed", "none")),
]
VIEWS = [View(), View(grain="week", measure="mentions", rolling=3), View(grain="year", measure="documents")]


class AllColumns(filters.Filtered):
    """The filtered rows with every column, whatever a part asks for: what the page read before."""

    def frame(self, columns=None):
        return super().frame(None)


def comparable(answer):
    """An answer as plain values: figures as their JSON, frames as CSV text."""
    if isinstance(answer, pd.DataFrame):
        return list(answer.columns), answer.to_csv()
    if isinstance(answer, (pd.Series, pd.Index)):
        return answer.to_list()
    if isinstance(answer, np.ndarray):
        return answer.tolist()
    if isinstance(answer, dict):
        return {k: comparable(v) for k, v in answer.items()}
    if isinstance(answer, (tuple, list)):
        return [comparable(v) for v in answer]
    if hasattr(answer, "to_json"):
        return answer.to_json()
    return repr(answer)


@pytest.fixture(scope="module")
def datasets(tmp_path_factory):
    """The seeds as the ETL writes them, and a synthetic store with events and coarse dates."""
    out = {"seeds": data.prepare(data.read_store(data.default_store(os.environ)))}
    t = synthetic_mentions(12_000, 5)
    t.mentions = etl_events.with_event_ids(t.mentions)
    last = t.documents["published"].dropna().sort_values().index[-1]
    coarse = t.documents.loc[last, "doc_id"]
    t.mentions.loc[t.mentions["doc_id"] == coarse, "published_grain"] = "year"
    t.documents.loc[t.documents["doc_id"] == coarse, "published_grain"] = "year"
    money = t.mentions[(t.mentions["kind"] == "money").to_numpy(dtype=bool, na_value=False)]
    store = write_store(t.mentions, t.documents, t.errors, tmp_path_factory.mktemp("synthetic") / "store",
                        etl_events.events_table(etl_events.event_columns(money)))
    out["synthetic"] = data.prepare(data.read_store(store))
    return out


@pytest.mark.parametrize("which", ["seeds", "synthetic"])
@pytest.mark.parametrize("f", FILTERS, ids=repr)
def test_every_part_answers_the_same_from_the_columns_it_reads(datasets, which, f):
    prepared = datasets[which]
    dataset, light = prepared.dataset, prepared.light
    for v in VIEWS:
        wanted = bench.tab_work(dataset, filters.Filtered(light, f), f, v)
        everything = bench.tab_work(dataset, AllColumns(light, f), f, v)
        assert set(wanted) == {*filters.READS, "Drill-down"}
        for part in wanted:
            assert comparable(wanted[part]()) == comparable(everything[part]()), (part, v)


@pytest.mark.parametrize("which", ["seeds", "synthetic"])
def test_every_kind_of_drill_down_finds_the_same_rows_from_its_columns(datasets, which):
    """A target of each column a click can name, and a period: rows_for on drilldown.reads(target)
    finds the same rows, and pick_sentences the same sentences, as on every column."""
    prepared = datasets[which]
    light = prepared.light
    f = Filters(langs=tuple(light["lang"].dropna().unique()[:2]))
    whole = filters.apply(light, f)
    targets = []
    for column in drilldown.COLUMNS:
        values = whole[column].dropna()
        if len(values):
            targets.append(drilldown.Target.of(**{column: values.iloc[len(values) // 2]}))
    row = whole[whole["published"].notna() & whole["entity"].notna()].iloc[0]
    month = row["published_grain"] in ("day", "week", "month")  # the seeds are dated by year
    start = row["published"].replace(day=1) if month else row["published"].replace(month=1, day=1)
    targets.append(drilldown.Target.of(entity=row["entity"], period=str(start.date()), grain="month" if month else "year"))
    assert len(targets) >= 10
    for target in targets:
        rows = filters.Filtered(light, f)
        got = drilldown.rows_for(rows.frame(drilldown.reads(target)), target)
        want = drilldown.rows_for(whole, target)
        assert got.index.equals(want.index) and len(want), target
        assert drilldown.pick_sentences(got, 20)[0].equals(drilldown.pick_sentences(want, 20)[0])


def test_the_families_view_needs_only_the_timelines_columns(datasets):
    """The Timeline's families toggle (filters.by_family) on the Timeline's columns."""
    light = datasets["synthetic"].light
    f = Filters(kinds=("product",))
    few = filters.by_family(filters.Filtered(light, f).frame(filters.READS["Timeline"]))
    every = filters.by_family(filters.apply(light, f))
    assert few["entity"].astype("string").tolist() == every["entity"].astype("string").tolist()
    assert charts.timeline(few, "month", 8).to_json() == charts.timeline(every, "month", 8).to_json()


def test_filtered_takes_each_column_once_and_keeps_the_frames_labels(datasets):
    light = datasets["synthetic"].light
    f = Filters(langs=("ar",))
    rows = filters.Filtered(light, f)
    first = rows.frame(["kind", "entity"])
    second = rows.frame(["entity", "published"])
    assert list(first.columns) == ["kind", "entity"] and list(second.columns) == ["published", "entity"]
    assert second["entity"].array is first["entity"].array  # taken once
    whole = filters.apply(light, f)
    assert len(rows) == len(whole) and first.index.equals(whole.index) and len(whole) < len(light)
    pd.testing.assert_frame_equal(rows.frame(), whole)
    pd.testing.assert_frame_equal(second, whole[["published", "entity"]])
    assert filters.Filtered(light, Filters()).frame(["kind"]) is light  # unfiltered: the frame itself
    for labels in (light.index + 7, light.index[::-1]):  # labels that are not the positions (a merged dataset's)
        other = light.set_axis(labels)
        pd.testing.assert_frame_equal(filters.Filtered(other, f).frame(["entity"]), other[filters.mask(other, f)][["entity"]])


@pytest.mark.parametrize("seed", range(30))
def test_the_largest_few_are_the_first_few_of_the_whole_order(seed):
    """summaries.largest_first with a limit (a partition) against the full stable sort, with ties
    and unknown amounts."""
    from dashboard.summaries import largest_first

    rng = np.random.default_rng(seed)
    usd = rng.choice([1e6, 2e6, 5e6, 1e9, np.nan], size=int(rng.integers(0, 60))).astype("float64")
    whole = largest_first(usd)
    assert sorted(whole.tolist()) == list(range(len(usd)))
    for limit in (0, 1, 3, 10, 59, 100):
        assert largest_first(usd, limit).tolist() == whole[:limit].tolist()


@pytest.mark.parametrize("f", [Filters(), Filters(kinds=("money",)), Filters(langs=("en", "zh"))], ids=repr)
def test_the_funding_table_shows_the_same_sources_when_only_its_rows_get_them(datasets, f):
    """funding_tab.events(..., sources_of_largest=k): the k events table_view shows have the same
    sources as when every event gets them; the others none."""
    from dashboard import funding_tab

    prepared = datasets["synthetic"]
    view = filters.Filtered(prepared.light, f).frame(filters.READS["Funding"])
    every = funding_tab.events(view, prepared.dataset.events)
    assert len(every) > 40
    for k in (1, 25, len(every) + 5):
        some = funding_tab.events(view, prepared.dataset.events, sources_of_largest=k)
        pd.testing.assert_frame_equal(funding_tab.table_view(some, prepared.dataset.documents, k),
                                      funding_tab.table_view(every, prepared.dataset.documents, k))
        assert some.drop(columns="sources").equals(every.drop(columns="sources"))
        assert some["sources"].notna().sum() == min(k, every["sources"].notna().sum())


@pytest.mark.parametrize("seed", range(25))
def test_count_by_is_the_sorted_group_by_with_missing_last(seed):
    """summaries.count_by over categoricals (the combined key built in place, missing as code 0,
    then put last) against pandas' group-by sorted by category with missing last, with a row
    mask and weights."""
    from dashboard.summaries import count_by

    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 2_000))
    columns = {}
    for name in ("a", "b", "c")[: int(rng.integers(1, 4))]:
        k = int(rng.choice([2, 6, 90]))  # 90: more than count_by keeps uncompacted
        values = pd.Series(rng.integers(0, k, n)).map(lambda v: f"v{v:03d}")
        values[rng.random(n) < 0.15] = None
        columns[name] = values.astype(pd.CategoricalDtype([f"v{v:03d}" for v in range(k)]))
    rows = rng.random(n) < 0.6
    weights = pd.Series(rng.random(n))
    got = count_by(columns, rows, weights=weights)
    frame = pd.DataFrame(columns)[rows].assign(w=weights[rows])
    want = frame.groupby(list(columns), observed=True, dropna=False, sort=True)["w"].sum().reset_index()
    assert [tuple(None if pd.isna(v) else v for v in r) for r in got[list(columns)].itertuples(index=False)] == \
           [tuple(None if pd.isna(v) else v for v in r) for r in want[list(columns)].itertuples(index=False)]
    assert np.allclose(got["n"].to_numpy(), want["w"].to_numpy())
