"""The one query layer over the mentions store: DuckDB SQL over the Parquet part files.

A `Selection` says which mention rows are wanted (languages, kinds, dates, names, stance,
sources); it is the only filter definition of the project. `where` turns it into one SQL
condition with bound parameters (no value is ever pasted into SQL text), and every reader
evaluates that condition:

- `Query(store)`: the store's current version (held, see etl.store.Reading) as SQL views over the
  part files. Aggregates (counts per period, entity or language, sums, distinct values), pages of
  rows and whole selections come back as small pandas frames; DuckDB skips the part files of
  other languages (by file name) and row groups whose statistics rule the condition out, and
  reads only the columns a query names, so nothing is loaded whole.
- `mask(frame, selection)`: the same condition over a frame already in memory (a dashboard
  session's own uploads, a test's table), through DuckDB's scan of pandas.

`python -m etl export`, the dashboard's scope and its sidebar filters all go through here.
"""
from __future__ import annotations

import os
import threading
import uuid
from collections import OrderedDict
import weakref
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields, replace
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from etl import schema
from etl.codes import distinct_dates, looked_up
from etl import store as etl_store

LICENSE_NONE = "none"  # a stance filter value: rows without a stance
GRAINS = ("day", "week", "month", "quarter", "year")
DOCUMENT_FIELDS = ("langs", "since", "until", "undated", "sources", "source_text")  # also columns of documents.parquet


@dataclass(frozen=True)
class Selection:
    """Which mention rows (every field empty = all). Values within a field are alternatives;
    fields combine with AND, except names with `either_name` (see below).

    - since / until: `published` on or after / on or before these days. `undated`: whether rows
      of documents without a date are kept; None = kept only while no date bound is set (the
      CLI's `--since`), True / False = always / never (the dashboard's checkbox).
    - entities / companies: `entity` is one of `entities`, and `company` one of `companies`;
      with `either_name`, a row passes when either holds (the dashboard: choosing OpenAI keeps
      ChatGPT rows and OpenAI's funding). `casefold_names`: names match whatever their case.
    - licenses: `open`, `closed`, and `none` for rows without a stance.
    - sources: `source` is one of them; source_text: `source` contains it, ignoring case.
    """

    langs: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    since: date | None = None
    until: date | None = None
    undated: bool | None = None
    entities: tuple[str, ...] = ()
    companies: tuple[str, ...] = ()
    either_name: bool = False
    casefold_names: bool = False
    licenses: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    source_text: str = ""

    def __post_init__(self):  # lists and sets become tuples, so a Selection is hashable (a cache key)
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, (list, set, frozenset)):
                object.__setattr__(self, f.name, tuple(sorted(value) if isinstance(value, (set, frozenset)) else value))

    def __bool__(self) -> bool:
        return self != Selection()

    def documents(self) -> "Selection":
        """Only the parts about documents (dates, languages, sources), which documents.parquet has."""
        return Selection(**{name: getattr(self, name) for name in DOCUMENT_FIELDS})

    def within(self, scope: "Selection") -> "Selection":
        """This selection, inside `scope` where this one leaves a field open (a dashboard's filters
        inside the served scope). Fields both set keep this one's values: the scope itself is
        applied by the Query anyway."""
        return replace(self, **{f.name: getattr(scope, f.name) for f in fields(self)
                                if getattr(self, f.name) in ((), None, "") and getattr(scope, f.name) not in ((), None, "")})


def _placeholders(values: Sequence) -> str:
    return ", ".join("?" for _ in values)


def where(sel: Selection, columns: Iterable[str] | None = None) -> tuple[str, list]:
    """The SQL condition (``TRUE`` for everything) and its parameters. With `columns`, conditions
    on columns the relation lacks are left out (documents have no kind, entity …)."""
    terms = _terms(sel, columns)
    parts = [term[0].sql if len(term) == 1 else "(" + " OR ".join(leaf.sql for leaf in term) + ")" for term in terms]
    return (" AND ".join(parts) or "TRUE"), [value for term in terms for leaf in term for value in leaf.params]


@dataclass(frozen=True)
class _Leaf:
    """A condition on one column: SQL over that column only, and its parameters."""

    sql: str
    column: str
    params: tuple = ()


