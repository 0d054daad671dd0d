"""Dates in news text (Arabic, Hindi, Chinese, English): date phrases resolved to an ISO value at
day, month or year grain.

One scan per document (`scan_dates`) finds the candidate phrases of every kept sentence; the
publication date (etl/extract/published.py), the base for phrases without a year and the date
rows are all derived from it. `find_dates(text, lang, base)` does the same for a plain string.

1. *Candidates*: the lexicon has already found the date words of each sentence (month names, year
   cues, prepositions, boundaries, relative words: etl/data/date_cues.csv). A sentence holding a
   month name, a relative-year word or a 19xx/20xx number is read by its language's rules
   (`DateGrammar` in etl/lang/<code>.py, compiled by etl/extract/date_rules.py) over its
   normalised text with each date word as one placeholder character. Two years or months joined by
   a range word ("2023-2024", "من عام 2020 إلى عام 2025", "مايو ويونيو 2024") are two mentions
   sharing the cue and the year.
2. *Resolution*: a day or month phrase goes to dateparser as "<day> <month name> <fixed leap year>"
   in the language's own spelling (`DateDataParser(languages=[lang])`), so its cache is bounded
   and the year logic stays here; numeric dates with a 4-digit year ("16/03/2025", "2025-03-16")
   go to dateparser as written, so the language's own day/month order applies. A year alone is
   resolved without dateparser.

The year of a phrase that states none comes from ``base`` (the document's publication date):
"16 March" is in ``base.year``; "next June"/يونيو القادم is the first June after ``base``;
"last June"/يونيو الماضي the last one before it; "June last year" is in ``base.year - 1``; "this
year"/هذا العام/今年 is ``base.year`` at year grain. **With no base, such phrases are skipped**: a
value with a guessed year would be wrong more often than a missing row.
Relative phrases (yesterday, أمس, कल, 昨天, weekdays, last week, three days ago) are resolved by
etl/extract/relative.py against the base and its grain: they need a base as fine as themselves.

Never dates: a bare number (a 4-digit 19xx/20xx number counts only next to a year cue, or as one
end of a range of years no more than 30 apart), section numbers ("Insight 07"), counts ("79
نموذجًا", "2000 से अधिक"), percentages, versions ("4.5", "GPT-4"), money, times of day. A bare
month name needs a cue (a preposition, a boundary, the word "month", a relative word, a day or a
year), because مارس is also a verb and "May" a modal. Overlapping candidates: the longest wins; a
phrase with an impossible day ("31 يونيو 2025") blocks the shorter ones inside it.
Unsupported languages yield nothing.
"""
from __future__ import annotations

import bisect
import datetime as dt
import itertools
import re
from dataclasses import dataclass

from etl.context import DocumentContext, Sentence, sentence_of
from etl.extract.dateparser_adapter import month_day, read_phrase
from etl.extract.date_rules import CHECK_KINDS, FILL, KINDS, YEAR_ANYWHERE, Grammar, anchored, grammar, hide_private_use
from etl.extract.relative import CALENDAR_RULES, RELATIVE_RULES, base_year, last_day, resolve_calendar, resolve_relative, \
    two_digit_year
from etl.extract.relative import cue as _cue
from etl.spans import DateSpan
from etl.wordlists import lexicon

SUPPORTED = ("ar", "en", "hi", "zh")
# ----------------------------------------------------------------------------- candidates
@dataclass(slots=True)
class Tagged:
    """A sentence's normalised text with each date word as its placeholder character."""

    text: str
    cues: dict[int, dict[str, int | str | None]]  # offset of a date word -> {kind: value}
    kinds: set[str]  # the kinds present


_Word = tuple[int, int, dict]  # a date word: start, end (in the sentence's normalised text), {kind: value}


