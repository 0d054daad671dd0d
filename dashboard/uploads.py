"""Uploaded files through the ETL in a worker process, so that one upload never freezes the server.

Extraction is pure Python and holds the interpreter lock for as long as it runs: in the server's
own process, a large or hostile upload (dense dates, one endless sentence) would stall every other
session's reruns. Here an upload is sent to a worker, `python -m dashboard.uploads`, over its
stdin/stdout (length-prefixed pickles), which runs `etl.extract_uploads` in its main thread with
the same per-document time budget as `python -m etl run --doc-timeout`; a worker that outlives
the upload budget is killed. Workers start warm (patterns compiled once, ~2-3 s, before the
first upload arrives) and one idle worker is kept for the next upload; a worker that handled a
large upload is not kept (its memory goes back with it). Concurrent uploads get one worker
each. Workers run at a lower priority (nice 10), so on a small machine the server's reruns for
other sessions come first. A worker exits when the server goes away.

Settings: AI_TRENDS_DOC_TIMEOUT (seconds per document, default 60), AI_TRENDS_UPLOAD_TIMEOUT
(seconds per upload, default 600).
"""
from __future__ import annotations

import atexit
import os
import pickle
import select
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ENV_DOC_TIMEOUT = "AI_TRENDS_DOC_TIMEOUT"
ENV_UPLOAD_TIMEOUT = "AI_TRENDS_UPLOAD_TIMEOUT"
DEFAULT_DOC_TIMEOUT = 60.0
DEFAULT_UPLOAD_TIMEOUT = 600.0
KEEP_AFTER_BYTES = 1_000_000  # a worker that extracted more than this is not kept idle
_FRAME = struct.Struct(">Q")


class UploadFailed(RuntimeError):
    """The worker did not give tables back; the message is for the page (no paths)."""


def seconds(environ: Mapping[str, str], name: str, default: float) -> float:
    try:
        value = float(environ.get(name, default))
    except ValueError:
        return default
    return value if value > 0 else default


class Worker:
    """One `python -m dashboard.uploads` process."""

    def __init__(self, environ: Mapping[str, str]):
        env = {**environ, "PYTHONPATH": os.pathsep.join([str(ROOT), *filter(None, [environ.get("PYTHONPATH")])])}
        # stderr is the server's: a worker's own failure is logged there, never shown on the page.
        self.process = subprocess.Popen([sys.executable, "-m", "dashboard.uploads"], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, cwd=ROOT, env=env)

    def ask(self, request: dict, timeout: float, on_progress=None):
        """Send a request and wait for its answer, at most `timeout` seconds; progress frames
        on the way ({"progress": …}) go to `on_progress`."""
        data = pickle.dumps(request, protocol=pickle.HIGHEST_PROTOCOL)
        try:
            self.process.stdin.write(_FRAME.pack(len(data)) + data)
            self.process.stdin.flush()
        except OSError:
            raise UploadFailed(self._died()) from None
        deadline = time.monotonic() + timeout
        while True:
            size = _FRAME.unpack(self._read(_FRAME.size, deadline, timeout))[0]
            answer = pickle.loads(self._read(size, deadline, timeout))
            if "progress" not in answer:
                return answer
            if on_progress is not None:
                on_progress(answer["progress"])

    def _read(self, n: int, deadline: float, timeout: float) -> bytes:
        stream, chunks, got = self.process.stdout, [], 0
        while got < n:
            if not select.select([stream], [], [], max(deadline - time.monotonic(), 0))[0]:
                raise UploadFailed(f"stopped after {timeout:g} s (AI_TRENDS_UPLOAD_TIMEOUT)")
            chunk = os.read(stream.fileno(), min(n - got, 1 << 20))
            if not chunk:
                raise UploadFailed(self._died())
            chunks.append(chunk)
            got += len(chunk)
        return b"".join(chunks)

    def _died(self) -> str:
        try:
            code = self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            code = None
        return f"the extraction process failed (exit status {code})"

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> None:
        if self.alive():
            self.process.kill()
        self.process.wait()
        for stream in (self.process.stdin, self.process.stdout):
            try:
                stream.close()
            except OSError:
                pass


_idle: list[Worker] = []
_idle_lock = threading.Lock()


def _take(environ: Mapping[str, str]) -> Worker:
    with _idle_lock:
        while _idle:
            worker = _idle.pop()
            if worker.alive():
                return worker
            worker.stop()
    return Worker(environ)


