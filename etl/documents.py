"""The Document record and its stable id."""
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


@dataclass(frozen=True)
class Document:
    text: str
    source: str  # file name (or "file.jsonl:12") relative to the corpus root
    lang: str | None = None  # from metadata; None = detect from script
    published: date | None = None  # from metadata
    title: str | None = None
    url: str | None = None
    doc_id: str = field(default="")

    def __post_init__(self):
        if not self.doc_id:
            object.__setattr__(self, "doc_id", doc_id_of(self.text))


@dataclass(frozen=True)
class ReadError:
    source: str
    error: str
    line: int | None = None
