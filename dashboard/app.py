"""AI-industry trends dashboard: `streamlit run dashboard/app.py [-- --data DIR]`.

Thin on purpose: widgets, layout, caching and wiring. What is counted and drawn lives in pure
modules (filters, summaries, charts, drilldown); where the data comes from lives in data.py.

Data: ``--data DIR`` or ``AI_TRENDS_DATA=DIR`` (an ETL output directory), else the seed corpus
run through the ETL once. ``AI_TRENDS_READ_ONLY=1`` switches uploads off (hosted use).
"""
from __future__ import annotations

import functools
import gc
import json
import math
import os
import sys
from pathlib import Path

if __package__ in (None, ""):  # `streamlit run dashboard/app.py` puts dashboard/ on the path, not the project
    _root = str(Path(__file__).resolve().parents[1])
    if _root not in sys.path:
        sys.path.insert(0, _root)

import pandas as pd  # noqa: E402
import streamlit as st  # noqa: E402

from dashboard import auth, charts, data, drilldown, entity_page, filters, overview, signin, summaries  # noqa: E402
from dashboard import funding_tab as events_tab  # noqa: E402
from dashboard import labels as words  # noqa: E402
from etl import query as etl_query  # noqa: E402
from etl.formats import suffixes  # noqa: E402

TABLE_ROWS = 1_000  # rows sent to the browser in a table; downloads hold everything
INLINE_CSV_ROWS = 1_000  # larger downloads are built only when clicked
SENTENCES = 50  # source sentences shown in the drill-down
UPLOAD_TYPES = sorted({s.rsplit(".", 1)[-1] for s in suffixes().split(", ")})  # what the ETL reads: etl/formats
ARTICLE_COLUMNS = {  # the article a row comes from: its title, and its address as a link (http(s) only)
    words.column("url"): st.column_config.LinkColumn(words.column("url"), display_text="open"),
    words.column("amount_usd"): st.column_config.NumberColumn(words.column("amount_usd"), format="dollar"),
    words.column("amount"): st.column_config.NumberColumn(words.column("amount"), format="localized"),
}
MONEY_SHOWN = {"amount_text": "Amount", "usd_text": "USD"}  # money as $1.3B / ₹500 Cr in tables

# Article text must never reach a spreadsheet as a formula: the only CSV a reader gets is our own
# download (neutralised, etl/export.py), so the table toolbar's "Download as CSV" and cell copy are
# switched off. .streamlit/config.toml says so; a server started elsewhere gets it here.
# An error page shows a generic message only: no exception text, no traceback with server paths.
SAFE_CLIENT_OPTIONS = {"client.disableDataExport": True, "client.showErrorDetails": "none"}


def enforce_client_options() -> None:
    """Set the client options above when the server's configuration did not; the browser learns
    them at the start of a run, so a run that had to change them starts again at once."""
    changed = [key for key, value in SAFE_CLIENT_OPTIONS.items() if st.get_option(key) != value]
    for key in changed:
        st.set_option(key, SAFE_CLIENT_OPTIONS[key])
    if changed:
        st.rerun()


enforce_client_options()
st.set_page_config(page_title="AI industry trends", layout="wide")  # an emoji icon costs 0.3 s on first run
ss = st.session_state
access = signin.gate()  # with [auth] configured: stops here unless signed in and allowed


# --- data (cached once per process, per version of the store files) -----------------------------

@st.cache_resource(show_spinner="Running the ETL on the seed corpus (first start only)…")
def default_store() -> str:
    return str(data.default_store(os.environ))


# One entry: a process serves one store and scope, so a new entry is that store's newer version,
# and the older one's dataset (and the store version it holds) goes as soon as no session's run
# still reads it (and, for a large store, its background load has ended), instead of lasting
# until newer ones push it out.
@st.cache_resource(max_entries=1, show_spinner="Loading the dataset…")
def load(store: str, signature: tuple, origin: str, scope: data.Scope) -> data.Opening:
    """The dataset and what every view needs from it, once per process (data.open_store: a large
    store's first page from SQL while it loads). `signature` (the store files' mtimes and sizes)
    is part of the key, so a re-run of the ETL is picked up."""
    def whole(small_tables: data.SmallTables | None) -> data.Prepared:
        # Streamlit collects garbage after every run (runner.postScriptGC); a full collection walks
        # every object pandas, plotly, Streamlit and the dataset made, ~a third of a busy server's
        # time. So what exists once a dataset is loaded is frozen, and later collections skip it;
        # thawed first and collected, so what an earlier version left goes.
        gc.unfreeze()
        prepared = data.prepare(data.read_store(Path(store), origin, scope, small_tables=small_tables))
        # (a large store loads in the background: what sessions hold meanwhile is frozen too,
        # and stays until the next load thaws it; once per store version)
        gc.collect()  # what is garbage now goes before the rest is frozen
        gc.freeze()
        return prepared

    return data.open_store(Path(store), scope, whole, origin)


