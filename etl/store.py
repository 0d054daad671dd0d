"""The Parquet store: mentions, documents and errors tables, written atomically."""
from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from etl import schema

FILES = {"mentions": "mentions.parquet", "documents": "documents.parquet", "errors": "errors.parquet"}


@dataclass
class Tables:
    mentions: pd.DataFrame
    documents: pd.DataFrame
    errors: pd.DataFrame

    @classmethod
    def from_rows(cls, mentions: list[dict], documents: list[dict], errors: list[dict]) -> "Tables":
        return cls(schema.mentions_frame(mentions), schema.documents_frame(documents), schema.errors_frame(errors))

    @classmethod
    def empty(cls) -> "Tables":
        return cls.from_rows([], [], [])


def write(tables: Tables, out: Path) -> Path:
    """Write the three tables into `out`. Everything is written to temporary files first and
    renamed into place only when all three are complete, so a crash leaves the last good output."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=out))
    try:
        for name, filename in FILES.items():
            getattr(tables, name).to_parquet(staging / filename, index=False)
        for filename in FILES.values():
            os.replace(staging / filename, out / filename)
    finally:
        for leftover in staging.iterdir():
            leftover.unlink()
        staging.rmdir()
    return out


def load(out: Path) -> Tables:
    out = Path(out)
    missing = [f for f in FILES.values() if not (out / f).is_file()]
    if missing:
        raise FileNotFoundError(f"{out}: no ETL output ({', '.join(missing)} missing); run `python -m etl run --out {out}`")
    return Tables(*(pd.read_parquet(out / f) for f in FILES.values()))


def merge(a: Tables, b: Tables) -> Tables:
    """`b` added to `a`; a document already in `a` (same doc_id) is not added twice."""
    new_docs = b.documents[~b.documents.doc_id.isin(a.documents.doc_id)]
    new_mentions = b.mentions[b.mentions.doc_id.isin(new_docs.doc_id)]
    return Tables(
        concat_frames(a.mentions, new_mentions),
        concat_frames(a.documents, new_docs),
        concat_frames(a.errors, b.errors),
    )


def concat_frames(a: pd.DataFrame, b: pd.DataFrame) -> pd.DataFrame:
    """a then b (either may be empty), with a fresh index."""
    if b.empty:
        return a
    if a.empty:
        return b.reset_index(drop=True)
    return pd.concat([a, b], ignore_index=True)
