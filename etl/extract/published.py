"""The publication date a document's text implies, from its one date scan (etl/extract/dates.py).

``infer_published(text, lang, today)`` / ``published_in(scan, today)``
    The publication year, as ``date(year, 1, 1)``, or None. Rule: the latest year that the text
    states in full -- a 4-digit year with a year cue ("في عام 2025", "2025 में", "2025年", "in
    2025") or inside a full date ("16 مارس 2025", "June 2025", "2025-03-16") -- that is

    * not in the future relative to ``today`` (a forecast "by 2030" says nothing about when the
      piece was written), and
    * not dating the start of something or a deadline: a year after "founded/established/since"
      (تأسست في عام 2022, منذ 2019, 2022 में स्थापित, 成立于2022年) or a deadline cue (بحلول,
      "by", तक, 到) is about another time than the article's own.

    News is written in or after the latest year it reports as current, so the latest remaining
    year is the best lower bound. Relative phrases ("this year", العام الماضي) and years without
    a cue ("2025 ليس عاديًا") never count. A text whose only year is a founding year (a 2023
    article about a firm "founded in 2022") therefore gets None rather than a wrong year.

``fallback_base(text, lang, today)`` / ``fallback_in(scan, today)``
    A base for the date phrases without a year when no publication date is known: the latest
    year the text states at all, founding years included (the article cannot be older), as
    Jan 1; else None. A lower bound: "نهاية مايو" in a 2023 article that only mentions a 2022
    founding comes out as 2022-05 (right month, possibly early year); ``published`` stays null.

``dateline_in(scan)``
    The day a dateline or byline states: a full date with its year in the first sentences,
    standing alone between the place or agency and the story ("PARIS, June 11, 2024 —",
    "Paris, June 11, 2024.", "نيودلهي - 11 يونيو 2024", "नई दिल्ली, 11 जून 2024", "新华社北京2024年6月11日电").
    Before the date: nothing, or a few words without digits ending in a separator (, - — :), or
    -- where the language marks a dateline after its date (电, 讯) -- a short name; after it: a
    separator, the end of the sentence or that mark. "On June 11, 2024, OpenAI said" is no dateline.
"""
from __future__ import annotations

import bisect
import datetime as dt
import re

from etl.extract.date_rules import BEFORE_CHECKS, COMMON, CHECK_KINDS
from etl.extract.dates import DateScan, Found, scan_text

_REACH = 40  # characters before a year in which a founding or deadline cue may stand
_GAP = re.compile(r"(?:\s+\S+){0,2}\s*")  # "founded back in 2015": the cue, then at most two words
_WORD_CHAR = re.compile(COMMON["WORD_CHAR"])


def published_in(scan: DateScan, today: dt.date) -> dt.date | None:
    """The publication year a document's date scan implies (see the module docstring)."""
    years = _stated_years(scan, today, keep_past=False)
    return dt.date(max(years), 1, 1) if years else None


def fallback_in(scan: DateScan, today: dt.date) -> dt.date | None:
    """The latest year the scan states at all, founding years included, as Jan 1; else None."""
    years = _stated_years(scan, today, keep_past=True)
    return dt.date(max(years), 1, 1) if years else None


_DATELINE_SENTENCES = 3  # a dateline opens the text (a title line may come first)
_DATELINE_REACH = 60  # characters of place, agency or byline before a dateline's date
_DATELINE_PREFIX = re.compile(r"[^\d]{0,%d}" % _DATELINE_REACH)
_SEPARATOR_END = re.compile(r"[,،:\-—–|/]\s*$")
_SEPARATOR_START = re.compile(r"^\s*(?:$|[—–\-.,،:|/)(।。])")


def dateline_in(scan: DateScan) -> dt.date | None:
    """The publication day a dateline states (see the module docstring), else None."""
    marks = scan.grammar.inline.get("dateline_after", {}) if scan.grammar else {}
    for f in scan.found(None):
        if f.sentence.index >= _DATELINE_SENTENCES:
            break
        if f.span.grain != "day" or not f.explicit_year or f.span.start > _DATELINE_REACH:
            continue
        before, after = f.sentence.text[:f.span.start], f.sentence.text[f.span.end:]
        if not _DATELINE_PREFIX.fullmatch(before) or len(before.split()) > 6:
            continue
        marked = any(after.lstrip().startswith(m) for m in marks)
        separated = not before.strip() or _SEPARATOR_END.search(before)
        if marked or (separated and _SEPARATOR_START.match(after)):
            return dt.date.fromisoformat(f.span.value)
    return None


def infer_published(text: str, lang: str, today: dt.date) -> dt.date | None:
    return published_in(scan_text(text, lang), today)


def fallback_base(text: str, lang: str, today: dt.date) -> dt.date | None:
    return fallback_in(scan_text(text, lang), today)


def _stated_years(scan: DateScan, today: dt.date, *, keep_past: bool) -> list[int]:
    """Years written out in full (year cue or full date), not after ``today``."""
    years = []
    starts: dict[int, list[int]] = {}  # per sentence, the starts of its hits (sorted): a window is a bisection
    for f in scan.found(None):
        if not f.explicit_year:
            continue
        parts = [int(p) for p in f.span.value.split("-")]
        stated = dt.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
        if stated > today:
            continue
        if not keep_past and _dates_another_time(f, scan.grammar.past_needs_start, starts):
            continue
        years.append(parts[0])
    return years


def _dates_another_time(f: Found, needs_start: bool, starts: dict[int, list[int]]) -> bool:
    """Whether a founding or deadline cue stands right before the phrase (at most two words
    between) or right after it. Only the hits within reach are read, so a sentence of a thousand
    dates costs a thousand short looks, not a million."""
    sentence = f.sentence
    text = sentence.norm.text
    start, end = f.norm_start + sentence.norm_start, f.norm_end + sentence.norm_start
    hit_starts = starts.get(id(sentence))
    if hit_starts is None:
        hit_starts = starts[id(sentence)] = [h.start for h in sentence.hits]
    lo, hi = bisect.bisect_left(hit_starts, start - _REACH), bisect.bisect_right(hit_starts, end + _REACH)
    for h in sentence.hits[lo:hi]:
        kinds = {e.value.kind for e in h.entries if e.list == "date" and e.value.kind in CHECK_KINDS}
        if not kinds:
            continue
        if h.end <= start and h.start >= start - _REACH and kinds & BEFORE_CHECKS:
            glued = needs_start and h.start > sentence.norm_start and _WORD_CHAR.match(text, h.start - 1)
            if not glued and _GAP.fullmatch(text, h.end, start):
                return True
        if h.start >= end and kinds - BEFORE_CHECKS and not text[end:h.start].strip():
            return True
    return False