def loaded(opening: data.Opening) -> data.Prepared:
    """The opened store's dataset, waiting for it if it is still loading. A failed load is not
    kept: the next run tries again."""
    try:
        if opening.ready():
            return opening.prepared()
        rows = words.plural(opening.first_page.rows, "row") if opening.first_page else "rows"
        with st.spinner(f"Loading the dataset ({rows}) for this view… The Overview without filters does not wait for it."):
            return opening.prepared()
    except Exception:
        load.clear()
        raise


@st.cache_resource(max_entries=1)
def shared_answers(store: str, signature: tuple, scope: data.Scope) -> etl_query.Results:
    """What the tabs compute (counts, charts, tables, sentences) for one version of the data, per
    set of filters, shared by every session of the process: a team looks at the same views, and
    ten sessions on two cores otherwise queue behind each other's identical work. A bounded LRU
    of small answers, with the same key as `load`, so it goes with its version."""
    return etl_query.Results(entries=256, max_rows=5_000)


def shared(what: str, f: filters.Filters, compute, *key):
    """`compute()`, or the answer another session already got for the same data, filters and
    `key`. A session with its own uploads has its own data: it never reads or writes them."""
    answers = ss.get("_answers")
    return compute() if answers is None else answers.get((f, what, *key), compute)


def session_dataset() -> data.Prepared | data.Opening:
    """The loaded dataset, with this session's uploads merged in; or, while a large store loads
    and the session has no uploads, the store's Opening (its first page)."""
    chosen = data.data_dir(sys.argv[1:], os.environ)
    store = chosen if chosen is not None else Path(default_store())
    signature = data.signature(store)
    scope = data.scope(sys.argv[1:], os.environ)
    origin = f"the dataset “{store.name}”" if chosen is not None else "the seed corpus"  # never the server's path
    opening = load(str(store), signature, origin + (f" ({scope.describe()})" if scope else ""), scope)
    uploads = ss.get("uploads", [])
    ss["_answers"] = None if uploads else shared_answers(str(store), signature, scope)
    if opening.first_page is not None and not opening.ready() and not uploads:
        return opening
    base = loaded(opening)
    if not uploads:
        return base
    key = (str(store), signature, len(uploads))
    if ss.get("merged", (None,))[0] != key:
        merged = base.dataset
        for names, tables in uploads:
            merged = data.merge(merged, tables, names)
        ss["merged"] = (key, data.prepare(merged))
    return ss["merged"][1]


# --- uploads ------------------------------------------------------------------------------------

def add_shared(f, store, bar, i: int, n: int):
    """One file through the ETL into the server's store, the bar following the worker's count."""
    def progress(state) -> None:
        if isinstance(state, str):  # waiting for the store's lock
            bar.progress(i / n, text=f"{f.name}: {state}")
        else:
            done, total = state
            bar.progress((i + done / max(total, 1)) / n, text=f"Adding {f.name}: {done} of {total} documents…")

    return data.add_uploads([(f.name, f.getvalue())], Path(store), access.email, progress)


def upload_section() -> None:
    st.subheader("Add documents")
    if not access.can_upload:
        st.caption(access.upload_note)
        return
    limit = data.max_file_bytes(os.environ)
    store = data.data_dir(sys.argv[1:], os.environ)
    shared = data.shared_uploads(access.status == auth.Status.ALLOWED, store, os.environ)
    files = st.file_uploader(
        f"Articles (text, HTML, feeds, JSON, CSV, WARC, zip or tar), at most {limit / 2**20:g} MB per file",
        type=UPLOAD_TYPES, accept_multiple_files=True, key="uploader",
        max_upload_size=max(1, math.ceil(limit / 2**20)),  # the uploader's own note then says the real limit
        help="They are added to the team's data: everyone sees them." if shared else "They are added to your session only.",
    )
    done = ss.setdefault("upload_ids", set())
    new = [f for f in files or [] if f.file_id not in done]
    if new:
        messages = ss.setdefault("upload_messages", [])
        messages.clear()
        for f in new:
            done.add(f.file_id)
        for text in data.check_upload_sizes([(f.name, f.size) for f in new], limit):
            messages.append(("error", text))
        wanted = [f for f in new if f.size <= limit]
        bar = st.progress(0.0, text="Extracting…") if wanted else None
        for i, f in enumerate(wanted):
            bar.progress(i / len(wanted), text=f"Extracting {f.name} ({i + 1}/{len(wanted)})…")
            try:
                if shared:
                    tables = add_shared(f, store, bar, i, len(wanted))
                else:
                    tables = data.extract_uploads([(f.name, f.getvalue())])
            except data.UploadFailed as exc:  # killed for time, or died: say so, keep the app alive
                messages.append(("error", f"{f.name}: extraction failed: {exc}"))
                continue
            except Exception as exc:  # the ETL's own failure: report, keep the app alive
                messages.append(("error", f"{f.name}: extraction failed ({type(exc).__name__}: {exc})"))
                continue
            for source, error in zip(tables.errors["source"], tables.errors["error"]):
                messages.append(("warning", f"{source}: {error}"))
            if not shared and (len(tables.documents) or len(tables.errors)):  # errors too: they join the Overview's list
                ss.setdefault("uploads", []).append(([f.name], tables))
            added = f"{words.document_count(len(tables.documents))}, {words.plural(len(tables.mentions), 'mention')} added"
            if shared and len(tables.documents):
                messages.append(("success", f"{f.name}: {added} to the team's data"))
            elif shared:
                messages.append(("info", f"{f.name}: nothing new (its documents are in the data already)"))
            elif len(tables.documents):
                messages.append(("success", f"{f.name}: {added}"))
        if bar is not None:
            bar.progress(1.0, text="Done")
    for level, text in ss.get("upload_messages", []):  # file names and ETL errors come from the uploads
        getattr(st, level)(drilldown.escape_markdown(text))
    if ss.get("uploads"):
        names = [n for names, _ in ss["uploads"] for n in names]
        st.caption(drilldown.escape_markdown(f"In this session: {', '.join(names)}"))
        if st.button("Remove uploaded documents", key="upload_reset"):
            ss["uploads"], ss["upload_messages"] = [], []
            ss.pop("merged", None)
            st.rerun()