def _terms(sel: Selection, columns: Iterable[str] | None) -> list[tuple[_Leaf, ...]]:
    """The selection as terms that all must hold, each a tuple of alternatives (one leaf, or the
    names' "either" pair). No leaf reads more than one column: that is what lets `mask` evaluate
    a categorical column's leaf once per category instead of once per row."""
    have = None if columns is None else set(columns)
    terms: list[tuple[_Leaf, ...]] = []

    def add(column: str, sql: str, *values) -> None:
        if have is None or column in have:
            terms.append((_Leaf(sql, column, values),))

    dates = _dates(sel)
    if dates:
        add("published", *dates)
    for column, values in (("lang", sel.langs), ("kind", sel.kinds), ("source", sel.sources)):
        if values:
            add(column, f"{column} IN ({_placeholders(values)})", *values)
    if sel.source_text:
        add("source", "contains(lower(source), ?)", sel.source_text.lower())
    names = _names(sel, have)
    if names:
        terms.extend([names] if sel.either_name else [(leaf,) for leaf in names])
    if sel.licenses:
        stances = [v for v in sel.licenses if v != LICENSE_NONE]
        options = [f"license IN ({_placeholders(stances)})"] if stances else []
        options += ["license IS NULL"] if LICENSE_NONE in sel.licenses else []
        add("license", "(" + " OR ".join(options) + ")", *stances)
    return terms


def _dates(sel: Selection) -> tuple:
    """The condition on `published` and its values; empty when every row is kept."""
    bounded = sel.since is not None or sel.until is not None
    keep_undated = sel.undated if sel.undated is not None else not bounded
    if not bounded and keep_undated:
        return ()
    conditions, values = ["published IS NOT NULL"], []
    if sel.since is not None:
        conditions.append("published >= ?")
        values.append(datetime.combine(sel.since, datetime.min.time()))
    if sel.until is not None:  # the whole last day
        conditions.append("published < ?")
        values.append(datetime.combine(sel.until + timedelta(days=1), datetime.min.time()))
    condition = " AND ".join(conditions)
    return (f"(({condition}) OR published IS NULL)" if keep_undated else f"({condition})"), *values


def _names(sel: Selection, have: set[str] | None) -> tuple[_Leaf, ...]:
    fold = (lambda c: f"lower({c})") if sel.casefold_names else (lambda c: c)
    value = (lambda v: v.lower()) if sel.casefold_names else (lambda v: v)
    return tuple(
        _Leaf(f"coalesce({fold(column)} IN ({_placeholders(wanted)}), FALSE)", column, tuple(value(v) for v in wanted))
        for column, wanted in (("entity", sel.entities), ("company", sel.companies))
        if wanted and (have is None or column in have)
    )


_PROCESS_DB: list[duckdb.DuckDBPyConnection] = []  # this process's connection for mask() and rows_at(), opened on first use
_PROCESS_DB_LOCK = threading.Lock()


def _process_cursor() -> duckdb.DuckDBPyConnection:
    """A cursor of the process's one in-memory database for masks and rows by position (opening
    a database costs ~13 ms, a cursor nothing)."""
    with _PROCESS_DB_LOCK:
        if not _PROCESS_DB:
            _PROCESS_DB.append(duckdb.connect(config={"threads": 1}))
        return _PROCESS_DB[0].cursor()


def _close_process_db() -> None:
    """Before a fork (the extraction pool's workers): the database and its threads go. A forked
    child that inherits a live DuckDB database dies (BrokenProcessPool); the parent opens a new
    one on its next mask. (subprocess launches do not fork through Python and keep it.)"""
    with _PROCESS_DB_LOCK:
        while _PROCESS_DB:
            _PROCESS_DB.pop().close()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(before=_close_process_db)


def mask(frame: pd.DataFrame, sel: Selection) -> np.ndarray:
    """Boolean row mask of an in-memory table (mentions or documents) for `sel`: the store's SQL
    conditions, run by DuckDB over the frame (row order is kept). A leaf on a categorical column
    is evaluated once per category (and once for null) and read off through the codes, so a
    million-row filter on languages costs a lookup, not a scan."""
    keep = np.ones(len(frame), dtype=bool)
    if not sel or frame.empty:
        return keep
    terms = _terms(sel, frame.columns)
    if not terms:
        return keep
    con = _process_cursor()
    try:
        for term in terms:
            hit = _leaf_mask(con, frame, term[0])
            for leaf in term[1:]:
                hit |= _leaf_mask(con, frame, leaf)
            keep &= hit
    finally:
        con.close()
    return keep


