"""The dateparser adapter of etl/extract/dates.py: a month or day phrase read in the language's own
spelling with a fixed leap year (so its cache is bounded and the year logic stays in dates.py),
and numeric dates as written (so the language's own day/month order applies)."""
from __future__ import annotations

import calendar
import datetime as dt
import functools

from dateparser.date import DateDataParser

from etl.extract.date_rules import Grammar

_FIXED_YEAR = 2000  # leap year: the year in the strings dateparser sees ("29 فبراير" is valid)
_DP_SETTINGS = {
    "PREFER_DAY_OF_MONTH": "first",
    "RETURN_TIME_AS_PERIOD": True,
    "RELATIVE_BASE": dt.datetime(_FIXED_YEAR, 1, 1),
    "TIMEZONE": "UTC",
    "PARSERS": ["custom-formats", "absolute-time"],
    "REQUIRE_PARTS": ["month"],
}


@functools.cache
def _parser(lang: str) -> DateDataParser:
    return DateDataParser(languages=[lang], settings=_DP_SETTINGS)


@functools.lru_cache(maxsize=8192)
def read_phrase(lang: str, phrase: str) -> tuple[int, int, int, str] | None:
    """(year, month, day, period) of a phrase, or None when dateparser cannot read it."""
    data = _parser(lang).get_date_data(phrase)
    if data.date_obj is None or data.period not in ("day", "month"):
        return None
    d = data.date_obj
    return d.year, d.month, d.day, data.period


def month_day(g: Grammar, month: int, day: int | None) -> tuple[int, int | None, str] | None:
    """Month, day and grain of a day-month phrase: dateparser reads the month in its own spelling.

    Only the month phrase goes to dateparser (12 parses per language, cached). The day is checked
    against that month of the fixed leap year, which is what dateparser does with "<day> <month>
    2000" (the same answer for every day 0-39 of every month in all four languages, checked
    exhaustively) without its ~1 ms per distinct phrase.
    """
    got = read_phrase(g.code, _month_phrase(g, month, None))
    if got is None or got[3] != "month":
        return _month_day_parsed(g, month, day)  # dateparser reads the name oddly: ask it all
    m = got[1]
    if not day:
        return m, None, "month"
    if day > _DAYS_IN_MONTH[m]:
        return None  # e.g. 31 June
    return m, day, "day"


def _month_phrase(g: Grammar, month: int, day: int | None) -> str:
    if g.code == "zh":
        return f"{_FIXED_YEAR}年{month}月" + (f"{day}日" if day else "")
    return (f"{day} " if day else "") + f"{g.canonical_month[month]} {_FIXED_YEAR}"


def _month_day_parsed(g: Grammar, month: int, day: int | None) -> tuple[int, int | None, str] | None:
    """`month_day` with the whole day-month phrase read by dateparser."""
    got = read_phrase(g.code, _month_phrase(g, month, day))
    if got is None:
        return None  # e.g. 31 June
    _, m, d, period = got
    return m, (d if period == "day" else None), period


# Days per month of _FIXED_YEAR (a leap year: 29 February exists).
_DAYS_IN_MONTH = {m: calendar.monthrange(_FIXED_YEAR, m)[1] for m in range(1, 13)}
