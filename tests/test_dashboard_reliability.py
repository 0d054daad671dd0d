"""The dashboard under hostile links, failures, concurrent ETL runs and slow uploads: no traceback
or server path on the page, no formula in any download, one version of the store per read, and
one session's upload never freezes another's."""
from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pytest
import streamlit.config as st_config
from streamlit.testing.v1 import AppTest

from dashboard import data, filters
from dashboard.sample import tiny_tables, write_store

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "dashboard" / "app.py")


@pytest.fixture(autouse=True)
def main_module_restored():
    main = sys.modules.get("__main__")
    yield
    sys.modules["__main__"] = main


@pytest.fixture
def store(tmp_path, monkeypatch):
    t = tiny_tables()
    out = write_store(t.mentions, t.documents, t.errors, tmp_path / "store")
    monkeypatch.setenv(data.ENV_DATA, str(out))
    monkeypatch.delenv(data.ENV_READ_ONLY, raising=False)
    return out


def new_app() -> AppTest:
    return AppTest.from_file(APP, default_timeout=60)


def page_text(at: AppTest) -> str:
    parts = [e.value for kind in ("info", "warning", "error", "caption", "markdown") for e in at.get(kind)]
    return "\n".join(str(p) for p in parts)


# --- links --------------------------------------------------------------------------------------

def test_top_beyond_the_slider_is_ignored_with_a_notice_not_a_traceback(store):
    at = new_app()
    at.query_params["top"] = "45"  # the old parser took up to 50; the slider stops at 30
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.slider(key="v_top").value == filters.View().top
    notices = [i.value for i in at.info if "Ignored from the link" in i.value]
    assert len(notices) == 1 and "top=45" in notices[0] and "1 to 30" in notices[0]


def test_every_value_the_slider_allows_comes_through_the_link(store):
    for top in filters.TOP_RANGE:
        at = new_app()
        at.query_params["top"] = str(top)
        at.run()
        assert not at.exception
        assert at.slider(key="v_top").value == top
        assert not [i for i in at.info if "Ignored from the link" in i.value]


def test_bad_parameters_are_named_once_and_the_page_works(store):
    at = new_app()
    at.query_params.update({"top": "many", "grain": "fortnight", "tab": "Admin", "from": "2025-13-01",
                            "kind": "moneyy", "company": ["OpenAI", "NoSuchCo"]})
    at.run()
    assert not at.exception and not at.error
    [notice] = [i.value for i in at.info if "Ignored from the link" in i.value]
    for part in ("top=many", "grain=fortnight", "tab=Admin", "from=2025-13-01", "kind=moneyy", "company=NoSuchCo"):
        assert part in notice.replace("\\", ""), part
    assert "OpenAI" not in notice.replace("company=NoSuchCo", "")  # a value that exists is not named
    assert at.multiselect(key="f_companies").value == ["OpenAI"]
    at.run()  # the notice belongs to the run that read the link
    assert not [i for i in at.info if "Ignored from the link" in i.value]


def test_a_link_value_is_text_on_the_page_not_markdown(store):
    at = new_app()
    at.query_params["grain"] = "**[click](http://evil.example)**"
    at.run()
    [notice] = [i.value for i in at.info if "Ignored from the link" in i.value]
    assert "[click](" not in notice and "\\[click\\]" in notice  # escaped, so shown literally


# --- error pages and exports --------------------------------------------------------------------

def test_an_error_page_names_no_server_path(store, monkeypatch):
    secret = f"{ROOT}/dashboard/data.py line 1: {store}"

    def broken(*_):
        raise RuntimeError(secret)

    monkeypatch.setattr(data, "prepare", broken)
    at = new_app()
    at.run()
    assert at.exception, "the failure reaches Streamlit's error handler"
    shown = " ".join([e.message for e in at.exception] + [line for e in at.exception for line in e.stack_trace])
    assert str(ROOT) not in shown and str(store) not in shown and "Traceback" not in shown
    assert st_config.get_option("client.showErrorDetails") == "none"


