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
from typing import TYPE_CHECKING

from etl.corpus import CorpusNotFound, read_bytes, read_corpus
from etl.documents import Document, ReadError
from etl.export import to_csv_bytes, write_csv
from etl.paths import SEEDS_DIR
from etl import schema
from etl.store import Tables, concat_frames, load, merge, write

if TYPE_CHECKING:
    from etl.pipeline import RunResult

__all__ = [
    "CorpusNotFound", "Document", "ReadError", "SEEDS_DIR", "Tables", "extract_tables", "extract_uploads", "load", "merge", "read_bytes",
    "read_corpus", "run_corpus", "to_csv_bytes", "write", "write_csv",
]


def extract_tables(items: Iterable[Document | ReadError], today: date | None = None, progress=None, **engine) -> Tables:
    """Documents (and read errors) to the three tables, in memory. `engine` options: workers,
    engine ("local" or "dask"), scheduler, previous (Tables of an earlier run to reuse)."""
    return _extract(items, today, progress, **engine).tables


def _extract(items, today=None, progress=None, **engine):
    from etl.pipeline import extract  # imports the extractors (and dateparser) on first use

    docs: list[Document] = []
    errors: list[dict] = []
    for item in items:
        if isinstance(item, Document):
            docs.append(item)
        else:
            errors.append({"source": item.source, "line": item.line, "error": item.error})
    result = extract(docs, today=today, progress=progress, **engine)
    result.tables.errors = concat_frames(schema.errors_frame(errors), result.tables.errors)
    return result


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
) -> "RunResult":
    """Read CORPUS (default: the seeds), extract, and write the store into OUT atomically.
    With `incremental`, documents already extracted into OUT by the same extractor are reused."""
    from etl.pipeline import RunResult

    started = time.perf_counter()
    out = Path(out)
    items = list(read_corpus(corpus or SEEDS_DIR))
    previous = _previous(out) if incremental else None
    bar = _ProgressBar(sum(isinstance(i, Document) for i in items)) if progress else None
    result = _extract(items, today, bar, workers=workers, engine=engine, scheduler=scheduler, previous=previous, ner=ner)
    if bar:
        bar.close()
    write(result.tables, out)
    return RunResult(result.tables, result.processed, result.reused, time.perf_counter() - started)


def _previous(out: Path) -> Tables | None:
    try:
        return load(out)
    except (FileNotFoundError, OSError, ValueError):
        return None  # no usable earlier run: extract everything


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