def _leaf_mask(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame, leaf: _Leaf) -> np.ndarray:
    series = frame[leaf.column]
    codes = None
    if isinstance(series.dtype, pd.CategoricalDtype):  # the categories, then null (code -1 reads the last entry)
        values, codes = np.append(series.cat.categories.to_numpy(dtype=object), None), series.cat.codes.to_numpy()
    elif pd.api.types.is_datetime64_any_dtype(series):
        values = series.to_numpy()  # the frame's own array (no copy), so it can be recognised again
        codes, days = distinct_dates(values) if values.dtype.kind == "M" else (None, None)
        values = values if values.dtype.kind == "M" else series.to_numpy(dtype="datetime64[ns]")  # a zone: as before
        if codes is not None:
            values = np.append(days, np.datetime64("NaT"))
    else:
        values = series.to_numpy(dtype=object)
    name = f"leaf_{uuid.uuid4().hex[:8]}"
    con.register(name, pd.DataFrame({leaf.column: values}, copy=False))
    try:
        got = con.execute(f"SELECT coalesce({leaf.sql}, FALSE) AS keep FROM {name}", list(leaf.params)).fetchnumpy()["keep"]
    finally:
        con.unregister(name)
    got = np.asarray(got, dtype=bool)
    return got if codes is None else looked_up(got, codes)


def select(frame: pd.DataFrame, sel: Selection) -> pd.DataFrame:
    """The rows of an in-memory table that `sel` keeps (the same frame when it keeps everything)."""
    if not sel:
        return frame
    return frame[mask(frame, sel)]


def rows_at(path: str | Path, row_numbers: np.ndarray, columns: Sequence[str]) -> pa.Table:
    """Rows of one Parquet file by their positions in it (`row_numbers`: ascending, distinct),
    in that order, with `columns`: a page of a large store without loading it. DuckDB skips the
    row groups that hold none of the rows and, inside the others, decodes only the wanted rows'
    values (50 sentences out of 10 million: ~0.1 s)."""
    rows = pa.table({"r": pa.array(np.asarray(row_numbers, dtype=np.int64))})
    con = _process_cursor()
    name = f"wanted_{uuid.uuid4().hex[:8]}"
    con.register(name, rows)
    try:
        got = con.sql(f"SELECT {_column_list(columns)} FROM read_parquet({_sql_list([path])}, file_row_number = true) "
                          f"WHERE file_row_number IN (SELECT r FROM {name}) ORDER BY file_row_number").to_arrow_table()
    finally:
        con.unregister(name)
        con.close()
    if got.num_rows != rows.num_rows:
        raise ValueError(f"{path}: {rows.num_rows - got.num_rows} of the rows asked for are not in the file (changed since it was read?)")
    return got


def period(grain: str, column: str = "published") -> str:
    """SQL for the first day of the day/week (Monday)/month/quarter/year of `column`."""
    if grain not in GRAINS:
        raise ValueError(f"unknown grain {grain!r}; one of {', '.join(GRAINS)}")
    return f"date_trunc('{grain}', {column})"


