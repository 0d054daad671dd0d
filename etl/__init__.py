"""ETL: a multilingual news corpus in, one tidy table of AI-industry mentions out.

    from etl import run_corpus, read_corpus, extract_tables
    result = run_corpus("seeds", "out")          # writes the store in out/ (see etl/store.py)
    tables = extract_tables(read_corpus("seeds"))  # the same, in memory (DataFrames)
"""
from __future__ import annotations

import sys
import time
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
import pyarrow as pa

from etl import schema
from etl.corpus import CorpusNotFound, read_bytes, read_corpus
from etl.documents import Document, ReadError
from etl.engines import DEFAULT_DOC_TIMEOUT, DEFAULT_MAX_DOC_MB, Limits
from etl.export import to_csv_bytes, write_csv
from etl.paths import SEEDS_DIR
from etl.store import FILES, StoreWriter, Tables, concat_frames, exists, load, merge, read_mentions, write

if TYPE_CHECKING:
    from etl.runner import RunResult

__all__ = [
    "CorpusNotFound", "Document", "ReadError", "SEEDS_DIR", "Tables", "extract_tables", "extract_uploads", "load", "merge", "read_bytes",
    "read_corpus", "run_corpus", "to_csv_bytes", "write", "write_csv",
]


def extract_tables(items: Iterable[Document | ReadError], today: date | None = None, progress=None, workers: int = 1,
                   engine: str = "local", scheduler: str | None = None, previous: Tables | None = None, ner=None,
                   max_doc_mb: float | None = DEFAULT_MAX_DOC_MB, doc_timeout: float | None = DEFAULT_DOC_TIMEOUT) -> Tables:
    """Documents (and read errors) to the three tables, in memory, mentions in document order.
    `previous`: Tables of an earlier run whose unchanged documents are reused, not re-extracted.
    A document over `max_doc_mb` or taking more than `doc_timeout` seconds is an error row."""
    from etl.runner import Run, in_document_order  # imports the extractors (and dateparser) on first use

    run = Run(previous.documents if previous is not None else None, ner)
    tables: list[pa.Table] = []
    outcome = run.execute(items, lambda by_lang: tables.extend(by_lang.values()), today or date.today(), workers, engine,
                          scheduler, progress, Limits(max_doc_mb, doc_timeout))
    mentions = schema.mentions_from_arrow(pa.concat_tables(tables)) if tables else schema.mentions_frame([])
    if outcome.reused:
        mentions = concat_frames(mentions, previous.mentions[previous.mentions.doc_id.isin(outcome.reused)])
    return Tables(in_document_order(mentions, outcome.order), outcome.documents, outcome.errors)


def run_corpus(
    corpus: str | Path | None,
    out: str | Path,
    today: date | None = None,
    progress: bool = False,
    workers: int = 1,
    engine: str = "local",
    scheduler: str | None = None,
    incremental: bool = True,
    ner=None,
    max_doc_mb: float | None = DEFAULT_MAX_DOC_MB,
    doc_timeout: float | None = DEFAULT_DOC_TIMEOUT,
) -> "RunResult":
    """Read CORPUS (default: the seeds), extract, and write a new version of the store in OUT.
    The corpus is streamed: rows go to disk batch by batch. With `incremental`, records already
    extracted into OUT by the same extractor are reused (not even parsed). A document over
    `max_doc_mb` or taking more than `doc_timeout` seconds is an error row."""
    from etl.runner import Run, RunResult

    started = time.perf_counter()
    out = Path(out)
    previous = _previous_documents(out) if incremental else None
    run = Run(previous, ner)
    items = read_corpus(corpus or SEEDS_DIR, known=run.known, defer=run.defer)
    bar = _ProgressBar() if progress else None
    with StoreWriter(out) as writer:
        outcome = run.execute(items, writer.add, today or date.today(), workers, engine, scheduler, bar,
                              Limits(max_doc_mb, doc_timeout))
        writer.keep(out, outcome.reused)
        writer.commit(outcome.documents, outcome.errors)
    if bar:
        bar.close()
    kinds = read_mentions(out, columns=["kind"])["kind"].value_counts()
    return RunResult(outcome.documents, outcome.errors, {k: int(v) for k, v in kinds.items()}, outcome.processed,
                     len(outcome.reused), time.perf_counter() - started, writer.notes)


def _previous_documents(out: Path) -> pd.DataFrame | None:
    try:
        return pd.read_parquet(out / FILES["documents"]) if exists(out) else None
    except (OSError, ValueError):
        return None  # no usable earlier run: extract everything


def extract_uploads(files: list[tuple[str, bytes]], today: date | None = None, progress=None,
                    doc_timeout: float | None = DEFAULT_DOC_TIMEOUT) -> Tables:
    """The same ETL over uploaded files (name, bytes); bad files become rows of `errors`."""
    items: list[Document | ReadError] = []
    for name, data in files:
        items.extend(read_bytes(Path(name).name, data))
    return extract_tables(items, today=today, progress=progress, doc_timeout=doc_timeout)


class _ProgressBar:
    """A one-line count of extracted documents on stderr (the corpus is streamed: no total)."""

    def __init__(self, every: int = 256):
        self.every = every
        self.shown = 0

    def __call__(self, n: int) -> None:
        if n - self.shown >= self.every:
            self.shown = n
            sys.stderr.write(f"\r{n} documents extracted")
            sys.stderr.flush()

    def close(self) -> None:
        if self.shown:
            sys.stderr.write("\n")
