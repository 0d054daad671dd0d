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
from etl.events import with_event_ids, write_events
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
    added_by: str | None = None  # recorded on the documents this run adds (an uploader's e-mail)
    stamp: bool = False  # record added_at (runs into a store; an in-memory extraction has no "when added")
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
    _started: pd.Timestamp = field(default_factory=lambda: pd.Timestamp.now("UTC").tz_localize(None), init=False)

    def __post_init__(self):
        docs = self.previous
        if docs is not None:  # a store from before added_by/added_at: those are unknown
            docs = docs.assign(**{c: None for c in ("added_by", "added_at") if c not in docs.columns})
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
                row["added_by"], row["added_at"] = self.added_by, self._started if self.stamp else None
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
    events: int = 0  # funding events in funding.parquet
    no_rate: int = 0  # money rows whose currency no exchange-rate source knows (amount_usd null)

    def summary(self) -> str:
        docs = self.documents
        dups = int(docs["duplicates"].notna().sum()) if len(docs) else 0
        undated = int(docs["published"].isna().sum()) if len(docs) else 0
        per_kind = ", ".join(f"{kind} {self.kinds.get(kind, 0)}" for kind in schema.KINDS)
        lines = [
            f"documents  {len(docs)} ({dups} with identical copies counted once, {undated} without a date)",
            f"rows       {sum(self.kinds.values())} ({per_kind})",
            *([f"no rate    {self.no_rate} money rows in a currency no exchange-rate source knows (amount_usd empty)"]
              if self.no_rate else []),
            f"events     {self.events} funding events (funding.parquet)",
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
    return Tables(in_document_order(with_event_ids(mentions), outcome.order), outcome.documents, outcome.errors)


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
    run = Run(previous, ner, stamp=True)
    items = read_corpus(corpus or SEEDS_DIR, known=run.known, defer=run.defer)
    bar = _ProgressBar() if progress else None
    with StoreWriter(out) as writer:
        outcome = run.execute(items, writer.add, today or date.today(), workers, engine, scheduler, bar,
                              Limits(max_doc_mb, doc_timeout))
        uploaded = _uploaded_elsewhere(previous, outcome)  # added through the dashboard: not the corpus's to remove
        writer.keep(out, outcome.reused | set(uploaded["doc_id"]))
        funding = write_events(writer)
        writer.commit(concat_frames(outcome.documents, uploaded), outcome.errors, funding)
    if bar:
        bar.close()
    written = read_mentions(out, columns=["kind", "amount", "amount_usd"])
    kinds = written["kind"].value_counts()
    no_rate = int(((written["kind"] == "money") & written["amount"].notna() & written["amount_usd"].isna()).sum())
    return RunResult(outcome.documents, outcome.errors, {k: int(v) for k, v in kinds.items()}, outcome.processed,
                     len(outcome.reused), time.perf_counter() - started, outcome.skipped, writer.notes, len(funding), no_rate)


def _uploaded_elsewhere(previous: pd.DataFrame | None, outcome: Outcome) -> pd.DataFrame:
    """The earlier documents someone added through the dashboard that this run did not read."""
    if previous is None or "added_by" not in previous.columns:
        return schema.documents_frame([])
    keep = previous["added_by"].notna() & ~previous["doc_id"].isin(outcome.order)
    return schema.coerce(previous[keep].reindex(columns=list(schema.DOCUMENT_COLUMNS)), schema.DOCUMENT_COLUMNS)


def add_to_store(items: Iterable, out: str | Path, added_by: str | None = None, today: date | None = None,
                 progress: Callable[[int], None] | None = None,
                 doc_timeout: float | None = DEFAULT_DOC_TIMEOUT) -> Tables:
    """Extract `items` (e.g. uploaded files) and add them to the store in OUT as a new version,
    keeping every document it has: an incremental run under the store's lock (StoreBusy when
    another run holds it). A document the store already has (same doc_id) is not added again.
    Returns the added documents, their rows and the errors of this run."""
    out = Path(out)
    added: list[pa.Table] = []
    with StoreWriter(out) as writer:  # the lock first, then what the store holds now
        previous = _previous_documents(out)
        have = pa.array(sorted(set(previous["doc_id"].dropna())) if previous is not None else [], pa.large_string())

        def sink(by_lang: dict[str, pa.Table]) -> None:
            fresh = {lang: t.filter(pc.invert(pc.is_in(t["doc_id"], value_set=have))) for lang, t in by_lang.items()}
            added.extend(fresh.values())
            writer.add(fresh)

        run = Run(None, added_by=added_by, stamp=True)
        outcome = run.execute(items, sink, today or date.today(), progress=progress, limits=Limits(DEFAULT_MAX_DOC_MB, doc_timeout))
        new = outcome.documents[~outcome.documents["doc_id"].isin(have.to_pylist())]
        old_errors = pd.read_parquet(out / FILES["errors"]) if exists(out) else schema.errors_frame([])
        if previous is not None:
            writer.keep(out, set(previous["doc_id"].dropna()))
        documents = schema.coerce(previous.reindex(columns=list(schema.DOCUMENT_COLUMNS)), schema.DOCUMENT_COLUMNS) \
            if previous is not None else schema.documents_frame([])
        funding = write_events(writer)  # an uploaded report joins (or starts) its funding event
        writer.commit(concat_frames(documents, new.reset_index(drop=True)),
                      concat_frames(schema.coerce(old_errors, schema.ERROR_COLUMNS), outcome.errors), funding)
    mentions = schema.mentions_from_arrow(pa.concat_tables(added)) if added else schema.mentions_frame([])
    return Tables(mentions, new.reset_index(drop=True), outcome.errors)


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


def add_uploads(files: list[tuple[str, bytes]], out: str | Path, added_by: str | None = None, progress=None,
                doc_timeout: float | None = DEFAULT_DOC_TIMEOUT) -> Tables:
    """Uploaded files (name, bytes) through the ETL into the store in OUT (see add_to_store)."""
    items: list = []
    for name, data in files:
        items.extend(read_bytes(Path(name).name, data))
    return add_to_store(items, out, added_by, progress=progress, doc_timeout=doc_timeout)


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