def _give_back(worker: Worker, size: int) -> None:
    with _idle_lock:
        if size <= KEEP_AFTER_BYTES and not _idle and worker.alive():
            _idle.append(worker)
            return
    worker.stop()


@atexit.register
def _stop_idle() -> None:
    with _idle_lock:
        while _idle:
            _idle.pop().stop()


def extract_in_worker(files: list[tuple[str, bytes]], environ: Mapping[str, str] = os.environ):
    """etl.extract_uploads(files) in a worker process; raises UploadFailed when the worker dies or
    runs out of time (it is killed then)."""
    doc_timeout = seconds(environ, ENV_DOC_TIMEOUT, DEFAULT_DOC_TIMEOUT)
    upload_timeout = seconds(environ, ENV_UPLOAD_TIMEOUT, DEFAULT_UPLOAD_TIMEOUT)
    worker = _take(environ)
    try:
        answer = worker.ask({"files": files, "doc_timeout": doc_timeout}, upload_timeout)
    except BaseException:
        worker.stop()
        raise
    if "error" in answer:  # the ETL itself failed on these files; the worker is fine
        _give_back(worker, 0)
        raise UploadFailed(answer["error"])
    _give_back(worker, sum(len(data) for _, data in files))
    return answer["tables"]


def add_in_worker(files: list[tuple[str, bytes]], store: Path, added_by: str | None, on_progress=None,
                  environ: Mapping[str, str] = os.environ):
    """etl.add_uploads(files, store, added_by) in a worker process: the real incremental ETL into
    the shared store, under its lock (the worker waits for a run that holds it). `on_progress`
    gets (documents done, documents in all) or a line of text while waiting. Returns the added
    Tables; raises UploadFailed as extract_in_worker does."""
    doc_timeout = seconds(environ, ENV_DOC_TIMEOUT, DEFAULT_DOC_TIMEOUT)
    upload_timeout = seconds(environ, ENV_UPLOAD_TIMEOUT, DEFAULT_UPLOAD_TIMEOUT)
    worker = _take(environ)
    request = {"files": files, "doc_timeout": doc_timeout, "store": str(store), "added_by": added_by,
               "wait": upload_timeout}
    try:
        answer = worker.ask(request, upload_timeout, on_progress)
    except BaseException:
        worker.stop()  # killed in the middle of a run: the kernel drops its lock, the next run cleans up
        raise
    _give_back(worker, sum(len(data) for _, data in files) if "error" not in answer else 0)
    if "error" in answer:
        raise UploadFailed(answer["error"])
    return answer["tables"]


def _answer(request: dict, send) -> dict:
    """One request in the worker: extract in memory, or add to the shared store (waiting for
    its lock while another run holds it, telling the page so)."""
    import etl
    from etl.corpus import read_bytes
    from etl.runner import add_to_store
    from etl.store import StoreBusy

    if "store" not in request:
        return {"tables": etl.extract_uploads(request["files"], doc_timeout=request["doc_timeout"])}
    items = [item for name, data in request["files"] for item in read_bytes(Path(name).name, data)]
    deadline = time.monotonic() + request.get("wait", DEFAULT_UPLOAD_TIMEOUT)
    while True:
        try:
            tables = add_to_store(items, Path(request["store"]), request["added_by"],
                                  progress=lambda done: send({"progress": (done, len(items))}),
                                  doc_timeout=request["doc_timeout"])
            return {"tables": tables}
        except StoreBusy:
            if time.monotonic() > deadline:
                raise
            send({"progress": "waiting for the ETL run that is writing the store…"})
            time.sleep(1.0)


def serve(stdin, stdout) -> None:
    """The worker's side: warm up, then answer requests until stdin closes."""
    from etl.pipeline import warm_up

    warm_up()
    while True:
        head = stdin.read(_FRAME.size)
        if len(head) < _FRAME.size:
            return  # the server went away
        request = pickle.loads(stdin.read(_FRAME.unpack(head)[0]))

        def send(message: dict) -> None:
            data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
            stdout.write(_FRAME.pack(len(data)) + data)
            stdout.flush()

        try:
            answer = _answer(request, send)
        except Exception as exc:  # the message only: no traceback, no paths
            answer = {"error": f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"}
        send(answer)


if __name__ == "__main__":
    try:
        os.nice(10)  # an upload (and this worker's start: imports, compiling) yields to the server's reruns
    except (AttributeError, OSError):
        pass
    from etl.engines import exit_with_parent

    exit_with_parent(os.getppid())  # even in the middle of an upload: nobody waits for it
    serve(sys.stdin.buffer, sys.stdout.buffer)
