"""ETL: a multilingual news corpus in, one tidy table of AI-industry mentions out.

    from etl import run_corpus, read_corpus, extract_tables
    result = run_corpus("seeds", "out")          # writes out/*.parquet
    tables = extract_tables(read_corpus("seeds"))  # the same, in memory (DataFrames)
"""
from __future__ import annotations

import sys
import time
from collections.abc import Iterable
from datetime import date
from pathlib import Path

from etl.corpus import CorpusNotFound, read_bytes, read_corpus
from etl.documents import Document, ReadError
from etl.export import to_csv_bytes, write_csv
from etl.paths import SEEDS_DIR
from etl.store import Tables, load, merge, write

__all__ = [
    "CorpusNotFound", "Document", "ReadError", "SEEDS_DIR", "Tables", "extract_tables", "extract_uploads", "load", "merge", "read_bytes",
    "read_corpus", "run_corpus", "to_csv_bytes", "write", "write_csv",
]


def extract_tables(items: Iterable[Document | ReadError], today: date | None = None, progress=None) -> Tables:
    """Documents (and read errors) to the three tables, in memory."""
    docs: list[Document] = []
    errors: list[dict] = []
    for item in items:
        if isinstance(item, Document):
            docs.append(item)
        else:
            errors.append({"source": item.source, "line": item.line, "error": item.error})
    from etl.pipeline import extract  # imports the extractors (and dateparser) on first use

    result = extract(docs, today=today, progress=progress)
    return Tables.from_rows(result.mentions, result.documents, errors + result.errors)


def run_corpus(corpus: str | Path | None, out: str | Path, today: date | None = None, progress: bool = False) -> "RunResult":
    """Read CORPUS (default: the seeds), extract, and write the store into OUT atomically."""
    started = time.perf_counter()
    items = list(read_corpus(corpus or SEEDS_DIR))
    bar = _ProgressBar(sum(isinstance(i, Document) for i in items)) if progress else None
    tables = extract_tables(items, today=today, progress=bar)
    if bar:
        bar.close()
    write(tables, Path(out))
    from etl.pipeline import RunResult

    return RunResult(tables, sum(isinstance(i, ReadError) for i in items), time.perf_counter() - started)


def extract_uploads(files: list[tuple[str, bytes]], today: date | None = None, progress=None) -> Tables:
    """The same ETL over uploaded files (name, bytes); bad files become rows of `errors`."""
    items: list[Document | ReadError] = []
    for name, data in files:
        items.extend(read_bytes(Path(name).name, data))
    return extract_tables(items, today=today, progress=progress)


class _ProgressBar:
    """A one-line progress bar on stderr, shown for corpora large enough to wait for."""

    def __init__(self, total: int, min_total: int = 200):
        self.total = total
        self.shown = total >= min_total
        self.last = -1

    def __call__(self, n: int) -> None:
        if not self.shown:
            return
        pct = n * 100 // max(self.total, 1)
        if pct != self.last:
            self.last = pct
            filled = pct // 4
            sys.stderr.write(f"\r[{'#' * filled}{'.' * (25 - filled)}] {n}/{self.total} documents")
            sys.stderr.flush()

    def close(self) -> None:
        if self.shown:
            sys.stderr.write("\n")
