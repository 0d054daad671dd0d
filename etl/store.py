"""The Parquet store an ETL run writes into its output folder:

    mentions.parquet/    the mentions table: a Parquet dataset of part files, one language each
    documents.parquet    one row per document
    errors.parquet       one row per input that could not be read

`pd.read_parquet(DIR / "mentions.parquet")` reads the whole table. Part files hold one language
and each row group carries min/max statistics of its columns, so `read_mentions` with a language
or date filter skips whole files, and row groups whose dates lie outside the range (a news
archive grows by date, so its row groups cover narrow ranges), without reading them.

Versions: the three names are symbolic links through `DIR/current`, itself a link to one complete
version under `DIR/.versions/`. A run writes a new version beside the last good one and switches
`current` in one atomic rename, so a crash at any point leaves the last good output whole. Part
files an incremental run keeps are hard links into the new version, not copies. A reader holds
the version it reads (`Reading`) so that a switch meanwhile does not delete it under the reader.
"""
from __future__ import annotations

import os
import re
import shutil
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as pads
import pyarrow.parquet as pq

from etl import schema

FILES = {"mentions": "mentions.parquet", "documents": "documents.parquet", "errors": "errors.parquet"}
FUNDING = "funding.parquet"  # one row per funding event (etl/events.py); linked like the three
CURRENT = "current"
VERSIONS = ".versions"
READERS = ".readers"  # in each version: readers hold a shared flock on it while they read
ROW_GROUP_ROWS = 65_536  # rows buffered per language before they are written as one row group
MENTIONS_SCHEMA = schema.MENTIONS_ARROW
_LANG_NAME = re.compile(r"[a-z]{2,3}")


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


# --- writing ------------------------------------------------------------------------------------