def taggings(sentence: Sentence, g: Grammar) -> tuple[Tagged, Tagged] | None:
    """The sentence as the rules read it, its leftmost-longest date words as placeholders: one
    reading for the rules that take a year word and one for the others. They differ only where a
    relative year ends in a year word right before a year ("इस वर्ष 2025 में", "هذا العام 2025"):
    the year rules read the year word there, the relative-year rule the whole phrase, and the
    longest phrase wins. None when the sentence holds no date word that anchors a phrase, no
    19xx/20xx number and none of the language's own anchors."""
    lo, hi = sentence.norm_start, sentence.norm_end
    words: list[_Word] = []
    for h in sentence.hits:  # by start, longest first
        if "date" not in h.lists:
            continue
        found = {e.value.kind: e.value.value for e in h.entries if e.list == "date" and e.value.kind not in CHECK_KINDS}
        if found:
            words.append((h.start - lo, h.end - lo, found))
    text = sentence.norm.text
    if not anchored([w[2] for w in words], text, lo, hi) and not YEAR_ANYWHERE.search(text, lo, hi) and not (g.anchor and g.anchor.search(text, lo, hi)):
        return None
    source = hide_private_use(text[lo:hi])
    longest, split = _tile(words, source, False), _tile(words, source, True)
    first = _tagged(source, longest, g)
    return first, (_tagged(source, split, g) if split != longest else first)


def _tile(words: list[_Word], source: str, year_words: bool) -> list[_Word]:
    """Non-overlapping date words, leftmost-longest (`year_words`: a relative year ending in a
    year word right before a year gives way to its words)."""
    out: list[_Word] = []
    pos = 0
    for i, (s, e, found) in enumerate(words):
        if s < pos:
            continue
        if year_words and "rel_year" in found and _YEAR_NEXT.match(source, e) and any(
                w[1] == e and w[0] > s and "year_word" in w[2] for w in words[i + 1:i + 8]):
            continue
        out.append((s, e, found))
        pos = e
    return out


_YEAR_NEXT = re.compile(r"\s*(?:19|20)[0-9]{2}(?![0-9])")


def _tagged(source: str, words: list[_Word], g: Grammar) -> Tagged:
    pieces, cues, kinds, pos = [], {}, set(), 0
    for start, end, found in words:
        pieces += (source[pos:start], g.placeholders[frozenset(found)], FILL * (end - start - 1))
        cues[start] = found
        kinds.update(found)
        pos = end
    pieces.append(source[pos:])
    return Tagged("".join(pieces), cues, kinds)


@dataclass(slots=True)
class Phrase:
    """A rule's match in a sentence, before a base date is known."""

    rule: str
    match: re.Match[str]
    tagged: Tagged


def phrases(sentence: Sentence, g: Grammar) -> list[Phrase]:
    """Every match of every rule of the language in the sentence (the rules' matches may overlap)."""
    readings = taggings(sentence, g)
    if readings is None:
        return []
    out = []
    for rule in g.rules:
        tagged = readings[rule.reads_year_words]
        if _holds(tagged, rule.needs):  # else the sentence lacks a part every match of the rule holds
            out += [Phrase(rule.name, m, tagged) for m in rule.pattern.finditer(tagged.text)]
    return out


def _holds(tagged: Tagged, needs: tuple[str, ...]) -> bool:
    """Whether the sentence holds one of `needs`: a kind of date word, a year (YEAR), or literal text."""
    for need in needs:
        if need == "YEAR":
            if YEAR_ANYWHERE.search(tagged.text):
                return True
        elif need in tagged.kinds if need in KINDS else need in tagged.text:
            return True
    return False


# ----------------------------------------------------------------------------- resolution
_Part = tuple[int, int, str, str, bool]  # start, end (sentence's normalised offsets), value, grain, explicit_year


def _span_bounds(m: re.Match[str], groups: dict) -> tuple[int, int]:
    """The mention: the match without its leading preposition or trailing postposition."""
    start, end = m.span()
    if groups.get("prep") is not None:
        start = m.end("prep")
        while start < end and m.string[start].isspace():
            start += 1
    if groups.get("postp") is not None:
        end = m.start("postp")
        while end > start and m.string[end - 1].isspace():
            end -= 1
    return start, end


def _month_value(g: Grammar, month: int, day: int | None, year: int | None, relocc: str | None, rely: int | None,
                 base: dt.date | None) -> tuple[str, str, bool] | None:
    """(value, grain, explicit_year) of a month or day phrase; dateparser reads month and day."""
    parsed = month_day(g, month, day)
    if parsed is None:
        return None
    month, day, grain = parsed
    explicit = year is not None
    if year is None:
        year = base_year(month, day, relocc, rely, base)
        if year is None or not 1 <= year <= 9999:
            return None
    if grain == "day":
        try:
            dt.date(year, month, day)
        except ValueError:
            return None  # 29 February of a common year
        return f"{year:04d}-{month:02d}-{day:02d}", "day", explicit
    return f"{year:04d}-{month:02d}", "month", explicit


