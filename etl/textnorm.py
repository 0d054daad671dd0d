"""Text normalisation for matching, with a map back to original offsets.

Matching runs on a normalised copy of the text (lower case, one Arabic letter per family, no
diacritics or tatweel, Western digits, hyphens as spaces); every match is mapped back to the
original character offsets so provenance stays exact.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

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
        present = self.keys.findall(text)
        if not present:
            return text
        for ch in set(present):
            text = text.replace(ch, self.replacement[ch])
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


@dataclass(frozen=True)
class NormalizedText:
    """A normalised copy of a text and the way back to the original offsets."""

    original: str
    text: str
    _kept: tuple[int, ...] | None  # original index of each normalised char; None = identity

    @classmethod
    def of(cls, original: str, keep_punctuation: bool = False) -> "NormalizedText":
        norm = normalize(original, keep_punctuation)
        if len(norm) == len(original) and not _HAS_DROPPED.search(original):
            return cls(original, norm, None)
        kept = _kept_indices(original)
        if len(kept) == len(norm):  # only dropped marks changed the length (Arabic diacritics)
            return cls(original, norm, tuple(kept))
        # Slow path: a character whose lower case is longer (İ -> i̇): map char by char.
        chars: list[str] = []
        kept: list[int] = []
        for i, ch in enumerate(original):
            for out in normalize(ch, keep_punctuation):
                chars.append(out)
                kept.append(i)
        return cls(original, "".join(chars), tuple(kept))

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a [start, end) span of the normalised text to the original text."""
        if self._kept is None:
            return start, end
        if start >= len(self._kept):
            return len(self.original), len(self.original)
        o_start = self._kept[start]
        o_end = self._kept[end - 1] + 1 if end > start else o_start
        # Take along dropped marks (diacritics) that trail the last kept character.
        while o_end < len(self.original) and _HAS_DROPPED.match(self.original, o_end):
            o_end += 1
        return o_start, o_end


_DROPPED_RUN = re.compile("[" + "".join(re.escape(c) for c in _DROPPED) + "]+")


def _kept_indices(original: str) -> list[int]:
    """Indices of the characters normalisation keeps: ranges between runs of dropped marks
    (one C-level scan instead of a Python loop over every character)."""
    kept: list[int] = []
    prev = 0
    for m in _DROPPED_RUN.finditer(original):
        kept.extend(range(prev, m.start()))
        prev = m.end()
    kept.extend(range(prev, len(original)))
    return kept


def to_ascii_digits(text: str) -> str:
    """Arabic-Indic, Persian and Devanagari digits to 0-9 (same length)."""
    return text.translate(ASCII_DIGITS)


ARABIC_LETTER = re.compile(r"[\u0620-\u064A\u066E-\u06D3\u06FA-\u06FF]")
