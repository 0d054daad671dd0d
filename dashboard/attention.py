"""Attention per entity and period, as news analysts measure it. No Streamlit, no plotting.

The default measure is the **share of documents**: the documents of a period that mention the
entity divided by all documents of that period. Both are counted per period (week, month, …)
and then divided, so a week of one day with 1 of 1 documents and one day with 0 of 99 is 1%,
never the 50% an average of daily shares would give. The other measures are the number of
documents that mention the entity, and the number of its mentions.

Periods run from the first to the last dated document of the view without a hole
(dashboard.periods): a period with documents but no mention of the entity is 0; a period with
no documents at all has no value (a gap in the line), because nothing was measured there.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard import periods, summaries
from dashboard.summaries import ENTITY_KINDS, count_by, is_in



def dated_documents(mentions: pd.DataFrame, documents: pd.DataFrame | None) -> pd.DataFrame:
    """doc_id and published of every document of the view: the documents table when there is
    one (it also holds documents without any mention), else the documents the mentions name."""
    keep = [c for c in ("doc_id", "published", "published_grain")]
    if documents is not None and len(documents):
        return documents[[c for c in keep if c in documents.columns]]
    if not len(mentions):
        return pd.DataFrame({"doc_id": pd.Series(dtype="string"), "published": pd.Series(dtype="datetime64[ns]")})
    first = ~pd.Series(summaries.codes(mentions["doc_id"])[0]).duplicated().to_numpy()
    return pd.DataFrame({c: mentions[c].array[first] for c in keep if c in mentions.columns})


def documents_per_period(documents: pd.DataFrame, grain: str) -> pd.Series:
    """All documents dated finely enough for `grain` per period start (only periods that have
    some): a document dated only by year counts in year views, never as a January."""
    rows = summaries.placeable(documents, grain)
    counts = count_by({"period": documents["published"]}, rows, grain=grain)
    if counts.empty:
        return pd.Series(dtype="int64", index=pd.DatetimeIndex([], dtype="datetime64[ns]"))
    return pd.Series(counts["n"].to_numpy(), index=pd.DatetimeIndex(counts["period"]).astype("datetime64[ns]")).sort_index()


def chosen_entities(df: pd.DataFrame, rows: np.ndarray, top: int, entities=None) -> list[str]:
    """The given entities that occur, else the `top` most mentioned ones (ties by name)."""
    if entities:  # only the chosen ones are counted
        rows = rows & is_in(df["entity"], entities)
    codes_, values = summaries.codes(df["entity"])
    n = np.bincount(codes_[rows & (codes_ >= 0)], minlength=len(values))
    found = np.flatnonzero(n)
    if entities:
        present_ = {str(values[i]) for i in found}
        return [e for e in entities if e in present_]
    names = np.asarray(values.astype(str), dtype=object)[found]
    return list(names[np.lexsort((names, -n[found]))][:top])


def entity_periods(df: pd.DataFrame, grain: str, entities: list[str], rows: np.ndarray | None = None) -> pd.DataFrame:
    """entity, period, documents, mentions over the dated company/product rows of `entities`
    (`rows`: those rows, when the caller has them). On integer codes: mentions by one bincount
    over (entity, period); documents by the distinct (entity, document) pairs, each counted in
    its document's period."""
    if rows is None:
        rows = is_in(df["kind"], ENTITY_KINDS) & summaries.placeable(df, grain)
    rows = rows & is_in(df["entity"], entities)
    empty = pd.DataFrame({"entity": pd.Series(dtype="object"), "period": pd.Series(dtype="datetime64[ns]"),
                          "documents": pd.Series(dtype="int64"), "mentions": pd.Series(dtype="int64")})
    if not rows.any():
        return empty
    rows = np.flatnonzero(rows)  # positions, taken on three columns (summaries.at_rows)
    entity_codes, entity_values = summaries.codes(pd.Series(df["entity"].array.take(rows)))
    entity_codes, used_entities = summaries.compact(entity_codes, len(entity_values))
    entity_values = pd.Index(entity_values)[used_entities]
    doc_codes, _ = summaries.codes(pd.Series(df["doc_id"].array.take(rows)))
    period_codes, period_values = summaries.codes(pd.Series(df["published"].array.take(rows)), grain)
    n_entities, n_periods = len(entity_values), len(period_values)
    cell = entity_codes.astype(np.int64) * n_periods + period_codes
    mentions = np.bincount(cell, minlength=n_entities * n_periods)
    n_docs = int(doc_codes.max()) + 1
    if n_entities * n_docs <= 50_000_000:  # a flag per (entity, document): no sort
        seen = np.zeros(n_entities * n_docs, dtype=bool)
        seen[entity_codes.astype(np.int64) * n_docs + doc_codes] = True
        period_of_doc = np.zeros(n_docs, dtype=np.int64)
        period_of_doc[doc_codes] = period_codes  # one date per document, so one period
        pairs = np.flatnonzero(seen)
        documents = np.bincount((pairs // n_docs) * n_periods + period_of_doc[pairs % n_docs],
                                minlength=n_entities * n_periods)
    else:
        first = summaries.first_occurrences(entity_codes.astype(np.int64) * n_docs + doc_codes)
        documents = np.bincount(cell[first], minlength=n_entities * n_periods)
    used = np.flatnonzero(mentions)
    return pd.DataFrame({
        "entity": np.asarray(entity_values.astype(str))[used // n_periods],
        "period": pd.DatetimeIndex(period_values)[used % n_periods].astype("datetime64[ns]"),
        "documents": documents[used].astype("int64"), "mentions": mentions[used].astype("int64"),
    })


def attention(df: pd.DataFrame, documents: pd.DataFrame | None, grain: str = "month", top: int = 8, entities=None,
              measure: str = "share", rolling: int = 0) -> pd.DataFrame:
    """One row per (entity, period) over every period of the view: entity, period, documents
    (that mention it), mentions, total (all documents of the period), value (the measure;
    NaN where the period has no documents). With `rolling` = k, the value is over the last k
    periods (a share from the sums of those periods). Rows without a document date are left
    out; ``attrs["totals"]`` holds all documents per period, for the volume strip."""
    docs = dated_documents(df, documents)
    totals = documents_per_period(docs, grain)
    rows = is_in(df["kind"], ENTITY_KINDS) & summaries.placeable(df, grain)  # dated finely enough for the grain
    chosen = chosen_entities(df, rows, top, entities)
    per = entity_periods(df, grain, chosen, rows)
    dated = pd.DatetimeIndex(list(totals.index) + list(per["period"]))
    every = periods.every_period(dated.min() if len(dated) else None, dated.max() if len(dated) else None, grain)
    totals = periods.zero_filled(totals, every)
    # one grid of (entity, period), every period of the view on it: 0 where an entity is not mentioned
    shape = (len(chosen), len(every))
    at = (pd.Index(chosen).get_indexer(per["entity"]), every.get_indexer(pd.DatetimeIndex(per["period"])))
    documents, mentions = np.zeros(shape, dtype="int64"), np.zeros(shape, dtype="int64")
    documents[at], mentions[at] = per["documents"].to_numpy(dtype="int64"), per["mentions"].to_numpy(dtype="int64")
    total = np.broadcast_to(totals.to_numpy(dtype="int64"), shape)
    out = pd.DataFrame({
        "entity": pd.array(np.repeat(np.asarray(chosen, dtype=object), shape[1]), dtype="string"),
        "period": np.tile(every.to_numpy(dtype="datetime64[ns]"), shape[0]),
        "documents": documents.ravel(), "mentions": mentions.ravel(), "total": total.ravel(),
        "value": _measure(documents, mentions, total, measure, rolling).ravel(),
    })
    out.attrs["totals"] = totals
    return out


def _measure(documents: np.ndarray, mentions: np.ndarray, total: np.ndarray, measure: str, rolling: int) -> np.ndarray:
    """The measure per (entity, period) of the grids; a period without documents has none. With
    a window of k periods: a share from the sums of the last k periods (as many as there are),
    a count averaged over the measured periods among them."""
    window = rolling if rolling and rolling > 1 else 1
    no_documents = total == 0
    if measure == "share":
        with np.errstate(divide="ignore", invalid="ignore"):
            value = _window_sum(documents.astype("float64"), window) / _window_sum(total.astype("float64"), window)
    else:
        counts = (documents if measure == "documents" else mentions).astype("float64")
        measured = (~no_documents).astype("float64")  # not measured: left out of the average too
        with np.errstate(divide="ignore", invalid="ignore"):
            value = _window_sum(np.where(no_documents, 0.0, counts), window) / _window_sum(measured, window)
    value = np.array(value, dtype="float64")
    value[no_documents] = np.nan
    return value


def _window_sum(grid: np.ndarray, window: int) -> np.ndarray:
    """Sums over each row's last `window` columns (fewer at the start), by cumulative sums (the
    grids hold counts: exact in float64)."""
    if window <= 1:
        return grid
    cumulative = np.cumsum(grid, axis=1)
    before = np.zeros_like(cumulative)
    before[:, window:] = cumulative[:, :-window]
    return cumulative - before
