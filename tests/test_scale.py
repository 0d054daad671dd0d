"""Incremental runs, a process pool and a Dask cluster give the same table as one process."""
import tempfile
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from etl import extract_tables, read_corpus, run_corpus, schema, store
from etl.query import Query, Selection
from etl.synthetic import generate, write_jsonl

TODAY = date(2026, 11, 26)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    path = tmp_path_factory.mktemp("corpus") / "synthetic.jsonl"
    return write_jsonl(generate(300, doc_bytes=600), path)  # 5 batches of 64: enough to start a pool


def canonical(mentions: pd.DataFrame) -> pd.DataFrame:
    """Mentions in one order: the store keeps rows by language part, not in corpus order."""
    return mentions.sort_values(["doc_id", "sentence_id", "start", "end", "kind", "entity"]).reset_index(drop=True)


@pytest.fixture(scope="module")
def serial(corpus):
    return extract_tables(read_corpus(corpus), today=TODAY, workers=1)


def test_process_pool_output_equals_one_process(corpus, serial, monkeypatch):
    import etl.engines

    started = []

    class CountingPool(etl.engines.ProcessPoolExecutor):
        def __init__(self, *args, **kwargs):
            started.append(kwargs.get("max_workers"))
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(etl.engines, "ProcessPoolExecutor", CountingPool)
    pooled = extract_tables(read_corpus(corpus), today=TODAY, workers=2)
    assert started == [2]  # the pool really ran
    assert len(serial.mentions) > 100
    pd.testing.assert_frame_equal(pooled.mentions, serial.mentions)
    pd.testing.assert_frame_equal(pooled.documents, serial.documents)


def test_the_store_written_by_a_pool_equals_the_one_written_by_one_process(corpus, tmp_path):
    one = run_corpus(corpus, tmp_path / "one", today=TODAY, workers=1)
    two = run_corpus(corpus, tmp_path / "two", today=TODAY, workers=2)
    assert (one.processed, two.processed) == (300, 300)
    a, b = store.load(tmp_path / "one"), store.load(tmp_path / "two")
    pd.testing.assert_frame_equal(canonical(a.mentions), canonical(b.mentions))
    pd.testing.assert_frame_equal(a.documents.drop(columns="added_at"), b.documents.drop(columns="added_at"))  # when each run wrote


def test_dask_local_cluster_output_equals_one_process(corpus, serial, monkeypatch):
    # The dask extra is installed by .ci/run; without it this test fails rather than skips.
    # Dask spawns its workers, and a spawned process first re-runs the parent's __main__ file;
    # after a Streamlit AppTest in the same pytest process that file is dashboard/app.py.
    import sys

    monkeypatch.delattr(sys.modules["__main__"], "__file__", raising=False)
    distributed = extract_tables(read_corpus(corpus), today=TODAY, workers=2, engine="dask")
    pd.testing.assert_frame_equal(distributed.mentions, serial.mentions)
    pd.testing.assert_frame_equal(distributed.documents, serial.documents)


def test_incremental_run_reuses_unchanged_documents(tmp_path):
    records = generate(12, doc_bytes=1600)
    path = tmp_path / "c.jsonl"
    write_jsonl(records, path)
    out = tmp_path / "out"
    first = run_corpus(path, out, today=TODAY)
    assert (first.processed, first.reused) == (12, 0)

    # One document changed, one removed, two added.
    records[3] = {**records[3], "text": records[3]["text"] + "\nOpenAI raised $6.6 billion in October 2024."}
    removed = records.pop(5)
    records += generate(14, doc_bytes=1600, seed=99)[-2:]
    write_jsonl(records, path)
    second = run_corpus(path, out, today=TODAY)
    assert (second.processed, second.reused) == (3, 10)

    full = extract_tables(read_corpus(path), today=TODAY)
    on_disk = store.load(out)
    pd.testing.assert_frame_equal(canonical(on_disk.mentions), canonical(full.mentions))
    pd.testing.assert_frame_equal(on_disk.documents.drop(columns=["cache_key", "added_at"]), full.documents.drop(columns=["cache_key", "added_at"]))
    assert removed["source"] not in set(on_disk.documents.source)
    assert "OpenAI raised $6.6 billion in October 2024." in set(on_disk.mentions.sentence)


