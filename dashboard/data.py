"""Locating, loading and merging the dataset the dashboard shows. No Streamlit here.

Where the data comes from, first match wins:
1. ``streamlit run dashboard/app.py -- --data DIR``
2. the environment variable ``AI_TRENDS_DATA=DIR``
3. the seed corpus (``etl.paths.SEEDS_DIR``), run through the ETL once into a cache directory
   (``$AI_TRENDS_CACHE``, else ``$XDG_CACHE_HOME/ai-trends``, else ``~/.cache/ai-trends``, else
   a temporary directory) and reused while the seeds and the ETL code are unchanged.

DIR is an ETL output directory: ``mentions.parquet`` (required; a folder of part files, or one
file), ``documents.parquet`` and ``errors.parquet`` (optional), as written by
``python -m etl run CORPUS --out DIR`` (see etl/store.py).

Loading reads low-cardinality text columns straight into pandas categoricals (Parquet
dictionary decoding), which is several times faster than ``read_parquet`` followed by
``astype("category")`` and makes every filter and group-by on them a comparison of integer codes.
The long text columns (sentence, text) and the per-row details no filter or chart reads (title,
url, where the date came from, the extractor, the exchange rate's source, the end offset, the
money columns the funding events are made of) are read in a background thread, so the first
page does not wait for them, and a filter copies only the columns its view is read for (see
Dataset).

A store over TEXT_IN_MEMORY_ROWS rows is opened in two steps (`open_store`): its first page, the
Overview without filters, is counted in SQL over the part files (dashboard/overview.py), and the
rows are read in a background thread meanwhile; every other view waits for them.
"""
from __future__ import annotations

import argparse
import hashlib
import tempfile
import weakref
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from functools import cached_property
from datetime import date
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from dashboard.summaries import choices, funding_table, published_bounds
from dashboard.uploads import UploadFailed  # noqa: F401  (the app catches it)
from etl import events as etl_events
from etl import query as etl_query
from etl import schema
from etl import store as etl_store
from etl.export import to_csv_bytes

ENV_DATA = "AI_TRENDS_DATA"
ENV_READ_ONLY = "AI_TRENDS_READ_ONLY"
ENV_CACHE = "AI_TRENDS_CACHE"
ENV_MAX_FILE_MB = "AI_TRENDS_MAX_FILE_MB"
ENV_LANGS, ENV_SINCE, ENV_UNTIL = "AI_TRENDS_LANGS", "AI_TRENDS_SINCE", "AI_TRENDS_UNTIL"
ENV_SHARED = "AI_TRENDS_SHARED_UPLOADS"  # 1: uploads go into the server's store; 0: never
DEFAULT_MAX_FILE_MB = 10  # per uploaded file; server.maxUploadSize (20 MB) is the outer limit

FILES = etl_store.FILES
COLUMNS = {"mentions": schema.MENTION_COLUMNS, "documents": schema.DOCUMENT_COLUMNS, "errors": schema.ERROR_COLUMNS}
# text columns with few distinct values (or values repeated on many rows) -> categorical
CATEGORICAL = {
    "mentions": (
        "doc_id", "source", "lang", "published_from", "kind", "entity", "company", "license", "license_from",
        "currency", "money_type", "round", "investor", "date", "date_grain", "extractor", "published_grain", "title", "url",
        "family", "investors", "event_id", "fx_date", "fx_from",  # mostly null: as text, every filter would copy them whole
    ),
    "documents": ("lang", "lang_from", "published_from", "published_grain", "site"),
    "errors": (),
}


class DataUnavailable(Exception):
    """The dataset cannot be loaded; the message is meant for the person looking at the page."""


# Read in the background, never needed by filters and charts: long text, details shown for rows,
# and the money columns only the dataset's funding events read (computed once, from whole rows).
HEAVY = ("sentence", "text", "title", "url", "published_from", "extractor", "fx_date", "fx_from", "end",
         "amount", "amount_upper", "currency", "round", "investor", "investors", "date", "date_grain")
