"""The knowledge base of the AI industry, loaded from the CSV files in etl/data/.

- entities.csv: name, type (company/product), maker, license (open/closed/empty), country
- aliases.csv: entity, alias, lang, needs_context (1 = counts only with supporting context),
  case_sensitive (1 = counts only when written exactly so: "Cursor", not "cursor"; علي, not
  the preposition على, which normalisation would otherwise fold into the same letters)
- license_cues.csv, stance_breaks.csv: open/closed-source cue words and contrast words per language

The aliases and cue words reach the extractors as word lists of the one lexicon (etl/lexicon.py).
"""
from __future__ import annotations

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

    def words(self) -> Iterator[tuple[str, Entry]]:
        """The aliases as a word list: matched in every language (names cross scripts)."""
        for alias in self.aliases.values():
            exact = frozenset({exact_form(alias.alias)}) if alias.case_sensitive else None
            yield alias.alias, Entry("alias", alias, clitics=True, exact=exact)


@cache
def knowledge_base() -> KnowledgeBase:
    return KnowledgeBase.from_rows(read_csv("entities.csv"), read_csv("aliases.csv"))


def stance_words() -> Iterator[tuple[str, Entry]]:
    """Open/closed cue words (value: the license) and contrast words (value: None)."""
    for r in read_csv("license_cues.csv"):
        yield r["cue"], Entry("stance", r["license"], clitics=True)
    for r in read_csv("stance_breaks.csv"):
        yield r["word"], Entry("break", None, clitics=True)
