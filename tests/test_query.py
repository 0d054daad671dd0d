"""etl/query.py: the one filter (Selection) over the store in SQL and over frames in memory,
aggregates and pages, checked against a row-by-row reading of the documented semantics."""
from datetime import date, timedelta

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from dashboard.sample import tiny_tables
from etl import schema, store
from etl.query import Query, Selection, mask, where


@pytest.fixture(scope="module")
def tables():
    return tiny_tables()


@pytest.fixture(scope="module")
def store_dir(tables, tmp_path_factory):
    out = tmp_path_factory.mktemp("query") / "store"
    store.write(store.Tables(tables.mentions, tables.documents, tables.errors), out)
    return out


def expected(row: dict, sel: Selection) -> bool:
    """The Selection's documented meaning, one row at a time (deliberately not vectorised)."""
    published = row["published"]
    dated = published is not None and not pd.isna(published)
    bounded = sel.since is not None or sel.until is not None
    keep_undated = sel.undated if sel.undated is not None else not bounded
    if dated:
        day = pd.Timestamp(published).date()
        if (sel.since and day < sel.since) or (sel.until and day > sel.until):
            return False
    elif not keep_undated:
        return False
    for column, values in (("lang", sel.langs), ("kind", sel.kinds), ("source", sel.sources)):
        if values and row[column] not in values:
            return False
    if sel.source_text and sel.source_text.lower() not in str(row["source"]).lower():
        return False

    def named(column, values):
        value = row[column]
        if value is None or pd.isna(value):
            return False
        return (value.lower() in {v.lower() for v in values}) if sel.casefold_names else value in values

    tests = [named(c, v) for c, v in (("entity", sel.entities), ("company", sel.companies)) if v]
    if tests and not (any(tests) if sel.either_name else all(tests)):
        return False
    if sel.licenses:
        stance = row["license"]
        stance = "none" if stance is None or pd.isna(stance) else stance
        if stance not in sel.licenses:
            return False
    return True


SELECTIONS = {
    "everything": Selection(),
    "languages": Selection(langs=("ar", "hi")),
    "kind": Selection(kinds=("money",)),
    "since": Selection(since=date(2024, 6, 1)),
    "until, undated kept": Selection(until=date(2024, 6, 1), undated=True),
    "undated out": Selection(undated=False),
    "one day": Selection(since=date(2024, 3, 10), until=date(2024, 3, 10)),
    "entity and company": Selection(entities=("ChatGPT",), companies=("OpenAI",)),
    "entity or company": Selection(entities=("OpenAI", "Llama"), companies=("OpenAI",), either_name=True),
    "any case": Selection(entities=("openai", "DEEPSEEK"), casefold_names=True),
    "stance none": Selection(licenses=("none",)),
    "open or none": Selection(licenses=("open", "none"), langs=("zh", "en")),
    "source text": Selection(source_text="ZH"),
    "a quote in a value": Selection(companies=("O'Brien AI",), sources=("it's.txt",)),
}


@pytest.mark.parametrize("name", SELECTIONS)
def test_sql_over_the_store_and_over_a_frame_agree_with_the_meaning(name, tables, store_dir):
    sel = SELECTIONS[name]
    frame = tables.mentions
    reference = [expected(row, sel) for row in frame.to_dict("records")]
    assert (mask(frame, sel) == reference).all()
    with Query(store_dir) as query:
        got = query.frame(sel, columns=["doc_id", "start", "kind"])
        assert query.count(sel) == sum(reference)
    want = frame[reference]
    assert sorted(zip(got.doc_id, got.start)) == sorted(zip(want.doc_id, want.start))


def test_some_selections_keep_rows_and_some_do_not(tables):
    """The reference is not vacuous: the selections above cut the table in different places."""
    sizes = {name: int(mask(tables.mentions, sel).sum()) for name, sel in SELECTIONS.items()}
    assert sizes["everything"] == len(tables.mentions)
    assert 0 < sizes["languages"] < sizes["everything"] and 0 < sizes["since"] < sizes["everything"]
    assert sizes["entity or company"] > sizes["entity and company"] > 0
    assert sizes["any case"] > 0 and sizes["a quote in a value"] == 0
    assert len(set(sizes.values())) >= 8


def test_values_are_bound_never_pasted_into_sql():
    condition, params = where(Selection(companies=("x') OR TRUE --",), source_text="'; DROP TABLE mentions"))
    assert "DROP" not in condition and "OR TRUE" not in condition
    assert "x') OR TRUE --" in params


