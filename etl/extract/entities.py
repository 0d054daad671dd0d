"""Company and product mentions, linked to the knowledge base through its normalised aliases."""
from __future__ import annotations

import re
from dataclasses import dataclass

from etl.knowledge import KnowledgeBase, knowledge_base
from etl.spans import EntitySpan
from etl.textnorm import DROPPED_CHARS, NormalizedText

_SEPARATORS = re.compile(r"[\s\-‐‑–—_]+")


def exact_form(s: str) -> str:
    """The spelling as written, minus separators and diacritics: "Cursor" != "cursor", علي != على."""
    return DROPPED_CHARS.sub("", _SEPARATORS.sub("", s))


@dataclass(frozen=True, slots=True)
class Candidate:
    span: EntitySpan
    needs_context: bool  # an ambiguous alias ("Meta", Arabic علي): kept only with support


def candidates(text: str | NormalizedText, kb: KnowledgeBase | None = None) -> list[Candidate]:
    """Every alias match in `text`, before the context rule for ambiguous aliases."""
    kb = kb or knowledge_base()
    norm = text if isinstance(text, NormalizedText) else NormalizedText.of(text)
    out = []
    for m in kb.matcher.find(norm):
        alias = kb.aliases[m.key]
        surface = norm.original[m.start : m.end]
        if alias.case_sensitive and exact_form(surface) != exact_form(alias.alias):
            continue
        entity = kb.entities[alias.entity]
        span = EntitySpan(m.start, m.end, surface, entity.name, entity.type, entity.company)
        out.append(Candidate(span, alias.needs_context))
    return out


def accept(found: list[Candidate]) -> list[EntitySpan]:
    """Apply the context rule: an ambiguous alias counts only when another entity is linked
    without ambiguity in the same sentence ("علي وبايدو وهواوي", not "قال علي")."""
    confident = {c.span.entity for c in found if not c.needs_context}
    return [c.span for c in found if not c.needs_context or (confident - {c.span.entity})]


def find_entities(text: str | NormalizedText, kb: KnowledgeBase | None = None) -> list[EntitySpan]:
    """Company and product mentions in one sentence (offsets relative to `text`)."""
    return accept(candidates(text, kb))
