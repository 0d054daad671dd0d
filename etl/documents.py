"""The Document record, its stable id, and the fingerprint an incremental run recognises it by."""
from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass, field
from datetime import date


def doc_id_of(text: str) -> str:
    """Stable id: hash of the text after Unicode NFC and whitespace collapsing."""
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    canonical = " ".join(text.split())  # str.split() is the fast whitespace collapse
    return hashlib.sha1(canonical.encode("utf-8")).hexdigest()[:16]


def fingerprint_of(*parts: object) -> str:
    """Hash of everything a Document is made from (raw record, where it was read, its metadata).
    A reader computes it before parsing, so an incremental run skips unchanged records unparsed."""
    digest = hashlib.sha1()
    for part in parts:
        digest.update(part if isinstance(part, bytes) else repr(part).encode("utf-8", "surrogatepass"))
        digest.update(b"\0")
    return digest.hexdigest()[:20]


@dataclass(frozen=True)
class Document:
    text: str
    source: str  # file name (or "file.jsonl:12") relative to the corpus root
    lang: str | None = None  # from metadata; None = detect from script
    published: date | None = None  # from metadata
    title: str | None = None
    url: str | None = None  # http(s) only
    doc_id: str = field(default="")
    fingerprint: str = field(default="", compare=False)  # set by readers; else from the fields
    site: str | None = None  # the site or feed that published it (og:site_name, feed title, API source)
    author: str | None = None
    published_from: str | None = None  # metadata (default), html, feed, crawl
    published_grain: str | None = None  # day (default), month, year: what the date really states
    notes: tuple[str, ...] = field(default=(), compare=False)  # what reading dropped or kept as text: error rows

    def __post_init__(self):
        if not self.doc_id:
            object.__setattr__(self, "doc_id", doc_id_of(self.text))
        if not self.fingerprint:
            fields = (self.source, self.lang, self.published, self.title, self.url, self.site, self.author,
                      self.published_from, self.published_grain)
            object.__setattr__(self, "fingerprint", fingerprint_of(self.text, *fields))


@dataclass(frozen=True)
class Known:
    """A record whose fingerprint the caller already knows (an unchanged record on an incremental
    run): yielded instead of a parsed Document."""

    fingerprint: str


@dataclass(frozen=True)
class Skipped:
    """Records of an input that are not articles and were skipped on purpose (WARC request,
    metadata or non-HTML response records), counted for the run's summary."""

    source: str
    count: int
    detail: str


@dataclass(frozen=True)
class ReadError:
    source: str
    error: str
    line: int | None = None
