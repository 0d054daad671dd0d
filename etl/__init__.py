"""ETL: a multilingual news corpus in, one tidy table of AI-industry mentions out (this module only
re-exports: runs are etl/runner.py).

    from etl import run_corpus, read_corpus, extract_tables
    result = run_corpus("seeds", "out")          # writes the store in out/ (see etl/store.py)
    tables = extract_tables(read_corpus("seeds"))  # the same, in memory (DataFrames)
"""
from __future__ import annotations

from etl.corpus import CorpusNotFound, read_bytes, read_corpus
from etl.documents import Document, ReadError
from etl.export import to_csv_bytes, write_csv
from etl.paths import SEEDS_DIR
from etl.runner import RunResult, add_uploads, extract_tables, extract_uploads, run_corpus
from etl.store import Tables, load, merge, write

__all__ = [
    "CorpusNotFound", "Document", "ReadError", "RunResult", "SEEDS_DIR", "Tables", "add_uploads", "extract_tables", "extract_uploads", "load", "merge", "read_bytes",
    "read_corpus", "run_corpus", "to_csv_bytes", "write", "write_csv",
]
