"""A browser-like Streamlit session over the server's websocket, for load tests and benchmarks:
it asks for runs with widget states (Streamlit's own protobuf messages) and reads back what the
page shows (metrics, markdown, exceptions) and the ids of the widgets by label. No browser."""
from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

APP = Path(__file__).with_name("app.py")


@dataclass
class Page:
    """What one run of the script sent: seconds it took, and the elements by kind."""

    seconds: float
    metrics: dict[str, str] = field(default_factory=dict)  # label -> shown value
    markdown: list[str] = field(default_factory=list)
    exceptions: list[str] = field(default_factory=list)
    widgets: dict[str, str] = field(default_factory=dict)  # label -> widget id


class Session:
    """One open websocket session; `run` asks for a rerun with the given widget values
    (label -> list of strings for a multiselect, or a string for a selectbox)."""

    def __init__(self, url: str):
        self.url, self.ws, self.ids = url, None, {}

    async def __aenter__(self) -> "Session":
        import websockets

        self.ws = await websockets.connect(self.url, subprotocols=["streamlit"], max_size=None)
        return self

    async def __aexit__(self, *_) -> None:
        await self.ws.close()

    async def run(self, query: str = "", values: dict | None = None, timeout: float = 120) -> Page:
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        msg = BackMsg()
        msg.rerun_script.query_string = query
        for label, value in (values or {}).items():
            state = msg.rerun_script.widget_states.widgets.add()
            state.id = self.ids[label]
            if isinstance(value, str):
                state.string_value = value
            else:
                state.string_array_value.data.extend(value)
        start = time.perf_counter()
        await self.ws.send(msg.SerializeToString())
        page = Page(0.0)
        while True:
            fm = ForwardMsg()
            fm.ParseFromString(await asyncio.wait_for(self.ws.recv(), timeout))
            kind = fm.WhichOneof("type")
            if kind == "delta" and fm.delta.WhichOneof("type") == "new_element":
                _read_element(fm.delta.new_element, page)
            elif kind == "script_finished":
                page.seconds = time.perf_counter() - start
                self.ids.update(page.widgets)
                return page


def _read_element(element, page: Page) -> None:
    kind = element.WhichOneof("type")
    if kind in ("multiselect", "selectbox"):
        widget = getattr(element, kind)
        page.widgets[widget.label] = widget.id
    elif kind == "metric":
        page.metrics[element.metric.label] = element.metric.body
    elif kind == "markdown":
        page.markdown.append(element.markdown.body)
    elif kind == "exception":
        page.exceptions.append(element.exception.message)


# --- sessions as an analyst drives them (the load test and `dashboard.bench --load`) -------------

LANGS = ("ar", "hi", "zh", "en")
COMPANIES = ("OpenAI", "Google", "Anthropic", "Meta", "DeepSeek", "Alibaba", "Microsoft", "Baidu", "xAI", "Mistral AI")
DRILL = "Show the sentences that mention…"  # the drill-down box's label
PAGE = "Open the page of a company or product"  # the entity page box's label


@dataclass(frozen=True)
class State:
    """What a session asks for: its filters, and either the sentences of an entity on the tabs
    (`drill`) or an entity's page (`page`)."""

    langs: tuple[str, ...]
    companies: tuple[str, ...]
    drill: str = ""
    page: str = ""

    def values(self) -> dict:
        chosen = {"Languages": list(self.langs), "Companies": list(self.companies)}
        return {**chosen, PAGE: self.page} if self.page else {**chosen, DRILL: self.drill}


def plan(n: int) -> list[State]:
    """Session n's own states: even sessions drill into entities on the tabs, odd ones open
    entity pages, each with filters of its own."""
    lang, other = LANGS[n % 4], LANGS[(n + 1) % 4]
    company, another = COMPANIES[n % len(COMPANIES)], COMPANIES[(n + 3) % len(COMPANIES)]
    if n % 2:
        return [State((lang,), (), page=company), State((lang, other), (), page=another), State((), (company,), page=company)]
    return [State((lang,), (company,), drill=company), State((lang, other), (), drill=company), State((), (company,), drill=another)]


async def drive(url: str, n: int, deadline: float, log: list, check=None) -> None:
    """Session n until `deadline` (time.monotonic): a first page, then its plan's states in turn;
    each run's seconds go to `log`. `check(n, state, page)` may assert on each page; without it,
    an exception on the page is raised."""
    async with Session(url) as session:
        page = await session.run()
        if page.exceptions:
            raise RuntimeError(f"session {n}: {page.exceptions}")
        states, i = plan(n), 0
        while time.monotonic() < deadline:
            state = states[i % len(states)]
            page = await session.run(values=state.values())
            if check is not None:
                check(n, state, page)
            elif page.exceptions:
                raise RuntimeError(f"session {n}: {page.exceptions}")
            log.append(page.seconds)
            i += 1


class MemorySampler:
    """A process's resident memory while a block runs: `before` it, its `peak` (sampled every
    0.2 s), and `now()` at any time after."""

    def __init__(self, pid: int):
        import psutil

        self._process = psutil.Process(pid)
        self.before = self.peak = self.now()

    def now(self) -> int:
        return self._process.memory_info().rss

    def __enter__(self) -> "MemorySampler":
        import threading

        self._done = threading.Event()

        def sample() -> None:
            while not self._done.is_set():
                self.peak = max(self.peak, self.now())
                time.sleep(0.2)

        self._thread = threading.Thread(target=sample, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *_) -> None:
        self._done.set()
        self._thread.join()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(store: Path, port: int, extra_env: dict | None = None, ttl: int = 2) -> subprocess.Popen:
    """`streamlit run dashboard/app.py` on a loopback port over `store`; waits until it answers."""
    from dashboard.runtime import server_environment

    env = {**server_environment(os.environ), "AI_TRENDS_DATA": str(store), **(extra_env or {})}
    from dashboard import warm

    cmd = [*warm.command(), "--server.headless", "true",  # as `dashboard serve` starts it
           "--server.address", "127.0.0.1", "--server.port", str(port), "--browser.gatherUsageStats", "false",
           "--server.fileWatcherType", "none", "--server.disconnectedSessionTTL", str(ttl)]
    server = subprocess.Popen(cmd, env=env, cwd=APP.parent.parent, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(600):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1)
            return server
        except OSError:
            if server.poll() is not None:
                raise RuntimeError("the server exited")
            time.sleep(0.1)
    server.kill()
    raise RuntimeError("the server did not start")


def stop_server(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()