class Query:
    """SQL over one version of a store: views of the mentions, documents and errors tables (names
    in `views`), the scope (a Selection) applied inside them. Shared by threads: every call runs
    on its own cursor. `close()` lets the version go (an ETL run may then delete it)."""

    def __init__(self, store: Path, scope: Selection = Selection(), memory_limit: str = "1GB", threads: int = 2):
        self.store, self.scope = Path(store), scope
        self.views = {"mentions": "mentions", "documents": "documents", "errors": "errors"}
        self._reading = etl_store.Reading(self.store)
        self.version = self._reading.path
        try:
            self.files = etl_store.part_files(self.version / etl_store.FILES["mentions"], scope.langs or None)
            self._db = duckdb.connect(config={"threads": threads, "memory_limit": memory_limit})
            self._create_views(self.version)
        except BaseException:
            self._reading.close()
            raise
        self.results = Results()
        self._finalizer = weakref.finalize(self, self._reading.close)

    def _create_views(self, version: Path) -> None:
        condition, params = where(self.scope)
        mentions = (f"SELECT * FROM read_parquet({_sql_list(self.files)}, union_by_name = true)" if self.files
                    else _empty_select(schema.MENTIONS_ARROW))
        # Views cannot hold parameters: the scope's values are literals DuckDB itself quotes.
        self._db.execute(f"CREATE VIEW mentions AS SELECT * FROM ({mentions}) WHERE {_inline(condition, params)}")
        for table in ("documents", "errors"):
            path = version / etl_store.FILES[table]
            if path.is_file():
                source = f"SELECT * FROM read_parquet({_sql_list([str(path)])})"
            else:
                columns = schema.DOCUMENT_COLUMNS if table == "documents" else schema.ERROR_COLUMNS
                source = _empty_select(pa.Schema.from_pandas(schema.coerce(pd.DataFrame(), columns), preserve_index=False))
            if table == "documents":
                doc_condition, doc_params = where(self.scope.documents())
                source = f"SELECT * FROM ({source}) WHERE {_inline(doc_condition, doc_params)}"
            self._db.execute(f"CREATE VIEW {table} AS {source}")

    # --- plumbing ---------------------------------------------------------------------------

    def cursor(self) -> duckdb.DuckDBPyConnection:
        return self._db.cursor()

    def close(self) -> None:
        self._finalizer()

    def __enter__(self) -> "Query":
        return self

    def __exit__(self, *_) -> None:
        self.close()

    def columns(self, table: str = "mentions") -> list[str]:
        return [row[0] for row in self.cursor().execute(f"DESCRIBE {self.views[table]}").fetchall()]

    def run(self, sql: str, params: Sequence = ()) -> duckdb.DuckDBPyRelation:
        """`sql` with ``{mentions}``, ``{documents}``, ``{errors}`` standing for this Query's views."""
        return self.cursor().sql(sql.format(**self.views), params=list(params))

    # --- questions --------------------------------------------------------------------------

    def count(self, sel: Selection = Selection(), table: str = "mentions") -> int:
        condition, params = where(sel if table == "mentions" else sel.documents())
        return int(self.run(f"SELECT count(*) FROM {{{table}}} WHERE {condition}", params).fetchall()[0][0])

    def count_by(self, sel: Selection, by: Sequence[str], grain: str | None = None, extra: str = "TRUE",
                 distinct: str | None = None, total: str | None = None) -> pd.DataFrame:
        """One row per combination of the `by` columns that occurs: the columns and ``n`` (rows,
        or distinct values of `distinct`, or the sum of `total`). ``published`` in `by` is
        counted per period with `grain`. `extra`: a further condition (SQL over columns only)."""
        condition, params = where(sel)
        keys = [f"{period(grain)} AS published" if c == "published" and grain else c for c in by]
        measure = f"count(DISTINCT {distinct})" if distinct else (f"sum({total})" if total else "count(*)")
        group = f" GROUP BY {', '.join(str(i + 1) for i in range(len(keys)))}" if keys else ""
        sql = f"SELECT {', '.join([*keys, measure + ' AS n'])} FROM {{mentions}} WHERE {condition} AND ({extra}){group}"
        return self.run(sql, params).df()

    def distinct(self, column: str, sel: Selection = Selection(), extra: str = "TRUE", limit: int | None = None) -> list:
        """The distinct values of `column` (nulls aside), sorted; with `limit`, at most that many,
        the first found (not sorted: the scan stops early), e.g. to learn whether there are more."""
        condition, params = where(sel)
        tail = "ORDER BY 1" if limit is None else f"LIMIT {int(limit)}"
        sql = f"SELECT DISTINCT {column} FROM {{mentions}} WHERE {condition} AND ({extra}) AND {column} IS NOT NULL {tail}"
        return [row[0] for row in self.run(sql, params).fetchall()]

    def bounds(self, sel: Selection = Selection()) -> tuple[date, date] | None:
        condition, params = where(sel)
        low, high = self.run(f"SELECT min(published), max(published) FROM {{mentions}} WHERE {condition}", params).fetchall()[0]
        return (pd.Timestamp(low).date(), pd.Timestamp(high).date()) if low is not None else None

    def page(self, sel: Selection = Selection(), columns: Sequence[str] | None = None, order: Sequence[str] = (),
             limit: int = 1000, offset: int = 0, extra: str = "TRUE", extra_params: Sequence = ()) -> pd.DataFrame:
        """A page of mention rows (the contract's dtypes) in `order` (SQL terms, e.g.
        ``"amount_usd DESC NULLS LAST"``), at most `limit` from `offset`."""
        condition, params = where(sel)
        order_by = f" ORDER BY {', '.join(order)}" if order else ""
        sql = f"SELECT {_column_list(columns)} FROM {{mentions}} WHERE {condition} AND ({extra}){order_by} LIMIT ? OFFSET ?"
        return _typed(self.run(sql, [*params, *extra_params, int(limit), int(offset)]).to_arrow_table(), columns)

    def arrow(self, sel: Selection = Selection(), columns: Sequence[str] | None = None, order: Sequence[str] = (),
              table: str = "mentions") -> pa.Table:
        """Every selected row as an Arrow table (for exports and loading)."""
        condition, params = where(sel if table == "mentions" else sel.documents() if table == "documents" else Selection())
        order_by = f" ORDER BY {', '.join(order)}" if order else ""
        return self.run(f"SELECT {_column_list(columns)} FROM {{{table}}} WHERE {condition}{order_by}", params).to_arrow_table()

    def frame(self, sel: Selection = Selection(), columns: Sequence[str] | None = None, order: Sequence[str] = ()) -> pd.DataFrame:
        """Every selected mention row as pandas (the contract's dtypes): only for what is small."""
        return _typed(self.arrow(sel, columns, order), columns)

    def table(self, name: str, sel: Selection = Selection()) -> pd.DataFrame:
        """The documents or errors table (documents under the document parts of `sel`)."""
        columns = schema.DOCUMENT_COLUMNS if name == "documents" else schema.ERROR_COLUMNS
        frame = self.arrow(sel, table=name).to_pandas()
        return schema.coerce(frame.reindex(columns=list(columns)), columns)