TEXT_IN_MEMORY_ROWS = 2_000_000  # larger stores leave the HEAVY columns in their part files (ColumnsOnDisk)
_BACKGROUND = ThreadPoolExecutor(max_workers=2, thread_name_prefix="ai-trends-load")


class LazyColumns:
    """Columns of the mentions table that are read in a background thread (pyarrow decodes without
    holding the GIL), so the first page can be computed meanwhile; `.frame()` waits for them."""

    def __init__(self, source: pd.DataFrame | Callable[[], pd.DataFrame]):
        self._future: Future = Future()
        if isinstance(source, pd.DataFrame):
            self._future.set_result(source)
        else:
            self._future = _BACKGROUND.submit(source)

    def frame(self) -> pd.DataFrame:
        try:
            return self._future.result()
        except Exception as exc:
            raise DataUnavailable(f"could not read the sentences ({type(exc).__name__}: {exc})") from exc

    def take(self, positions: np.ndarray) -> pd.DataFrame:
        """The rows at `positions` (of the light frame, which has the same rows in the same order)."""
        return self.frame().iloc[positions]

    def ready(self) -> None:
        self.frame()


class ColumnsOnDisk:
    """The HEAVY columns of a large store, left in its part files and read per request (a page of
    the table, a drill-down's sentences, the money rows once for the funding events) through the
    query layer (etl.query.rows_at): at 10 million rows the sentences alone would take ~3 GB.
    The store version they come from is held (etl.store.Reading) while this object lives."""

    def __init__(self, files: Sequence[str], located: np.ndarray | None, columns: Sequence[str], reading: etl_store.Reading):
        metadata = [pq.read_metadata(f) for f in files]  # each part file's rows and columns (its footer only)
        self._files, self._located = list(files), located
        self._offsets = np.cumsum([0] + [m.num_rows for m in metadata], dtype=np.int64)
        self._present = [set(m.schema.names) for m in metadata]
        self._schema = {c: COLUMNS["mentions"][c] for c in columns}
        weakref.finalize(self, reading.close)

    def take(self, positions: np.ndarray) -> pd.DataFrame:
        """The rows at `positions` of the light frame. `located` maps a light row to its place in
        the part files read one after the other (None: the same, nothing was left out by a scope)."""
        at = np.asarray(positions, dtype=np.int64)
        where = self._located[at] if self._located is not None else at
        distinct, back = np.unique(where, return_inverse=True)
        file_of = np.searchsorted(self._offsets, distinct, side="right") - 1
        pieces = []
        for k in np.unique(file_of):  # ascending, so the pieces come in the order of `distinct`
            wanted = [c for c in self._schema if c in self._present[k]]
            try:
                table = etl_query.rows_at(self._files[k], distinct[file_of == k] - self._offsets[k], wanted)
            except Exception as exc:
                raise DataUnavailable(f"could not read the sentences ({type(exc).__name__}: {exc})") from exc
            pieces.append(_frame(table, self._schema, "mentions", categorical=False))
        if not pieces:
            return _frame(pa.table({}), self._schema, "mentions")
        whole = pd.concat(pieces, ignore_index=True) if len(pieces) > 1 else pieces[0]
        return optimise(whole.iloc[back].reset_index(drop=True), "mentions")

    def ready(self) -> None:
        """Nothing to wait for: every request reads what it needs."""


