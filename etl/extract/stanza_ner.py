"""Stanza NER as an extra source of company mentions, linked to the knowledge base.

`run_stanza` sends documents to a per-language stanza.Pipeline("tokenize,ner") in batches of
stanza.Document objects (one per document, so offsets stay document offsets); `spans_from_stanza`
turns one annotated stanza.Document into EntitySpans. The mapping keeps one promise: for every
name the knowledge base covers, the rows are the same whether Stanza ran or not.

- An organisation span (ORG in the OntoNotes models for en/zh and the AQMAR model for ar, NEO
  in the IL-NER model for hi) that touches no alias of the knowledge base becomes an unlinked
  `company` span: entity = the name as written, Unicode NFC, spaces collapsed, Arabic tatweel and
  diacritics removed, leading Arabic clitics (و ف ب ك ل, when Stanza's own multi-word analysis
  or a Latin name right after them shows they are clitics) and a leading "the" stripped.
- A span (ORG, or PRODUCT / MISC / NEAR where the model has them) whose whole text, after a
  clitic or "the", is one alias is linked: the span is exactly the gazetteer's (alias offsets,
  canonical entity, kind and company from the knowledge base), so it adds no row. Aliases the
  gazetteer only accepts with context (`needs_context`) are left to the gazetteer.
- Any other span that overlaps an alias is dropped: the knowledge base decides there.
- PERSON / PER / NEP, places, dates, numbers and the rest never become companies; unlinked
  PRODUCT / MISC spans are dropped (no maker to attribute them to, and MISC is mostly noise).
"""
from __future__ import annotations

import logging
import re
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import replace
import unicodedata
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from etl.context import sentence_of
from etl.extract.entities import candidates
from etl.extract.organisations import name_of
from etl.knowledge import KnowledgeBase, knowledge_base
from etl.lang import ARABIC_CLITICS as ARABIC_CLITIC_PREFIXES
from etl.models import PROCESSORS, ModelsMissing, default_resources_dir, install_command
from etl.lexicon import Lexicon, longest
from etl.spans import EntitySpan
from etl.textnorm import NormalizedText, normalize

if TYPE_CHECKING:
    import stanza

log = logging.getLogger(__name__)

# Organisation tags: OntoNotes (en, zh) and AQMAR (ar) use ORG, IL-NER (hi) uses NEO.
ORG_TYPES = frozenset({"ORG", "NEO", "ORGANIZATION", "ORGANISATION"})
# Linked to the knowledge base when the whole span is an alias, dropped otherwise: PRODUCT
# (OntoNotes), MISC (AQMAR), NEAR (IL-NER artefacts: products, works, buildings).
LINK_ONLY_TYPES = frozenset({"PRODUCT", "MISC", "NEAR"})

_ARABIC = r"\u0620-\u064A\u066E-\u06D3\u06FA-\u06FF"
_SINGLE_CLITICS = frozenset({"و", "ف", "ب", "ك", "ل"})
# A clitic run glued to a Latin name: وOpenAI, لـAnthropic.
_CLITIC_BEFORE_LATIN = re.compile(f"^([{_ARABIC}]+)(?=[A-Za-z0-9])")
_THE = re.compile(r"^the\s+(?=\S)", re.IGNORECASE)
_POSSESSIVE = re.compile(r"\s*['’]s$")
_POSSESSIVE_SUFFIX = re.compile(r"^\s*['’]s\W*$")
_KEEP_AT_EDGE = frozenset(".&!+#")  # "Inc.", "Yahoo!", "C++" keep their last character


# ---------------------------------------------------------------------------------------------
# Loading and running the pipeline


def load_pipeline(lang: str, resources_dir: str | Path | None = None) -> "stanza.Pipeline":
    """The stanza.Pipeline(lang, "tokenize,ner") for `lang`, from `resources_dir` only (never
    downloads), built once per process. Raises ModelsMissing with the install command when the
    models are missing or cannot be loaded."""
    directory = Path(resources_dir).expanduser() if resources_dir else default_resources_dir()
    return _pipeline(lang, str(directory.resolve()))


