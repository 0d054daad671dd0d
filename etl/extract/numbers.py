"""Numbers as news writes them: digits of every script, number words and scale words.

Text reaches here normalised (etl/textnorm.py: every script's digits are 0-9, ٫ is "." and ٬ is
","); number words and scale words are lexicon words (list "number", etl/data/number_words.csv),
found by the one lexicon pass (etl/lexicon.py). This module turns a run of such tokens into a
value: `parse_number` reads one written number, `parse_tokens` a number with its scales, parts
and range ends. Money (etl/extract/money.py) and dates may use both.

Separators: with both . and , the later one is the decimal point; a lone , before one or two
final digits is a decimal comma (1,5 مليار); otherwise , groups thousands (1,200 and Indian
1,20,000); several dots group thousands (1.200.000).

A number word needs a scale (ثلاثة مليارات, एक अरब, 十亿); only scale words with a `bare` amount
stand alone (Arabic singular and dual: مليار دولار = 1e9, ملياري دولار = 2e9). Later parts must be
smaller than the scale before them (مليار و300 مليون = 1.3e9).
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache
from itertools import pairwise

from etl.datafiles import read_csv
from etl.lang import LANGS, LANGUAGES, script_of
from etl.lexicon import Entry, key_of
from etl.textnorm import normalize

NUMBER_FILE = "number_words.csv"
# A written number in normalised text (digits already 0-9).
NUMBER = re.compile(r"(?<![0-9])(?<![0-9][.,])[0-9]+(?:[.,][0-9]+)*")
DIGIT_RUN = re.compile("[0-9]+")
_GROUPS_3 = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+")
_GROUPS_INDIAN = re.compile(r"[0-9]{1,2}(?:,[0-9]{2})+,[0-9]{3}")
_GROUPS_DOTS = re.compile(r"[0-9]{1,3}(?:\.[0-9]{3})+")


def scope(lang: str) -> tuple[str, ...]:
    """Which data rows apply to a text: its language first (it wins ties), then * and English.

    English words often appear inside other languages' news ("Series B", "IPO", "$5 billion");
    an unknown language gets every row.
    """
    if lang in LANGS:
        return tuple(dict.fromkeys((lang, "*", "en")))
    return ("*", "en", "ar", "hi", "zh")


def rows_in_scope(name: str, lang: str) -> list[dict[str, str]]:
    """The rows of etl/data/NAME that apply to `lang`, its own language's first (file order within one)."""
    rank = {code: i for i, code in enumerate(scope(lang))}
    return sorted((r for r in read_csv(name) if r["lang"] in rank), key=lambda r: rank[r["lang"]])


def own_langs(lang: str) -> tuple[str, ...]:
    """The languages whose own words (number words, range and "and" words) a text reads."""
    return (lang,) if lang in LANGS else LANGS


def decimal(s: str) -> Decimal | None:
    try:
        return Decimal(s) if s else None
    except InvalidOperation:
        return None


# ----------------------------------------------------------------------------- words
@dataclass(frozen=True, slots=True)
class Word:
    """A money-reading word: a number word (kinds below) or a currency (kind "cur")."""

    kind: str  # cur, scale, unit, article, range, and, between, of, vague
    value: Decimal | None = None  # multiplier (scale) or number (unit, article)
    bare: Decimal | None = None  # a scale word's amount with no number before it
    iso: str = ""
    position: str = ""  # currencies: pre, post or both
    not_followed_by: tuple[str, ...] = ()
    code: bool = False  # a currency written as Latin letters (USD, Rs, RMB)
    anchor: bool = False  # a scale word of the text's own language: where a figure without digits may be
    group: str = ""  # currencies: the shared bare name it is (dinar, riyal …), decided by country words
    factor: Decimal | None = None  # currencies: a minor unit's value in its currency (cent: 0.01)


def number_rows(lang: str) -> list[tuple[str, Word, str]]:
    """(word, Word, row language) for the number words a text in `lang` reads: scale words of every
    language in scope, range and vague words of its own and of *, the rest of its own only."""
    own = own_langs(lang)
    out = []
    for r in rows_in_scope(NUMBER_FILE, lang):
        kind = r["kind"]
        if kind == "scale" or (kind in ("range", "vague") and r["lang"] in (*own, "*")) or r["lang"] in own:
            anchor = kind == "scale" and r["lang"] in own
            out.append((r["word"], Word(kind, decimal(r["value"]), decimal(r["bare"]), anchor=anchor), r["lang"]))
    return out


def number_words(lang: str) -> Iterator[tuple[str, Entry]]:
    """The scale words of a language's own (the anchors of figures written without digits) as
    lexicon entries (list "number", value a `Word`). Digits may touch them ("5bn")."""
    for word, w, _ in number_rows(lang):
        if w.anchor and key_of(word):
            yield word, Entry("number", w, glue_digits=True)


def _literal_key(word: str) -> str:
    """The word as `literal_pattern` spells it: normalised (punctuation kept), spaces collapsed."""
    return " ".join(normalize(word, keep_punctuation=True).split())


