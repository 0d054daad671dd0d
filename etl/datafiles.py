"""The knowledge files under etl/data/: one loader for all of them.

Every file is UTF-8 CSV with a header line; lines starting with # are comments (each file says
what its columns mean at its top). Values are stripped; an empty cell is "".
"""
from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"


@cache
def _rows(name: str) -> tuple[dict[str, str], ...]:
    with open(DATA_DIR / name, encoding="utf-8", newline="") as f:
        lines = [line for line in f if line.strip() and not line.startswith("#")]
    return tuple({k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(lines))


def read_csv(name: str) -> list[dict[str, str]]:
    """The rows of etl/data/NAME (a fresh list of fresh dicts: callers may change them)."""
    return [dict(r) for r in _rows(name)]
