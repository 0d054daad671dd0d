"""A document read once for every extractor: normalised once, split into sentences once, repeats
removed in one place, and every word list matched in one pass (like spaCy's `Doc`).

Extractors receive a `Sentence` view (original text and offsets, its normalised span and its
lexicon hits) and return spans with offsets relative to the sentence's original text.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from etl.lang import detect_lang
from etl.lexicon import Hit, Lexicon
from etl.segment import kept_paragraphs, split_sentences
from etl.textnorm import NormalizedText

@dataclass(slots=True)
class Sentence:
    index: int  # position among the document's kept sentences (0, 1, ...)
    start: int  # offsets in the document's original text
    end: int
    text: str
    norm_start: int  # its stretch of the document's normalised text
    norm_end: int
    hits: list[Hit] = field(default_factory=list)  # lexicon hits, normalised offsets, in order
    doc: "DocumentContext | None" = field(default=None, repr=False)

    @property
    def norm(self) -> NormalizedText:
        return self.doc.norm

    def words(self) -> str:
        """The sentence's normalised text (hyphens as spaces), as the lexicon read it."""
        return self.doc.norm.words[self.norm_start:self.norm_end]

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """A normalised [start, end) span as offsets into this sentence's original text."""
        s, e = self.doc.norm.to_original(start, end)
        return s - self.start, min(e, self.end) - self.start


class DocumentContext:
    """`text` in `lang`, with its kept sentences (verbatim repeats of a paragraph or a sentence
    counted once) and their lexicon hits."""

    def __init__(self, text: str, lang: str | None, lexicon: Lexicon):
        self.text = text
        self.lang = lang or detect_lang(text)
        self.norm = NormalizedText.of(text)
        self.sentences, self.repeated = _kept_sentences(text, self.norm)
        for s in self.sentences:
            s.doc = self
        for run in _runs(text, self.sentences):  # one scan per stretch of kept text
            _hand_out(lexicon.scan(self.norm, run[0].norm_start, run[-1].norm_end), run)

    @cached_property
    def kept_text(self) -> str:
        """The text with everything but the kept sentences blanked out (same length, so offsets
        hold; sentences apart by a line break, so no phrase is read across a dropped stretch)."""
        pieces, pos = [], 0
        for s in self.sentences:
            if s.start > pos:
                pieces.append("\n" + " " * (s.start - pos - 1))
            pieces.append(s.text)
            pos = s.end
        if pos < len(self.text):
            pieces.append("\n" + " " * (len(self.text) - pos - 1))
        return "".join(pieces)


def _runs(text: str, sentences: list[Sentence]) -> list[list[Sentence]]:
    """Kept sentences grouped into stretches with nothing but spaces between them (a document
    without repeats is one stretch)."""
    runs: list[list[Sentence]] = []
    for s in sentences:
        if runs and not text[runs[-1][-1].end:s.start].strip():
            runs[-1].append(s)
        else:
            runs.append([s])
    return runs


def _hand_out(hits: list[Hit], sentences: list[Sentence]) -> None:
    """Each hit to the sentence that holds it (one that runs across a sentence end belongs to none)."""
    i = 0
    for h in hits:  # by start
        while i < len(sentences) and sentences[i].norm_end <= h.start:
            i += 1
        if i == len(sentences):
            return
        s = sentences[i]
        if s.norm_start <= h.start and h.end <= s.norm_end:
            s.hits.append(h)


def _kept_sentences(text: str, norm: NormalizedText) -> tuple[list[Sentence], int]:
    """Sentences of the kept paragraphs, each verbatim repeat of an earlier sentence dropped."""
    paragraphs, repeated = kept_paragraphs(text)
    seen: set[str] = set()
    out: list[Sentence] = []
    for p_start, p_end in paragraphs:
        for s, e in split_sentences(text, p_start, p_end):
            sentence = text[s:e]
            key = " ".join(sentence.split())
            if key in seen:
                continue
            seen.add(key)
            out.append(Sentence(len(out), s, e, sentence, norm.to_normalized(s), norm.to_normalized(e)))
    return out, repeated


def sentence_of(text: str, lexicon: Lexicon) -> Sentence:
    """`text` as one sentence of its own (no splitting, no repeat removal): for extractors called
    on a single sentence, as tests and the Stanza mapping do."""
    doc = DocumentContext.__new__(DocumentContext)
    doc.text, doc.lang, doc.norm, doc.repeated = text, detect_lang(text), NormalizedText.of(text), 0
    sentence = Sentence(0, 0, len(text), text, 0, len(doc.norm.text), doc=doc)
    sentence.hits = lexicon.scan(doc.norm)
    doc.sentences = [sentence]
    return sentence
