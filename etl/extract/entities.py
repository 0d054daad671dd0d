"""Company and product mentions, linked to the knowledge base through its normalised aliases
(the "alias" list of the lexicon: etl/knowledge.py, etl/lexicon.py), with versioned products
(etl/extract/versions.py) in place of the family mentions they extend."""
from __future__ import annotations

from etl.context import Sentence, sentence_of
from etl.extract.versions import find_versions, with_versions
from etl.knowledge import KnowledgeBase, knowledge_base
from etl.lexicon import longest
from etl.spans import EntitySpan, span_class
from etl.wordlists import lexicon_with


@span_class
class Candidate:
    span: EntitySpan
    needs_context: bool  # an ambiguous alias ("Meta", Arabic علي): kept only with support


def candidates(sentence: Sentence | str, kb: KnowledgeBase | None = None) -> list[Candidate]:
    """Every alias in the sentence (leftmost-longest), before the context rule for ambiguous aliases."""
    kb = kb or knowledge_base()
    sentence = _as_sentence(sentence, kb)
    out = []
    for start, end, entries in longest(sentence.hits, "alias"):
        alias = entries[0].value
        s, e = sentence.to_original(start, end)
        entity = kb.entities[alias.entity]
        span = EntitySpan(s, e, sentence.text[s:e], entity.name, entity.type, entity.company,
                          family=kb.family_of(entity.name))
        out.append(Candidate(span, alias.needs_context))
    return out


def versioned_candidates(sentence: Sentence | str, kb: KnowledgeBase | None = None) -> list[Candidate]:
    """`candidates` with versioned products ("Qwen2.5-VL") in place of their family mentions, and
    every product's family."""
    kb = kb or knowledge_base()
    sentence = _as_sentence(sentence, kb)
    return with_versions(candidates(sentence, kb), find_versions(sentence, kb), sentence.text, _versioned)


def _versioned(start, end, text, entity, family, maker, needs_context) -> Candidate:
    return Candidate(EntitySpan(start, end, text, entity, "product", maker, family=family), needs_context)


def accept(found: list[Candidate]) -> list[EntitySpan]:
    """Apply the context rule: an ambiguous alias counts only when another entity is linked
    without ambiguity in the same sentence ("علي وبايدو وهواوي", not "قال علي")."""
    confident = {c.span.entity for c in found if not c.needs_context}
    return [c.span for c in found if not c.needs_context or (confident - {c.span.entity})]


def find_entities(sentence: Sentence | str, kb: KnowledgeBase | None = None) -> list[EntitySpan]:
    """Company and product mentions in one sentence (offsets relative to its text)."""
    return accept(versioned_candidates(sentence, kb))


def _as_sentence(sentence: Sentence | str, kb: KnowledgeBase) -> Sentence:
    return sentence_of(sentence, lexicon_with(kb, "en")) if isinstance(sentence, str) else sentence
