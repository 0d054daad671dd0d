"""Pure summaries of the (filtered) mentions table: numbers and small frames. No Streamlit.

Charts and tables share these so that what is drawn and what is listed agree. They are written
for a million rows: they read only the columns they need, never copy whole rows of the large
frame, and count with integer codes (`count_by`) rather than with a general group-by.
They accept both the loaded table (categorical columns) and plain `etl.schema` frames.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pandas as pd

from dashboard import labels as words
from etl.codes import looked_up

ENTITY_KINDS = ("company", "product")
FUNDING_COLUMNS = (
    "company", "money_type", "round", "investor", "amount", "currency", "amount_usd", "date", "published",
    "lang", "title", "url", "source", "sentence",
)
AGGREGATE_COLUMNS = ("text", "company", "amount", "currency", "amount_usd", "date", "published", "lang", "source", "sentence")


# --- small tools --------------------------------------------------------------------------------

def is_in(series: pd.Series, values) -> np.ndarray:
    """Boolean numpy mask: the value is one of `values` (missing values never are). A categorical
    is looked up on its codes (one lookup table over the categories, ~100x faster than isin;
    etl.codes.looked_up)."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        categories = series.cat.categories
        lookup = np.zeros(len(categories) + 1, dtype=bool)  # the last slot: missing (code -1)
        values = list(values)
        if values:
            try:
                found = categories.get_indexer(pd.Index(values))
            except (TypeError, ValueError):  # values of another type than the categories: none can match
                found = np.array([], dtype=np.intp)
            lookup[found[found >= 0]] = True
        return looked_up(lookup, series.cat.codes.to_numpy())
    return series.isin(list(values)).to_numpy(dtype=bool, na_value=False)


_BY_IDENTITY: dict = {}  # (ids of the inputs, what) -> (inputs, answer): the inputs are kept alive, so their ids stay theirs
_BY_IDENTITY_LOCK = threading.Lock()


def once_per(inputs: tuple, what: str, compute):
    """`compute()` once per identity of `inputs` (a dataset's categories, its documents frame:
    objects that every view shares and nobody changes in place). A few entries only; sessions'
    threads share them (two may compute the same entry once each)."""
    key = (tuple(id(x) for x in inputs), what)
    entry = _BY_IDENTITY.get(key)
    if entry is None:
        entry = (inputs, compute())
        with _BY_IDENTITY_LOCK:
            if len(_BY_IDENTITY) >= 16:
                _BY_IDENTITY.clear()
            _BY_IDENTITY[key] = entry
    return entry[1]


