"""The date grammar of each language, compiled: its words (etl/data/date_cues.csv) as word lists of
the one lexicon, and its rules (`DateGrammar` in etl/lang/<code>.py) as regexes over a sentence's
normalised text in which every date word the lexicon found is one placeholder character.

A sentence "في نهاية شهر يونيو القادم" reads, for the rules, "في ␂␃␃␃␃ ␄␃␃ ␅␃␃␃␃ ␆␃␃␃␃␃" (prep, boundary,
month word, month, relative occurrence; ␃ fills the rest of a word so offsets do not move), and
the rule says `(?P<bound>{boundary})\\s+{MONTH_WORD}?(?P<month>{month})` with `{month}` one
character class. No spelling variants, no case classes: the lexicon matched the words on
normalised text with their word boundaries, clitics and case (English month names count only
capitalised: "May", never the modal "may").
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from itertools import combinations

from etl.datafiles import read_csv
from etl.lang import ARABIC_CLITICS, language
from etl.lang.base import DateGrammar
from etl.lexicon import Entry, exact_form, key_of
from etl.lexicon import spellings as lexicon_spellings
from etl.textnorm import normalize

DATA_FILE = "date_cues.csv"

# What each kind of entry in date_cues.csv means. "In the span" words become part of the mention's
# text (عام 2025, نهاية يونيو); prepositions and postpositions only license a bare year or month.
KINDS = {
    "month": "month name; value = month number. First entry per (lang, month) is dateparser's form",
    "month_abbr": "abbreviated month name, only counted with a day or a year",
    "ordinal_day": "Arabic ordinal day word used as السادس عشر من مارس; value = day",
    "numeral": "Chinese numeral for a day (and, 1-12, a month); value = number",
    "year_word": "word before a year, in the span (عام 2025, वर्ष 2025, fiscal year 2025)",
    "year_suffix": "suffix after a year, in the span (2025م, 2025年, 2025 ई.)",
    "prep": "preposition before a bare year or month, outside the span (في 2025, in June)",
    "postp": "postposition after a bare year or month, outside the span (2025 में, जून तक)",
    "boundary": "boundary word before a month or year, in the span (نهاية يونيو, end of June)",
    "boundary_after": "boundary after a month or year, in the span (जून के अंत, 6月底, 2025年初)",
    "month_word": "the word 'month' next to a month name, in the span (شهر يونيو, जून महीने)",
    "rel_occ_before": "next/last/this occurrence of a month, before it (next June, अगले जून)",
    "rel_occ_after": "next/last/this occurrence of a month, after it (يونيو القادم)",
    "rel_year": "year relative to the base; value = offset (العام الماضي = -1, 明年 = +1)",
    "past_before": "cue before a year that dates a past event (تأسست في عام 2022, founded in)",
    "past_after": "cue after a year that dates a past event (2022 में स्थापित, 2022年成立)",
    "target_before": "deadline cue before a year (بحلول عام 2030, by 2030, 到2030年)",
    "target_after": "deadline cue after a year (2030 तक)",
    "not_after": "word after a number that makes it a count or an amount (2000 دولار, 2000 से अधिक)",
    "range_sep": "joins two years or two months of a range or list (2020-2025, مايو ويونيو 2024)",
    # Relative to the publication date (etl/extract/relative.py), and the smaller forms:
    "rel_day": "a day relative to the base; value = offset (yesterday = -1, أمس, 昨天, आज = 0)",
    "rel_day_tensed": "a day whose direction is the tense's (Hindi कल = 1: yesterday, or tomorrow in the future)",
    "weekday": "weekday name; value = 0 (Monday) to 6 (Sunday)",
    "weekday_after_week": "weekday written after a week word (上周二); value = 0 to 6",
    "rel_week": "week relative to the base; value = offset (last week = -1, الأسبوع المقبل = 1, 上周)",
    "rel_month": "month relative to the base; value = offset (الشهر الماضي = -1, this month = 0)",
    "rel_quarter": "quarter relative to the base; value = offset (last quarter = -1, 本季度 = 0)",
    "unit": "a unit of time counted (days, أيام, दिन, 天); value = day, week, month or year",
    "unit_dual": "Arabic dual of a unit, two of it (يومين, أسبوعين); value = the unit",
    "count": "a number word counting units (three, ثلاثة, दो, 两); value = the number",
    "ago_before": "before a count of units: that long before the base (منذ يومين, قبل ثلاثة أيام)",
    "ago_after": "after a count of units: that long before the base (two days ago, दो दिन पहले, 三天前)",
    "later_before": "before a count of units: that long after the base (in two days, بعد أسبوعين)",
    "later_after": "after a count of units: that long after the base (तीन दिन बाद, 三天后)",
    "future": "a future-tense cue in the sentence: a bare weekday is the next one (will, سوف, 将)",
    "not_date": "a name holding a date word, never a date (Patch Tuesday, Black Friday)",
    "nth": "ordinal of a weekday in a month (the second Friday of May); value = 1-5, -1 = last",
    "last_day": "before a month: its last day (the last day of March, آخر يوم من مارس)",
    "last_day_after": "after a month: its last day (मार्च के आखिरी दिन, 3月最后一天)",
    "hijri_month": "Hijri month name (رمضان, ذو الحجة); value = month number; the date is converted",
    "hijri_suffix": "after a Hijri year (1446 هـ)",
    "dateline_after": "right after a dateline's date (2024年6月11日电): the date is the publication date",
}
_NUMBER_KINDS = ("month", "month_abbr", "ordinal_day", "numeral", "rel_year", "rel_day", "rel_day_tensed", "weekday",
                 "weekday_after_week", "rel_week", "rel_month", "rel_quarter", "count", "nth", "hijri_month")
# Read around a year the rules found (is it a founding year, a deadline?), not by the rules.
CHECK_KINDS = frozenset({"past_before", "past_after", "target_before", "target_after"})
BEFORE_CHECKS = frozenset({"past_before", "target_before"})
# A sentence holding one of these is read.
ANCHOR_KINDS = frozenset({"month", "month_abbr", "rel_year", "rel_day", "rel_day_tensed", "weekday", "rel_week", "rel_month",
                          "rel_quarter"})
# ... or a unit of time with a word that counts it from the base ("three days ago", منذ يومين), or
# a Hijri month with a Hijri year (etl/extract/dates.py, _anchored).
UNIT_KINDS = frozenset({"unit", "unit_dual"})
SHIFT_KINDS = frozenset({"ago_before", "ago_after", "later_after"})

PLACEHOLDER_BASE = 0xE000  # Private Use Area: never a word character, never in normalised news text
FILL = "\uf8ff"  # the rest of a placeholder word
FILL_INDEX = ord(FILL) - PLACEHOLDER_BASE
_PRIVATE_USE = re.compile("[\ue000-\uf8ff]")

# Fragments every language's rules may use (a language's own fragments override them).
COMMON = {
    # A letter, digit or mark -- or a placeholder: a date word is a word ("عشر2024" is no date).
    "WORD_CHAR": r"[\w\u0900-\u0963\u0966-\u097F\u0610-\u061A\u064B-\u065F\u0670\u0640\ue000-\uf8ff]",
    "B": r"(?<!{WORD_CHAR})",  # word start
    "E": r"(?!{WORD_CHAR})",  # word end
    "YYYY": r"(?:19|20)[0-9]{2}",
    "DAY": r"(?:3[01]|[12][0-9]|0?[1-9])",
    "NUM_B": r"(?<!{WORD_CHAR})(?<![.,/:\-+$€£¥#])",  # no digit, letter, decimal point, sign or currency before
    # A year may follow a cue glued to it (FY2025, عام2025, mid-2025) and may open a range (2024-2025).
    "YEAR_B": r"(?<![0-9.,/:+$€£¥#_])",
    "YEAR_E": r"(?![0-9]|[.,:/][0-9]|\s*[%٪])",
    "YEAR": r"{YEAR_B}(?P<year>{YYYY}){YEAR_E}",
    "NOT_AFTER": r"(?!\s*{not_after})",
    "SEP": r"\s*(?:{range_sep})\s*",
    # A second year after the first: "2023-2024", "من عام 2020 إلى عام 2025", "2020 से 2025 तक".
    "YEAR2": r"(?:{SEP}(?P<y2>(?:{year_word}\s*)?{YEAR_B}(?P<year2>{YYYY}){YEAR_E}){NOT_AFTER})",
    "NUMERIC": r"{NUM_B}(?P<num>{YYYY}(?P<s1>[-/.])(?:1[0-2]|0?[1-9])(?P=s1){DAY}"
               r"|{DAY}(?P<s2>[-/.])(?:1[0-2]|0?[1-9]|1[3-9]|2[0-9]|3[01])(?P=s2){YYYY})(?![0-9]|[./\-][0-9])",
}
COMMON_RULES = (("numeric", "YEAR", "{NUMERIC}"),)  # "16/03/2025", "2025-03-16": every language
YEAR_ANYWHERE = re.compile(COMMON["YYYY"])
_REF = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


@dataclass(frozen=True, slots=True)
class Cue:
    """What a date word is: its kind and value (month number, day, year offset, next/last/this)."""

    kind: str
    value: int | str | None


@dataclass(frozen=True, slots=True)
class Rule:
    name: str
    needs: tuple[str, ...]  # kinds one of which every match holds; ("YEAR",) a year; else literal text
    pattern: re.Pattern[str]
    reads_year_words: bool  # the rule takes a year word ({year_word}) somewhere


@dataclass(frozen=True)
class Grammar:
    """One language's date grammar, compiled."""

    code: str
    rules: tuple[Rule, ...]
    placeholders: dict[frozenset[str], str]  # the kinds of a hit -> its placeholder character
    kinds_of: dict[str, frozenset[str]]  # placeholder character -> kinds
    inline: dict[str, dict[str, int | str | None]]  # kind -> literal normalised word -> value
    canonical_month: dict[int, str]  # month -> the name dateparser knows
    anchor: re.Pattern[str] | None
    past_needs_start: bool
    future: re.Pattern[str]  # a future-tense cue of the tagged sentence
    future_after: bool  # the cue follows the dates it governs (Hindi verbs come last)
    clause_words: re.Pattern[str] | None  # words that open another clause