# --- filters (sidebar) and the URL --------------------------------------------------------------

MEASURE_NAMES = {"share": "Share of documents", "documents": "Documents", "mentions": "Mentions"}
ROLLING_NAMES = {0: "Off", 3: "3 periods", 7: "7 periods"}
ENTITY_SCOPE = "entity page"  # the drill-down of the entity page is its own, like a tab's


def prepare_widget_state(choices: dict, bounds, grain_default: str = "month") -> None:
    """On a session's first run, the widgets start from the URL; on every run, chosen values that
    no longer exist (other data, removed uploads) are dropped before the widgets are drawn."""
    if not ss.get("_url_read"):
        params = {k: st.query_params.get_all(k) for k in st.query_params}
        notices: list[str] = []
        f, view = filters.from_query_params(params, notices)
        ss["_url_notices"] = notices + filters.unknown_choices(f, choices)
        for attr in filters.MULTI.values():
            ss[f"f_{attr}"] = list(getattr(f, attr))
        ss["f_undated"], ss["f_source_text"] = f.undated, f.source_text
        if bounds:
            ss["f_dates"] = (f.date_from or bounds[0], f.date_to or bounds[1])
        ss["v_grain"], ss["v_top"], ss["v_measure"], ss["v_rolling"] = view.grain, view.top, view.measure, view.rolling
        if "grain" not in params:  # data dated only by year (the seeds) opens on the year view, not an empty month one
            ss["v_grain"] = grain_default
        if "tab" in params or "tab" not in ss:
            ss["tab"] = view.tab
        entities = set(choices["companies"]) | set(choices["products"])
        ss["entity"] = view.entity if view.entity in entities else ""
        if view.entity and not ss["entity"]:
            ss["_url_notices"].append(f"entity={view.entity} (not in this data)")
        ss["compare"] = [c for c in view.compare if c in entities]
        target = drilldown.Target.from_param(view.drill)
        ss["drill"] = {scope_of(ss["entity"], ss["tab"]): target} if target else {}
        ss["_url_read"] = True
    for attr in filters.MULTI.values():
        allowed = set(choices[attr] or ())  # no list of sources (too many): none chosen
        ss[f"f_{attr}"] = [v for v in ss.get(f"f_{attr}", []) if v in allowed]
    if bounds and ss.get("f_dates"):
        ss["f_dates"] = filters.follow_bounds(ss["f_dates"], bounds, ss.get("_date_bounds"))
    ss["_date_bounds"] = bounds


def scope_of(entity: str, tab: str) -> str:
    return ENTITY_SCOPE if entity else tab