@dataclass(frozen=True)
class Dataset:
    """The three tables. The mentions table is kept in two parts with the same index: `light`
    (every column filters and charts read, loaded first) and `text` (the long texts and row details
    of HEAVY, loaded in the background). `rows(index)` and `mentions` put them together."""

    light: pd.DataFrame
    text: LazyColumns | ColumnsOnDisk
    documents: pd.DataFrame
    errors: pd.DataFrame
    origin: str = ""  # human-readable: where the data came from
    uploads: tuple[str, ...] = field(default=())  # names of uploaded files merged in
    funding: pd.DataFrame | None = None  # the store's funding.parquet, when it holds every event of these rows

    @classmethod
    def of(cls, mentions: pd.DataFrame, documents: pd.DataFrame, errors: pd.DataFrame, origin: str = "",
           uploads: tuple[str, ...] = ()) -> "Dataset":
        """From a whole mentions table (any dtypes of the schema)."""
        mentions = optimise(mentions, "mentions")
        heavy = [c for c in HEAVY if c in mentions.columns]
        return cls(mentions.drop(columns=heavy), LazyColumns(mentions[heavy]), optimise(documents, "documents"),
                   errors, origin, uploads)

    @classmethod
    def empty(cls, origin: str = "") -> "Dataset":
        return cls.of(schema.mentions_frame([]), schema.documents_frame([]), schema.errors_frame([]), origin)

    def rows(self, index) -> pd.DataFrame:
        """Whole mentions-table rows (the contract's columns, in order) for index labels of `light`."""
        positions = self.light.index.get_indexer(pd.Index(index))
        if (positions < 0).any():
            raise KeyError(f"{int((positions < 0).sum())} of the rows asked for are not in the dataset")
        light = self.light.iloc[positions]
        text = self.text.take(positions).set_axis(light.index)
        whole = pd.concat([light, text], axis=1)
        return whole[[c for c in schema.MENTION_COLUMNS if c in whole.columns]]

    @cached_property
    def events(self) -> pd.DataFrame:
        """The funding events of every money row (etl.events.events_table): the store's
        funding.parquet when it covers these rows (no scope, no uploads), else computed once, on
        first use (the Funding tab, an entity page; 1 M money rows ~10 s); `data.prepare` gives
        the rows their ids."""
        if self.funding is not None:  # what the ETL computed from the same rows (a whole store, as written)
            table = self.funding
        else:
            money = self.rows(self.light.index[(self.light["kind"] == "money").to_numpy(dtype=bool, na_value=False)])
            table = etl_events.events_table(etl_events.event_columns(money))
        return table.set_axis(pd.Index(table["event_id"].astype(str)), axis=0)  # looked up by id on every view

    @property
    def mentions(self) -> pd.DataFrame:
        """The whole mentions table (waits for the background columns)."""
        return self.rows(self.light.index)


# --- where --------------------------------------------------------------------------------------

def data_dir_argument(argv: Sequence[str]) -> Path | None:
    """``--data DIR`` from the script's arguments (what follows ``--`` in ``streamlit run``)."""
    parser = argparse.ArgumentParser(add_help=False, allow_abbrev=False, exit_on_error=False)
    parser.add_argument("--data")
    try:
        known, _ = parser.parse_known_args(list(argv))
    except (argparse.ArgumentError, SystemExit):  # e.g. "--data" without a value: as if not given
        return None
    return Path(known.data).expanduser() if known.data else None


@dataclass(frozen=True)
class Scope:
    """The part of a store a dashboard serves (e.g. a desk that follows Arabic news since 2024).
    It is applied while reading: other languages' part files and row groups outside the dates
    are never read, so a hosted dashboard over a large store holds only its share in memory."""

    langs: tuple[str, ...] | None = None
    since: date | None = None
    until: date | None = None

    def __bool__(self) -> bool:
        return bool(self.langs or self.since or self.until)

    def selection(self) -> etl_query.Selection:
        """The scope as the project's one filter (rows of undated documents are outside a date range)."""
        return etl_query.Selection(langs=self.langs or (), since=self.since, until=self.until)

    def describe(self) -> str:
        parts = [", ".join(self.langs)] if self.langs else []
        parts += [f"from {self.since}"] if self.since else []
        parts += [f"until {self.until}"] if self.until else []
        return "; ".join(parts)