def positions(index: pd.Index, values: pd.Series) -> np.ndarray:
    """Where each value stands in `index` (-1: nowhere); a categorical is looked up once per
    category, and once per (categories, index) pair: every view of a dataset shares both."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        categories = values.cat.categories
        lookup = once_per((categories, index), "positions",
                          lambda: np.append(index.get_indexer(categories.astype(str)), -1))  # code -1 reads the last
        return lookup[values.cat.codes.to_numpy()]
    return index.get_indexer(values.astype(str))


def at_rows(values, rows: np.ndarray):
    """`values[rows]` (a numpy or pandas array) for a boolean mask `rows`, or at positions: numpy's
    boolean indexing of a scattered mask is 4-7 times slower than finding the positions once
    (np.flatnonzero) and taking them, and a mask is often used on several columns."""
    return values.take(np.flatnonzero(rows) if rows.dtype == bool else rows)


def take(df: pd.DataFrame, columns, rows: np.ndarray, index: pd.Index | None = None) -> pd.DataFrame:
    """`df[columns]` at the boolean mask or positions `rows`, through the arrays (several times
    faster than masking every column of a wide frame); the index is kept (`index`: df.index at
    `rows`, when the caller has it already)."""
    at = np.flatnonzero(rows) if rows.dtype == bool else rows
    return pd.DataFrame({c: df[c].array.take(at) for c in columns if c in df.columns},
                        index=df.index.take(at) if index is None else index, copy=False)


def compact(codes_: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """Codes (0..size-1, no -1) renumbered 0..k-1 over the k values that occur, and those values'
    old codes: so a table indexed by code holds only what occurs (a categorical of a million
    rows may have tens of thousands of categories)."""
    used = np.flatnonzero(np.bincount(codes_, minlength=size))
    remap = np.zeros(size, dtype=np.int64)
    remap[used] = np.arange(len(used))
    return remap[codes_], used


def distinct_pairs_per_first(first: np.ndarray, second: np.ndarray, n_first: int, n_second: int) -> np.ndarray:
    """For each code of `first`, how many distinct codes of `second` occur with it: one flag per
    pair in a table (no sort), or a hash of the pairs when the table would be large. The codes of
    `second` are renumbered over those that occur first when that makes the table small (the
    documents of a few rows among a million)."""
    if n_first * n_second > 50_000_000:
        second, used = compact(second, n_second)
        n_second = max(len(used), 1)
    pair = first.astype(np.int64) * n_second + second
    if n_first * n_second <= 50_000_000:
        seen = np.zeros(n_first * n_second, dtype=bool)
        seen[pair] = True
        return seen.reshape(n_first, n_second).sum(axis=1)
    return np.bincount(pd.unique(pair) // n_second, minlength=n_first)


def first_occurrences(keys: np.ndarray) -> np.ndarray:
    """Positions of the first row of each distinct key, ascending. A hash (pandas), not a sort:
    over millions of keys np.unique is 3-10x slower."""
    return np.flatnonzero(~pd.Series(keys, copy=False).duplicated().to_numpy())


def present(series: pd.Series) -> np.ndarray:
    return series.notna().to_numpy(dtype=bool)


def period_start(values: pd.Series | pd.DatetimeIndex, grain: str) -> pd.Series:
    """The first day of the day/week (Monday)/month/quarter/year each timestamp falls in."""
    values = pd.Series(pd.to_datetime(values)).dt.normalize()
    if grain == "day":
        return values
    if grain == "week":
        return values - pd.to_timedelta(values.dt.day_of_week, unit="D")
    freq = {"month": "M", "quarter": "Q", "year": "Y"}[grain]
    return values.dt.to_period(freq).dt.start_time.astype("datetime64[ns]")


def codes(series: pd.Series, grain: str | None = None) -> tuple[np.ndarray, pd.Index]:
    """Integer codes (-1 = missing) and the values they stand for. Datetimes are coded per day,
    or per period start when `grain` is given (day, week, month, quarter, year)."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        return series.cat.codes.to_numpy(), series.cat.categories
    if pd.api.types.is_datetime64_any_dtype(series):
        days = series.to_numpy(dtype="datetime64[ns]").astype("datetime64[D]").view(np.int64)  # NaT: int64's minimum
        valid = days != np.iinfo(np.int64).min
        if not valid.any():
            return np.full(len(series), -1, dtype=np.int64), pd.DatetimeIndex([])
        first = int(np.min(days, where=valid, initial=np.iinfo(np.int64).max))  # no copy of the dated ones
        span = int(np.max(days, where=valid, initial=first)) - first + 1
        out = days  # a fresh array (astype), so changed in place
        out -= first
        out[~valid] = -1
        values = pd.DatetimeIndex(np.arange(first, first + span).astype("datetime64[D]").astype("datetime64[ns]"))
        if grain is not None:  # day -> period through a lookup over the (small) range of days; -1 reads the last slot
            period_codes, periods = pd.factorize(period_start(values, grain), sort=True)
            out = np.append(period_codes, -1).take(out)
            values = pd.DatetimeIndex(periods)
        return out, values
    factor, uniques = pd.factorize(series, use_na_sentinel=True)
    return factor, pd.Index(uniques)