def literal_pattern(word: str) -> str:
    """A word as a regex over normalised text (punctuation kept), on the word boundaries of its
    script (Han: none; digits may touch it); a space inside it may be a hyphen or nothing."""
    key = _literal_key(word)
    if not key:
        return re.escape(word.strip())
    body = "[\\s\\-\u2010-\u2014_/]*".join(re.escape(part) for part in key.split(" "))
    first, last = script_of(key[0]), script_of(key[-1])
    before = f"(?<![{LANGUAGES[first].letters}])" if first in _SPACED else ""
    after = f"(?![{LANGUAGES[last].letters}])" if last in _SPACED else ""
    return before + body + after


_SPACED = ("ar", "hi", "en")


def alternation(words: Iterable[str]) -> str:
    """One regex for a list of words (`literal_pattern`), the longest first, so at any place the
    longest word that stands there matches; a pattern matching nothing for none. It opens with a
    look at the first character: every word begins with a lookbehind, so without it the regex
    engine would try each word at every place of a text."""
    words = sorted({w.strip() for w in words if w.strip()}, key=lambda w: (-len(key_of(w) or w), w))
    if not words:
        return "(?!)"
    firsts = sorted({(_literal_key(w) or w)[0] for w in words})
    return f"(?=[{re.escape(''.join(firsts))}])(?:" + "|".join(literal_pattern(w) for w in words) + ")"


class InlineWords:
    """The number words read in place, at the few places a figure may be (near a digit or a scale
    word with a currency near): number words, other languages' scale words, range/and/between
    words. As lexicon words, short ones ("a", "to", "m", "من", "一") would be hits in every sentence."""

    def __init__(self, lang: str):
        self.words: dict[str, Word] = {}
        for word, w, _ in number_rows(lang):
            if not (w.anchor and key_of(word)):
                self.words.setdefault(key_of(word) or word.strip(), w)
        self.pattern = re.compile(alternation(word for word, w, _ in number_rows(lang) if not (w.anchor and key_of(word))))

    def _word(self, m: re.Match) -> Word | None:
        return self.words.get(key_of(m.group()) or m.group().strip())

    def match(self, text: str, pos: int, endpos: int) -> tuple[int, Word] | None:
        m = self.pattern.match(text, pos, endpos)
        if m is None or m.end() == pos or (w := self._word(m)) is None:
            return None
        return m.end(), w

    def finditer(self, text: str, pos: int, endpos: int) -> Iterator[tuple[int, int, Word]]:
        for m in self.pattern.finditer(text, pos, endpos):
            if m.end() > m.start() and (w := self._word(m)) is not None:
                yield m.start(), m.end(), w


@cache
def inline_words(lang: str) -> InlineWords:
    return InlineWords(lang)


# ----------------------------------------------------------------------------- values
def parse_number(s: str) -> Decimal | None:
    """A number as written with Western digits and . , (see the module docstring)."""
    try:
        return _NUMBERS[s]
    except KeyError:
        pass
    if len(_NUMBERS) > 50_000:
        _NUMBERS.clear()
    value = _NUMBERS[s] = _parse_number(s)
    return value


_NUMBERS: dict[str, Decimal | None] = {}  # number as written -> value (Decimal is immutable)


def _parse_number(s: str) -> Decimal | None:
    if "." in s and "," in s:
        dec, th = (".", ",") if s.rfind(".") > s.rfind(",") else (",", ".")
        if s.count(dec) > 1:
            return None
        s = s.replace(th, "").replace(dec, ".")
    elif "," in s:
        parts = s.split(",")
        if len(parts) == 2 and 1 <= len(parts[1]) <= 2:
            s = s.replace(",", ".")  # decimal comma: 1,5 مليار
        elif _GROUPS_3.fullmatch(s) or _GROUPS_INDIAN.fullmatch(s):
            s = s.replace(",", "")
        else:
            return None
    elif s.count(".") > 1:
        if not _GROUPS_DOTS.fullmatch(s):
            return None
        s = s.replace(".", "")
    return decimal(s)


class Tok:
    """A token of a chain (a plain class: built for every token, a frozen dataclass costs 3x)."""

    __slots__ = ("start", "end", "kind", "value", "word", "text")

    def __init__(self, start: int, end: int, kind: str, value: Decimal | None, word: Word | None, text: str):
        self.start = start
        self.end = end
        self.kind = kind  # num, or a Word's kind
        self.value = value
        self.word = word
        self.text = text


class Amount:
    __slots__ = ("value", "scaled", "lead_scale")

    def __init__(self, value: Decimal, scaled: bool, lead_scale: Decimal):
        self.value = value
        self.scaled = scaled  # its first part has a scale (or is a bare scale word)
        self.lead_scale = lead_scale


def _tens_and_ones(a: Decimal, b: Decimal) -> bool:
    """Two number words that make one number: twenty five (20 + 5), خمسة عشر (5 + 10)."""
    return (a >= 20 and a % 10 == 0 and a < 100 and 0 < b < 10) or (0 < a < 10 and a == a.to_integral() and b == 10)


