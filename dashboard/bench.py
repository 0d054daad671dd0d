"""Time the dashboard on a SYNTHETIC mentions table: `python -m dashboard.bench --rows 1000000`.

The data is random (dashboard.sample.synthetic_mentions; every source is named synthetic/...),
written to a temporary ETL-style store, then:

- first render: open the store as the app does (data.open_store: a store of at most 2 M rows is
  loaded, its filter choices prepared and the Overview built from the rows; a larger one's first
  page is counted in SQL while its rows load in the background), then build every other chart and
  table the dashboard has (all tabs at once: an upper bound, since the app only computes the open tab);
- filter change: apply a new filter and build everything again, for several filters (median and
  worst case); also per tab, which is what one rerun of the app computes;
- with --apptest: the real script under streamlit.testing.v1.AppTest (no browser): first run,
  then a rerun after a filter change on each tab;
- with --server: a real `streamlit run` on a loopback port, driven like a browser over its
  websocket (Streamlit's own protobuf messages): the time from asking for a run to the end of the
  script, for a fresh server's first page, a second visitor, and filter changes on each tab;
- with --load N: N such sessions at once for --load-seconds, each changing its filters and
  drill-down in turn: median and 95th percentile of a rerun, and the server's memory.
"""
from __future__ import annotations

import os

from dashboard.runtime import SERVER_ENVIRONMENT

# Time the code as `dashboard serve` runs it: numpy reads its setting when first imported (below),
# the allocator settings reach the servers and baseline runs this starts. (Hence the imports after it.)
os.environ.update({k: v for k, v in SERVER_ENVIRONMENT.items() if k not in os.environ})

import argparse
import asyncio
import re
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import pandas as pd

from dashboard import charts, data, drilldown, entity_page, filters, funding_tab, overview, summaries
from dashboard.filters import Filters, View
from dashboard.sample import synthetic_mentions, write_store
from etl import events as etl_events


def timed(fn, *args, **kwargs):
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return result, time.perf_counter() - start


def tab_work(dataset: data.Dataset, rows: filters.Filtered, f: Filters, v: View) -> dict:
    """What each tab of the app computes from the filtered rows, taking the columns it reads."""
    of = lambda part: rows.frame(filters.READS[part])  # noqa: E731
    drill = drilldown.Target.of(entity="OpenAI")
    return {
        "Overview": lambda: figures(overview.of_rows(rows, dataset.documents, dataset.errors)),
        "Timeline": lambda: (summaries.undated(view := of("Timeline")),
                             charts.timeline(view, v.grain, v.top, list(f.entities) or None, v.measure,
                                             filters.apply_documents(dataset.documents, f), v.rolling).to_json()),
        "Open vs closed": lambda: (charts.license_split_chart(view := of("Open vs closed")).to_json(),
                                   charts.license_over_time(view, v.grain).to_json(), charts.license_by_company(view).to_json()),
        "Funding": lambda: funding_work(dataset, of("Funding")),
        "Mentions table": lambda: data.to_schema(dataset.rows(of("Mentions table").index[:1000])),
        "Entity page": lambda: entity_page_work(dataset, of("Entity page"), f, v, "OpenAI", ["Anthropic"]),
        "Drill-down": lambda: drilldown.mentions_html(
            dataset.rows(drilldown.pick_sentences(drilldown.rows_for(rows.frame(drilldown.reads(drill)), drill), 50)[0]),
            dataset.documents, 50),
    }


def figures(answers: overview.Answers) -> tuple:
    """The Overview's answers as the page sends them: figures as JSON, the table's first rows."""
    return tuple(a.to_json() if hasattr(a, "to_json") else a.head(1000) if isinstance(a, pd.DataFrame) else a for a in answers)