def filter_widgets(choices: dict, bounds, documents: pd.DataFrame) -> tuple[filters.Filters, filters.View]:
    st.header("Filters")
    date_from = date_to = None
    if bounds:
        picked = st.date_input("Published between", key="f_dates", min_value=bounds[0], max_value=bounds[1], format="YYYY-MM-DD")
        date_from, date_to = filters.date_range(picked if isinstance(picked, (tuple, list)) else (picked,), bounds)
    st.checkbox("Include documents without a date", key="f_undated")
    st.multiselect("Languages", choices["langs"], key="f_langs", placeholder="All", format_func=lambda v: words.value("lang", v) or v)
    st.multiselect("Companies", choices["companies"], key="f_companies", placeholder="All",
                   help="Keeps the company's own mentions, its products and money it raised.")
    st.multiselect("Products", choices["products"], key="f_products", placeholder="All")
    st.multiselect("Kinds", choices["kinds"], key="f_kinds", placeholder="All", format_func=lambda v: words.value("kind", v) or v)
    st.multiselect("Open / closed source", choices["licenses"], key="f_licenses", placeholder="All",
                   format_func=lambda v: "No stance" if v == filters.LICENSE_NONE else words.value("license", v),
                   help="'No stance' = mentions without one (and all money and date rows).")
    if choices["sources"] is not None:
        labels = drilldown.source_labels(documents, choices["sources"])  # titles and sites, not file names
        st.multiselect("Sources", choices["sources"], key="f_sources", placeholder="All", format_func=lambda s: labels.get(s, s))
    else:
        ss["f_sources"] = []
        st.text_input("Source contains", key="f_source_text", max_chars=200)
    st.subheader("Display")
    st.selectbox("Time step", filters.GRAINS, key="v_grain", format_func=str.capitalize)
    st.slider("Entities on the timeline", *filters.TOP_RANGE, key="v_top")
    st.radio("Timeline shows", filters.MEASURES, key="v_measure", format_func=MEASURE_NAMES.get,
             help="Share of documents: the documents of a period that mention the entity, out of all documents "
                  "of that period. Documents: how many mention it. Mentions: every time its name is found.")
    st.selectbox("Rolling average", filters.ROLLING, key="v_rolling", format_func=ROLLING_NAMES.get)
    st.toggle("Products as families (Qwen for Qwen2.5-VL, Qwen 2.5 Max …)", key="v_family",
              help="Off: every version is its own line. On: the versions of a product count under its family, "
                   "on the Timeline and in its source sentences.")
    f = filters.Filters(
        date_from=date_from, date_to=date_to, undated=ss["f_undated"], langs=ss["f_langs"],
        companies=ss["f_companies"], products=ss["f_products"], kinds=ss["f_kinds"], licenses=ss["f_licenses"],
        sources=ss["f_sources"], source_text=ss.get("f_source_text", "").strip(),
    )
    return f, current_view()


def current_view() -> filters.View:
    tab = ss.get("tab", filters.TABS[0])
    target = ss.get("drill", {}).get(scope_of(ss.get("entity", ""), tab))
    return filters.View(grain=ss["v_grain"], top=ss["v_top"], measure=ss["v_measure"], rolling=ss["v_rolling"],
                        tab=tab, entity=ss.get("entity", ""), compare=tuple(ss.get("compare", [])),
                        drill=tuple(target.to_param()) if target else ())


def write_url(f: filters.Filters, view: filters.View) -> None:
    wanted = {k: v if isinstance(v, list) else [v] for k, v in filters.to_query_params(f, view).items()}
    current = {k: st.query_params.get_all(k) for k in st.query_params}
    if wanted != current:
        st.query_params.from_dict(wanted)


# --- drill-down ---------------------------------------------------------------------------------

def set_drill(scope: str, target: drilldown.Target | None) -> None:
    ss.setdefault("drill", {})[scope] = target


def plot(fig, key: str, scope: str) -> None:
    """A chart whose clicked mark becomes the drill-down target of its tab (or entity page)."""
    event = st.plotly_chart(fig, key=key, on_select="rerun", selection_mode="points")
    selection = event.selection if event is not None else None
    signature = json.dumps((selection or {}).get("points", []), sort_keys=True, default=str)
    seen = ss.setdefault("_seen_selection", {})
    if seen.get(key) != signature:
        seen[key] = signature
        found = drilldown.target_from_selection(selection)
        if found is not None:
            set_drill(scope, found)


def open_entity(name: str | None, compare=()) -> None:
    ss["entity"] = name or ""
    ss["compare"] = [c for c in compare if c != name][: filters.MAX_COMPARE]


def drilldown_section(dataset: data.Dataset, rows_of, f: filters.Filters, choices: dict, scope: str,
                      family: bool = False) -> None:
    """`rows_of(columns)`: the filtered rows with these columns (taken only if the sentences are
    not shared already); `family`: they are the versions under their family (the Timeline's toggle)."""
    st.subheader("Source sentences")
    names = sorted(set(choices["companies"]) | set(choices["products"]))
    key = "drill_entity" if scope != ENTITY_SCOPE else "drill_entity_page"
    if key == "drill_entity" and ss.get("_drill_scope") != scope:  # a new tab: the picker shows its own target
        current = ss.get("drill", {}).get(scope)
        ss[key] = dict(current.equals).get("entity") if current and len(current.equals) == 1 else None
        ss["_drill_scope"] = scope
    st.selectbox("Show the sentences that mention…", names, key=key, index=None, placeholder="Click a chart, or type a name…",
                 on_change=lambda: set_drill(scope, drilldown.Target.of(entity=ss[key]) if ss.get(key) else None))
    target = ss.get("drill", {}).get(scope)
    if target is None:
        st.caption("Click a point, bar or slice in a chart, or choose an entity, to read the sentences behind it.")
        return
    def sentences():
        rows = drilldown.rows_for(rows_of(drilldown.reads(target)), target)
        labels, total = drilldown.pick_sentences(rows, SENTENCES)
        return len(rows), total, drilldown.mentions_html(dataset.rows(labels), dataset.documents, SENTENCES, total)

    # the target as text: a crafted click (a list, 1 for True) can neither break the key nor share one
    n_rows, total, html = shared("sentences", f, sentences, repr(target), family)
    left, middle, right = st.columns([5, 1.4, 1])
    left.markdown(f"**{drilldown.escape_markdown(drilldown.describe(target, dataset.documents))}**: "
                  f"{words.plural(n_rows, 'mention')} in {words.plural(total, 'sentence')} (within the filters)")
    if target.entity and target.entity != ss.get("entity"):
        middle.button(f"Open the page of {target.entity}", key=f"open_page_{scope}", on_click=open_entity, args=(target.entity,))
    right.button("Clear", key=f"drill_clear_{scope}", on_click=set_drill, args=(scope, None))
    st.html(html)


