"""Money figures in news text: a number with a currency, typed by the cue words around it.

`find_money(text, lang)` returns `MoneySpan`s with offsets into `text` (a sentence or a whole
paragraph). `to_usd(amount, currency, year)` converts with the yearly FX table. All knowledge is
data in etl/data/ (currencies.csv, number_words.csv, money_cues.csv, fx_rates.csv), read once.

How a figure is found
1. Anchors: runs of digits (Western, Arabic-Indic, Persian, Devanagari, full-width) and the
   language's scale words (مليار, करोड़, 亿, billion) for figures written without digits. Both are
   C-level scans (one regex, `str.find`); nothing loops over the text character by character.
2. An anchor with no currency spelling within a few dozen characters is dropped at once (one
   literal-first regex probe). Around the others only, tokens are read: numbers, scale words,
   number words, range/and words and currencies; tokens separated by nothing but spaces form a
   chain. All word lists are compiled once per language into trie-shaped regexes.
3. A currency in the chain takes the number right after it (pre: $, US$, ₹, Rs, RMB) or the one
   right before it (post: دولار, रुपये, 美元, yuan). A number without a currency is never money:
   "a billion parameters", "79 نموذجًا", "21 funding events", "10 مرات", "30-50%".

Decisions
- Ranges ("$1-2 billion", "1 إلى 2 مليار دولار", "10-20亿元", "between $1bn and $2bn") are ONE
  figure: `amount` is the lower bound and `upper` the upper bound; a lower end without its own
  scale takes the upper end's (10-20亿 = 1e9..2e9). The lower bound is what the text guarantees, so
  sums over the table never overstate. "from $1bn to $2bn" is a change, not a range: two figures.
- A figure restated in brackets right after another ("$40 billion (about 290 billion yuan)",
  "₹8,300 करोड़ (1 अरब डॉलर)") or after an inline marker ("… يعادل", "यानी", "约合") is the same
  fact: only the first figure is returned.
- ¥/￥ is CNY in Chinese text and JPY elsewhere (a row of the text's language beats a * row);
  ريال alone is SAR, جنيه alone EGP, a bare dollar (دولار, डॉलर, $) USD.
- Separators: ٫ is a decimal point and ٬ a thousands separator. With both . and , the later one is
  the decimal point; a lone , before one or two final digits is a decimal comma (1,5 مليار);
  otherwise , groups thousands (1,200 and Indian 1,20,000).
- A number word needs a scale (ثلاثة مليارات, एक अरब, 十亿); only Arabic singular and dual scale
  words stand alone (مليار دولار = 1e9, ملياري دولار = 2e9). A figure right after another number
  or a vague word (数十亿美元, several billion, عدة مليارات) is dropped: it is no exact amount.
- A bare year (1900-2100, no scale) next to a currency written as Latin letters is no money
  ("Hong Kong SAR 2023", "FY2024 USD").

Type and round
- money_type comes from cue words in the figure's sentence (money_cues.csv). The nearest cue wins,
  ranked by (clause breaks between, another figure between, distance in characters); an aggregate
  cue in the figure's own clause beats the others, so "استثمر … أكثر من 40 مليار دولار … في الشركات
  الناشئة" is an aggregate. بقيمة ("worth", "amounting to") is deliberately no valuation cue: only
  قيمتها/تقييم/valued at are. No cue: "other".
- round: the nearest round cue (Series B, B轮, सीरीज ए, جولة من الفئة B, seed, IPO …), set for
  funding and investment figures only. A round cue also counts as a funding cue.
"""
from __future__ import annotations

import csv
import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache
from itertools import pairwise
from pathlib import Path

from etl.lang import ARABIC_CLITICS as ARABIC_CLITIC_PREFIXES
from etl.spans import MoneySpan
from etl.textnorm import to_ascii_digits
from etl.textnorm import normalize as _normalize


def normalize(text: str) -> str:  # the names' normalisation (hyphens as spaces), as before
    return _normalize(text)

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
LANGS = ("ar", "hi", "zh", "en")
MONEY_TYPES = ("funding", "investment", "valuation", "aggregate", "other")
ROUNDS = ("pre_seed", "seed", "angel", "series_a", "series_b", "series_c", "series_d", "series_e",
          "series_f", "ipo", "strategic")

_LEFT, _RIGHT = 24, 64  # characters tokenised before and after an anchor
_SENTENCE_REACH = 600  # how far to look for the figure's sentence boundaries

# ---------------------------------------------------------------------------------------------
# Data files


def read_csv(name: str) -> list[dict[str, str]]:
    """Rows of etl/data/<name>; lines starting with # are comments."""
    with open(DATA_DIR / name, encoding="utf-8", newline="") as f:
        lines = [line for line in f if line.strip() and not line.startswith("#")]
    return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(lines)]


def scope(lang: str) -> tuple[str, ...]:
    """Which rows apply to a text: its language first (it wins ties), then * and English.

    English words often appear inside other languages' news ("Series B", "IPO", "$5 billion");
    an unknown language gets every row.
    """
    if lang in LANGS:
        return tuple(dict.fromkeys((lang, "*", "en")))
    return ("*", "en", "ar", "hi", "zh")


# ---------------------------------------------------------------------------------------------
# Word patterns: one regex for a list of words, tolerant to the variants news text has.

