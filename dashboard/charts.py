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

from dashboard import attention, labels as words, periods, summaries
from dashboard.summaries import ENTITY_KINDS

NO_DATA = "No data for this selection"
# (license, license_from) -> legend label, colour, bar pattern (knowledge-base stances are hatched)
STANCES = {
    ("open", "context"): ("Open · stated in the text", "#1b7837", ""),
    ("open", "knowledge_base"): ("Open · knowledge base", "#7fbf7b", "/"),
    ("closed", "context"): ("Closed · stated in the text", "#b2182b", ""),
    ("closed", "knowledge_base"): ("Closed · knowledge base", "#ef8a62", "/"),
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


def titled(main: str, *details: str) -> str:
    """A chart title: what is counted, short enough for a half-width chart, and the details
    (what is left out, how sizes read) on smaller lines under it, one each."""
    return main + "".join(f"<br><sup>{detail}</sup>" for detail in details if detail)


def layout(title: str, **kwargs) -> dict:
    """Title at the top left, legend in one row under it and above the plot: never on the axis
    titles below (a legend under the plot collides with the x-axis title when there are few bars).
    Legend entries in the order the traces were added (plotly reverses them for stacked bars).
    `kwargs`: more layout (axes, height …); a dict given for legend or title is merged in."""
    base = {
        "title": {"text": title, "x": 0, "xanchor": "left", "y": 1, "yref": "container", "yanchor": "top",
                  "pad": {"t": 14, "l": 4}, "font": {"size": 15}},
        "margin": {"l": 10, "r": 10, "t": 90 + 25 * title.count("<br>"), "b": 10},  # room for each small line
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0, "xanchor": "left", "traceorder": "normal"},
        "clickmode": "event+select",
    }
    for key, value in kwargs.items():
        base[key] = {**base[key], **value} if isinstance(value, dict) and isinstance(base.get(key), dict) else value
    return base


def figure(traces: list[dict], title: str, **kwargs) -> go.Figure:
    """A Figure from trace dicts and the `layout`, in one constructor call: plotly validates
    once (updating a built figure's layout costs ~5 ms a call, and every chart is rebuilt on
    every rerun)."""
    return go.Figure(data=traces, layout=layout(title, **kwargs))


TIME_FORMATS = {"day": "%Y-%m-%d", "week": "%Y-%m-%d", "month": "%b %Y", "quarter": "Q%q %Y", "year": "%Y"}
TIME_STEPS = {"day": 86_400_000, "week": 7 * 86_400_000, "month": "M1", "quarter": "M3", "year": "M12"}


def time_axis(grain: str, shown) -> dict:
    """A date axis at the chart's grain: ticks in the period's own terms and never a time of day
    (one tick per period while there are few), and a range half a period beyond the first and
    last period, so one or two points get a sensible span. `shown`: the period starts drawn."""
    shown = pd.DatetimeIndex(pd.unique(pd.DatetimeIndex(shown)))
    axis = {"title": None, "tickformat": TIME_FORMATS.get(grain, "%Y-%m-%d"), "type": "date"}
    if len(shown):
        axis["range"] = periods.padded_range(shown, grain)
    if len(shown) <= 24 and grain in TIME_STEPS:
        axis.update(dtick=TIME_STEPS[grain], tick0="2000-01-03" if grain == "week" else "2000-01-01")
    return axis


def count_axis(values, title: str | None = None) -> dict:
    """An axis of counts: whole numbers only (never 0, 0.2 … 1), from zero."""
    values = np.asarray(list(values), dtype="float64")
    top = float(np.nanmax(values)) if len(values) else 0.0
    axis = {"title": title, "tickformat": ",d", "rangemode": "tozero"}
    if top < 8:
        axis.update(dtick=1, tick0=0, range=[0, max(1.0, top) * 1.1])
    return axis


def money_axis() -> dict:
    """US dollars as $500M, $2B, $40B (plotly's "B" exponent format; SI would say $2G)."""
    return {"title": None, "tickprefix": "$", "exponentformat": "B", "rangemode": "tozero"}


def category_axis(order) -> dict:
    """Categories in this order (plotly draws a y axis from the bottom: pass it reversed to have
    the first category on top)."""
    return {"categoryorder": "array", "categoryarray": list(order), "title": None}


def _bar_width(grain: str) -> float:
    """Bars on a date axis as wide as 80% of their period (plotly would size them from the
    nearest two bars, so two bars a year apart would each be a year wide)."""
    return 0.8 * periods.length_ms(grain)