def _occurring(c: np.ndarray, values: pd.Index) -> tuple[np.ndarray, pd.Index]:
    """Codes renumbered over the values that occur (in their order), so a combined key space of
    many-valued columns stays small; -1 stays -1."""
    used = np.flatnonzero(np.bincount(c + 1, minlength=len(values) + 1)[1:])  # -1 counts in slot 0
    remap = np.full(len(values) + 1, -1, dtype=np.int64)
    remap[used] = np.arange(len(used))
    return remap[c], values[used]  # -1 indexes the last slot, which stays -1


def count_by(columns: dict[str, pd.Series], rows: np.ndarray | None = None, grain: str | None = None,
             weights: pd.Series | None = None) -> pd.DataFrame:
    """Rows per combination of the given columns (all of the same length), restricted to `rows`.

    Returns one row per combination that occurs, with the values (missing ones as NA) and ``n``
    (the number of rows, or the sum of `weights` over them when given; missing weights count 0).
    Datetime columns are counted per day, or per period start with `grain`.
    """
    names = list(columns)
    parts = []
    rows = None if rows is None else np.flatnonzero(rows)  # positions: taken on every column (at_rows)
    for name in names:
        series = columns[name]
        categorical_or_date = isinstance(series.dtype, pd.CategoricalDtype) or pd.api.types.is_datetime64_any_dtype(series)
        if rows is not None and not categorical_or_date:
            series = pd.Series(series.array.take(rows))  # factorize only what is needed
            c, values = codes(series, grain)
        else:
            c, values = codes(series, grain)  # cheap on the whole column, then mask the integer codes
            if rows is not None:
                c = c.take(rows)
        parts.append((c, values))
    if np.prod([len(values) + 1 for _, values in parts], dtype=np.float64) > 2**22:
        parts = [_occurring(c, values) if len(values) > 64 else (c, values) for c, values in parts]
    if not parts or len(parts[0][0]) == 0:
        return pd.DataFrame({**{n: pd.Series(dtype="object") for n in names}, "n": pd.Series(dtype="int64")})
    w = None
    if weights is not None:
        w = weights.to_numpy(dtype="float64", na_value=0.0)
        w = w.take(rows) if rows is not None else w
        w = np.nan_to_num(w)
    # The combined key, in place (np.ravel_multi_index and np.where's copies took twice as long
    # at millions of rows), of the codes + 1: missing is 0 here, and last in the answer (below).
    dims = [len(values) + 1 for _, values in parts]
    flat = parts[0][0].astype(np.int64)
    flat += 1
    for (c, _), dim in zip(parts[1:], dims[1:]):
        flat *= dim
        flat += c
        flat += 1
    total = int(np.prod(dims, dtype=np.float64))
    if total <= 20_000_000:
        n = np.bincount(flat, minlength=0)
        keys = np.flatnonzero(n)
        sums = np.bincount(flat, weights=w)[keys] if w is not None else n[keys]
    else:
        inverse, keys = pd.factorize(flat, sort=True)
        sums = np.bincount(inverse, weights=w) if w is not None else np.bincount(inverse)
    unravelled = np.unravel_index(keys, dims) if len(dims) > 1 else (keys,)
    unravelled = [np.where(k == 0, len(values), k - 1) for k, (_, values) in zip(unravelled, parts)]  # missing last
    order = np.lexsort(unravelled[::-1])  # the combinations in the order of their codes, the first column first
    unravelled, sums = [k[order] for k in unravelled], sums[order]
    out = {}
    for name, idx, (_, values) in zip(names, unravelled, parts):
        with_missing = np.empty(len(values) + 1, dtype=object)
        with_missing[: len(values)] = values.to_numpy(dtype=object)
        with_missing[len(values)] = None
        out[name] = with_missing[idx]
    out["n"] = sums.astype("float64" if w is not None else "int64")
    return pd.DataFrame(out)


# --- publication dates at their grain -----------------------------------------------------------
# A document's `published` is a date, but its `published_grain` says how much of it the source
# states: a year-grain "2025" is stored as 2025-01-01 and must never be shown, counted or charted
# as that day. Stores without the column are read as day grain.

