"""The funding role cues (etl/data/funding_cues.csv) as words of the one lexicon layer (list
"funding_cue"): registered in etl/wordlists.py, so a sentence's cues are among its hits."""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from etl.datafiles import read_csv
from etl.lang import LANGS
from etl.lexicon import Entry, key_of

LIST = "funding_cue"
ROLES = ("investor", "lead", "company", "source", "join", "split", "break", "relative")
SIDES = ("before", "after", "between")


@dataclass(frozen=True, slots=True)
class Cue:
    role: str  # one of ROLES
    side: str  # before / after the name it marks; between (join, split, break, relative)
    types: frozenset[str]  # money types it applies to; empty = all
    own: bool  # a cue of the text's own language (wins a tie over an English one)


def _scope(lang: str) -> tuple[str, ...]:
    """The text's language, then English (English cues appear in every language's news); an
    unknown language gets every language's cues."""
    return (lang, "en") if lang in LANGS else ("en", "ar", "hi", "zh")


def funding_words(lang: str) -> Iterator[tuple[str, Entry]]:
    langs = _scope(lang)
    for row in read_csv("funding_cues.csv"):
        if row["lang"] not in langs:
            continue
        word, stem = row["cue"], row["cue"].endswith("*")
        cue = Cue(row["role"], row["side"], frozenset(t for t in row["types"].split("|") if t), row["lang"] == lang)
        yield word.rstrip("*"), Entry(LIST, cue, clitics=row["lang"] == "ar", stem=stem)


@cache
def join_words(lang: str | None) -> frozenset[str]:
    """The normalised join words of a language ("and", "و", "और", "和", "、"): names they link
    form a list."""
    langs = _scope(lang or "")
    return frozenset(key_of(r["cue"]) for r in read_csv("funding_cues.csv") if r["role"] == "join" and r["lang"] in langs)
