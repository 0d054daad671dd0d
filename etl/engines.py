"""Where `extract_document` runs: in this process, in a process pool, or on a Dask cluster.

Every engine maps the same per-batch function over batches of documents and returns results in
input order, so the output does not depend on the engine or the number of workers.
"""
from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from itertools import chain, islice

import pyarrow as pa

from etl.corpus import Unparsed
from etl.documents import Document, ReadError

ENGINES = ("local", "dask")
BATCH_SIZE = 64  # documents per task: large enough to amortise pickling, small enough to balance
IN_FLIGHT_PER_WORKER = 2
DEFAULT_MAX_DOC_MB = 5.0  # a news article is ~5-100 KB; 5 MB is a dump or garbage, not an article
DEFAULT_DOC_TIMEOUT = 60.0  # seconds; an article takes milliseconds


@dataclass(frozen=True)
class Limits:
    """What one document may cost: its size in MB of UTF-8, and the seconds its extraction may
    take (None: no limit). A document over either becomes an error row; the rest goes on."""

    max_doc_mb: float | None = DEFAULT_MAX_DOC_MB
    doc_timeout: float | None = DEFAULT_DOC_TIMEOUT


class DocumentTimeout(BaseException):
    """A document's extraction ran out of its time budget. A BaseException, like
    KeyboardInterrupt, so that no `except Exception` inside an extractor swallows it."""


@contextmanager
def time_budget(seconds: float | None) -> Iterator[None]:
    """Raise DocumentTimeout in this block after `seconds`. A real-time timer signal, so it also
    stops a regular expression that backtracks (the `re` engine checks for signals) or a C loop
    that returns to Python; it works in a process's main thread (the CLI, pool workers, the
    dashboard's upload worker) and is a no-op elsewhere (Dask runs tasks in threads)."""
    if not seconds or not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(*_):
        raise DocumentTimeout(seconds)

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def oversize_error(text: str, max_mb: float | None) -> str | None:
    """Why a document is refused for its size, or None. Refused, not split: a document's date,
    its repeated paragraphs, its sentence numbers and "the company of the previous sentence" are
    decided over the whole text, so parts extracted apart would not give the same rows; and text
    that large is a concatenated dump (split it into articles) or garbage, never one article."""
    if not max_mb:
        return None
    limit = int(max_mb * 1_000_000)
    if len(text) * 4 <= limit:  # at most 4 bytes a character: certainly under, no encoding needed
        return None
    size = len(text) if len(text) > limit else len(text.encode("utf-8", "surrogatepass"))
    if size <= limit:
        return None
    return (f"document is {size / 1_000_000:.1f} MB, over the limit of {max_mb:g} MB per document (--max-doc-mb); "
            "split it into articles or raise the limit")


@dataclass
class Batch:
    """What a worker sends back for a batch of (position, record, NER spans): the mentions as Arrow
    tables per language (columnar, far smaller to pickle and hold than row dicts, and ready for the
    store's language parts), document rows, copies of a document already in the batch, and error
    rows. Every document, copy and error carries the record's corpus position as `pos`."""

    mentions: dict[str, pa.Table]
    documents: list[dict]
    copies: list[tuple[int, str, str]]  # (pos, doc_id, source) of identical documents
    errors: list[dict]
    size: int  # records in the batch


