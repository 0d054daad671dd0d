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
        self._key_of: dict[str, str] = {}  # matched text -> key, memoised (few distinct spellings)

    @cached_property
    def _regex(self) -> re.Pattern:
        if not self.keys:
            return re.compile(r"(?!x)x")
        return re.compile(_trie_regex(sorted(self.keys)))

    @cached_property
    def _regexes(self) -> tuple[re.Pattern, ...]:
        """`_regex` split by the script of the keys' first character, one regex per script.

        `re` tries a regex's top-level branches one after the other at every position, so one
        regex with a branch per first character (hundreds, over four scripts) is slow. At any
        position only the branch of that position's character can match, so the leftmost match
        of the per-script regexes is the match of `_regex`, at a fraction of the cost.
        """
        if len({k[0] for k in self.keys}) < _SPLIT_ABOVE:
            return (self._regex,)  # few branches: one search per text is cheaper
        groups: dict[str, list[str]] = {}
        for key in sorted(self.keys):
            groups.setdefault(_script_of(key[0]), []).append(key)
        return tuple(re.compile(_trie_regex(keys)) for keys in groups.values())

    def find(self, text: str | NormalizedText) -> Iterator[Match]:
        norm = text if isinstance(text, NormalizedText) else NormalizedText.of(text)
        s = norm.text
        regexes = self._regexes
        search = regexes[0].search
        single = len(regexes) == 1
        # With several regexes: the next match of each from `pos` on; one is searched again only
        # once `pos` has passed its start (a match does not depend on where the search began).
        nexts = None if single else [rx.search(s) for rx in regexes]
        pos = 0
        while True:
            if single:
                m = search(s, pos)
            else:
                m = None
                for i, n in enumerate(nexts):
                    if n is not None and n.start() < pos:
                        n = nexts[i] = regexes[i].search(s, pos)
                    if n is not None and (m is None or n.start() < m.start()):
                        m = n
            if m is None:
                return
            start, end = m.span()
            if end == start:
                pos = start + 1
                continue
            if _on_boundaries(s, start, end):
                o_start, o_end = norm.to_original(start, end)
                yield Match(o_start, o_end, self._key(m.group()))
                pos = end
            else:
                pos = start + 1

    def _key(self, matched: str) -> str:
        key = self._key_of.get(matched)
        if key is None:
            if len(self._key_of) > 50_000:
                self._key_of.clear()
            key = self._key_of[matched] = self._by_compact[_SPACES.sub("", matched)]
        return key


# Distinct first characters from which a pattern list gets one regex per script (measured: the
# knowledge base, ~170, gains 40%; the cue lists, ~20, lose).
_SPLIT_ABOVE = 64


def _script_of(ch: str) -> str:
    for name, rx in (("latin", _IS_LATIN_OR_DIGIT), ("arabic", _IS_ARABIC), ("devanagari", _IS_DEVANAGARI), ("han", _IS_HAN)):
        if rx.match(ch):
            return name
    return "other"


def _chars(*ranges: tuple[str, str]) -> frozenset[str]:
    return frozenset(chr(c) for lo, hi in ranges for c in range(ord(lo), ord(hi) + 1))


# The classes above as sets: a membership test is cheaper than a regex call per character.
_LATIN_OR_DIGIT_CHARS = _chars(("a", "z"), ("0", "9"), ("\u00c0", "\u024f"))
_ARABIC_CHARS = _chars(("\u0620", "\u064A"), ("\u066E", "\u06D3"), ("\u06FA", "\u06FF"))
_DEVANAGARI_CHARS = _chars(("\u0900", "\u0963"), ("\u0971", "\u097F"))
_LONGEST_CLITIC = max(map(len, ARABIC_CLITIC_PREFIXES))


def _on_boundaries(s: str, start: int, end: int) -> bool:
    first, last = s[start], s[end - 1]
    before = s[start - 1] if start else ""
    after = s[end] if end < len(s) else ""
    # Before the match.
    if before:
        if before in _ARABIC_CHARS:
            if first in _ARABIC_CHARS or first in _LATIN_OR_DIGIT_CHARS:
                # The Arabic letters glued before the match must be a clitic; a run longer than
                # the longest clitic is none, so look back no further than that.
                i = start - 1
                while i > 0 and start - i <= _LONGEST_CLITIC and s[i - 1] in _ARABIC_CHARS:
                    i -= 1
                if s[i:start] not in ARABIC_CLITIC_PREFIXES:
                    return False
        elif first in _LATIN_OR_DIGIT_CHARS and before in _LATIN_OR_DIGIT_CHARS:
            return False
        elif first in _DEVANAGARI_CHARS and before in _DEVANAGARI_CHARS:
            return False
    # After the match.
    if after:
        if last in _LATIN_OR_DIGIT_CHARS and after in _LATIN_OR_DIGIT_CHARS:
            return False
        if last in _ARABIC_CHARS and after in _ARABIC_CHARS:
            return False
        if last in _DEVANAGARI_CHARS and after in _DEVANAGARI_CHARS:
            return False
    return True