GRAIN_RANK = {"day": 0, "week": 1, "month": 2, "quarter": 3, "year": 4}
# The publication grain a view grain needs: a week or a day needs the day, a quarter the month.
_NEEDED = {"day": 0, "week": 0, "month": 2, "quarter": 2, "year": 4}
_LABEL_FORMATS = {"year": "%Y", "month": "%b %Y"}


def published_grains(df: pd.DataFrame) -> np.ndarray:
    """Each row's publication grain as text ("day" where the column is missing or null)."""
    return np.array(list(GRAIN_RANK), dtype=object)[published_ranks(df)]


def published_ranks(df: pd.DataFrame) -> np.ndarray:
    """Each row's publication grain as its GRAIN_RANK (0, day, where the column is missing or
    null), looked up once per category: a million rows in milliseconds."""
    if "published_grain" not in df.columns:
        return np.zeros(len(df), dtype=np.int8)
    column = df["published_grain"]
    column = column if isinstance(column.dtype, pd.CategoricalDtype) else column.astype("category")
    lookup = np.array([GRAIN_RANK.get(str(c), 0) for c in column.cat.categories] + [0], dtype=np.int8)
    return lookup[column.cat.codes.to_numpy()]  # code -1 (null) takes the last slot


def placeable(df: pd.DataFrame, grain: str) -> np.ndarray:
    """Rows whose publication date is known finely enough for periods of `grain` (a year-grain
    document belongs in a year view only; in a month view it would claim January)."""
    return present(df["published"]) & (published_ranks(df) <= _NEEDED.get(grain, 0))


def coarse(df: pd.DataFrame, grain: str, kinds: tuple[str, ...] = ENTITY_KINDS) -> dict[str, int]:
    """Documents with rows of `kinds` dated, but too coarsely for `grain`: {"year": n, "month": n}."""
    ranks = published_ranks(df)
    rows = is_in(df["kind"], kinds) & present(df["published"]) & (ranks > _NEEDED.get(grain, 0))
    out = {}
    for g in ("month", "year"):
        chosen = rows & (ranks == GRAIN_RANK[g])
        n = n_distinct(df["doc_id"], chosen) if chosen.any() else 0
        if n:
            out[g] = n
    return out


def coarse_note(counts: dict[str, int]) -> str:
    """"12 articles dated only by year, 3 only by month" (empty when none)."""
    parts = [f"{n:,} article{'s' if n != 1 else ''} dated only by {g}" for g, n in sorted(counts.items(), reverse=True)]
    return ", ".join(parts)


def published_label(value, grain: str | None) -> str | None:
    """A publication date as its grain states it: "2025", "Jun 2024", "2024-06-11"; None if missing."""
    if value is None or pd.isna(value):
        return None
    return pd.Timestamp(value).strftime(_LABEL_FORMATS.get(grain or "day", "%Y-%m-%d"))


def date_range_label(df: pd.DataFrame, rows: np.ndarray | None = None) -> str:
    """"2025-01-20 to 2025-06-11", "2025" (every row dated only by that year), "" when undated:
    each end as its own row's grain states it (the first row of the earliest date, the last of
    the latest), so a year never reads as 1 January. `rows`: only these rows (a boolean mask)."""
    stamps = pd.to_datetime(df["published"]).to_numpy(dtype="datetime64[ns]")
    where = np.flatnonzero(~np.isnat(stamps) & (True if rows is None else rows))
    if not len(where):
        return ""
    at = stamps[where]
    ends = [where[np.flatnonzero(at == at.min())[0]], where[np.flatnonzero(at == at.max())[-1]]]
    first, last = published_labels(df.iloc[ends]).tolist()
    return first if first == last else f"{first} to {last}"


def default_grain(documents: pd.DataFrame) -> str:
    """The timeline's time step when the link names none: month, unless no document is dated
    finer than a year (a month view would then be empty): year."""
    dated = present(documents["published"]) if "published" in documents.columns else np.zeros(len(documents), bool)
    if dated.any() and (published_grains(documents)[dated] == "year").all():
        return "year"
    return "month"


