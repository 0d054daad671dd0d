"""Currencies as news writes them: ISO codes, symbols and names (etl/data/currencies.csv), as
lexicon words (list "currency", value a `numbers.Word` of kind "cur"), and the country words that
decide what a bare shared name means (etl/data/currency_countries.csv, list "currency_country").

A row of the text's language beats a * row with the same spelling (¥ is CNY in Chinese text and
JPY elsewhere): rows are registered in `scope` order and the first entry of a spelling wins. An ISO
code counts only in capitals ("TRY 5", not "try 5").
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from etl.extract.numbers import Word, decimal, rows_in_scope
from etl.lexicon import Entry, exact_form
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


def currency_words(lang: str) -> Iterator[tuple[str, Entry]]:
    """The currencies of a language as lexicon entries. Digits may touch them ("USD5", "25k$")."""
    for surface, word in currency_rows(lang):
        # An ISO code counts in capitals only ("TRY 5", not "try"), a one-letter unit as written ("25c", not "2C").
        exact = frozenset({exact_form(surface)}) if _ISO.fullmatch(surface) or len(surface) == 1 and surface.isalpha() else None
        yield surface, Entry("currency", word, glue_digits=True, exact=exact)


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