# --- tabs ---------------------------------------------------------------------------------------

def overview_tab(errors: pd.DataFrame, f, compute) -> None:
    """`compute()`: the tab's overview.Answers (from the filtered rows, or a large store's first
    page from SQL: the same answers, so either may serve the other's sessions)."""
    scope = "Overview"
    o, top, languages, unlinked, new_organisations = shared("overview", f, compute)
    cols = st.columns(6)
    with_mentions = f"{words.document_count(o.documents_with_mentions)} with mentions in this view"
    cols[0].metric("Documents", words.count(o.documents), help="; ".join(filter(None, [words.exact(o.documents), with_mentions])))
    cols[1].metric("Languages", len(o.languages),
                   help=drilldown.escape_markdown(", ".join(words.value("lang", v) for v in o.languages)))
    for col, label, n in ((cols[2], "Mentions", o.mentions), (cols[3], "Companies & products", o.entities),
                          (cols[4], "Undated documents", o.undated_documents), (cols[5], "ETL errors", o.errors)):
        col.metric(label, words.count(n), help=words.exact(n))
    st.caption(summaries.published_caption(o))
    left, right = st.columns(2)
    with left:
        plot(top, "chart_top_entities", scope)
    with right:
        plot(languages, "chart_languages", scope)
    st.subheader(f"New organisations for review: {o.unlinked_organisations:,}")
    st.caption(f"Found by the rules (a suffix or a frame) or by Stanza, but not in the knowledge base "
               f"({words.plural(o.unlinked_mentions, 'mention')}). "
               "Click a bar to read their sentences.")
    if unlinked is not None:
        plot(new_organisations, "chart_new_orgs", scope)
        st.dataframe(words.table(unlinked.head(TABLE_ROWS)), hide_index=True)
        st.button("Read the sentences of all new organisations", key="drill_unlinked", on_click=set_drill,
                  args=(scope, drilldown.Target.of(linked=False)))
    with st.expander(f"ETL errors ({o.errors:,})", expanded=False):
        if o.errors:
            st.dataframe(words.table(errors.head(TABLE_ROWS)), hide_index=True)
        else:
            st.write("Every input was read.")


def undated_note(undated: tuple[int, int]) -> None:
    docs, mentions = undated
    if mentions:
        st.caption(f"Left out of this chart for want of a date: {words.document_count(docs)} with "
                   f"{words.plural(mentions, 'company/product mention')}. They stay in the other views.")


def timeline_tab(dataset, view_of, f, v, family: bool) -> None:
    def compute():
        view = view_of()
        documents = filters.apply_documents(dataset.documents, f)
        return (summaries.undated(view), summaries.coarse_note(summaries.coarse(view, v.grain)),
                charts.timeline(view, v.grain, v.top, list(f.entities) or None, v.measure, documents, v.rolling))

    undated, coarse, chart = shared("timeline", f, compute, v.grain, v.top, v.measure, v.rolling, family)
    undated_note(undated)
    if coarse:
        st.caption(f"Left out of this {v.grain} chart: {coarse} (shown in the year view).")
    plot(chart, "chart_timeline", "Timeline")
    st.caption("Grey bars: all documents per period, so a spike in volume is visible. "
               "A gap in a line is a period with no documents at all; 0 is a period whose documents do not mention it.")


def license_tab(view_of, f, v) -> None:
    scope = "Open vs closed"
    st.caption("Solid: the stance is stated in the sentence. Hatched and lighter: it comes from the knowledge base.")
    def compute():
        view = view_of()
        return charts.license_split_chart(view), charts.license_over_time(view, v.grain), charts.license_by_company(view)

    split, over_time, by_company = shared("stance", f, compute, v.grain)
    left, right = st.columns(2)
    with left:
        plot(split, "chart_license_split", scope)
    with right:
        plot(over_time, "chart_license_time", scope)
    plot(by_company, "chart_license_company", scope)


def download(label: str, make, rows: int, file_name: str, key: str) -> None:
    """A CSV of `rows` rows that `make()` builds: now when small, only when clicked when large;
    none beyond what a spreadsheet holds (the whole text of millions of rows would be built in
    the server's memory for a file Excel cannot open): the export command instead."""
    if rows > data.SPREADSHEET_ROWS:
        st.button(label, key=key, disabled=True,
                  help=f"{rows:,} rows: more than a spreadsheet holds ({data.SPREADSHEET_ROWS:,}). Narrow the filters, "
                       "or export them with `python -m etl export --store DIR --csv FILE` and the same filters.")
        return
    st.download_button(label, make() if rows <= INLINE_CSV_ROWS else make, file_name=file_name,
                       mime="text/csv", key=key, on_click="ignore")