_AR = "\u0620-\u063F\u0641-\u064A\u066E-\u06D3\u06FA-\u06FF"  # Arabic letters (no tatweel)
_DEV = "\u0900-\u0963\u0971-\u097F"  # Devanagari letters and signs (no danda, no digits)
_AR_MARKS = "[\u064B-\u065F\u0670\u0640\u200c\u200d]*"  # diacritics, tatweel, joiners
_DEV_MARKS = "[\u093C\u200c\u200d]*"  # nukta, joiners
# The marks minus the rare ones (superscript alef, zero-width joiners): patterns are compiled with
# these, and with the full classes only for a text that holds a rare mark (see `needs_full`). On any
# other text both match the same; the plain classes are two ranges (or one letter), which `re`
# compiles ~10x faster than the four ranges of the full one, and there are thousands of them.
_AR_MARKS_PLAIN = "[\u0640\u064B-\u065F]*"
_DEV_MARKS_PLAIN = "\u093C*"
_RARE_MARKS = re.compile("[\u0670\u200c\u200d]")
_SEP = "[\\s\\-\u2010-\u2014_/]*"  # a space or hyphen inside a word pattern, or none
_AR_BEFORE = re.compile(f"[{_AR}\u0640\u064B-\u065F]+\\Z")
_CLITICS = tuple(sorted((p for p in ARABIC_CLITIC_PREFIXES if p), key=len, reverse=True))
_SPACES = re.compile(r"\s+")
_NEVER = re.compile(r"(?!)")


def clitic_ok(text: str, start: int) -> bool:
    """Whether an Arabic word matched at `start` begins a word, after nothing or a clitic (وال, لل …)."""
    run = _AR_BEFORE.search(text, max(0, start - 6), start)
    return run is None or normalize(run.group()) in ARABIC_CLITIC_PREFIXES


def _key(word: str) -> str:
    """The lookup key of a word or of matched text: normalised, without separators.

    A word that is nothing but separators ("-", "–": range marks) is its own key.
    """
    return _SPACES.sub("", normalize(word)) or word.strip()


def _script(ch: str) -> str:
    if "\u0600" <= ch <= "\u06FF":
        return "ar"
    if "\u0900" <= ch <= "\u097F":
        return "dev"
    if ch.isalpha() and ch < "\u0250":
        return "lat"
    if "\u3400" <= ch <= "\u9FFF" or "\uF900" <= ch <= "\uFAFF":
        return "han"
    return "sym"


@cache
def _letter_variants() -> dict[str, tuple[str, ...]]:
    """Normalised Arabic/Devanagari letter -> every letter that normalises to it (itself first)."""
    groups: dict[str, set[str]] = {}
    for cp in [*range(0x0600, 0x0700), *range(0x0900, 0x0980)]:
        ch = chr(cp)
        norm = normalize(ch)
        if len(norm) == 1 and _script(norm) in ("ar", "dev"):
            groups.setdefault(norm, {norm}).add(ch)
    return {n: (n, *sorted(cs - {n})) for n, cs in groups.items()}


def _variants(ch: str) -> tuple[str, ...]:
    """The characters a normalised character stands for in raw text."""
    if _script(ch) in ("ar", "dev"):
        return _letter_variants().get(ch, (ch,))
    if ch.upper() != ch and len(ch.upper()) == 1:
        return ch, ch.upper()
    return (ch,)


def _runs(codes: Iterable[int]) -> list[tuple[int, int]]:
    runs: list[list[int]] = []
    for c in sorted(set(codes)):
        if runs and c == runs[-1][1] + 1:
            runs[-1][1] = c
        else:
            runs.append([c, c])
    return [(a, b) for a, b in runs]


def _ranges(runs: list[tuple[int, int]]) -> str:
    return "".join(re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in runs)


def char_class(chars: Iterable[str]) -> str:
    """A regex for one character of `chars` that `re` compiles fast, consuming one character.

    `re` turns a set of characters beyond Latin-1 that forms more than two ranges (ا أ إ آ ٱ ٲ ٳ,
    the Arabic letters) into a 64K bitmap, in Python, at every place the set appears (~0.4 ms each,
    hundreds of places in an Arabic lexicon). Such a set of three or four ranges is written as its
    two-range hull minus the (at most two) gaps left: `[hull](?<![gaps])`, the same matches. It
    starts with "[" like a plain class, so the tries order their branches as before.
    """
    chars = list(dict.fromkeys(chars))
    runs = _runs(map(ord, chars))
    if len(runs) <= 2 or len(runs) > 4:
        return "[" + "".join(re.escape(c) for c in chars) + "]"
    gaps = [(runs[i][1] + 1, runs[i + 1][0] - 1) for i in range(len(runs) - 1)]
    widest = max(range(len(gaps)), key=lambda i: gaps[i][1] - gaps[i][0])
    hull = [(runs[0][0], runs[widest][1]), (runs[widest + 1][0], runs[-1][1])]
    rest = [g for i, g in enumerate(gaps) if i != widest]
    return f"[{_ranges(hull)}](?<![{_ranges(rest)}])"


_AR_LETTER = char_class(chr(c) for lo, hi in ((0x620, 0x63F), (0x641, 0x64A), (0x66E, 0x6D3), (0x6FA, 0x6FF))
                        for c in range(lo, hi + 1))  # [_AR], compiled fast


def needs_full(text: str) -> bool:
    """Whether `text` holds a rare mark, so that patterns compiled with `full` must search it."""
    return _RARE_MARKS.search(text) is not None


def compile_pattern(pattern: str, full: bool = True) -> re.Pattern:
    """Compile a pattern built here; without `full`, its mark classes lack the rare marks (the
    pattern then serves only texts without them: `needs_full`)."""
    if not full:
        pattern = pattern.replace(_AR_MARKS, _AR_MARKS_PLAIN).replace(_DEV_MARKS, _DEV_MARKS_PLAIN)
    return re.compile(pattern)


def _char(ch: str) -> tuple[str, str]:
    """(regex for one normalised character, regex for the marks that may follow it)."""
    chars = _variants(ch)
    cls = re.escape(ch) if len(chars) == 1 else char_class(chars)
    script = _script(ch)
    return cls, (_AR_MARKS if script == "ar" else _DEV_MARKS if script == "dev" else "")


