"""Currencies as news writes them: ISO codes, symbols and names (etl/data/currencies.csv), as
lexicon words (list "currency", value a `numbers.Word` of kind "cur").

A row of the text's language beats a * row with the same spelling (¥ is CNY in Chinese text and
JPY elsewhere): rows are registered in `scope` order and the first entry of a spelling wins.
"""
from __future__ import annotations

import re
from collections.abc import Iterator

from etl.extract.numbers import Word, rows_in_scope
from etl.lexicon import Entry
from etl.textnorm import normalize

CURRENCY_FILE = "currencies.csv"
_CODE = re.compile(r"[A-Za-z. ]+\$?")


def currency_rows(lang: str) -> list[tuple[str, Word]]:
    """(surface, Word) of every currency spelling a text in `lang` reads."""
    out = []
    for r in rows_in_scope(CURRENCY_FILE, lang):
        surface = r["surface"]
        out.append((surface, Word(
            "cur", iso=r["iso"], position=r["position"] or "both",
            not_followed_by=tuple(normalize(x, keep_punctuation=True) for x in r["not_followed_by"].split("|") if x),
            code=bool(_CODE.fullmatch(surface)) and "$" not in surface,
        )))
    return out


def currency_words(lang: str) -> Iterator[tuple[str, Entry]]:
    """The currencies of a language as lexicon entries. Digits may touch them ("USD5", "25k$")."""
    for surface, word in currency_rows(lang):
        yield surface, Entry("currency", word, glue_digits=True)
