"""Dictionary matching over normalised text: one trie-shaped regex, script-aware word boundaries.

Patterns and text go through the same `textnorm.normalize`, so matching is case-insensitive,
Arabic letter variants and diacritics do not matter, and a space or hyphen inside a pattern also
matches no separator ("DeepSeek R1" = "DeepSeek-R1" = "DeepSeekR1"). At each position the longest
pattern wins. A match must stand on word boundaries of its script:
- Latin and digits: no Latin letter or digit right before or after;
- Arabic: the letters glued before it must be a clitic (و ف ب ل ك ال لل and their combinations),
  the same rule for a Latin name glued to an Arabic clitic as in وChatGPT; no Arabic letter after;
- Devanagari: no Devanagari letter or sign around it;
- Han: no boundary (Chinese is written without spaces).
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property

from etl.textnorm import NormalizedText, normalize

_SEP = "\x00"  # stands for "optional separator" inside the trie

_ARABIC = r"\u0620-\u064A\u066E-\u06D3\u06FA-\u06FF"
_DEVANAGARI = r"\u0900-\u0963\u0971-\u097F"  # letters and signs; not the danda । ॥
_IS_LATIN_OR_DIGIT = re.compile(r"[a-z0-9\u00c0-\u024f]")
_IS_ARABIC = re.compile(f"[{_ARABIC}]")
_IS_DEVANAGARI = re.compile(f"[{_DEVANAGARI}]")
_IS_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_SPACES = re.compile(r"\s+")
_ARABIC_RUN_BEFORE = re.compile(f"[{_ARABIC}]+$")

# Proclitics that attach to a word in Arabic, in the order they combine: conjunction,
# preposition, article. لل is ل + ال with the alef dropped. (normalised: no tatweel, so لـ = ل)
_CONJ = ("", "و", "ف")
_PREP = ("", "ب", "ل", "ك")
_ARTICLE = ("", "ال")
ARABIC_CLITIC_PREFIXES = frozenset(
    {c + p + a for c in _CONJ for p in _PREP for a in _ARTICLE} | {c + "لل" for c in _CONJ}
)


def pattern_key(pattern: str) -> str:
    """The normalised form of a dictionary pattern: separators collapsed to one marker."""
    tokens = re.split(r"\s+", normalize(pattern).strip())
    return _SEP.join(t for t in tokens if t)


def _trie_regex(keys: Iterable[str]) -> str:
    trie: dict = {}
    for key in keys:
        node = trie
        for ch in key:
            node = node.setdefault(ch, {})
        node[""] = True

    def emit(node: dict) -> str:
        ends = "" in node
        branches = []
        # Longer continuations first so the alternation is greedy (longest match wins).
        for ch in sorted((c for c in node if c), key=lambda c: (c == _SEP, c)):
            head = r"\s*" if ch == _SEP else re.escape(ch)
            branches.append(head + emit(node[ch]))
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if ends:
            return f"(?:{body})?"
        return body

    return emit(trie)


@dataclass(frozen=True, slots=True)
class Match:
    start: int  # original offsets
    end: int
    key: str  # the pattern key that matched


class Matcher:
    """Finds dictionary patterns in text. `patterns` maps each pattern string to any payload."""

    def __init__(self, patterns: Iterable[str]):
        self.keys = {pattern_key(p) for p in patterns if pattern_key(p)}
        # A match may have dropped or added separators; look its key up without them.
        self._by_compact = {k.replace(_SEP, ""): k for k in sorted(self.keys)}

    @cached_property
    def _regex(self) -> re.Pattern:
        if not self.keys:
            return re.compile(r"(?!x)x")
        return re.compile(_trie_regex(sorted(self.keys)))

    def find(self, text: str | NormalizedText) -> Iterator[Match]:
        norm = text if isinstance(text, NormalizedText) else NormalizedText.of(text)
        s = norm.text
        pos = 0
        search = self._regex.search
        while True:
            m = search(s, pos)
            if m is None:
                return
            start, end = m.span()
            if end == start:
                pos = start + 1
                continue
            if _on_boundaries(s, start, end):
                o_start, o_end = norm.to_original(start, end)
                yield Match(o_start, o_end, self._by_compact[_SPACES.sub("", m.group())])
                pos = end
            else:
                pos = start + 1


def _on_boundaries(s: str, start: int, end: int) -> bool:
    first, last = s[start], s[end - 1]
    before = s[start - 1] if start else ""
    after = s[end] if end < len(s) else ""
    # Before the match.
    if before:
        if _IS_ARABIC.match(before):
            if _IS_ARABIC.match(first) or _IS_LATIN_OR_DIGIT.match(first):
                run = _ARABIC_RUN_BEFORE.search(s, 0, start)
                if run and run.group() not in ARABIC_CLITIC_PREFIXES:
                    return False
        elif _IS_LATIN_OR_DIGIT.match(first) and _IS_LATIN_OR_DIGIT.match(before):
            return False
        elif _IS_DEVANAGARI.match(first) and _IS_DEVANAGARI.match(before):
            return False
    # After the match.
    if after:
        if _IS_LATIN_OR_DIGIT.match(last) and _IS_LATIN_OR_DIGIT.match(after):
            return False
        if _IS_ARABIC.match(last) and _IS_ARABIC.match(after):
            return False
        if _IS_DEVANAGARI.match(last) and _IS_DEVANAGARI.match(after):
            return False
    return True