def published_labels(df: pd.DataFrame) -> pd.Series:
    """`published_label` of every row, as text (never a time of day)."""
    stamps = pd.to_datetime(df["published"]).astype("datetime64[ns]")
    grains = published_grains(df)
    out = stamps.dt.strftime("%Y-%m-%d").astype("object")
    for g, fmt in _LABEL_FORMATS.items():
        at = grains == g
        if at.any():
            out[at] = stamps[at].dt.strftime(fmt)
    return pd.Series(out, index=df.index, dtype="string")


def published_bounds(df: pd.DataFrame):
    """(first, last) publication day the rows may stand for, as dates; None when nothing is dated.
    A year-grain "2025" reaches 31 December and a month its last day, so the date filter offers
    the whole period rather than a single 1 January."""
    stamps = pd.to_datetime(df["published"]).to_numpy(dtype="datetime64[ns]")
    dated = ~np.isnat(stamps)
    if not dated.any():
        return None
    ranks = published_ranks(df)
    latest = {g: stamps[at].max() for g in ("month", "year") if (at := dated & (ranks == GRAIN_RANK[g])).any()}
    return bounds_of(stamps[dated].min(), stamps[dated].max(), latest)


def bounds_of(first, last, latest_by_grain: dict) -> tuple:
    """published_bounds from the first and last date and the latest date of the month- and
    year-grain rows (`{"month": …}`, a grain without rows left out): the same answer from the
    frame or from SQL (dashboard/overview.py). A period's end grows with its start, so the last
    end is the end of the latest row's period for each grain."""
    last = pd.Timestamp(last)
    for g, freq in (("month", "M"), ("year", "Y")):
        if latest_by_grain.get(g) is not None and not pd.isna(latest_by_grain[g]):
            last = max(last, pd.Timestamp(latest_by_grain[g]).to_period(freq).end_time.normalize())
    return pd.Timestamp(first).date(), last.date()


def for_display(df: pd.DataFrame) -> pd.DataFrame:
    """A table for reading: `published` as the label of its grain, and a money row's name as its
    amount in its own currency ("$40B", "₹500 Cr", not the contract's "USD 4e+10"). The CSV
    download keeps both as stored."""
    out = df.assign(published=published_labels(df)) if "published" in df.columns else df
    if {"kind", "entity", "amount", "currency"} <= set(df.columns):
        money = (df["kind"] == "money").to_numpy(dtype=bool, na_value=False)
        if money.any():
            names = out["entity"].astype("string").to_numpy(dtype=object)
            names[money] = [words.money_original(a, c) or n for a, c, n in
                            zip(df["amount"][money], df["currency"][money], names[money])]
            out = out.assign(entity=pd.array(names, dtype="string"))
    return out


# --- overview -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Overview:
    documents: int
    documents_with_mentions: int
    languages: tuple[str, ...]
    mentions: int
    entities: int
    first_date: pd.Timestamp | None
    last_date: pd.Timestamp | None
    undated_documents: int
    errors: int
    unlinked_mentions: int
    unlinked_organisations: int
    first_grain: str | None = None  # the publication grain of the first and the last date
    last_grain: str | None = None
    coarse_documents: tuple[tuple[str, int], ...] = ()  # (grain, documents) dated only by year / month


def _distinct(series: pd.Series) -> list[str]:
    """Sorted distinct non-missing values (as text)."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        c = series.cat.codes.to_numpy()
        c = c[c >= 0]
        used = np.flatnonzero(np.bincount(c, minlength=len(series.cat.categories))) if len(c) else np.array([], dtype=int)
        values = pd.Index(series.cat.categories[used])
    else:
        values = pd.Index(pd.unique(series.dropna()))
    return values.astype("string").sort_values().tolist()


def n_distinct(series: pd.Series, rows: np.ndarray | None = None) -> int:
    """How many distinct non-missing values (counted on codes for categoricals); `rows`: among
    these rows only (a boolean mask; no Series is built for them)."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        c = series.cat.codes.to_numpy()
        c = c if rows is None else at_rows(c, rows)
        return int(np.count_nonzero(np.bincount(c + 1)[1:])) if len(c) else 0  # -1 (missing) counts in slot 0
    return int((series if rows is None else series[rows]).nunique(dropna=True))


