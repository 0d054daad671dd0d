"""Text normalisation for matching, with a map back to original offsets.

Matching runs on a normalised copy of the text (lower case, one Arabic letter per family, no
diacritics or tatweel, Western digits, hyphens as spaces); every match is mapped back to the
original character offsets so provenance stays exact.
"""
from __future__ import annotations

import re
import unicodedata
from array import array
from bisect import bisect_right
from dataclasses import dataclass
from functools import cache

# Arabic-Indic, Extended Arabic-Indic (Persian/Urdu), Devanagari and full-width digits -> 0-9.
_DIGITS = {}
for _zero in (0x0660, 0x06F0, 0x0966, 0xFF10):
    for _i in range(10):
        _DIGITS[_zero + _i] = str(_i)
ASCII_DIGITS = str.maketrans(_DIGITS)

# Length-preserving replacements: one character in, one character out.
_LETTERS = {
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ٲ": "ا", "ٳ": "ا",
    "ة": "ه", "ى": "ي", "ی": "ي", "ک": "ك", "ؤ": "و", "ئ": "ي",
    "\u00a0": " ", "\u202f": " ", "\u3000": " ",
    "٫": ".", "٬": ",", "،": ",",
}
# For names, a hyphen, underscore or slash is a space ("DeepSeek-R1" = "DeepSeek R1"); numbers
# keep them ("1-2 billion", "30-50%").
_SEPARATORS = {"‐": " ", "‑": " ", "‒": " ", "–": " ", "—": " ", "-": " ", "_": " ", "/": " "}
# Characters dropped for matching: Arabic diacritics and tatweel, zero-width marks, Devanagari nukta
# (so ज़ and ज match), bidi controls.
_DROPPED = (
    [chr(c) for c in range(0x064B, 0x0660)]
    + ["\u0670", "\u0640", "\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\ufeff", "\u093c"]
    + [chr(c) for c in range(0x202A, 0x202F)]
    + [chr(c) for c in range(0x2066, 0x206A)]
)
_TABLE = str.maketrans({**_LETTERS, **_SEPARATORS, **{c: None for c in _DROPPED}, **_DIGITS})
_TABLE_KEEP_PUNCTUATION = str.maketrans({**_LETTERS, **{c: None for c in _DROPPED}, **_DIGITS})
DROPPED_CHARS = _HAS_DROPPED = re.compile("[" + "".join(re.escape(c) for c in _DROPPED) + "]")
# Precomposed Devanagari letters with nukta (क़ ख़ ग़ ज़ ड़ ढ़ फ़ य़) -> base letter, so both spellings match.
_NUKTA_PRECOMPOSED = {chr(c): unicodedata.normalize("NFD", chr(c))[0] for c in range(0x0958, 0x0960)}
_TABLE.update(str.maketrans(_NUKTA_PRECOMPOSED))
_TABLE_KEEP_PUNCTUATION.update(str.maketrans(_NUKTA_PRECOMPOSED))


class _Translator:
    """`str.translate` with a table, done as one `str.replace` per character present.

    `str.translate` looks every non-ASCII character up in the table one by one, which makes it the
    slowest step for Arabic, Devanagari and Han text; a C-level scan for the few characters that
    change and a `replace` each gives the same string several times faster. That is the same
    result only because no replacement is itself a key of the table (checked here; otherwise
    `str.translate` is used)."""

    def __init__(self, table: dict):
        self.table = table
        self.replacement = {chr(k): "" if v is None else v if isinstance(v, str) else chr(v) for k, v in table.items()}
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


_TRANSLATE = _Translator(_TABLE)
_TRANSLATE_KEEP_PUNCTUATION = _Translator(_TABLE_KEEP_PUNCTUATION)


def normalize(text: str, keep_punctuation: bool = False) -> str:
    """Normalise for matching (the offsets may change: use `NormalizedText` to map back)."""
    out = (_TRANSLATE_KEEP_PUNCTUATION if keep_punctuation else _TRANSLATE)(text).lower()
    return _full_width_to_ascii(out)


_FULL_WIDTH = re.compile("[\uff01-\uff5e]")