def _fuzzy(norm: str) -> str:
    """Regex body for a normalised word: letter variants, optional marks, case, separators."""
    out: list[str] = []
    for ch in norm:
        if ch.isspace():
            if not out or out[-1] != _SEP:
                out.append(_SEP)
            continue
        out.append("".join(_char(ch)))
    return "".join(out)


def _left(first: str, clitics: bool) -> tuple[str, str]:
    """The left word boundary as (before the first character, right after it).

    Without clitics the check sits after the first character, so every alternative of a word list
    starts with a plain character (class) and the regex engine skips non-candidates in C.
    """
    script = _script(first)
    if script == "ar":  # with clitics, `clitic_ok` checks the letters before the match instead
        return ("", "") if clitics else ("", f"(?<!{_AR_LETTER}.)")
    if script == "dev":
        return "", f"(?<![{_DEV}].)"
    if script == "lat" or first == "$":  # "$" after letters is another dollar (NT$, R$): listed apart
        return "", "(?<![A-Za-z].)"
    return "", ""


def _right(last: str) -> str:
    script = _script(last)
    if script == "ar":
        return f"(?!{_AR_LETTER})"
    if script == "dev":
        return f"(?![{_DEV}])"
    if script == "lat":
        return "(?![A-Za-z])"
    return ""


def _pieces(word: str, clitics: bool = False) -> list[str] | None:
    """A word's regex as a list of pieces (one per character, mark run, separator or assertion)."""
    stem = word.endswith("*") and len(word) > 1
    word = word[:-1] if stem else word
    norm = normalize(word).strip()
    if not norm:
        return [re.escape(word.strip())] if word.strip() else None
    before, after_first = _left(norm[0], clitics)
    first, marks = _char(norm[0])
    pieces = [p for p in (before, first, after_first, marks) if p]
    for ch in norm[1:]:
        if ch.isspace():
            if pieces[-1] != _SEP:
                pieces.append(_SEP)
            continue
        cls, marks = _char(ch)
        pieces += [cls, marks] if marks else [cls]
    right = "" if stem else _right(norm[-1])
    return pieces + [right] if right else pieces


def word_pattern(word: str, clitics: bool = False) -> str | None:
    """Regex for one word on the word boundaries of its script (Han: none).

    A trailing * lets the word end anywhere (a stem); `clitics` lets Arabic proclitics stand before it.
    """
    pieces = _pieces(word, clitics)
    return "".join(pieces) if pieces else None


def _trie_regex(sequences: Iterable[list[str]]) -> str:
    """One regex for many piece lists, shaped as a trie: a shared start is tried once, which keeps
    scanning fast; at each node the longer continuations come first, so the longest word wins."""
    trie: dict = {}
    for seq in sequences:
        node = trie
        for piece in seq:
            node = node.setdefault(piece, {})
        node[None] = True

    def emit(node: dict) -> str:
        keys = sorted((k for k in node if k is not None), key=lambda k: (k.startswith("(?"), k == _SEP, k))
        branches = [k + emit(node[k]) for k in keys]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if None in node else body

    return _ascii_case_runs(emit(trie)) or "(?!)"


_CASE_PAIR_RUN = re.compile(r"(?<!\\)(?:\[[a-z][A-Z]\])+")
_QUANTIFIER = set("*+?{")


def _ascii_case_runs(pattern: str) -> str:
    """`[lL][tT][dD]` -> `(?ai:ltd)`: the same matches (ASCII-only case folding, no \\w or \\s
    inside), but compiled without one character set per letter, which made the English lexicons
    take most of a second to compile in every process."""

    def fold(m: re.Match) -> str:
        pairs = [m.group()[i + 1 : i + 3] for i in range(0, len(m.group()), 4)]
        keep = ""
        if m.end() < len(pattern) and pattern[m.end()] in _QUANTIFIER:  # the last class carries a quantifier
            keep = "[" + pairs.pop() + "]"
        if not pairs or any(upper != lower.upper() for lower, upper in pairs):
            return m.group()
        return "(?ai:" + "".join(lower for lower, _ in pairs) + ")" + keep

    return _CASE_PAIR_RUN.sub(fold, pattern)


def alternation(words: Iterable[str], clitics: bool = False) -> str:
    """One non-capturing regex for a list of words (a pattern matching nothing for none).

    A word's first character class is split into one literal per variant, so every top-level
    branch starts with a literal and the engine skips the positions no word can start at.
    """
    seqs = []
    for w in words:
        pieces = _pieces(w, clitics)
        if not pieces:
            continue
        norm = normalize(w.rstrip("*") if len(w) > 1 else w).strip()
        if norm and pieces[0] == _char(norm[0])[0]:
            seqs += [[re.escape(c), *pieces[1:]] for c in _variants(norm[0])]
        else:
            seqs.append(pieces)
    return "(?:" + _trie_regex(seqs) + ")" if seqs else "(?!)"


