"""Dates written relative to the publication date, and the smaller forms that need arithmetic
rather than dateparser: the nth weekday of a month and Hijri dates.

The rules that find them are the languages' own (etl/lang/<code>.py, rule names in
`RELATIVE_RULES` and `CALENDAR_RULES`), over the same tagged sentence as every date rule; this
module only turns a match into a value, given the base (the document's `published`) and how much
of it is known (`base_grain`):

* today/yesterday/tomorrow (أمس, कल, 昨天) and "N days ago/in N days" need a day-grain base;
  Hindi कल/परसों take their direction from the tense of the sentence.
* A weekday is the most recent one on or before the base, unless the sentence speaks of the
  future (will, سوف, करेगी, 将) -- then the first one after it -- or says which one: next/المقبل/
  अगले (the first after), last/الماضي/पिछले (the last before), this (in the base's week), 上周二 /
  下周二 (in the week before/after the base's).
* this/last/next week (grain `week`, its Monday as value), month (`month`), quarter (`quarter`,
  value "2025-Q2"); "N weeks/months/years ago" likewise at the grain of the unit. A month or
  quarter needs a base of month grain or finer, a year any base.
* "in N days" (later_before / later_after) counts only in a sentence about the future: "the
  biggest drop in two years" is a duration, not a date.

Without a base fine enough the phrase yields no row (never a guess); `DateScan.unresolved`
counts such phrases for the run summary.
"""
from __future__ import annotations

import calendar
import datetime as dt
import re

from hijridate import Hijri

from etl.extract.date_rules import Grammar

RELATIVE_RULES = frozenset({"rel_day", "weekday", "rel_period", "ago", "later"})
CALENDAR_RULES = frozenset({"nth_weekday", "hijri"})
GRAIN_ORDER = {"day": 0, "week": 1, "month": 2, "quarter": 3, "year": 4}
_Part = tuple[int, int, str, str, bool]  # start, end, value, grain, explicit_year


def cue(p, g: Grammar, group: str, kind: str) -> int | str | None:
    """The value of the date word of `kind` in the match's `group` (a lexicon word or one read in place)."""
    found = p.tagged.cues.get(p.match.start(group))
    if found is not None:
        return found.get(kind)
    return g.inline.get(kind, {}).get(p.match.group(group).strip())


def base_year(month: int, day: int | None, relocc: str | None, rely: int | None, base: dt.date | None) -> int | None:
    """The year of a month or day phrase that states none: from the base, and next/last/this."""
    if base is None:
        return None
    if rely is not None:
        return base.year + rely
    if relocc == "next":
        return base.year if (month, day or 0) > (base.month, base.day) else base.year + 1
    if relocc == "last":
        return base.year if (month, day or 32) < (base.month, base.day) else base.year - 1
    return base.year


def _fine_enough(base_grain: str | None, needed: str) -> bool:
    """Whether a base known to `base_grain` can place a phrase of grain `needed` (a week needs a day)."""
    if base_grain is None:
        return False
    need = "day" if needed == "week" else ("month" if needed == "quarter" else needed)
    return GRAIN_ORDER[base_grain] <= GRAIN_ORDER[need]


_CLAUSE_BREAK = re.compile(r"[,;:،؛，；。!?|()]")
_REACH = 80  # characters of the clause read for a tense cue


def future(p, g: Grammar) -> bool:
    """Whether the phrase's clause speaks of the future: a tense cue before it in the clause
    ("will launch on Tuesday", "سوف تطلق يوم الثلاثاء", "将于周二"), or after it where the verb
    follows its dates (Hindi: "मंगलवार को लॉन्च करेगी")."""
    text = p.tagged.text
    start, end = p.match.span()
    if g.future_after:
        limit = min(len(text), end + _REACH)
        for breaks in (_CLAUSE_BREAK, g.clause_words):
            stop = breaks.search(text, end, limit) if breaks else None
            limit = stop.start() if stop else limit
        return bool(g.future.search(text, end, limit))
    lo = max(0, start - _REACH)
    breaks = [m.end() for m in _CLAUSE_BREAK.finditer(text, lo, start)]
    return bool(g.future.search(text, breaks[-1] if breaks else lo, start))


def resolve_relative(p, g: Grammar, base: dt.date | None, base_grain: str | None, start: int, end: int) -> list[_Part]:
    """The date a relative phrase stands for, or [] (no base fine enough, or no date)."""
    if base is None:
        return []
    got = _RESOLVERS[p.rule](p, g, base)
    if got is None:
        return []
    value, grain = got
    if not _fine_enough(base_grain, grain) or not 1 <= int(value[:4]) <= 9999:
        return []
    return [(start, end, value, grain, False)]


def _day(d: dt.date) -> tuple[str, str]:
    return d.isoformat(), "day"


def _week(d: dt.date) -> tuple[str, str]:
    return (d - dt.timedelta(days=d.weekday())).isoformat(), "week"


def _month(base: dt.date, offset: int) -> tuple[str, str]:
    n = base.year * 12 + base.month - 1 + offset
    return f"{n // 12:04d}-{n % 12 + 1:02d}", "month"


def _quarter(base: dt.date, offset: int) -> tuple[str, str]:
    n = base.year * 4 + (base.month - 1) // 3 + offset
    return f"{n // 4:04d}-Q{n % 4 + 1}", "quarter"


def _rel_day(p, g: Grammar, base: dt.date):
    offset = cue(p, g, "reld", "rel_day")
    if offset is None:
        tensed = cue(p, g, "reld", "rel_day_tensed")
        if tensed is None:
            return None
        offset = tensed if future(p, g) else -tensed
    return _day(base + dt.timedelta(days=offset))


