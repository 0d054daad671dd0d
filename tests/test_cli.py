"""The command-line contract: run, export, exit codes, atomic output, Excel-safe CSV."""
import csv
import io
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from etl import schema, store
from etl.cli import main
from etl.export import to_csv_bytes

ROOT = Path(__file__).resolve().parents[1]


def test_missing_corpus_is_one_line_and_exit_2(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "etl", "run", str(tmp_path / "nope"), "--out", str(tmp_path / "o")],
                          cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 2
    assert proc.stderr.strip().count("\n") == 0 and "corpus not found" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_run_writes_three_tables_and_a_summary(tmp_path, capsys):
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "a.txt").write_text("أطلقت ديبسيك نموذج R1 مفتوح المصدر في عام 2025.", encoding="utf-8")
    (corpus / "b.txt").write_bytes(b"")
    (corpus / "c.jsonl").write_text('{"text": "OpenAI keeps GPT-4 closed source."}\n{broken\n', encoding="utf-8")
    assert main(["run", str(corpus), "--out", str(tmp_path / "out")]) == 0
    summary = capsys.readouterr().out
    assert "documents  2" in summary and "errors     2" in summary
    tables = store.load(tmp_path / "out")
    assert list(tables.mentions.columns) == list(schema.MENTION_COLUMNS)
    assert set(tables.errors.source) == {"b.txt", "c.jsonl"}
    assert {"DeepSeek", "OpenAI"} <= set(tables.mentions.entity.dropna())


def test_a_failed_write_leaves_the_last_good_output(tmp_path, monkeypatch):
    good = store.Tables.from_rows([{"doc_id": "a", "lang": "ar", "kind": "company", "entity": "DeepSeek"}], [{"doc_id": "a"}], [])
    store.write(good, tmp_path)
    before = store.load(tmp_path)
    original = pd.DataFrame.to_parquet

    def crash_on_errors_table(self, path, *a, **k):  # the last file of a version
        if Path(path).name == "errors.parquet":
            raise OSError("disk full")
        return original(self, path, *a, **k)

    monkeypatch.setattr(pd.DataFrame, "to_parquet", crash_on_errors_table)
    with pytest.raises(OSError):
        store.write(store.Tables.empty(), tmp_path)
    after = store.load(tmp_path)
    pd.testing.assert_frame_equal(after.mentions, before.mentions)
    pd.testing.assert_frame_equal(after.documents, before.documents)
    assert len(list((tmp_path / ".versions").iterdir())) == 1  # the unfinished version was removed


def test_csv_export_has_bom_keeps_scripts_and_neutralises_formulas():
    df = schema.mentions_frame([
        {"sentence": "=HYPERLINK(\"http://x\",\"click\")", "text": "ديبسيك", "entity": "DeepSeek"},
        {"sentence": "+1 555", "text": "डीपसीक", "entity": "-2"},
        {"sentence": "@SUM(A1)", "text": "深度求索", "amount": -5.0},
    ])
    data = to_csv_bytes(df)
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert [r["sentence"][0] for r in rows] == ["'", "'", "'"]
    assert [r["text"] for r in rows] == ["ديبسيك", "डीपसीक", "深度求索"]
    assert rows[1]["entity"] == "'-2"
    assert rows[2]["amount"] == "-5.0"  # numbers stay numbers


def test_export_command_filters(tmp_path):
    rows = [{"doc_id": "a", "lang": "ar", "kind": "company", "entity": "DeepSeek"},
            {"doc_id": "b", "lang": "hi", "kind": "company", "entity": "OpenAI"}]
    store.write(store.Tables.from_rows(rows, [], []), tmp_path)
    out = tmp_path / "x.csv"
    assert main(["export", "--store", str(tmp_path), "--csv", str(out), "--lang", "hi"]) == 0
    got = pd.read_csv(out, encoding="utf-8-sig")
    assert list(got.entity) == ["OpenAI"]
    assert main(["export", "--store", str(tmp_path / "missing"), "--csv", str(out)]) == 2


def test_a_second_run_into_the_same_folder_stops_with_a_clear_message(tmp_path):
    writer = store.StoreWriter(tmp_path / "out")  # a run in progress
    try:
        corpus = tmp_path / "a.txt"
        corpus.write_text("OpenAI keeps GPT-4 closed source.", encoding="utf-8")
        proc = subprocess.run([sys.executable, "-m", "etl", "run", str(corpus), "--out", str(tmp_path / "out"), "--nlp", "rules"],
                              cwd=ROOT, capture_output=True, text=True)
        assert proc.returncode == 2 and "another `etl run` is writing" in proc.stderr and "Traceback" not in proc.stderr
    finally:
        writer.abort()
    assert main(["run", str(corpus), "--out", str(tmp_path / "out"), "--nlp", "rules"]) == 0  # free again