class Lexicon:
    """Words -> payloads, found in text by one compiled regex. Payloads of one key keep their order."""

    def __init__(self, entries: Iterable[tuple[str, object]], clitics: bool = False, full: bool = True):
        self.table: dict[str, list] = {}
        self.stems: dict[str, list] = {}
        self.clitics = clitics
        words: set[str] = set()
        for word, payload in entries:
            stem = word.endswith("*") and len(word) > 1
            key = _key(word[:-1] if stem else word)
            if not key:
                continue
            (self.stems if stem else self.table).setdefault(key, []).append(payload)
            words.add(word)
        self.regex = compile_pattern(alternation(sorted(words), clitics), full) if words else _NEVER
        self._seen: dict[str, list] = {}

    def lookup(self, matched: str) -> list:
        found = self._seen.get(matched)
        if found is None:
            if len(self._seen) > 50_000:
                self._seen.clear()
            found = self._seen[matched] = self._lookup(matched)
        return found

    def match(self, text: str, pos: int, endpos: int) -> tuple[int, int, list] | None:
        """The word starting at text[pos], if any (no clitic handling)."""
        m = self.regex.match(text, pos, endpos)
        if m is None or m.end() == pos:
            return None
        payloads = self.lookup(m.group())
        return (pos, m.end(), payloads) if payloads else None

    def _lookup(self, matched: str) -> list:
        key = _key(matched)
        found = self._find(key)
        if found is None and self.clitics:
            for prefix in _CLITICS:
                if key.startswith(prefix) and len(key) > len(prefix):
                    found = self._find(key[len(prefix):])
                    if found is not None:
                        break
        return found or []

    def _find(self, key: str) -> list | None:
        if key in self.table:
            return self.table[key]
        for stem, payloads in self.stems.items():
            if key.startswith(stem):
                return payloads
        return None

    def finditer(self, text: str, pos: int = 0, endpos: int | None = None) -> Iterator[tuple[int, int, list]]:
        end = len(text) if endpos is None else endpos
        if not self.clitics:
            for m in self.regex.finditer(text, pos, end):
                if m.end() > m.start():
                    payloads = self.lookup(m.group())
                    if payloads:
                        yield m.start(), m.end(), payloads
            return
        search = self.regex.search
        while (m := search(text, pos, end)) is not None:
            s, e = m.span()
            if e > s and (_script(text[s]) != "ar" or clitic_ok(text, s)) and (payloads := self.lookup(m.group())):
                yield s, e, payloads
                pos = e
            else:
                pos = s + 1


# ---------------------------------------------------------------------------------------------
# Language data


@dataclass(frozen=True, slots=True)
class _Word:
    kind: str  # cur, scale, unit, article, range, and, between, of, vague
    value: Decimal | None = None  # multiplier (scale) or number (unit, article)
    bare: Decimal | None = None  # a scale word's amount with no number before it
    iso: str = ""
    position: str = ""  # currencies: pre, post or both
    not_followed_by: tuple[str, ...] = ()
    code: bool = False  # a currency written as Latin letters (USD, Rs, RMB)


@dataclass(frozen=True)
class _Round:
    regex: re.Pattern
    value: str  # e.g. "series_{L}"
    letters: Lexicon


@dataclass(frozen=True)
class _Lang:
    tokens: Lexicon
    scale_keys: tuple[str, ...]  # literal spellings of scale words, for the str.find anchor scan
    scale_probe: re.Pattern  # any of scale_keys (one scan: most texts have none)
    currency_probe: re.Pattern  # literal starts of every currency spelling: is one near an anchor?
    cues: Lexicon  # payload: ("type", money_type) or ("round", code)
    rounds: tuple[_Round, ...]
    restate_open: re.Pattern
    restate_near: re.Pattern
    restate_inline: re.Pattern
    between_before: re.Pattern
    range_gap: re.Pattern
    and_gap: re.Pattern


def _decimal(s: str) -> Decimal | None:
    try:
        return Decimal(s) if s else None
    except InvalidOperation:
        return None


_HAMZA_ALEF = str.maketrans("أإآ", "ااا")


def _spellings(word: str) -> set[str]:
    """Literal spellings of a word as news writes it (for str.find and the currency probe):
    as listed, with bare alef for أ/إ/آ, nukta precomposed or apart, and Latin case variants."""
    out = {word, word.translate(_HAMZA_ALEF)}
    for cp in range(0x0958, 0x0960):  # क़ ख़ ग़ ज़ ड़ ढ़ फ़ य़
        decomposed = unicodedata.normalize("NFD", chr(cp))
        out |= {s.replace(decomposed, chr(cp)) for s in list(out)}
        out |= {s.replace(decomposed, decomposed[0]) for s in list(out)}
    if word.isascii():
        out |= {word.lower(), word.capitalize(), word.upper()}
    return {s for s in out if s}


def _minimal(keys: Iterable[str]) -> list[str]:
    """Keys that contain no other key: finding "مليار" also finds "مليارات" at the same place."""
    keys = sorted(set(keys), key=len)
    kept: list[str] = []
    for k in keys:
        if not any(short in k for short in kept):
            kept.append(k)
    return kept


def _probe(word: str) -> list[list[str]]:
    """What the currency probe looks for: a word's first four characters, marks allowed, no word
    boundaries; a short letter word (ين, रु) only after a space, so it does not fire inside every
    word that contains it. One piece list per spelling of the first character (literal-first)."""
    norm = normalize(word).strip()
    if not norm:
        return [[re.escape(word.strip())]] if word.strip() else []
    rest = [p for ch in norm[1:4] for p in _char(ch) if p and not ch.isspace()]
    marks = _char(norm[0])[1]
    heads = [[re.escape(c), marks] if marks else [re.escape(c)] for c in _variants(norm[0])]
    if len(norm) < 3 and _script(norm[0]) in ("ar", "dev"):
        heads = [[" ", *h] for h in heads]
    return [h + rest for h in heads]