@cache
def _pipeline(lang: str, directory: str) -> "stanza.Pipeline":
    try:
        import stanza

        return stanza.Pipeline(
            lang,
            dir=directory,
            processors=PROCESSORS,
            download_method=None,  # models are installed by `python -m etl models download`, never here
            logging_level="ERROR",
        )
    except Exception as e:  # missing resources.json / model files, unreadable models, torch errors
        raise ModelsMissing(
            f"cannot load the Stanza {lang} models from {directory}: {type(e).__name__}: {e}\n"
            f"Install them (needs internet) with:\n    {install_command([lang], directory)}"
        ) from e


def run_stanza(
    texts: list[str],
    lang: str,
    resources_dir: str | Path | None,
    batch_size: int = 32,
    kb: KnowledgeBase | None = None,
) -> list[list[EntitySpan]]:
    """Stanza spans (offsets into each text) for each text, in order. Texts go to the pipeline as
    a list of stanza.Document objects, `batch_size` at a time. A batch that fails is retried one
    document at a time; a document that still fails gets no spans (and a logged warning)."""
    import stanza

    kb = kb or knowledge_base()
    nlp = load_pipeline(lang, resources_dir)
    out: list[list[EntitySpan]] = [[] for _ in texts]
    todo = [i for i, t in enumerate(texts) if t and t.strip()]
    for b in range(0, len(todo), max(1, batch_size)):
        batch = todo[b : b + max(1, batch_size)]
        try:
            annotated = nlp([stanza.Document([], text=texts[i]) for i in batch])
        except Exception as e:
            log.warning("stanza %s: batch of %d documents failed (%s); retrying one by one", lang, len(batch), e)
            annotated = []
            for i in batch:
                try:
                    annotated += nlp([stanza.Document([], text=texts[i])])
                except Exception as e1:
                    log.warning("stanza %s: document %d skipped: %s: %s", lang, i, type(e1).__name__, e1)
                    annotated.append(None)
        for i, doc in zip(batch, annotated):
            if doc is not None:
                out[i] = spans_from_stanza(doc, kb)
    return out


# ---------------------------------------------------------------------------------------------
# Mapping an annotated document to EntitySpans


def spans_from_stanza(doc: "stanza.Document", kb: KnowledgeBase | None = None) -> list[EntitySpan]:
    """Company/product spans of one Stanza-annotated document (offsets into `doc.text`)."""
    text = doc.text or ""
    ents = []
    for ent in doc.ents:
        tag = (ent.type or "").upper()
        if tag not in ORG_TYPES and tag not in LINK_ONLY_TYPES:
            continue
        start, end = ent.start_char, ent.end_char
        if start is None or end is None or not 0 <= start < end <= len(text):
            continue
        ents.append((ent, tag, start, end))
    if not ents:
        return []
    kb = kb or knowledge_base()
    aliases = Lexicon(kb.words())
    norm = NormalizedText.of(text)
    # Every alias occurrence, even one its case rejects; and what the gazetteer sees.
    raw = [norm.to_original(s, e) for s, e, _ in longest(aliases.scan(norm, check_case=False), "alias")]
    linkable = {(c.span.start, c.span.end): c for c in candidates(sentence_of(text, aliases), kb)}

    out: list[EntitySpan] = []
    for ent, tag, start, end in ents:
        touching = [r for r in raw if r[0] < end and start < r[1]]
        if touching:
            span = _linked(text, start, end, touching, linkable)
        elif tag in ORG_TYPES:
            span = _unlinked(ent, text, start, end)
        else:
            span = None
        if span is not None:
            out.append(span)
    return out


def _linked(text, start, end, touching, linkable) -> EntitySpan | None:
    """The gazetteer's own span when the Stanza span is exactly one alias (plus a clitic, "the",
    or punctuation); None otherwise."""
    if len(touching) != 1:
        return None
    m_start, m_end = touching[0]
    if m_start < start or m_end > end:
        return None
    cand = linkable.get((m_start, m_end))
    if cand is None or cand.needs_context:  # case-rejected, or the context rule decides
        return None
    if not _ignorable_prefix(text[start:m_start]) or not _ignorable_suffix(text[m_end:end]):
        return None
    s = cand.span
    return EntitySpan(s.start, s.end, s.text, s.entity, s.kind, s.company, extractor="stanza", linked=True)


