"""Open-vs-closed-source stance of a mention, from cue words in its sentence.

A cue applies to a mention when no contrast word ("but", بينما, लेकिन, 但是 ...) stands between
them; among the cues that apply, the nearest wins. With no cue, the knowledge base default holds.
Cue and contrast words are the "stance" and "break" lists of the lexicon (etl/data/license_cues.csv,
stance_breaks.csv). A cue list entry whose license is "none" is a phrase that holds a cue word but
gives no stance ("closed a round", "the deal closed", أغلقت جولة): being longer, it wins the match
and the cue inside it is dropped.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right

from etl.context import Sentence, sentence_of
from etl.lexicon import longest
from etl.spans import EntitySpan, StanceSpan
from etl.wordlists import lexicon

NOT_A_CUE = "none"  # license_cues.csv: a phrase holding a cue word that is no stance (longest match wins)
_NEAR = 4  # cues on each side of a mention that may reach it: a farther one is behind a nearer one


def find_stance_cues(sentence: Sentence | str) -> list[StanceSpan]:
    """Open/closed cue words in the sentence, in order (offsets relative to its text)."""
    sentence = _as_sentence(sentence)
    out = []
    for start, end, entries in longest(sentence.hits, "stance"):
        if entries[0].value == NOT_A_CUE:  # "closed a round", "the deal closed": covers the cue inside it
            continue
        s, e = sentence.to_original(start, end)
        out.append(StanceSpan(s, e, sentence.text[s:e], entries[0].value))
    return out


def find_breaks(sentence: Sentence | str) -> list[int]:
    """Offsets of contrast words that a cue does not reach across, in order."""
    sentence = _as_sentence(sentence)
    return [sentence.to_original(start, end)[0] for start, end, _ in longest(sentence.hits, "break")]


def stance_of(mention: EntitySpan, cue_spans: list[StanceSpan], breaks: list[int]) -> str | None:
    """The license the sentence gives this mention, or None when no cue reaches it."""
    return stances([mention], cue_spans, breaks)[0]


def stances(mentions: list[EntitySpan], cue_spans: list[StanceSpan], breaks: list[int]) -> list[str | None]:
    """`stance_of` for every mention of a sentence. Cues and breaks are in text order (as
    `find_stance_cues` and `find_breaks` give them); each mention looks only at the few cues
    nearest it and finds a break between by bisection, so a long sentence costs linear time."""
    starts = [c.start for c in cue_spans]
    out = []
    for mention in mentions:
        i = bisect_left(starts, mention.start)
        best, best_distance = None, None
        for cue in cue_spans[max(0, i - _NEAR):i + _NEAR]:
            lo, hi = sorted((mention.start, cue.start))
            j = bisect_right(breaks, lo)
            if j < len(breaks) and breaks[j] < hi:
                continue
            distance = cue.start - mention.end if cue.start >= mention.end else mention.start - cue.end
            if best_distance is None or distance < best_distance:
                best, best_distance = cue.license, distance
        out.append(best)
    return out


def _as_sentence(sentence: Sentence | str) -> Sentence:
    return sentence_of(sentence, lexicon("en")) if isinstance(sentence, str) else sentence