def test_scope_is_inside_every_view(tables, store_dir):
    scope = Selection(langs=("ar",), since=date(2024, 1, 1))
    with Query(store_dir, scope=scope) as query:
        assert all(f.name.startswith("ar-") for f in query.files)
        rows = query.frame()
        docs = query.table("documents")
    assert set(rows.lang) == {"ar"} and rows.published.min() >= pd.Timestamp("2024-01-01")
    assert len(rows) == int(mask(tables.mentions, scope).sum())
    assert set(docs.lang) == {"ar"} and len(docs) == int(mask(tables.documents, scope.documents()).sum())


def test_counts_per_period_entity_and_language(tables, store_dir):
    m = tables.mentions
    with Query(store_dir) as query:
        per_lang = query.count_by(Selection(), ["lang"]).set_index("lang")["n"].to_dict()
        per_month = query.count_by(Selection(kinds=("company", "product")), ["entity", "published"], grain="month")
        usd = query.count_by(Selection(kinds=("money",)), ["company"], total="amount_usd", extra="amount_usd IS NOT NULL")
        docs = query.count_by(Selection(), ["lang"], distinct="doc_id").set_index("lang")["n"].to_dict()
    assert per_lang == m.lang.value_counts().to_dict()
    assert docs == m.groupby("lang").doc_id.nunique().to_dict()
    ents = m[m.kind.isin(["company", "product"])].dropna(subset=["published"])
    want = ents.groupby([ents.entity, ents.published.dt.to_period("M").dt.start_time]).size()
    got = per_month.dropna(subset=["published"]).set_index(["entity", "published"])["n"]
    assert got.sort_index().tolist() == want.sort_index().tolist()
    money = m[(m.kind == "money") & m.amount_usd.notna()]
    assert usd.dropna(subset=["company"]).set_index("company")["n"].sort_index().round(2).to_dict() == \
        money.groupby("company").amount_usd.sum().sort_index().round(2).to_dict()


def test_pages_of_rows_in_order(tables, store_dir):
    with Query(store_dir) as query:
        first = query.page(Selection(), order=["amount_usd DESC NULLS LAST", "doc_id", "start"], limit=3)
        second = query.page(Selection(), order=["amount_usd DESC NULLS LAST", "doc_id", "start"], limit=3, offset=3)
        bounds = query.bounds()
    usd = tables.mentions.amount_usd.dropna().sort_values(ascending=False).tolist()
    assert first.amount_usd.tolist() == usd[:3] and list(first.columns) == list(schema.MENTION_COLUMNS)
    assert second.amount_usd.dropna().tolist() == usd[3:6]
    published = tables.mentions.published.dropna()
    assert bounds == (published.min().date(), published.max().date())


def test_a_query_holds_its_version_while_a_run_replaces_it(tables, tmp_path):
    out = tmp_path / "store"
    store.write(store.Tables(tables.mentions, tables.documents, tables.errors), out)
    with Query(out) as query:
        smaller = tables.mentions[tables.mentions.lang == "ar"]
        store.write(store.Tables(smaller, tables.documents, tables.errors), out)  # a new run switches
        assert query.count() == len(tables.mentions)  # still the version it opened
    with Query(out) as query:
        assert query.count() == len(smaller)


def test_an_empty_language_scope_is_an_empty_table(store_dir):
    with Query(store_dir, scope=Selection(langs=("fr",))) as query:
        assert query.files == [] and query.count() == 0 and query.bounds() is None
        assert list(query.page().columns) == list(schema.MENTION_COLUMNS)


def test_until_is_the_whole_day(tables):
    day = tables.mentions.published.dropna().min().date()
    sel = Selection(until=day)
    assert mask(tables.mentions, sel).sum() == (tables.mentions.published.dt.date == day).sum()
    assert mask(tables.mentions, Selection(until=day - timedelta(days=1))).sum() == 0


def test_a_frame_of_categoricals_with_an_empty_one_is_masked_like_plain_text(tables):
    """The dashboard's light frame: text columns as categoricals, some with no category at all
    (a store where no row has a license); only the columns the condition names are scanned."""
    plain = tables.mentions.assign(license=pd.Series(pd.NA, index=tables.mentions.index, dtype="string"))
    coded = plain.astype({c: "category" for c in ("lang", "kind", "entity", "company", "license", "source")})
    assert len(coded["license"].cat.categories) == 0
    for sel in (Selection(langs=("ar", "hi")), Selection(licenses=("none",)), Selection(licenses=("open",)),
                Selection(entities=("DeepSeek",), companies=("DeepSeek",), either_name=True, langs=("ar",))):
        assert (mask(coded, sel) == mask(plain, sel)).all(), sel
    for name, sel in SELECTIONS.items():  # a leaf on a categorical is read off its categories: same meaning
        reference = [expected(row, sel) for row in plain.to_dict("records")]
        assert (mask(coded, sel) == reference).all(), name
    assert mask(coded, Selection(licenses=("none",))).all() and not mask(coded, Selection(licenses=("open",))).any()


def _mask_in_child(sel: Selection) -> int:
    return int(mask(tiny_tables().mentions, sel).sum())