def test_changed_metadata_or_extractor_invalidates(tmp_path, monkeypatch):
    path = tmp_path / "c.jsonl"
    records = generate(3, doc_bytes=1000)
    write_jsonl(records, path)
    out = tmp_path / "out"
    run_corpus(path, out, today=TODAY)
    records[0]["published"] = "2020-01-01"
    write_jsonl(records, path)
    assert run_corpus(path, out, today=TODAY).processed == 1
    import etl.runner

    monkeypatch.setattr(etl.runner, "extractor_version", lambda: "a-new-knowledge-base")
    assert run_corpus(path, out, today=TODAY).processed == 3


def test_extractor_version_changes_with_code_or_knowledge(tmp_path):
    import shutil

    import etl
    from etl.runner import version_of

    package = tmp_path / "etl"
    shutil.copytree(etl.__path__[0], package, ignore=shutil.ignore_patterns("__pycache__"))
    before = version_of(package)
    with open(package / "data" / "aliases.csv", "a", encoding="utf-8") as f:
        f.write("OpenAI,أوبن أيه أي الجديدة,ar,0,0\n")
    after_data = version_of(package)
    (package / "extract" / "money.py").write_text("# a rule changed\n", encoding="utf-8")
    assert len({before, after_data, version_of(package)}) == 3


def test_the_store_is_language_parts_that_pandas_reads_whole(corpus, serial, tmp_path):
    out = tmp_path / "out"
    run_corpus(corpus, out, today=TODAY)
    parts = sorted(p.name.split("-")[0] for p in (out / "mentions.parquet").iterdir())
    assert parts == sorted(set(serial.mentions.lang))  # one part file per language
    whole = pd.read_parquet(out / "mentions.parquet")  # the DESIGN.md contract: pandas reads it as one table
    pd.testing.assert_frame_equal(canonical(schema.coerce(whole, schema.MENTION_COLUMNS)), canonical(serial.mentions))


def test_a_language_filter_opens_only_that_languages_files(corpus, serial, tmp_path):
    out = tmp_path / "out"
    run_corpus(corpus, out, today=TODAY)
    with Query(out, scope=Selection(langs=("hi",))) as query:
        assert query.files and all(f.name.startswith("hi-") for f in query.files)
        hindi = query.frame(Selection(kinds=("money",)))
    expected = serial.mentions[(serial.mentions.lang == "hi") & (serial.mentions.kind == "money")]
    assert len(hindi) > 0
    pd.testing.assert_frame_equal(canonical(hindi), canonical(expected))


def test_a_date_filter_skips_row_groups_by_their_statistics(tmp_path, monkeypatch):
    monkeypatch.setattr(store, "ROW_GROUP_ROWS", 100)  # many small row groups
    archive = sorted(generate(300, doc_bytes=600), key=lambda r: r["published"])  # a news archive grows by date
    out = tmp_path / "out"
    run_corpus(write_jsonl(archive, tmp_path / "archive.jsonl"), out, today=TODAY)
    since = date(2025, 1, 1)
    with Query(out) as query:
        everything = row_groups_read(query, Selection())
        assert row_groups_read(query, Selection(since=since)) < everything  # row groups before 2025 not read
        got = query.frame(Selection(since=since))
    full = store.read_mentions(out)
    pd.testing.assert_frame_equal(canonical(got), canonical(full[full.published >= pd.Timestamp(since)]))


def row_groups_read(query, selection) -> int:
    """Row groups DuckDB's Parquet scan read for a count under `selection` (its profile)."""
    import json

    from etl.query import where

    con = query.cursor()
    profile = Path(tempfile.mkdtemp()) / "profile.json"
    con.execute("PRAGMA enable_profiling = 'json'")
    con.execute(f"PRAGMA profiling_output = '{profile}'")
    condition, params = where(selection)
    con.execute(f"SELECT count(*) FROM mentions WHERE {condition}", params).fetchall()
    con.execute("PRAGMA disable_profiling")
    def scanned(node) -> int:
        own = node.get("row_groups_scanned", 0) if node.get("type") == "TABLE_SCAN" else 0
        return own + sum(scanned(child) for child in node.get("children", []))

    return sum(scanned(node) for node in json.loads(profile.read_text())["operator"])


