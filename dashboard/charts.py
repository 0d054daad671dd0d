"""Charts as values: each function takes the (filtered) mentions table and returns a plotly Figure.

No Streamlit here. Every function aggregates first (group-by on the large frame, plotting only
the small result), and returns a valid Figure with a "No data for this selection" annotation
when there is nothing to draw.

Drill-down: every clickable mark carries ``customdata`` = a JSON object naming the rows behind
it (column -> value, plus an optional period); `dashboard.drilldown.target_from_point` reads it
back from a Streamlit selection event.
"""
from __future__ import annotations

import html
import json

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboard import summaries
from dashboard.summaries import ENTITY_KINDS

NO_DATA = "No data for this selection"
# (license, license_from) -> legend label, colour, bar pattern (knowledge-base stances are hatched)
STANCES = {
    ("open", "context"): ("open · said in the text", "#1b7837", ""),
    ("open", "knowledge_base"): ("open · from knowledge base", "#7fbf7b", "/"),
    ("closed", "context"): ("closed · said in the text", "#b2182b", ""),
    ("closed", "knowledge_base"): ("closed · from knowledge base", "#ef8a62", "/"),
}
MONEY_COLOURS = {
    "funding": "#1f77b4", "investment": "#17becf", "valuation": "#9467bd", "aggregate": "#7f7f7f", "revenue": "#2ca02c", "price": "#ff7f0e", "other": "#bcbd22",
}
KIND_COLOURS = {"company": "#4c78a8", "product": "#f58518", "money": "#54a24b", "date": "#b279a2"}


# --- helpers ------------------------------------------------------------------------------------

def label(value) -> str:
    """Text from the data as plotly shows it: plotly reads a subset of HTML in labels (<a href>,
    <b>, <br>...), and names come from article text (e.g. organisations found by NER), so they
    are escaped. Plotly turns the entities back into the characters on screen."""
    return html.escape(str(value), quote=False)


def labels(values) -> list[str]:
    return [label(v) for v in values]


def target(**equals) -> str:
    """customdata for one mark: the rows it stands for (see dashboard.drilldown.Target)."""
    return json.dumps({k: (None if v is None or (isinstance(v, float) and np.isnan(v)) else v)
                       for k, v in equals.items()}, ensure_ascii=False, default=str)


def _layout(fig: go.Figure, title: str, **kwargs) -> go.Figure:
    fig.update_layout(
        title={"text": title, "x": 0, "xanchor": "left"},
        margin={"l": 10, "r": 10, "t": 50, "b": 10},
        legend={"orientation": "h", "yanchor": "bottom", "y": -0.3, "x": 0},
        clickmode="event+select",
        **kwargs,
    )
    return fig


TIME_FORMATS = {"day": "%Y-%m-%d", "week": "%Y-%m-%d", "month": "%b %Y", "quarter": "Q%q %Y", "year": "%Y"}
TIME_STEPS = {"day": 86_400_000, "week": 7 * 86_400_000, "month": "M1", "quarter": "M3", "year": "M12"}


def _time_axis(fig: go.Figure, grain: str, periods: int) -> None:
    """Period ticks in the period's own terms: one tick per period while there are few (plotly
    would otherwise put several ticks, or a time of day, inside a single period)."""
    fig.update_xaxes(title=None, tickformat=TIME_FORMATS.get(grain, "%Y-%m-%d"))
    if periods <= 24 and grain in TIME_STEPS:
        fig.update_xaxes(dtick=TIME_STEPS[grain], tick0="2000-01-03" if grain == "week" else "2000-01-01")


