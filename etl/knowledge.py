"""The knowledge base of the AI industry, loaded from the CSV files in etl/data/.

- entities.csv: name, type (company/product), maker, license (open/closed/empty), country
- aliases.csv: entity, alias, lang, needs_context (1 = counts only with supporting context),
  case_sensitive (1 = counts only when written exactly so: "Cursor", not "cursor"; علي, not
  the preposition على, which normalisation would otherwise fold into the same letters)
- license_cues.csv, stance_breaks.csv: open/closed-source cue words and contrast words per language
- org_cues.csv: the suffixes and frames that mark an organisation the knowledge base lacks

A product's family (`KnowledgeBase.family_of`) is the shortest other product of the same maker
whose name starts its name before a separator or a digit: GPT-4o -> GPT, Llama 3 -> Llama,
Claude Opus -> Claude; a product without one is its own family.

The aliases and cue words reach the extractors as word lists of the one lexicon (etl/lexicon.py).
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from etl.datafiles import read_csv
from etl.lexicon import Entry, exact_form, key_of


@dataclass(frozen=True, slots=True)
class Entity:
    name: str
    type: str  # company or product
    maker: str | None
    license: str | None  # default stance: open, closed or None
    country: str | None

    @property
    def company(self) -> str:
        return self.maker if self.type == "product" and self.maker else self.name


@dataclass(frozen=True, slots=True)
class Alias:
    entity: str
    alias: str
    needs_context: bool
    case_sensitive: bool


class KnowledgeBase:
    def __init__(self, entities: list[Entity], aliases: list[Alias]):
        self.entities = {e.name: e for e in entities}
        self.aliases: dict[str, Alias] = {}  # normalised spelling -> alias (one entity per spelling)
        # The canonical name is an alias of itself; explicit alias rows override its flags.
        for e in entities:
            self.aliases.setdefault(key_of(e.name), Alias(e.name, e.name, False, False))
        for a in aliases:
            if a.entity in self.entities and key_of(a.alias):
                self.aliases[key_of(a.alias)] = a
        self.families = _families([e for e in entities if e.type == "product"])

    @classmethod
    def from_rows(cls, entity_rows: list[dict], alias_rows: list[dict]) -> "KnowledgeBase":
        entities = [
            Entity(r["name"], r["type"], r.get("maker") or None, r.get("license") or None, r.get("country") or None)
            for r in entity_rows
        ]
        aliases = [
            Alias(r["entity"], r["alias"], r.get("needs_context") == "1", r.get("case_sensitive") == "1")
            for r in alias_rows
        ]
        return cls(entities, aliases)

    def family_of(self, name: str) -> str | None:
        """The family of a product of the knowledge base (None for a company or an unknown name)."""
        return self.families.get(name)

    def words(self) -> Iterator[tuple[str, Entry]]:
        """The aliases as a word list: matched in every language (names cross scripts). Product
        aliases are also the "family" list, whose words may touch a digit: "Qwen2.5" is the
        family Qwen followed by a version (etl/extract/versions.py)."""
        for alias in self.aliases.values():
            exact = frozenset({exact_form(alias.alias)}) if alias.case_sensitive else None
            yield alias.alias, Entry("alias", alias, clitics=True, exact=exact)
            if self.entities[alias.entity].type == "product":
                yield alias.alias, Entry("family", alias, clitics=True, glue_digits=True, exact=exact)


_FAMILY_BREAK = re.compile(r"[\s\-.]|\d")


def _families(products: list[Entity]) -> dict[str, str]:
    """Product name -> its family (see the module docstring)."""
    out = {}
    for p in products:
        roots = [q.name for q in products if q.name != p.name and q.maker == p.maker
                 and p.name.casefold().startswith(q.name.casefold())
                 and _FAMILY_BREAK.match(p.name, len(q.name))]
        out[p.name] = min(roots, key=len) if roots else p.name
    return out


@cache
def knowledge_base() -> KnowledgeBase:
    return KnowledgeBase.from_rows(read_csv("entities.csv"), read_csv("aliases.csv"))


def stance_words() -> Iterator[tuple[str, Entry]]:
    """Open/closed cue words (value: the license) and contrast words (value: None)."""
    for r in read_csv("license_cues.csv"):
        yield r["cue"], Entry("stance", r["license"], clitics=True)
    for r in read_csv("stance_breaks.csv"):
        yield r["word"], Entry("break", None, clitics=True)


def org_words(lang: str) -> Iterator[tuple[str, Entry]]:
    """Suffixes and frames of organisation names (org_cues.csv) of `lang` and of every language
    (value: the row; Latin suffixes count only when capitalised as written: "Labs", not "labs")."""
    for r in read_csv("org_cues.csv"):
        if r["lang"] in ("", lang):
            exact = frozenset({exact_form(r["cue"])}) if r["case_sensitive"] == "1" else None
            cue = OrgCue(r["kind"], r["cue"], r["needs"], r["native_needs"])
            yield r["cue"], Entry("org_cue", cue, clitics=True, exact=exact)


@dataclass(frozen=True, slots=True)
class OrgCue:
    kind: str  # suffix (ends the name: "Labs", 科技), before (the name follows: "startup X", "由X"), after ("X-backed", "X ने")
    cue: str
    needs: str  # |-separated words one of which the sentence must hold ("X ने" only with जुटा); empty: none
    native_needs: str  # the same for a name not in Latin letters ("شركة X" only in a funding story)