@cache
def _lang(lang: str, full: bool = False) -> _Lang:
    """The language's patterns; without `full` for texts without rare marks only (`needs_full`)."""
    langs = scope(lang)
    rank = {code: i for i, code in enumerate(langs)}
    own = (lang,) if lang in LANGS else LANGS

    def rows(name: str) -> list[dict[str, str]]:
        chosen = [r for r in read_csv(name) if r["lang"] in rank]
        return sorted(chosen, key=lambda r: rank[r["lang"]])  # stable: file order within a language

    words: list[tuple[str, _Word]] = []
    for r in rows("currencies.csv"):
        surface = r["surface"]
        words.append((surface, _Word(
            "cur", iso=r["iso"], position=r["position"] or "both",
            not_followed_by=tuple(x for x in r["not_followed_by"].split("|") if x),
            code=bool(re.fullmatch(r"[A-Za-z. ]+\$?", surface)) and "$" not in surface,
        )))
    scale_words: list[str] = []
    for r in rows("number_words.csv"):
        kind = r["kind"]
        if kind == "scale" or (kind in ("range", "vague") and r["lang"] in (*own, "*")) or r["lang"] in own:
            words.append((r["word"], _Word(kind, _decimal(r["value"]), _decimal(r["bare"]))))
            if kind == "scale" and r["lang"] in own:
                scale_words.append(r["word"])
    scale_keys = _minimal(s for w in scale_words for s in _spellings(w))
    probes = [seq for w, word in words if word.kind == "cur" for seq in _probe(w)]

    cue_entries: list[tuple[str, tuple[str, str]]] = []
    templates: list[tuple[str, str]] = []
    letters: dict[bool, list[tuple[str, str]]] = {True: [], False: []}  # latin only? -> (letter, code)
    restate, inline, between = [], [], []
    for r in rows("money_cues.csv"):
        kind, cue, value = r["kind"], r["cue"], r["value"]
        if kind == "type" or (kind == "round" and "{" not in cue):
            cue_entries.append((cue, ("type" if kind == "type" else "round", value)))
        elif kind == "round":
            templates.append((cue, value))
        elif kind == "letter":
            if cue.isascii():
                letters[True].append((cue, value))
            letters[False].append((cue, value))
        elif kind == "restate":
            restate.append(cue)
        elif kind == "restate_inline":
            inline.append(cue)
    for r in rows("number_words.csv"):
        if r["kind"] == "between" and r["lang"] in own:
            between.append(r["word"])

    rounds = []
    for cue, value in templates:
        latin_only = "{l}" in cue
        before, _, after = cue.replace("{l}", "{L}").partition("{L}")
        letter_words = letters[latin_only]
        parts = []
        if before.strip():
            parts.append(word_pattern(before.strip(), clitics=True) or "")
            parts.append(_SEP)
        parts.append("(?P<L>" + alternation(w for w, _ in letter_words) + ")\\+?")
        if after.strip():
            parts.append(_SEP)
            parts.append(word_pattern(after.strip()) or "")
        rounds.append(_Round(compile_pattern("".join(parts), full), value, Lexicon(letter_words, full=full)))

    space = "[^\\S\\n]*+"  # possessive: a long run of spaces in a gap cannot make a test backtrack
    range_syms = "[-\u2010-\u2014~\uff5e]"
    ands = [r["word"] for r in read_csv("number_words.csv") if r["kind"] == "and" and r["lang"] in own]
    return _Lang(
        tokens=Lexicon(words, full=full),
        scale_keys=tuple(scale_keys),
        scale_probe=re.compile("|".join(re.escape(k) for k in scale_keys) or "(?!)"),
        currency_probe=compile_pattern(_trie_regex(probes), full),
        cues=Lexicon(cue_entries, clitics=True, full=full),
        rounds=tuple(rounds),
        restate_open=compile_pattern(f"{space}[(（\\[]{space}(?:{alternation(restate)}{space})?", full),
        restate_near=compile_pattern(f"{space}(?:[^\\s()（）\\[\\].,،，。;؛]++{space}){{1,2}}+[(（\\[]{space}{alternation(restate)}{space}", full),
        restate_inline=compile_pattern(f"{space}[,،，]?{space}{alternation(inline)}{space}:?{space}", full),
        between_before=compile_pattern(f"{alternation(between)}{space}\\Z", full),
        range_gap=re.compile(f"{space}{range_syms}{space}"),
        and_gap=compile_pattern(f"{space}{alternation(ands)}{space}", full),
    )


# ---------------------------------------------------------------------------------------------
# Numbers and chains of tokens

_DIGIT_RUN = re.compile("[0-9\u0660-\u0669\u06F0-\u06F9\u0966-\u096F\uFF10-\uFF19]+")
_OTHER_DIGIT = re.compile("[\u0660-\u0669\u06F0-\u06F9\u0966-\u096F\uFF10-\uFF19]")
_NUMBER = re.compile(r"(?<![0-9])(?<![0-9][.,\u066B\u066C])[0-9]+(?:[.,\u066B\u066C][0-9]+)*")
_GAP = re.compile(r"[^\S\n]*")
_GROUPS_3 = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+")
_GROUPS_INDIAN = re.compile(r"[0-9]{1,2}(?:,[0-9]{2})+,[0-9]{3}")


def parse_number(s: str) -> Decimal | None:
    """A number as written with Western digits and . , ٫ ٬ (see the module docstring)."""
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
    s = s.replace("\u066B", ".").replace("\u066C", "")
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
        if not re.fullmatch(r"[0-9]{1,3}(?:\.[0-9]{3})+", s):
            return None
        s = s.replace(".", "")
    return _decimal(s)


class _Tok:
    """A token of a chain (a plain class: built for every token, a frozen dataclass costs 3x)."""

    __slots__ = ("start", "end", "kind", "value", "word", "text")

    def __init__(self, start: int, end: int, kind: str, value: Decimal | None, word: _Word | None, text: str):
        self.start = start
        self.end = end
        self.kind = kind
        self.value = value
        self.word = word
        self.text = text


@dataclass(slots=True)
class _Fig:
    start: int
    end: int
    lo: Decimal
    hi: Decimal | None
    iso: str


def _token_at(data: _Lang, win: str, a: int, q: int, endpos: int) -> _Tok | None:
    """The token starting at win[q] (window `win` starts at text offset `a`)."""
    m = _NUMBER.match(win, q, endpos)
    if m:
        value = parse_number(m.group())
        return None if value is None else _Tok(a + q, a + m.end(), "num", value, None, m.group())
    hit = data.tokens.match(win, q, endpos)
    return None if hit is None else _word_token(win, a, *hit)