def _ignorable_prefix(prefix: str) -> bool:
    core = _strip_edges(prefix)
    return core == "" or core.casefold() == "the" or normalize(core) in ARABIC_CLITIC_PREFIXES


def _ignorable_suffix(suffix: str) -> bool:
    return _strip_edges(suffix) == "" or _POSSESSIVE_SUFFIX.match(suffix) is not None


def _is_edge_char(ch: str, keep: frozenset = _KEEP_AT_EDGE) -> bool:
    """Space, punctuation or an invisible mark, trimmed from the ends of a span."""
    if ch.isspace():
        return True
    if ch in keep:
        return False
    cat = unicodedata.category(ch)
    return cat[0] == "P" or cat in ("Cf", "Cc") or ch in "™®©"


def _strip_edges(s: str) -> str:
    i, j = 0, len(s)
    while i < j and _is_edge_char(s[i], frozenset()):
        i += 1
    while j > i and _is_edge_char(s[j - 1], frozenset()):
        j -= 1
    return s[i:j]


def _unlinked(ent, text: str, start: int, end: int) -> EntitySpan | None:
    """An organisation the knowledge base does not know: the span trimmed of punctuation, "the",
    a possessive and Arabic clitics; entity = its normalised surface form."""
    while start < end and _is_edge_char(text[start]):
        start += 1
    while end > start and _is_edge_char(text[end - 1]):
        end -= 1
    if m := _THE.match(text[start:end]):
        start += m.end()
    if m := _POSSESSIVE.search(text[start:end]):
        end = start + m.start()
    start = _skip_arabic_clitics(ent, text, start, end)
    surface = text[start:end]
    entity = name_of(surface)
    if len(entity) < 2 or not any(ch.isalpha() for ch in entity):
        return None
    return EntitySpan(start, end, surface, entity, "company", entity, extractor="stanza", linked=False)


def _skip_arabic_clitics(ent, text: str, start: int, end: int) -> int:
    """`start` moved past leading Arabic proclitics when there is evidence they are clitics:
    Stanza's multi-word-token analysis (لهواوي = ل + هواوي), or a Latin name right after them
    (وOpenAI). Without such evidence an initial و ف ب ك ل stays: it is often part of the name
    (فيسبوك, بنك, لينوفو, بالانتير)."""
    first = ent.tokens[0] if getattr(ent, "tokens", None) else None
    if first is not None and first.start_char == start:
        words = [w.text or "" for w in first.words]
        pos = start
        k = 0
        while k < len(words) - 1 and normalize(words[k]) in _SINGLE_CLITICS and text.startswith(words[k], pos):
            pos += len(words[k])
            k += 1
        while pos < end and text[pos] == "\u0640":  # tatweel after a clitic: لـ
            pos += 1
        if k and pos < end and words[k] and text.startswith(words[k][:1], pos):
            return pos
    m = _CLITIC_BEFORE_LATIN.match(text[start:end])
    if m and normalize(m.group(1)) in ARABIC_CLITIC_PREFIXES:
        return start + m.end()
    return start


def with_rule_candidates(ner: Iterable[EntitySpan], rules: list[EntitySpan]) -> list[EntitySpan]:
    """Stanza's spans and the rule candidates of one sentence together, one span per organisation:
    an unlinked Stanza organisation that overlaps a rule candidate is that candidate, with
    `extractor = stanza+rules` (the rule span: a suffix or frame bounds the name more reliably
    than a model trained on other news); the others as they are."""
    ner = list(ner)
    if not ner or not rules:
        return ner or rules
    agreed = set()
    out = []
    starts = [r.start for r in rules]  # in order, apart
    for n in ner:
        match = None
        if not n.linked:
            i = max(0, bisect_right(starts, n.start) - 1)
            while i < len(rules) and rules[i].start < n.end and match is None:
                match = i if n.start < rules[i].end else None
                i += 1
        if match is None:
            out.append(n)
        elif match not in agreed:
            agreed.add(match)
            out.append(replace(rules[match], extractor="stanza+rules"))
    out += [r for i, r in enumerate(rules) if i not in agreed]
    return sorted(out, key=lambda s: (s.start, -s.end))
