"""Incremental runs, a process pool and a Dask cluster give the same table as one process."""
from datetime import date

import pandas as pd
import pytest

from etl import extract_tables, read_corpus, run_corpus, store
from etl.synthetic import generate, write_jsonl

TODAY = date(2026, 11, 26)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    path = tmp_path_factory.mktemp("corpus") / "synthetic.jsonl"
    return write_jsonl(generate(300, doc_chars=300), path)  # 5 batches of 64: enough to start a pool


def key_columns(df: pd.DataFrame) -> pd.DataFrame:
    return df.drop(columns=[c for c in ("cache_key",) if c in df]).reset_index(drop=True)


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


def test_dask_local_cluster_output_equals_one_process(corpus, serial):
    # The dask extra is installed by .ci/run; without it this test fails rather than skips.
    distributed = extract_tables(read_corpus(corpus), today=TODAY, workers=2, engine="dask")
    pd.testing.assert_frame_equal(distributed.mentions, serial.mentions)
    pd.testing.assert_frame_equal(distributed.documents, serial.documents)


def test_incremental_run_reuses_unchanged_documents(tmp_path):
    records = generate(12, doc_chars=800)
    path = tmp_path / "c.jsonl"
    write_jsonl(records, path)
    out = tmp_path / "out"
    first = run_corpus(path, out, today=TODAY)
    assert (first.processed, first.reused) == (12, 0)

    # One document changed, one removed, two added.
    records[3] = {**records[3], "text": records[3]["text"] + "\nOpenAI raised $6.6 billion in October 2024."}
    removed = records.pop(5)
    records += generate(14, doc_chars=800, seed=99)[-2:]
    write_jsonl(records, path)
    second = run_corpus(path, out, today=TODAY)
    assert (second.processed, second.reused) == (3, 10)

    full = extract_tables(read_corpus(path), today=TODAY)
    on_disk = store.load(out)
    pd.testing.assert_frame_equal(key_columns(on_disk.mentions), key_columns(full.mentions))
    assert removed["source"] not in set(on_disk.documents.source)
    assert "OpenAI raised $6.6 billion in October 2024." in set(on_disk.mentions.sentence)


def test_changed_metadata_or_extractor_invalidates(tmp_path, monkeypatch):
    path = tmp_path / "c.jsonl"
    records = generate(3, doc_chars=500)
    write_jsonl(records, path)
    out = tmp_path / "out"
    run_corpus(path, out, today=TODAY)
    records[0]["published"] = "2020-01-01"
    write_jsonl(records, path)
    assert run_corpus(path, out, today=TODAY).processed == 1
    import etl.pipeline

    monkeypatch.setattr(etl.pipeline, "extractor_version", lambda: "a-new-knowledge-base")
    assert run_corpus(path, out, today=TODAY).processed == 3


def test_extractor_version_changes_with_code_or_knowledge(tmp_path):
    import shutil

    import etl
    from etl.pipeline import version_of

    package = tmp_path / "etl"
    shutil.copytree(etl.__path__[0], package, ignore=shutil.ignore_patterns("__pycache__"))
    before = version_of(package)
    with open(package / "data" / "aliases.csv", "a", encoding="utf-8") as f:
        f.write("OpenAI,أوبن أيه أي الجديدة,ar,0,0\n")
    after_data = version_of(package)
    (package / "extract" / "money.py").write_text("# a rule changed\n", encoding="utf-8")
    assert len({before, after_data, version_of(package)}) == 3