def funding_work(dataset: data.Dataset, view):
    """What the app computes for the Funding tab (dashboard/app.py funding_tab)."""
    table = funding_tab.events(view, dataset.events, sources_of_largest=1000)
    return (funding_tab.totals_chart(table).to_json(), funding_tab.events_chart(table).to_json(),
            summaries.aggregate_table(dataset.rows(view.index[summaries.aggregate_mask(view)][:1000])),
            funding_tab.table_view(table, dataset.documents, 1000))


def entity_page_work(dataset: data.Dataset, view, f: Filters, v: View, name: str, compare: list[str]):
    """What the app computes for an entity page (dashboard/app.py entity_tab), its drill-down aside."""
    documents = filters.apply_documents(dataset.documents, f)
    together = [name, *compare]
    own = entity_page.stance_rows(view, name)
    return (
        entity_page.profile(view, name),
        charts.timeline(view, v.grain, len(together), together, v.measure, documents, v.rolling).to_json(),
        entity_page.comparison(view, together, received := entity_page.received(view, together, dataset.events)),
        charts.license_over_time(own, v.grain).to_json(), charts.license_split_chart(own).to_json(),
        entity_page.co_mentioned_chart(view, name).to_json(), entity_page.products(view, name),
        entity_page.languages_and_sites(view, documents, name), entity_page.funding(received, name, dataset.documents, 1000),
    )


def render(dataset, light, f: Filters, v: View) -> tuple[dict[str, float], int]:
    """Each part's time on its own, as a rerun computes it (the filter's mask, the columns the part
    reads, its work), and everything but the entity page and drill-down on one set of filtered rows
    ("all tabs", the columns then taken once)."""
    times = {}
    for part in tab_work(dataset, filters.Filtered(light, f), f, v):
        times[part] = timed(tab_work(dataset, filters.Filtered(light, f), f, v)[part])[1]
    rows = filters.Filtered(light, f)
    work = tab_work(dataset, rows, f, v)
    times["all tabs"] = timed(lambda: [work[tab]() for tab in filters.TABS])[1]
    return times, len(rows)


CHANGES = {
    "language ar+hi": Filters(langs=("ar", "hi")),
    "company OpenAI": Filters(companies=("OpenAI",)),
    "since 2024-07-01": Filters(date_from=date(2024, 7, 1)),
    "open source only": Filters(licenses=("open",)),
    "money only": Filters(kinds=("money",)),
    "zh, undated out": Filters(langs=("zh",), undated=False),
}


def rss_mb() -> float:
    """This process's resident memory now, in MB (Linux; 0 elsewhere)."""
    try:
        with open("/proc/self/status") as f:
            return next(int(line.split()[1]) for line in f if line.startswith("VmRSS:")) / 1024
    except (OSError, StopIteration):
        return 0.0


def fmt(seconds: float) -> str:
    return f"{seconds * 1000:7.0f} ms"


def run_apptest(store: Path) -> None:
    from streamlit.testing.v1 import AppTest

    os.environ[data.ENV_DATA] = str(store)
    app = str(Path(__file__).with_name("app.py"))
    at = AppTest.from_file(app, default_timeout=600)
    _, t = timed(at.run)
    assert not at.exception, [e.value for e in at.exception]
    print(f"  first run (load + Overview tab)          {fmt(t)}")
    for tab in filters.TABS:
        at.session_state["tab"] = tab
        _, t_tab = timed(at.run)
        at.multiselect(key="f_langs").set_value(["ar", "hi"] if not at.multiselect(key="f_langs").value else [])
        _, t_change = timed(at.run)
        assert not at.exception, [e.value for e in at.exception]
        print(f"  {tab:<16} open tab {fmt(t_tab)}   filter change {fmt(t_change)}")


async def _timed_session(url: str, query: str, changes: list[tuple[str, list[str]]]) -> list[float]:
    """One browser-like session (wsclient.Session): a first run, then one rerun per (multiselect
    label, values); the seconds of each."""
    from dashboard import wsclient

    async with wsclient.Session(url) as session:
        times = [(await session.run(query)).seconds]
        for label, values in changes:
            page = await session.run(query, {label: values})
            if page.exceptions:
                raise RuntimeError(str(page.exceptions))
            times.append(page.seconds)
        return times


