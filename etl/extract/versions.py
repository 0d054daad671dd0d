"""Versioned products: a known product family followed by a version and/or a variant.

"Qwen2.5-VL", "Qwen 2.5 Max", "Phi-4-mini", "Llama 3.1 405B", "Claude Opus 4", "通义千问2.5",
"جيميني 2.0 فلاش", "जेमिनी 2.0": the family is a product alias of the knowledge base (the lexicon's
"family" list, whose words may touch a digit), and what follows it is read with the version
grammar of etl/data/version_grammar.csv (numbers, a leading R/V/K…, the o-series tail, parameter
sizes such as 405B, 8x7B and A22B, variant words in every script). The mention's entity is the
versioned name written the family's way (etl/data/version_families.csv: Qwen2.5-VL, Phi-4-mini,
Gemini 2.0 Flash), its `family` the family; a versioned name the knowledge base knows keeps its
canonical name (GPT-4.1). A version number or size makes an ambiguous family alias count on its
own ("Gemini 2.0 Flash"); a variant word alone does not ("Gemini Pro" still needs context).
"""
from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from functools import cache

from etl.context import Sentence
from etl.datafiles import read_csv
from etl.lang import script_of
from etl.knowledge import KnowledgeBase
from etl.lexicon import key_of, longest

MAX_PARTS = 6
_SEP = re.compile(r"[ \u00a0]?[-‐‑][ \u00a0]?|[ \u00a0]|")
_JOIN = {"none": "", "hyphen": "-", "space": " "}
_DOT_EXTENSION = re.compile(r"[.٫](\d{1,2})")  # "Llama 3" + ".1"


@dataclass(frozen=True, slots=True)
class Part:
    kind: str  # number, size, variant
    text: str  # canonical spelling ("2.5", "405B", "Flash")


@dataclass(frozen=True, slots=True)
class Style:
    joiner: str  # between the family and a version number
    separator: str  # between the later parts
    lower_variants: bool


DEFAULT_STYLE = Style(" ", " ", False)


@dataclass(frozen=True)
class Grammar:
    number: re.Pattern
    size: re.Pattern
    variant: re.Pattern
    variants: dict[str, str]  # casefolded word -> canonical
    count: re.Pattern  # a count or date word right after a number


@cache
def grammar(lang: str) -> Grammar:
    rows = [r for r in read_csv("version_grammar.csv") if r["lang"] in ("", lang)]
    words = lambda kind: [r["word"] for r in rows if r["kind"] == kind]  # noqa: E731
    leads, tails, units = "".join(words("version_lead")), "".join(words("version_tail")), "".join(words("size_unit"))
    variants = {r["word"].casefold(): r["canonical"] for r in rows if r["kind"] == "variant"}
    by_length = sorted(variants, key=len, reverse=True)
    return Grammar(
        number=re.compile(f"(?P<lead>[{leads}])?(?P<num>\\d{{1,2}}(?:[.٫]\\d{{1,2}})*)(?P<tail>[{tails}])?", re.I),
        size=re.compile(f"(?:\\d{{1,3}}[x×])?\\d{{1,4}}(?:\\.\\d{{1,2}})?[{units}]|A\\d{{1,3}}[{units}]", re.I),
        variant=re.compile("|".join(re.escape(w) for w in by_length), re.I),
        variants=variants,
        count=re.compile("[ \u00a0]*(?:" + "|".join(re.escape(w) for w in words("count_word")) + ")", re.I),
    )


@cache
def styles() -> dict[str, Style]:
    return {r["family"]: Style(_JOIN[r["joiner"]], _JOIN[r["separator"]], r["variant_case"] == "lower")
            for r in read_csv("version_families.csv")}


def _is_han(ch: str) -> bool:
    return script_of(ch) == "zh"


def _word_char(ch: str) -> bool:
    """A letter, mark or digit that would continue a word (Han never does: no spaces in Chinese)."""
    return unicodedata.category(ch)[0] in "LMN" and not _is_han(ch)


def _ends_word(text: str, i: int) -> bool:
    if i >= len(text):
        return True
    if _word_char(text[i]):
        return False
    return not (text[i] in ".٫" and i + 1 < len(text) and text[i + 1].isdigit())


def _ascii_digits(s: str) -> str:
    return "".join(str(unicodedata.digit(c)) if c.isdigit() else ("." if c == "٫" else c) for c in s)


