"""Sentence splitting for four scripts, and repeated-paragraph removal."""
from __future__ import annotations

import re

from etl.datafiles import read_csv
from etl.lang import LANGUAGES

# A sentence ends after ! ? and each language's own marks (؟ । 。！？), after a dot only before a
# space, the end or a closing quote (so 1.3, JD.com and 01.AI stay whole), and at every line break.
_ENDS = "!?" + "".join(lang.sentence_ends for lang in LANGUAGES.values())
# (The first branch opens with one mark, not a repeat, so the regex engine skips to the marks in C.)
_BOUNDARY = re.compile(f"[{re.escape(_ENDS)}][{re.escape(_ENDS)}]*" + r"""["'”’»)\]]*|\.(?=[\s"'”’»)\]]|$)["'”’»)\]]*|\n""")


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


# Longest sentence kept whole. News sentences are far shorter; longer "sentences" are lists,
# dumps or text without sentence marks (Chinese without 。), and every row of a sentence
# carries it verbatim, so an unbounded one makes the table grow with its square. Such a run is
# cut at its last clause mark or space in the second half of the limit, else at the limit.
MAX_SENTENCE_CHARS = 2000
_SOFT_BREAK = re.compile(r"[,;:，、；：،؛\s]+")
_SPACES = re.compile(r"\s*")

# A letter or digit (exactly str.isalnum: \w is alphanumerics plus the underscore).
_ALNUM = re.compile(r"[^\W_]")


def split_sentences(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """(start, end) document offsets of the sentences in text[start:end], trimmed of spaces."""
    end = len(text) if end is None else end
    out = []
    cursor = start
    for m in _BOUNDARY.finditer(text, start, end):
        if text[m.start()] == "." and _abbreviation_goes_on(text, m.start(), m.end(), cursor, end):
            continue
        stop = m.end()
        _add_trimmed(out, text, cursor, stop)
        cursor = stop
    _add_trimmed(out, text, cursor, end)
    return out


_ABBREVIATIONS = {r["word"]: r["kind"] for r in read_csv("abbreviations.csv")}
_ENDINGS = {w[-2:] for w in _ABBREVIATIONS}  # a sentence's last word rarely ends so: most ends are told at once
_INITIALS = re.compile(r"(?:[A-Z]\.)*[A-Z]")  # U.S, J.P, the A of "Series A"
_NEXT = re.compile(r"\s*(.)")


def _abbreviation_goes_on(text: str, dot: int, after: int, lo: int, hi: int) -> bool:
    """Whether the full stop at text[dot] closes an abbreviation inside the sentence ("Jan. 15",
    "Mr. Altman", "Acme Inc. said", "the U.S. market"; etl/data/abbreviations.csv) rather than the
    sentence. A word or initials that may end a sentence ("… Acme Inc. The company …", "… in a
    Series A. The round …") end it before a capital letter."""
    if text[dot - 2:dot] not in _ENDINGS and not text[dot - 1:dot].isupper():
        return False
    i = dot
    while i > lo and not text[i - 1].isspace() and text[i - 1] not in "([\"'“‘«":
        i -= 1
    word = text[i:dot]
    kind = _ABBREVIATIONS.get(word) or ("other" if _INITIALS.fullmatch(word) else None)
    if kind is None:
        return False
    if kind == "title":
        return True
    nxt = _NEXT.match(text, after, hi)
    return nxt is not None and not nxt.group(1).isupper()


def _add_trimmed(out: list[tuple[int, int]], text: str, s: int, e: int) -> None:
    """Append text[s:e] minus surrounding spaces when it holds a letter or digit."""
    piece = text[s:e]
    left = piece.lstrip()  # str.strip() trims exactly what str.isspace() calls a space
    if not left:
        return
    s += len(piece) - len(left)
    e -= len(left) - len(left.rstrip())
    while e - s > MAX_SENTENCE_CHARS:
        cut = s + MAX_SENTENCE_CHARS
        for m in _SOFT_BREAK.finditer(text, s + MAX_SENTENCE_CHARS // 2, cut):
            cut = m.end()
        _add_trimmed(out, text, s, cut)
        s = _SPACES.match(text, cut, e).end()
    if _ALNUM.search(text, s, e):
        out.append((s, e))