def file_name(stem: str, f: filters.Filters, extra=()) -> str:
    return words.download_name(stem, [*extra, *f.entities], f.langs, f.date_from, f.date_to, ss.get("_date_bounds"))


def money_table(rows: pd.DataFrame, columns) -> pd.DataFrame:
    """A money table for reading: amounts as $1.3B / ₹500 Cr (beside the type and round), codes
    in words, links checked."""
    rows = words.money_columns(rows.assign(url=drilldown.safe_urls(rows["url"])) if "url" in rows.columns else rows)
    kept = [c for c in columns if c not in ("amount", "currency", "amount_usd")]
    at = max((kept.index(c) + 1 for c in ("company", "money_type", "round", "text") if c in kept), default=0)
    shown = words.table(rows, kept[:at] + list(MONEY_SHOWN) + kept[at:])
    return shown.rename(columns={words.column(k): v for k, v in MONEY_SHOWN.items()})


def event_rows(shown: pd.DataFrame, key: str, scope: str) -> None:
    """A table of funding events (funding_tab.table_view) whose selected row becomes the
    drill-down target: every sentence that reports the event."""
    picked = st.dataframe(shown, hide_index=True, key=key, on_select="rerun", selection_mode="single-row",
                          column_config={events_tab.TABLE_LABELS["event_id"]: None})
    rows = list(getattr(getattr(picked, "selection", None), "rows", None) or [])
    seen = ss.setdefault("_seen_selection", {})
    if seen.get(key) != rows:
        seen[key] = rows
        if rows and rows[0] < len(shown):
            set_drill(scope, drilldown.Target.of(event_id=str(shown[events_tab.TABLE_LABELS["event_id"]].iloc[rows[0]])))


def funding_tab(dataset, view, f) -> None:
    """Totals, chart and table of funding events (dashboard/funding_tab.py): each event once."""
    table = events_tab.events(view, dataset.events, sources_of_largest=TABLE_ROWS)  # the download joins all of them
    scope = "Funding"
    left, right = st.columns(2)
    with left:
        plot(events_tab.totals_chart(table), "chart_funding_company", scope)
    with right:
        plot(events_tab.events_chart(table), "chart_funding_events", scope)
    st.caption("Totals and charts count funding events: the reports of one round (same company, amounts within 5%, "
               "compatible round and lead, dates within 45 days) are one event, however many articles repeat it. "
               "Valuations and market aggregates are not added.")
    aggregate_rows = view.index[summaries.aggregate_mask(view)]
    if len(aggregate_rows):
        st.markdown(f"**Aggregate figures** (market totals and the like, not part of any company's total): "
                    f"{len(aggregate_rows):,}" + (f", the first {TABLE_ROWS:,} shown" if len(aggregate_rows) > TABLE_ROWS else ""))
        st.dataframe(money_table(summaries.aggregate_table(dataset.rows(aggregate_rows[:TABLE_ROWS])), summaries.AGGREGATE_COLUMNS),
                     hide_index=True, column_config=ARTICLE_COLUMNS)
    reports = int(table["mentions"].sum()) if len(table) else 0
    st.markdown(f"**Funding events**: {words.plural(len(table), 'event')} from {words.plural(reports, 'mention')}"
                + (f", the {TABLE_ROWS:,} largest shown" if len(table) > TABLE_ROWS else "")
                + ". Select a row to read every sentence that reports the event.")
    event_rows(events_tab.table_view(table, dataset.documents, TABLE_ROWS), "funding_events_table", scope)
    download("Download funding events (CSV)", lambda: events_tab.events_csv(events_tab.events(view, dataset.events), dataset.documents), len(table),
             file_name("funding_events", f), "download_funding_events")
    money = view.index[summaries.money_mask(view)]
    download("Download funding mentions (CSV)", lambda: data.funding_csv(dataset.rows(money)), len(money),
             file_name("funding", f), "download_funding")


def table_tab(dataset, view, f) -> None:
    shown = data.to_schema(dataset.rows(view.index[:TABLE_ROWS]))
    note = f"Showing the first {len(shown):,} of {len(view):,} rows" if len(view) > TABLE_ROWS else words.plural(len(view), "row")
    st.caption(note + "; the download holds every filtered row, with the table's own column names.")
    first = ["title", "entity", "kind", "text", "company", "license", "license_from", "published", "lang", "sentence"]
    order = first + [c for c in shown.columns if c not in first]  # what a reader looks for first; ids last
    st.dataframe(words.table(summaries.for_display(shown).assign(url=drilldown.safe_urls(shown["url"])), order), hide_index=True,
                 column_config=ARTICLE_COLUMNS)
    download(f"Download these {words.plural(len(view), 'row')} (CSV)", lambda: data.mentions_csv(dataset.rows(view.index)), len(view),
             file_name("mentions", f), "download_mentions")


