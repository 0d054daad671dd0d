"""A sentence's clauses, for reading a money figure's roles and date from its own clause.

- Brackets ("(…)", "（…）") hold a clause of their own.
- A relative word (funding cue role `relative`: "which", "وهي", "जو") starts a clause about the
  name right before it (its antecedent) that runs to the next comma, semicolon or bracket.
- The rest is cut into main clauses at semicolons and break words (`break`: "while", "بينما",
  "जबकि", "而"), and, between two figures of one clause, at the last comma or split word
  (`split`: "and", "و", "और") before the second that does not join two names of a list: "xAI raised $6B in a Series B, and Anthropic
  got $4B from Amazon" is two clauses, "raised $6.6B from Thrive and Microsoft" one.
Linear in the sentence: every step is one pass or a bisection over sorted positions.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

from etl.context import Sentence
from etl.extract.funding_cues import LIST

_STRONG = frozenset(";؛；")
_WEAK = frozenset(",،，")
_OPEN, _CLOSE = "(（[", ")）]"


def _chars(chars) -> re.Pattern:
    """Any one of `chars`: the places of a few marks found by a C-level scan, not a loop per character."""
    return re.compile("[" + re.escape("".join(sorted(chars))) + "]")


_STRONG_AT, _WEAK_AT, _BRACKET_AT = _chars(_STRONG), _chars(_WEAK), _chars(_OPEN + _CLOSE)
_ENDS_AT = _chars(_STRONG | _WEAK | set(_OPEN + _CLOSE))


def cue_hits(sent: Sentence) -> list[tuple[int, int, list]]:
    """The sentence's funding cues as (start, end, cues), offsets in its original text, by start."""
    out = []
    for h in sent.hits:
        cues = [x.value for x in h.of(LIST)]
        if cues:
            s, e = sent.to_original(h.start, h.end)
            if s < e:
                out.append((s, e, cues))
    return out


class Clauses:
    """Clause ids of a sentence: main clauses 0..M-1 in text order, then the bracketed and
    relative clauses."""

    def __init__(self, text: str, hits: list[tuple[int, int, list]], figures: list[tuple[int, int]],
                 lists: list[tuple[int, int]] = ()):
        """`lists`: the gaps between names of a list ("Thrive, Microsoft and Nvidia"), where a comma
        or "and" joins names and never parts clauses."""
        self._lists = sorted(lists)
        self.overlays: list[tuple[int, int]] = []  # (start, end) of bracket and relative clauses, sorted
        self.antecedents: list[int | None] = []  # a relative clause's start, None for brackets
        self._brackets(text)
        self._relatives(text, hits)
        order = sorted(range(len(self.overlays)), key=lambda i: self.overlays[i])
        self.overlays = [self.overlays[i] for i in order]
        self.antecedents = [self.antecedents[i] for i in order]
        self._overlay_starts = [s for s, _ in self.overlays]
        self.bounds = self._main_bounds(text, hits, figures)
        self.mains = len(self.bounds) + 1
        self._with_figure = [False] * len(self.overlays)
        for start, _ in figures:
            k = self._overlay(start)
            if k is not None:
                self._with_figure[k] = True

    def _brackets(self, text: str) -> None:
        start = None
        for m in _BRACKET_AT.finditer(text):
            i, ch = m.start(), m.group()
            if ch in _OPEN and start is None:
                start = i
            elif ch in _CLOSE and start is not None:
                self.overlays.append((start, i + 1))
                self.antecedents.append(None)
                start = None

    def _relatives(self, text: str, hits: list[tuple[int, int, list]]) -> None:
        ends = [m.start() for m in _ENDS_AT.finditer(text)]
        covered = -1
        brackets = list(self.overlays)
        for s, e, cues in hits:
            if s < covered or not any(c.role == "relative" for c in cues) or _inside(brackets, s):
                continue
            j = bisect_left(ends, e)
            end = ends[j] if j < len(ends) else len(text)
            self.overlays.append((s, end))
            self.antecedents.append(s)
            covered = end

    def _main_bounds(self, text: str, hits, figures: list[tuple[int, int]]) -> list[int]:
        """Where main clauses part: strong breaks always, a weak one between two figures."""
        strong = [m.start() for m in _STRONG_AT.finditer(text) if self._overlay(m.start()) is None]
        strong += [s for s, _, cues in hits if any(c.role == "break" for c in cues) and self._overlay(s) is None]
        weak = [m.start() for m in _WEAK_AT.finditer(text) if self._overlay(m.start()) is None]
        weak += [s for s, _, cues in hits if any(c.role == "split" for c in cues) and self._overlay(s) is None]
        strong, weak = sorted(set(strong)), sorted(w for w in set(weak) if not _inside(self._lists, w))
        bounds = set(strong)
        main_figures = sorted(f for f in figures if self._overlay(f[0]) is None)
        for (_, end1), (start2, _) in zip(main_figures, main_figures[1:]):
            if bisect_left(strong, end1) != bisect_left(strong, start2):
                continue  # a strong break already parts them
            j = bisect_left(weak, start2) - 1
            if j >= 0 and weak[j] >= end1:
                bounds.add(weak[j])
        return sorted(bounds)

    def _overlay(self, pos: int) -> int | None:
        i = bisect_right(self._overlay_starts, pos) - 1
        return i if i >= 0 and pos < self.overlays[i][1] else None

    def of(self, pos: int) -> int:
        """The clause holding the character at `pos`."""
        k = self._overlay(pos)
        return self.mains + k if k is not None else bisect_right(self.bounds, pos)

    def is_main(self, clause: int) -> bool:
        return clause < self.mains

    def antecedent(self, clause: int) -> int | None:
        """Where a relative clause starts (its antecedent is the name right before), else None."""
        return self.antecedents[clause - self.mains] if clause >= self.mains else None

    def relatives_after(self, pos: int, clause: int) -> list[int]:
        """The relative clauses without figures that start after `pos` inside main clause `clause`."""
        out = []
        for k in range(bisect_left(self._overlay_starts, pos), len(self.overlays)):
            start = self.overlays[k][0]
            if self.antecedents[k] is None or bisect_right(self.bounds, start) != clause:
                break
            if not self._with_figure[k]:
                out.append(self.mains + k)
        return out

    def previous(self, clause: int) -> int | None:
        """The clause a clause without names continues: the main clause before it, or for a
        bracket the clause around it."""
        if clause >= self.mains:
            start = self.overlays[clause - self.mains][0]
            return bisect_right(self.bounds, start - 1) if start else None
        return clause - 1 if clause > 0 else None


def _inside(ranges: list[tuple[int, int]], pos: int) -> bool:
    """Whether `pos` lies in one of the sorted, disjoint `ranges`."""
    i = bisect_right(ranges, (pos, float("inf"))) - 1
    return i >= 0 and pos < ranges[i][1]
