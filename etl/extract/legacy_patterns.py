"""The regex toolkit money and funding matching used before the one lexicon layer (etl/lexicon.py),
moved here unchanged so that etl/extract/funding.py keeps working while it is rewritten; money
itself no longer uses it. To be removed once funding matches through the lexicon.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import cache

from etl.datafiles import read_csv
from etl.extract.numbers import scope
from etl.lang import ARABIC_CLITICS as ARABIC_CLITIC_PREFIXES
from etl.textnorm import normalize as _normalize

def normalize(text: str) -> str:  # the names' normalisation (hyphens as spaces), as before
    return _normalize(text)

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


__all__ = ["Lexicon", "alternation", "compile_pattern", "needs_full", "read_csv", "scope", "word_pattern", "clitic_ok"]
