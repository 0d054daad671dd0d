"""Text normalisation for matching, with a map back to original offsets.

Matching runs on a normalised copy of the text: lower case, one Arabic letter per family, no
diacritics, tatweel or zero-width marks, Western digits, full-width ASCII as ASCII (the letter
facts come from etl/lang/). `NormalizedText` holds that copy once per document, and maps every
span back to the original offsets so provenance stays exact; `words` is the same copy with
hyphens, underscores and slashes as spaces, for names ("DeepSeek-R1" = "DeepSeek R1").
"""
from __future__ import annotations

import re
import unicodedata
from array import array
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import cache, cached_property

from etl.lang import LANGUAGES, char_set

# Every script's digits -> 0-9 (the languages list theirs; full-width digits are Chinese text's).
_DIGITS = {ord(ch): str(unicodedata.digit(ch)) for lang in LANGUAGES.values() for ch in char_set(lang.digits)}
ASCII_DIGITS = str.maketrans(_DIGITS)

# Length-preserving replacements: one character in, one character out.
_LETTERS = {k: v for lang in LANGUAGES.values() for k, v in lang.foldings.items()}
_LETTERS.update({"\u00a0": " ", "\u202f": " ", "\u3000": " "})
# For names a hyphen, underscore or slash is a space; numbers keep them ("1-2 billion", "30-50%").
SEPARATORS = "‐‑‒–—-_/"
# Dropped for matching: each language's marks, zero-width characters, bidi controls.
_DROPPED = (
    "".join(lang.dropped for lang in LANGUAGES.values())
    + "\u200b\u200c\u200d\u200e\u200f\ufeff"
    + "".join(chr(c) for c in range(0x202A, 0x202F))
    + "".join(chr(c) for c in range(0x2066, 0x206A))
)
_KEEP_PUNCTUATION = {**{ord(k): v for k, v in _LETTERS.items()}, **{ord(c): None for c in _DROPPED}, **_DIGITS}
_NAMES = {**_KEEP_PUNCTUATION, **{ord(c): " " for c in SEPARATORS}}
DROPPED_CHARS = _HAS_DROPPED = re.compile("[" + "".join(re.escape(c) for c in _DROPPED) + "]")
_DROPPED_RUN = re.compile("[" + "".join(re.escape(c) for c in _DROPPED) + "]+")


class _Translator:
    """`str.translate` with a table, done as one `str.replace` per character present.

    `str.translate` looks every non-ASCII character up in the table one by one, which makes it the
    slowest step for Arabic, Devanagari and Han text; a C-level scan for the few characters that
    change and a `replace` each gives the same string several times faster. That is the same
    result only because no replacement is itself a key of the table (checked here; otherwise
    `str.translate` is used)."""

    def __init__(self, table: dict):
        self.table = table
        self.replacement = {chr(k): "" if v is None else v for k, v in table.items()}
        self.chained = any(ch in self.replacement for v in self.replacement.values() for ch in v)
        self.keys = re.compile("[" + "".join(re.escape(c) for c in sorted(self.replacement)) + "]")

    def __call__(self, text: str) -> str:
        if self.chained:
            return text.translate(self.table)
        # Find a character that changes, replace all of it, look on from there: one search and
        # one replace per distinct character, and no list of every occurrence (a 50 MB Arabic
        # line has tens of millions).
        found = self.keys.search(text)
        while found is not None:
            at = found.start()
            text = text.replace(found.group(), self.replacement[found.group()])
            found = self.keys.search(text, at)
        return text


_TRANSLATE_NAMES = _Translator(_NAMES)
_TRANSLATE_KEEP_PUNCTUATION = _Translator(_KEEP_PUNCTUATION)
_FULL_WIDTH = re.compile("[\uff01-\uff5e]")


# Numerals written digit by digit as words (二〇二四年): (the run, its words -> 0-9) per language.
_DIGIT_RUNS = [(re.compile(lang.digit_run), str.maketrans(lang.digit_words)) for lang in LANGUAGES.values() if lang.digit_run]


def normalize(text: str, keep_punctuation: bool = False) -> str:
    """Normalise for matching (the offsets may change: use `NormalizedText` to map back)."""
    out = (_TRANSLATE_KEEP_PUNCTUATION if keep_punctuation else _TRANSLATE_NAMES)(text).lower()
    for run, digits in _DIGIT_RUNS:
        out = run.sub(lambda m: m.group().translate(digits), out)
    return _full_width_to_ascii(out)


def _full_width_to_ascii(s: str) -> str:
    if not _FULL_WIDTH.search(s):
        return s
    return _FULL_WIDTH.sub(lambda m: chr(ord(m.group()) - 0xFEE0), s)