@cache
def _rows() -> dict[str, list[tuple[str, str, int | str | None]]]:
    """(kind, text, value) per language, in file order."""
    out: dict[str, list] = {}
    for r in read_csv(DATA_FILE):
        if r["kind"] not in KINDS:
            raise ValueError(f"etl/data/{DATA_FILE}: unknown kind {r['kind']!r}")
        value = int(r["value"]) if r["kind"] in _NUMBER_KINDS else (r["value"] or None)
        out.setdefault(r["lang"], []).append((r["kind"], r["text"], value))
    return out


def _is_lexicon_word(key: str, kinds: set[str], spec: DateGrammar) -> bool:
    """A word the lexicon matches (else the rules read it in place): it has a letter, is not a
    lone proclitic (و of "مايو ويونيو" is glued to the next word), and one of its kinds is not
    read in place."""
    return any(ch.isalpha() for ch in key) and key not in ARABIC_CLITICS and bool(kinds - spec.inline)


def _literal(text: str) -> str:
    """A word as normalised text writes it (punctuation kept: "ई.", "-", "%")."""
    return " ".join(normalize(text, keep_punctuation=True).split())


def _spellings(code: str) -> dict[str, tuple[str, dict[str, int | str | None]]]:
    """Normalised spelling -> (the data's first text of it, {kind: value}); the first value per
    spelling and kind counts."""
    out: dict[str, tuple[str, dict]] = {}
    for kind, text, value in _rows().get(code, []):
        out.setdefault(_literal(text), (text, {}))[1].setdefault(kind, value)
    return out