def _weekday(p, g: Grammar, base: dt.date):
    groups = p.match.groupdict()
    wd = cue(p, g, "wd", "weekday") if groups.get("wd") else cue(p, g, "wdw", "weekday_after_week")
    if wd is None:
        return None
    if groups.get("relw"):  # 上周二: the Tuesday of the week before the base's
        week = cue(p, g, "relw", "rel_week") or 0
        return _day(base - dt.timedelta(days=base.weekday()) + dt.timedelta(days=7 * week + wd))
    relocc = (cue(p, g, "relocc", "rel_occ_before") or cue(p, g, "relocc", "rel_occ_after")) if groups.get("relocc") else None
    if relocc == "this":
        return _day(base - dt.timedelta(days=base.weekday() - wd))
    back = (base.weekday() - wd) % 7  # days back to the most recent one, the base included
    if relocc == "next" or (relocc is None and future(p, g)):
        return _day(base + dt.timedelta(days=(wd - base.weekday() - 1) % 7 + 1))
    if relocc == "last":
        back = back or 7
    return _day(base - dt.timedelta(days=back))


def _rel_period(p, g: Grammar, base: dt.date):
    for kind, place in (("rel_week", None), ("rel_month", _month), ("rel_quarter", _quarter)):
        offset = cue(p, g, "relp", kind)
        if offset is not None:
            return _week(base + dt.timedelta(days=7 * offset)) if place is None else place(base, offset)
    return None


def _count(p, g: Grammar) -> int | None:
    groups = p.match.groupdict()
    if groups.get("dual"):
        return 2
    surface = groups.get("count")
    if surface is None:  # "قبل أسبوع": a singular unit is one of it, a plural needs a number
        unit = cue(p, g, "unit", "unit")
        return 1 if unit and not unit.endswith("s") else None
    if surface.strip().isdigit():
        return int(surface)
    return cue(p, g, "count", "count") or cue(p, g, "count", "numeral")


def _shift(p, g: Grammar, base: dt.date, sign: int):
    groups = p.match.groupdict()
    unit = cue(p, g, "dual", "unit_dual") if groups.get("dual") else cue(p, g, "unit", "unit")
    n = _count(p, g)
    if unit is None or not n or _after_postposition(p):
        return None
    unit = unit.rstrip("s")
    n *= sign
    if unit == "day":
        return _day(base + dt.timedelta(days=n))
    if unit == "week":
        return _week(base + dt.timedelta(days=7 * n))
    if unit == "month":
        return _month(base, n)
    return (f"{base.year + n:04d}", "year") if unit == "year" else None


def _after_postposition(p) -> bool:
    """"लॉन्च से दो दिन पहले": a count right after a postposition is counted from another event."""
    start = p.match.start()
    lo = max(0, start - 24)  # a postposition is a short word
    word = p.tagged.text[lo:start].rstrip().rstrip("\uf8ff")  # its placeholder, then the rest of the word
    return bool(word) and "postp" in p.tagged.cues.get(lo + len(word) - 1, {})


def _ago(p, g: Grammar, base: dt.date):
    return _shift(p, g, base, -1)


def _later(p, g: Grammar, base: dt.date):
    return _shift(p, g, base, 1) if future(p, g) else None


_RESOLVERS = {"rel_day": _rel_day, "weekday": _weekday, "rel_period": _rel_period, "ago": _ago, "later": _later}


# ----------------------------------------------------------------------------- calendars
def resolve_calendar(p, g: Grammar, base: dt.date | None, start: int, end: int) -> list[_Part]:
    """The nth weekday of a month ("the second Friday of May 2024") and Hijri dates (converted)."""
    got = _nth_weekday(p, g, base) if p.rule == "nth_weekday" else _hijri(p, g)
    return [(start, end, got[0].isoformat(), "day", got[1])] if got else []


def _nth_weekday(p, g: Grammar, base: dt.date | None) -> tuple[dt.date, bool] | None:
    groups = p.match.groupdict()
    month, wd, nth = cue(p, g, "month", "month"), cue(p, g, "wd", "weekday"), cue(p, g, "nth", "nth")
    if month is None or wd is None or nth is None:
        return None
    year = int(groups["year"]) if groups.get("year") else base_year(month, None, None, None, base)
    if year is None or not 1 <= year <= 9999:
        return None
    days = [d for d in range(1, calendar.monthrange(year, month)[1] + 1) if dt.date(year, month, d).weekday() == wd]
    if nth > len(days):
        return None  # no fifth Friday that month
    return dt.date(year, month, days[nth - 1 if nth > 0 else -1]), bool(groups.get("year"))


def _hijri(p, g: Grammar) -> tuple[dt.date, bool] | None:
    groups = p.match.groupdict()
    month = cue(p, g, "hmonth", "hijri_month")
    if month is None:
        return None
    try:
        day = int(groups["day"]) if groups.get("day") else cue(p, g, "dayw", "ordinal_day")
        d = Hijri(int(groups["hyear"]), month, day).to_gregorian()
        return dt.date(d.year, d.month, d.day), True
    except (ValueError, OverflowError, TypeError):
        return None  # outside the Umm al-Qura table (1343-1500 AH), or no such day


def last_day(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def two_digit_year(yy: str) -> int:
    """"9 May 23" is 2023; a two-digit year from 50 on is the 1900s."""
    n = int(yy)
    return 2000 + n if n < 50 else 1900 + n