def test_the_app_switches_table_export_off_when_the_server_did_not(store):
    st_config.set_option("client.disableDataExport", False)  # a server started without our config.toml
    st_config.set_option("client.showErrorDetails", "full")
    try:
        at = new_app()
        at.run()
        assert not at.exception
        assert st_config.get_option("client.disableDataExport") is True
        assert st_config.get_option("client.showErrorDetails") == "none"
        assert at.metric, "the page is drawn after the switch"
    finally:
        st_config.set_option("client.disableDataExport", True)
        st_config.set_option("client.showErrorDetails", "none")


def test_the_project_config_switches_table_export_off():
    import tomllib

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["disableDataExport"] is True
    assert config["client"]["showErrorDetails"] == "none"


# --- the real server ----------------------------------------------------------------------------

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-quic", "--no-first-run", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """`streamlit run` on a loopback port, started OUTSIDE the project (so .streamlit/config.toml
    is not read: what the app enforces itself is what is tested), over the tiny dataset."""
    import os
    import socket
    import subprocess
    import time
    import urllib.request

    home = tmp_path_factory.mktemp("server")
    t = tiny_tables()
    store = write_store(t.mentions, t.documents, t.errors, home / "store")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, data.ENV_DATA: str(store), "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"}
    env.pop(data.ENV_READ_ONLY, None)
    log = open(home / "streamlit.log", "w+")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", APP, "--server.port", str(port), "--server.address", "127.0.0.1",
         "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        cwd=home, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    break
        except OSError:
            time.sleep(0.3)
    else:
        proc.terminate()
        log.seek(0)
        pytest.fail(f"streamlit did not start:\n{log.read()[-3000:]}")
    yield {"url": url, "pid": proc.pid, "home": home}
    proc.terminate()
    proc.wait(timeout=15)


@pytest.mark.browser
def test_the_table_toolbar_offers_no_csv_download_on_a_real_page(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1600})
        page.goto(server["url"] + "/?tab=Mentions+table", wait_until="domcontentloaded")
        page.wait_for_selector('[data-testid="stDataFrame"]', timeout=60_000)
        page.wait_for_timeout(1000)
        page.locator('[data-testid="stDataFrame"]').first.hover()
        page.wait_for_selector('[data-testid="stElementToolbar"] button', state="attached", timeout=10_000)
        labels = page.evaluate("""() => Array.from(document.querySelectorAll('[data-testid="stElementToolbar"] button'))
                                  .map(b => b.getAttribute('aria-label') || b.innerText)""")
        ours = page.locator('[data-testid="stDownloadButton"]').count()
        browser.close()
    assert "Search" in labels, labels  # the toolbar is there ...
    assert "Download as CSV" not in labels, labels  # ... without its own (unneutralised) export
    assert ours >= 1  # the neutralised download stays


# --- one version per read -----------------------------------------------------------------------

def _version_tables(tag: str, n: int):
    from etl import store as etl_store

    rows = []
    for i in range(n):
        sentence = f"{tag}: OpenAI item {i} was reported."
        rows.append({"doc_id": f"{tag}{i}", "source": f"{tag}.txt", "lang": "en", "sentence_id": 0, "sentence": sentence,
                     "start": sentence.index("OpenAI"), "end": sentence.index("OpenAI") + 6, "text": "OpenAI",
                     "kind": "company", "entity": "OpenAI", "company": "OpenAI"})
    docs = [{"doc_id": f"{tag}{i}", "source": f"{tag}.txt", "lang": "en"} for i in range(n)]
    return etl_store.Tables.from_rows(rows, docs, [])


def test_the_dashboard_reads_one_version_while_a_run_switches_between_its_reads(tmp_path, monkeypatch):
    from etl import store as etl_store

    out = tmp_path / "store"
    etl_store.write(_version_tables("old", 5), out)
    old_version = out / ".versions" / Path(etl_store.os.readlink(out / "current")).name
    original = data._read
    seen = {}

    def read_then_switch(path, table, *args, **kwargs):
        if kwargs.get("only") == data.HEAVY and "switched" not in seen:
            etl_store.write(_version_tables("new", 3), out)  # a run ends between the two reads
            seen["switched"] = True
            seen["old kept while read"] = old_version.is_dir()
        return original(path, table, *args, **kwargs)

    monkeypatch.setattr(data, "_read", read_then_switch)
    dataset = data.read_store(out)
    whole = dataset.mentions  # light + text columns together
    assert seen == {"switched": True, "old kept while read": True}
    assert len(whole) == 5 and set(whole["doc_id"]) == {f"old{i}" for i in range(5)}
    assert all(s.startswith("old: ") for s in whole["sentence"])  # no sentence of the new version
    assert all(s[a:b] == t for s, a, b, t in zip(whole["sentence"], whole["start"], whole["end"], whole["text"]))
    assert len(dataset.documents) == 5
    # The reader let go: the next run removes the old version; the store shows the new one.
    etl_store.write(_version_tables("newer", 2), out)
    assert not old_version.exists()
    assert len(list((out / ".versions").iterdir())) == 1
    assert set(data.read_store(out).mentions["doc_id"]) == {"newer0", "newer1"}


# --- uploads in a worker process ----------------------------------------------------------------

UPLOAD = [("a.txt", "OpenAI raised $6.6 billion in October 2024 from Thrive Capital.".encode()),
          ("b.jsonl", '{"text": "أطلقت ديبسيك نموذج R1 مفتوح المصدر في عام 2025."}\n{broken\n'.encode())]


def test_an_upload_extracted_in_the_worker_equals_the_etl_in_process():
    import etl
    from dashboard import uploads

    got = uploads.extract_in_worker(UPLOAD)
    here = etl.extract_uploads(UPLOAD)
    for name in ("mentions", "documents", "errors"):
        pd.testing.assert_frame_equal(getattr(got, name), getattr(here, name))
    assert len(got.documents) == 2 and len(got.errors) == 1


def test_an_upload_past_its_budget_is_stopped_and_its_worker_killed():
    from dashboard import uploads

    uploads._stop_idle()  # a fresh worker: it cannot even finish warming up in 0.3 s
    started = []
    real = uploads.Worker.__init__

    def remember(self, environ):
        real(self, environ)
        started.append(self)

    uploads.Worker.__init__ = remember
    try:
        with pytest.raises(uploads.UploadFailed, match="stopped after 0.3 s"):
            uploads.extract_in_worker(UPLOAD, {**__import__("os").environ, uploads.ENV_UPLOAD_TIMEOUT: "0.3"})
    finally:
        uploads.Worker.__init__ = real
    [worker] = started
    assert not worker.alive() and worker not in uploads._idle


def test_the_worker_applies_the_per_document_budget(monkeypatch):
    import io
    import pickle
    import time

    import etl.pipeline
    from dashboard import uploads

    real = etl.pipeline.extract_document

    def hang_on_marker(doc, *args, **kwargs):
        if "HANG" in doc.text:
            time.sleep(60)
        return real(doc, *args, **kwargs)

    monkeypatch.setattr(etl.pipeline, "extract_document", hang_on_marker)
    request = pickle.dumps({"files": [("slow.txt", b"OpenAI HANG"), *UPLOAD], "doc_timeout": 1})
    stdin, stdout = io.BytesIO(uploads._FRAME.pack(len(request)) + request), io.BytesIO()
    began = time.monotonic()
    uploads.serve(stdin, stdout)  # what the worker process runs, here in the main thread
    assert time.monotonic() - began < 30
    answer = pickle.loads(stdout.getvalue()[uploads._FRAME.size:])
    errors = answer["tables"].errors
    assert "slow.txt" in set(errors["source"]) and "--doc-timeout" in errors[errors.source == "slow.txt"]["error"].iloc[0]
    assert len(answer["tables"].documents) == 2  # the other files as usual


def test_a_real_upload_goes_through_the_worker_and_joins_the_page(store):
    at = new_app()
    at.run()
    before = {m.label: m.value for m in at.metric}["Documents"]
    at.file_uploader(key="uploader").set_value([(name, data, "text/plain") for name, data in UPLOAD])
    at.run()
    assert not at.exception
    assert {m.label: m.value for m in at.metric}["Documents"] == str(int(before) + 2)
    assert any("a.txt: 1 document," in s.value.replace("\\", "") for s in at.success)  # plural right


def _dense_dates(size: int) -> bytes:
    """About `size` bytes of text where nearly every word is part of a date (distinct lines, so no
    repeated-paragraph shortcut makes it cheap)."""
    months = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
              "November", "December"]
    lines, total, n = [], 0, 0
    while total < size:
        line = f"{n % 28 + 1} {months[n % 12]} {2000 + n % 26}, {months[(n * 7) % 12]} {2001 + n % 25} and {n % 28 + 1} {months[(n * 5) % 12]}.\n"
        lines.append(line)
        total += len(line)
        n += 1
    return "".join(lines).encode("utf-8")


class Session:
    """A browser-like session over Streamlit's websocket (its protobuf messages), timing reruns
    from the request to the end of the script (as dashboard/bench.py does)."""

    def __init__(self, url: str):
        self.url = url.replace("http://", "ws://") + "/_stcore/stream"
        self.ids: dict[str, str] = {}

    async def rerun(self, ws, widgets=()) -> float:
        import asyncio
        import time

        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        msg = BackMsg()
        msg.rerun_script.query_string = ""
        for widget_id, values in widgets:
            state = msg.rerun_script.widget_states.widgets.add()
            state.id = widget_id
            state.string_array_value.data.extend(values)
        began = time.perf_counter()
        await ws.send(msg.SerializeToString())
        while True:
            fm = ForwardMsg()
            fm.ParseFromString(await asyncio.wait_for(ws.recv(), 120))
            kind = fm.WhichOneof("type")
            if kind == "delta" and fm.delta.new_element.WhichOneof("type") == "multiselect":
                self.ids[fm.delta.new_element.multiselect.label] = fm.delta.new_element.multiselect.id
            elif kind == "delta" and fm.delta.new_element.WhichOneof("type") == "exception":
                raise RuntimeError(fm.delta.new_element.exception.message)
            elif kind == "script_finished" and fm.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                return time.perf_counter() - began  # (a run that restarts itself goes on)


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / __import__("os").sysconf("SC_CLK_TCK")


def _upload_workers(server_pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{server_pid}/task").glob("*"):
        for child in (task / "children").read_text().split():
            try:
                if b"dashboard.uploads" in Path(f"/proc/{child}/cmdline").read_bytes():
                    found.append(int(child))
            except OSError:
                pass
    return found


@pytest.mark.browser
def test_a_heavy_upload_in_one_session_leaves_another_sessions_filter_changes_under_a_second(server):
    """Session A (Chromium) uploads 1 MB of dense dates; while its worker extracts, session B
    (a websocket client) changes a filter, with short pauses, eight times.

    What is asserted: the extraction runs outside the server (the worker burns CPU through B's
    changes while the server's own CPU stays near what B's reruns cost: extraction inside the
    server would keep it busy the whole time), and B's changes answer within 1 s (the median;
    at most one slower). This machine is shared with other test runs, which can make B slow with
    no upload at all: B first times the same changes without the upload, and where those are
    slower than 1 s, the bounds are what they took (1.5 times their median; their slowest)."""
    import asyncio
    import threading
    import time

    import websockets
    from playwright.sync_api import sync_playwright

    b = Session(server["url"])
    ready, go, result = threading.Event(), threading.Event(), {}
    values = (["ar", "hi"], ["zh"], [], ["en"], ["ar"], [], ["hi"], [])

    async def session_b():
        async with websockets.connect(b.url, subprotocols=["streamlit"], max_size=None) as ws:
            await b.rerun(ws)  # B's first page, before A starts

            async def changes():
                timed = []
                for chosen in values:
                    began = time.monotonic()
                    seconds = await b.rerun(ws, [(b.ids["Languages"], chosen)])
                    timed.append((began, time.monotonic(), seconds))
                    await asyncio.sleep(0.3)  # a person clicking, and room to see who burns CPU
                return timed

            server_cpu = _cpu_seconds(server["pid"])
            result["baseline"] = await changes()  # the same changes, nothing uploading
            result["server_cpu_baseline"] = _cpu_seconds(server["pid"]) - server_cpu
            ready.set()
            await asyncio.get_running_loop().run_in_executor(None, go.wait, 180)
            result["window"], server_cpu = [time.monotonic()], _cpu_seconds(server["pid"])
            result["changes"] = await changes()
            result["window"].append(time.monotonic())
            result["server_cpu"] = _cpu_seconds(server["pid"]) - server_cpu

    def run_b():
        try:
            asyncio.run(session_b())
        except BaseException as exc:  # reported by the main thread
            result["error"] = exc
            ready.set()

    thread = threading.Thread(target=run_b)
    thread.start()
    samples: list[tuple[float, float]] = []  # (time, the worker's CPU seconds)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1200})
        page.goto(server["url"], wait_until="domcontentloaded")
        uploader = page.locator('[data-testid="stFileUploaderDropzoneInput"]')
        uploader.wait_for(state="attached", timeout=60_000)
        assert ready.wait(120) and "error" not in result, result.get("error")
        payload = _dense_dates(1_000_000)
        uploader.set_input_files(files=[{"name": "dense-dates.txt", "mimeType": "text/plain", "buffer": payload}])
        # Wait until A's worker is extracting (it uses CPU), then let B go.
        deadline, worker = time.monotonic() + 60, None
        while time.monotonic() < deadline and worker is None:
            for pid in _upload_workers(server["pid"]):
                before = _cpu_seconds(pid)
                time.sleep(0.2)
                if _cpu_seconds(pid) > before:
                    worker = pid
            time.sleep(0.05)
        assert worker is not None, "the upload never reached a worker process"
        go.set()
        while thread.is_alive():
            try:
                samples.append((time.monotonic(), _cpu_seconds(worker)))
            except OSError:
                break  # the worker ended
            time.sleep(0.05)
        thread.join()
        browser.close()
    assert "error" not in result, result.get("error")
    changes = [seconds for _, _, seconds in result["changes"]]
    baseline = [seconds for _, _, seconds in result["baseline"]]
    shown = f"during the upload {[round(x, 2) for x in changes]}, without {[round(x, 2) for x in baseline]}"
    print("session B's filter changes (s):", shown)

    began, ended = result["window"]
    inside = [s for s in samples if began <= s[0] <= ended]
    assert len(inside) >= 10 and inside[-1][0] - inside[0][0] > 0.8 * (ended - began), "the worker ended before B did"
    worker_cpu = inside[-1][1] - inside[0][1]
    print(f"B's changes: upload worker {worker_cpu:.1f} CPU-s; server {result['server_cpu']:.1f} CPU-s, "
          f"{result['server_cpu_baseline']:.1f} for the same changes without the upload")
    assert worker_cpu > 0.1, "the worker was not extracting through B's changes"
    # The server did B's reruns and no extraction: about the CPU the same changes took before.
    assert result["server_cpu"] < 1.5 * result["server_cpu_baseline"] + 0.5, "the server itself was busy extracting"

    # Within 1 s; where the machine is so loaded that B's changes are slow without any upload,
    # within what they take then: the upload must not be what makes them slow.
    median = sorted(changes)[len(changes) // 2]
    assert median < max(1.0, 1.5 * sorted(baseline)[len(baseline) // 2]), shown
    assert sum(x > max(1.0, max(baseline)) for x in changes) <= 1, shown
