"""What the extractors need to know about a language and its script, in one record per language.

Adding a language (Urdu, say) means one module beside ar.py with its `LANGUAGE`, its name in
`etl.lang.LANGS`, and its words in etl/data/ (rows whose `lang` is its code).
"""
from __future__ import annotations

from dataclasses import dataclass, field


def char_set(ranges: str) -> frozenset[str]:
    """The characters of a regex class body such as "a-z0-9\\u00c0-\\u024f" (ranges and single characters)."""
    out: set[str] = set()
    i = 0
    while i < len(ranges):
        if i + 2 < len(ranges) and ranges[i + 1] == "-":
            out.update(chr(c) for c in range(ord(ranges[i]), ord(ranges[i + 2]) + 1))
            i += 3
        else:
            out.add(ranges[i])
            i += 1
    return frozenset(out)


@dataclass(frozen=True)
class Language:
    code: str  # ISO 639-1
    name: str
    script: str  # regex class body of the script's whole Unicode blocks: language detection
    letters: str  # class body of its letters and combining signs: word boundaries
    spaced: bool = True  # words are separated by spaces (Chinese: no, so no word boundaries)
    rtl: bool = False
    digits: str = ""  # class body of its own digits (the zero first): read as 0-9
    foldings: dict[str, str] = field(default_factory=dict)  # letter variants -> one letter, for matching
    dropped: str = ""  # characters dropped for matching (diacritics, tatweel, nukta)
    clitics: frozenset[str] = frozenset()  # proclitics glued to a word, normalised (و ب ال وال …)
    sentence_ends: str = ""  # sentence-final punctuation of its own (beyond . ! ?)
    clause_breaks: str = ""  # punctuation that separates clauses (beyond , ; :)
    weight: int = 1  # letters of its script per word, roughly: detection weighs Han characters up

    @property
    def letter_chars(self) -> frozenset[str]:
        return char_set(self.letters)