class Results:
    """Answers already computed for this Query (one store version, so they cannot go stale),
    shared by every session that asks the same question: a bounded LRU, small answers only."""

    def __init__(self, entries: int = 512, max_rows: int = 50_000):
        self._answers: OrderedDict = OrderedDict()
        self._lock = threading.Lock()
        self.entries, self.max_rows = entries, max_rows

    def get(self, key, compute):
        with self._lock:
            if key in self._answers:
                self._answers.move_to_end(key)
                return self._answers[key]
        answer = compute()
        if _rows_in(answer) <= self.max_rows:
            with self._lock:
                self._answers[key] = answer
                while len(self._answers) > self.entries:
                    self._answers.popitem(last=False)
        return answer


def _rows_in(answer) -> int:
    """The rows of the frames an answer holds (itself, or inside a tuple, list or dict): its size
    as far as a bound on small answers cares."""
    if isinstance(answer, pd.DataFrame):
        return len(answer)
    if isinstance(answer, dict):
        answer = list(answer.values())
    if isinstance(answer, (tuple, list)):
        return sum(_rows_in(part) for part in answer)
    return 0


def _typed(table: pa.Table, columns: Sequence[str] | None) -> pd.DataFrame:
    wanted = {c: t for c, t in schema.MENTION_COLUMNS.items() if columns is None or c in columns}
    return schema.coerce(table.to_pandas().reindex(columns=list(wanted)), wanted)


def _column_list(columns: Sequence[str] | None) -> str:
    if columns is None:  # whatever the store has; _typed puts the contract's columns in order
        return "*"
    return ", ".join(_quote(c) for c in columns)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _sql_list(paths: Sequence[str | Path]) -> str:
    return "[" + ", ".join("'" + str(p).replace("'", "''") + "'" for p in paths) + "]"


def _inline(condition: str, params: Sequence) -> str:
    """`condition` with its parameters as SQL literals (for a view, which cannot bind them)."""
    out, values = [], iter(params)
    for piece in condition.split("?"):
        out.append(piece)
        out.append("\0")
    out.pop()
    return "".join(_literal(next(values)) if piece == "\0" else piece for piece in out)


def _literal(value) -> str:
    if isinstance(value, datetime):
        return f"TIMESTAMP '{value.isoformat(sep=' ')}'"
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    raise TypeError(f"no SQL literal for {value!r}")


def _empty_select(arrow_schema: pa.Schema) -> str:
    types = {pa.string(): "VARCHAR", pa.large_string(): "VARCHAR", pa.int64(): "BIGINT", pa.float64(): "DOUBLE",
             pa.bool_(): "BOOLEAN", pa.timestamp("ns"): "TIMESTAMP_NS"}
    columns = ", ".join(f"CAST(NULL AS {types.get(f.type, 'VARCHAR')}) AS {_quote(f.name)}" for f in arrow_schema)
    return f"SELECT {columns} FROM range(0) t(x) WHERE FALSE"