def scope(argv: Sequence[str], environ: Mapping[str, str]) -> Scope:
    """``--lang ar,hi --since 2024-01-01 --until …`` after ``--`` in ``streamlit run``, else
    AI_TRENDS_LANGS / AI_TRENDS_SINCE / AI_TRENDS_UNTIL. Unreadable values are ignored."""
    parser = argparse.ArgumentParser(add_help=False, allow_abbrev=False, exit_on_error=False)
    for option in ("--lang", "--since", "--until"):
        parser.add_argument(option)
    try:
        known, _ = parser.parse_known_args(list(argv))
    except (argparse.ArgumentError, SystemExit):
        known = argparse.Namespace(lang=None, since=None, until=None)
    langs = known.lang or environ.get(ENV_LANGS, "")
    codes = tuple(sorted({c.strip().lower() for c in langs.split(",") if c.strip()})) or None
    return Scope(codes, _day(known.since or environ.get(ENV_SINCE)), _day(known.until or environ.get(ENV_UNTIL)))


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value.strip()) if value else None
    except ValueError:
        return None


def data_dir(argv: Sequence[str], environ: Mapping[str, str]) -> Path | None:
    """The explicitly chosen data directory, or None for the default (the seeds)."""
    chosen = data_dir_argument(argv)
    if chosen is None and environ.get(ENV_DATA):
        chosen = Path(environ[ENV_DATA]).expanduser()
    return chosen


def read_only(environ: Mapping[str, str]) -> bool:
    return environ.get(ENV_READ_ONLY, "").strip().lower() in {"1", "true", "yes", "on"}


def max_file_bytes(environ: Mapping[str, str]) -> int:
    try:
        mb = float(environ.get(ENV_MAX_FILE_MB, DEFAULT_MAX_FILE_MB))
    except ValueError:
        mb = DEFAULT_MAX_FILE_MB
    return int(mb * 1024 * 1024)


def cache_root(environ: Mapping[str, str]) -> Path:
    """A writable directory for the ETL'd seeds."""
    candidates = []
    if environ.get(ENV_CACHE):
        candidates.append(Path(environ[ENV_CACHE]).expanduser())
    if environ.get("XDG_CACHE_HOME"):
        candidates.append(Path(environ["XDG_CACHE_HOME"]).expanduser() / "ai-trends")
    candidates.append(Path.home() / ".cache" / "ai-trends")
    candidates.append(Path(tempfile.gettempdir()) / "ai-trends")
    for path in candidates:
        try:
            path.mkdir(parents=True, exist_ok=True)
            probe = path / ".write-probe"
            probe.write_bytes(b"")
            probe.unlink()
            return path
        except OSError:
            continue
    raise DataUnavailable("no writable cache directory for the default data; set AI_TRENDS_DATA to an ETL output")


def signature(store: Path) -> tuple[tuple[str, int, int], ...]:
    """(file, mtime_ns, size) of the store files: the cache key that changes when the ETL rewrites them."""
    out = []
    for filename in FILES.values():
        try:
            st = (Path(store) / filename).stat()
            out.append((filename, st.st_mtime_ns, st.st_size))
        except OSError:
            out.append((filename, 0, 0))
    return tuple(out)


