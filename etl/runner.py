"""One extraction run over a corpus: every document extracted once, in batches on an engine, with
its rows handed to a sink as each batch returns.

The corpus is read lazily and the parent keeps one small record per document (its documents-table
row), never the corpus text nor the whole mentions table, so memory does not grow with the corpus.
An earlier run's documents table makes the run incremental: a record with the same fingerprint
and extractor (cache key) keeps its rows and is not even parsed; removed ones simply do not come
back.
"""
from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date

import pandas as pd
import pyarrow as pa

from etl import schema
from etl.documents import Document, Known, ReadError
from etl.engines import BATCH_SIZE, run_batches
from etl.pipeline import NerBackend
from etl.segment import detect_lang

Sink = Callable[[pa.Table], None]  # receives each batch's mention rows


@cache
def extractor_version() -> str:
    """Hash of the ETL's code and data files: editing a rule or the knowledge base invalidates."""
    return version_of(Path(__file__).resolve().parent)


def version_of(package: Path) -> str:
    digest = hashlib.sha1()
    for path in sorted([*package.rglob("*.py"), *(package / "data").glob("*")]):
        digest.update(path.relative_to(package).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def cache_key(fingerprint: str, ner: str = "rules") -> str:
    """Changes when the record (text or metadata), the NER backend or the extractor (code or
    knowledge data) change."""
    return hashlib.sha1(f"{fingerprint}\0{ner}\0{extractor_version()}".encode()).hexdigest()[:16]


@dataclass
class Outcome:
    documents: pd.DataFrame  # corpus order
    errors: pd.DataFrame
    order: list[str]  # doc_ids in corpus order
    reused: set[str]  # doc_ids whose rows the sink must take from the earlier run
    processed: int


@dataclass
class Run:
    """Bookkeeping of one run. `known` is what the corpus reader may skip unparsed."""

    previous: pd.DataFrame | None = None  # documents table of the earlier run
    ner: NerBackend | None = None
    batch_size: int = BATCH_SIZE
    _reusable: dict[str, dict] = field(default_factory=dict, init=False)  # cache_key -> earlier documents row
    _by_fingerprint: dict[str, dict] = field(default_factory=dict, init=False)
    _order: list[str] = field(default_factory=list, init=False)
    _sources: dict[str, list[str]] = field(default_factory=dict, init=False)  # doc_id -> sources, first one kept
    _keys: dict[str, tuple[str, str]] = field(default_factory=dict, init=False)  # doc_id -> (cache_key, fingerprint)
    _rows: list[dict] = field(default_factory=list, init=False)
    _errors: list[dict] = field(default_factory=list, init=False)
    _reused: set[str] = field(default_factory=set, init=False)
    _processed: int = field(default=0, init=False)

    def __post_init__(self):
        docs = self.previous
        if docs is None or docs.empty or not {"cache_key", "fingerprint"} <= set(docs.columns):
            return
        for row in docs.to_dict("records"):
            if isinstance(row["fingerprint"], str) and row["cache_key"] == cache_key(row["fingerprint"], self._backend(row["lang"])):
                self._reusable[row["cache_key"]] = row
                self._by_fingerprint[row["fingerprint"]] = row

    @property
    def known(self) -> frozenset[str]:
        return frozenset(self._by_fingerprint)

    def execute(self, items: Iterable, sink: Sink, today: date, workers: int = 1, engine: str = "local",
                scheduler: str | None = None, progress: Callable[[int], None] | None = None) -> Outcome:
        done = 0
        for batch in run_batches(self._batches(items), today, workers, engine, scheduler):
            sink(batch.mentions)
            self._errors += batch.errors
            for row in batch.documents:
                row["cache_key"], row["fingerprint"] = self._keys.pop(row["doc_id"])
                self._rows.append(row)
            done += batch.size
            if progress:
                progress(done)
        return Outcome(self._documents(), schema.errors_frame(self._errors), self._order, self._reused, self._processed)

    def _batches(self, items: Iterable) -> Iterator[list[tuple[Document, tuple]]]:
        pending: list[Document] = []
        for item in items:
            if isinstance(item, ReadError):
                self._errors.append({"source": item.source, "line": item.line, "error": item.error})
            elif isinstance(item, Known):
                self._reuse(self._by_fingerprint[item.fingerprint])
            elif self._first(item.doc_id, item.source):
                lang = (item.lang or detect_lang(item.text)) if self.ner else None
                key = cache_key(item.fingerprint, self._backend(lang))
                earlier = self._reusable.get(key)
                if earlier is not None and earlier["doc_id"] == item.doc_id:
                    self._reused.add(item.doc_id)
                    self._rows.append(earlier)
                    continue
                self._keys[item.doc_id] = (key, item.fingerprint)
                pending.append(item)
                if len(pending) == self.batch_size:
                    yield self._with_ner(pending)
                    pending = []
        if pending:
            yield self._with_ner(pending)

    def _reuse(self, row: dict) -> None:
        if self._first(row["doc_id"], row["source"]):
            self._reused.add(row["doc_id"])
            self._rows.append(row)

    def _first(self, doc_id: str, source: str) -> bool:
        """Records the document's source; False when an identical document came before."""
        sources = self._sources.get(doc_id)
        if sources is not None:
            sources.append(source)
            return False
        self._sources[doc_id] = [source]
        self._order.append(doc_id)
        return True

    def _with_ner(self, docs: list[Document]) -> list[tuple[Document, tuple]]:
        self._processed += len(docs)
        if not self.ner:
            return [(doc, ()) for doc in docs]
        spans = self.ner.spans([(d.doc_id, d.lang or detect_lang(d.text), d.text) for d in docs])
        return [(doc, tuple(spans.get(doc.doc_id, ()))) for doc in docs]

    def _backend(self, lang: str | None) -> str:
        return self.ner.backend(lang) if self.ner and lang else "rules"

    def _documents(self) -> pd.DataFrame:
        position = {doc_id: i for i, doc_id in enumerate(self._order)}
        rows = sorted(self._rows, key=lambda r: position[r["doc_id"]])
        for row in rows:
            row["duplicates"] = "; ".join(self._sources[row["doc_id"]][1:]) or None
        return schema.documents_frame(rows)


def in_document_order(mentions: pd.DataFrame, order: list[str]) -> pd.DataFrame:
    """Mentions by document (corpus order), then offset, whatever ran where."""
    position = {doc_id: i for i, doc_id in enumerate(order)}
    m = mentions.assign(_pos=mentions.doc_id.map(position))
    m = m.sort_values(["_pos", "sentence_id", "start", "end", "kind"], kind="stable")
    return schema.coerce(m.drop(columns="_pos").reset_index(drop=True), schema.MENTION_COLUMNS)


@dataclass
class RunResult:
    documents: pd.DataFrame
    errors: pd.DataFrame
    kinds: dict[str, int]  # rows per kind in the written table
    processed: int  # documents extracted in this run
    reused: int  # documents whose rows came from the earlier run
    seconds: float

    def summary(self) -> str:
        docs = self.documents
        dups = int(docs["duplicates"].notna().sum()) if len(docs) else 0
        undated = int(docs["published"].isna().sum()) if len(docs) else 0
        per_kind = ", ".join(f"{kind} {self.kinds.get(kind, 0)}" for kind in schema.KINDS)
        lines = [
            f"documents  {len(docs)} ({dups} with identical copies counted once, {undated} without a date)",
            f"rows       {sum(self.kinds.values())} ({per_kind})",
            f"errors     {len(self.errors)}",
            f"seconds    {self.seconds:.2f} ({self.processed} documents extracted, {self.reused} reused from the last run)",
        ]
        for _, err in self.errors.head(10).iterrows():
            where = f"{err['source']}" + (f":{err['line']}" if pd.notna(err["line"]) else "")
            lines.append(f"  error: {where}: {err['error']}")
        if len(self.errors) > 10:
            lines.append(f"  ... and {len(self.errors) - 10} more in errors.parquet")
        return "\n".join(lines)