class MentionTotals(NamedTuple):
    """The Overview's counts of mention rows (from the frame, or from SQL: dashboard/overview.py)."""

    documents_with_mentions: int
    mentions: int
    entities: int  # distinct companies and products
    unlinked_mentions: int
    unlinked_organisations: int


def mention_totals(mentions: pd.DataFrame, entities: int | None = None, unlinked: np.ndarray | None = None) -> MentionTotals:
    """The counts; `entities` (distinct companies and products: the length of entity_counts) and
    `unlinked` (unlinked_mask) when the caller has them already."""
    unlinked = unlinked_mask(mentions) if unlinked is None else unlinked
    if entities is None:
        entities = n_distinct(mentions["entity"], is_in(mentions["kind"], ENTITY_KINDS))
    return MentionTotals(n_distinct(mentions["doc_id"]), int(len(mentions)), entities,
                         int(unlinked.sum()), n_distinct(mentions["entity"], unlinked))


def overview(mentions: pd.DataFrame | None, documents: pd.DataFrame, errors: pd.DataFrame,
             totals: MentionTotals | None = None) -> Overview:
    """Counts for the overview page. `documents` should be filtered like `mentions` (see
    filters.apply_documents); dates and languages come from it when it has rows. `totals`: the
    mention counts when already known (then `mentions` is read only if `documents` is empty)."""
    totals = totals or mention_totals(mentions)
    source = documents if len(documents) else mentions
    published = source["published"]
    return Overview(
        documents=int(len(documents)),
        languages=tuple(_distinct(source["lang"])),
        first_date=published.min() if published.notna().any() else None,
        last_date=published.max() if published.notna().any() else None,
        undated_documents=int(documents["published"].isna().sum()) if len(documents) else 0,
        errors=int(len(errors)),
        **totals._asdict(),
        **_date_span(source, published),
    )


def _date_span(source: pd.DataFrame, published: pd.Series) -> dict:
    """The grains of the first and last publication dates, and the documents dated only coarsely."""
    if not published.notna().any():
        return {}
    grains = published_grains(source)
    stamps = published.to_numpy(dtype="datetime64[ns]")
    dated = ~np.isnat(stamps)
    first, last = stamps[dated].min(), stamps[dated].max()
    # The finest grain among the documents at each end (a day and a year on 1 January: the day).
    pick = lambda at: min(grains[dated & (stamps == at)], key=lambda g: GRAIN_RANK.get(g, 0))  # noqa: E731
    ids = source["doc_id"] if "doc_id" in source.columns else pd.Series(range(len(source)))
    coarse_docs = tuple((g, n_distinct(ids[dated & (grains == g)])) for g in ("year", "month") if (dated & (grains == g)).any())
    return {"first_grain": pick(first), "last_grain": pick(last), "coarse_documents": coarse_docs}


def published_caption(o: Overview) -> str:
    """The overview's date line at the grain of the dates: "Published in 2025 (5 articles dated only
    by year)", "Published between Jun 2024 and 2025-03-03", "… (31 days)" only between two days."""
    if o.first_date is None:
        return "No document has a date."
    first, last = published_label(o.first_date, o.first_grain), published_label(o.last_date, o.last_grain)
    if first == last:
        line = f"Published {'on' if (o.first_grain or 'day') == 'day' else 'in'} {first}"
    else:
        line = f"Published between {first} and {last}"
        if (o.first_grain or "day") == "day" and (o.last_grain or "day") == "day":
            days = (o.last_date - o.first_date).days + 1
            line += f" ({days:,} days)"
    note = coarse_note(dict(o.coarse_documents))
    return line + (f" ({note})" if note else "") + "."