def _part(seq: list[Tok], i: int) -> tuple[Decimal, Decimal, bool | None, int] | None:
    """One part's (base, scale, needs a scale: True/None for a number word/False, index after it)."""
    t, n = seq[i], len(seq)
    if t.kind == "num":
        return t.value, Decimal(1), False, i + 1
    if t.kind in ("unit", "article"):
        base, i = t.value, i + 1
        while t.kind == "unit" and i < n and seq[i].kind == "unit" and _tens_and_ones(base, seq[i].value):
            base, i = base + seq[i].value, i + 1
        while i + 1 < n and seq[i].kind == "and" and seq[i + 1].kind == "unit":
            base += seq[i + 1].value
            i += 2
        return base, Decimal(1), True if t.kind == "article" else None, i
    if t.kind == "scale" and t.word.bare is not None:
        return t.word.bare, t.value, False, i + 1
    return None


def _fold(parts: list[tuple[Decimal, Decimal]], value: Decimal, scale: Decimal) -> tuple[Decimal, Decimal] | None:
    """两千五百万, 十五亿, "two thousand five hundred million": a scale after a run of smaller parts
    scales their sum. Returns the folded (value, lead scale) and shortens `parts`, or None."""
    k = len(parts)
    while k and parts[k - 1][0] < scale:
        k -= 1
    if k == len(parts):
        return None
    total = sum(v for v, _ in parts[k:]) + value
    lead = parts[k][1]
    del parts[k:]
    return total * scale, lead * scale


def amount(seq: list[Tok], units_alone: bool = False) -> Amount | None:
    """number scale* ((and)? number scale*)*, each later part smaller than the scale before it.
    A number word needs a scale unless `units_alone` (right before a currency: خمسة دولارات)."""
    parts: list[tuple[Decimal, Decimal]] = []
    i, n = 0, len(seq)
    while i < n:
        if parts and seq[i].kind == "and":
            i += 1
            if i >= n:
                return None
        got = _part(seq, i)
        if got is None:
            return None
        base, scale, needs, i = got
        needs_scale = needs is True or (needs is None and not units_alone)
        mult, folded = Decimal(1), None
        while i < n and seq[i].kind == "scale":
            if parts and (folded := _fold(parts, base * mult, seq[i].value)) is not None:
                base, mult, scale = folded[0], Decimal(1), folded[1]
            else:
                mult *= seq[i].value
            i += 1
        if needs is not False and mult == 1 and folded is None and parts and base < 1 and parts[-1][1] > 1:
            parts.append((base * parts[-1][1], Decimal(1)))  # مليار ونصف: half of the scale before
            continue
        if needs_scale and mult == 1 and folded is None:
            return None
        parts.append((base * mult, scale * mult))
    if not parts:
        return None
    for (_, prev_scale), (value, _) in pairwise(parts):
        if prev_scale <= 1 or value > prev_scale:
            return None
    return Amount(sum(v for v, _ in parts), parts[0][1] > 1, parts[0][1])


def _range(left: list[Tok], right: list[Tok], units_alone: bool) -> tuple[Decimal, Decimal] | None:
    """A range's two ends; a lower end without its own scale takes the upper end's (10-20亿)."""
    lo, hi = amount(left, units_alone), amount(right, units_alone)
    if lo is None or hi is None:
        return None
    low = lo.value if lo.scaled else lo.value * hi.lead_scale
    return (low, hi.value) if low < hi.value else None


def _joining_hyphen(seq: list[Tok], i: int) -> bool:
    """A hyphen glued between a number and its scale ("$5-billion") or two number words of one
    number ("twenty-five") joins them: no range."""
    t = seq[i]
    if t.kind != "range" or not 0 < i < len(seq) - 1 or t.start != seq[i - 1].end or t.end != seq[i + 1].start:
        return False
    a, b = seq[i - 1], seq[i + 1]
    return (a.kind == "num" and b.kind == "scale") or (a.kind == b.kind == "unit" and _tens_and_ones(a.value, b.value))


def parse_tokens(seq: list[Tok], units_alone: bool = False) -> tuple[Decimal, Decimal | None] | None:
    """(value, upper bound of a range or None) of a run of number tokens, or None."""
    if not seq:
        return None
    seq = [t for i, t in enumerate(seq) if not _joining_hyphen(seq, i)]
    if seq[0].kind == "between":
        seq = seq[1:]
        cut = next((i for i, t in enumerate(seq) if t.kind in ("and", "range")), None)
        return None if cut is None else _range(seq[:cut], seq[cut + 1:], units_alone)
    cuts = [i for i, t in enumerate(seq) if t.kind == "range"]
    if len(cuts) > 1:
        return None
    if cuts:
        return _range(seq[:cuts[0]], seq[cuts[0] + 1:], units_alone)
    got = amount(seq, units_alone)
    return None if got is None else (got.value, None)