# --- the entity page ----------------------------------------------------------------------------

def entity_search(choices: dict) -> None:
    names = sorted(set(choices["companies"]) | set(choices["products"]))
    if ss.get("_entity_box") != ss.get("entity"):  # the box shows the page that is open
        ss["entity_box"] = ss.get("entity") or None
        ss["_entity_box"] = ss.get("entity")
    st.selectbox("Open the page of a company or product", names, key="entity_box", index=None,
                 placeholder="Type a name…",
                 on_change=lambda: open_entity(ss.get("entity_box"), ss.get("compare", [])))


def entity_tab(dataset, view_of, f, v, choices) -> None:
    """An entity's page; what it shows is computed once per view, entity and comparison (`shared`)."""
    scope, name = ENTITY_SCOPE, ss["entity"]

    def head_of():
        view = view_of()
        rows = entity_page.rows_of(view, name)
        return entity_page.profile(view, name), summaries.date_range_label(view, rows), int(rows.sum())

    p, when, n_rows = shared("entity head", f, head_of, name)
    head, back = st.columns([6, 1])
    kind = words.value("kind", p.kind) or "Not mentioned in this view"
    head.header(name)
    head.caption(f"{kind}" + (f" made by {p.maker}" if p.maker else "") + f" · {words.plural(p.mentions, 'mention')} in "
                 f"{words.document_count(p.documents)}" + (f", {when}" if when else ""))
    back.button("← All tabs", key="entity_close", on_click=open_entity, args=(None,))
    names = sorted((set(choices["companies"]) | set(choices["products"])) - {name})
    st.multiselect(f"Compare {name} with (up to {filters.MAX_COMPARE})", names, key="compare",
                   max_selections=filters.MAX_COMPARE)
    together = [name, *ss["compare"]]

    def page_of() -> dict:
        view = view_of()
        documents = filters.apply_documents(dataset.documents, f)
        received = entity_page.received(view, together, dataset.events)  # their funding events, once
        own = entity_page.stance_rows(view, name)
        return {
            "timeline": charts.timeline(view, v.grain, len(together), together, v.measure, documents, v.rolling),
            "comparison": entity_page.comparison(view, together, received) if len(together) > 1 else None,
            "stance_time": charts.license_over_time(own, v.grain), "stance_split": charts.license_split_chart(own),
            "co_mentioned": entity_page.co_mentioned_chart(view, name),
            "products": entity_page.products(view, name) if p.kind == "company" else None,
            "languages_and_sites": entity_page.languages_and_sites(view, documents, name),
            "funding": entity_page.funding(received, name, dataset.documents, TABLE_ROWS),
        }

    page = shared("entity page", f, page_of, tuple(together), v.grain, v.measure, v.rolling)
    plot(page["timeline"], "entity_timeline", scope)
    if page["comparison"] is not None:
        st.dataframe(page["comparison"], hide_index=True)
    left, right = st.columns(2)
    with left:
        plot(page["stance_time"], "entity_stance_time", scope)
    with right:
        plot(page["stance_split"], "entity_stance_split", scope)
    left, right = st.columns(2)
    with left:
        plot(page["co_mentioned"], "entity_co_mentions", scope)
    with right:
        if p.kind == "company":
            st.markdown("**Its products** (mentions)")
            if len(page["products"]):
                st.dataframe(page["products"], hide_index=True)
            else:
                st.caption("No product of it is mentioned in this view.")
        elif p.maker:
            st.markdown(f"**Made by** {drilldown.escape_markdown(p.maker)}")
            st.button(f"Open the page of {p.maker}", key="open_maker", on_click=open_entity, args=(p.maker,))
        langs, sites = page["languages_and_sites"]
        st.markdown("**Languages** (documents)")
        st.dataframe(langs, hide_index=True)
        st.markdown("**Sources** (documents)")
        st.dataframe(sites, hide_index=True)
    st.markdown("**Funding events it received** (each event once, however many articles report it; "
                "select a row to read its sentences)")
    events = page["funding"]
    if len(events):
        if events.attrs["events"] > len(events):
            st.caption(f"The {len(events):,} largest of {words.plural(events.attrs['events'], 'event')}.")
        event_rows(events, "entity_events_table", scope)
    else:
        st.caption("No funding event of it in this view.")

    def own_rows() -> bytes:
        view = view_of()
        return data.mentions_csv(dataset.rows(view.index[entity_page.rows_of(view, name)]))

    download(f"Download its {words.plural(n_rows, 'row')} (CSV)", own_rows, n_rows, file_name("mentions", f, [name]),
             "download_entity")


# --- the page -----------------------------------------------------------------------------------

