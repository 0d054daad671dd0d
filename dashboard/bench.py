"""Time the dashboard on a SYNTHETIC store: `python -m dashboard.bench --rows 10000000`.

The data is random (dashboard.sample; every source is named synthetic/...), written as the ETL's
own store (language part files, row groups, a version) by `write_synthetic_store`, chunk by
chunk, without running the ETL. Then, on the DuckDB path (etl/query.py, dashboard/queries.py):

- first page: open the store (a Query), the filter choices and date range, the Overview tab;
- filter change: the same page (every tab's questions, and each tab alone, which is what one
  rerun of the app computes) for several filters, remembered answers cleared each time (cold);
- memory: this process's resident set after all of it (the server holds the same);
- with --against COMMIT (default 72778b5): the same store through that commit's pandas path
  (its own dashboard code, run from `git archive` in a child process) side by side;
- with --sessions N: a real server on loopback and N websocket sessions changing filters for
  --seconds (median and 95th percentile of a change, server memory);
- with --apptest / --server: the real script under AppTest / one real server, as before.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from dashboard import charts, data, drilldown, filters, queries, summaries
from dashboard.filters import Filters, View
from etl.query import Results


def timed(fn, *args, **kwargs):
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return result, time.perf_counter() - start


def tab_work(dataset: data.Dataset, sel, f: Filters, v: View) -> dict:
    """What each tab of the app asks the store for and draws (dashboard/app.py)."""
    q = dataset.query
    return {
        "Overview": lambda: (
            queries.overview(q, sel),
            charts.mentions_by_language(None, data=queries.language_kinds(q, sel)).to_json(),
            charts.top_entities(None, data=queries.entity_counts(q, sel)).to_json(),
            charts.new_organisations(None, data=queries.unlinked_organisations(q, sel)).to_json(),
        ),
        "Timeline": lambda: (queries.undated(q, sel), charts.timeline(
            None, v.grain, v.top, share=v.share, data=queries.timeline_data(q, sel, v.grain, v.top, list(f.entities) or None)).to_json()),
        "Open vs closed": lambda: (
            charts.license_donut(None, data=queries.license_split(q, sel)).to_json(),
            charts.license_over_time(None, v.grain, data=queries.license_over_time_data(q, sel, v.grain)).to_json(),
            charts.license_by_company(None, data=queries.license_by_company_data(q, sel, 15)).to_json()),
        "Funding": lambda: (
            charts.funding_by_company(None, facts=(facts := queries.priced_facts(q, sel))).to_json(),
            charts.funding_events(None, facts=facts).to_json(),
            summaries.aggregate_table(queries.money_rows(q, sel, 1000, aggregates_only=True)[0]),
            summaries.funding_table(queries.money_rows(q, sel, 1000)[0]),
        ),
        "Mentions table": lambda: q.page(sel, limit=1000),
        "Drill-down": lambda: drilldown.mentions_html(
            *queries.drill(q, sel, drilldown.Target.of(entity="OpenAI"), 50)[:2], 50),
    }


def render(dataset, f: Filters, v: View) -> tuple[dict[str, float], int]:
    dataset.query.results = Results()  # cold: no answer remembered from an earlier change
    sel = f.selection()
    n, t_count = timed(dataset.query.count, sel)
    times = {"filter": t_count}
    for tab, work in tab_work(dataset, sel, f, v).items():
        times[tab] = timed(work)[1]
    return times, n


CHANGES = {
    "language ar+hi": Filters(langs=("ar", "hi")),
    "company OpenAI": Filters(companies=("OpenAI",)),
    "since 2024-07-01": Filters(date_from=date(2024, 7, 1)),
    "open source only": Filters(licenses=("open",)),
    "money only": Filters(kinds=("money",)),
    "zh, undated out": Filters(langs=("zh",), undated=False),
}


def rss_mib() -> float:
    import psutil

    return psutil.Process().memory_info().rss / 2**20


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


async def _session(url: str, query: str, changes: list[tuple[str, list[str]]]) -> list[tuple[str, float]]:
    """One browser-like session: a first run, then one rerun per (multiselect label, values)."""
    import websockets
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    async def rerun(ws, widgets=()) -> tuple[float, dict[str, str]]:
        msg = BackMsg()
        msg.rerun_script.query_string = query
        for widget_id, values in widgets:
            state = msg.rerun_script.widget_states.widgets.add()
            state.id = widget_id
            state.string_array_value.data.extend(values)
        start = time.perf_counter()
        await ws.send(msg.SerializeToString())
        ids = {}
        while True:
            fm = ForwardMsg()
            fm.ParseFromString(await asyncio.wait_for(ws.recv(), 300))
            kind = fm.WhichOneof("type")
            if kind == "delta" and fm.delta.new_element.WhichOneof("type") == "multiselect":
                ids[fm.delta.new_element.multiselect.label] = fm.delta.new_element.multiselect.id
            elif kind == "delta" and fm.delta.new_element.WhichOneof("type") == "exception":
                raise RuntimeError(str(fm.delta.new_element.exception.message))
            elif kind == "script_finished":
                return time.perf_counter() - start, ids

    async with websockets.connect(url, subprotocols=["streamlit"], max_size=None) as ws:
        first, ids = await rerun(ws)
        out = [("first run", first)]
        for label, values in changes:
            out.append((f"{label} = {', '.join(values) or 'all'}", (await rerun(ws, [(ids[label], values)]))[0]))
        return out


def run_server(store: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    app = Path(__file__).with_name("app.py")
    env = {**os.environ, data.ENV_DATA: str(store)}
    cmd = [sys.executable, "-m", "streamlit", "run", str(app), "--server.headless", "true", "--server.address", "127.0.0.1",
           "--server.port", str(port), "--browser.gatherUsageStats", "false"]
    server = subprocess.Popen(cmd, env=env, cwd=app.parent.parent, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        import urllib.request

        for _ in range(300):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        url = f"ws://127.0.0.1:{port}/_stcore/stream"
        changes = [("Languages", ["ar", "hi"]), ("Languages", ["zh"]), ("Companies", ["OpenAI"]), ("Languages", [])]
        for label, query in [("fresh server, Overview", ""), ("second visitor, Overview", ""),
                             *[(f"tab {tab}", "tab=" + tab.replace(" ", "+")) for tab in filters.TABS[1:]]]:
            timings = asyncio.run(_session(url, query, changes))
            first = timings[0][1]
            changes_ = [t for _, t in timings[1:]]
            print(f"  {label:<28} first run {fmt(first)}   filter changes median {fmt(statistics.median(changes_))},"
                  f" worst {fmt(max(changes_))}")
    finally:
        server.terminate()
        server.wait(timeout=30)


BASE_SCRIPT = """
import json, sys, time
import psutil
from pathlib import Path
from dashboard import bench, data, filters
from dashboard.filters import Filters, View
start = time.perf_counter()
dataset = data.read_store(Path(sys.argv[1]))
prepared = data.prepare(dataset)
view = filters.apply(prepared.light, Filters())
bench.tab_work(dataset, view, Filters(), View())["Overview"]()
first = time.perf_counter() - start
dataset.text.frame()
changes = {}
for label, f in bench.CHANGES.items():
    times, n = bench.render(dataset, prepared.light, f, View())
    changes[label] = [times["filter"] + max(times[t] for t in filters.TABS), sum(t for p, t in times.items() if p != "Drill-down")]
