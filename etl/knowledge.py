"""The knowledge base of the AI industry, loaded from the CSV files in etl/data/.

- entities.csv: name, type (company/product), maker, license (open/closed/empty), country
- aliases.csv: entity, alias, lang, needs_context (1 = counts only with supporting context),
  case_sensitive (1 = counts only when written exactly so: "Cursor", not "cursor"; علي, not
  the preposition على, which normalisation would otherwise fold into the same letters)
- license_cues.csv, stance_breaks.csv: open/closed-source cue words and contrast words per language
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from etl.matcher import Matcher, pattern_key

DATA_DIR = Path(__file__).resolve().parent / "data"


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


def read_csv(name: str) -> list[dict[str, str]]:
    with open(DATA_DIR / name, encoding="utf-8", newline="") as f:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(f)]


class KnowledgeBase:
    def __init__(self, entities: list[Entity], aliases: list[Alias]):
        self.entities = {e.name: e for e in entities}
        self.aliases: dict[str, Alias] = {}
        # The canonical name is an alias of itself; explicit alias rows override its flags.
        for e in entities:
            self.aliases.setdefault(pattern_key(e.name), Alias(e.name, e.name, False, False))
        for a in aliases:
            if a.entity in self.entities and pattern_key(a.alias):
                self.aliases[pattern_key(a.alias)] = a
        self.matcher = Matcher(self.aliases)

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


@cache
def knowledge_base() -> KnowledgeBase:
    return KnowledgeBase.from_rows(read_csv("entities.csv"), read_csv("aliases.csv"))


@dataclass(frozen=True)
class StanceCues:
    matcher: Matcher
    license_of: dict[str, str]  # pattern key -> open/closed
    breaks: Matcher  # contrast words that stop a cue from reaching across a clause


@cache
def stance_cues() -> StanceCues:
    rows = read_csv("license_cues.csv")
    license_of = {pattern_key(r["cue"]): r["license"] for r in rows}
    breaks = Matcher(r["word"] for r in read_csv("stance_breaks.csv"))
    return StanceCues(Matcher(license_of), license_of, breaks)