def _resolve(p: Phrase, g: Grammar, base: dt.date | None, base_grain: str | None) -> list[_Part]:
    """The dates a candidate stands for (two for a range such as "2023-2024"); [] if none.
    `base_grain`: how much of `base` is known (a relative day needs a day-grain base)."""
    m = p.match
    groups = m.groupdict()
    start, end = _span_bounds(m, groups)
    if p.rule in RELATIVE_RULES:
        return resolve_relative(p, g, base, base_grain, start, end)
    if p.rule in CALENDAR_RULES:
        return resolve_calendar(p, g, base, start, end)
    if p.rule == "numeric":
        got = read_phrase(g.code, m.group("num"))
        if got is None or got[3] != "day":
            return []
        y, mo, d, _ = got
        return [(start, end, f"{y:04d}-{mo:02d}-{d:02d}", "day", True)]
    if p.rule == "year":
        return _resolve_year(m, groups, start, end)
    if p.rule == "rel_year":
        if base is None:
            return []
        y = base.year + _cue(p, g, "rely", "rel_year")
        return [(start, end, f"{y:04d}", "year", False)] if 1 <= y <= 9999 else []
    return _resolve_month(p, g, groups, start, end, base)


def _resolve_year(m: re.Match[str], groups: dict, start: int, end: int) -> list[_Part]:
    year = int(groups["year"])
    year2 = int(groups["year2"]) if groups.get("year2") else None
    is_range = year2 is not None and 0 < year2 - year <= 30
    if not (is_range or any(groups.get(k) for k in ("prep", "bound", "yw", "suf", "postp"))):
        return []
    if year2 is None:
        return [(start, end, str(year), "year", True)]
    # A range: each year is its own mention; a cue before the first or after the last serves both.
    first_end = m.end("suf") if groups.get("suf") and m.start("suf") < m.start("y2") else m.end("year")
    return [(start, first_end, str(year), "year", True), (m.start("y2"), end, str(year2), "year", True)]


def _month_of(p: Phrase, g: Grammar, group: str) -> int | None:
    surface = p.match.group(group)
    if surface.isdigit():
        return int(surface)
    month = _cue(p, g, group, "month")
    return month if month is not None else _cue(p, g, group, "month_abbr")


def _resolve_month(p: Phrase, g: Grammar, groups: dict, start: int, end: int, base: dt.date | None) -> list[_Part]:
    """A phrase with a month: day_month, month_day, month (maybe two months sharing a year)."""
    m = p.match
    group = "monthn" if groups.get("monthn") else "month"
    month = _month_of(p, g, group)
    if month is None:
        return []
    year = int(groups["year"]) if groups.get("year") else (two_digit_year(groups["yy"]) if groups.get("yy") else None)
    if group == "month" and _cue(p, g, group, "month") is None and not (groups.get("day") or year):
        return []  # "Mar" alone is not a date
    day = int(groups["day"]) if groups.get("day") else (_cue(p, g, "dayw", "ordinal_day") or _cue(p, g, "dayw", "numeral")
                                                         if groups.get("dayw") else None)
    month2 = _month_of(p, g, "month2") if groups.get("month2") else None
    cued = day or year or month2 or any(groups.get(k) for k in ("prep", "bound", "mw", "relocc", "rely", "postp"))
    if p.rule == "month" and not cued and g.code != "zh":
        return []  # 6月 is unambiguous; مارس, May, मई alone are not
    rely = _cue(p, g, "rely", "rel_year") if groups.get("rely") else None
    relocc = (_cue(p, g, "relocc", "rel_occ_before") or _cue(p, g, "relocc", "rel_occ_after")) if groups.get("relocc") else None
    first = _month_value(g, month, day, year, relocc, rely, base)
    if first and groups.get("lastday") and first[1] == "month":  # the last day of March 2024
        first = (f"{first[0]}-{last_day(int(first[0][:4]), int(first[0][5:])):02d}", "day", first[2])
    if month2 is None:
        return [(start, end, *first)] if first else []
    # "مايو ويونيو 2024", "March and May 2025": the second month's year is the first's too.
    second = _month_value(g, month2, None, year, relocc, rely, base)
    if first is None or second is None:
        return []
    return [(start, m.end("m1"), *first), (m.start("month2"), end, *second)]