def _word_token(win: str, a: int, s: int, e: int, payloads: list) -> _Tok | None:
    w: _Word = payloads[0]
    if w.kind == "cur" and any(win.startswith(x, e) for x in w.not_followed_by):
        return None
    return _Tok(a + s, a + e, w.kind, w.value, w, win[s:e])


def _chain(data: _Lang, text: str, pos: int, lo: int, hi: int, ascii_digits: bool) -> list[_Tok] | None:
    """The run of tokens, separated by spaces only, through the token at `pos` (within lo..hi)."""
    a, b = max(0, lo - 1), min(len(text), hi + 1)  # one more character each side for the lookarounds
    win = text[a:b] if ascii_digits else to_ascii_digits(text[a:b])
    end = hi - a
    first = _token_at(data, win, a, pos - a, end)
    if first is None:
        return None
    chain = [first]
    while True:  # rightwards, one anchored match at a time
        q = _GAP.match(win, chain[-1].end - a, end).end()
        tok = _token_at(data, win, a, q, end) if q < end else None
        if tok is None:
            break
        chain.append(tok)
    left: list[_Tok] = []  # leftwards: the short window before the anchor, tokenised
    for m in _NUMBER.finditer(win, lo - a, pos - a):
        value = parse_number(m.group())
        if value is not None:
            left.append(_Tok(a + m.start(), a + m.end(), "num", value, None, m.group()))
    for hit in data.tokens.finditer(win, lo - a, pos - a):
        if (tok := _word_token(win, a, *hit)) is not None:
            left.append(tok)
    left.sort(key=lambda t: (t.start, -t.end))
    start = first.start
    for tok in reversed(left):
        if tok.end <= start and _GAP.fullmatch(text, tok.end, start):
            chain.insert(0, tok)
            start = tok.start
    return chain


class _Amount:
    __slots__ = ("value", "scaled", "lead_scale")

    def __init__(self, value: Decimal, scaled: bool, lead_scale: Decimal):
        self.value = value
        self.scaled = scaled  # its first part has a scale (or is a bare scale word)
        self.lead_scale = lead_scale


def _amount(seq: list[_Tok]) -> _Amount | None:
    """number scale* ((and)? number scale*)*, each later part smaller than the scale before it."""
    parts: list[tuple[Decimal, Decimal]] = []
    i, n = 0, len(seq)
    while i < n:
        if parts and seq[i].kind == "and":
            i += 1
            if i >= n:
                return None
        t = seq[i]
        needs_scale = False
        if t.kind == "num":
            base, scale = t.value, Decimal(1)
            i += 1
        elif t.kind in ("unit", "article"):
            base, scale, needs_scale = t.value, Decimal(1), True
            i += 1
            while i + 1 < n and seq[i].kind == "and" and seq[i + 1].kind == "unit":
                base += seq[i + 1].value
                i += 2
        elif t.kind == "scale" and t.word.bare is not None:
            base, scale = t.word.bare, t.value
            i += 1
        else:
            return None
        mult = Decimal(1)
        while i < n and seq[i].kind == "scale":
            mult *= seq[i].value
            i += 1
        if needs_scale and mult == 1:
            if parts and base < 1 and parts[-1][1] > 1:  # مليار ونصف: half of the scale before
                parts.append((base * parts[-1][1], Decimal(1)))
                continue
            return None
        parts.append((base * mult, scale * mult))
    if not parts:
        return None
    for (_, prev_scale), (value, _) in pairwise(parts):
        if prev_scale <= 1 or value > prev_scale:
            return None
    return _Amount(sum(v for v, _ in parts), parts[0][1] > 1, parts[0][1])


def _range(left: list[_Tok], right: list[_Tok]) -> tuple[Decimal, Decimal] | None:
    lo, hi = _amount(left), _amount(right)
    if lo is None or hi is None:
        return None
    low = lo.value if lo.scaled else lo.value * hi.lead_scale
    return (low, hi.value) if low < hi.value else None


def _parse(seq: list[_Tok]) -> tuple[Decimal, Decimal | None] | None:
    if not seq:
        return None
    seq = [t for i, t in enumerate(seq)  # "$5-billion": a hyphen between a number and its scale joins them
           if not (t.kind == "range" and 0 < i < len(seq) - 1 and seq[i - 1].kind == "num"
                   and seq[i + 1].kind == "scale" and t.end == seq[i + 1].start and t.start == seq[i - 1].end)]
    if seq[0].kind == "between":
        seq = seq[1:]
        cut = next((i for i, t in enumerate(seq) if t.kind in ("and", "range")), None)
        return None if cut is None else _range(seq[:cut], seq[cut + 1:])
    cuts = [i for i, t in enumerate(seq) if t.kind == "range"]
    if len(cuts) > 1:
        return None
    if cuts:
        return _range(seq[:cuts[0]], seq[cuts[0] + 1:])
    amount = _amount(seq)
    return None if amount is None else (amount.value, None)


_STARTS = ("num", "unit", "article", "scale", "between")
_BLOCKERS = ("num", "unit", "vague")


def _after(chain: list[_Tok], first: int) -> tuple[int, tuple[Decimal, Decimal | None]] | None:
    """Longest number right after a pre-currency: (index after it, value)."""
    stop = next((i for i in range(first, len(chain)) if chain[i].kind == "cur"), len(chain))
    if first >= stop or chain[first].kind not in ("num", "unit", "article"):
        return None
    for end in range(stop, first, -1):
        got = _parse(chain[first:end])
        if got:
            return end, got
    return None