def _full_width_to_ascii(s: str) -> str:
    if not _FULL_WIDTH.search(s):
        return s
    return _FULL_WIDTH.sub(lambda m: chr(ord(m.group()) - 0xFEE0), s)


class _OffsetMap:
    """Normalised index -> original index, piecewise: from `starts[k]` on (up to the next start),
    original = index + `offsets[k]`. One entry per run of dropped marks (or per extra character of
    a lower case that grows), not one per character: a 50 MB line with one zero-width space needs
    two entries, not a 50-million-int tuple (1.8 GB)."""

    __slots__ = ("starts", "offsets")

    def __init__(self) -> None:
        self.starts = array("q", [0])
        self.offsets = array("q", [0])

    def add(self, start: int, offset: int) -> None:
        if self.starts[-1] == start:  # a dropped run at the very beginning
            self.offsets[-1] = offset
        else:
            self.starts.append(start)
            self.offsets.append(offset)

    def __call__(self, index: int) -> int:
        return index + self.offsets[bisect_right(self.starts, index) - 1]


@dataclass(frozen=True)
class NormalizedText:
    """A normalised copy of a text and the way back to the original offsets."""

    original: str
    text: str
    _map: _OffsetMap | None  # None = identity

    @classmethod
    def of(cls, original: str, keep_punctuation: bool = False) -> "NormalizedText":
        norm = normalize(original, keep_punctuation)
        if len(norm) == len(original) and not _HAS_DROPPED.search(original):
            return cls(original, norm, None)
        offsets = _OffsetMap()
        dropped = 0
        for m in _DROPPED_RUN.finditer(original):
            offsets.add(m.start() - dropped, dropped + m.end() - m.start())
            dropped += m.end() - m.start()
        if len(original) - dropped == len(norm):  # only dropped marks changed the length (Arabic diacritics)
            return cls(original, norm, offsets)
        return cls._growing(original, keep_punctuation)

    @classmethod
    def _growing(cls, original: str, keep_punctuation: bool) -> "NormalizedText":
        """A character whose lower case is longer (İ -> i̇): each character normalised on its own
        (so a capital sigma is σ wherever it stands), each output character mapped to the
        character it came from."""
        text = normalize(original.replace("Σ", "σ"), keep_punctuation)  # lower() is context-free but for Σ
        offsets = _OffsetMap()
        offset = 0  # original index - normalised index, from here on
        for m in _special_pattern().finditer(original):
            at = m.start() - offset  # where the match would start in the normalised text
            if _HAS_DROPPED.match(original, m.start()):
                offset += m.end() - m.start()
                offsets.add(at, offset)
            else:  # one character becoming several: each extra one maps back to it
                for extra in range(1, len(normalize(m.group(), keep_punctuation))):
                    offsets.add(at + extra, offset - extra)
                offset -= len(normalize(m.group(), keep_punctuation)) - 1
        return cls(original, text, offsets)

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a [start, end) span of the normalised text to the original text."""
        if self._map is None:
            return start, end
        if start >= len(self.text):
            return len(self.original), len(self.original)
        o_start = self._map(start)
        o_end = self._map(end - 1) + 1 if end > start else o_start
        # Take along dropped marks (diacritics) that trail the last kept character.
        trailing = _DROPPED_RUN.match(self.original, o_end)
        return o_start, trailing.end() if trailing else o_end


_DROPPED_RUN = re.compile("[" + "".join(re.escape(c) for c in _DROPPED) + "]+")


@cache
def _special_pattern() -> re.Pattern:
    """Runs of dropped marks, or one character whose lower case is longer than itself."""
    growing = [c for c in map(chr, range(0x110000)) if not 0xD800 <= ord(c) <= 0xDFFF and len(c.lower()) > 1]
    return re.compile("[" + "".join(re.escape(c) for c in _DROPPED) + "]+|[" + "".join(re.escape(c) for c in growing) + "]")


def to_ascii_digits(text: str) -> str:
    """Arabic-Indic, Persian and Devanagari digits to 0-9 (same length)."""
    return text.translate(ASCII_DIGITS)


ARABIC_LETTER = re.compile(r"[\u0620-\u064A\u066E-\u06D3\u06FA-\u06FF]")