def empty_figure(title: str = "", message: str = NO_DATA) -> go.Figure:
    return figure([], title, xaxis={"visible": False}, yaxis={"visible": False}, annotations=[
        {"text": message, "showarrow": False, "x": 0.5, "y": 0.5, "xref": "paper", "yref": "paper", "font": {"size": 16}}])


def _period_counts(df: pd.DataFrame, keys: list[str], rows: np.ndarray, grain: str) -> pd.DataFrame:
    """Rows per (keys..., period) over the dated rows selected by `rows`; sorted by period."""
    rows = rows & summaries.placeable(df, grain)  # a year-grain document is in year views only
    counts = summaries.count_by({**{k: df[k] for k in keys}, "period": df["published"]}, rows, grain=grain)
    counts["period"] = pd.to_datetime(counts["period"]).astype("datetime64[ns]")
    return counts.sort_values("period", kind="stable").reset_index(drop=True)


def _kind_mask(df: pd.DataFrame, kinds=ENTITY_KINDS) -> np.ndarray:
    return summaries.is_in(df["kind"], kinds)


# --- attention timeline -------------------------------------------------------------------------

def timeline_data(df: pd.DataFrame, grain: str = "month", top: int = 8, entities=None, documents=None,
                  measure: str = "share", rolling: int = 0) -> pd.DataFrame:
    """See dashboard.attention.attention: one row per entity and period of the view."""
    return attention.attention(df, documents, grain, top, entities, measure, rolling)


TIMELINE_TITLES = {
    "share": "Share of documents that mention each company or product, per {grain}",
    "documents": "Documents that mention each company or product, per {grain}",
    "mentions": "Mentions of each company or product, per {grain}",
}
TIMELINE_DETAILS = {
    "share": "documents mentioning it ÷ all documents of the {grain}; grey bars: all documents",
    "documents": "grey bars: all documents of the {grain}",
    "mentions": "every time a name is found; grey bars: all documents of the {grain}",
}


def timeline(df: pd.DataFrame, grain: str = "month", top: int = 8, entities=None, measure: str = "share",
             documents: pd.DataFrame | None = None, rolling: int = 0, title: str | None = None) -> go.Figure:
    """Attention per entity over time (one line each) over a thin strip of all documents per
    period. Every period of the view is on the axis: 0 where the entity is not mentioned, a gap
    where the period has no documents (the legend says so)."""
    detail = TIMELINE_DETAILS.get(measure, TIMELINE_DETAILS["share"]).format(grain=grain)
    if rolling and rolling > 1:
        detail = f"{rolling}-{grain} rolling {'share' if measure == 'share' else 'average'}; " + detail
    title = titled(title or TIMELINE_TITLES.get(measure, TIMELINE_TITLES["share"]).format(grain=grain), detail)
    data = timeline_data(df, grain, top, entities, documents, measure, rolling)
    if data.empty:
        return empty_figure(title)
    totals = data.attrs["totals"]
    traces = []  # dicts and one Figure(...) call: plotly validates once (the chart is rebuilt on every rerun)
    for entity, rows in data.groupby("entity", sort=False):
        when = [words.date_at(p, grain) for p in rows["period"]]
        text = [f"{w}: {_attention_text(measure, v, d, m, t)}" for w, v, d, m, t in
                zip(when, rows["value"], rows["documents"], rows["mentions"], rows["total"])]
        traces.append({
            "type": "scatter", "x": rows["period"], "y": rows["value"], "name": label(entity), "mode": "lines+markers",
            "connectgaps": False, "xaxis": "x", "yaxis": "y",
            "customdata": [target(entity=str(entity), period=p.date().isoformat(), grain=grain) for p in rows["period"]],
            "text": text, "hovertemplate": "%{fullData.name}<br>%{text}<extra></extra>",
        })
    traces.append({  # the volume strip under the lines, on the same x axis
        "type": "bar", "x": totals.index, "y": totals.to_numpy(), "name": "All documents", "marker": {"color": "#9e9e9e"},
        "showlegend": False, "width": _bar_width(grain), "textposition": "none", "xaxis": "x", "yaxis": "y2",
        "customdata": [target(period=p.date().isoformat(), grain=grain) for p in totals.index],
        "text": [f"{words.date_at(p, grain)}: {words.document_count(int(n))} in all" for p, n in totals.items()],
        "hovertemplate": "%{text}<extra></extra>",
    })
    if measure == "share":
        top_value = float(np.nanmax(data["value"].to_numpy())) if data["value"].notna().any() else 0.0
        y = {"title": "share of documents", "tickformat": ".1%" if top_value < 0.05 else ".0%", "rangemode": "tozero"}
    else:
        y = count_axis(data["value"].dropna(), "documents" if measure == "documents" else "mentions")
    gaps = bool((totals == 0).any())
    return figure(traces, title, hovermode="closest", height=500, bargap=0,
                  xaxis={**time_axis(grain, totals.index), "anchor": "y2"},
                  yaxis={**y, "domain": [0.24, 1.0]},
                  yaxis2={"title": "all docs", "tickformat": ",d", "rangemode": "tozero", "nticks": 3, "domain": [0.0, 0.18]},
                  legend={"title": {"text": "Gaps: periods with no documents at all. " if gaps else None}})