def _before(chain: list[_Tok], used: int, cur: int) -> tuple[int, tuple[Decimal, Decimal | None]] | None:
    """Number right before a post-currency: (index of its first token, value)."""
    end = cur
    if end - 1 >= used and chain[end - 1].kind == "of":  # 10 مليارات من الدولارات
        if end - 2 < used or chain[end - 2].kind != "scale":
            return None
        end -= 1
    for k in range(used, end):
        if chain[k].kind not in _STARTS:
            continue
        got = _parse(chain[k:end])
        if got:
            if k > used and chain[k - 1].kind in _BLOCKERS:
                return None  # 数十亿, "several billion", a number glued before: not an exact figure
            return (k + 1 if chain[k].kind == "between" else k), got
    return None


def _looks_like_year(toks: list[_Tok], cur: _Tok) -> bool:
    return (cur.word.code and len(toks) == 1 and toks[0].kind == "num" and toks[0].text.isdigit()
            and 1900 <= int(toks[0].text) <= 2100)


def _figures(chain: list[_Tok]) -> list[_Fig]:
    figs: list[_Fig] = []
    used, i, n = 0, 0, len(chain)
    while i < n:
        cur = chain[i]
        if cur.kind != "cur":
            i += 1
            continue
        w = cur.word
        fig, nxt = None, i + 1
        if w.position in ("pre", "both"):
            got = _after(chain, i + 1)
            if got and not _looks_like_year(chain[i + 1:got[0]], cur):
                end, (lo, hi) = got
                fig, nxt = _Fig(cur.start, chain[end - 1].end, lo, hi, w.iso), end
        if fig is None and w.position in ("post", "both"):
            got = _before(chain, used, i)
            if got and not _looks_like_year(chain[got[0]:i], cur):
                k, (lo, hi) = got
                fig, nxt = _Fig(chain[k].start, cur.end, lo, hi, w.iso), i + 1
        if fig is None:
            i += 1
            continue
        if nxt < n and chain[nxt].kind == "cur" and chain[nxt].word.iso == w.iso:  # 2亿元人民币
            fig.end = chain[nxt].end
            nxt += 1
        figs.append(fig)
        used = i = nxt
    return figs


# ---------------------------------------------------------------------------------------------
# Figures in a text

_SENTENCE_END = re.compile(r"[!?؟।。！？\n]|\.(?=\s|$)")
_CLAUSE_BREAK = re.compile(r",(?![0-9٠-٩०-९])|[،;؛，；:：]|\.(?![0-9٠-٩०-९])|[^\S\n][-–—][^\S\n]")


def find_money(text: str, lang: str) -> list[MoneySpan]:
    """Money figures in `text` (offsets into it), typed by the cue words of their sentence."""
    if not text:
        return []
    data = _lang(lang)
    anchors = [m.start() for m in _DIGIT_RUN.finditer(text)]
    if data.scale_probe.search(text):
        for key in data.scale_keys:
            i = text.find(key)
            while i != -1:
                anchors.append(i)
                i = text.find(key, i + len(key))
    if not anchors:
        return []
    if needs_full(text):  # anchors and scale words are the same in both
        data = _lang(lang, True)
    # No currency spelling anywhere: none near an anchor either (the probe has no lookarounds).
    if not data.currency_probe.search(text):
        return []
    anchors.sort()
    ascii_digits = _OTHER_DIGIT.search(text) is None
    figs: list[_Fig] = []
    covered, n = 0, len(text)
    probe = data.currency_probe.search
    for pos in anchors:
        if pos < covered or not probe(text, max(covered, pos - _LEFT), min(n, pos + _RIGHT)):
            continue
        chain = _chain(data, text, pos, max(covered, pos - _LEFT), min(n, pos + _RIGHT), ascii_digits)
        if chain is None:
            continue
        figs += _figures(chain)
        covered = max(covered, chain[-1].end)
    if not figs:
        return []
    figs = _drop_restatements(_merge_ranges(figs, text, data), text, data)
    return _typed(figs, text, data)


def _merge_ranges(figs: list[_Fig], text: str, data: _Lang) -> list[_Fig]:
    """"$1bn-$2bn", "between $1bn and $2bn": two figures that are the two ends of one range."""
    out: list[_Fig] = []
    for f in figs:
        prev = out[-1] if out else None
        if (prev and prev.hi is None and f.hi is None and prev.iso == f.iso and prev.lo < f.lo
                and (data.range_gap.fullmatch(text, prev.end, f.start)
                     or (data.and_gap.fullmatch(text, prev.end, f.start)
                         and data.between_before.search(text, max(0, prev.start - 30), prev.start)))):
            prev.hi, prev.end = f.lo, f.end
            continue
        out.append(f)
    return out


_CLOSE = re.compile(r"[^\S\n]*[)）\]]")


def _drop_restatements(figs: list[_Fig], text: str, data: _Lang) -> list[_Fig]:
    """A figure restated right after another, in brackets or after "يعادل"/"यानी"/"约合", is dropped.

    Brackets right after the figure need no marker: "₹8,300 करोड़ (1 अरब डॉलर)". One or two words
    may stand between when the bracket opens with a marker and the currency differs:
    "66亿美元融资（约合470亿元人民币）"."""
    out: list[_Fig] = []
    for f in figs:
        prev = out[-1] if out else None
        if prev and _restates(prev, f, text, data):
            continue
        out.append(f)
    return out


def _restates(prev: _Fig, f: _Fig, text: str, data: _Lang) -> bool:
    gap = (text, prev.end, f.start)
    if data.restate_inline.fullmatch(*gap):
        return True
    bracketed = data.restate_open.fullmatch(*gap) or (f.iso != prev.iso and data.restate_near.fullmatch(*gap))
    return bool(bracketed and _CLOSE.match(text, f.end))


