"""Locating, loading and merging the dataset the dashboard shows. No Streamlit here.

Where the data comes from, first match wins:
1. ``streamlit run dashboard/app.py -- --data DIR``
2. the environment variable ``AI_TRENDS_DATA=DIR``
3. the seed corpus (``etl.paths.SEEDS_DIR``), run through the ETL once into a cache directory
   (``$AI_TRENDS_CACHE``, else ``$XDG_CACHE_HOME/ai-trends``, else ``~/.cache/ai-trends``, else
   a temporary directory) and reused while the seeds and the ETL code are unchanged.

DIR is an ETL output directory: ``mentions.parquet`` (required), ``documents.parquet`` and
``errors.parquet`` (optional), as written by ``python -m etl run CORPUS --out DIR``.

Loading reads low-cardinality text columns straight into pandas categoricals (Parquet
dictionary decoding), which is several times faster than ``read_parquet`` followed by
``astype("category")`` and makes every filter and group-by on them a comparison of integer codes.
"""
from __future__ import annotations

import argparse
import hashlib
import os
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

from dashboard.summaries import funding_table
from etl import schema
from etl.export import to_csv_bytes

ENV_DATA = "AI_TRENDS_DATA"
ENV_READ_ONLY = "AI_TRENDS_READ_ONLY"
ENV_CACHE = "AI_TRENDS_CACHE"
ENV_MAX_FILE_MB = "AI_TRENDS_MAX_FILE_MB"
DEFAULT_MAX_FILE_MB = 10  # per uploaded file; server.maxUploadSize (20 MB) is the outer limit

FILES = {"mentions": "mentions.parquet", "documents": "documents.parquet", "errors": "errors.parquet"}
COLUMNS = {"mentions": schema.MENTION_COLUMNS, "documents": schema.DOCUMENT_COLUMNS, "errors": schema.ERROR_COLUMNS}
# text columns with few distinct values (or values repeated on many rows) -> categorical
CATEGORICAL = {
    "mentions": (
        "doc_id", "source", "lang", "published_from", "kind", "entity", "company", "license", "license_from",
        "currency", "money_type", "round", "investor", "date", "date_grain", "extractor",
    ),
    "documents": ("lang", "lang_from", "published_from"),
    "errors": (),
}


class DataUnavailable(Exception):
    """The dataset cannot be loaded; the message is meant for the person looking at the page."""


@dataclass(frozen=True)
class Dataset:
    mentions: pd.DataFrame
    documents: pd.DataFrame
    errors: pd.DataFrame
    origin: str = ""  # human-readable: where the data came from
    uploads: tuple[str, ...] = field(default=())  # names of uploaded files merged in

    @classmethod
    def empty(cls, origin: str = "") -> "Dataset":
        return cls(optimise(schema.mentions_frame([]), "mentions"), optimise(schema.documents_frame([]), "documents"),
                   schema.errors_frame([]), origin)


# --- where --------------------------------------------------------------------------------------

def data_dir_argument(argv: Sequence[str]) -> Path | None:
    """``--data DIR`` from the script's arguments (what follows ``--`` in ``streamlit run``)."""
    parser = argparse.ArgumentParser(add_help=False, allow_abbrev=False)
    parser.add_argument("--data")
    known, _ = parser.parse_known_args(list(argv))
    return Path(known.data).expanduser() if known.data else None


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
    if not (out / FILES["mentions"]).is_file():
        try:
            etl.run_corpus(SEEDS_DIR, out)
        except Exception as exc:
            raise DataUnavailable(f"running the ETL on the seed corpus failed: {exc}") from exc
    return out


# --- load ---------------------------------------------------------------------------------------

def optimise(df: pd.DataFrame, table: str) -> pd.DataFrame:
    """Low-cardinality text columns as categoricals (already-categorical ones are left alone)."""
    out = df.copy()
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


