"""What a company's or product's page shows, as small frames and figures. No Streamlit.

The rows of an entity are its own mentions and, for a company, the rows whose ``company`` is it
(its products' mentions, money it raised), as the Companies filter keeps them. Everything is
computed from the filtered view, so the page follows the sidebar. Written for a million rows:
masks and integer codes over the large frame, group-bys on the small selection only.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboard import charts, funding_tab, labels as words, summaries
from dashboard.summaries import ENTITY_KINDS, count_by, is_in, present

TOP = 15


def rows_of(df: pd.DataFrame, name: str) -> np.ndarray:
    """Boolean mask: the entity's own mentions, and rows about it as a company."""
    return is_in(df["entity"], [name]) | is_in(df["company"], [name])


@dataclass(frozen=True)
class Profile:
    name: str
    kind: str  # company, product, or "" when the view has no mention of it
    mentions: int
    documents: int
    maker: str | None  # a product's company


def profile(df: pd.DataFrame, name: str) -> Profile:
    own = is_in(df["entity"], [name]) & is_in(df["kind"], ENTITY_KINDS)
    kinds = count_by({"kind": df["kind"]}, own)
    kind = str(kinds.sort_values("n", ascending=False)["kind"].iloc[0]) if len(kinds) else ""
    maker = None
    if kind == "product":
        makers = count_by({"company": df["company"]}, own & present(df["company"]))
        maker = str(makers.sort_values("n", ascending=False)["company"].iloc[0]) if len(makers) else None
    return Profile(name, kind, int(own.sum()), summaries.n_distinct(df["doc_id"], rows_of(df, name)), maker)


def products(df: pd.DataFrame, company: str) -> pd.DataFrame:
    """Product, Mentions: the company's products in the view, most mentioned first."""
    rows = is_in(df["kind"], ["product"]) & is_in(df["company"], [company])
    counts = count_by({"entity": df["entity"]}, rows).sort_values(["n", "entity"], ascending=[False, True])
    return pd.DataFrame({"Product": counts["entity"].astype("string").to_numpy(), "Mentions": counts["n"].to_numpy()})


def _documents_of(df: pd.DataFrame, rows: np.ndarray) -> np.ndarray:
    """Boolean mask of every row of `df` whose document has one of `rows`."""
    doc_codes, _ = summaries.codes(df["doc_id"])
    chosen = np.zeros(int(doc_codes.max()) + 2 if len(doc_codes) else 1, dtype=bool)
    chosen[doc_codes[rows & (doc_codes >= 0)]] = True
    return chosen[doc_codes]


def co_mentioned(df: pd.DataFrame, name: str, top: int = TOP) -> pd.DataFrame:
    """entity, kind, documents: the companies and products most often in the same documents
    (distinct entity-document pairs, counted on integer codes)."""
    rows = rows_of(df, name)
    together = _documents_of(df, rows) & is_in(df["kind"], ENTITY_KINDS) & ~is_in(df["entity"], [name])
    empty = pd.DataFrame({"entity": pd.Series(dtype="string"), "kind": pd.Series(dtype="string"),
                          "documents": pd.Series(dtype="int64")})
    if not together.any():
        return empty
    entity_codes, entity_values = summaries.codes(pd.Series(df["entity"].array[together]))
    entity_codes, used = summaries.compact(entity_codes, len(entity_values))
    entity_values = pd.Index(entity_values)[used]
    doc_codes, doc_values = summaries.codes(df["doc_id"])
    documents = summaries.distinct_pairs_per_first(entity_codes, doc_codes[together], len(entity_values), len(doc_values))
    order = np.lexsort((np.asarray(entity_values.astype(str)), -documents))[:top]
    order = order[documents[order] > 0]
    kinds = count_by({"entity": df["entity"], "kind": df["kind"]}, together).sort_values("n", ascending=False)
    kind_of = dict(zip(kinds["entity"].astype(str)[::-1], kinds["kind"].astype(str)[::-1]))  # the commonest last wins
    names = [str(entity_values[i]) for i in order]
    return pd.DataFrame({"entity": names, "kind": [kind_of.get(n, "") for n in names],
                         "documents": documents[order]}).astype({"entity": "string", "kind": "string", "documents": "int64"})


def co_mentioned_chart(df: pd.DataFrame, name: str, top: int = TOP) -> go.Figure:
    title = f"Mentioned in the same documents as {charts.label(name)}: documents (top {top})"
    data = co_mentioned(df, name, top)
    if data.empty:
        return charts.empty_figure(title)
    bars = dict(type="bar", y=charts.labels(data["entity"]), x=data["documents"], orientation="h", marker={"color": "#4c78a8"},
                customdata=[charts.target(entity=e) for e in data["entity"]], showlegend=False,
                hovertemplate="%{y}: in %{x:,d} of the same documents<extra></extra>")
    return charts.figure([bars], title, height=max(260, 100 + 26 * len(data)), showlegend=False,
                         yaxis=charts.category_axis(charts.labels(data["entity"])[::-1]),
                         xaxis=charts.count_axis(data["documents"], "documents"))