def undated(df: pd.DataFrame, kinds: tuple[str, ...] = ENTITY_KINDS) -> tuple[int, int]:
    """(documents, mentions) of rows of `kinds` without a document date: what a timeline leaves out."""
    rows = is_in(df["kind"], kinds) & ~present(df["published"])
    return n_distinct(df["doc_id"], rows), int(rows.sum())


def entity_counts(df: pd.DataFrame) -> pd.DataFrame:
    """entity, kind, mentions: company/product mentions per entity, most mentioned first."""
    return entity_table(count_by({"entity": df["entity"], "kind": df["kind"]}, is_in(df["kind"], ENTITY_KINDS)))


def entity_table(counts: pd.DataFrame) -> pd.DataFrame:
    """entity_counts from the rows per (entity, kind) of company and product mentions (columns
    entity, kind, n; from the frame or from SQL). A name of both kinds counts once, with the
    kind first in the alphabet ("company"), whatever order the counts come in."""
    counts = counts[counts["entity"].notna()].sort_values(["entity", "kind"], kind="stable")
    counts = counts.groupby("entity", sort=False, as_index=False).agg(kind=("kind", "first"), mentions=("n", "sum"))
    counts = counts.sort_values(["mentions", "entity"], ascending=[False, True], kind="stable").reset_index(drop=True)
    return counts.astype({"entity": "string", "kind": "string", "mentions": "int64"})


def unlinked_mask(df: pd.DataFrame) -> np.ndarray:
    """Organisations found by NER but not in the knowledge base (``linked`` is False)."""
    return ~df["linked"].to_numpy(dtype=bool, na_value=True)  # False, not missing: one pass over the nullable booleans


def unlinked_organisations(df: pd.DataFrame, rows: np.ndarray | None = None) -> pd.DataFrame:
    """entity, mentions, documents, languages (their codes, sorted, ", "-joined) of the unlinked
    organisations, most mentioned first, then in most documents, then by name. On codes: one
    bincount and two tables of distinct pairs, not a group-by with a function per organisation.
    `rows`: unlinked_mask(df), when the caller has it."""
    rows = unlinked_mask(df) if rows is None else rows
    empty = pd.DataFrame({c: pd.Series(dtype=t) for c, t in
                          (("entity", "string"), ("mentions", "int64"), ("documents", "int64"), ("languages", "string"))})
    rows = np.flatnonzero(rows)
    entity, names = codes(pd.Series(df["entity"].array.take(rows)))
    named = entity >= 0
    if not named.any():
        return empty
    entity, used = compact(entity[named], len(names))
    names = np.asarray(pd.Index(names)[used].astype(str), dtype=object)
    doc, doc_values = codes(pd.Series(df["doc_id"].array.take(rows)))
    lang, langs = codes(pd.Series(df["lang"].array.take(rows)))
    doc, lang = doc[named], lang[named]
    mentions = np.bincount(entity, minlength=len(names))
    with_doc = doc >= 0
    documents = distinct_pairs_per_first(entity[with_doc], doc[with_doc], len(names), max(len(doc_values), 1))
    with_lang = lang >= 0
    seen = np.zeros((len(names), len(langs)), dtype=bool)
    seen[entity[with_lang], lang[with_lang]] = True
    lang_names = np.asarray(pd.Index(langs).astype(str), dtype=object)
    by_name = np.argsort(lang_names, kind="stable")
    languages = [", ".join(lang_names[by_name][flags[by_name]]) for flags in seen]
    order = np.lexsort((names, -documents, -mentions))
    out = pd.DataFrame({"entity": names[order], "mentions": mentions[order], "documents": documents[order],
                        "languages": np.asarray(languages, dtype=object)[order]})
    return out.astype({"entity": "string", "mentions": "int64", "documents": "int64", "languages": "string"})


# --- money --------------------------------------------------------------------------------------

def money_mask(df: pd.DataFrame) -> np.ndarray:
    return (df["kind"] == "money").to_numpy(dtype=bool, na_value=False)