def run_server(store: Path) -> None:
    from dashboard import wsclient

    port = wsclient.free_port()
    server = wsclient.start_server(store, port)
    try:
        url = f"ws://127.0.0.1:{port}/_stcore/stream"
        changes = [("Languages", ["ar", "hi"]), ("Languages", ["zh"]), ("Companies", ["OpenAI"]), ("Languages", [])]
        for label, query in [("fresh server, Overview", ""), ("second visitor, Overview", ""),
                             *[(f"tab {tab}", "tab=" + tab.replace(" ", "+")) for tab in filters.TABS[1:]]]:
            first, *changed = asyncio.run(_timed_session(url, query, changes))
            print(f"  {label:<28} first run {fmt(first)}   filter changes median {fmt(statistics.median(changed))},"
                  f" worst {fmt(max(changed))}")
    finally:
        wsclient.stop_server(server)


def run_load(store: Path, sessions: int, seconds: float) -> None:
    """`sessions` browser-like sessions at once against a real server, for `seconds`, each changing
    its filters and drill-down in turn (wsclient.plan): the time of each rerun, and the server's
    memory before, at its peak and after the sessions close."""
    from dashboard import wsclient

    port = wsclient.free_port()
    server = wsclient.start_server(store, port)
    url = f"ws://127.0.0.1:{port}/_stcore/stream"
    try:
        warm: list[float] = []
        asyncio.run(wsclient.drive(url, 0, time.monotonic() + 5, warm))  # the data loaded, the events computed
        log: list[float] = []

        async def everyone() -> None:
            deadline = time.monotonic() + seconds
            await asyncio.gather(*(wsclient.drive(url, n, deadline, log) for n in range(sessions)))

        with wsclient.MemorySampler(server.pid) as memory:
            asyncio.run(everyone())
        time.sleep(5)  # the sessions' state goes after the disconnected-session TTL
        after = memory.now()
        p95 = statistics.quantiles(log, n=20)[-1] if len(log) >= 2 else max(log, default=0.0)
        print(f"  {len(log)} filter changes, drill-downs and entity pages by {sessions} sessions in {seconds:g} s: "
              f"median {fmt(statistics.median(log)).strip()}, p95 {fmt(p95).strip()}, worst {fmt(max(log)).strip()}")
        print(f"  server memory (RSS): {memory.before / 2**20:,.0f} MB before, {memory.peak / 2**20:,.0f} MB at the peak, "
              f"{after / 2**20:,.0f} MB 5 s after the sessions closed")
    finally:
        wsclient.stop_server(server)


FIGURES = {  # what is compared between two revisions: a line's label -> how to read its milliseconds
    "first page": re.compile(r"= first page of the app\s+(\d+) ms"),
    "Timeline tab (first render)": re.compile(r"Timeline tab\s+(\d+) ms"),
    "filter change, all tabs (median)": re.compile(r"median: all tabs\s+(\d+) ms"),
    "filter change, slowest single tab (median)": re.compile(r"median: all tabs .*slowest single tab\s+(\d+) ms"),
    "filter change, slowest single tab (worst)": re.compile(r"worst: .*slowest single tab\s+(\d+) ms"),
    "entity page, filter + page (median)": re.compile(r"entity page \(filter \+ page\): median\s+(\d+) ms"),
}


