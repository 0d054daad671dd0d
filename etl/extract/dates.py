"""Dates in news text (Arabic, Hindi, Chinese, English) and the publication year a text implies.

Two pure functions:

``find_dates(text, lang, base)``
    Date phrases resolved to an ISO value at day, month or year grain (``DateSpan``; offsets are
    relative to ``text``). Works in two steps so that most text is rejected cheaply:

    1. *Candidates*: per-language precompiled regexes built from ``etl/data/date_cues.csv`` find
       phrases that carry a month name, a year with a year cue, a day and a month, an Arabic
       ordinal day ("السادس عشر من مارس"), a boundary ("end of June", نهاية يونيو, जून के अंत,
       6月底) or a relative word ("next June", يونيو القادم, अगले जून, 明年6月, "last year"); two
       years or months joined by a range word ("2023-2024", "من عام 2020 إلى عام 2025",
       "مايو ويونيو 2024", "March and April 2024") are two mentions sharing the cue and the year.
       The rules only run in small windows around cheap anchors (a 19xx/20xx number, a month
       name, a relative-year word, 月), so text without any of those costs one regex scan.
    2. *Resolution*: a day or month phrase is rewritten in the form dateparser knows (ordinal
       words become day numbers, month names of the other systems -- كانون الثاني, جانفي,
       一月 -- the standard name) and parsed by ``DateDataParser(languages=[lang])``; the grain comes from
       ``DateData.period``. The string dateparser sees carries a fixed leap year, so it depends
       only on (day, month): the cache of parses is bounded and the year logic stays here.
       Numeric dates with a 4-digit year ("16/03/2025", "2025-03-16") go to dateparser as
       written, so the language's own day/month order applies. A year alone ("عام 2025",
       "2025 में", "2025年", "in 2025") is trivial and resolved without dateparser.

    The year of a phrase that states none comes from ``base`` (the document's publication date):
    "16 March" is in ``base.year``; "next June"/يونيو القادم is the first June after ``base``
    (so June 2025 for a base of 2025-01-01); "last June"/يونيو الماضي the last one before it;
    "June last year"/يونيو من العام الماضي is in ``base.year - 1``; "this year"/هذا العام/今年 is
    ``base.year`` at year grain. **With no base, such phrases are skipped**: a value with a
    guessed year would be wrong more often than a missing row (see ``fallback_base`` for what a
    caller can pass when the publication date is unknown).

    Never dates: a bare number (a 4-digit 19xx/20xx number counts only next to a year cue, or as
    one end of a range of years no more than 30 apart: "2023-2024"), section
    numbers ("Insight 07"), counts ("79 نموذجًا", "2000 से अधिक"), percentages ("30-50%"),
    versions ("4.5", "GPT-4"), money, times of day. A bare month name needs a cue (a preposition,
    a boundary, the word "month", a relative word, a day or a year), because مارس is also a verb
    and "May" a modal.

``infer_published(text, lang, today)``
    The publication year a text implies, as ``date(year, 1, 1)``, or None. See its docstring.

Unsupported languages yield nothing (``[]`` / None) rather than an error, so a document in
another language still gets its other extractors' rows. Language data lives in
``etl/data/date_cues.csv`` (one entry per line; kinds in ``_KINDS``).
"""
from __future__ import annotations

import bisect
import calendar
import csv
import datetime as dt
import functools
import itertools
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from dateparser.date import DateDataParser

try:  # the regex parser of the standard library, to read off the first characters of a rule
    import re._constants as _C
    import re._parser as _re_parser
except ImportError:  # Python < 3.11
    import sre_constants as _C
    import sre_parse as _re_parser

from etl.spans import DateSpan
from etl.textnorm import normalize, to_ascii_digits

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "date_cues.csv"
SUPPORTED = ("ar", "en", "hi", "zh")

# What each kind of entry in date_cues.csv means. "In the span" words become part of the mention's
# text (عام 2025, نهاية يونيو); prepositions and postpositions only license a bare year or month.
_KINDS = {
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
}

# Characters that make up a word (letters, digits, combining marks, tatweel). Devanagari danda
# (U+0964/5) is punctuation, so the range skips it.
_WORD_CHAR = r"[\w\u0900-\u0963\u0966-\u097F\u0610-\u061A\u064B-\u065F\u0670\u0640]"
_B = rf"(?<!{_WORD_CHAR})"  # word start
_E = rf"(?!{_WORD_CHAR})"  # word end
_YEAR = r"(?:19|20)[0-9]{2}"
_DAY = r"(?:3[01]|[12][0-9]|0?[1-9])"
_NUM_B = r"(?<![\w.,/:\-+$€£¥#])"  # no digit, letter, decimal point, sign or currency before
# A year may follow a cue glued to it (FY2025, عام2025, mid-2025) and may open a range (2024-2025).
_YEAR_B = r"(?<![0-9.,/:+$€£¥#_])"
_YEAR_E = r"(?![0-9]|[.,:/][0-9]|\s*[%٪])"