def test_unchanged_records_are_not_even_parsed(tmp_path, monkeypatch):
    import etl.corpus

    path = write_jsonl(generate(20, doc_bytes=800), tmp_path / "c.jsonl")
    out = tmp_path / "out"
    run_corpus(path, out, today=TODAY)
    before = {p.name: p.stat().st_ino for p in (out / "mentions.parquet").iterdir()}
    parsed = []
    original = etl.corpus._record
    monkeypatch.setattr(etl.corpus, "_record", lambda *a: parsed.append(a[1]) or original(*a))
    with open(path, "a", encoding="utf-8") as f:
        f.write('{"text": "Mistral AI raised EUR 600 million in June 2024.", "lang": "en"}\n')
    again = run_corpus(path, out, today=TODAY)
    assert (again.processed, again.reused, parsed) == (1, 20, [21])
    after = {p.name: p.stat().st_ino for p in (out / "mentions.parquet").iterdir()}
    assert {name: after.get(name) for name in before} == before  # every earlier part kept as a hard link
    assert len(after) == len(before) + 1  # plus one part with the new document's rows
    assert "Mistral AI" in set(store.load(out).mentions.entity)
    assert len(list((out / ".versions").iterdir())) == 1  # the old version is gone, its kept files linked


def test_a_store_copied_without_its_links_still_takes_a_new_run(tmp_path):
    import shutil

    path = write_jsonl(generate(6, doc_bytes=800), tmp_path / "c.jsonl")
    run_corpus(path, tmp_path / "out", today=TODAY)
    shutil.copytree(tmp_path / "out", tmp_path / "copy")  # follows the links: plain folders and files
    again = run_corpus(path, tmp_path / "copy", today=TODAY)
    assert (again.processed, again.reused) == (0, 6)
    assert (tmp_path / "copy" / "current").is_symlink()
    pd.testing.assert_frame_equal(canonical(store.load(tmp_path / "copy").mentions), canonical(store.load(tmp_path / "out").mentions))


def test_warm_up_sentences_reach_every_extractor_in_every_language():
    # Forked pool workers inherit what warm_up() built; a language or extractor it misses would be
    # compiled again in every worker.
    from etl.datafiles import read_csv
    from etl.pipeline import extract_document
    from etl.documents import Document

    rows = read_csv("warm_up.csv")
    assert sorted(r["lang"] for r in rows) == ["ar", "en", "hi", "zh"]
    for row in rows:
        kinds = {m["kind"] for m in extract_document(Document(text=row["text"], source="w", lang=row["lang"]), today=TODAY).mentions}
        assert {"company", "money", "date"} <= kinds, row["lang"]


def test_identical_documents_count_once_across_batches_and_runs(tmp_path):
    records = generate(140, doc_bytes=600)
    same = records[0]["text"]
    records[1] = {**records[1], "text": same}  # a copy in the same batch of 64
    records[100] = {**records[100], "text": same}  # and one in a later batch
    path = write_jsonl(records, tmp_path / "c.jsonl")
    distinct = len({r["text"] for r in records})  # short synthetic texts may coincide by chance too
    first = run_corpus(path, tmp_path / "out", today=TODAY)
    docs = store.load(tmp_path / "out").documents
    assert len(docs) == distinct and first.processed == 140
    kept = docs[docs.source == records[0]["source"]].iloc[0]
    assert kept.duplicates == f"{records[1]['source']}; {records[100]['source']}"
    serial = extract_tables(read_corpus(path), today=TODAY)
    pd.testing.assert_frame_equal(canonical(store.load(tmp_path / "out").mentions), canonical(serial.mentions))
    pd.testing.assert_frame_equal(docs.drop(columns=["cache_key", "added_at"]), serial.documents.drop(columns=["cache_key", "added_at"]))

    # Next day a new record with that text arrives *before* the kept one: it becomes the kept copy,
    # exactly as a full run would decide, and the earlier run's rows for the text are not kept twice.
    grown = [{**records[5], "text": same, "source": "breaking-news"}, *records]
    write_jsonl(grown, path)
    again = run_corpus(path, tmp_path / "out", today=TODAY)
    assert again.processed == 1 + (140 - distinct)  # the new record, and the copies (only kept copies are fingerprinted)
    full = extract_tables(read_corpus(path), today=TODAY)
    on_disk = store.load(tmp_path / "out")
    pd.testing.assert_frame_equal(canonical(on_disk.mentions), canonical(full.mentions))
    columns = [c for c in full.documents.columns if c not in ("cache_key", "added_at")]
    pd.testing.assert_frame_equal(on_disk.documents[columns], full.documents[columns])