def languages_and_sites(df: pd.DataFrame, documents: pd.DataFrame, name: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(Language, Documents) and (Site, Documents) of the documents that mention the entity;
    a document without a site is counted under the file it was read from."""
    rows = rows_of(df, name)
    doc_codes, doc_values = summaries.codes(df["doc_id"])
    seen = np.zeros(len(doc_values) + 1, dtype=bool)
    seen[doc_codes[rows]] = True  # -1 (no document id) lands in the last slot
    if documents is not None and len(documents):
        at = summaries.positions(pd.Index(doc_values), documents["doc_id"])  # each document's code among the rows' ids
        mentioning = np.flatnonzero((at >= 0) & seen[np.where(at >= 0, at, len(doc_values))])
        keep = np.zeros(len(documents), dtype=bool)
        keep[mentioning[np.unique(at[mentioning], return_index=True)[1]]] = True  # a document listed twice counts once
        langs = _counts(documents["lang"], keep)
        site = documents["site"] if "site" in documents.columns else pd.Series(pd.NA, index=documents.index, dtype="string")
        sites = _counts(site, keep & summaries.present(site))
        no_site = keep & ~summaries.present(site)  # under the file it was read from
        if no_site.any():
            sites = sites.add(_counts(documents["source"], no_site), fill_value=0).astype("int64")
    else:  # no documents table: the documents the rows name
        where = np.flatnonzero(rows)
        first = where[np.unique(doc_codes[where], return_index=True)[1]]  # each document's first row
        site = pd.Series(df["source"].array[first], dtype="string")
        langs = pd.Series(df["lang"].array[first], dtype="string").fillna("").value_counts()
        sites = site.fillna("").value_counts()
    langs = langs.sort_values(ascending=False, kind="stable")
    lang_table = pd.DataFrame({"Language": [words.value("lang", v) or "unknown" for v in langs.index],
                               "Documents": langs.to_numpy(dtype="int64")})
    sites = sites.sort_values(ascending=False, kind="stable").head(TOP)
    site_table = pd.DataFrame({"Site": sites.index.astype(str), "Documents": sites.to_numpy(dtype="int64")})
    return lang_table, site_table


def _counts(values: pd.Series, rows: np.ndarray) -> pd.Series:
    """How many of `rows` have each value (missing as ""), on codes (summaries.count_by)."""
    counted = count_by({"value": values}, rows)
    return pd.Series(counted["n"].to_numpy(dtype="int64"), index=pd.Index(counted["value"].astype("string").fillna("")))


def received(df: pd.DataFrame, names: list[str], all_events: pd.DataFrame | None = None) -> pd.DataFrame:
    """The funding events the view reports of these companies (funding_tab.events; `all_events`:
    the dataset's): computed once for a page and its comparison."""
    return funding_tab.events(df, all_events, is_in(df["company"], names))


def funding(events: pd.DataFrame, name: str, documents: pd.DataFrame | None = None, limit: int = 200) -> pd.DataFrame:
    """The funding events the entity received (of `received(...)`; each event once, however many
    articles report it; the `limit` largest), as the Funding tab's table shows them, less the
    company column; ``attrs["events"]`` holds how many there are in all."""
    table = events[(events["company"] == name).to_numpy(dtype=bool, na_value=False)]
    shown = funding_tab.table_view(table, documents, limit).drop(columns=[funding_tab.TABLE_LABELS["company"]])
    shown.attrs["events"] = len(table)
    return shown


def stance_rows(df: pd.DataFrame, name: str) -> pd.DataFrame:
    """The view's rows of the entity, for the stance charts (a selection of the light frame)."""
    return df[rows_of(df, name)]


def comparison(df: pd.DataFrame, names: list[str], events: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per entity, side by side: mentions, documents, open and closed stance mentions
    (and how many of those the text states), money raised (funding events, each once; `events`:
    received(df, names), when the page has it)."""
    out = []
    entity_rows = is_in(df["kind"], ENTITY_KINDS)
    stance = entity_rows & present(df["license"])
    is_open, is_closed = is_in(df["license"], ["open"]), is_in(df["license"], ["closed"])
    stated = stance & ~is_in(df["license_from"], ["knowledge_base"])
    events = received(df, names) if events is None else events
    raised = funding_tab.totals(events).groupby("company")["amount_usd"].sum()
    for name in names:
        rows = rows_of(df, name)
        out.append({
            "Name": name, "Mentions (with its products)": int((rows & entity_rows).sum()),
            "Documents": summaries.n_distinct(df["doc_id"], rows),
            "Open": int((rows & stance & is_open).sum()), "Closed": int((rows & stance & is_closed).sum()),
            "Stance stated in the text": int((rows & stated).sum()),
            "Raised (USD, each event once)": words.money(raised[name]) if name in raised.index else "",
        })
    return pd.DataFrame(out)
