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
    """The given entities that occur, else the `top` most mentioned ones."""
    if entities:  # only the chosen ones are counted
        rows = rows & is_in(df["entity"], entities)
    counts = count_by({"entity": df["entity"]}, rows)
    counts = counts[counts["entity"].notna()]
    if entities:
        present_ = set(counts["entity"])
        return [e for e in entities if e in present_]
    counts = counts.sort_values(["n", "entity"], ascending=[False, True], kind="stable")
    return list(counts["entity"].head(top))


def entity_periods(df: pd.DataFrame, grain: str, entities: list[str]) -> pd.DataFrame:
    """entity, period, documents, mentions over the dated company/product rows of `entities`.
    On integer codes: mentions by one bincount over (entity, period); documents by the distinct
    (entity, document) pairs, each counted in its document's period."""
    rows = is_in(df["kind"], ENTITY_KINDS) & summaries.placeable(df, grain) & is_in(df["entity"], entities)
    empty = pd.DataFrame({"entity": pd.Series(dtype="object"), "period": pd.Series(dtype="datetime64[ns]"),
                          "documents": pd.Series(dtype="int64"), "mentions": pd.Series(dtype="int64")})
    if not rows.any():
        return empty
    entity_codes, entity_values = summaries.codes(pd.Series(df["entity"].array[rows]))
    entity_codes, used_entities = summaries.compact(entity_codes, len(entity_values))
    entity_values = pd.Index(entity_values)[used_entities]
    doc_codes, _ = summaries.codes(pd.Series(df["doc_id"].array[rows]))
    period_codes, period_values = summaries.codes(pd.Series(df["published"].array[rows]), grain)
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
        _, first = np.unique(entity_codes.astype(np.int64) * n_docs + doc_codes, return_index=True)
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
    per = entity_periods(df, grain, chosen)
    dated = pd.DatetimeIndex(list(totals.index) + list(per["period"]))
    every = periods.every_period(dated.min() if len(dated) else None, dated.max() if len(dated) else None, grain)
    totals = periods.zero_filled(totals, every)
    frames = []
    for entity in chosen:
        mine = per[per["entity"] == entity].set_index("period")
        frame = pd.DataFrame({
            "entity": entity, "period": every,
            "documents": periods.zero_filled(mine["documents"], every).to_numpy(dtype="int64"),
            "mentions": periods.zero_filled(mine["mentions"], every).to_numpy(dtype="int64"),
            "total": totals.to_numpy(dtype="int64"),
        })
        frame["value"] = _measure(frame, measure, rolling)
        frames.append(frame)
    columns = ["entity", "period", "documents", "mentions", "total", "value"]
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)
    out = out.astype({"entity": "string", "period": "datetime64[ns]", "documents": "int64", "mentions": "int64",
                      "total": "int64", "value": "float64"})
    out.attrs["totals"] = totals
    return out[columns]


def _measure(frame: pd.DataFrame, measure: str, rolling: int) -> np.ndarray:
    """The measure per period; a period without documents has none."""
    window = rolling if rolling and rolling > 1 else 1
    no_documents = frame["total"].to_numpy() == 0
    if measure == "share":
        part = frame["documents"].rolling(window, min_periods=1).sum().to_numpy(dtype="float64")
        whole = frame["total"].rolling(window, min_periods=1).sum().to_numpy(dtype="float64")
        with np.errstate(divide="ignore", invalid="ignore"):
            value = part / whole
        value = np.array(value, dtype="float64")
    else:
        counts = frame["documents" if measure == "documents" else "mentions"].to_numpy(dtype="float64", copy=True)
        counts[no_documents] = np.nan  # not measured: left out of the average too
        value = pd.Series(counts).rolling(window, min_periods=1).mean().to_numpy(dtype="float64", copy=True)
    value[no_documents] = np.nan
    return value