def largest_first(usd: np.ndarray, limit: int | None = None) -> np.ndarray:
    """Positions of the amounts, largest first, unknown (NaN) last; ties keep their order; at
    most `limit` (those are found by a partition, and only they and their ties are sorted)."""
    key = np.where(np.isnan(usd), np.inf, -usd)
    if limit is not None and limit < len(key):
        last_kept = np.partition(key, limit - 1)[limit - 1]
        candidates = np.flatnonzero(key <= last_kept)  # with every tie of the last one kept: the order decides among them
        return candidates[np.argsort(key[candidates], kind="stable")[:limit]]
    order = np.argsort(key, kind="stable")
    return order if limit is None else order[:limit]


def funding_rows(df: pd.DataFrame, limit: int | None = None) -> np.ndarray:
    """Positions of the money rows, largest USD amount first (unknown amounts last), at most `limit`."""
    where = np.flatnonzero(money_mask(df))
    return where[largest_first(df["amount_usd"].to_numpy(dtype="float64", na_value=np.nan)[where], limit)]


def funding_table(df: pd.DataFrame, limit: int | None = None) -> pd.DataFrame:
    """Every money row of the view (each report, not deduplicated), largest first, for reading and
    CSV export. `df` must have the FUNDING_COLUMNS (sentence included)."""
    rows = df.iloc[funding_rows(df, limit)]
    out = pd.DataFrame({col: rows[col] if col in rows.columns else pd.Series(pd.NA, index=rows.index, dtype="string")
                        for col in FUNDING_COLUMNS}).reset_index(drop=True)  # stores from before titles: no title, url
    for col in ("company", "money_type", "round", "investor", "currency", "date", "lang", "title", "url", "source", "sentence"):
        out[col] = out[col].astype("string")
    out["published"] = published_labels(rows.reset_index(drop=True)) if "published" in rows.columns else out["published"]
    return out


def aggregate_mask(df: pd.DataFrame) -> np.ndarray:
    return money_mask(df) & (df["money_type"] == "aggregate").to_numpy(dtype=bool, na_value=False)


def aggregate_table(df: pd.DataFrame) -> pd.DataFrame:
    """Aggregate money figures (market totals and the like), shown apart from company totals."""
    rows = df[aggregate_mask(df)]
    out = pd.DataFrame({col: rows[col] for col in AGGREGATE_COLUMNS if col in rows.columns}).reset_index(drop=True)
    if "published" in out.columns:
        out["published"] = published_labels(rows.reset_index(drop=True))
    for col in ("text", "company", "currency", "date", "lang", "source", "sentence"):
        if col in out.columns:
            out[col] = out[col].astype("string")
    return out


# --- filter choices -----------------------------------------------------------------------------

SOURCE_CHOICES = 1_000  # more sources than this are not listed: the sidebar offers a "source contains" box


def choices(df: pd.DataFrame) -> dict[str, list[str] | None]:
    """The values each multi-select filter can take, from the whole (unfiltered) table;
    "sources" is None when there are more than SOURCE_CHOICES."""
    kind = df["kind"]
    return choices_of(langs=_distinct(df["lang"]), company_entities=_distinct(df["entity"][is_in(kind, ["company"])]),
                      companies=_distinct(df["company"]), products=_distinct(df["entity"][is_in(kind, ["product"])]),
                      kinds=_distinct(kind), sources=_distinct(df["source"]))


def choices_of(langs, company_entities, companies, products, kinds, sources) -> dict[str, list[str] | None]:
    """The filter choices from the distinct values of each column (the frame's, or SQL's:
    dashboard/overview.py, which stops at SOURCE_CHOICES + 1 sources); companies are both the
    company entities and every `company`."""
    text = lambda values: sorted(str(v) for v in values)  # noqa: E731 (one order for both: code points)
    sources = list(sources)
    return {
        "langs": text(langs),
        "companies": text(set(map(str, company_entities)) | set(map(str, companies))),
        "products": text(products),
        "kinds": [k for k in ("company", "product", "money", "date") if k in set(map(str, kinds))],
        "licenses": ["open", "closed", "none"],
        "sources": text(sources) if len(sources) <= SOURCE_CHOICES else None,
    }