_ALEF = "اأإآ"
_HI_NUKTA = {"क": "\u0958", "ख": "\u0959", "ग": "\u095a", "ज": "\u095b", "ड": "\u095c", "ढ": "\u095d",
             "फ": "\u095e", "य": "\u095f"}
_FIXED_YEAR = 2000  # leap year: the year in the strings dateparser sees ("29 فبراير" is valid)
_DP_SETTINGS = {
    "PREFER_DAY_OF_MONTH": "first",
    "RETURN_TIME_AS_PERIOD": True,
    "RELATIVE_BASE": dt.datetime(_FIXED_YEAR, 1, 1),
    "TIMEZONE": "UTC",
    "PARSERS": ["custom-formats", "absolute-time"],
    "REQUIRE_PARTS": ["month"],
}


# ----------------------------------------------------------------------------- language data
@functools.lru_cache(maxsize=4096)
def _key(s: str) -> str:
    """Lookup key of a surface form: normalised letters and digits, single spaces, no nukta."""
    return re.sub(r" و ", " و", " ".join(normalize(s).replace(".", "").split()))  # الخامس و العشرين


def _atoms(entry: str, lang: str) -> list[str]:
    """Regex atoms for a data entry that accept its common spelling variants, offsets unchanged."""
    out = []
    words = entry.split()
    for wi, word in enumerate(words):
        if wi:
            out.append(r"[\s\-]+" if lang == "en" else r"\s+")
            if lang == "ar" and word.startswith("و") and len(word) > 2:
                out.append(r"و\s*")  # الحادي والعشرين / الحادي و العشرين
                word = word[1:]
        for ci, ch in enumerate(word):
            last = ci == len(word) - 1
            if lang == "ar" and ch in _ALEF:
                out.append(f"[{_ALEF}]")
            elif lang == "ar" and last and ch in "ةه":
                out.append("[ةه]")
            elif lang == "ar" and last and ch in "ىي":
                out.append("[ىي]")
            elif lang == "hi" and ch == "\u093c":
                continue  # handled with the consonant before it
            elif lang == "hi" and ch in _HI_NUKTA:
                out.append(f"(?:{ch}\u093c?|{_HI_NUKTA[ch]})")
            elif lang == "en" and ch.isalpha() and wi == 0 and ci == 0:
                out.append(f"[{ch.upper()}{ch.lower()}]")
            else:
                out.append(re.escape(ch))
    return out


def _trie(entries, lang: str, end: str = "") -> str:
    """One regex for many entries, factored by common prefixes (fast to scan with `re`).

    ``end`` is checked where an entry ends, so a shorter entry cannot stop a longer one (ماي in
    مايو) and a match inside a longer word fails there.
    """
    return _emit(_trie_root(entries, lang), end) or "(?!)"


def _trie_root(entries, lang: str) -> dict:
    root: dict = {}
    for entry in set(entries):
        node = root
        for atom in _atoms(entry, lang):
            node = node.setdefault(atom, {})
        node[""] = {}
    return root


def _emit(node: dict, end: str) -> str:
    branches = [atom + _emit(sub, end) for atom, sub in sorted(node.items()) if atom]
    if "" in node:
        branches.append(end)
    return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"


# Characters outside ASCII that `re.IGNORECASE` matches to an ASCII letter (İ, ı, ſ, Kelvin K).
_ASCII_CASE_EXTRA = "\u0130\u0131\u017f\u212a"


def _first_chars(atom: str, flags: int) -> list[tuple[str, str]] | None:
    """The (literal first character, rest of the atom) pairs an atom of `_atoms` stands for,
    exactly (with `flags`); None for an atom of another shape."""
    if len(atom) == 1 or (len(atom) == 2 and atom[0] == "\\" and not atom[1].isalnum()):
        chars, rest = atom[-1], ""
    elif len(atom) > 2 and atom[0] == "[" and atom[-1] == "]" and "\\" not in atom and "-" not in atom:
        chars, rest = atom[1:-1], ""
    elif (m := re.fullmatch("\\(\\?:(.)\u093c\\?\\|(.)\\)", atom)):  # Hindi nukta: क़ as क+़ or one letter
        return [(m.group(1), "\u093c?"), (m.group(2), "")]
    else:
        return None
    if flags & re.IGNORECASE:  # the characters the class matches when case is ignored
        candidates = dict.fromkeys(chars + chars.upper() + chars.lower() + _ASCII_CASE_EXTRA)
        return [(c, rest) for c in candidates if re.fullmatch(atom, c, flags)]
    return [(c, rest) for c in chars]


def _anchor_regex(words: list[str], code: str, end: str, extra: list[str], flags: int) -> re.Pattern[str]:
    """The regex ``_YEAR | <trie of words> | extra...`` (one match per anchor, same matches) with
    every top-level branch starting with a literal character: `re` then skips, in C, the
    positions no anchor can start at, instead of trying the whole alternation at each one.
    A case-insensitive language ignores case after the first character, whose case variants are
    branches of their own."""
    scoped = "(?i:{})" if flags & re.IGNORECASE else "(?:{})"
    branches = [f"{d}{scoped.format(f'{x}[0-9]{{2}}')}" for d, x in (("1", "9"), ("2", "0"))]  # _YEAR
    for atom, sub in sorted(_trie_root(words, code).items()):
        if not atom:
            continue  # an empty entry: never in the data
        firsts = _first_chars(atom, flags)
        if firsts is None:  # keep the branch as it is (correct, only slower)
            branches.append(scoped.format(atom + _emit(sub, end)))
            continue
        branches += [re.escape(c) + scoped.format(rest + _emit(sub, end)) for c, rest in firsts]
    branches += [re.escape(x) for x in extra]
    return re.compile("|".join(branches))


