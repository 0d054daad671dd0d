"""Documents in, rows of the tidy mentions table out.

`extract_document` is the per-document function (pure: a Document in, rows out) that every
engine runs (see etl/runner.py for a run over a corpus).
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from bisect import bisect_right
from dataclasses import dataclass, field, replace
from datetime import date
from typing import TypeVar
from pathlib import Path

from etl.documents import Document
from etl.extract.dates import scan_dates
from etl.extract.entities import find_entities
from etl.extract.organisations import find_organisations
from etl.extract.stanza_ner import with_rule_candidates
from etl.extract.published import dateline_in, fallback_in, published_in
from etl.extract.funding import roles_all
from etl.extract.fx import convert, converter
from etl.extract.money import find_money
from etl.extract.stance import find_breaks, find_stance_cues, stances
from etl.context import DocumentContext, Sentence
from etl.datafiles import read_csv
from etl.knowledge import KnowledgeBase, knowledge_base
from etl.lang import detect_lang
from etl.spans import DateSpan, EntitySpan
from etl.wordlists import lexicon_with

S = TypeVar("S", EntitySpan, DateSpan)


@dataclass
class DocumentResult:
    document: dict  # a row of documents.parquet
    mentions: list[dict] = field(default_factory=list)


def extract_document(
    doc: Document,
    kb: KnowledgeBase | None = None,
    today: date | None = None,
    ner_spans: Sequence[EntitySpan] = (),
) -> DocumentResult:
    """All mention rows of one document. `ner_spans` (document offsets) come from an NER backend;
    they and the rule candidates (etl/extract/organisations.py) only add mentions the knowledge
    base did not find."""
    kb = kb or knowledge_base()
    today = today or date.today()
    text = doc.text
    ctx = DocumentContext(text, doc.lang, lexicon_with(kb, doc.lang or detect_lang(text)))
    lang, sents = ctx.lang, ctx.sentences
    # One date scan of the kept sentences: the publication date, the base and the date rows.
    scan = scan_dates(ctx)

    published, published_from, grain = _published(doc, scan, today)
    # Dates without a year take it from the publication date, else from the latest year the text
    # states (a lower bound; `published` itself stays null then). Relative phrases need a base
    # as fine as they are (yesterday: a day); the others are counted, not guessed.
    date_base, base_grain = (published, grain) if published else (fallback_in(scan, today), "year")
    base = {
        "doc_id": doc.doc_id,
        "source": doc.source,
        "lang": lang,
        "published": published,
        "published_from": published_from,
        "published_grain": grain,
        "title": doc.title,
        "url": doc.url,
    }
    ner_by_sentence = _assign_to_sentences(ner_spans, sents)
    dates_by_sentence = scan.by_sentence(date_base, base_grain)

    rows: list[dict] = []
    previous_entities: list[EntitySpan] = []
    for sent in sents:
        row_base = {**base, "sentence_id": sent.index, "sentence": sent.text}
        entities = find_entities(sent, kb)
        orgs = find_organisations(sent, entities, scan.phrases_of(sent.index))  # names never overlap a date phrase
        new = with_rule_candidates(ner_by_sentence.get(sent.index, ()), orgs)
        entities += _new_from_ner(new, entities)
        rows += _entity_rows(row_base, sent, entities, kb)
        dates = dates_by_sentence.get(sent.index, [])
        rows += [_date_row(row_base, sent, d) for d in dates]
        rows += _money_rows(row_base, sent, lang, entities, dates, published, previous_entities)
        previous_entities = entities or previous_entities

    document = _document_row(doc, base, ctx, len(rows))
    document["relative_undated"] = scan.unresolved(date_base, base_grain)
    return DocumentResult(document, rows)


def _published(doc: Document, scan, today: date) -> tuple[date | None, str | None, str | None]:
    """(published, published_from, published_grain): the metadata's date, else a dateline's day,
    else the year the text implies."""
    if doc.published:
        return doc.published, doc.published_from or "metadata", doc.published_grain or "day"
    line = dateline_in(scan)
    if line is not None and line <= today:
        return line, "dateline", "day"
    published = published_in(scan, today)
    return (published, "text", "year") if published else (None, None, None)


def _document_row(doc: Document, base: dict, ctx: DocumentContext, mentions: int) -> dict:
    return {
        **base,
        "lang_from": "metadata" if doc.lang else "script",
        "site": doc.site,
        "author": doc.author,
        "chars": len(doc.text),
        "sentences": len(ctx.sentences),
        "repeated_paragraphs": ctx.repeated,
        "duplicates": None,
        "mentions": mentions,
    }


def _entity_rows(row_base: dict, sent: Sentence, entities: list[EntitySpan], kb) -> list[dict]:
    if not entities:
        return []
    cues = find_stance_cues(sent)
    breaks = find_breaks(sent) if cues else []
    rows = []
    licenses = stances(entities, cues, breaks) if cues else [None] * len(entities)
    for e, license_ in zip(entities, licenses):
        license_from = "context" if license_ else None
        if license_ is None and e.linked:
            known = kb.entities.get(e.entity) or kb.entities.get(e.family or "")
            license_ = known.license if known else None
            license_from = "knowledge_base" if license_ else None
        rows.append({
            **row_base,
            "start": sent.start + e.start,
            "end": sent.start + e.end,
            "text": e.text,
            "kind": e.kind,
            "entity": e.entity,
            "company": e.company,
            "license": license_,
            "license_from": license_from,
            "extractor": e.extractor,
            "linked": e.linked,
            "family": e.family,
        })
    return rows


def _date_row(row_base: dict, sent: Sentence, d: DateSpan) -> dict:
    return {
        **row_base,
        "start": sent.start + d.start,
        "end": sent.start + d.end,
        "text": d.text,
        "kind": "date",
        "entity": d.value,
        "date": d.value,
        "date_grain": d.grain,
        "extractor": "rules",
    }


def _money_rows(row_base, sent, lang, entities, dates, published, previous_entities) -> list[dict]:
    rows = []
    figures = find_money(sent, lang)
    if not figures:
        return rows
    for m, roles in zip(figures, roles_all(figures, sent, entities, dates)):
        company, investor = roles.company, roles.investor
        if company is None and not entities and m.money_type != "aggregate" and previous_entities:
            # "… Inflection AI. After raising $1.3 billion …": a sentence that names nobody is
            # about the last company named in the sentence before.
            company = next((e.company for e in reversed(previous_entities) if e.company != investor), None)
        when = roles.date
        rate = convert(m.amount, m.currency, when.value if when else None, published, row_base["published_grain"])
        rows.append({
            **row_base,
            "start": sent.start + m.start,
            "end": sent.start + m.end,
            "text": m.text,
            "kind": "money",
            "entity": f"{m.currency} {m.amount:.4g}",
            "company": company,
            "amount": m.amount,
            "amount_upper": m.upper,
            "currency": m.currency,
            "amount_usd": rate.usd,
            "fx_date": rate.fx_date,
            "fx_from": rate.fx_from,
            "money_type": m.money_type,
            "round": roles.round,
            "investor": investor,
            "investors": "; ".join(roles.investors) or None,
            "date": when.value if when else None,
            "date_grain": when.grain if when else None,
            "extractor": "rules",
        })
    return rows


def _assign_to_sentences(spans: Sequence[S], sents: list[Sentence]) -> dict[int, list[S]]:
    """Spans with document offsets, re-based to the kept sentence that holds them (spans in a
    repeated paragraph, or across a sentence boundary, belong to none)."""
    starts = [s.start for s in sents]
    out: dict[int, list[S]] = {}
    for span in spans:
        i = bisect_right(starts, span.start) - 1
        if i >= 0 and span.end <= sents[i].end:
            s = sents[i]
            out.setdefault(s.index, []).append(replace(span, start=span.start - s.start, end=span.end - s.start))
    return out


def _new_from_ner(ner: Iterable[EntitySpan], found: list[EntitySpan]) -> list[EntitySpan]:
    """NER and rule spans that overlap nothing the knowledge base found (they only add)."""
    return [n for n in ner if not any(n.start < f.end and f.start < n.end for f in found)]


def warm_up() -> None:
    """Build every lazily compiled pattern and parser cache (all languages) in this process, by
    extracting one short sentence per language (etl/data/warm_up.csv). Worker processes forked
    afterwards inherit them instead of each paying ~2 s to build them again (the ECB rates too)."""
    converter()
    for row in read_csv("warm_up.csv"):
        extract_document(Document(text=row["text"], source="warm-up", lang=row["lang"]), today=date(2026, 1, 1))
