"""Shared team data: uploads through the real ETL into the server's store (under its lock, with
who and when in documents.parquet), `etl watch`, and the dashboard seeing each new version."""
import io
import threading
import time
from pathlib import Path

import pandas as pd

from dashboard import data
from etl import run_corpus, store
from etl.cli import main as cli
from etl.watch import parse_every, watch

ARTICLE = "OpenAI raised $6.6 billion in October 2024 from Thrive Capital, the company said.".encode()
ARABIC = "أطلقت ديبسيك نموذج R1 مفتوح المصدر في عام 2025 وتنافس OpenAI.".encode()


def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "a.txt").write_bytes(ARTICLE)
    return folder


def test_an_upload_goes_through_the_etl_into_the_store_with_who_and_when(tmp_path):
    folder, out = corpus(tmp_path), tmp_path / "store"
    run_corpus(folder, out)
    before = data.read_store(out)
    n_before = len(before.light)
    seen = []
    started = pd.Timestamp.now("UTC").tz_localize(None)
    added = data.add_uploads([("new.txt", ARABIC), ("a-again.txt", ARTICLE)], out, "alice@example.com", seen.append)
    assert len(added.documents) == 1 and len(added.mentions) > 0  # the copy of a.txt is not added twice
    docs = pd.read_parquet(out / "documents.parquet")
    assert len(docs) == 2
    new = docs[docs["source"] == "new.txt"].iloc[0]
    assert new["added_by"] == "alice@example.com" and started <= new["added_at"] <= pd.Timestamp.now("UTC").tz_localize(None)
    assert pd.isna(docs[docs["source"] == "a.txt"].iloc[0]["added_by"])  # from the corpus run
    assert seen and seen[-1][0] == seen[-1][1]  # progress ended at "all documents done"
    after = data.read_store(out)
    assert len(after.light) == n_before + len(added.mentions)
    assert len(before.light) == n_before  # a dashboard holding the old version still reads it whole
    assert data.signature(out) != data.signature(tmp_path / "missing")


def test_an_upload_waits_for_the_run_that_holds_the_lock(tmp_path):
    folder, out = corpus(tmp_path), tmp_path / "store"
    run_corpus(folder, out)
    writer = store.StoreWriter(out)  # another run holds the store
    seen, done = [], {}

    def upload():
        done["tables"] = data.add_uploads([("new.txt", ARABIC)], out, "bob@example.com", seen.append)

    thread = threading.Thread(target=upload)
    thread.start()
    time.sleep(5)
    assert "tables" not in done and any(isinstance(s, str) and "waiting" in s for s in seen)
    writer.abort()  # the other run ends: the upload goes ahead
    thread.join(120)
    assert len(done["tables"].documents) == 1
    assert "bob@example.com" in set(pd.read_parquet(out / "documents.parquet")["added_by"].dropna())


def test_watch_runs_the_incremental_etl_and_keeps_uploaded_documents(tmp_path):
    folder, out = corpus(tmp_path), tmp_path / "store"
    run_corpus(folder, out)
    data.add_uploads([("uploaded.txt", ARABIC)], out, "alice@example.com")
    signatures = [data.signature(out)]

    def new_article_lands(_seconds):
        signatures.append(data.signature(out))
        (folder / f"b{len(signatures)}.txt").write_text(f"Anthropic raised $4 billion, report {len(signatures)} said.")

    log = io.StringIO()
    written = watch(lambda: run_corpus(folder, out).summary().splitlines()[0], 0.01, rounds=3,
                    sleep=new_article_lands, out=log)
    assert written == 3 and log.getvalue().count("round") == 3
    docs = pd.read_parquet(out / "documents.parquet")
    assert {"a.txt", "b2.txt", "b3.txt", "uploaded.txt"} <= set(docs["source"])  # the upload was not removed
    assert len(set(signatures)) == len(signatures)  # every round a new version the dashboard notices


def test_watch_command_and_its_interval(tmp_path, capsys):
    assert parse_every("15m") == 900 and parse_every("30s") == 30 and parse_every("1.5h") == 5400
    for bad in ("", "0", "15 minutes", "-1m"):
        try:
            parse_every(bad)
        except ValueError:
            continue
        raise AssertionError(bad)
    assert cli(["watch", str(corpus(tmp_path)), "--out", str(tmp_path / "o"), "--every", "1s", "--rounds", "1",
                "--nlp", "rules", "--workers", "1"]) == 0
    assert "round 1: 1 documents" in capsys.readouterr().out
    assert cli(["watch", str(tmp_path / "corpus"), "--every", "soon"]) == 2


def test_the_app_adds_a_shared_upload_for_every_session(tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from dashboard import wsclient

    folder, out = corpus(tmp_path), tmp_path / "store"
    run_corpus(folder, out)
    monkeypatch.setenv("AI_TRENDS_DATA", str(out))
    monkeypatch.setenv(data.ENV_SHARED, "1")

    def mentions(at):
        return next(m.value for m in at.metric if m.label == "Mentions")

    reader = AppTest.from_file(str(wsclient.APP), default_timeout=300)
    reader.run()
    before = mentions(reader)
    uploader = AppTest.from_file(str(wsclient.APP), default_timeout=300)
    uploader.run()
    uploader.file_uploader(key="uploader").set_value(("new.txt", ARABIC, "text/plain"))
    uploader.run()
    assert not uploader.exception
    assert any("added to the team's data" in s.value for s in uploader.success)
    docs = pd.read_parquet(out / "documents.parquet")
    assert "new.txt" in set(docs["source"]) and docs.loc[docs["source"] == "new.txt", "added_at"].notna().all()
    reader.run()  # another session, without reloading anything: the new version is there
    assert int(mentions(reader).replace(",", "")) > int(before.replace(",", ""))
    assert not any("uploaded files" in c.value for c in reader.caption)  # shared data, not a session's uploads