def _read(path: Path, table: str) -> pd.DataFrame:
    columns = COLUMNS[table]
    names = set(pq.read_schema(path).names)
    missing = [c for c in columns if c not in names]
    frame = pq.read_table(path, read_dictionary=[c for c in CATEGORICAL[table] if c in names]).to_pandas()
    for col in missing:  # an older store without a newer column: add it empty
        frame[col] = pd.Series(pd.NA, index=frame.index, dtype=columns[col] if not columns[col].startswith("datetime") else "datetime64[ns]")
    frame = frame[list(columns)]
    for col, dtype in columns.items():  # types Parquet could not carry (e.g. an all-null column)
        if dtype.startswith("datetime"):
            if not pd.api.types.is_datetime64_any_dtype(frame[col]):
                frame[col] = pd.to_datetime(frame[col], errors="coerce")
        elif col not in CATEGORICAL[table] and str(frame[col].dtype) != dtype:
            frame[col] = frame[col].astype(dtype)
    return optimise(frame, table)


def read_store(store: Path) -> Dataset:
    """The three tables of an ETL output directory, with categoricals for the low-cardinality columns."""
    store = Path(store)
    if not (store / FILES["mentions"]).is_file():
        if not store.exists():
            raise DataUnavailable(f"{store} does not exist")
        raise DataUnavailable(
            f"{store} holds no {FILES['mentions']}; create it with `python -m etl run CORPUS --out {store}`"
        )
    try:
        tables = {}
        for table, filename in FILES.items():
            path = store / filename
            tables[table] = _read(path, table) if path.is_file() else getattr(Dataset.empty(), table)
    except DataUnavailable:
        raise
    except Exception as exc:
        raise DataUnavailable(f"{store}: could not read the ETL output ({type(exc).__name__}: {exc})") from exc
    return Dataset(tables["mentions"], tables["documents"], tables["errors"], origin=str(store))


# --- uploads ------------------------------------------------------------------------------------

def extract_uploads(files: list[tuple[str, bytes]], progress=None):
    """The ETL over uploaded (name, bytes); returns its Tables (bad files are rows of .errors)."""
    import etl

    if progress is None:
        return etl.extract_uploads(files)
    return etl.extract_uploads(files, progress=progress)


def merge(base: Dataset, extra, names: Sequence[str] = ()) -> Dataset:
    """`extra` (anything with .mentions/.documents/.errors) added to `base` by etl.store.merge
    (a document already present, same doc_id, is not added twice), categoricals restored."""
    from etl.store import Tables
    from etl.store import merge as store_merge

    def tables(d) -> Tables:
        return Tables(*(to_schema(getattr(d, name), name) for name in FILES))

    merged = store_merge(tables(base), tables(extra))
    return Dataset(
        optimise(merged.mentions, "mentions"),
        optimise(merged.documents, "documents"),
        optimise(merged.errors, "errors"),
        origin=base.origin,
        uploads=base.uploads + tuple(names),
    )


def check_upload_sizes(files: Sequence[tuple[str, int]], limit: int) -> list[str]:
    """One message per (name, size) over the per-file limit."""
    mb = limit / (1024 * 1024)
    return [
        f"{name} is {size / (1024 * 1024):.1f} MB; the limit is {mb:g} MB per file. Split it, or run "
        f"`python -m etl run CORPUS --out DIR` and start the dashboard with `-- --data DIR`."
        for name, size in files
        if size > limit
    ]


# --- views and exports --------------------------------------------------------------------------

HEAVY = ("sentence", "text")  # long text: left out of the frame the filters and charts work on


def light(mentions: pd.DataFrame) -> pd.DataFrame:
    """The mentions table without its long text columns (filters and charts never read them);
    same index, so full rows are ``mentions.loc[view.index]``."""
    return mentions.drop(columns=[c for c in HEAVY if c in mentions.columns])


def mentions_csv(rows: pd.DataFrame) -> bytes:
    """CSV of mentions-table rows: the contract's columns in order, UTF-8 with BOM, formulas neutralised."""
    return to_csv_bytes(to_schema(rows, "mentions"))


def funding_csv(rows: pd.DataFrame) -> bytes:
    """CSV of the funding table (every money row of `rows`), as shown on the Funding tab."""
    return to_csv_bytes(funding_table(rows))