def compare_with(rev: str, rows: int, seed: int, repeat: int = 2) -> int:
    """This tree's benchmark and revision `rev`'s on the same synthetic data (same rows and
    seed), each in its own process importing its own dashboard and etl, alternating `repeat`
    times; each figure is the best of its runs (on a shared machine, the least disturbed)."""
    root = Path(__file__).resolve().parents[1]
    with tempfile.TemporaryDirectory(prefix="ai-trends-baseline-") as tmp:
        archive = subprocess.run(["git", "-C", str(root), "archive", rev, "dashboard", "etl", "seeds"],
                                 check=True, capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", tmp], input=archive, check=True)
        outputs: dict[str, list[str]] = {f"baseline {rev}": [], "this tree": []}
        for run in range(repeat):
            for label, cwd in ((f"baseline {rev}", Path(tmp)), ("this tree", root)):
                print(f"--- {label}, run {run + 1} of {repeat} ---", flush=True)
                done = subprocess.run([sys.executable, "-m", "dashboard.bench", "--rows", str(rows), "--seed", str(seed)],
                                      cwd=cwd, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(cwd)})
                print(done.stdout, done.stderr[-2000:] if done.returncode else "", flush=True)
                outputs[label].append(done.stdout)

    def best(texts: list[str], pattern) -> int | None:
        found = [int(m.group(1)) for m in (pattern.search(t) for t in texts) if m]
        return min(found) if found else None

    base, mine = outputs.values()
    print(f"\nbest of {repeat} runs each{'':<26}{'baseline':>10}{'this tree':>11}{'ratio':>8}")
    for name, pattern in FIGURES.items():
        x, y = best(base, pattern), best(mine, pattern)
        if y is None:
            continue
        if x is None:
            print(f"  {name:<44}{'-':>10}{y:>8} ms")
            continue
        print(f"  {name:<44}{x:>7} ms{y:>8} ms{y / max(x, 1):>7.2f}x")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--apptest", action="store_true", help="also time the real script under AppTest")
    parser.add_argument("--server", action="store_true", help="also time a real `streamlit run` driven over its websocket")
    parser.add_argument("--keep", type=Path, help="write the synthetic store here (and keep it) instead of a temp dir")
    parser.add_argument("--store", type=Path, help="time this store (e.g. one written with --keep) instead of generating one: "
                                                   "the memory figures are then the dashboard's alone")
    parser.add_argument("--baseline", metavar="REV",
                        help="also run the benchmark of git revision REV (e.g. 72778b5) in the same run, on the same "
                             "synthetic data, and print the ratios")
    parser.add_argument("--repeat", type=int, default=2, help="with --baseline: runs of each, alternating (best counts)")
    parser.add_argument("--load", type=int, metavar="N", help="also drive N concurrent sessions against a real server")
    parser.add_argument("--load-seconds", type=float, default=30, help="with --load: for this long")
    args = parser.parse_args(argv)
    if args.baseline:
        return compare_with(args.baseline, args.rows, args.seed, args.repeat)

    with tempfile.TemporaryDirectory(prefix="ai-trends-bench-") as tmp:
        store = args.store or args.keep or Path(tmp) / "store"
        if args.store:
            print(f"the store {store}, {os.cpu_count()} CPUs, Python {sys.version.split()[0]}; memory before loading {rss_mb():.0f} MB")
        else:
            print(f"SYNTHETIC data: {args.rows:,} random mention rows (not real news), {os.cpu_count()} CPUs, "
                  f"Python {sys.version.split()[0]}")
            tables, t_gen = timed(synthetic_mentions, args.rows, args.seed)
            tables.mentions = etl_events.with_event_ids(tables.mentions)  # as an ETL run writes them, with funding.parquet
            money = tables.mentions[(tables.mentions["kind"] == "money").to_numpy(dtype=bool, na_value=False)]
            funding = etl_events.events_table(etl_events.event_columns(money))
            _, t_write = timed(write_store, tables.mentions, tables.documents, tables.errors, store, funding)
            del tables
            print(f"generated in {t_gen:.1f} s, written in {t_write:.1f} s")
        size = sum(p.stat().st_size for p in store.rglob("*.parquet")) / 2**20
        print(f"{size:.0f} MB of Parquet")

        print("\nfirst render")
        started = time.perf_counter()
        opening = data.open_store(store, data.Scope(), lambda small: data.prepare(data.read_store(store, small_tables=small)))
        t_open = time.perf_counter() - started
        if opening.first_page is not None:  # a large store: its first page from SQL while it loads (as the app)
            _, t_overview = timed(lambda: figures(overview.answers(opening.first_page.tallies, opening.documents, opening.errors)))
        prepared = opening.prepared()
        t_ready = time.perf_counter() - started
        dataset, light = prepared.dataset, prepared.light
        work = tab_work(dataset, filters.Filtered(light, Filters()), Filters(), View())  # unfiltered: the whole frame
        if opening.first_page is None:
            _, t_overview = timed(work["Overview"])
        first_page = t_open + t_overview
        step = "first page in SQL: choices, date range" if opening.first_page is not None else "load store, filter choices, date range"
        print(f"  {step:<40}{fmt(t_open)}")
        print(f"  Overview tab{' from its counts' if opening.first_page is not None else '':<28}{fmt(t_overview)}")
        print(f"  = first page of the app                 {fmt(first_page)}")
        if opening.first_page is not None:
            print(f"  the rows loaded in the background, ready {fmt(t_ready).strip()} after opening")
        _, t_text = timed(dataset.text.ready)
        if isinstance(dataset.text, data.ColumnsOnDisk):
            print("  long texts: left in the part files, read per request (a store over "
                  f"{data.TEXT_IN_MEMORY_ROWS:,} rows)")
        else:
            print(f"  long texts (read in the background) ready {fmt(t_text).strip()} after that")
        others = {tab: timed(work[tab])[1] for tab in [*filters.TABS[1:], "Drill-down", "Entity page"]}
        for tab, t in others.items():
            name = {"Drill-down": "drill-down (OpenAI)", "Entity page": "entity page (OpenAI vs Anthropic)"}.get(tab, tab + " tab")
            print(f"  {name:<40}{fmt(t)}")
        every = first_page + t_text + sum(t for tab, t in others.items() if tab not in ("Drill-down", "Entity page"))
        print(f"  = every tab at once                     {fmt(every)}")
        print(f"  process memory (RSS) with the dataset, its events and every tab built: {rss_mb():,.0f} MB"
              + ("" if args.store else " (includes what generating the data left behind; --store for the dashboard's alone)"))

        print("\nfilter change (the filter's mask, the columns a part reads, its work; a tab alone is what one rerun computes)")
        all_tabs, worst_tab, drill, entity = [], [], [], []
        for label, f in CHANGES.items():
            times, n = render(dataset, light, f, View())
            every = times["all tabs"]
            per_tab = max(times[t] for t in filters.TABS)
            all_tabs.append(every)
            worst_tab.append(per_tab)
            drill.append(times["Drill-down"])
            entity.append(times["Entity page"])
            print(f"  {label:<18} {n:>9,} rows   all tabs {fmt(every)}   slowest single tab {fmt(per_tab)}"
                  f"   + drill-down {fmt(times['Drill-down'])}   entity page {fmt(entity[-1])}")
        print(f"  median: all tabs {fmt(statistics.median(all_tabs))}, slowest single tab {fmt(statistics.median(worst_tab))}, "
              f"drill-down {fmt(statistics.median(drill))}")
        print(f"  worst:  all tabs {fmt(max(all_tabs))}, slowest single tab {fmt(max(worst_tab))}, drill-down {fmt(max(drill))}")
        print(f"  entity page (filter + page): median {fmt(statistics.median(entity))}, worst {fmt(max(entity))}")

        if args.apptest:
            print("\nAppTest (the real script, no browser; includes Streamlit's own work)")
            run_apptest(store)
        if args.server:
            print("\nstreamlit run (real server on a loopback port; time from asking for a run to the script's end)")
            run_server(store)
        if args.load:
            print(f"\n{args.load} concurrent sessions on a real server (loopback; filters, drill-downs and entity pages as wsclient.plan)")
            run_load(store, args.load, args.load_seconds)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
