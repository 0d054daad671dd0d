"""Money in US dollars, and where the rate came from.

Sources, in order (each row says which one made its dollar figure: `fx_from`, and the rate's date:
`fx_date`):
1. `ecb`: the European Central Bank's daily reference rates since 1999, shipped offline with the
   CurrencyConverter package (about 40 currencies: EUR, GBP, JPY, CNY, INR, KRW, HKD, AUD, CAD,
   CHF, SGD, BRL, TRY …). The rate of the money row's own date (a day), else of the document's
   publication day, else the average of the row's month or year (or the document's year); a
   weekend or holiday takes the rates around it (interpolated). A date after the last rate shipped
   takes that last rate; a currency the ECB stopped quoting (RUB since March 2022) goes on below.
2. `peg`: the official fixed rates of AED, SAR, QAR, OMR, BHD, JOD and HKD's linked rate
   (etl/data/fx_pegs.csv, the central bank named per row), from the peg's start.
3. `table`: yearly averages for the currencies neither covers (etl/data/fx_rates.csv, its source
   named per row), for the year or the nearest year within one of the table's range.
No source: `amount_usd` is null (and the run summary counts those rows).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache, lru_cache

from etl.datafiles import read_csv
from etl.schema import date_text

_STALE = dt.timedelta(days=31)  # a currency whose last ECB rate is older than the data's end is no longer quoted


@dataclass(frozen=True, slots=True)
class Rate:
    usd: float | None  # the amount in US dollars
    fx_date: str | None  # the rate's date: a day, or "YYYY-MM" / "YYYY" for an average
    fx_from: str | None  # ecb, peg, table; None for US dollars (no conversion) and for no source


NO_RATE = Rate(None, None, None)


@cache
def converter():
    """The ECB rates (loaded once per process, about a second)."""
    from currency_converter import CurrencyConverter

    return CurrencyConverter(fallback_on_missing_rate=True, fallback_on_wrong_date=False)


@cache
def _pegs() -> dict[str, tuple[float, dt.date]]:
    return {r["currency"]: (float(r["usd_per_unit"]), dt.date.fromisoformat(r["since"])) for r in read_csv("fx_pegs.csv")}


@cache
def _table() -> dict[str, dict[int, float]]:
    table: dict[str, dict[int, float]] = {}
    for r in read_csv("fx_rates.csv"):
        table.setdefault(r["currency"].upper(), {})[int(r["year"])] = float(r["usd_per_unit"])
    return table


def to_usd(amount: float, currency: str, year: int | None = None) -> float | None:
    """`amount` of `currency` in US dollars at the yearly table's rate of `year` (no year: the
    latest; a year outside the table: its nearest). The table alone; `convert` uses every source."""
    if amount is None or not currency:
        return None
    code = currency.strip().upper()
    if code == "USD":
        return float(amount)
    rates = _table().get(code)
    if not rates:
        return None
    years = sorted(rates)
    y = years[-1] if year is None else min(max(int(year), years[0]), years[-1])
    return float(amount) * rates[y]


def _parse(value: str | None) -> tuple[dt.date | None, str | None]:
    """(the first day, the grain) of an ISO date value "2025-03-16", "2025-03" or "2025"."""
    if not value:
        return None, None
    parts = value.split("-")
    try:
        return dt.date(int(parts[0]), int(parts[1]) if len(parts) > 1 else 1, int(parts[2]) if len(parts) > 2 else 1), \
            ("day", "month", "year")[3 - len(parts)] if len(parts) <= 3 else None
    except (ValueError, IndexError):
        return None, None


def convert(amount: float, currency: str, row_date: str | None = None, published: dt.date | None = None,
            published_grain: str | None = None) -> Rate:
    """`amount` of `currency` in US dollars, from the best source for the row's date (see above)."""
    if amount is None or not currency:
        return NO_RATE
    code = currency.strip().upper()
    if code == "USD":
        return Rate(float(amount), None, None)
    day, grain = _parse(row_date)
    if day is None and published is not None:
        day, grain = published, published_grain or "day"
    for source in (_ecb, _peg, _yearly):
        got = source(code, day, grain)
        if got is not None:
            rate, when, name = got
            return Rate(float(amount) * rate, when, name)
    return NO_RATE


def _ecb(code: str, day: dt.date | None, grain: str | None) -> tuple[float, str, str] | None:
    c = converter()
    if code not in c.currencies or code not in c.bounds:
        return None
    first, last = c.bounds[code]
    end_of_data = c.bounds["USD"].last_date
    if last < end_of_data - _STALE and (day is None or day > last):
        return None  # no longer quoted
    if day is None:
        return _ecb_day(code, last), last.isoformat(), "ecb"
    if grain == "day":
        d = min(max(day, first), last) if day <= last or last >= end_of_data - _STALE else None
        if d is None or day < first:
            return None
        return _ecb_day(code, d), d.isoformat(), "ecb"
    span = _month_span(day) if grain == "month" else (dt.date(day.year, 1, 1), dt.date(day.year, 12, 31))
    lo, hi = max(span[0], first), min(span[1], last)
    if lo > hi:
        if span[0] > last and last >= end_of_data - _STALE:  # a month or year after the data: the last rate
            return _ecb_day(code, last), last.isoformat(), "ecb"
        return None
    label = date_text(day, grain if grain == "month" else "year")
    return _ecb_average(code, lo, hi), label, "ecb"


def _month_span(day: dt.date) -> tuple[dt.date, dt.date]:
    nxt = dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return dt.date(day.year, day.month, 1), nxt - dt.timedelta(days=1)


@lru_cache(maxsize=65536)
def _ecb_day(code: str, day: dt.date) -> float:
    return converter().convert(1, code, "USD", date=day)


@lru_cache(maxsize=4096)
def _ecb_average(code: str, lo: dt.date, hi: dt.date) -> float:
    """The mean of the daily rates over [lo, hi] (weekdays: the days the ECB publishes)."""
    days = [lo + dt.timedelta(days=i) for i in range((hi - lo).days + 1)]
    rates = [_ecb_day(code, d) for d in days if d.weekday() < 5] or [_ecb_day(code, lo)]
    return sum(rates) / len(rates)


def _peg(code: str, day: dt.date | None, grain: str | None) -> tuple[float, str, str] | None:
    peg = _pegs().get(code)
    if peg is None or (day is not None and day < peg[1]):
        return None
    label = None if day is None else date_text(day, grain if grain in ("day", "month") else "year")
    return peg[0], label, "peg"


def _yearly(code: str, day: dt.date | None, grain: str | None) -> tuple[float, str, str] | None:
    rates = _table().get(code)
    if not rates:
        return None
    years = sorted(rates)
    year = years[-1] if day is None else day.year
    if not years[0] - 1 <= year <= years[-1] + 1:
        return None
    nearest = min(max(year, years[0]), years[-1])
    return rates[nearest], str(nearest), "table"
