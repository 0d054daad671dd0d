"""Benchmark of the event merge (etl/events.py) on synthetic money rows (never analysis data):
`python -m etl.bench_events --rows 10000 40000` prints seconds and rows/s per size, so growth
with the table can be read as a ratio measured in the same run."""
from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

from etl.events import assign, events_table


def synthetic(rows: int, seed: int = 0) -> pd.DataFrame:
    """Money rows: 1 company per 20 rows, a few rounds each, reported 1-6 times over a few days."""
    rng = np.random.default_rng(seed)
    companies = rng.integers(0, max(1, rows // 20), rows)
    rounds = rng.integers(0, 4, rows)
    day = pd.Timestamp("2024-01-01") + pd.to_timedelta(rounds * 120 + rng.integers(0, 5, rows), unit="D")
    return pd.DataFrame({
        "doc_id": [f"d{i // 3}" for i in range(rows)], "source": "synthetic", "published": day,
        "sentence_id": rng.integers(0, 30, rows), "start": np.arange(rows), "kind": "money",
        "company": [f"Company {c}" for c in companies], "amount": (rounds + 1) * 1e8 * (1 + rng.uniform(-0.01, 0.01, rows)),
        "amount_upper": np.nan, "currency": "USD", "amount_usd": (rounds + 1) * 1e8, "money_type": "funding",
        "round": [None] * rows, "investor": None, "investors": None, "date": None, "date_grain": None,
    })


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, nargs="+", default=[10_000, 40_000])
    args = parser.parse_args()
    for n in args.rows:
        money = synthetic(n)
        t0 = time.perf_counter()
        money["event_id"] = assign(money)
        t1 = time.perf_counter()
        table = events_table(money)
        t2 = time.perf_counter()
        print(f"{n:>9,} rows  assign {t1 - t0:6.2f} s ({n / (t1 - t0):,.0f} rows/s)  table {t2 - t1:6.2f} s  "
              f"{len(table):,} events")


if __name__ == "__main__":
    main()