print(json.dumps({"first": first, "changes": changes, "rss": psutil.Process().memory_info().rss / 2**20}))
"""


def run_base(commit: str, store: Path) -> dict | None:
    """The same store through `commit`'s pandas path: its dashboard and etl packages from
    `git archive`, timed in a child process (its own memory)."""
    import json

    root = Path(__file__).resolve().parents[1]
    folder = Path(tempfile.mkdtemp(prefix=f"ai-trends-base-{commit[:7]}-"))
    archive = subprocess.run(["git", "-C", str(root), "archive", commit, "dashboard", "etl", "seeds"],
                             capture_output=True, check=False)
    if archive.returncode:
        print(f"  cannot read commit {commit}: {archive.stderr.decode(errors='replace').strip()}")
        return None
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive.stdout, check=True)
    done = subprocess.run([sys.executable, "-c", BASE_SCRIPT, str(store)], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(folder)}, cwd=folder)
    if done.returncode:
        print(f"  the pandas path of {commit} failed: {done.stderr.strip().splitlines()[-1:]}")
        return None
    return json.loads(done.stdout.strip().splitlines()[-1])


def run_sessions(store: Path, sessions: int, seconds: float) -> None:
    """N concurrent websocket sessions on a real server changing filters for `seconds`."""
    import threading

    import psutil

    from dashboard import wsclient

    port = wsclient.free_port()
    server = wsclient.start_server(store, port)
    url = f"ws://127.0.0.1:{port}/_stcore/stream"
    states = [["ar"], ["hi", "zh"], [], ["en"], ["zh"], ["ar", "en"]]
    samples, stop = [], threading.Event()

    def sample():
        while not stop.is_set():
            samples.append(psutil.Process(server.pid).memory_info().rss)
            time.sleep(0.2)

    async def one(n: int, deadline: float, log: list) -> None:
        async with wsclient.Session(url) as session:
            await session.run(timeout=600)
            i = n
            while time.monotonic() < deadline:
                page = await session.run(values={"Languages": states[i % len(states)]}, timeout=600)
                if page.exceptions:
                    raise RuntimeError(page.exceptions[0])
                log.append(page.seconds)
                i += 1

    async def everyone(log: list) -> None:
        deadline = time.monotonic() + seconds
        await asyncio.gather(*(one(n, deadline, log) for n in range(sessions)))

    thread = threading.Thread(target=sample)
    try:
        asyncio.run(everyone([]))  # warm: the first page of a fresh server
        thread.start()
        log: list[float] = []
        asyncio.run(everyone(log))
    finally:
        stop.set()
        if thread.is_alive():
            thread.join()
        wsclient.stop_server(server)
    p95 = statistics.quantiles(log, n=20)[-1] if len(log) > 1 else float("nan")
    print(f"  {sessions} sessions, {len(log)} filter changes in {seconds:g} s: median {fmt(statistics.median(log)).strip()}, "
          f"p95 {fmt(p95).strip()}, worst {fmt(max(log)).strip()}; server memory peak {max(samples) / 2**20:.0f} MiB")


def make_store(rows: int, seed: int, where: Path) -> Path:
    """A synthetic store written by a child process (its memory is not this one's)."""
    code = "import sys; from pathlib import Path; from dashboard.sample import write_synthetic_store; " \
           "write_synthetic_store(Path(sys.argv[1]), int(sys.argv[2]), seed=int(sys.argv[3]))"
    subprocess.run([sys.executable, "-c", code, str(where), str(rows), str(seed)], check=True,
                   cwd=Path(__file__).resolve().parents[1])
    return where


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--store", type=Path, help="use (or write and keep) the synthetic store here")
    parser.add_argument("--against", default=None,
                        help="commit whose pandas path runs side by side ('' = none; default 72778b5 up to 2 M rows: "
                             "beyond, that path holds the whole table in pandas)")
    parser.add_argument("--sessions", type=int, default=0, help="also drive N concurrent sessions on a real server")
    parser.add_argument("--seconds", type=float, default=30, help="how long the sessions change filters")
    parser.add_argument("--apptest", action="store_true", help="also time the real script under AppTest")
    parser.add_argument("--server", action="store_true", help="also time a real `streamlit run` driven over its websocket")
    args = parser.parse_args(argv)
    if args.against is None:
        args.against = "72778b5" if args.rows <= 2_000_000 else ""

    print(f"SYNTHETIC data: {args.rows:,} random mention rows (not real news), {os.cpu_count()} CPUs, "
          f"Python {sys.version.split()[0]}")
    with tempfile.TemporaryDirectory(prefix="ai-trends-bench-") as tmp:
        store = args.store or Path(tmp) / "store"
        if not (store / "mentions.parquet").exists():
            _, t_write = timed(make_store, args.rows, args.seed, store)
            print(f"store written in {t_write:.1f} s (part files, without the ETL)")
        size = sum(p.stat().st_size for p in (store / "current").rglob("*.parquet")) / 2**20
        print(f"{size:.0f} MB of Parquet in {store}")
        report_duckdb(store, args)
        if args.against:
            print(f"\npandas path of {args.against} (same store, child process)")
            base = run_base(args.against, store)
            if base:
                print(f"  first page {fmt(base['first'])}   memory {base['rss']:.0f} MiB")
                for label, (slowest, every) in base["changes"].items():
                    print(f"  {label:<18} slowest single tab {fmt(slowest)}   all tabs {fmt(every)}")
                print(f"  median slowest single tab {fmt(statistics.median(v[0] for v in base['changes'].values()))}")
        if args.sessions:
            print(f"\nconcurrent sessions (real server on loopback)")
            run_sessions(store, args.sessions, args.seconds)
        if args.apptest:
            print("\nAppTest (the real script, no browser; includes Streamlit's own work)")
            run_apptest(store)
        if args.server:
            print("\nstreamlit run (real server on a loopback port; time from asking for a run to the script's end)")
            run_server(store)
    return 0


def report_duckdb(store: Path, args) -> None:
    before = rss_mib()
    print("\nDuckDB path: first page (fresh process: open, choices, date range, Overview)")
    dataset, t_open = timed(data.read_store, store)
    prepared, t_prepare = timed(data.prepare, dataset)
    work = tab_work(dataset, Filters().selection(), Filters(), View())
    _, t_overview = timed(work["Overview"])
    print(f"  open the store                          {fmt(t_open)}")
    print(f"  filter choices, date range              {fmt(t_prepare)}")
    print(f"  Overview tab                            {fmt(t_overview)}")
    print(f"  = first page of the app                 {fmt(t_open + t_prepare + t_overview)}")
    print("\nDuckDB path: filter change (cold: nothing remembered)")
    slowest, every = [], []
    for label, f in CHANGES.items():
        times, n = render(dataset, f, View())
        one = times["filter"] + max(times[t] for t in filters.TABS)
        slowest.append(one)
        every.append(sum(t for part, t in times.items() if part != "Drill-down"))
        per_tab = ", ".join(f"{t.split()[0]} {times[t]:.2f}" for t in [*filters.TABS, "Drill-down"])
        print(f"  {label:<18} {n:>10,} rows   slowest single tab {fmt(one)}   all tabs {fmt(every[-1])}   ({per_tab} s)")
    print(f"  median slowest single tab {fmt(statistics.median(slowest))}, worst {fmt(max(slowest))}; "
          f"median all tabs {fmt(statistics.median(every))}")
    print(f"  memory: {rss_mib():.0f} MiB resident ({before:.0f} MiB before opening the store)")


if __name__ == "__main__":
    raise SystemExit(main())