def main() -> None:
    """The page. A function, so that the dataset of a run is no global of the script: a session's
    widget callbacks keep their run's globals alive until its next run, and an idle session
    would otherwise hold an older store version (and its memory) long after a newer one is served."""
    filter_box, upload_box = st.sidebar.container(), st.sidebar.container()
    with upload_box:
        upload_section()
    try:
        source = session_dataset()
        opening = source if isinstance(source, data.Opening) else None
        documents = opening.documents if opening else source.dataset.documents
        choices, bounds = (opening.first_page.choices, opening.first_page.bounds) if opening else (source.choices, source.bounds)
        prepare_widget_state(choices, bounds, summaries.default_grain(documents))
        with filter_box:
            chosen, view_options = filter_widgets(choices, bounds, documents)
        if opening and not (chosen.is_default() and view_options.tab == filters.TABS[0]
                            and not view_options.entity and not view_options.drill):
            source, opening = loaded(opening), None  # any other view needs the rows
    except data.DataUnavailable as exc:
        st.title("AI industry trends")
        st.error(f"No data to show: {exc}")
        st.info("Start with `streamlit run dashboard/app.py -- --data DIR`, where DIR holds the output of "
                "`python -m etl run CORPUS --out DIR`, or set AI_TRENDS_DATA=DIR.")
        st.stop()
    if opening:
        overview_while_loading(opening, chosen, choices)
    else:
        page(*source, chosen, view_options)
    write_url(chosen, current_view())


def header(origin: str, uploads: tuple[str, ...], rows: int) -> None:
    st.title("AI industry trends")
    if ss.get("_url_notices"):  # shown once, on the run that read the link
        st.info(drilldown.escape_markdown("Ignored from the link: " + "; ".join(ss.pop("_url_notices")) + "."))
    origin += f" + {words.plural(len(uploads), 'uploaded file')}" if uploads else ""
    st.caption(drilldown.escape_markdown(f"{words.plural(rows, 'mention')} from {origin}.")
               + " The page address holds the filters: copy it to share this view.")


def overview_while_loading(opening: data.Opening, chosen: filters.Filters, choices: dict) -> None:
    """A large store's first page (default filters, the Overview) from SQL while its rows load
    (data.open_store); any other view waits for them (main)."""
    header(opening.origin, (), opening.first_page.rows)
    entity_search(choices)
    overview_pane = st.tabs(filters.TABS, key="tab", on_change="rerun")[0]
    with overview_pane:
        overview_tab(opening.errors, chosen, lambda: overview.answers(
            opening.first_page.tallies, filters.apply_documents(opening.documents, chosen), opening.errors))
    if ss.get("drill", {}).get(filters.TABS[0]) is not None:  # a chart clicked in this run: its sentences need the rows
        st.rerun()
    drilldown_section(None, None, chosen, choices, filters.TABS[0])  # its picker only: no target is set


def page(dataset: data.Dataset, full_view: pd.DataFrame, choices: dict, bounds, chosen: filters.Filters,
         view_options: filters.View) -> None:
    filtered = filters.Filtered(full_view, chosen)  # a column is taken only when the open part reads it

    def view_of(part: str):
        return functools.partial(filtered.frame, filters.READS[part])

    header(dataset.origin, dataset.uploads, len(full_view))
    if full_view.empty:
        st.warning(f"This dataset has no mentions ({words.document_count(len(dataset.documents))}, "
                   f"{words.plural(len(dataset.errors), 'ETL error')}).")
        if len(dataset.errors):
            st.dataframe(words.table(dataset.errors.head(TABLE_ROWS)), hide_index=True)
    elif shared("rows", chosen, lambda: len(filtered)) == 0:
        st.info("No mentions match these filters. Widen the date range or clear some filters in the sidebar.")
    else:
        entity_search(choices)
        if ss.get("entity"):
            entity_tab(dataset, view_of("Entity page"), chosen, view_options, choices)
            drilldown_section(dataset, filtered.frame, chosen, choices, ENTITY_SCOPE)
        else:
            tabs = st.tabs(filters.TABS, key="tab", on_change="rerun")
            overview_pane, timeline, license_, funding, table = tabs
            if overview_pane.open:
                with overview_pane:
                    overview_tab(dataset.errors, chosen, lambda: overview.of_rows(filtered, dataset.documents, dataset.errors))
            # Versions under their family (the toggle): on the Timeline and in its source sentences
            # only, so a bar of "Qwen2.5-VL" elsewhere still finds its sentences.
            family = bool(ss.get("v_family")) and timeline.open
            drill_rows = filtered.frame
            if family:  # the Timeline's and its drill-down's rows, versions under their family
                family_rows = functools.cache(lambda: filters.by_family(filtered.frame()))
                drill_rows = lambda columns: family_rows()  # noqa: E731
            if timeline.open:
                with timeline:
                    timeline_tab(dataset, family_rows if family else view_of("Timeline"), chosen, view_options, family)
            if license_.open:
                with license_:
                    license_tab(view_of("Open vs closed"), chosen, view_options)
            if funding.open:
                with funding:
                    funding_tab(dataset, view_of("Funding")(), chosen)
            if table.open:
                with table:
                    table_tab(dataset, view_of("Mentions table")(), chosen)
            drilldown_section(dataset, drill_rows, chosen, choices, ss.get("tab", filters.TABS[0]), family)

main()
