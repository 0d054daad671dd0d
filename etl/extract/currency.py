"""Currencies as news writes them: ISO codes, symbols and names (etl/data/currencies.csv), as
lexicon words (list "currency", value a `numbers.Word` of kind "cur"), and the country words that
decide what a bare shared name means (etl/data/currency_countries.csv, list "currency_country").

A row of the text's language beats a * row with the same spelling (¥ is CNY in Chinese text and
JPY elsewhere): rows are registered in `scope` order and the first entry of a spelling wins. Codes
and Latin abbreviations count only as written ("TRY 5", not "try 5"; "Rs", "RM").
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from etl.extract.numbers import Word, decimal, rows_in_scope
from etl.lang import LANGUAGES
from etl.lexicon import Entry
from etl.textnorm import normalize

CURRENCY_FILE = "currencies.csv"
COUNTRY_FILE = "currency_countries.csv"
ANY_LETTER = "{letter}"  # not_followed_by: no letter may follow (块 before a noun is a measure word)
_CODE = re.compile(r"[A-Za-z. ]+\$?")
_ISO = re.compile(r"[A-Z]{3}")


def currency_rows(lang: str) -> list[tuple[str, Word]]:
    """(surface, Word) of every currency spelling a text in `lang` reads."""
    out = []
    for r in rows_in_scope(CURRENCY_FILE, lang):
        surface = r["surface"]
        out.append((surface, Word(
            "cur", iso=r["iso"], position=r["position"] or "both",
            not_followed_by=tuple(x if x == ANY_LETTER else normalize(x, keep_punctuation=True)
                                  for x in r["not_followed_by"].split("|") if x),
            code=bool(_CODE.fullmatch(surface)) and "$" not in surface,
            group=r.get("group", ""), factor=decimal(r.get("minor", "")),
        )))
    return out


def is_code(surface: str) -> bool:
    """A code or Latin abbreviation (USD, Rs., RM, Dhs, c): matched as written, in place (see
    `Codes`), not by the lexicon, where "le" or "rs" would be hits inside every English word."""
    core = surface.rstrip(".")
    return surface.isascii() and core.isalpha() and len(core) <= 4 and (len(core) == 1 or any(ch.isupper() for ch in core))


def currency_words(lang: str) -> Iterator[tuple[str, Entry]]:
    """The currency names and symbols of a language as lexicon entries (codes: `codes`). Digits
    may touch them ("25k$", "5美元")."""
    for surface, word in currency_rows(lang):
        if not is_code(surface):
            yield surface, Entry("currency", word, glue_digits=True)


class Codes:
    """The codes and Latin abbreviations of a language, found by one case-sensitive regex over the
    original text: a whole Latin word (no Latin letter either side; digits may touch: "USD5",
    "5USD"), a one-letter unit only right after a digit ("25c", not "2C" or "c. 2020"), and a
    sentence's full stop after a code ("… in USD.") not part of it."""

    def __init__(self, lang: str):
        self.words: dict[str, Word] = {}
        for surface, word in currency_rows(lang):
            if is_code(surface) and (len(surface.rstrip(".")) > 1 or surface.islower()):
                self.words.setdefault(surface, word)
        # Capitalised words of up to four letters (and a dot), longest first; lower-case letters
        # as units. The lookahead on the first letters lets the regex engine skip in C.
        words = sorted((w for w in self.words if _CAPITALISED.fullmatch(w)), key=lambda w: (-len(w), w))
        units = sorted(w for w in self.words if w.islower() and len(w) == 1)
        branches = [f"(?<![A-Za-z])(?:{'|'.join(map(re.escape, words))})(?![A-Za-z])"] if words else []
        branches += [f"(?<=[0-9])[{''.join(units)}](?![A-Za-z])"] if units else []
        firsts = "".join(sorted({w[0] for w in words} | set(units)))
        self.pattern = re.compile(f"(?=[{firsts}])(?:{'|'.join(branches)})") if branches else None

    def finditer(self, text: str) -> Iterator[tuple[int, int, Word]]:
        if self.pattern is None:
            return
        words = self.words
        for m in self.pattern.finditer(text):
            s, e = m.span()
            if e - s > 1 or s > 0:  # one capital at the very start is a sentence's first word
                yield s, e, words[m.group()]


_CAPITALISED = re.compile(r"[A-Z][A-Za-z]{0,3}\.?")


@cache
def codes(lang: str) -> Codes:
    return Codes(lang)


@dataclass(frozen=True, slots=True)
class Country:
    group: str  # the bare name it decides (dinar, riyal …)
    iso: str


def country_words(lang: str) -> Iterator[tuple[str, Entry]]:
    """The country words of a language (and English) as lexicon entries (value a `Country`)."""
    for r in rows_in_scope(COUNTRY_FILE, lang):
        word = r["word"]
        stem = word.endswith("*")
        yield word.rstrip("*"), Entry("currency_country", Country(r["group"], r["iso"]), clitics=True, stem=stem)
