"""Language from script, sentence splitting for four scripts, and repeated-paragraph removal."""
from __future__ import annotations

import re
from dataclasses import dataclass

_SCRIPTS = {
    "ar": re.compile(r"[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF]"),
    "hi": re.compile(r"[\u0900-\u097F]"),
    "zh": re.compile(r"[\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF]"),
    "en": re.compile(r"[A-Za-z]"),
}


def detect_lang(text: str, sample: int = 5000) -> str:
    """The language whose script has the most letters (Arabic, Devanagari, Han, Latin)."""
    head = text[:sample]
    counts = {lang: len(rx.findall(head)) for lang, rx in _SCRIPTS.items()}
    # A Han character carries about a word; weigh it so Chinese with Latin names stays Chinese.
    counts["zh"] *= 3
    best = max(counts, key=counts.get)
    return best if counts[best] else "en"


@dataclass(frozen=True, slots=True)
class Sentence:
    index: int  # position in the document (0, 1, ...), counting only kept sentences
    start: int  # offset of the first character in the document
    end: int
    text: str


# A sentence ends after . ! ? ؟ । 。！？ (the dot only before a space, end or closing quote, so
# 1.3, JD.com and 01.AI stay whole) and at every line break.
_BOUNDARY = re.compile(r"[!?؟।。！？]+[\"'”’»)\]]*|\.(?=[\s\"'”’»)\]]|$)[\"'”’»)\]]*|\n")
_PARAGRAPH = re.compile(r"[^\n]+")
_SPACE_RUN = re.compile(r"\s+")


def paragraphs(text: str) -> list[tuple[int, int]]:
    """(start, end) of each non-blank line."""
    out, pos = [], 0
    for line in text.split("\n"):  # C-level split; a blank line has nothing left after strip()
        if line.strip():
            out.append((pos, pos + len(line)))
        pos += len(line) + 1
    return out


def kept_paragraphs(text: str) -> tuple[list[tuple[int, int]], int]:
    """Paragraphs minus verbatim repeats of an earlier one (whitespace-insensitive); and the repeat count."""
    seen: set[str] = set()
    kept, repeated = [], 0
    for start, end in paragraphs(text):
        key = " ".join(text[start:end].split())  # whitespace runs as one space, ends trimmed
        if key in seen:
            repeated += 1
            continue
        seen.add(key)
        kept.append((start, end))
    return kept, repeated


# A letter or digit (exactly str.isalnum: \w is alphanumerics plus the underscore).
_ALNUM = re.compile(r"[^\W_]")


def split_sentences(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """(start, end) document offsets of the sentences in text[start:end], trimmed of spaces."""
    end = len(text) if end is None else end
    out = []
    cursor = start
    for m in _BOUNDARY.finditer(text, start, end):
        stop = m.end()
        _add_trimmed(out, text, cursor, stop)
        cursor = stop
    _add_trimmed(out, text, cursor, end)
    return out


def _add_trimmed(out: list[tuple[int, int]], text: str, s: int, e: int) -> None:
    """Append text[s:e] minus surrounding spaces when it holds a letter or digit."""
    piece = text[s:e]
    left = piece.lstrip()  # str.strip() trims exactly what str.isspace() calls a space
    if not left:
        return
    s += len(piece) - len(left)
    e -= len(left) - len(left.rstrip())
    if _ALNUM.search(text, s, e):
        out.append((s, e))


def sentences(text: str) -> tuple[list[Sentence], int]:
    """The document's sentences, skipping repeated paragraphs; and how many paragraphs repeated."""
    kept, repeated = kept_paragraphs(text)
    out: list[Sentence] = []
    for p_start, p_end in kept:
        for s, e in split_sentences(text, p_start, p_end):
            out.append(Sentence(len(out), s, e, text[s:e]))
    return out, repeated