class StoreWriter:
    """Writes one new version of the store: mention rows as they arrive (`add`), rows of an
    earlier version kept by document (`keep`), then the document and error tables (`commit`).
    Memory holds at most one row group per language. Until `commit` succeeds the last good output
    is untouched; `abort` (or an exception inside `with`) removes the unfinished version."""

    def __init__(self, out: Path):
        self.out = Path(out)
        self._lock = _lock(self.out)
        self.notes: list[str] = [self._lock.stale] if self._lock.stale else []  # for the run's summary
        self.version = self.out / VERSIONS / uuid.uuid4().hex[:12]
        self.mentions_dir = self.version / FILES["mentions"]
        try:
            self.mentions_dir.mkdir(parents=True)
            (self.version / READERS).touch()  # readers hold a shared lock on it (see Reading)
        except BaseException:
            self._lock.close()
            raise
        self._buffers: dict[str, list[pa.Table]] = {}
        self._buffered: dict[str, int] = {}
        self._writers: dict[str, pq.ParquetWriter] = {}

    def __enter__(self) -> "StoreWriter":
        return self

    def __exit__(self, exc_type, *_):
        if exc_type is not None:
            self.abort()

    def add(self, mentions: dict[str, pa.Table] | pd.DataFrame) -> None:
        """Mention rows: Arrow tables by language (as workers return them), or any DataFrame."""
        by_lang = _by_language(mentions) if isinstance(mentions, pd.DataFrame) else mentions
        for lang, part in by_lang.items():
            if part.num_rows == 0:
                continue
            name = _part_lang(lang)
            self._buffers.setdefault(name, []).append(part)
            self._buffered[name] = self._buffered.get(name, 0) + part.num_rows
            if self._buffered[name] >= ROW_GROUP_ROWS:
                self._flush(name)

    def keep(self, store: Path, doc_ids: set[str]) -> None:
        """Put the rows of `doc_ids` from the store's current mentions into this version: a part
        file holding only kept documents is hard-linked, one mixing kept and dropped documents is
        rewritten without the dropped ones. (A store from before the part files has no
        fingerprints, so nothing of it is reused and it never gets here.)"""
        if not doc_ids:
            return
        wanted = pa.array(sorted(doc_ids), type=pa.large_string())
        for n, part in enumerate(_part_files(Path(store) / FILES["mentions"])):
            ids = pq.read_table(part, columns=["doc_id"])["doc_id"]
            inside = pc.is_in(ids, value_set=wanted)
            count = pc.sum(inside).as_py() or 0
            if count == len(ids):
                _link_or_copy(part, self.mentions_dir / part.name)
            elif count:  # named like the part: its language first
                table = pq.read_table(part, schema=MENTIONS_SCHEMA).filter(inside)
                language = part.name.split("-", 1)[0]
                pq.write_table(table, self.mentions_dir / f"{language}-{self.version.name}-{n}.parquet",
                               row_group_size=ROW_GROUP_ROWS)

    def close_parts(self) -> list[Path]:
        """Write out what is buffered and close the part files; returns this version's parts."""
        for name in list(self._buffers):
            self._flush(name)
        for writer in self._writers.values():
            writer.close()
        self._writers.clear()
        return _part_files(self.mentions_dir)

    def replace_part(self, part: Path, table: pa.Table) -> None:
        """Put `table` in place of one of this version's parts (a hard link to an earlier
        version's file is replaced, never written through)."""
        tmp = part.with_name(f".{part.name}.tmp")
        pq.write_table(table.cast(MENTIONS_SCHEMA), tmp, row_group_size=ROW_GROUP_ROWS)
        os.replace(tmp, part)

    def commit(self, documents: pd.DataFrame, errors: pd.DataFrame, funding: pd.DataFrame | None = None) -> Path:
        """Finish this version and make it the store's current one."""
        self.close_parts()
        documents.to_parquet(self.version / FILES["documents"], index=False)
        errors.to_parquet(self.version / FILES["errors"], index=False)
        if funding is not None:
            funding.to_parquet(self.version / FUNDING, index=False)
        if not any(self.mentions_dir.iterdir()):  # no rows at all: an empty table, still readable
            pq.write_table(MENTIONS_SCHEMA.empty_table(), self.mentions_dir / "empty.parquet")
        _switch(self.out, self.version)
        self._lock.close()
        return self.out

    def abort(self) -> None:
        for writer in self._writers.values():
            try:
                writer.close()
            except Exception:
                pass
        self._writers.clear()
        if _current_version(self.out) != self.version:  # a failure after the switch keeps the new output
            shutil.rmtree(self.version, ignore_errors=True)
        self._lock.close()

    def _flush(self, name: str) -> None:
        parts = self._buffers.pop(name, [])
        self._buffered.pop(name, None)
        if not parts:
            return
        table = pa.concat_tables(parts)
        if name not in self._writers:
            self._writers[name] = pq.ParquetWriter(self.mentions_dir / f"{name}-{self.version.name}.parquet", MENTIONS_SCHEMA)
        self._writers[name].write_table(table, row_group_size=ROW_GROUP_ROWS)


def write(tables: Tables, out: Path) -> Path:
    """Write three in-memory tables as a new version of the store in `out`."""
    with StoreWriter(out) as writer:
        writer.add(tables.mentions)
        return writer.commit(tables.documents, tables.errors)


class StoreBusy(RuntimeError):
    """Another run is writing the same output folder."""


LOCK_FILE = ".lock"
_HELD_LOCKS: set = set()  # lock files this process holds; a forked child closes its copies


def _close_inherited_locks() -> None:
    """In a forked child (a pool worker): close the inherited lock files. A `flock` lives as long
    as any process holds a descriptor of it, so workers that kept it would outlive a parent killed
    with `kill -9` and block every later run; closing a copy does not release the parent's lock."""
    for handle in list(_HELD_LOCKS):
        try:
            handle.close()
        except OSError:
            pass
    _HELD_LOCKS.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_close_inherited_locks)