def _invalid(p: Phrase, base: dt.date | None) -> bool:
    """Did a phrase with a day fail because the day does not exist (not for want of a base)?"""
    if p.rule == "numeric":
        return True
    groups = p.match.groupdict()
    return bool(groups.get("day") or groups.get("dayw")) and bool(groups.get("year") or base)


# Rules whose value comes from the base: their phrases are counted when no base can place them.
_BASED_RULES = RELATIVE_RULES | {"rel_year"}


def _base_free(p: Phrase) -> bool:
    """Whether a phrase resolves (or fails) the same for every base: a year, a numeric date, a
    Hijri date, or a month or weekday phrase with its year written out."""
    if p.rule in ("year", "numeric", "hijri"):
        return True
    if p.rule in _BASED_RULES:
        return False
    groups = p.match.groupdict()
    return bool(groups.get("year") or groups.get("yy"))


# ----------------------------------------------------------------------------- selection
@dataclass(frozen=True, slots=True)
class Found:
    """A date phrase kept in a sentence."""

    span: DateSpan  # offsets relative to the sentence's text
    explicit_year: bool  # the year is written in the phrase (not taken from base)
    relative: bool  # resolved against the base (yesterday, last week, this year)
    sentence: Sentence
    norm_start: int  # the phrase in the sentence's normalised text
    norm_end: int


def select(sentence: Sentence, found: list[Phrase], g: Grammar, base: dt.date | None, base_grain: str | None) -> list[Found]:
    """The sentence's dates for `base`: candidates resolved, the longest of overlapping ones kept."""
    candidates: list[tuple[int, int, Found]] = []
    blockers: list[tuple[int, int]] = []
    offset = sentence.norm_start
    for p in found:
        parts = _resolve(p, g, base, base_grain)
        if not parts:
            if _invalid(p, base):  # "31 يونيو 2025" is no date, not June 2025
                blockers.append(sentence.to_original(*(x + offset for x in _span_bounds(p.match, p.match.groupdict()))))
            continue
        for start, end, value, grain, explicit in parts:
            if end > start:
                s, e = sentence.to_original(start + offset, end + offset)
                span = DateSpan(s, e, sentence.text[s:e], value, grain)
                found_ = Found(span, explicit, p.rule in _BASED_RULES, sentence, start, end)
                candidates.append((s, e, found_))
    return [c[2] for c in _longest_first(candidates, _Blockers(blockers))]


def _longest_first(candidates: list[tuple[int, int, Found]], blockers: "_Blockers") -> list[tuple[int, int, Found]]:
    """Non-overlapping candidates, longest first, then earliest, in text order. Taken characters
    are marked in a bytearray, so each test costs the candidate's length."""
    if not candidates:
        return []
    candidates.sort(key=lambda c: (-(c[1] - c[0]), c[0]))
    taken = bytearray(max(c[1] for c in candidates))
    kept = []
    for c in candidates:
        if taken.find(1, c[0], c[1]) == -1 and not blockers.inside(c[0], c[1]):
            taken[c[0]:c[1]] = b"\x01" * (c[1] - c[0])
            kept.append(c)
    kept.sort(key=lambda c: c[0])
    return kept


class _Blockers:
    """Spans of phrases that are no date ("31 يونيو 2025"): a shorter candidate inside one is dropped.
    Sorted by start with a running maximum of ends, so a test is one bisection."""

    def __init__(self, spans: list[tuple[int, int]]):
        spans = sorted(spans)
        self.starts = [s for s, _ in spans]
        self.reach = list(itertools.accumulate((e for _, e in spans), max))
        self.same_start: dict[int, int] = {}
        for s, e in spans:
            self.same_start[s] = max(e, self.same_start.get(s, e))

    def inside(self, start: int, end: int) -> bool:
        """Whether a blocker holds [start, end) and is longer than it."""
        if not self.starts:
            return False
        i = bisect.bisect_left(self.starts, start)  # blockers starting strictly before `start`
        if i and self.reach[i - 1] >= end:
            return True
        return self.same_start.get(start, -1) > end