def _with_first_char_check(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """`rule` behind a lookahead for the characters a match of it can start with (same matches).

    Most rules open with optional cue words and lookbehinds, so `re` walks through all of them at
    every position of a window; the lookahead fails at once where no match can start. Rules whose
    first element is already a plain character set are fast as they are and stay unchanged, and so
    does a rule the analysis does not understand.
    """
    try:
        parsed = _re_parser.parse(pattern, flags)
        items = list(parsed.data)
        if _starts_plain(items):
            return re.compile(pattern, flags)  # starts with a required literal: `re` already skips ahead in C
        chars, nullable = _first_of(items, parsed.state.flags)
    except _NotAnalysed:
        return re.compile(pattern, flags)
    if nullable or not chars:
        return re.compile(pattern, flags)
    cls = "".join(re.escape(c) for c in sorted(chars))
    return re.compile(f"(?=[{cls}])(?:{pattern})", flags)


class _NotAnalysed(Exception):
    pass


def _starts_plain(items) -> bool:
    """Does the pattern open with a literal (or a group or alternation of literals)?"""
    if not items:
        return False
    op, av = items[0]
    if op is _C.LITERAL:
        return True
    if op is _C.SUBPATTERN:
        return _starts_plain(list(av[3].data))
    if op is _C.BRANCH:
        return all(_starts_plain(list(alternative.data)) for alternative in av[1])
    return False


def _case_variants(code: int, ignore_case: bool) -> set[str]:
    ch = chr(code)
    if not ignore_case:
        return {ch}
    candidates = {ch, ch.lower(), ch.upper(), *_ASCII_CASE_EXTRA}
    return {c for c in candidates if len(c) == 1 and re.fullmatch(re.escape(ch), c, re.IGNORECASE)}


def _first_of(items, flags: int) -> tuple[set[str], bool]:
    """(characters a match of the sequence can start with, whether it can match empty)."""
    out: set[str] = set()
    for op, av in items:
        chars, nullable = _first(op, av, flags)
        out |= chars
        if not nullable:
            return out, False
    return out, True


def _first(op, av, flags: int) -> tuple[set[str], bool]:
    ignore_case = bool(flags & re.IGNORECASE)
    if op is _C.LITERAL:
        return _case_variants(av, ignore_case), False
    if op is _C.IN:
        chars: set[str] = set()
        for kind, arg in av:
            if kind is _C.LITERAL:
                chars |= _case_variants(arg, ignore_case)
            elif kind is _C.RANGE and arg[1] - arg[0] <= 4096:
                for code in range(arg[0], arg[1] + 1):
                    chars |= _case_variants(code, ignore_case)
            else:  # categories (\s, \w), negated sets, huge ranges
                raise _NotAnalysed
        return chars, False
    if op is _C.BRANCH:
        chars, nullable = set(), False
        for alternative in av[1]:
            c, n = _first_of(alternative.data, flags)
            chars |= c
            nullable = nullable or n
        return chars, nullable
    if op is _C.SUBPATTERN:
        _, add_flags, del_flags, sub = av
        return _first_of(sub.data, (flags | add_flags) & ~del_flags)
    if op in (_C.MAX_REPEAT, _C.MIN_REPEAT):
        low, _, sub = av
        chars, nullable = _first_of(sub.data, flags)
        return chars, nullable or low == 0
    if op in (_C.AT, _C.ASSERT, _C.ASSERT_NOT):  # zero-width: the next element starts the match
        return set(), True
    raise _NotAnalysed


def _alt(entries, lang: str, exact_case: bool = False) -> str:
    """Alternation of entries; a longer phrase wins over its prefix (a trie: longest first)."""
    forms = sorted(set(entries), key=len, reverse=True)
    if not forms:
        return "(?!)"
    if exact_case:  # English month names: "May" and "MAY", never the modal "may"
        return "(?:" + "|".join(p for f in forms for p in (re.escape(f), re.escape(f.upper()))) + ")"
    return "(?:" + _trie(forms, lang) + ")"


@functools.cache
def _entries() -> dict[tuple[str, str], list[tuple[str, str]]]:
    by_kind: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
    with DATA_FILE.open(encoding="utf-8", newline="") as f:
        rows = csv.DictReader(line for line in f if not line.startswith("#"))
        for row in rows:
            if row["kind"] not in _KINDS:
                raise ValueError(f"{DATA_FILE.name}: unknown kind {row['kind']!r}")
            by_kind[(row["lang"], row["kind"])].append((row["text"], row["value"]))
    return dict(by_kind)


@dataclass(frozen=True)
class _Lang:
    code: str
    rules: tuple[tuple[str, re.Pattern[str]], ...]
    needs: tuple[re.Pattern[str] | None, ...]  # per rule: a part every match of it holds (`_scan`)
    anchor: re.Pattern[str]
    months: dict[str, int]  # _key(surface) -> month
    abbr: frozenset[str]
    canonical_month: dict[int, str]  # month -> the name dateparser knows
    days: dict[str, int]  # _key(ordinal word or Chinese numeral) -> number
    rel_year: dict[str, int]
    rel_occ: dict[str, str]
    past_before: re.Pattern[str]
    past_after: re.Pattern[str]


@functools.cache
def _lang(code: str) -> _Lang | None:
    if code not in SUPPORTED:
        return None
    data = _entries()

    def words(kind: str) -> list[str]:
        return [t for t, _ in data.get((code, kind), [])]

    def alt(kind: str, **kw) -> str:
        return _alt(words(kind), code, **kw)

    month_rows = data.get((code, "month"), [])
    months = {_key(t): int(v) for t, v in month_rows + data.get((code, "month_abbr"), [])}
    canonical: dict[int, str] = {}
    for t, v in month_rows:
        canonical.setdefault(int(v), t)
    days = {_key(t): int(v) for t, v in data.get((code, "ordinal_day"), []) + data.get((code, "numeral"), [])}
    rel_year = {_key(t): int(v) for t, v in data.get((code, "rel_year"), [])}
    rel_occ = {_key(t): v for t, v in data.get((code, "rel_occ_before"), []) + data.get((code, "rel_occ_after"), [])}

    month = alt("month", exact_case=code == "en")
    not_after = rf"(?!\s*{alt('not_after')})"
    year = rf"{_YEAR_B}(?P<year>{_YEAR}){_YEAR_E}"
    rely = alt("rel_year")
    sep = rf"\s*(?:{alt('range_sep')})\s*"
    # A second year after the first: "2023-2024", "من عام 2020 إلى عام 2025", "2020 से 2025 तक".
    year2 = rf"(?:{sep}(?P<y2>(?:{alt('year_word')}\s*)?{_YEAR_B}(?P<year2>{_YEAR}){_YEAR_E}){not_after})"
    # Chinese has no spaces: a number there is bounded by what is not a digit or a Latin letter.
    num_b = r"(?<![0-9.,/:\-A-Za-z])" if code == "zh" else _NUM_B
    numeric = (
        rf"{num_b}(?P<num>{_YEAR}(?P<s1>[-/.])(?:1[0-2]|0?[1-9])(?P=s1){_DAY}"
        rf"|{_DAY}(?P<s2>[-/.])(?:1[0-2]|0?[1-9]|1[3-9]|2[0-9]|3[01])(?P=s2){_YEAR})(?![0-9]|[./\-][0-9])"
    )
    rules: list[tuple[str, str]] = [("numeric", numeric)]
    if code == "ar":
        year_part = rf"(?:\s*[,،]?\s*(?:من\s+)?(?:{alt('year_word')}\s*)?{year}(?:\s*{alt('year_suffix')}{_E})?)"
        month_alts = rf"(?P<m1>(?P<month>{month}){_E}(?:\s*[/(]\s*{month}{_E}\s*\)?)?)"  # مارس (آذار)
        month2 = rf"(?:{sep}(?P<month2>{month}){_E}(?:\s*[/(]\s*{month}{_E}\s*\)?)?)"  # مايو ويونيو 2024
        rel_after = rf"(?:\s+(?P<relocc>{alt('rel_occ_after')}){_E}|\s+(?:من\s+)?(?P<rely>{rely}){_E})"
        mword = rf"(?:(?:من\s+)?(?P<mw>{alt('month_word')})\s+)"
        rules += [
            ("day_month", rf"(?:{_NUM_B}(?P<day>{_DAY})(?![0-9.,])\s*(?:من\s+)?|{_B}(?P<dayw>{alt('ordinal_day')})\s+من\s+)"
                          rf"{mword}?{month_alts}{year_part}?{rel_after}?"),
            ("month", rf"(?:{_B}(?P<prep>{alt('prep')})\s+)?(?:{_B}(?P<bound>{alt('boundary')})\s+)?"
                      rf"{mword}?{_B}{month_alts}{month2}?{year_part}?{rel_after}?"),
            ("year", rf"(?:{_B}(?P<prep>{alt('prep')})\s+)?(?:{_B}(?P<bound>{alt('boundary')})\s+)?"
                     rf"(?:{_B}(?P<yw>{alt('year_word')})\s*)?{year}(?:\s*(?P<suf>{alt('year_suffix')}){_E})?{not_after}{year2}?"),
            ("rel_year", rf"(?:{_B}(?P<bound>{alt('boundary')})\s+)?{_B}(?P<rely>{rely}){_E}"),
        ]
    elif code == "hi":
        year_part = rf"(?:\s*,?\s*{year})"
        bound_after = rf"(?:\s+(?P<bound>{alt('boundary_after')}){_E})"
        postp = rf"(?:\s+(?P<postp>{alt('postp')}){_E})"
        rules += [
            ("day_month", rf"{_NUM_B}(?P<day>{_DAY})(?![0-9.,])\s*(?P<month>{month}){_E}{year_part}?"),
            ("month", rf"(?:{_B}(?P<rely>{rely})\s+)?(?:{_B}(?P<relocc>{alt('rel_occ_before')})\s+)?"
                      rf"{_B}(?P<m1>(?P<month>{month})){_E}(?:{sep}{_B}(?P<month2>{month}){_E})?{year_part}?(?:\s+(?P<mw>{alt('month_word')}){_E})?{bound_after}?{postp}?"),
            ("year", rf"(?:{_B}(?P<yw>{alt('year_word')})\s*)?{year}(?:\s*(?P<suf>{alt('year_suffix')})(?!{_WORD_CHAR}))?"
                     rf"{not_after}{year2}?{bound_after}?{postp}?"),
            ("rel_year", rf"{_B}(?P<rely>{rely}){_E}"),
        ]
    elif code == "en":
        day = rf"(?P<day>{_DAY})(?:st|nd|rd|th)?"
        mon = rf"(?P<month>{month}|{alt('month_abbr', exact_case=True)}\.?)(?![A-Za-z])"
        year_part = rf"(?:,?\s+(?:of\s+)?{year})"
        rel_after = rf"(?:,?\s+(?:of\s+)?(?P<rely>(?i:{rely}))\b)"
        rules += [
            ("day_month", rf"(?:\b(?i:the)\s+)?{_NUM_B}{day}\s+(?:(?i:of)\s+)?{mon}{year_part}?{rel_after}?"),
            ("month_day", rf"\b{mon}\s+{day}(?![0-9:.,]?[0-9]){not_after}{year_part}?"),
            # Every way through "month" and "rel_year" starts at a word boundary, and every way through
            # "year" there or at its digits: stated up front, that fails most positions of a window
            # at once instead of after one optional cue group after the other (the same matches).
            ("month", rf"\b(?:\b(?P<prep>(?i:{alt('prep')}))\s+)?(?:\b(?P<bound>(?i:{alt('boundary')}))[\s\-]+)?"
                      rf"(?:\b(?P<relocc>(?i:{alt('rel_occ_before')}))\s+)?(?:\b(?P<mw>(?i:{alt('month_word')}))\s+)?"
                      rf"\b(?P<m1>{mon})(?:{sep}\b(?P<month2>{month})\b)?{year_part}?{rel_after}?"),
            ("year", rf"(?:\b|(?=[12]))(?:\b(?P<prep>(?i:{alt('prep')}))\s+)?(?:\b(?P<bound>(?i:{alt('boundary')}))[\s\-]+)?"
                     rf"(?:\b(?P<yw>(?i:{alt('year_word')}))\s*)?{year}{not_after}(?i:{year2})?"),
            ("rel_year", rf"\b(?:\b(?P<bound>(?i:{alt('boundary')}))\s+)?\b(?P<rely>(?i:{rely}))\b"),
        ]
    elif code == "zh":
        zh_no = r"(?<![0-9.\-A-Za-z])"
        num = alt("numeral")
        bound_after = rf"(?P<bound>{alt('boundary_after')})"
        rules += [
            ("month", rf"(?:{zh_no}(?P<year>{_YEAR})\s*年\s*|(?P<rely>{rely})\s*)?"
                      rf"(?P<m1>(?:{zh_no}(?P<monthn>1[0-2]|0?[1-9])|(?<![一二三四五六七八九十])(?P<month>{alt('month')}))\s*月(?:份)?)"
                      rf"(?:\s*(?:(?P<day>{_DAY})(?![0-9])|(?P<dayw>{num}))\s*[日号])?"
                      rf"(?:{sep}(?P<month2>1[0-2]|0?[1-9]|{alt('month')})\s*月(?:份)?(?!\s*[0-9一二三四五六七八九十]))?{bound_after}?"),
            ("year", rf"{zh_no}(?P<year>{_YEAR})(?:{sep}(?P<y2>(?P<year2>{_YEAR})))?\s*(?P<suf>{alt('year_suffix')}){not_after}{bound_after}?"),
            ("rel_year", rf"(?P<rely>{rely})"),
        ]

    # Anchors: every phrase holds a year-like number, a month name or a relative-year word (day
    # numbers and ordinals always come with a month). Chinese numerals are everywhere, so 月 is
    # the anchor of a Chinese month. The words form one prefix-factored regex: cheap to scan.
    anchor_words = words("rel_year") + ([] if code == "zh" else words("month") + words("month_abbr"))
    flags = re.IGNORECASE if code == "en" else 0
    # What every match of a rule holds, as written in the rule (no lookarounds): a window without it
    # skips the rule. A year phrase holds its year, a month phrase its month name (Chinese: 月). Only
    # parts that are quick to look for: the Arabic and Hindi word lists would cost what they save.
    part_of = {"numeric": _YEAR, "year": _YEAR}
    if code in ("en", "zh"):
        month_part = rf"{month}|{alt('month_abbr', exact_case=True)}" if code == "en" else "月"
        part_of |= {"day_month": month_part, "month_day": month_part, "month": month_part,
                    "rel_year": rf"(?i:{rely})" if code == "en" else rely}
    parts = {p: re.compile(p) for p in set(part_of.values())}
    past_before = words("past_before") + words("target_before")
    past_after = words("past_after") + words("target_after")
    return _Lang(
        code=code,
        rules=tuple((name, _with_first_char_check(p)) for name, p in rules),
        needs=tuple(parts[part_of[name]] if name in part_of else None for name, _ in rules),
        anchor=_anchor_regex(anchor_words, code, "" if code == "zh" else _E, ["月"] if code == "zh" else [], flags),
        months=months,
        abbr=frozenset(_key(t) for t, _ in data.get((code, "month_abbr"), [])),
        canonical_month=canonical,
        days=days,
        rel_year=rel_year,
        rel_occ=rel_occ,
        # "تأسست في عام 2022", "founded back in 2015": the cue, then at most two words.
        past_before=re.compile(rf"{'' if code == 'zh' else _B}{_alt(past_before, code)}(?:\s+\S+){{0,2}}\s*$", flags),
        past_after=re.compile(rf"^\s*(?:{_alt(past_after, code)})", flags),
    )


# ----------------------------------------------------------------------------- dateparser
@functools.cache
def _parser(lang: str) -> DateDataParser:
    return DateDataParser(languages=[lang], settings=_DP_SETTINGS)


@functools.lru_cache(maxsize=8192)
def _dateparser(lang: str, phrase: str) -> tuple[int, int, int, str] | None:
    """(year, month, day, period) of a phrase, or None when dateparser cannot read it."""
    data = _parser(lang).get_date_data(phrase)
    if data.date_obj is None or data.period not in ("day", "month"):
        return None
    d = data.date_obj
    return d.year, d.month, d.day, data.period


def _month_day(lang: _Lang, month: int, day: int | None) -> tuple[int, int | None, str] | None:
    """Month, day and grain of a day-month phrase: dateparser reads the month in its own spelling.

    Only the month phrase goes to dateparser (12 parses per language, cached). The day is checked
    against that month of the fixed leap year, which is what dateparser does with "<day> <month>
    2000" (the same answer for every day 0-39 of every month in all four languages, checked
    exhaustively) without its ~1 ms per distinct phrase.
    """
    if lang.code == "zh":
        phrase = f"{_FIXED_YEAR}年{month}月"
    else:
        phrase = f"{lang.canonical_month[month]} {_FIXED_YEAR}"
    got = _dateparser(lang.code, phrase)
    if got is None or got[3] != "month":
        return _month_day_parsed(lang, month, day)  # dateparser reads the name oddly: ask it all
    m = got[1]
    if not day:
        return m, None, "month"
    if day > _DAYS_IN_MONTH[m]:
        return None  # e.g. 31 June
    return m, day, "day"


def _month_day_parsed(lang: _Lang, month: int, day: int | None) -> tuple[int, int | None, str] | None:
    """`_month_day` with the whole day-month phrase read by dateparser."""
    if lang.code == "zh":
        phrase = f"{_FIXED_YEAR}年{month}月" + (f"{day}日" if day else "")
    else:
        name = lang.canonical_month[month]
        phrase = (f"{day} " if day else "") + f"{name} {_FIXED_YEAR}"
    got = _dateparser(lang.code, phrase)
    if got is None:
        return None  # e.g. 31 June
    _, m, d, period = got
    return m, (d if period == "day" else None), period


# Days per month of _FIXED_YEAR (a leap year: 29 February exists).
_DAYS_IN_MONTH = {m: calendar.monthrange(_FIXED_YEAR, m)[1] for m in range(1, 13)}


# ----------------------------------------------------------------------------- matching
class _Found:
    __slots__ = ("span", "explicit_year")

    def __init__(self, span: DateSpan, explicit_year: bool):
        self.span = span
        self.explicit_year = explicit_year  # the year is written in the phrase (not taken from base)


_WORD_CHAR_RE = re.compile(_WORD_CHAR)


def _windows(text: str, lang: _Lang) -> list[tuple[int, int]]:
    """Stretches of text around anchors, merged; rules only run inside them."""
    out: list[list[int]] = []
    check_start = lang.code != "zh"
    for m in lang.anchor.finditer(text):
        a, b = m.span()
        if check_start and a and _WORD_CHAR_RE.match(text, a - 1) and not text[a].isdigit():
            continue  # a month name inside a longer word (كتاب, مايكروسوفت)
        lo, hi = max(0, a - 48), min(len(text), b + 64)
        if out and lo <= out[-1][1]:
            out[-1][1] = max(out[-1][1], hi)
        else:
            out.append([lo, hi])
    return [(lo, hi) for lo, hi in out]


def _span_bounds(m: re.Match[str], groups: dict | None = None) -> tuple[int, int]:
    """The mention: the match without its leading preposition or trailing postposition."""
    start, end = m.span()
    if groups is None:
        groups = m.groupdict()
    if groups.get("prep") is not None:
        start = m.end("prep")
        while start < end and m.string[start].isspace():
            start += 1
    if groups.get("postp") is not None:
        end = m.start("postp")
        while end > start and m.string[end - 1].isspace():
            end -= 1
    return start, end


def _base_year(month: int, day: int | None, relocc: str | None, rely: int | None, base: dt.date | None) -> int | None:
    if base is None:
        return None
    if rely is not None:
        return base.year + rely
    if relocc == "next":
        return base.year if (month, day or 0) > (base.month, base.day) else base.year + 1
    if relocc == "last":
        return base.year if (month, day or 32) < (base.month, base.day) else base.year - 1
    return base.year


def _month_of(lang: _Lang, surface: str) -> int | None:
    return int(surface) if surface.isdigit() else lang.months.get(_key(surface))


def _month_value(
    lang: _Lang, month: int, day: int | None, year: int | None, relocc: str | None, rely: int | None,
    base: dt.date | None,
) -> tuple[str, str, bool] | None:
    """(value, grain, explicit_year) of a month or day phrase; dateparser reads month and day."""
    parsed = _month_day(lang, month, day)
    if parsed is None:
        return None
    month, day, grain = parsed
    explicit = year is not None
    if year is None:
        year = _base_year(month, day, relocc, rely, base)
        if year is None or not 1 <= year <= 9999:
            return None
    if grain == "day":
        try:
            dt.date(year, month, day)
        except ValueError:
            return None  # 29 February of a common year
        return f"{year:04d}-{month:02d}-{day:02d}", "day", explicit
    return f"{year:04d}-{month:02d}", "month", explicit


_Part = tuple[int, int, str, str, bool]  # start, end, value, grain, explicit_year


def _resolve(name: str, m: re.Match[str], lang: _Lang, base: dt.date | None, g: dict | None = None) -> list[_Part]:
    """The dates a candidate stands for (two for a range such as "2023-2024"); [] if none."""
    if g is None:
        g = m.groupdict()
    start, end = _span_bounds(m, g)
    year = int(g["year"]) if g.get("year") else None
    if name == "numeric":
        got = _dateparser(lang.code, m.group("num"))
        if got is None or got[3] != "day":
            return []
        y, mo, d, _ = got
        return [(start, end, f"{y:04d}-{mo:02d}-{d:02d}", "day", True)]
    if name == "year":
        year2 = int(g["year2"]) if g.get("year2") else None
        is_range = year2 is not None and 0 < year2 - year <= 30
        if not (is_range or any(g.get(k) for k in ("prep", "bound", "yw", "suf", "postp"))):
            return []
        if year2 is None:
            return [(start, end, str(year), "year", True)]
        # A range: each year is its own mention; a cue before the first or after the last serves both.
        first_end = m.end("suf") if g.get("suf") and m.start("suf") < m.start("y2") else m.end("year")
        return [(start, first_end, str(year), "year", True), (m.start("y2"), end, str(year2), "year", True)]
    if name == "rel_year":
        if base is None:
            return []
        y = base.year + lang.rel_year[_key(g["rely"])]
        return [(start, end, f"{y:04d}", "year", False)] if 1 <= y <= 9999 else []

    # A phrase with a month: day_month, month_day, month (maybe two months sharing a year).
    surface = g.get("monthn") or g["month"]
    month = _month_of(lang, surface)
    if month is None:
        return []
    if _key(surface) in lang.abbr and not (g.get("day") or year):
        return []  # "Mar" alone is not a date
    day = None
    if g.get("day"):
        day = int(g["day"])
    elif g.get("dayw"):
        day = lang.days[_key(g["dayw"])]
    month2 = _month_of(lang, g["month2"]) if g.get("month2") else None
    cued = day or year or month2 or any(g.get(k) for k in ("prep", "bound", "mw", "relocc", "rely", "postp"))
    if name == "month" and not cued and lang.code != "zh":
        return []  # 6月 is unambiguous; مارس, May, मई alone are not
    rely = lang.rel_year[_key(g["rely"])] if g.get("rely") else None
    relocc = lang.rel_occ[_key(g["relocc"])] if g.get("relocc") else None
    if month2 is None:
        got = _month_value(lang, month, day, year, relocc, rely, base)
        return [(start, end, *got)] if got else []
    # "مايو ويونيو 2024", "March and May 2025": the second month's year is the first's too.
    first = _month_value(lang, month, day, year, relocc, rely, base)
    second = _month_value(lang, month2, None, year, relocc, rely, base)
    if first is None or second is None:
        return []
    return [(start, m.end("m1"), *first), (m.start("month2"), end, *second)]


_OTHER_DIGITS = re.compile("[\u0660-\u0669\u06f0-\u06f9\u0966-\u096f\uff10-\uff19]")


def _ascii_digits(text: str) -> str:
    """``to_ascii_digits`` (same length, so offsets hold), skipped when there is nothing to do."""
    return to_ascii_digits(text) if _OTHER_DIGITS.search(text) else text


def _invalid(name: str, m: re.Match[str], base: dt.date | None, g: dict | None = None) -> bool:
    """Did a phrase with a day fail because the day does not exist (not for want of a base)?"""
    if g is None:
        g = m.groupdict()
    if name == "numeric":
        return True
    return bool(g.get("day") or g.get("dayw")) and bool(g.get("year") or base)


def _scan(text: str, lang: _Lang, base: dt.date | None) -> list[_Found]:
    digits = _ascii_digits(text)
    candidates: list[tuple[int, int, _Found]] = []
    blockers: list[tuple[int, int]] = []
    for lo, hi in _windows(digits, lang):
        present: dict[re.Pattern[str], bool] = {}
        for (name, rule), need in zip(lang.rules, lang.needs):
            if need is not None:
                found = present.get(need)
                if found is None:
                    found = present[need] = need.search(digits, lo, hi) is not None
                if not found:
                    continue  # the window lacks a part every match of the rule holds
            for m in rule.finditer(digits, lo, hi):
                g = m.groupdict()
                parts = _resolve(name, m, lang, base, g)
                if not parts:
                    if _invalid(name, m, base, g):
                        blockers.append(_span_bounds(m, g))  # "31 يونيو 2025" is no date, not June 2025
                    continue
                for start, end, value, grain, explicit in parts:
                    if end > start:
                        found = _Found(DateSpan(start, end, text[start:end], value, grain), explicit)
                        candidates.append((start, end, found))
    return [c[2] for c in _longest_first(candidates, _Blockers(blockers))]


def _longest_first(candidates: list[tuple[int, int, _Found]], blockers: "_Blockers") -> list[tuple[int, int, _Found]]:
    """Non-overlapping candidates, longest first, then earliest (windows may find the same phrase
    twice), in text order. Taken characters are marked in a bytearray, so each test costs the
    candidate's length, not the number of phrases taken before it."""
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


def _lang_of(lang: str) -> _Lang | None:
    return _lang((lang or "").split("-")[0].split("_")[0].lower())


# ----------------------------------------------------------------------------- public API
def find_dates(text: str, lang: str, base: dt.date | None) -> list[DateSpan]:
    """Date phrases in ``text`` with ISO values; ``base`` is the document's publication date.

    Phrases without a written year take it from ``base`` and are skipped when ``base`` is None.
    An unsupported language yields ``[]``.
    """
    spec = _lang_of(lang)
    if spec is None or not text:
        return []
    return [f.span for f in _scan(text, spec, base)]


def _year_mentions(text: str, spec: _Lang, today: dt.date, *, keep_past: bool) -> list[int]:
    """Years written out in full (year cue or full date), not after ``today``."""
    digits = _ascii_digits(text)
    years = []
    for f in _scan(text, spec, None):
        if not f.explicit_year:
            continue
        s = f.span
        parts = [int(p) for p in s.value.split("-")]
        stated = dt.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
        if stated > today:
            continue
        if not keep_past and (
            spec.past_before.search(digits, max(0, s.start - 40), s.start)
            or spec.past_after.match(digits[s.end : s.end + 40])
        ):
            continue
        years.append(parts[0])
    return years


def infer_published(text: str, lang: str, today: dt.date) -> dt.date | None:
    """The publication year the text implies, as ``date(year, 1, 1)``, or None.

    Rule: the latest year that the text states in full -- a 4-digit year with a year cue
    ("في عام 2025", "2025 में", "2025年", "in 2025") or inside a full date ("16 مارس 2025",
    "June 2025", "2025-03-16") -- that is

    * not in the future relative to ``today`` (a forecast "by 2030" says nothing about when the
      piece was written), and
    * not dating the start of something or a deadline: a year after "founded/established/since"
      (تأسست في عام 2022, منذ 2019, 2022 में स्थापित, 成立于2022年) or a deadline cue (بحلول,
      "by", तक, 到) is about another time than the article's own.

    News is written in or after the latest year it reports as current, so the latest remaining
    year is the best lower bound. Relative phrases ("this year", العام الماضي) and years without
    a cue ("2025 ليس عاديًا") never count. A text whose only year is a founding year (a 2023
    article about a firm "founded in 2022") therefore gets None rather than a wrong year.
    """
    spec = _lang_of(lang)
    if spec is None or not text:
        return None
    years = _year_mentions(text, spec, today, keep_past=False)
    return dt.date(max(years), 1, 1) if years else None


def fallback_base(text: str, lang: str, today: dt.date) -> dt.date | None:
    """A base for ``find_dates`` when ``infer_published`` found nothing (callers ask it first,
    so its scan is not repeated here): the latest year the text states at all, founding years
    included (the article cannot be older than that year), as Jan 1; else None.
    It is a lower bound: "نهاية مايو" in a 2023 article that only mentions a 2022 founding comes
    out as 2022-05 -- right month, possibly early year. Callers should keep ``published`` null.
    """
    spec = _lang_of(lang)
    if spec is None or not text:
        return None
    years = _year_mentions(text, spec, today, keep_past=True)
    return dt.date(max(years), 1, 1) if years else None
