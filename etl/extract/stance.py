"""Open-vs-closed-source stance of a mention, from cue words in its sentence.

A cue applies to a mention when no contrast word ("but", بينما, लेकिन, 但是 ...) stands between
them; among the cues that apply, the nearest wins. With no cue, the knowledge base default holds.
"""
from __future__ import annotations

from etl.knowledge import StanceCues, stance_cues
from etl.spans import EntitySpan, StanceSpan
from etl.textnorm import NormalizedText


def find_stance_cues(text: str | NormalizedText, cues: StanceCues | None = None) -> list[StanceSpan]:
    cues = cues or stance_cues()
    norm = text if isinstance(text, NormalizedText) else NormalizedText.of(text)
    return [
        StanceSpan(m.start, m.end, norm.original[m.start : m.end], cues.license_of[m.key])
        for m in cues.matcher.find(norm)
    ]


def find_breaks(text: str | NormalizedText, cues: StanceCues | None = None) -> list[int]:
    """Offsets of contrast words that a cue does not reach across."""
    cues = cues or stance_cues()
    return [m.start for m in cues.breaks.find(text)]


def stance_of(mention: EntitySpan, cue_spans: list[StanceSpan], breaks: list[int]) -> str | None:
    """The license the sentence gives this mention, or None when no cue reaches it."""
    best, best_distance = None, None
    for cue in cue_spans:
        lo, hi = sorted((mention.start, cue.start))
        if any(lo < b < hi for b in breaks):
            continue
        distance = cue.start - mention.end if cue.start >= mention.end else mention.start - cue.end
        if best_distance is None or distance < best_distance:
            best, best_distance = cue.license, distance
    return best