def read_version(text: str, pos: int, g: Grammar, base: str) -> tuple[list[Part], int]:
    """The version parts written at text[pos:] after the name `base` and where they end ([] when
    none). A base that holds a version itself ("Llama 3", "GPT-4o") may go on with ".1" and
    takes no second number."""
    parts: list[Part] = []
    numbered = any(ch.isdigit() for ch in base)
    m = _DOT_EXTENSION.match(text, pos) if base[-1:].isdigit() else None
    if m and _ends_word(text, m.end()) and not g.count.match(text, m.end()):
        parts.append(Part("extension", "." + _ascii_digits(m.group(1))))
        pos = m.end()
    while len(parts) < MAX_PARTS:
        sep = _SEP.match(text, pos)
        part, end = _part(text, sep.end(), sep.group(), g, parts, numbered)
        if part is None:
            break
        parts.append(part)
        pos = end
    return parts, pos


def _part(text: str, i: int, sep: str, g: Grammar, parts: list[Part], numbered: bool) -> tuple[Part | None, int]:
    """One version part at text[i:] after the separator `sep`: a size, the version number (once),
    or a variant word (a Latin one capitalised unless after a hyphen or a number: "Gemini pro
    users" is no version). Only a number or size may be glued to the family ("Qwen2.5")."""
    numbered = numbered or any(p.kind != "variant" for p in parts)
    glued = sep == ""
    if glued and parts:
        return None, i
    if (m := g.size.match(text, i)) and _ends_word(text, m.end()):
        return Part("size", _size(m.group())), m.end()
    if not numbered and (m := g.number.match(text, i)) and _ends_word(text, m.end()) and not g.count.match(text, m.end()):
        lead = (m.group("lead") or "").upper()
        return Part("number", lead + _ascii_digits(m.group("num")) + (m.group("tail") or "").lower()), m.end()
    if not glued and (m := g.variant.match(text, i)) and _ends_word(text, m.end()):
        word = m.group()
        any_case = numbered or any(h in sep for h in "-‐‑")
        if word[0].isascii() and not any_case and not word[0].isupper():
            return None, i
        return Part("variant", g.variants[word.casefold()]), m.end()
    return None, i


def _size(written: str) -> str:
    """405b -> 405B, 8×7b -> 8x7B, a22b -> A22B."""
    s = _ascii_digits(written).replace("×", "x").replace("X", "x")
    s = "A" + s[1:] if s[0] in "aA" else s
    return s[:-1] + s[-1].upper()


def versioned_name(base: str, family: str, parts: list[Part]) -> str:
    """The versioned name written the family's way: Qwen + 2.5, VL -> Qwen2.5-VL."""
    style = styles().get(family, DEFAULT_STYLE)
    name = base
    for i, p in enumerate(parts):
        word = p.text.lower() if p.kind == "variant" and style.lower_variants else p.text
        if p.kind == "extension":
            name += word
        elif i == 0 and base == family and p.kind == "number":
            name += style.joiner + word
        else:
            name += style.separator + word
    return name


@dataclass(frozen=True, slots=True)
class Versioned:
    start: int  # offsets in the sentence's original text
    end: int
    entity: str
    family: str
    maker: str | None
    numbered: bool  # a version number or size: the family alias needs no context then


def find_versions(sentence: Sentence, kb: KnowledgeBase) -> list[Versioned]:
    """Every family mention followed by a version or variant in the sentence."""
    g = grammar(sentence.doc.lang if sentence.doc else "en")
    out = []
    for start, end, entries in longest(sentence.hits, "family"):
        s, e = sentence.to_original(start, end)
        text = sentence.text
        if s > 0 and text[s - 1].isdigit():
            continue
        base = kb.entities[entries[0].value.entity]
        parts, stop = read_version(text, e, g, base.name)
        if not parts:
            continue
        family = kb.family_of(base.name) or base.name
        name = versioned_name(base.name, family, parts)
        known = kb.aliases.get(key_of(name))
        if known is not None and kb.entities[known.entity].type == "product":
            name = known.entity
            family = kb.family_of(name) or name
        out.append(Versioned(s, stop, name, family, base.company, any(p.kind != "variant" for p in parts)))
    return out


def with_versions(found: list, versions: list[Versioned], sentence_text: str, make) -> list:
    """The candidates with each versioned mention in place of the family mentions it covers
    (`make(start, end, text, entity, family, maker, needs_context)` builds a candidate)."""
    if not versions:
        return found
    out = []
    starts = [v.start for v in versions]  # in order, apart: leftmost-longest family hits
    covered: dict[int, list] = {}
    for c in found:
        i = bisect_right(starts, c.span.start) - 1
        if i >= 0 and c.span.end <= versions[i].end:
            covered.setdefault(i, []).append(c)
            continue
        out.append(c)
    for i, v in enumerate(versions):
        under = covered.get(i)
        needs_context = (not v.numbered and all(c.needs_context for c in under)) if under else not v.numbered
        out.append(make(v.start, v.end, sentence_text[v.start:v.end], v.entity, v.family, v.maker, needs_context))
    return sorted(out, key=lambda c: (c.span.start, -c.span.end))