def _fingerprint(*folders: Path) -> str:
    digest = hashlib.sha1()
    for folder in folders:
        for path in sorted(p for p in Path(folder).rglob("*") if p.is_file() and "__pycache__" not in p.parts):
            st = path.stat()
            digest.update(f"{path.relative_to(folder)}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:12]


def default_store(environ: Mapping[str, str]) -> Path:
    """The seeds run through the ETL, cached on disk per (seeds, ETL code) version."""
    try:
        import etl
        from etl.paths import SEEDS_DIR
    except Exception as exc:  # the ETL is developed alongside; say what is missing
        raise DataUnavailable(f"the ETL package could not be imported ({exc}); set AI_TRENDS_DATA to an ETL output") from exc
    out = cache_root(environ) / f"seeds-{_fingerprint(Path(SEEDS_DIR), Path(etl.__file__).parent)}"
    if not (out / FILES["mentions"]).exists():
        try:
            etl.run_corpus(SEEDS_DIR, out)
        except Exception as exc:
            raise DataUnavailable(f"running the ETL on the seed corpus failed: {exc}") from exc
    return out


# --- load ---------------------------------------------------------------------------------------

def optimise(df: pd.DataFrame, table: str) -> pd.DataFrame:
    """Low-cardinality text columns as categoricals (already-categorical ones are left alone).
    A new frame that shares the columns it leaves as they are (a store read straight into
    categoricals is not copied: at 10 M rows that copy alone took 1.5 s)."""
    out = df.copy(deep=False)
    for col in CATEGORICAL[table]:
        if col in out.columns and not isinstance(out[col].dtype, pd.CategoricalDtype):
            out[col] = out[col].astype("category")
    return out


def to_schema(df: pd.DataFrame, table: str = "mentions") -> pd.DataFrame:
    """The contract's columns, order and dtypes again (categoricals back to text), e.g. for CSV."""
    columns = COLUMNS[table]
    out = pd.DataFrame(index=df.index)
    for col, dtype in columns.items():
        series = df[col] if col in df.columns else pd.Series(pd.NA, index=df.index)
        if dtype.startswith("datetime"):
            out[col] = pd.to_datetime(series, errors="coerce")
        else:
            out[col] = series.astype(dtype)
    return out.reset_index(drop=True)


class _Arrow(NamedTuple):
    """One table of the store as read: the Arrow table, the files it came from (in order) and,
    when a scope left rows out, where each kept row sits in those files read one after the other."""

    table: pa.Table
    files: list[str]
    located: np.ndarray | None


def _read_arrow(path: Path, table: str, columns: Mapping[str, str], scope: Scope = Scope()) -> _Arrow:
    files = [str(f) for f in etl_store.part_files(path, scope.langs)] if table == "mentions" else [str(path)]
    selection = scope.selection() if table == "mentions" and scope else None
    if not files:  # no part file of these languages
        return _Arrow(pa.table({}), [], None)
    categorical = [c for c in CATEGORICAL[table] if c in columns]
    dataset = pq.ParquetDataset(files if table == "mentions" else files[0], read_dictionary=categorical, memory_map=True)
    names = set(dataset.schema.names)
    wanted = [c for c in columns if c in names]
    arrow = dataset.read(columns=wanted + [c for c in ("lang", "published") if selection and c not in wanted])
    located = None
    if selection:  # the dates are the one filter's (etl.query)
        keep = etl_query.mask(arrow.select(["lang", "published"]).to_pandas(), selection)
        arrow = arrow.filter(pa.array(keep)).select(wanted)
        located = np.flatnonzero(keep).astype(np.int64)
    return _Arrow(arrow, files, located)


def _frame(arrow: pa.Table, columns: Mapping[str, str], table: str, categorical: bool = True) -> pd.DataFrame:
    """Arrow columns as the dashboard holds them: the schema's columns in order, low-cardinality
    text as categoricals, columns an older store lacks added empty."""
    for i, f in enumerate(arrow.schema):  # long text: one chunk per column makes taking rows ~100x faster than across chunks
        if pa.types.is_string(f.type) or pa.types.is_large_string(f.type):
            arrow = arrow.set_column(i, f, arrow.column(i).combine_chunks())
    frame = arrow.to_pandas(split_blocks=True, self_destruct=True)  # no block consolidation: several times faster
    for col, dtype in columns.items():
        if col not in frame.columns:  # an older store without a newer column: add it empty
            frame[col] = pd.Series(pd.NA, index=frame.index, dtype="datetime64[ns]" if dtype.startswith("datetime") else dtype)
        elif dtype.startswith("datetime"):
            if not pd.api.types.is_datetime64_any_dtype(frame[col]):
                frame[col] = pd.to_datetime(frame[col], errors="coerce")
        elif col not in CATEGORICAL[table] and str(frame[col].dtype) != dtype:
            frame[col] = frame[col].astype(dtype)  # types Parquet could not carry (e.g. an all-null column)
    frame = frame[list(columns)]
    return optimise(frame, table) if categorical else frame


def _columns(table: str, exclude: Sequence[str] = (), only: Sequence[str] | None = None) -> dict[str, str]:
    return {c: t for c, t in COLUMNS[table].items() if c not in exclude and (only is None or c in only)}


def _read(path: Path, table: str, exclude: Sequence[str] = (), only: Sequence[str] | None = None,
          scope: Scope = Scope()) -> pd.DataFrame:
    """One table of the store with the schema's columns (those in `only`, minus `exclude`) in
    order; low-cardinality text read straight into categoricals; columns an older store lacks
    added empty. For the mentions table, `scope` is pushed down to the part files and row groups."""
    columns = _columns(table, exclude, only)
    return _frame(_read_arrow(path, table, columns, scope).table, columns, table)


def read_store(store: Path, origin: str | None = None, scope: Scope = Scope(),
               text_in_memory_rows: int | None = None, small_tables: "SmallTables | None" = None) -> Dataset:
    """The three tables of an ETL output directory (only what `scope` covers). The mentions
    table's HEAVY columns are read in the background when it has at most `text_in_memory_rows`
    rows (default TEXT_IN_MEMORY_ROWS), else left in the part files and read per request (ColumnsOnDisk); the rest is ready
    when this returns. `origin` names the data for people (default: the directory).
    `small_tables`: the documents and errors already read (open_store), kept rather than read again."""
    store = Path(store)
    if not (store / FILES["mentions"]).exists():
        if not store.exists():
            raise DataUnavailable(f"{store} does not exist")
        raise DataUnavailable(
            f"{store} holds no {FILES['mentions']}; create it with `python -m etl run CORPUS --out {store}`"
        )
    # One version for every table and column: an ETL run that switches meanwhile neither mixes
    # its rows in nor deletes this one before the background read is done.
    reading = etl_store.Reading(store)
    version = reading.path
    path = version / FILES["mentions"]

    def heavy() -> pd.DataFrame:
        try:
            return _read(path, "mentions", only=HEAVY, scope=scope)
        finally:
            reading.close()

    try:
        columns = _columns("mentions", exclude=HEAVY)
        read = _read_arrow(path, "mentions", columns, scope)
        light = _frame(read.table, columns, "mentions")
        other = (small_tables or _small_tables(version, scope))._asdict()
        funding = version / etl_store.FUNDING
        if not scope and funding.is_file():  # a scope keeps some of the events' reports only: computed from its rows
            other["funding"] = schema.coerce(pd.read_parquet(funding), schema.FUNDING_COLUMNS)
    except Exception as exc:
        reading.close()
        raise DataUnavailable(f"{store}: could not read the ETL output ({type(exc).__name__}: {exc})") from exc
    if len(light) > (TEXT_IN_MEMORY_ROWS if text_in_memory_rows is None else text_in_memory_rows):
        text = ColumnsOnDisk(read.files, read.located, [c for c in HEAVY if c in COLUMNS["mentions"]], reading)
    else:
        text = LazyColumns(heavy)
    return Dataset(light, text, other["documents"], other["errors"], origin=origin or str(store), funding=other.get("funding"))


class Opening:
    """A store being opened. For a store over TEXT_IN_MEMORY_ROWS rows, `first_page`
    (dashboard.overview.FirstPage: what its first page shows, from SQL) with the `documents` and
    `errors` tables it needs, while `prepared()` loads in the background; for a smaller one these
    are None, and `prepared()` is ready."""

    def __init__(self, future: Future, first_page=None, documents: pd.DataFrame | None = None,
                 errors: pd.DataFrame | None = None, origin: str = ""):
        self._future, self.first_page, self.documents, self.errors, self.origin = future, first_page, documents, errors, origin

    def ready(self) -> bool:
        return self._future.done()

    def prepared(self) -> "Prepared":
        """The loaded dataset (waits for it); raises what loading raised (read_store: DataUnavailable)."""
        return self._future.result()


_OPENING = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ai-trends-open")


def open_store(store: Path, scope: Scope, load: Callable[[SmallTables | None], "Prepared"], origin: str = "") -> Opening:
    """`load(small_tables)` (read_store and prepare): now for a store of at most
    TEXT_IN_MEMORY_ROWS rows under `scope` (given None); for a larger one in the background,
    after its first page is computed in SQL (dashboard.overview.first_page: ~1.1-1.4 s at 10 M
    rows, where loading takes 6-10 s), given the documents and errors that page read, so that
    they are held once."""
    from dashboard import overview

    query, page, small = None, None, None
    try:
        if not (Path(store) / FILES["mentions"]).exists():
            raise FileNotFoundError(store)  # load() says what is missing
        # the part files' footers first (a scope only takes rows away): a small store opens no database
        if sum(pq.read_metadata(f).num_rows for f in etl_store.part_files(Path(store) / FILES["mentions"])) > TEXT_IN_MEMORY_ROWS:
            query = etl_query.Query(Path(store), scope.selection())
            if not scope or query.count() > TEXT_IN_MEMORY_ROWS:  # the footers' count is the scope's
                small = _small_tables(query.version, scope)
                page = overview.first_page(query) if len(small.documents) else None  # its dates come from the documents
    except FileNotFoundError:
        page = None  # no store here: load() says so
    except Exception as exc:
        raise DataUnavailable(f"{store}: could not read the ETL output ({type(exc).__name__}: {exc})") from exc
    finally:
        if query is not None:
            query.close()
    if page is None:
        future: Future = Future()
        future.set_result(load(None))
        return Opening(future)
    return Opening(_OPENING.submit(load, small), page, small.documents, small.errors, origin)


class SmallTables(NamedTuple):
    documents: pd.DataFrame  # under the scope
    errors: pd.DataFrame


def _small_tables(version: Path, scope: Scope) -> SmallTables:
    """The documents (those `scope` covers) and errors tables of one store version."""
    def read(table: str) -> pd.DataFrame:
        return _read(version / FILES[table], table) if (version / FILES[table]).is_file() else getattr(Dataset.empty(), table)

    return SmallTables(_in_scope(read("documents"), scope), read("errors"))


def _in_scope(documents: pd.DataFrame, scope: Scope) -> pd.DataFrame:
    if not scope:
        return documents
    return documents[etl_query.mask(documents, scope.selection().documents())].reset_index(drop=True)


# --- uploads ------------------------------------------------------------------------------------

def extract_uploads(files: list[tuple[str, bytes]]):
    """The ETL over uploaded (name, bytes); returns its Tables (bad files are rows of .errors).
    It runs in a child process with a time budget per document and per upload (see uploads.py),
    so one upload never freezes the other sessions."""
    from dashboard.uploads import extract_in_worker

    return extract_in_worker(files)


def shared_uploads(hosted: bool, store: Path | None, environ: Mapping[str, str]) -> bool:
    """Whether an upload goes through the ETL into the server's store, for everyone (hosted
    with sign-in, or AI_TRENDS_SHARED_UPLOADS=1), rather than into the uploader's session only.
    Never into the cached seeds (no --data), and never with AI_TRENDS_SHARED_UPLOADS=0."""
    flag = environ.get(ENV_SHARED, "").strip().lower()
    if store is None or flag in {"0", "false", "no", "off"}:
        return False
    return hosted or flag in {"1", "true", "yes", "on"}


def add_uploads(files: list[tuple[str, bytes]], store: Path, added_by: str | None, on_progress=None):
    """The real incremental ETL of uploaded files into the shared store, in a worker process,
    under the store's lock; returns the added Tables (see uploads.add_in_worker)."""
    from dashboard.uploads import add_in_worker

    return add_in_worker(files, store, added_by, on_progress)


def merge(base: Dataset, extra, names: Sequence[str] = ()) -> Dataset:
    """`extra` (anything with .mentions/.documents/.errors) added to `base` by etl.store.merge
    (a document already present, same doc_id, is not added twice), categoricals restored."""
    from etl.store import Tables
    from etl.store import merge as store_merge

    def tables(d) -> Tables:
        return Tables(*(to_schema(getattr(d, name), name) for name in FILES))

    merged = store_merge(tables(base), tables(extra))
    return Dataset.of(merged.mentions, merged.documents, merged.errors, origin=base.origin,
                      uploads=base.uploads + tuple(names))


def _size(n: float) -> str:
    if n >= 2**20 / 10:
        return f"{n / 2**20:.1f} MB"
    return f"{n / 2**10:.1f} KB" if n >= 2**10 else f"{int(n)} bytes"


def check_upload_sizes(files: Sequence[tuple[str, int]], limit: int) -> list[str]:
    """One message per (name, size) over the per-file limit."""
    return [
        f"{name} is {_size(size)}; the limit is {_size(limit)} per file. Split it, or run "
        f"`python -m etl run CORPUS --out DIR` and start the dashboard with `-- --data DIR`."
        for name, size in files
        if size > limit
    ]


# --- views and exports --------------------------------------------------------------------------

class Prepared(NamedTuple):
    """A dataset with what every page view needs from it, computed once."""

    dataset: Dataset
    light: pd.DataFrame  # mentions without the background columns (dataset.light)
    choices: dict[str, list[str] | None]  # values of the multi-select filters (summaries.choices)
    bounds: tuple[date, date] | None  # first and last publication day, None when nothing is dated


def prepare(dataset: Dataset) -> Prepared:
    """Once per dataset (per process, and per session's uploads): funding event ids where rows
    lack them, the filter choices and the date range."""
    light = dataset.light
    if not light.empty and (dataset.uploads or _missing_ids(light)):
        money = light.index[(light["kind"] == "money").to_numpy(dtype=bool, na_value=False)]
        ids = pd.Series(pd.NA, index=light.index, dtype="string")
        ids.loc[money] = etl_events.with_event_ids(dataset.rows(money))["event_id"]  # from whole rows
        light = light.assign(event_id=ids.astype("category"))
        dataset = replace(dataset, light=light, funding=None)  # new ids: the events are computed from them
    return Prepared(dataset, light, choices(light), published_bounds(light))


def _missing_ids(light: pd.DataFrame) -> bool:
    if "event_id" not in light.columns:
        return True
    eligible = ((light["kind"] == "money") & light["money_type"].isin(etl_events.EVENT_TYPES)
                & light["company"].notna() & light["amount_usd"].notna())
    return bool((eligible & light["event_id"].isna()).to_numpy(dtype=bool, na_value=False).any())


def with_event_ids(rows: pd.DataFrame) -> pd.DataFrame:
    """`rows` (whole mentions rows) themselves when every funding row has its event id, else a
    copy with the ids of the ETL's merge rule over all its money rows (etl.events.with_event_ids).
    `prepare` does the same for a dataset, from whole rows of its money."""
    if rows.empty or not _missing_ids(rows):
        return rows
    return etl_events.with_event_ids(rows)


SPREADSHEET_ROWS = 1_048_575  # rows below the header in one Excel sheet: the dashboard offers no larger CSV


def mentions_csv(rows: pd.DataFrame) -> bytes:
    """CSV of mentions-table rows: the contract's columns in order, UTF-8 with BOM, formulas neutralised."""
    return to_csv_bytes(to_schema(rows, "mentions"))


def funding_csv(rows: pd.DataFrame) -> bytes:
    """CSV of the funding table (every money row of `rows`), as shown on the Funding tab."""
    return to_csv_bytes(funding_table(rows))
