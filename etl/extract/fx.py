"""Money in US dollars: the yearly average exchange rates of etl/data/fx_rates.csv."""
from __future__ import annotations

from functools import cache

from etl.datafiles import read_csv


@cache
def _fx() -> dict[str, dict[int, float]]:
    table: dict[str, dict[int, float]] = {}
    for r in read_csv("fx_rates.csv"):
        table.setdefault(r["currency"].upper(), {})[int(r["year"])] = float(r["usd_per_unit"])
    return table


def to_usd(amount: float, currency: str, year: int | None = None) -> float | None:
    """`amount` of `currency` in US dollars at the yearly average rate of `year`.

    No year: the latest year in the table. A year outside the table takes its nearest year (2026,
    not yet complete, carries 2025). A currency without rates gives None.
    """
    if amount is None or not currency:
        return None
    code = currency.strip().upper()
    if code == "USD":
        return float(amount)
    rates = _fx().get(code)
    if not rates:
        return None
    years = sorted(rates)
    y = years[-1] if year is None else min(max(int(year), years[0]), years[-1])
    return float(amount) * rates[y]
