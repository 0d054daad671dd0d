"""Where `extract_document` runs: in this process, in a process pool, or on a Dask cluster.

Every engine maps the same per-batch function over batches of documents and returns results in
input order, so the output does not depend on the engine or the number of workers.
"""
from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date

import pandas as pd

from etl.documents import Document

ENGINES = ("local", "dask")


@dataclass
class Batch:
    """What a worker sends back: the mentions already as a DataFrame (columnar, and far smaller
    to pickle and to hold than a list of row dicts), document rows and error rows."""

    mentions: pd.DataFrame
    documents: list[dict]
    errors: list[dict]
    size: int  # documents in the batch


def extract_batch(items: Sequence[tuple[Document, tuple]], today: date) -> Batch:
    """Extract a batch of (document, NER spans); one failing document becomes an error row."""
    from etl.pipeline import extract_document
    from etl.schema import mentions_frame

    rows: list[dict] = []
    documents: list[dict] = []
    errors: list[dict] = []
    for doc, ner_spans in items:
        try:
            result = extract_document(doc, today=today, ner_spans=ner_spans)
        except Exception as e:  # a bug on one odd document must not stop the corpus
            errors.append({"source": doc.source, "line": None, "error": f"extraction failed: {type(e).__name__}: {e}"})
        else:
            rows += result.mentions
            documents.append(result.document)
    return Batch(mentions_frame(rows), documents, errors, len(items))


def batches(items: Sequence, size: int) -> list[Sequence]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def default_workers() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def run_batches(
    items: Sequence[tuple[Document, tuple]],
    today: date,
    workers: int = 1,
    engine: str = "local",
    scheduler: str | None = None,
    batch_size: int = 64,
    progress: Callable[[int], None] | None = None,
) -> Iterator[Batch]:
    """Results of `extract_batch` over all (document, NER spans), in document order."""
    parts = batches(items, batch_size)
    done = 0
    for batch in _map(parts, today, workers, engine, scheduler):
        yield batch
        done += batch.size
        if progress:
            progress(done)


def _map(parts, today, workers, engine, scheduler) -> Iterator[Batch]:
    if engine == "dask":
        yield from _dask_map(parts, today, workers, scheduler)
    elif workers <= 1 or len(parts) < 2 * workers:  # too little work to pay for starting workers
        yield from (extract_batch(p, today) for p in parts)
    else:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            yield from pool.map(extract_batch, parts, [today] * len(parts))


def _dask_map(parts, today, workers, scheduler):
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
        futures = client.map(extract_batch, parts, [today] * len(parts), pure=False)
        for future in futures:  # in submission order
            yield future.result()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