@dataclass(frozen=True)
class NormalizedText:
    """A normalised copy of a text (punctuation kept) and the way back to the original offsets.

    The map is compact: the runs of dropped characters (a few per document), not one integer per
    character, so a 50 MB line with one zero-width mark costs what the line without it does."""

    original: str
    text: str
    _runs: "_Runs | None"  # where dropped characters were; None = the identity

    @classmethod
    def of(cls, original: str, keep_punctuation: bool = True) -> "NormalizedText":
        norm = normalize(original, keep_punctuation)
        if len(norm) == len(original) and not _HAS_DROPPED.search(original):
            return cls(original, norm, None)
        runs = _Runs.of(original)
        if len(original) - runs.dropped == len(norm):  # only dropped marks changed the length
            return cls(original, norm, runs)
        # Rare: a character whose lower case is longer (İ -> i̇): each character normalised on its
        # own (lower() depends on context only for Σ), each output character mapped to the one it
        # came from; in C-level stretches between those characters and the dropped runs.
        kept, done = array("q"), 0
        for m in _growing_or_dropped().finditer(original):
            kept.extend(range(done, m.start()))
            if not _HAS_DROPPED.match(m.group()):
                kept.extend([m.start()] * len(normalize(m.group(), keep_punctuation)))
            done = m.end()
        kept.extend(range(done, len(original)))
        return cls(original, normalize(original.replace("Σ", "σ"), keep_punctuation), _Runs.explicit(kept, original))

    @cached_property
    def words(self) -> str:
        """The normalised text with hyphens, underscores and slashes as spaces (same length)."""
        words = self.text
        for ch in SEPARATORS:
            if ch in words:
                words = words.replace(ch, " ")
        return words

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a [start, end) span of the normalised text to the original text."""
        if self._runs is None:
            return start, end
        n = len(self.text)
        if start >= n:
            return len(self.original), len(self.original)
        o_start = self._runs.original(start)
        o_end = self._runs.original(end - 1) + 1 if end > start else o_start
        # Take along dropped marks (diacritics) that trail the last kept character.
        while o_end < len(self.original) and _HAS_DROPPED.match(self.original, o_end):
            o_end += 1
        return o_start, o_end

    def to_normalized(self, offset: int) -> int:
        """The normalised offset of an original offset (of the first kept character at or after it)."""
        if self._runs is None:
            return offset
        return self._runs.normalized(offset)


@cache
def _growing_or_dropped() -> re.Pattern:
    """A run of dropped characters, or one character whose lower case is longer than itself."""
    growing = "".join(c for c in map(chr, range(0x110000)) if not 0xD800 <= ord(c) <= 0xDFFF and len(c.lower()) > 1)
    return re.compile(_DROPPED_RUN.pattern + "|[" + re.escape(growing) + "]")


class _Runs:
    """Runs of dropped characters in the original: [starts[k], ends[k]), with `after[k]` characters
    dropped up to the end of run k. `norm_at[k]` is the normalised index of the first character
    kept after run k, from which normalised index i is original index i + after[k]."""

    __slots__ = ("starts", "ends", "after", "norm_at", "dropped", "kept")

    def __init__(self, starts: list[int], ends: list[int], after: list[int], kept: array | None = None, dropped: int = 0):
        self.starts, self.ends, self.after = starts, ends, after
        self.norm_at = [e - a for e, a in zip(ends, after)]
        self.dropped = after[-1] if after else dropped
        self.kept = kept  # explicit map (rare slow path), else None

    @classmethod
    def of(cls, original: str) -> "_Runs":
        starts, ends, after, total = [], [], [], 0
        for m in _DROPPED_RUN.finditer(original):
            total += m.end() - m.start()
            starts.append(m.start())
            ends.append(m.end())
            after.append(total)
        return cls(starts, ends, after)

    @classmethod
    def explicit(cls, kept: array, original: str) -> "_Runs":
        return cls([], [], [], kept, len(original) - len(kept))

    def original(self, i: int) -> int:
        if self.kept is not None:
            return self.kept[min(i, len(self.kept) - 1)]
        k = bisect_right(self.norm_at, i) - 1
        return i + (self.after[k] if k >= 0 else 0)

    def normalized(self, o: int) -> int:
        if self.kept is not None:
            return bisect_left(self.kept, o)
        k = bisect_right(self.starts, o) - 1  # the last run starting at or before o
        if k < 0:
            return o
        if o < self.ends[k]:  # inside a run: where the next kept character lands
            return self.norm_at[k]
        return o - self.after[k]


def to_ascii_digits(text: str) -> str:
    """Arabic-Indic, Persian, Devanagari and full-width digits to 0-9 (same length)."""
    return text.translate(ASCII_DIGITS)