# ----------------------------------------------------------------------------- one scan per document
class DateScan:
    """The candidate date phrases of a document's sentences, found once and resolved for any base
    (the publication date, the fallback base, or none)."""

    def __init__(self, sentences: list[Sentence], lang: str | None):
        self.grammar = grammar(lang)
        self.phrases: list[tuple[Sentence, list[Phrase]]] = []
        if self.grammar is not None:
            for s in sentences:
                found = phrases(s, self.grammar)
                if found:
                    self.phrases.append((s, found))
        self._found: dict[tuple[dt.date | None, str | None], list[Found]] = {}
        # a sentence whose every phrase is base-free keeps the same dates for every base: selected once
        self._fixed: dict[int, list[Found]] = {}
        self._base_free = [all(map(_base_free, ps)) for _, ps in self.phrases]
        self._by_index: dict[int, list[Phrase]] | None = None

    def found(self, base: dt.date | None, base_grain: str | None = "day") -> list[Found]:
        """Every date phrase kept with this base (known to `base_grain`), in document order."""
        key = (base, base_grain if base else None)
        got = self._found.get(key)
        if got is None:
            got = self._found[key] = []
            for i, (s, ps) in enumerate(self.phrases):
                if not self._base_free[i]:
                    got += select(s, ps, self.grammar, *key)
                    continue
                fixed = self._fixed.get(i)
                if fixed is None:
                    fixed = self._fixed[i] = select(s, ps, self.grammar, *key)
                got += fixed
        return got

    def phrases_of(self, index: int) -> list[Phrase]:
        """The date phrases of the sentence with this index, whatever the base (`phrase_spans`)."""
        if self._by_index is None:
            self._by_index = {s.index: ps for s, ps in self.phrases}
        return self._by_index.get(index, [])

    def by_sentence(self, base: dt.date | None, base_grain: str | None = "day") -> dict[int, list[DateSpan]]:
        """The dates of each sentence (by its index), offsets relative to the sentence."""
        out: dict[int, list[DateSpan]] = {}
        for f in self.found(base, base_grain):
            out.setdefault(f.sentence.index, []).append(f.span)
        return out

    def unresolved(self, base: dt.date | None, base_grain: str | None) -> int:
        """Relative phrases (yesterday, last week) the base cannot place: what a day-grain base
        would have read in their sentences, minus what this one reads."""
        if base_grain == "day" and base is not None:
            return 0
        probe = dt.date(2000, 1, 5)  # any day: only whether the phrase resolves matters
        n = 0
        for s, ps in self.phrases:
            if any(p.rule in _BASED_RULES for p in ps):
                wanted = sum(f.relative for f in select(s, ps, self.grammar, probe, "day"))
                n += max(0, wanted - sum(f.relative for f in select(s, ps, self.grammar, base, base_grain)))
        return n


def phrase_spans(sentence: Sentence, found: list[Phrase]) -> list[tuple[int, int]]:
    """Where a sentence's date phrases stand (offsets in its original text), whatever the base:
    a month without a year is a date phrase even where no base places it."""
    lo = sentence.norm_start
    return [sentence.to_original(*(x + lo for x in _span_bounds(p.match, p.match.groupdict()))) for p in found]


def scan_dates(ctx: DocumentContext) -> DateScan:
    """The one date scan of a document (its kept sentences, their lexicon hits)."""
    return DateScan(ctx.sentences, ctx.lang)


def scan_text(text: str, lang: str) -> DateScan:
    """A plain string read as one sentence (no splitting, no repeat removal)."""
    g = grammar(lang)
    if g is None or not text:
        return DateScan([], None)
    return DateScan([sentence_of(text, lexicon(g.code))], g.code)


def find_dates(text: str, lang: str, base: dt.date | None, base_grain: str | None = "day") -> list[DateSpan]:
    """Date phrases in ``text`` with ISO values; ``base`` is the document's publication date,
    known to ``base_grain`` (day, month or year).

    Phrases without a written year take it from ``base`` and are skipped when ``base`` is None;
    relative phrases need a base fine enough for them. An unsupported language yields ``[]``.
    """
    return [f.span for f in scan_text(text, lang).found(base, base_grain)]
