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
    assert killed_with_workers >= 3


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
        translate = textnorm._TRANSLATE_KEEP_PUNCTUATION if keep_punctuation else textnorm._TRANSLATE
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
    assert len(norm._map.starts) == 2  # one run of dropped marks: two pieces, not a million ints
    at = norm.text.index("openai", 500_000)
    assert norm.original[slice(*norm.to_original(at, at + 6))] == "OpenAI"
