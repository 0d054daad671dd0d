"""Documents in, rows of the tidy mentions table out.

`extract_document` is the per-document function (pure: a Document in, rows out) that every
engine runs; `extract` runs it over many documents, counting identical documents once.
"""
from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from etl.documents import Document
from etl.extract.dates import find_dates, infer_published
from etl.extract.entities import accept, candidates
from etl.extract.funding import attribute
from etl.extract.money import find_money, to_usd
from etl.extract.stance import find_breaks, find_stance_cues, stance_of
from etl.knowledge import KnowledgeBase, knowledge_base
from etl.segment import Sentence, detect_lang, sentences
from etl.spans import DateSpan, EntitySpan
from etl.store import Tables
from etl.textnorm import NormalizedText

_SPACE_RUN = re.compile(r"\s+")


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
    they only add mentions the knowledge base did not find."""
    kb = kb or knowledge_base()
    today = today or date.today()
    text = doc.text
    lang = doc.lang or detect_lang(text)
    sents, repeated = _unique_sentences(text)

    if doc.published:
        published, published_from = doc.published, "metadata"
    else:
        published = infer_published(text, lang, today)
        published_from = "text" if published else None

    base = {
        "doc_id": doc.doc_id,
        "source": doc.source,
        "lang": lang,
        "published": published,
        "published_from": published_from,
    }
    normalized = [NormalizedText.of(s.text) for s in sents]
    found = [candidates(n, kb) for n in normalized]
    known = {c.span.entity for cands in found for c in cands if not c.needs_context}
    ner_by_sentence = _assign_to_sentences(ner_spans, sents)

    rows: list[dict] = []
    for sent, norm, cands in zip(sents, normalized, found):
        row_base = {**base, "sentence_id": sent.index, "sentence": sent.text}
        entities = accept(cands, known)
        entities += _new_from_ner(ner_by_sentence.get(sent.index, ()), entities)
        rows += _entity_rows(row_base, sent, norm, entities, kb)
        dates = find_dates(sent.text, lang, published)
        rows += [_date_row(row_base, sent, d) for d in dates]
        rows += _money_rows(row_base, sent, lang, entities, dates, published)

    document = {
        **base,
        "lang_from": "metadata" if doc.lang else "script",
        "title": doc.title,
        "url": doc.url,
        "chars": len(text),
        "sentences": len(sents),
        "repeated_paragraphs": repeated,
        "duplicates": None,
        "mentions": len(rows),
    }
    return DocumentResult(document, rows)


def _unique_sentences(text: str) -> tuple[list[Sentence], int]:
    """Sentences of the document, each verbatim repeat (paragraph or sentence) counted once."""
    sents, repeated = sentences(text)
    seen: set[str] = set()
    unique = []
    for s in sents:
        key = _SPACE_RUN.sub(" ", s.text)
        if key in seen:
            continue
        seen.add(key)
        unique.append(Sentence(len(unique), s.start, s.end, s.text))
    return unique, repeated


def _entity_rows(row_base: dict, sent: Sentence, norm: NormalizedText, entities: list[EntitySpan], kb) -> list[dict]:
    if not entities:
        return []
    cues = find_stance_cues(norm)
    breaks = find_breaks(norm) if cues else []
    rows = []
    for e in entities:
        license_ = stance_of(e, cues, breaks) if cues else None
        license_from = "context" if license_ else None
        if license_ is None and e.linked:
            license_ = kb.entities[e.entity].license
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


def _money_rows(row_base, sent, lang, entities, dates, published) -> list[dict]:
    rows = []
    for m in find_money(sent.text, lang):
        company, investor = attribute(m, sent.text, entities, lang)
        when = dates[0] if dates else None
        year = int(when.value[:4]) if when else (published.year if published else None)
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
            "amount_usd": to_usd(m.amount, m.currency, year),
            "money_type": m.money_type,
            "round": m.round,
            "investor": investor,
            "date": when.value if when else None,
            "date_grain": when.grain if when else None,
            "extractor": "rules",
        })
    return rows


def _assign_to_sentences(spans: Sequence[EntitySpan], sents: list[Sentence]) -> dict[int, list[EntitySpan]]:
    """NER spans (document offsets) re-based to the sentence that contains them."""
    out: dict[int, list[EntitySpan]] = {}
    for span in spans:
        for s in sents:
            if s.start <= span.start and span.end <= s.end:
                rebased = EntitySpan(span.start - s.start, span.end - s.start, span.text, span.entity,
                                     span.kind, span.company, span.extractor, span.linked)
                out.setdefault(s.index, []).append(rebased)
                break
    return out


def _new_from_ner(ner: Iterable[EntitySpan], found: list[EntitySpan]) -> list[EntitySpan]:
    """NER spans that overlap nothing the knowledge base found (Stanza only adds)."""
    return [n for n in ner if not any(n.start < f.end and f.start < n.end for f in found)]


@dataclass
class Extraction:
    mentions: list[dict]
    documents: list[dict]
    errors: list[dict]
    seconds: float


def extract(
    docs: Iterable[Document],
    kb: KnowledgeBase | None = None,
    today: date | None = None,
    progress: Callable[[int], None] | None = None,
) -> Extraction:
    """Run `extract_document` over documents; a document identical to an earlier one counts once."""
    started = time.perf_counter()
    kb = kb or knowledge_base()
    mentions: list[dict] = []
    documents: dict[str, dict] = {}
    errors: list[dict] = []
    for n, doc in enumerate(docs, start=1):
        if doc.doc_id in documents:
            first = documents[doc.doc_id]
            first["duplicates"] = "; ".join(filter(None, [first["duplicates"], doc.source]))
        else:
            try:
                result = extract_document(doc, kb, today)
            except Exception as e:  # one broken document never stops the corpus
                errors.append({"source": doc.source, "line": None, "error": f"extraction failed: {type(e).__name__}: {e}"})
            else:
                documents[doc.doc_id] = result.document
                mentions += result.mentions
        if progress:
            progress(n)
    return Extraction(mentions, list(documents.values()), errors, time.perf_counter() - started)


@dataclass
class RunResult:
    tables: Tables
    read_errors: int
    seconds: float

    def summary(self) -> str:
        m = self.tables.mentions
        kinds = m["kind"].value_counts()
        per_kind = ", ".join(f"{kind} {int(kinds.get(kind, 0))}" for kind in ("company", "product", "money", "date"))
        docs = self.tables.documents
        dups = int(docs["duplicates"].notna().sum()) if len(docs) else 0
        undated = int(docs["published"].isna().sum()) if len(docs) else 0
        lines = [
            f"documents  {len(docs)} ({dups} with identical copies counted once, {undated} without a date)",
            f"rows       {len(m)} ({per_kind})",
            f"errors     {len(self.tables.errors)}",
            f"seconds    {self.seconds:.2f}",
        ]
        for _, err in self.tables.errors.head(10).iterrows():
            where = f"{err['source']}" + (f":{err['line']}" if pd.notna(err["line"]) else "")
            lines.append(f"  error: {where}: {err['error']}")
        if len(self.tables.errors) > 10:
            lines.append(f"  ... and {len(self.tables.errors) - 10} more in errors.parquet")
        return "\n".join(lines)