def _attention_text(measure: str, value, documents: int, mentions: int, total: int) -> str:
    if total == 0:
        return "no documents in this period"
    docs = f"{documents:,} of {words.document_count(total)}"
    if measure == "share":
        return f"{value:.1%} ({docs})"
    if measure == "documents":
        return f"{value:,.3g} documents ({docs})" if value != int(value) else f"{docs}"
    return f"{value:,.3g} mentions in {words.document_count(documents)}" if value != int(value) else \
        f"{words.plural(mentions, 'mention')} in {words.document_count(documents)}"


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


def license_split_chart(df: pd.DataFrame) -> go.Figure:
    """The same split as bars (clickable on every Streamlit version): how many stance mentions
    are open or closed, stated in the text or from the knowledge base."""
    title = "Open vs closed: where each stance comes from"
    split = license_split(df)
    if split.empty:
        return empty_figure(title)
    total = int(split["mentions"].sum())
    kb = int(split.loc[split["license_from"] == "knowledge_base", "mentions"].sum())
    title = titled(title, f"{kb / total:.0%} of these stances come from the knowledge base, {1 - kb / total:.0%} are stated in the text")
    traces = []
    for (lic, src), n in zip(zip(split["license"], split["license_from"]), split["mentions"]):
        name, colour, pattern = STANCES[(lic, src)]
        traces.append(dict(
            type="bar", y=[name], x=[int(n)], name=name, orientation="h", marker={"color": colour, "pattern": {"shape": pattern}},
            text=[f"{n / total:.0%}"], textposition="outside", cliponaxis=False, showlegend=False,
            customdata=[target(license=lic, license_from=src)],
            hovertemplate=f"{name}: {int(n):,} of {total:,} stance mentions ({n / total:.0%})<extra></extra>",
        ))
    order = [STANCES[k][0] for k in STANCES if k in set(zip(split["license"], split["license_from"]))]
    return figure(traces, title, height=300, barmode="stack", yaxis=category_axis(order[::-1]),
                  xaxis=count_axis(split["mentions"], "mentions"))


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
    title = titled(f"Open vs closed per {grain}", "mentions of companies and products that carry a stance")
    data = license_over_time_data(df, grain)
    if data.empty:
        return empty_figure(title)
    traces = []
    for (lic, src), (name, colour, pattern) in STANCES.items():
        rows = data[(data["license"] == lic) & (data["license_from"] == src)]
        if rows.empty:
            continue
        traces.append(dict(
            type="bar", x=rows["period"], y=rows["mentions"], name=name, width=_bar_width(grain),
            marker={"color": colour, "pattern": {"shape": pattern}},
            customdata=[target(license=lic, license_from=src, period=p.date().isoformat(), grain=grain) for p in rows["period"]],
            text=[words.date_at(p, grain) for p in rows["period"]], textposition="none",
            hovertemplate=name + "<br>%{text}: %{y:,d} mentions<extra></extra>",
        ))
    totals = data.groupby("period")["mentions"].sum()
    return figure(traces, title, barmode="stack", yaxis=count_axis(totals.to_numpy(), "mentions"),
                  xaxis=time_axis(grain, periods.every_period(totals.index.min(), totals.index.max(), grain)))


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
    title = titled(f"Open vs closed by company (top {top})", "mentions with a stance; products count for their maker")
    data = license_by_company_data(df, top)
    if data.empty:
        return empty_figure(title)
    order = list(dict.fromkeys(data["company"]))
    traces = []
    for (lic, src), (name, colour, pattern) in STANCES.items():
        rows = data[(data["license"] == lic) & (data["license_from"] == src)]
        if rows.empty:
            continue
        traces.append(dict(
            type="bar", y=labels(rows["company"]), x=rows["mentions"], name=name, orientation="h",
            marker={"color": colour, "pattern": {"shape": pattern}},
            customdata=[target(company=c, license=lic, license_from=src) for c in rows["company"]],
            hovertemplate="%{y}: %{x:,d} mentions, " + name + "<extra></extra>",
        ))
    return figure(traces, title, barmode="stack", height=max(300, 100 + 28 * len(order)), yaxis=category_axis(labels(order)[::-1]),
                  xaxis=count_axis(data.groupby("company")["mentions"].sum().to_numpy(), "mentions"))