def empty_figure(title: str = "", message: str = NO_DATA) -> go.Figure:
    fig = go.Figure()
    fig.add_annotation(text=message, showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper", font={"size": 16})
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return _layout(fig, title)


def _period_counts(df: pd.DataFrame, keys: list[str], rows: np.ndarray, grain: str) -> pd.DataFrame:
    """Rows per (keys..., period) over the dated rows selected by `rows`; sorted by period."""
    rows = rows & summaries.placeable(df, grain)  # a year-grain document is in year views only
    counts = summaries.count_by({**{k: df[k] for k in keys}, "period": df["published"]}, rows, grain=grain)
    counts["period"] = pd.to_datetime(counts["period"]).astype("datetime64[ns]")
    return counts.sort_values("period", kind="stable").reset_index(drop=True)


def _kind_mask(df: pd.DataFrame, kinds=ENTITY_KINDS) -> np.ndarray:
    return summaries.is_in(df["kind"], kinds)


# --- mention timeline ---------------------------------------------------------------------------

def timeline_data(df: pd.DataFrame, grain: str = "month", top: int = 8, entities=None) -> pd.DataFrame:
    """entity, period, mentions, share: company/product mentions per period for the top-N entities
    (or the given ones), with 0 for periods in which an entity is not mentioned but others are.
    `share` is the entity's part of all company/product mentions in that period. Rows without a
    document date are left out."""
    per = _period_counts(df, ["entity"], _kind_mask(df), grain)
    if per.empty:
        return pd.DataFrame({"entity": pd.Series(dtype="string"), "period": pd.Series(dtype="datetime64[ns]"),
                             "mentions": pd.Series(dtype="int64"), "share": pd.Series(dtype="float64")})
    totals = per.groupby("period")["n"].sum()
    if entities:
        present = set(per["entity"])
        chosen = [e for e in entities if e in present]
    else:
        ranking = per.groupby("entity")["n"].sum().sort_values(ascending=False, kind="stable")
        chosen = list(ranking.index[:top])
    grid = pd.MultiIndex.from_product([chosen, totals.index], names=["entity", "period"])
    counts = per.set_index(["entity", "period"])["n"].reindex(grid, fill_value=0)
    out = counts.rename("mentions").reset_index()
    out["share"] = out["mentions"].to_numpy() / totals.reindex(out["period"]).to_numpy()
    return out.astype({"entity": "string", "mentions": "int64"})


def timeline(df: pd.DataFrame, grain: str = "month", top: int = 8, entities=None, share: bool = False) -> go.Figure:
    """Mentions per entity over time, one line per entity."""
    title = f"Mentions per {grain}" + (" (share of all company/product mentions)" if share else "")
    data = timeline_data(df, grain, top, entities)
    if data.empty:
        return empty_figure(title)
    fig = go.Figure()
    value = "share" if share else "mentions"
    for entity, rows in data.groupby("entity", sort=False):
        fig.add_trace(go.Scatter(
            x=rows["period"], y=rows[value], name=label(entity), mode="lines+markers",
            customdata=[target(entity=str(entity), period=p.date().isoformat(), grain=grain) for p in rows["period"]],
            hovertemplate="%{fullData.name}<br>%{x|" + TIME_FORMATS.get(grain, "%Y-%m-%d") + "}: %{y"
                          + (":.1%" if share else "") + "}<extra></extra>",
        ))
    _layout(fig, title, hovermode="closest")
    fig.update_yaxes(title="share" if share else "mentions", tickformat=".0%" if share else None, rangemode="tozero")
    _time_axis(fig, grain, data["period"].nunique())
    return fig


# --- open vs closed -----------------------------------------------------------------------------

def _stance_rows(df: pd.DataFrame) -> np.ndarray:
    return _kind_mask(df) & df["license"].notna().to_numpy()


def license_split(df: pd.DataFrame) -> pd.DataFrame:
    """license, license_from, mentions over company/product mentions that carry a stance
    (a stance without a recorded source counts as said in the text)."""
    counts = summaries.count_by({"license": df["license"], "license_from": df["license_from"]}, _stance_rows(df))
    counts["license_from"] = counts["license_from"].fillna("context")
    got = counts.groupby(["license", "license_from"])["n"].sum()
    out = pd.DataFrame([(lic, src, int(got.get((lic, src), 0))) for lic, src in STANCES],
                       columns=["license", "license_from", "mentions"])
    return out[out["mentions"] > 0].reset_index(drop=True)


def license_donut(df: pd.DataFrame) -> go.Figure:
    """Open vs closed split of company/product mentions; shade and hatching tell text from knowledge base."""
    title = "Open vs closed (mentions with a stance)"
    split = license_split(df)
    if split.empty:
        return empty_figure(title)
    styles = [STANCES[(lic, src)] for lic, src in zip(split["license"], split["license_from"])]
    fig = go.Figure(go.Pie(
        labels=[s[0] for s in styles], values=split["mentions"], hole=0.5, sort=False, direction="clockwise",
        marker={"colors": [s[1] for s in styles], "pattern": {"shape": [s[2] for s in styles]}},
        customdata=[target(license=lic, license_from=src) for lic, src in zip(split["license"], split["license_from"])],
        hovertemplate="%{label}: %{value} mentions (%{percent})<extra></extra>",
    ))
    return _layout(fig, title)


def license_over_time_data(df: pd.DataFrame, grain: str = "month") -> pd.DataFrame:
    counts = _period_counts(df, ["license", "license_from"], _stance_rows(df), grain)
    if counts.empty:
        return pd.DataFrame({"license": pd.Series(dtype="string"), "license_from": pd.Series(dtype="string"),
                             "period": pd.Series(dtype="datetime64[ns]"), "mentions": pd.Series(dtype="int64")})
    counts["license_from"] = counts["license_from"].fillna("context")
    counts = counts.groupby(["license", "license_from", "period"], sort=False)["n"].sum().reset_index()
    return counts.rename(columns={"n": "mentions"}).astype({"license": "string", "license_from": "string"})


def license_over_time(df: pd.DataFrame, grain: str = "month") -> go.Figure:
    """Stacked bars per period: open/closed mentions, hatched where the stance came from the knowledge base."""
    title = f"Open vs closed per {grain}"
    data = license_over_time_data(df, grain)
    if data.empty:
        return empty_figure(title)
    fig = go.Figure()
    for (lic, src), (name, colour, pattern) in STANCES.items():
        rows = data[(data["license"] == lic) & (data["license_from"] == src)]
        if rows.empty:
            continue
        fig.add_trace(go.Bar(
            x=rows["period"], y=rows["mentions"], name=name,
            marker={"color": colour, "pattern": {"shape": pattern}},
            customdata=[target(license=lic, license_from=src, period=p.date().isoformat(), grain=grain) for p in rows["period"]],
            hovertemplate=name + "<br>%{x|" + TIME_FORMATS.get(grain, "%Y-%m-%d") + "}: %{y}<extra></extra>",
        ))
    _layout(fig, title, barmode="stack")
    fig.update_yaxes(title="mentions")
    _time_axis(fig, grain, data["period"].nunique())
    return fig


def license_by_company_data(df: pd.DataFrame, top: int = 15) -> pd.DataFrame:
    """company, license, license_from, mentions for the `top` companies with most stance mentions."""
    rows = _stance_rows(df) & summaries.present(df["company"])
    counts = summaries.count_by({"company": df["company"], "license": df["license"], "license_from": df["license_from"]}, rows)
    if counts.empty:
        return pd.DataFrame({"company": pd.Series(dtype="string"), "license": pd.Series(dtype="string"),
                             "license_from": pd.Series(dtype="string"), "mentions": pd.Series(dtype="int64")})
    counts = counts.rename(columns={"n": "mentions"})
    counts["license_from"] = counts["license_from"].fillna("context")
    ranking = counts.groupby("company")["mentions"].sum().sort_values(ascending=False, kind="stable")
    keep = list(ranking.index[:top])
    counts = counts[counts["company"].isin(keep)]
    counts = counts.assign(rank=counts["company"].map({c: i for i, c in enumerate(keep)}))
    counts = counts.sort_values(["rank", "license", "license_from"], kind="stable").drop(columns="rank")
    return counts.reset_index(drop=True).astype({"company": "string", "license": "string", "license_from": "string"})


def license_by_company(df: pd.DataFrame, top: int = 15) -> go.Figure:
    """Per company (products count for their maker): mentions as open or closed."""
    title = f"Open vs closed by company (top {top})"
    data = license_by_company_data(df, top)
    if data.empty:
        return empty_figure(title)
    order = list(dict.fromkeys(data["company"]))
    fig = go.Figure()
    for (lic, src), (name, colour, pattern) in STANCES.items():
        rows = data[(data["license"] == lic) & (data["license_from"] == src)]
        if rows.empty:
            continue
        fig.add_trace(go.Bar(
            y=labels(rows["company"]), x=rows["mentions"], name=name, orientation="h",
            marker={"color": colour, "pattern": {"shape": pattern}},
            customdata=[target(company=c, license=lic, license_from=src) for c in rows["company"]],
            hovertemplate="%{y}: %{x} " + name + "<extra></extra>",
        ))
    _layout(fig, title, barmode="stack", height=max(300, 60 + 28 * len(order)))
    fig.update_yaxes(categoryorder="array", categoryarray=labels(order)[::-1], title=None)
    fig.update_xaxes(title="mentions")
    return fig


# --- funding ------------------------------------------------------------------------------------

def funding_by_company(df: pd.DataFrame, top: int = 15, facts: pd.DataFrame | None = None) -> go.Figure:
    """Total USD raised per company (funding + investment, each fact once); aggregates not included.
    `facts`: summaries.priced_facts(df), when already computed for funding_events."""
    title = f"Money raised by company, USD (funding + investment, top {top})"
    data = summaries.funding_by_company(df, facts)
    if data.empty:
        return empty_figure(title)
    ranking = data.groupby("company")["amount_usd"].sum().sort_values(ascending=False, kind="stable")
    order = list(ranking.index[:top])
    data = data[data["company"].isin(order)]
    fig = go.Figure()
    for money_type in summaries.RAISED_TYPES:
        rows = data[data["money_type"] == money_type]
        if rows.empty:
            continue
        fig.add_trace(go.Bar(
            y=labels(rows["company"]), x=rows["amount_usd"], name=money_type, orientation="h",
            marker={"color": MONEY_COLOURS[money_type]},
            customdata=[target(kind="money", company=c, money_type=money_type) for c in rows["company"]],
            hovertemplate="%{y}: $%{x:,.0f} (" + money_type + ")<extra></extra>",
        ))
    _layout(fig, title, barmode="stack", height=max(300, 60 + 28 * len(order)))
    fig.update_yaxes(categoryorder="array", categoryarray=labels(order)[::-1], title=None)
    fig.update_xaxes(title=None, tickformat="$.3s")
    return fig


def funding_events_data(df: pd.DataFrame, limit: int | None = None, facts: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per money fact (deduplicated) with a USD value and a known date, ordered by date:
    when, company, amount_usd, money_type, round, doc_id, start. With `limit`, only the largest
    `limit` facts; ``attrs["facts"]`` holds the number before the limit. `facts`:
    summaries.priced_facts(df), when already computed."""
    facts = summaries.priced_facts(df) if facts is None else facts
    facts = facts[facts["when"].notna().to_numpy()] if len(facts) else facts
    total = len(facts)
    if limit is not None and total > limit:
        facts = facts.iloc[np.argsort(-facts["amount_usd"].to_numpy(dtype="float64", na_value=0.0), kind="stable")[:limit]]
    out = pd.DataFrame({
        "when": pd.Series(facts["when"], dtype="datetime64[ns]"),
        "company": facts["company"].astype("string").fillna(summaries.UNATTRIBUTED),
        "amount_usd": facts["amount_usd"].astype("float64"),
        "money_type": facts["money_type"].astype("string").fillna("other"),
        "round": facts["round"].astype("string"),
        "doc_id": facts["doc_id"].astype("string"),
        "start": facts["start"].astype("int64"),
    })
    out = out.sort_values("when", kind="stable").reset_index(drop=True)
    out.attrs["facts"] = total
    return out


def funding_events(df: pd.DataFrame, limit: int = 300, facts: pd.DataFrame | None = None) -> go.Figure:
    """Money facts over time: bubble area = USD amount, colour = type of money. At most the
    `limit` largest facts are drawn (the title says so), so the browser never gets the whole table.
    `facts`: summaries.priced_facts(df), when already computed for funding_by_company."""
    title = "Funding events over time (bubble size = USD amount)"
    data = funding_events_data(df, limit, facts)
    if data.empty:
        return empty_figure(title)
    if data.attrs["facts"] > len(data):
        title += f": the {len(data):,} largest of {data.attrs['facts']:,}"
    sizeref = 2.0 * float(data["amount_usd"].max()) / (45.0 ** 2)
    fig = go.Figure()
    for money_type, rows in data.groupby("money_type", sort=False):
        fig.add_trace(go.Scatter(
            x=rows["when"], y=labels(rows["company"]), name=label(money_type), mode="markers",
            marker={"size": rows["amount_usd"], "sizemode": "area", "sizeref": sizeref, "sizemin": 4,
                    "color": MONEY_COLOURS.get(str(money_type), "#333333"), "line": {"width": 0.5, "color": "white"}},
            customdata=[target(doc_id=d, start=int(s)) for d, s in zip(rows["doc_id"], rows["start"])],
            text=[label(r) if pd.notna(r) else "" for r in rows["round"]],
            hovertemplate="%{y}<br>%{x|%Y-%m-%d}: $%{marker.size:,.0f} " + label(money_type) + " %{text}<extra></extra>",
        ))
    _layout(fig, title, height=max(320, 80 + 24 * data["company"].nunique()))
    fig.update_yaxes(title=None)
    return fig


# --- overview -----------------------------------------------------------------------------------

def mentions_by_language(df: pd.DataFrame) -> go.Figure:
    """Mentions per language, stacked by kind."""
    title = "Mentions by language and kind"
    counts = summaries.count_by({"lang": df["lang"], "kind": df["kind"]})
    counts = counts[counts["kind"].notna()]
    if counts.empty:
        return empty_figure(title)
    counts["lang"] = counts["lang"].fillna("?")
    order = list(counts.groupby("lang")["n"].sum().sort_values(ascending=False, kind="stable").index)
    fig = go.Figure()
    for kind in ("company", "product", "money", "date"):
        rows = counts[counts["kind"] == kind]
        if rows.empty:
            continue
        fig.add_trace(go.Bar(
            x=labels(rows["lang"]), y=rows["n"], name=kind, marker={"color": KIND_COLOURS[kind]},
            customdata=[target(lang=lang, kind=kind) for lang in rows["lang"]],
            hovertemplate="%{x}: %{y} " + kind + " mentions<extra></extra>",
        ))
    _layout(fig, title, barmode="stack")
    fig.update_xaxes(categoryorder="array", categoryarray=labels(order), title=None)
    fig.update_yaxes(title="mentions")
    return fig


def top_entities(df: pd.DataFrame, top: int = 15) -> go.Figure:
    """The most mentioned companies and products, coloured by kind."""
    title = f"Most mentioned companies and products (top {top})"
    data = summaries.entity_counts(df).head(top)
    if data.empty:
        return empty_figure(title)
    fig = go.Figure()
    for kind in summaries.ENTITY_KINDS:
        rows = data[data["kind"] == kind]
        if rows.empty:
            continue
        fig.add_trace(go.Bar(
            y=labels(rows["entity"]), x=rows["mentions"], orientation="h", name=kind, marker={"color": KIND_COLOURS[kind]},
            customdata=[target(entity=e) for e in rows["entity"]],
            hovertemplate="%{y}: %{x} mentions<extra></extra>",
        ))
    _layout(fig, title, barmode="stack", height=max(300, 60 + 26 * len(data)))
    fig.update_yaxes(categoryorder="array", categoryarray=labels(data["entity"])[::-1], title=None)
    fig.update_xaxes(title="mentions")
    return fig


def new_organisations(df: pd.DataFrame, top: int = 20) -> go.Figure:
    """The most mentioned organisations that are not in the knowledge base (for review)."""
    title = f"New organisations (not in the knowledge base), top {top}"
    data = summaries.unlinked_organisations(df).head(top)
    if data.empty:
        return empty_figure(title)
    fig = go.Figure(go.Bar(
        y=labels(data["entity"]), x=data["mentions"], orientation="h", marker={"color": "#e45756"}, name="mentions",
        customdata=[target(entity=e, linked=False) for e in data["entity"]],
        hovertemplate="%{y}: %{x} mentions<extra></extra>",
    ))
    _layout(fig, title, height=max(260, 60 + 28 * len(data)), showlegend=False)
    fig.update_yaxes(categoryorder="array", categoryarray=labels(data["entity"])[::-1], title=None)
    fig.update_xaxes(title="mentions")
    return fig


ALL_CHARTS = ("timeline", "license_donut", "license_over_time", "license_by_company", "funding_by_company",
              "funding_events", "mentions_by_language", "top_entities", "new_organisations")