class _Lock:
    """A held store lock: an exclusive `flock` on `out/.lock`, which the kernel releases when its
    owner dies, and the owner's pid written in it (for the messages). `stale` names an earlier
    owner that died holding it, when there was one."""

    def __init__(self, out: Path):
        self.path = out / LOCK_FILE
        self.handle = open(self.path, "a+")
        self.stale: str | None = None
        try:
            import fcntl
        except ImportError:  # Windows: no advisory locks; one run at a time is up to the user
            return
        try:
            fcntl.flock(self.handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            owner = _read_owner(self.handle)
            self.handle.close()
            who = f" (pid {owner})" if owner and _alive(owner) else ""
            raise StoreBusy(f"{out}: another `etl run` is writing this folder{who}; wait for it to finish") from None
        owner = _read_owner(self.handle)
        if owner and owner != os.getpid() and not _alive(owner):
            self.stale = f"{self.path}: removed the stale lock of run pid {owner} (no longer running)"
        self.handle.seek(0)
        self.handle.truncate()
        self.handle.write(f"{os.getpid()}\n")
        self.handle.flush()
        _HELD_LOCKS.add(self.handle)

    def close(self) -> None:
        if self.handle.closed:
            return
        try:
            self.handle.seek(0)
            self.handle.truncate()  # no owner: the next run finds nothing stale
        except OSError:
            pass
        _HELD_LOCKS.discard(self.handle)
        self.handle.close()  # releases the flock


def _read_owner(handle) -> int | None:
    try:
        handle.seek(0)
        first = handle.readline().strip()
        return int(first) if first.isdigit() else None
    except (OSError, ValueError):
        return None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True


def _lock(out: Path) -> _Lock:
    """An exclusive lock on `out` for one run: a second run into the same folder stops at once
    with a clear message instead of deleting the first one's unfinished version."""
    out.mkdir(parents=True, exist_ok=True)
    return _Lock(out)


def _by_language(mentions: pd.DataFrame) -> dict[str, pa.Table]:
    table = pa.Table.from_pandas(schema.coerce(mentions, schema.MENTION_COLUMNS), schema=MENTIONS_SCHEMA, preserve_index=False)
    return {lang: table.filter(pc.equal(table["lang"], lang) if lang is not None else pc.is_null(table["lang"]))
            for lang in pc.unique(table["lang"]).to_pylist()}


def _part_lang(lang: str | None) -> str:
    return lang if lang and _LANG_NAME.fullmatch(lang) else "other"


def _part_files(mentions: Path) -> list[Path]:
    if mentions.is_file():  # a store written before mentions.parquet became a folder
        return [mentions]
    return sorted(p for p in mentions.glob("*.parquet") if p.is_file()) if mentions.is_dir() else []


def _link_or_copy(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:  # another file system, or links not allowed
        shutil.copy2(source, target)


def _switch(out: Path, version: Path) -> None:
    """Point `out/current` at `version` atomically, make the three names go through it, and
    delete the versions nothing points at any more."""
    current = out / CURRENT
    if current.is_dir() and not current.is_symlink():  # a store copied without its links: keep it as a version
        current.rename(out / VERSIONS / f"copied-{version.name}")
    link = out / f".current-{version.name}"
    os.symlink(Path(VERSIONS) / version.name, link)
    os.replace(link, current)  # the switch: one rename
    for filename in (*FILES.values(), FUNDING):
        path = out / filename
        if not (version / filename).exists():
            continue
        if path.is_symlink() and os.readlink(path) == str(Path(CURRENT) / filename):
            continue
        tmp = out / f".{filename}-{version.name}"
        os.symlink(Path(CURRENT) / filename, tmp)
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        os.replace(tmp, path)  # replaces a plain file from an older store too
    for old in (out / VERSIONS).iterdir():
        if old.name != version.name:
            _remove_unless_read(old)
    for stale in out.glob(".staging-*"):  # left by older versions of this module
        shutil.rmtree(stale, ignore_errors=True)


def _remove_unless_read(version: Path) -> None:
    """Delete a version nothing points at, unless a reader still holds it (a dashboard reading
    its long text columns): then the next run's switch tries again. An unfinished version of a
    killed run, or one written before readers' locks existed, has no reader and goes at once."""
    try:
        handle = open(version / READERS, "rb")
    except OSError:
        shutil.rmtree(version, ignore_errors=True)
        return
    with handle:
        try:
            import fcntl

            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return  # being read
        except ImportError:  # Windows: an open file cannot be deleted anyway
            pass
        shutil.rmtree(version, ignore_errors=True)


# --- reading ------------------------------------------------------------------------------------

class Reading:
    """One version of the store, held while it is read: `path` is the version folder the
    `current` link pointed at when reading began (the store folder itself for a store without
    versions), so every table and column comes from the same run even if another run switches
    meanwhile, and that run does not delete the version until `close()`. Use as a context
    manager, or close it when the last lazy read is done.

    Holding is a shared `flock` on the version's `.readers` file, which needs no write permission;
    the link is read again once it is held, so a version that was switched away from in between
    is let go and the new one taken."""

    def __init__(self, out: Path, attempts: int = 20):
        out = Path(out)
        self.path, self._handle = out, None
        for _ in range(attempts):
            version = _current_version(out)
            if version is None:  # no versions (a plain store): nothing to hold
                return
            handle = _hold(version)
            if handle is False:  # written before readers' locks: read it as it is
                self.path = version
                return
            if handle is not None and _current_version(out) == version:
                self.path, self._handle = version, handle
                return
            if handle is not None:
                handle.close()
        self.path = _current_version(out) or out  # a writer switching all the time: read unheld

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None

    def __enter__(self) -> "Reading":
        return self

    def __exit__(self, *_) -> None:
        self.close()


def _current_version(out: Path) -> Path | None:
    link = out / CURRENT
    if not link.is_symlink():
        return None
    return out / os.readlink(link)


def _hold(version: Path):
    """A shared lock on `version` (the open file), None when it is gone or being removed, False
    when it has no readers' file (an older store)."""
    try:
        handle = open(version / READERS, "rb")
    except FileNotFoundError:
        return False if version.is_dir() else None
    try:
        import fcntl

        fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:  # a writer is removing it: it is not current any more
        handle.close()
        return None
    except ImportError:
        pass
    return handle


def exists(out: Path) -> bool:
    return all((Path(out) / f).exists() for f in FILES.values())


def load(out: Path) -> Tables:
    """The three tables, all of one version."""
    out = Path(out)
    missing = [f for f in FILES.values() if not (out / f).exists()]
    if missing:
        raise FileNotFoundError(f"{out}: no ETL output ({', '.join(missing)} missing); run `python -m etl run --out {out}`")
    with Reading(out) as reading:
        version = reading.path
        return Tables(
            read_mentions(version),
            schema.coerce(pd.read_parquet(version / FILES["documents"]), schema.DOCUMENT_COLUMNS),
            schema.coerce(pd.read_parquet(version / FILES["errors"]), schema.ERROR_COLUMNS),
        )


def mentions_dataset(out: Path, langs: Iterable[str] | None = None) -> pads.Dataset:
    """The mentions table as a pyarrow dataset; with `langs`, only the part files of those
    languages (the others are not even opened). The files are those of the version current now
    (a `Reading`'s path keeps them from being deleted while the dataset is scanned)."""
    out = Path(out)
    files = _part_files((_current_version(out) or out) / FILES["mentions"])
    if langs is not None and files and files[0].name != FILES["mentions"]:
        wanted = {_part_lang(lang) for lang in langs}
        files = [f for f in files if f.name.split("-", 1)[0] in wanted]
    return pads.dataset([str(f) for f in files], format="parquet", schema=MENTIONS_SCHEMA)


def mentions_filter(langs=None, kinds=None, since: date | None = None, until: date | None = None) -> pads.Expression | None:
    """A pyarrow filter for the mentions table (row groups whose statistics rule it out are skipped)."""
    conditions = []
    if langs is not None:
        conditions.append(pads.field("lang").isin(list(langs)))
    if kinds is not None:
        conditions.append(pads.field("kind").isin(list(kinds)))
    if since is not None:
        conditions.append(pads.field("published") >= pa.scalar(pd.Timestamp(since).as_unit("ns"), pa.timestamp("ns")))
    if until is not None:
        conditions.append(pads.field("published") <= pa.scalar(pd.Timestamp(until).as_unit("ns"), pa.timestamp("ns")))
    expression = None
    for condition in conditions:
        expression = condition if expression is None else expression & condition
    return expression


def read_mentions(out: Path, columns: list[str] | None = None, langs=None, kinds=None, since=None, until=None) -> pd.DataFrame:
    """Mentions rows (the contract's dtypes) of the current version, reading only what the
    filters can match."""
    with Reading(out) as reading:
        dataset = mentions_dataset(reading.path, langs)
        table = dataset.to_table(columns=columns, filter=mentions_filter(langs, kinds, since, until))
    wanted = {c: t for c, t in schema.MENTION_COLUMNS.items() if columns is None or c in columns}
    return schema.coerce(table.to_pandas(), wanted)


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