# --- overview -----------------------------------------------------------------------------------

def mentions_by_language(df: pd.DataFrame | None, counts: pd.DataFrame | None = None) -> go.Figure:
    """Mentions per language, stacked by kind. `counts`: the rows per (lang, kind) with ``n``,
    when known (SQL over a large store's files: dashboard/overview.py); else counted from `df`."""
    title = "Mentions per language, by kind"
    counts = summaries.count_by({"lang": df["lang"], "kind": df["kind"]}) if counts is None else counts
    counts = counts[counts["kind"].notna()].sort_values(["lang", "kind"], kind="stable", na_position="last")
    if counts.empty:
        return empty_figure(title)
    counts["lang"] = counts["lang"].fillna("?")
    order = list(counts.groupby("lang")["n"].sum().sort_values(ascending=False, kind="stable").index)
    traces = []
    for kind in ("company", "product", "money", "date"):
        rows = counts[counts["kind"] == kind]
        if rows.empty:
            continue
        traces.append(dict(
            type="bar", x=labels(words.value("lang", v) or "?" for v in rows["lang"]), y=rows["n"], name=words.value("kind", kind),
            marker={"color": KIND_COLOURS[kind]},
            customdata=[target(lang=None if lang == "?" else lang, kind=kind) for lang in rows["lang"]],
            hovertemplate="%{x}: %{y:,d} " + kind + " mentions<extra></extra>",
        ))
    return figure(traces, title, barmode="stack", xaxis=category_axis(labels(words.value("lang", v) or "?" for v in order)),
                  yaxis=count_axis(counts.groupby("lang")["n"].sum().to_numpy(), "mentions"))


def top_entities(df: pd.DataFrame | None, top: int = 15, counts: pd.DataFrame | None = None) -> go.Figure:
    """The most mentioned companies and products, coloured by kind. `counts`:
    summaries.entity_counts when known (as for mentions_by_language)."""
    title = titled(f"Most mentioned companies and products (top {top})", "mentions")
    data = (summaries.entity_counts(df) if counts is None else counts).head(top)
    if data.empty:
        return empty_figure(title)
    traces = []
    for kind in summaries.ENTITY_KINDS:
        rows = data[data["kind"] == kind]
        if rows.empty:
            continue
        traces.append(dict(
            type="bar", y=labels(rows["entity"]), x=rows["mentions"], orientation="h", name=words.value("kind", kind),
            marker={"color": KIND_COLOURS[kind]},
            customdata=[target(entity=e) for e in rows["entity"]],
            hovertemplate="%{y}: %{x:,d} mentions<extra></extra>",
        ))
    return figure(traces, title, barmode="stack", height=max(300, 100 + 26 * len(data)),
                  yaxis=category_axis(labels(data["entity"])[::-1]), xaxis=count_axis(data["mentions"], "mentions"))


def new_organisations(df: pd.DataFrame, top: int = 20, table: pd.DataFrame | None = None) -> go.Figure:
    """The most mentioned organisations that are not in the knowledge base (for review);
    `table`: summaries.unlinked_organisations(df), when the page already has it."""
    title = titled(f"New organisations (top {top})", "found by NER, not in the knowledge base; mentions")
    data = (summaries.unlinked_organisations(df) if table is None else table).head(top)
    if data.empty:
        return empty_figure(title)
    bars = dict(type="bar", y=labels(data["entity"]), x=data["mentions"], orientation="h", marker={"color": "#e45756"},
                name="mentions", customdata=[target(entity=e, linked=False) for e in data["entity"]],
                hovertemplate="%{y}: %{x:,d} mentions<extra></extra>")
    return figure([bars], title, height=max(260, 80 + 28 * len(data)), showlegend=False,
                  yaxis=category_axis(labels(data["entity"])[::-1]), xaxis=count_axis(data["mentions"], "mentions"))


ALL_CHARTS = ("timeline", "license_split_chart", "license_over_time", "license_by_company",
              "mentions_by_language", "top_entities", "new_organisations")
