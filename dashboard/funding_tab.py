"""The Funding tab from funding events (etl/events.py): totals, the events chart and the events
table count each event once, however many articles report it. Pure functions, no Streamlit.

The rows of the page's view carry the `event_id` the ETL run gave them, or the one
`data.prepare` gave them once per dataset (a store from before events; uploads merged into the
page, so a round repeated by an upload is one event there too).
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from dashboard import labels as words
import plotly.graph_objects as go

from dashboard.charts import MONEY_COLOURS, category_axis, empty_figure, figure, labels, money_axis, target, titled
from dashboard.summaries import codes, first_occurrences, is_in, largest_first, once_per, positions, take
from dashboard.drilldown import document_label
from etl import events as etl_events
from etl.export import to_csv_bytes

RAISED = etl_events.EVENT_TYPES
TABLE_LABELS = {  # column -> words on the page, in the order shown
    "company": "company", "money_type": "type", "round": "round", "amount_usd": "amount (USD)",
    "valuation_usd": "valuation (USD)", "date": "date", "lead_investor": "lead investor", "investors": "investors",
    "mentions": "mentions", "documents": "articles", "articles": "reported by", "event_id": "event",
}


def events(view: pd.DataFrame, all_events: pd.DataFrame | None = None, rows: np.ndarray | None = None,
           sources_of_largest: int | None = None) -> pd.DataFrame:
    """One row per event reported in `view`. What the event is (company, amount, round, lead,
    investors, date, valuation) comes from all its reports in `all_events` (the dataset's events,
    `Dataset.events`, indexed by event id), so a filter never changes a round's amount or lead; how the view reports it
    (mentions, articles, sources, first published) comes from the view's rows. Without
    `all_events`, everything from the view's rows (etl.events.events_table). `rows`: only these
    rows of the view (a boolean mask), e.g. a company's. `sources_of_largest`: only the events
    table_view shows with that limit get their `sources` (the others None), since joining the
    document ids of every event is most of the work at a million reports; not for a download."""
    money = is_in(view["kind"], ["money"]) & (True if rows is None else rows)
    if all_events is None:
        return etl_events.events_table(etl_events.event_columns(take(view, etl_events.NEEDED, money)))
    money &= is_in(view["money_type"], RAISED) & view["event_id"].notna().to_numpy(dtype=bool)
    reports = take(view, ["event_id", "published", "doc_id"], money)
    at = positions(all_events.index, reports["event_id"])
    reports, at = reports[at >= 0], at[at >= 0]
    if not len(at):
        return all_events.iloc[:0]
    published = pd.to_datetime(reports["published"]).to_numpy(dtype="datetime64[ns]")
    doc_codes, doc_values = codes(reports["doc_id"])
    never = np.iinfo(np.int64).max
    stamp = np.where(np.isnat(published), never, published.astype(np.int64))
    # Each report's event, numbered in the order the table lists them: first published in the
    # view, then the dataset's order (first published overall, company, id), so the unfiltered
    # view gives exactly etl.events.events_table's order.
    per_event = np.bincount(at, minlength=len(all_events))
    present = np.flatnonzero(per_event)
    first = np.full(len(all_events), never)
    np.minimum.at(first, at, stamp)
    listed = present[np.lexsort((present, first[present]))]
    rank = np.empty(len(all_events), dtype=np.int64)
    rank[listed] = np.arange(len(listed))
    where = rank[at]  # each report's row of `table`
    table = all_events.iloc[listed].reset_index(drop=True)
    table["mentions"] = per_event[listed]
    table["first_published"] = pd.to_datetime(np.where(first[listed] == never, np.datetime64("NaT", "ns"),
                                                        first[listed].astype("datetime64[ns]")))
    order = np.lexsort((doc_codes, stamp))  # a source's earliest report first, undated last
    key = where[order] * (len(doc_values) + 1) + doc_codes[order]
    pairs = order[first_occurrences(key)]  # one report per (event, document), in report order
    table["documents"] = np.bincount(where[pairs], minlength=len(table))
    if sources_of_largest is not None and sources_of_largest < len(table):
        shown = np.zeros(len(table), dtype=bool)
        shown[largest_first(table["amount_usd"].to_numpy(dtype="float64", na_value=np.nan), sources_of_largest)] = True
        pairs = pairs[shown[where[pairs]]]
    names = pa.array(pd.Index(doc_values).astype("str").array, type=pa.large_string())  # Arrow's own strings: no copy
    table["sources"] = etl_events.join_groups(where[pairs], names.take(doc_codes[pairs]), len(table))
    return table.astype({c: all_events[c].dtype for c in ("mentions", "documents", "first_published", "sources")})


def with_articles(table: pd.DataFrame, documents: pd.DataFrame | None) -> pd.DataFrame:
    """`table` with `articles`: the documents that report each event, by title and site (looked
    up for these rows only)."""
    wanted = {d for s in table["sources"].dropna() for d in str(s).split("; ")}
    names = _document_names(documents, wanted)
    return table.assign(articles=[" · ".join(names.get(d, d) for d in str(s).split("; ")) if pd.notna(s) else ""
                                  for s in table["sources"]])


def _document_names(documents: pd.DataFrame | None, wanted: set[str]) -> dict[str, str]:
    if documents is None or not len(documents) or not wanted:
        return {}
    ids = once_per((documents,), "doc_id index", lambda: pd.Index(documents["doc_id"].astype(str)))
    at = ids.get_indexer_for(list(wanted))  # doc_id is unique; a merged table might not be
    docs = documents.iloc[np.sort(at[at >= 0])]
    site = docs["site"] if "site" in docs.columns else pd.Series(None, index=docs.index)
    return {str(d): document_label(t, s, src) for d, t, s, src in zip(docs["doc_id"], docs["title"], site, docs["source"])}


def totals(table: pd.DataFrame) -> pd.DataFrame:
    """USD per company and type, each event once: company, money_type, amount_usd, events."""
    priced = table[table["amount_usd"].notna()]
    if priced.empty:
        return pd.DataFrame(columns=["company", "money_type", "amount_usd", "events"])
    grouped = priced.groupby(["company", "money_type"], observed=True, sort=False)
    return grouped.agg(amount_usd=("amount_usd", "sum"), events=("event_id", "size")).reset_index()


def totals_chart(table: pd.DataFrame, top: int = 15) -> go.Figure:
    """Total USD raised per company (funding + investment events, each event once)."""
    title = f"Money raised by company, USD (each funding event once, top {top})"
    data = totals(table)
    if data.empty:
        return empty_figure(title)
    order = list(data.groupby("company")["amount_usd"].sum().sort_values(ascending=False, kind="stable").index[:top])
    data = data[data["company"].isin(order)]
    traces = []
    for money_type in RAISED:
        rows = data[data["money_type"] == money_type]
        if rows.empty:
            continue
        traces.append(dict(
            type="bar", y=labels(rows["company"]), x=rows["amount_usd"], name=words.value("money_type", money_type), orientation="h",
            marker={"color": MONEY_COLOURS[money_type]},
            text=[f"{words.money(u)} in {words.plural(int(n), words.value('money_type', money_type).lower() + ' event')}"
                  for u, n in zip(rows["amount_usd"], rows["events"])],
            customdata=[target(kind="money", company=c, money_type=money_type) for c in rows["company"]],
            hovertemplate="%{y}: %{text}<extra></extra>", textposition="none",
        ))
    return figure(traces, title, barmode="stack", height=max(300, 60 + 28 * len(order)),
                  yaxis=category_axis(labels(order)[::-1]), xaxis=money_axis())  # $2B, never $2.00G


def events_chart(table: pd.DataFrame, limit: int = 300) -> go.Figure:
    """Events over time: one bubble per event (area = USD), coloured by type; clicking one reads
    every sentence that reports it. At most the `limit` largest are drawn (the title says so)."""
    amount = table["amount_usd"].to_numpy(dtype="float64", na_value=np.nan)
    priced = np.flatnonzero(~np.isnan(amount))
    placed = _day_of(table[["date", "date_grain"]].iloc[priced]).to_numpy(dtype="datetime64[ns]")
    unplaced = int(np.isnat(placed).sum())
    shown = np.flatnonzero(~np.isnat(placed))  # positions in `priced`
    drawn = f"the {limit:,} largest of {len(shown):,}" if len(shown) > limit else ""
    # a year or a quarter on a day axis would claim 1 January
    unplaced_note = f"{words.plural(unplaced, 'event')} dated only to a quarter or a year, or not at all: in the table below" if unplaced else ""
    title = titled("Funding events (one bubble each, size = USD)", drawn, unplaced_note)
    if not len(shown):
        return empty_figure(title)
    if len(shown) > limit:
        shown = shown[largest_first(amount[priced[shown]], limit)]
    data = table.iloc[priced[shown]].assign(when=placed[shown])  # only the drawn events are copied
    sizeref = 2.0 * float(data["amount_usd"].max()) / (45.0 ** 2) if len(data) else 1.0
    traces = []
    for money_type, rows in data.groupby("money_type", sort=False):
        traces.append(dict(
            type="scatter", x=rows["when"], y=labels(rows["company"]), name=words.value("money_type", money_type), mode="markers",
            marker={"size": rows["amount_usd"].astype(float), "sizemode": "area", "sizeref": sizeref, "sizemin": 5,
                    "color": MONEY_COLOURS.get(str(money_type), "#333333"), "line": {"width": 0.5, "color": "white"}},
            customdata=[target(event_id=e) for e in rows["event_id"]],
            text=[f"{words.money(a)} · {words.plural(int(m), 'mention')} in {words.document_count(int(d))}"
                  for a, m, d in zip(rows["amount_usd"], rows["mentions"], rows["documents"])],
            hovertext=[words.date_at(pd.Timestamp(str(d)), g) for d, g in zip(rows["date"], rows["date_grain"])],
            hovertemplate="%{y}<br>%{hovertext}: %{text}<extra></extra>",
        ))
    days = data["date_grain"].isin(["day", "week"]).any()  # months only: ticks name months, not the 15th
    x = {"title": None, "tickformat": "%d %b %Y" if days else "%b %Y"}  # never hours: an event has a date, not a time
    if data["when"].max() - data["when"].min() < pd.Timedelta(days=10):  # one date: a few ticks around it
        if days:
            x["dtick"] = 86_400_000
        else:
            pad = pd.Timedelta(days=45)
            x.update(dtick="M1", range=[data["when"].min() - pad, data["when"].max() + pad])
    return figure(traces, title, height=max(320, 80 + 24 * data["company"].nunique()), yaxis={"title": None}, xaxis=x)


def _day_of(table: pd.DataFrame) -> pd.Series:
    """Where each event sits on a day axis: its day; a month-grain date mid-month (the hover
    says the month); NaT for a quarter, a year or no date. Each distinct date is parsed once."""
    codes_, dates = pd.factorize(table["date"].astype("string"))
    grain = table["date_grain"].astype("string")
    day = pd.to_datetime(pd.Series(dates, dtype="string"), errors="coerce", format="ISO8601").to_numpy(dtype="datetime64[ns]")
    mid = pd.to_datetime(pd.Series(dates, dtype="string") + "-15", errors="coerce", format="ISO8601").to_numpy(dtype="datetime64[ns]")
    nat = np.datetime64("NaT", "ns")
    at = np.where(codes_ >= 0, codes_, 0)
    whole = grain.isin(["day", "week"]).to_numpy(dtype=bool, na_value=False) & (codes_ >= 0)
    month = (grain == "month").to_numpy(dtype=bool, na_value=False) & (codes_ >= 0)
    placed = np.where(whole, day[at] if len(dates) else nat, np.where(month, mid[at] if len(dates) else nat, nat))
    return pd.Series(placed, index=table.index, dtype="datetime64[ns]")


def table_view(table: pd.DataFrame, documents: pd.DataFrame | None = None, limit: int | None = None) -> pd.DataFrame:
    """The events as the page shows them (the `limit` largest, largest first), with the articles
    that report them, columns named in words."""
    amount = table["amount_usd"].to_numpy(dtype="float64", na_value=np.nan)
    shown = with_articles(table.iloc[largest_first(amount, limit)], documents)
    shown = shown[[c for c in TABLE_LABELS if c in shown.columns]].copy()
    for col in shown.columns:
        if col in ("round", "money_type"):  # codes in words: "Series B", "Funding"
            shown[col] = [words.value(col, v) for v in shown[col]]
        elif col in ("amount_usd", "valuation_usd"):  # "$1.3B", not 1300000000.0
            shown[col] = [words.money(v) for v in shown[col]]
        elif not pd.api.types.is_numeric_dtype(shown[col]):
            shown[col] = shown[col].astype("string").fillna("")  # empty cells empty, never "None"
    return shown.rename(columns=TABLE_LABELS).reset_index(drop=True)


def events_csv(table: pd.DataFrame, documents: pd.DataFrame | None = None) -> bytes:
    """The events table as CSV (funding.parquet's columns plus the articles), Excel-safe."""
    return to_csv_bytes(with_articles(table, documents))
