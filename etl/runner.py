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
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import NamedTuple

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from etl import schema
from etl.corpus import Unparsed, read_bytes, read_corpus
from etl.documents import Document, Known, ReadError, Skipped
from etl.paths import SEEDS_DIR
from etl.store import FILES, StoreWriter, Tables, concat_frames, exists, read_mentions
from etl.engines import BATCH_SIZE, DEFAULT_DOC_TIMEOUT, DEFAULT_MAX_DOC_MB, Limits, run_batches
from etl.nlp import NerBackend
from etl.lang import detect_lang

Sink = Callable[[dict[str, pa.Table]], None]  # receives each batch's mention rows, by language


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


class Earlier(NamedTuple):
    """A document of the earlier run that may be reused: its row's index, id and source."""

    index: int
    doc_id: str
    source: str


@dataclass
class Outcome:
    documents: pd.DataFrame  # corpus order
    errors: pd.DataFrame
    order: list[str]  # doc_ids in corpus order
    reused: set[str]  # doc_ids whose rows the sink must take from the earlier run
    processed: int
    skipped: int = 0  # records skipped on purpose (WARC records that are not HTML responses)


@dataclass
class Run:
    """Bookkeeping of one run. `known` is what the corpus reader may skip unparsed; `defer` says
    whether records may reach the workers unparsed (not when NER runs here on their text).

    Identical documents count once: the copy earliest in the corpus is kept and the others are
    listed in its `duplicates`. Unparsed records get their document id in the worker, so that
    choice is made as results return, by corpus position (`pos`), which gives the same result
    as deciding while reading."""

    previous: pd.DataFrame | None = None  # documents table of the earlier run
    ner: NerBackend | None = None
    batch_size: int = BATCH_SIZE
    _reusable: dict[str, Earlier] = field(default_factory=dict, init=False)  # by cache key
    _by_fingerprint: dict[str, Earlier] = field(default_factory=dict, init=False)
    _owner: dict[str, int] = field(default_factory=dict, init=False)  # doc_id -> pos of the copy kept
    # doc_id -> the kept copy's documents row: a new row, or the index of the earlier run's row
    _kept: dict[str, dict | int | None] = field(default_factory=dict, init=False)
    _copies: dict[str, list[tuple[int, str]]] = field(default_factory=dict, init=False)  # doc_id -> (pos, source)
    _errors: list[dict] = field(default_factory=list, init=False)
    _reused: set[str] = field(default_factory=set, init=False)
    _processed: int = field(default=0, init=False)
    _skipped: int = field(default=0, init=False)
    _pos: int = field(default=0, init=False)

    def __post_init__(self):
        docs = self.previous
        if docs is None or docs.empty or not {"cache_key", "fingerprint"} <= set(docs.columns):
            self.previous = None
            return
        self.previous = docs = docs.reset_index(drop=True)
        columns = (docs[c].astype(object).where(docs[c].notna(), None).tolist()
                   for c in ("fingerprint", "cache_key", "lang", "doc_id", "source"))
        for index, (fingerprint, key, lang, doc_id, source) in enumerate(zip(*columns)):
            if fingerprint is not None and key == cache_key(fingerprint, self._backend(lang)):
                self._reusable[key] = self._by_fingerprint[fingerprint] = Earlier(index, doc_id, source)

    @property
    def known(self) -> frozenset[str]:
        return frozenset(self._by_fingerprint)

    @property
    def defer(self) -> bool:
        return self.ner is None

    def execute(self, items: Iterable, sink: Sink, today: date, workers: int = 1, engine: str = "local",
                scheduler: str | None = None, progress: Callable[[int], None] | None = None,
                limits: Limits = Limits()) -> Outcome:
        done = 0
        for batch in run_batches(self._batches(items), today, workers, engine, scheduler, limits):
            sink(self._accept(batch))
            done += batch.size
            if progress:
                progress(done)
        owners = sorted(self._owner.items(), key=lambda item: item[1])
        errors = sorted(self._errors, key=lambda e: e.pop("pos"))
        return Outcome(self._documents(owners), schema.errors_frame(errors), [doc_id for doc_id, _ in owners],
                       self._reused, self._processed, self._skipped)

    def _batches(self, items: Iterable) -> Iterator[list[tuple[int, Document | Unparsed, tuple]]]:
        pending: list[tuple[int, Document | Unparsed]] = []
        for item in items:
            pos = self._pos = self._pos + 1
            if isinstance(item, ReadError):
                self._errors.append({"source": item.source, "line": item.line, "error": item.error, "pos": pos})
            elif isinstance(item, Skipped):
                self._skipped += item.count
            elif isinstance(item, Known):
                earlier = self._by_fingerprint[item.fingerprint]
                self._claim(earlier.doc_id, pos, earlier.source, earlier.index, reused=True)
            elif isinstance(item, Document) and (earlier := self._earlier(item)) is not None:
                self._claim(item.doc_id, pos, item.source, earlier.index, reused=True)
            else:
                pending.append((pos, item))
                if len(pending) == self.batch_size:
                    yield self._with_ner(pending)
                    pending = []
        if pending:
            yield self._with_ner(pending)

    def _earlier(self, doc: Document) -> Earlier | None:
        """The earlier run's row of an in-memory Document with the same cache key and text."""
        lang = (doc.lang or detect_lang(doc.text)) if self.ner else None
        earlier = self._reusable.get(cache_key(doc.fingerprint, self._backend(lang)))
        return earlier if earlier is not None and earlier.doc_id == doc.doc_id else None

    def _accept(self, batch) -> dict[str, pa.Table]:
        """A returned batch's rows, without those of documents whose earlier copy is kept."""
        rejected = []
        for row in batch.documents:
            pos = row.pop("pos")
            if self._claim(row["doc_id"], pos, row["source"], row):
                row["cache_key"] = cache_key(row["fingerprint"], self._backend(row["lang"]))
            else:
                rejected.append(row["doc_id"])
        for pos, doc_id, source in batch.copies:
            self._claim(doc_id, pos, source, None)
        for error in batch.errors:
            self._errors.append(error)
        if not rejected:
            return batch.mentions
        drop = pa.array(rejected, pa.large_string())
        return {lang: t.filter(pc.invert(pc.is_in(t["doc_id"], value_set=drop))) for lang, t in batch.mentions.items()}

    def _claim(self, doc_id: str, pos: int, source: str, row: dict | int | None, reused: bool = False) -> bool:
        """Record a copy of a document; True when it is the one kept (the earliest so far)."""
        self._copies.setdefault(doc_id, []).append((pos, source))
        owner = self._owner.get(doc_id)
        if owner is not None and owner < pos:
            return False
        # First copy, or an earlier copy than one kept while reading (a reused row): this one wins.
        self._reused.discard(doc_id)
        self._owner[doc_id] = pos
        self._kept[doc_id] = row
        if reused:
            self._reused.add(doc_id)
        return True

    def _with_ner(self, pending: list[tuple[int, Document | Unparsed]]) -> list[tuple[int, Document | Unparsed, tuple]]:
        self._processed += len(pending)
        if not self.ner:
            return [(pos, item, ()) for pos, item in pending]
        docs = [(pos, item.parse() if isinstance(item, Unparsed) else item) for pos, item in pending]
        texts = [(d.doc_id, d.lang or detect_lang(d.text), d.text) for _, d in docs if isinstance(d, Document)]
        spans = self.ner.spans(texts)
        return [(pos, d, tuple(spans.get(d.doc_id, ())) if isinstance(d, Document) else ()) for pos, d in docs]

    def _backend(self, lang: str | None) -> str:
        return self.ner.backend(lang) if self.ner and lang else "rules"

    def _documents(self, owners: list[tuple[str, int]]) -> pd.DataFrame:
        """The documents table in corpus order: new rows, and the earlier run's rows taken as a
        block (row by row would cost seconds at 100k documents)."""
        new, new_pos, old, old_pos, old_duplicates = [], [], [], [], []
        for doc_id, pos in owners:
            kept = self._kept[doc_id]
            duplicates = "; ".join(source for p, source in sorted(self._copies[doc_id]) if p != pos) or None
            if isinstance(kept, dict):
                new.append({**kept, "duplicates": duplicates})
                new_pos.append(pos)
            else:
                old.append(kept)
                old_pos.append(pos)
                old_duplicates.append(duplicates)
        frame = schema.documents_frame(new).assign(_pos=new_pos)
        if old:
            earlier = self.previous.iloc[old].assign(duplicates=old_duplicates, _pos=old_pos)
            frame = pd.concat([frame, earlier[frame.columns]], ignore_index=True)
        frame = frame.sort_values("_pos", kind="stable").drop(columns="_pos").reset_index(drop=True)
        return schema.coerce(frame, schema.DOCUMENT_COLUMNS)


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
    skipped: int = 0  # records skipped on purpose (WARC records that are not HTML responses)
    notes: list[str] = field(default_factory=list)  # what the run recovered from (a stale lock …)

    def summary(self) -> str:
        docs = self.documents
        dups = int(docs["duplicates"].notna().sum()) if len(docs) else 0
        undated = int(docs["published"].isna().sum()) if len(docs) else 0
        per_kind = ", ".join(f"{kind} {self.kinds.get(kind, 0)}" for kind in schema.KINDS)
        lines = [
            f"documents  {len(docs)} ({dups} with identical copies counted once, {undated} without a date)",
            f"rows       {sum(self.kinds.values())} ({per_kind})",
            f"errors     {len(self.errors)}",
            *([f"skipped    {self.skipped} archive records that are not HTML pages (requests, metadata, images ...)"]
              if self.skipped else []),
            f"seconds    {self.seconds:.2f} ({self.processed} documents extracted, {self.reused} reused from the last run)",
        ]
        relative = int(docs["relative_undated"].fillna(0).sum()) if len(docs) and "relative_undated" in docs else 0
        if relative:
            lines.insert(2, f"relative   {relative} relative date phrases (yesterday, last week …) without a row: "
                            "their documents state no publication day")
        lines += [f"note       {note}" for note in self.notes]
        for _, err in self.errors.head(10).iterrows():
            where = f"{err['source']}" + (f":{err['line']}" if pd.notna(err["line"]) else "")
            lines.append(f"  error: {where}: {err['error']}")
        if len(self.errors) > 10:
            lines.append(f"  ... and {len(self.errors) - 10} more in errors.parquet")
        return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# Runs: in memory, into a store, over uploads


def extract_tables(items: Iterable[Document | ReadError], today: date | None = None, progress=None, workers: int = 1,
                   engine: str = "local", scheduler: str | None = None, previous: Tables | None = None, ner=None,
                   max_doc_mb: float | None = DEFAULT_MAX_DOC_MB, doc_timeout: float | None = DEFAULT_DOC_TIMEOUT) -> Tables:
    """Documents (and read errors) to the three tables, in memory, mentions in document order.
    `previous`: Tables of an earlier run whose unchanged documents are reused, not re-extracted.
    A document over `max_doc_mb` or taking more than `doc_timeout` seconds is an error row."""
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
                     len(outcome.reused), time.perf_counter() - started, outcome.skipped, writer.notes)


def _previous_documents(out: Path) -> pd.DataFrame | None:
    try:
        return pd.read_parquet(out / FILES["documents"]) if exists(out) else None
    except (OSError, ValueError):
        return None  # no usable earlier run: extract everything


def extract_uploads(files: list[tuple[str, bytes]], today: date | None = None, progress=None,
                    doc_timeout: float | None = DEFAULT_DOC_TIMEOUT) -> Tables:
    """The same ETL over uploaded files (name, bytes); bad files become rows of `errors`."""
    items: list = []
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