class _Sentences:
    """Sentence bounds around figures, from one scan of the stretch of text that holds them."""

    def __init__(self, text: str, figs: list[_Fig]):
        self.n = len(text)
        lo = max(0, figs[0].start - _SENTENCE_REACH)
        hi = min(self.n, max(f.end for f in figs) + _SENTENCE_REACH)
        marks = [m.span() for m in _SENTENCE_END.finditer(text, lo, hi)]
        self.starts = [s for s, _ in marks]
        self.ends = [e for _, e in marks]

    def around(self, start: int, end: int) -> tuple[int, int]:
        i = bisect_right(self.ends, start) - 1  # last boundary that ends before the figure
        s0 = self.ends[i] if i >= 0 and self.ends[i] >= start - _SENTENCE_REACH else max(0, start - _SENTENCE_REACH)
        j = bisect_left(self.starts, end)  # first boundary after it
        s1 = self.ends[j] if j < len(self.starts) and self.starts[j] < end + _SENTENCE_REACH else min(self.n, end + _SENTENCE_REACH)
        return s0, s1


class _Cue:
    __slots__ = ("start", "end", "kind", "value")

    def __init__(self, start: int, end: int, kind: str, value: str):  # kind: type or round
        self.start = start
        self.end = end
        self.kind = kind
        self.value = value


def _cues(text: str, s0: int, s1: int, data: _Lang) -> tuple[list[_Cue], list[int]]:
    cues = [_Cue(s, e, kind, value)
            for s, e, payloads in data.cues.finditer(text, s0, s1) for kind, value in payloads[:1]]
    for rnd in data.rounds:
        for m in rnd.regex.finditer(text, s0, s1):
            codes = rnd.letters.lookup(m.group("L"))
            if codes and (_script(m.group()[0]) != "ar" or clitic_ok(text, m.start())):
                cues.append(_Cue(m.start(), m.end(), "round", rnd.value.replace("{L}", codes[0])))
    breaks = [m.start() for m in _CLAUSE_BREAK.finditer(text, s0, s1)]
    return cues, breaks


_CUES_NEAR = 4  # cues on each side of a figure that are ranked: a farther one ranks behind a nearer one


class _Clause:
    """The cues, clause breaks and figures of one sentence, sorted once: each figure ranks only the
    few cues nearest it, and finds a figure between by bisection (linear in the sentence)."""

    def __init__(self, cues: list[_Cue], breaks: list[int], figs: list[_Fig]):
        self.breaks = breaks
        self.fig_starts = [f.start for f in figs]
        self.fig_ends = [f.end for f in figs]
        self.by_kind = {}
        for name, keep in (("all", lambda c: True), ("aggregate", lambda c: c.kind == "type" and c.value == "aggregate"),
                           ("round", lambda c: c.kind == "round")):
            chosen = sorted((c for c in cues if keep(c)), key=lambda c: c.start)
            by_end = sorted(chosen, key=lambda c: c.end)
            self.by_kind[name] = (chosen, [c.start for c in chosen], by_end, [c.end for c in by_end])

    def near(self, fig: _Fig, kind: str) -> list[_Cue]:
        """The cues of `kind` nearest `fig` on each side."""
        chosen, starts, by_end, ends = self.by_kind[kind]
        j = bisect_right(ends, fig.start)
        left = by_end[max(0, j - _CUES_NEAR):j]
        k = bisect_left(starts, fig.end)
        right = chosen[k:k + _CUES_NEAR]
        return [*left, *right]  # no cue overlaps a figure (dropped before)

    def rank(self, cue: _Cue, fig: _Fig) -> tuple[int, bool, int]:
        if cue.end <= fig.start:
            lo, hi = cue.end, fig.start
        elif cue.start >= fig.end:
            lo, hi = fig.end, cue.start
        else:
            lo = hi = fig.start
        clauses = bisect_left(self.breaks, hi) - bisect_left(self.breaks, lo)
        i = bisect_left(self.fig_starts, lo)  # the first figure starting in the gap: is it inside?
        between = i < len(self.fig_starts) and self.fig_ends[i] <= hi
        return clauses, between, hi - lo


def _typed(figs: list[_Fig], text: str, data: _Lang) -> list[MoneySpan]:
    out: list[MoneySpan] = []
    found: dict[tuple[int, int], _Clause] = {}
    starts = [f.start for f in figs]  # figures are in text order
    sentences = _Sentences(text, figs)
    for fig in figs:
        bounds = sentences.around(fig.start, fig.end)
        if bounds not in found:
            near = figs[bisect_left(starts, bounds[0]):bisect_left(starts, bounds[1])]
            cues, breaks = _cues(text, *bounds, data)
            in_figure = bytearray(bounds[1] - bounds[0] + 1)
            for g in near:
                in_figure[g.start - bounds[0]:g.end - bounds[0]] = b"\x01" * (g.end - g.start)
            cues = [c for c in cues if in_figure.find(1, c.start - bounds[0], c.end - bounds[0]) == -1]
            found[bounds] = _Clause(cues, breaks, near)
        clause = found[bounds]
        money_type, best = "other", None
        for c in dict.fromkeys([*clause.near(fig, "all"), *clause.near(fig, "aggregate")]):
            kind = c.value if c.kind == "type" else "funding"
            clauses, between, dist = clause.rank(c, fig)
            key = (clauses, between, not (kind == "aggregate" and clauses == 0 and not between), dist,
                   c.kind == "round", c.start)  # ties: as found (type cues, then round cues, in text order)
            if best is None or key < best:
                best, money_type = key, kind
        round_, best = None, None
        if money_type in ("funding", "investment"):
            for c in clause.near(fig, "round"):
                key = (*clause.rank(c, fig), c.start)
                if best is None or key < best:
                    best, round_ = key, c.value
        out.append(MoneySpan(fig.start, fig.end, text[fig.start:fig.end], float(fig.lo), fig.iso,
                             money_type, round_, None if fig.hi is None else float(fig.hi)))
    return out


# ---------------------------------------------------------------------------------------------
# Exchange rates


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
