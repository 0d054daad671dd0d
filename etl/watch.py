"""`python -m etl watch CORPUS --out DIR --every 15m`: the incremental ETL again and again over a
folder where new articles land. Each round is an ordinary incremental `run` (unchanged records
are not even parsed, so a quiet round costs little); the dashboard picks up each new version by
itself. A round that finds the store locked (an upload being added, another run) is skipped and
the next one tries again; documents added through the dashboard stay (see runner.run_corpus)."""
from __future__ import annotations

import re
import sys
import time
from collections.abc import Callable

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_DURATION = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*", re.IGNORECASE)


def parse_every(text: str) -> float:
    """Seconds from "90", "30s", "15m", "1.5h", "1d"; ValueError for anything else or 0."""
    match = _DURATION.fullmatch(text or "")
    if not match:
        raise ValueError(f"not a duration: {text!r} (say 30s, 15m, 1h or 1d)")
    seconds = float(match.group(1)) * _UNITS[(match.group(2) or "s").lower()]
    if seconds <= 0:
        raise ValueError(f"must be more than 0: {text!r}")
    return seconds


def watch(run_once: Callable[[], str], every: float, rounds: int | None = None, sleep=time.sleep,
          clock=time.monotonic, out=None) -> int:
    """Call `run_once` (one incremental run; returns a one-line summary, raises StoreBusy when the
    store is locked) every `every` seconds from the start of the last round, `rounds` times
    (None = until interrupted). Returns the number of rounds that wrote a version."""
    from etl.store import StoreBusy

    written, done = 0, 0
    try:
        while rounds is None or done < rounds:
            started = clock()
            try:
                line = run_once()
                written += 1
            except StoreBusy as exc:
                line = f"skipped: {exc}"
            done += 1
            print(f"{time.strftime('%Y-%m-%d %H:%M:%S')} round {done}: {line}", file=out or sys.stdout, flush=True)
            if rounds is not None and done >= rounds:
                break
            sleep(max(0.0, every - (clock() - started)))
    except KeyboardInterrupt:
        pass
    return written
