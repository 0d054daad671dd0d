"""No input or accident stalls a run or damages the last good output: a run killed with -9 (pool
workers included), a full disk or read-only output, bad CLI values, hostile encodings, a document
too large or too slow for its budget."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from etl import store
from etl.synthetic import generate, write_jsonl

ROOT = Path(__file__).resolve().parents[1]
TODAY = date(2026, 11, 26)


def canonical(mentions: pd.DataFrame) -> pd.DataFrame:
    return mentions.sort_values(["doc_id", "sentence_id", "start", "end", "kind", "entity"]).reset_index(drop=True)


def etl_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "etl", *args]


def children(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found |= {int(c) for c in (task / "children").read_text().split()}
        except OSError:
            pass
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def wait_until(condition, timeout: float, step: float = 0.02) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return condition()


# --- kill -9 ------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def big_corpus(tmp_path_factory):
    # Large enough that a two-worker run lasts a few seconds, so the kills land while it works.
    return write_jsonl(generate(3000, doc_bytes=1500), tmp_path_factory.mktemp("kill") / "c.jsonl")


def test_kill_9_of_a_pooled_run_at_any_moment_leaves_nothing_to_clean_by_hand(big_corpus, tmp_path):
    out = tmp_path / "out"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    first = subprocess.run(etl_command("run", str(big_corpus), "--out", str(out), "--workers", "2", "--nlp", "rules"),
                           cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert first.returncode == 0, first.stderr
    good = store.load(out)
    assert len(good.documents) > 2000

    # Moments: the lock just taken (workers not yet forked), workers just started, and twice while
    # they extract.
    moments = [("lock taken", 0.0), ("workers started", 0.0), ("workers started", 0.6), ("workers started", 1.5)]
    killed_with_workers = 0
    for moment, delay in moments:
        run = subprocess.Popen(etl_command("run", str(big_corpus), "--out", str(out), "--workers", "2", "--nlp", "rules", "--full"),
                               cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            if moment == "lock taken":
                reached = wait_until(lambda: (out / ".lock").read_text().strip() == str(run.pid), 60)
            else:
                reached = wait_until(lambda: len(children(run.pid)) >= 2, 60)
            assert reached, moment
            time.sleep(delay)
            workers = children(run.pid)
            run.send_signal(signal.SIGKILL)
            run.wait(timeout=10)
        finally:
            if run.poll() is None:
                run.kill()
        assert run.returncode == -signal.SIGKILL, f"the run ended before the kill at {moment} + {delay} s"
        killed_with_workers += len(workers) >= 2
        # The last good output is whole right after the kill.
        now = store.load(out)
        pd.testing.assert_frame_equal(canonical(now.mentions), canonical(good.mentions))
        pd.testing.assert_frame_equal(now.documents, good.documents)
        # Orphaned workers do not live on (they notice the parent is gone).
        assert wait_until(lambda: not any(alive(w) for w in workers), 15), f"workers outlived the run: {workers}"

        # The next run starts and succeeds without manual steps.
        again = subprocess.run(etl_command("run", str(big_corpus), "--out", str(out), "--workers", "2", "--nlp", "rules"),
                               cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
        assert again.returncode == 0, (moment, delay, again.stderr)
        assert "another `etl run`" not in again.stderr
        assert f"stale lock of run pid {run.pid}" in again.stdout  # named, and removed
        after = store.load(out)
        pd.testing.assert_frame_equal(canonical(after.mentions), canonical(good.mentions))
        pd.testing.assert_frame_equal(after.documents, good.documents)
        # The killed run's unfinished version is gone too.
        assert [p.name for p in (out / ".versions").iterdir()] == [os.readlink(out / "current").split("/")[-1]]
    assert killed_with_workers >= 2  # at least twice with the pool alive (the last moment may fall after it, while events are written)


def test_a_live_run_still_blocks_a_second_one_and_is_named(tmp_path):
    writer = store.StoreWriter(tmp_path / "out")
    try:
        with pytest.raises(store.StoreBusy, match=f"pid {os.getpid()}"):
            store.StoreWriter(tmp_path / "out")
    finally:
        writer.abort()
    store.StoreWriter(tmp_path / "out").abort()  # free again


def test_a_forked_child_does_not_keep_the_lock(tmp_path):
    writer = store.StoreWriter(tmp_path / "out")
    read_end, write_end = os.pipe()
    child = os.fork()
    if child == 0:  # a worker that outlives its parent's lock
        os.close(read_end)
        os.write(write_end, b"x")
        time.sleep(30)
        os._exit(0)
    try:
        os.close(write_end)
        os.read(read_end, 1)
        writer.abort()  # the owner lets go; the child lives on
        store.StoreWriter(tmp_path / "out").abort()  # not blocked by the child's inherited copy
    finally:
        os.kill(child, signal.SIGKILL)
        os.waitpid(child, 0)


# --- versions and readers -----------------------------------------------------------------------

def _tables(tag: str, n: int) -> store.Tables:
    rows = [{"doc_id": f"{tag}{i}", "lang": "en", "kind": "company", "entity": "OpenAI", "sentence": f"{tag} {i}"} for i in range(n)]
    return store.Tables.from_rows(rows, [{"doc_id": f"{tag}{i}"} for i in range(n)], [])


def test_a_held_version_survives_switches_and_goes_once_released(tmp_path):
    out = tmp_path / "out"
    store.write(_tables("a", 3), out)
    reading = store.Reading(out)
    held = reading.path
    assert held.parent.name == ".versions"
    store.write(_tables("b", 2), out)  # switch: the held version stays
    store.write(_tables("c", 1), out)  # and another
    assert held.is_dir()
    assert set(store.read_mentions(held)["doc_id"]) == {"a0", "a1", "a2"}  # whole, as it was
    assert set(store.load(out).mentions["doc_id"]) == {"c0"}
    reading.close()
    store.write(_tables("d", 1), out)
    assert not held.exists() and len(list((out / ".versions").iterdir())) == 1


def test_a_reader_that_resolved_a_version_just_before_a_switch_takes_the_new_one(tmp_path, monkeypatch):
    out = tmp_path / "out"
    store.write(_tables("a", 3), out)
    real = store._hold
    calls = []

    def switch_first(version):
        if not calls:
            store.write(_tables("b", 2), out)  # between reading the link and holding the version
        calls.append(version)
        return real(version)

    monkeypatch.setattr(store, "_hold", switch_first)
    with store.Reading(out) as reading:
        assert len(calls) == 2 and calls[0] != calls[1]
        assert set(store.read_mentions(reading.path)["doc_id"]) == {"b0", "b1"}


def test_load_reads_all_three_tables_from_one_version(tmp_path, monkeypatch):
    out = tmp_path / "out"
    store.write(_tables("a", 3), out)
    real = pd.read_parquet
    switched = []

    def switch_before_documents(path, *args, **kwargs):
        if Path(path).name == "documents.parquet" and not switched:
            switched.append(True)
            store.write(_tables("b", 2), out)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(pd, "read_parquet", switch_before_documents)
    tables = store.load(out)
    assert switched
    assert set(tables.mentions["doc_id"]) == set(tables.documents["doc_id"]) == {"a0", "a1", "a2"}


# --- normalisation's offset map -----------------------------------------------------------------

def _reference(original: str, keep_punctuation: bool = False):
    """The earlier NormalizedText (one original index per normalised character), kept here to
    show the compact map gives the same text and offsets."""
    from etl.textnorm import _HAS_DROPPED, normalize

    norm = normalize(original, keep_punctuation)
    if len(norm) == len(original) and not _HAS_DROPPED.search(original):
        return norm, None
    kept = [i for i, ch in enumerate(original) if not _HAS_DROPPED.match(ch)]
    if len(kept) != len(norm):
        chars, kept = [], []
        for i, ch in enumerate(original):
            for out in normalize(ch, keep_punctuation):
                chars.append(out)
                kept.append(i)
        norm = "".join(chars)
    return norm, kept


def _reference_span(original: str, kept, start: int, end: int):
    from etl.textnorm import _HAS_DROPPED

    if kept is None:
        return start, end
    if start >= len(kept):
        return len(original), len(original)
    o_start = kept[start]
    o_end = kept[end - 1] + 1 if end > start else o_start
    while o_end < len(original) and _HAS_DROPPED.match(original, o_end):
        o_end += 1
    return o_start, o_end


_TRICKY = "aZ İıΣσς ẞß-_/\u00a0\u200b\u200c\u200d\u200e\ufeff\u0640\u064e\u0651\u0670\u093cأإةىی٣۵५Ａ１ज़क़ ديبسيك 深度"


@pytest.mark.parametrize("keep_punctuation", [False, True])
def test_the_compact_offset_map_gives_the_same_text_and_offsets(keep_punctuation):
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from etl import textnorm
    from etl.textnorm import NormalizedText

    @settings(max_examples=400, deadline=None)
    @given(st.text(alphabet=st.sampled_from(_TRICKY) | st.characters(), max_size=24))
    def check(original):
        translate = textnorm._TRANSLATE_KEEP_PUNCTUATION if keep_punctuation else textnorm._TRANSLATE_NAMES
        assert translate(original) == original.translate(translate.table)  # search-and-replace = translate
        got = NormalizedText.of(original, keep_punctuation)
        text, kept = _reference(original, keep_punctuation)
        assert got.text == text
        for start in range(len(text) + 1):
            for end in range(start, len(text) + 1):
                assert got.to_original(start, end) == _reference_span(original, kept, start, end), (original, start, end)

    check()


def test_one_zero_width_space_in_a_long_line_keeps_a_tiny_map():
    from etl.textnorm import NormalizedText

    line = "OpenAI raised $6.6 billion. " * 40_000
    norm = NormalizedText.of(line[:500_000] + "\u200b" + line[500_000:])
    assert len(norm._runs.starts) == 1  # one run of dropped marks, not a million ints
    at = norm.text.index("openai", 500_000)
    assert norm.original[slice(*norm.to_original(at, at + 6))] == "OpenAI"


# --- encodings ----------------------------------------------------------------------------------

REAL_TEXTS = {
    "zh": "深度求索发布了开源模型，阿里巴巴的通义千问也已开源。\n2024年AI初创公司共融资500亿美元。",
    "zh without spaces": "阿里巴巴发布通义千问新版本字节跳动随后跟进",
    "ar": "أطلقت ديبسيك نموذج R1 مفتوح المصدر، وجمعت ٣ مليارات دولار.",
    "ar one word": "الذكاءالاصطناعي",
    "hi": "ओपनएआई ने 6.6 अरब डॉलर जुटाए।",
    "hi one word": "कृत्रिमबुद्धिमत्ता",
    "en": "OpenAI raised $6.6 billion in October 2024.\n",
}


@pytest.mark.parametrize("name", REAL_TEXTS)
@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be"])
def test_real_utf16_text_still_decodes(name, encoding):
    from etl.decoding import decode

    text = REAL_TEXTS[name]
    data = text.encode("utf-16") if encoding == "utf-16" else b"\xfe\xff" + text.encode("utf-16-be")
    assert decode(data) == text


def _garbage():
    import random

    rng = random.Random(7)
    english = b"OpenAI raised $6.6 billion in October 2024 from Thrive Capital.\n"
    assert len(english) % 2 == 0  # even: decodes as UTF-16 without complaint, as 32 CJK-looking characters
    yield "8-bit English after a little-endian mark", b"\xff\xfe" + english
    yield "8-bit English after a big-endian mark", b"\xfe\xff" + english
    # Random bytes that happen to hold no lone surrogate: unassigned and private-use code points.
    units = [rng.choice([rng.randrange(0xE000, 0xF900), rng.randrange(0x0000, 0xD800)]) for _ in range(600)]
    yield "random code units", b"\xff\xfe" + b"".join(u.to_bytes(2, "little") for u in units)
    yield "random bytes", b"\xff\xfe" + bytes(rng.getrandbits(8) for _ in range(2000))


@pytest.mark.parametrize("name,data", list(_garbage()))
def test_garbage_after_a_utf16_mark_is_an_error_row_not_a_chinese_document(name, data):
    from etl.corpus import read_bytes
    from etl.decoding import DecodeError, decode
    from etl.documents import ReadError

    with pytest.raises(DecodeError):
        decode(data)
    [item] = list(read_bytes("news.txt", data))
    assert isinstance(item, ReadError) and item.source == "news.txt"
    assert "UTF-16" in item.error or "utf-16" in item.error


# --- the command line ---------------------------------------------------------------------------

@pytest.fixture
def small_store(tmp_path):
    rows = [{"doc_id": "a", "lang": "ar", "kind": "company", "entity": "DeepSeek", "company": "DeepSeek",
             "published": pd.Timestamp("2025-01-02")},
            {"doc_id": "b", "lang": "en", "kind": "money", "entity": "USD 6.6e+09", "company": "OpenAI",
             "published": pd.Timestamp("2025-03-01")},
            {"doc_id": "b", "lang": "en", "kind": "company", "entity": "OpenAI", "company": "OpenAI",
             "published": pd.Timestamp("2025-03-01")}]
    store.write(store.Tables.from_rows(rows, [{"doc_id": "a"}, {"doc_id": "b"}], []), tmp_path / "store")
    return tmp_path / "store"


def export(store_dir, *args):
    return subprocess.run(etl_command("export", "--store", str(store_dir), *args), cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})


def one_line_error(proc) -> str:
    assert "Traceback" not in proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, proc.stderr
    return lines[0]


def test_a_bad_date_is_one_clear_line(small_store):
    for option in ("--since", "--until"):
        proc = export(small_store, option, "2025-13-01")
        assert proc.returncode == 2
        line = one_line_error(proc)
        assert line.startswith("error: ") and f"{option} 2025-13-01" in line and "YYYY-MM-DD" in line


def test_unknown_kind_or_language_is_an_error_listing_the_valid_ones(small_store):
    proc = export(small_store, "--kind", "moneyy")
    assert proc.returncode == 2 and proc.stdout == ""
    assert "moneyy" in one_line_error(proc) and "company, product, money, date" in proc.stderr
    proc = export(small_store, "--lang", "xx", "--lang", "ar")
    assert proc.returncode == 2 and "--lang xx" in one_line_error(proc) and "ar, en, hi, zh" in proc.stderr


def test_entity_company_kind_and_language_ignore_case(small_store):
    import io

    proc = export(small_store, "--entity", "openai")
    assert proc.returncode == 0, proc.stderr
    got = pd.read_csv(io.StringIO(proc.stdout.lstrip("\ufeff")))
    assert list(got["entity"]) == ["OpenAI"]
    proc = export(small_store, "--company", "OPENAI", "--kind", "Money", "--lang", "EN")
    got = pd.read_csv(io.StringIO(proc.stdout.lstrip("\ufeff")))
    assert proc.returncode == 0 and list(got["kind"]) == ["money"]
    proc = export(small_store, "--entity", "NoSuchCo")
    assert proc.returncode == 0 and "NoSuchCo: no exported row has it" in proc.stderr


def _corpus(tmp_path) -> Path:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("OpenAI raised $6.6 billion in October 2024.", encoding="utf-8")
    (corpus / "b.txt").write_text("أطلقت ديبسيك نموذج R1 مفتوح المصدر في عام 2025.", encoding="utf-8")
    return corpus


def test_a_full_disk_is_one_line_with_its_exit_code_and_the_last_output_stays(tmp_path, monkeypatch, capsys):
    import errno

    import pyarrow.parquet as pq

    from etl.cli import EXIT_UNWRITABLE, main

    corpus, out = _corpus(tmp_path), tmp_path / "out"
    assert main(["run", str(corpus), "--out", str(out), "--nlp", "rules"]) == 0
    good = store.load(out)
    (corpus / "c.txt").write_text("Anthropic raised $4 billion from Amazon.", encoding="utf-8")
    capsys.readouterr()

    def full(*_a, **_k):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(pq.ParquetWriter, "write_table", full)
    assert main(["run", str(corpus), "--out", str(out), "--nlp", "rules", "--full"]) == EXIT_UNWRITABLE
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.startswith("error")]
    assert lines == [f"error: {out}: cannot write the output (No space left on device); the last good output is unchanged"]
    assert "Traceback" not in err
    now = store.load(out)
    pd.testing.assert_frame_equal(now.mentions, good.mentions)
    pd.testing.assert_frame_equal(now.documents, good.documents)
    assert len(list((out / ".versions").iterdir())) == 1  # the unfinished version is gone
    monkeypatch.undo()
    assert main(["run", str(corpus), "--out", str(out), "--nlp", "rules"]) == 0  # and the next run works


def test_a_read_only_output_is_one_line_with_its_exit_code(tmp_path, monkeypatch, capsys):
    import builtins
    import errno

    from etl.cli import EXIT_UNWRITABLE, main

    corpus, out = _corpus(tmp_path), tmp_path / "out"
    assert main(["run", str(corpus), "--out", str(out), "--nlp", "rules"]) == 0
    good = store.load(out)
    capsys.readouterr()
    real_open = builtins.open

    def read_only(path, mode="r", *a, **k):  # what a read-only mount answers to any write
        if any(m in mode for m in "wax+") and Path(path).resolve().is_relative_to(out.resolve()):
            raise OSError(errno.EROFS, "Read-only file system", str(path))
        return real_open(path, mode, *a, **k)

    monkeypatch.setattr(store, "open", read_only, raising=False)
    assert main(["run", str(corpus), "--out", str(out), "--nlp", "rules"]) == EXIT_UNWRITABLE
    err = capsys.readouterr().err
    assert [line for line in err.splitlines() if line.startswith("error")] == [
        f"error: {out}: cannot write the output (Read-only file system); the last good output is unchanged"]
    pd.testing.assert_frame_equal(store.load(out).mentions, good.mentions)


def test_a_failure_after_the_switch_keeps_the_new_output(tmp_path, monkeypatch):
    store.write(_tables("a", 2), tmp_path / "out")
    real = store._remove_unless_read

    def fail_in_cleanup(version):
        raise OSError("cleanup failed")

    monkeypatch.setattr(store, "_remove_unless_read", fail_in_cleanup)
    with pytest.raises(OSError):
        store.write(_tables("b", 3), tmp_path / "out")
    monkeypatch.setattr(store, "_remove_unless_read", real)
    assert set(store.load(tmp_path / "out").mentions["doc_id"]) == {"b0", "b1", "b2"}  # switched, and whole


# --- the guard: size limit and time budget per document -----------------------------------------

SLOW = "SLOW-DOCUMENT-MARKER"


@pytest.fixture
def slow_extractor(monkeypatch):
    """extract_document that hangs (sleeps 60 s) on documents holding the marker; pool workers are
    forked after this, so they inherit it."""
    import etl.pipeline

    real = etl.pipeline.extract_document
    calls = []

    def maybe_hang(doc, *args, **kwargs):
        if SLOW in doc.text:
            calls.append(doc.source)
            time.sleep(60)
        return real(doc, *args, **kwargs)

    monkeypatch.setattr(etl.pipeline, "extract_document", maybe_hang)
    return calls


def _records(n: int, slow_at: int | None = None) -> list[dict]:
    records = generate(n, doc_bytes=600)
    if slow_at is not None:
        records.insert(slow_at, {"text": f"Mistral AI raised EUR 600 million in June 2024. {SLOW}", "source": "slow.txt", "lang": "en"})
    return records


def _same_apart_from(slow_source: str, got, expected) -> None:
    assert list(got.errors["source"]) == [slow_source]
    assert "stopped after 1 s, the time budget per document (--doc-timeout)" in got.errors["error"].iloc[0]
    pd.testing.assert_frame_equal(canonical(got.mentions), canonical(expected.mentions))
    columns = [c for c in expected.documents.columns if c not in ("cache_key",)]
    pd.testing.assert_frame_equal(got.documents[columns].reset_index(drop=True), expected.documents[columns].reset_index(drop=True))


def test_a_runaway_document_is_an_error_row_in_one_process(tmp_path, slow_extractor):
    from etl import extract_tables, read_corpus

    plain = write_jsonl(_records(12), tmp_path / "plain.jsonl")
    with_slow = write_jsonl(_records(12, slow_at=5), tmp_path / "slow.jsonl")
    expected = extract_tables(read_corpus(plain), today=TODAY, workers=1)
    started = time.monotonic()
    got = extract_tables(read_corpus(with_slow), today=TODAY, workers=1, doc_timeout=1)
    assert time.monotonic() - started < 30  # not the 60 s the document would take
    assert slow_extractor == ["slow.txt"]
    _same_apart_from("slow.txt", got, expected)


def test_a_runaway_document_is_an_error_row_in_the_pool(tmp_path, slow_extractor, monkeypatch):
    import etl.engines
    from etl import extract_tables, read_corpus

    pools = []

    class CountingPool(etl.engines.ProcessPoolExecutor):
        def __init__(self, *args, **kwargs):
            pools.append(kwargs.get("max_workers"))
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(etl.engines, "ProcessPoolExecutor", CountingPool)
    plain = write_jsonl(_records(300), tmp_path / "plain.jsonl")  # 5 batches: enough to start the pool
    with_slow = write_jsonl(_records(300, slow_at=150), tmp_path / "slow.jsonl")
    expected = extract_tables(read_corpus(plain), today=TODAY, workers=1)
    started = time.monotonic()
    got = extract_tables(read_corpus(with_slow), today=TODAY, workers=2, doc_timeout=1)
    assert time.monotonic() - started < 45
    assert pools == [2]  # the pool really ran (the slow document was in a worker)
    _same_apart_from("slow.txt", got, expected)


def test_the_command_line_takes_the_budget(tmp_path, slow_extractor, capsys):
    from etl.cli import main

    corpus = write_jsonl(_records(6, slow_at=2), tmp_path / "c.jsonl")
    started = time.monotonic()
    assert main(["run", str(corpus), "--out", str(tmp_path / "out"), "--nlp", "rules", "--workers", "1",
                 "--doc-timeout", "1"]) == 0
    assert time.monotonic() - started < 30
    assert "errors     1" in capsys.readouterr().out
    errors = store.load(tmp_path / "out").errors
    assert list(errors["source"]) == ["slow.txt"] and "--doc-timeout" in errors["error"].iloc[0]
    assert len(store.load(tmp_path / "out").documents) == 6


def test_a_document_over_the_size_limit_is_refused_as_one_error_row(tmp_path):
    from etl import run_corpus

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("OpenAI raised $6.6 billion in October 2024.", encoding="utf-8")
    dump = "ديبسيك تطلق نموذجا جديدا في عام 2025.\n" * 80_000
    (corpus / "dump.txt").write_text(dump, encoding="utf-8")
    size = len(dump.encode("utf-8")) / 1_000_000
    assert 5 < size < 6
    (corpus / "b.txt").write_text("أطلقت ديبسيك نموذج R1 مفتوح المصدر في عام 2025.", encoding="utf-8")
    result = run_corpus(corpus, tmp_path / "out", today=TODAY)  # the default: 5 MB
    errors = store.load(tmp_path / "out").errors
    assert list(errors["source"]) == ["dump.txt"]
    assert errors["error"].iloc[0].startswith(f"document is {size:.1f} MB, over the limit of 5 MB per document (--max-doc-mb)")
    assert sorted(result.documents["source"]) == ["a.txt", "b.txt"]
    assert {"OpenAI", "DeepSeek"} <= set(store.load(tmp_path / "out").mentions["entity"])
    # The limit is a setting: a 20 KB article under a 0.01 MB limit is refused, under 1 MB it is read.
    (corpus / "dump.txt").write_text("Mistral AI raised EUR 600 million in June 2024.\n" * 400, encoding="utf-8")
    assert list(run_corpus(corpus, tmp_path / "out2", today=TODAY, max_doc_mb=0.01).errors["source"]) == ["dump.txt"]
    again = run_corpus(corpus, tmp_path / "out3", today=TODAY, max_doc_mb=1)
    assert sorted(again.documents["source"]) == ["a.txt", "b.txt", "dump.txt"] and again.errors.empty


def test_the_size_limit_counts_utf8_bytes():
    from etl.engines import oversize_error

    assert oversize_error("a" * 1_000_000, 1) is None
    assert oversize_error("a" * 1_000_001, 1).startswith("document is 1.0 MB")
    assert oversize_error("ب" * 500_001, 1) is not None  # 2 bytes each: over 1 MB
    assert oversize_error("ب" * 500_000, 1) is None
    assert oversize_error("x" * 10, None) is None