def _entry(kind: str, value, text: str, code: str) -> Entry:
    # English month names count as written ("May", "MAY"); a year cue may touch the year (FY2025);
    # cues after a number read on into the word, as they always did ("نموذجًا", "2022年成立的").
    exact = frozenset({exact_form(text), exact_form(text.upper())}) \
        if code == "en" and kind in ("month", "month_abbr", "weekday", "not_date") else None
    return Entry("date", Cue(kind, value), clitics=True,
                 glue_digits=kind in ("year_word", "past_before", "target_before", "not_after", "past_after", "target_after"),
                 stem=kind in ("not_after", "past_after", "target_after"), exact=exact)


def date_words(lang: str) -> Iterator[tuple[str, Entry]]:
    """The date words of a language as lexicon entries (list "date", value a `Cue`)."""
    code = _code(lang)
    if code is None:
        return
    spec = language(code).dates
    for literal, (text, kinds) in _spellings(code).items():
        if _is_lexicon_word(literal, set(kinds), spec):
            for kind, value in kinds.items():
                yield text, _entry(kind, value, text, code)


def _code(lang: str | None) -> str | None:
    spec = language(lang)
    return spec.code if spec is not None and spec.dates is not None else None


@cache
def grammar(lang: str | None) -> Grammar | None:
    """The compiled grammar of a language code ("en", "en-US"), or None when dates are not read."""
    code = _code(lang)
    return _compile(code) if code else None