def extract_batch(items: Sequence[tuple[int, Document | Unparsed, tuple]], today: date, limits: Limits = Limits()) -> Batch:
    """Parse (when needed) and extract a batch; a record that cannot be parsed, a document over
    the size limit or out of its time budget, and a document the extractors fail on, become error
    rows, and the batch goes on."""
    from etl.pipeline import extract_document
    from etl.schema import mentions_table

    rows: dict[str, list[dict]] = {}
    documents: list[dict] = []
    copies: list[tuple[int, str, str]] = []
    errors: list[dict] = []
    seen: set[str] = set()
    for pos, item, ner_spans in items:
        doc = item.parse() if isinstance(item, Unparsed) else item
        if isinstance(doc, ReadError):
            errors.append({"source": doc.source, "line": doc.line, "error": doc.error, "pos": pos})
            continue
        if doc.doc_id in seen:  # extracted once; the runner records where the copies are
            copies.append((pos, doc.doc_id, doc.source))
            continue
        seen.add(doc.doc_id)
        # what reading dropped or kept as text (a javascript: link, markup in a title): error rows
        errors += [{"source": doc.source, "line": None, "error": note, "pos": pos} for note in doc.notes]
        refused = oversize_error(doc.text, limits.max_doc_mb)
        if refused:
            errors.append({"source": doc.source, "line": None, "error": refused, "pos": pos})
            continue
        try:
            with time_budget(limits.doc_timeout):
                result = extract_document(doc, today=today, ner_spans=ner_spans)
        except DocumentTimeout:
            errors.append({"source": doc.source, "line": None, "pos": pos, "error":
                           f"extraction stopped after {limits.doc_timeout:g} s, the time budget per document (--doc-timeout)"})
            continue
        except Exception as e:  # a bug on one odd document must not stop the corpus
            errors.append({"source": doc.source, "line": None, "error": f"extraction failed: {type(e).__name__}: {e}", "pos": pos})
            continue
        rows.setdefault(result.document["lang"], []).extend(result.mentions)
        documents.append({**result.document, "fingerprint": doc.fingerprint, "pos": pos})
    return Batch({lang: mentions_table(r) for lang, r in rows.items()}, documents, copies, errors, len(items))


def default_workers() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def run_batches(
    parts: Iterable[Sequence[tuple[Document, tuple]]],
    today: date,
    workers: int = 1,
    engine: str = "local",
    scheduler: str | None = None,
    limits: Limits = Limits(),
) -> Iterator[Batch]:
    """Results of `extract_batch` over batches of (document, NER spans), in input order. `parts`
    is consumed lazily and at most a few batches per worker are in flight, so memory holds a
    bounded window of the corpus however large it is."""
    parts = iter(parts)
    ahead = IN_FLIGHT_PER_WORKER * max(workers, 1)
    head = list(islice(parts, ahead))
    if engine == "dask":
        yield from _dask_map(chain(head, parts), today, workers, scheduler, ahead, limits)
    elif workers <= 1 or len(head) < ahead:  # too little work to pay for starting workers
        yield from (extract_batch(p, today, limits) for p in chain(head, parts))
    else:
        with _process_pool(workers) as pool:
            yield from _bounded(lambda p: pool.submit(extract_batch, p, today, limits), chain(head, parts), ahead)


def _process_pool(workers: int) -> ProcessPoolExecutor:
    """A pool of forked workers that start warm: the extractors' compiled patterns are built once
    here and inherited, not rebuilt by every worker (about 2 s each). Where fork is not the safe
    choice (macOS, Windows) workers are spawned and warm up on their own."""
    if sys.platform == "linux":
        from etl.pipeline import warm_up

        warm_up()
        return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork"),
                                   initializer=exit_with_parent, initargs=(os.getpid(),))
    return ProcessPoolExecutor(max_workers=workers, initializer=exit_with_parent, initargs=(os.getpid(),))


def exit_with_parent(parent: int) -> None:
    """In a worker process (a pool's, the dashboard's upload worker): exit when the parent is gone
    (killed with `kill -9`, nobody left to send work or read results), instead of living on as
    an orphan."""
    import threading
    import time

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


def _bounded(submit: Callable, parts: Iterator, ahead: int) -> Iterator[Batch]:
    """Submit batches, keeping `ahead` in flight, and yield their results in submission order."""
    pending: deque = deque()
    for part in parts:
        pending.append(submit(part))
        if len(pending) >= ahead:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


def _dask_map(parts, today, workers, scheduler, ahead, limits):
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise SystemExit('error: --engine dask needs the dask extra: pip install -e ".[dask]"') from None
    if scheduler:
        client = Client(scheduler)
        cluster = None
    else:
        cluster = LocalCluster(n_workers=max(workers, 1), threads_per_worker=1, processes=True, dashboard_address=None)
        client = Client(cluster)
    try:
        from etl.pipeline import warm_up

        client.run(warm_up)  # every worker builds the extractors once, before the batches arrive
        # A real cluster has more workers than the local machine has cores: keep each one busy.
        ahead = max(ahead, IN_FLIGHT_PER_WORKER * len(client.scheduler_info().get("workers", {})))
        yield from _bounded(lambda p: client.submit(extract_batch, p, today, limits, pure=False), parts, ahead)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