def test_forked_workers_after_a_mask_live_and_can_mask_themselves(tables):
    """mask() keeps one DuckDB database per process; the extraction pool forks its workers from
    a process that may have used it (the dashboard's tests, an ETL run after a scoped read).
    Children must live, and mask on their own."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    sel = Selection(langs=("ar", "hi"))
    want = int(mask(tables.mentions, sel).sum())
    with ProcessPoolExecutor(max_workers=2, mp_context=multiprocessing.get_context("fork")) as pool:
        assert list(pool.map(_mask_in_child, [sel] * 4)) == [want] * 4
    assert int(mask(tables.mentions, sel).sum()) == want  # and the parent opens a new one


def test_rows_at_reads_rows_by_their_position_in_a_part_file(tmp_path):
    import pyarrow.parquet as pq

    from etl.query import rows_at

    n = 50_000
    path = tmp_path / "part.parquet"
    pq.write_table(pa.table({"i": np.arange(n), "sentence": [f"sentence {i}" for i in range(n)]}), path, row_group_size=4096)
    wanted = np.array([0, 7, 4095, 4096, 33_333, n - 1])
    got = rows_at(path, wanted, ["sentence", "i"])
    assert got.column_names == ["sentence", "i"]
    assert got["i"].to_pylist() == wanted.tolist()
    assert got["sentence"].to_pylist() == [f"sentence {i}" for i in wanted]
    assert rows_at(path, np.array([], dtype=np.int64), ["i"]).num_rows == 0
    with pytest.raises(ValueError, match="not in the file"):
        rows_at(path, np.array([5, n]), ["i"])


def test_shared_results_keep_only_small_answers_whatever_holds_the_frames():
    from etl.query import Results

    results = Results(entries=8, max_rows=10)
    small, large = pd.DataFrame({"x": range(5)}), pd.DataFrame({"x": range(50)})
    calls = []
    for answer in ((small, "a figure"), {"table": large}, [small, small, small]):
        for _ in range(2):
            results.get(repr(answer)[:40], lambda a=answer: calls.append(1) or a)
    assert len(calls) == 1 + 2 + 2  # the tuple is kept; a dict or list holding more than 10 rows is computed again


@pytest.mark.parametrize("times_of_day", [False, True])
def test_a_date_leaf_evaluated_per_distinct_date_keeps_the_rows_sql_keeps(times_of_day):
    """query.mask on a datetime column: once per distinct date (remembered per array), the same
    rows as the leaf's SQL row by row, for days with missing ones, and for times of day (mostly
    distinct: row by row); a second frame with other dates is not answered from the first's."""
    import duckdb

    from etl.query import _terms, mask

    rng = np.random.default_rng(4)
    n = 5_000
    stamps = np.datetime64("2024-01-01") + rng.integers(0, 400, n).astype("timedelta64[D]")
    stamps = stamps.astype("datetime64[ns]") + (rng.integers(0, 86_400, n).astype("timedelta64[s]") if times_of_day else 0)
    stamps[rng.random(n) < 0.1] = np.datetime64("NaT")
    frame = pd.DataFrame({"published": stamps})
    later = pd.DataFrame({"published": stamps + np.timedelta64(200, "D")})
    for sel in (Selection(since=date(2024, 6, 1)), Selection(until=date(2024, 3, 31), undated=False),
                Selection(since=date(2024, 2, 1), until=date(2024, 2, 29)), Selection(undated=False)):
        condition = " AND ".join(leaf.sql for term in _terms(sel, ["published"]) for leaf in term)
        params = [p for term in _terms(sel, ["published"]) for leaf in term for p in leaf.params]
        for f in (frame, later, frame):  # the first frame again: its remembered codes
            con = duckdb.connect()
            con.register("f", f)
            want = np.asarray(con.execute(f"SELECT coalesce({condition}, FALSE) AS k FROM f", params).fetchnumpy()["k"], dtype=bool)
            con.close()
            assert mask(f, sel).tolist() == want.tolist(), sel
            assert f is later or 0 < want.sum() < n


@pytest.mark.parametrize("seed", range(40))
def test_a_leaf_read_off_the_codes_is_the_table_looked_up(seed):
    """etl.codes.looked_up (runs of codes compared) against the plain lookup table[codes], with
    -1 reading the last entry: every side, run count and missing answer."""
    from etl.codes import looked_up

    rng = np.random.default_rng(seed)
    k = int(rng.integers(1, 40))
    table = rng.random(k + 1) < rng.choice([0.05, 0.3, 0.5, 0.7, 0.95])
    for dtype in (np.int8, np.int16, np.int32):
        codes = rng.integers(-1, k, 3_000).astype(dtype)
        assert looked_up(table, codes).tolist() == table.take(codes).tolist()