def _compile(code: str) -> Grammar:
    spec = language(code).dates
    spellings = _spellings(code)
    inline: dict[str, dict] = {kind: {} for kind in KINDS}
    by_spelling: dict[str, set[str]] = {}  # what a lexicon hit's entries can hold: its spelling's kinds
    for literal, (text, kinds) in spellings.items():
        if _is_lexicon_word(literal, set(kinds), spec):
            for spelling in lexicon_spellings(key_of(text)):
                by_spelling.setdefault(spelling, set()).update(set(kinds) - CHECK_KINDS)
        else:
            for kind, value in kinds.items():
                inline[kind].setdefault(literal, value)
    placeholders: dict[frozenset[str], str] = {}
    for kinds in by_spelling.values():
        for n in range(1, len(kinds) + 1):  # the boundary rules may drop some of a hit's kinds
            for subset in combinations(sorted(kinds), n):
                placeholders.setdefault(frozenset(subset), chr(PLACEHOLDER_BASE + len(placeholders)))
    names = {**COMMON, **spec.fragments}
    for kind in KINDS:
        names[kind] = _kind_class(kind, placeholders, inline[kind])
    rules = []
    for name, needs, template in (*COMMON_RULES, *spec.rules):
        used: set[str] = set()
        pattern = re.compile(_expand(template, names, code, used))
        rules.append(Rule(name, tuple(needs.split("|")), pattern, "year_word" in used))
    canonical: dict[int, str] = {}
    for kind, text, value in _rows().get(code, []):
        if kind == "month":
            canonical.setdefault(value, text)
    if len(placeholders) > FILL_INDEX:
        raise ValueError(f"etl/data/{DATA_FILE}: too many kinds of {code} date words share spellings")
    future = re.compile(_expand(spec.future, names, code, set()))
    return Grammar(code, tuple(rules), placeholders, {ch: kinds for kinds, ch in placeholders.items()},
                   {k: v for k, v in inline.items() if v}, canonical, re.compile(spec.anchor) if spec.anchor else None,
                   spec.past_needs_start, future, spec.future_after,
                   re.compile(spec.clause_words) if spec.clause_words else None)


def _kind_class(kind: str, placeholders: dict[frozenset[str], str], literals: dict[str, object]) -> str:
    """The regex for "a word of this kind": its placeholder characters, or its literal words."""
    branches = []
    chars = "".join(ch for kinds, ch in placeholders.items() if kind in kinds)
    if chars:
        branches.append(f"[{chars}]{FILL}*+")  # possessive: a word is never read in part
    for literal in sorted(literals, key=len, reverse=True):
        branches.append(r"\s+".join(re.escape(w) for w in literal.split()))
    return "(?:" + "|".join(branches) + ")" if branches else "(?!)"


def _expand(template: str, names: dict[str, str], code: str, used: set[str], depth: int = 0) -> str:
    """The template with every {NAME} replaced (recursively); `used` collects the names."""
    if depth > 10:
        raise ValueError(f"etl/lang/{code}.py: date fragments refer to each other in a circle")

    def sub(m: re.Match[str]) -> str:
        name = m.group(1)
        if name not in names:
            raise ValueError(f"etl/lang/{code}.py: a date rule names {{{name}}}, which is no kind and no fragment")
        used.add(name)
        return _expand(names[name], names, code, used, depth + 1)

    return _REF.sub(sub, template)


def anchored(words: list[dict], text: str, lo: int, hi: int) -> bool:
    """Whether a sentence (text[lo:hi], with its date words' {kind: value}) is worth the rules: a
    date word that anchors a phrase; a Hijri month with a Hijri year; or a unit of time ("days",
    أيام) with a word that counts it from the base (ago, منذ, पहले) -- after "in"/بعد only with a
    number ("in the coming months" is read no further)."""
    if not words:
        return False
    kinds = set().union(*words)
    if not ANCHOR_KINDS.isdisjoint(kinds):
        return True
    if "hijri_month" in kinds and _HIJRI_YEAR.search(text, lo, hi):
        return True
    if UNIT_KINDS.isdisjoint(kinds):
        return False
    return not SHIFT_KINDS.isdisjoint(kinds) or ("later_before" in kinds and (
        "count" in kinds or "unit_dual" in kinds or _DIGIT.search(text, lo, hi) is not None))


_HIJRI_YEAR = re.compile(r"1[345][0-9]{2}")
_DIGIT = re.compile(r"[0-9]")


def hide_private_use(text: str) -> str:
    """Text characters that would read as placeholders become U+FFFD (same length)."""
    return _PRIVATE_USE.sub("\ufffd", text) if _PRIVATE_USE.search(text) else text
