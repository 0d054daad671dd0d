"""The type and round of a money figure, from the cue words of its sentence (etl/data/money_cues.csv,
lexicon lists "money_cue" and "money_round").

- money_type: funding, investment, valuation, aggregate, revenue (revenue, sales, ARR, إيرادات,
  राजस्व, 营收), price (a price or a subscription) or other (spending, capex, market size, losses and profits, fines:
  their cues say so, so a funding cue farther away does not type them). The nearest cue wins, ranked by (clause breaks between, another figure between,
  distance in characters); an aggregate cue in the figure's own clause beats the others, so
  "استثمر … أكثر من 40 مليار دولار … في الشركات الناشئة" is an aggregate. بقيمة ("worth",
  "amounting to") is deliberately no valuation cue: only قيمتها/تقييم/valued at are. No cue: "other".
- round: the nearest round cue (Series B, B轮, सीरीज ए, جولة من الفئة B, seed, IPO …), set for
  funding and investment figures only. A round cue also counts as a funding cue.

A round template ("series {l}", "جولة من الفئة {L}") is expanded here into one word per round
letter of the language (kind letter), so the lexicon finds rounds like any other word.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from dataclasses import dataclass

from etl.extract.numbers import rows_in_scope
from etl.lexicon import Entry, Hit, longest
from etl.spans import MONEY_TYPES  # noqa: F401 (re-exported)

CUE_FILE = "money_cues.csv"
ROUNDS = ("pre_seed", "seed", "angel", "series_a", "series_b", "series_c", "series_d", "series_e",
          "series_f", "ipo", "strategic")
SENTENCE_END = re.compile(r"[!?؟।。！？\n]|\.(?=\s|$)")
_CLAUSE_BREAK = re.compile(r",(?![0-9])|[،;؛，；:：]|\.(?![0-9])|[^\S\n][-–—][^\S\n]")
_SENTENCE_REACH = 600  # how far to look for a figure's sentence boundaries
_CUES_NEAR = 4  # cues on each side of a figure that are ranked: a farther one ranks behind a nearer one


def _entry(name: str, kind: str, value: str, word: str) -> tuple[str, Entry]:
    stem = word.endswith("*") and len(word) > 1
    return (word[:-1] if stem else word), Entry(name, (kind, value), clitics=True, glue_digits=True, stem=stem)


def cue_words(lang: str) -> Iterator[tuple[str, Entry]]:
    """The type and round cues of a language as lexicon entries (value: ("type", money_type) or
    ("round", round)); round templates expanded over the language's round letters."""
    rows = rows_in_scope(CUE_FILE, lang)
    letters = [(r["cue"], r["value"]) for r in rows if r["kind"] == "letter"]
    for r in rows:
        kind, cue, value = r["kind"], r["cue"], r["value"]
        if kind == "type" or (kind == "round" and "{" not in cue):
            yield _entry("money_cue", "type" if kind == "type" else "round", value, cue)
        elif kind == "round":
            latin_only = "{l}" in cue
            template = cue.replace("{l}", "{L}")
            plus = ["", "+"] if not template.endswith("{L}") else [""]  # "A+轮": the plus before a word after it
            for letter, code in letters:
                for p in plus if letter.isascii() or not latin_only else ():
                    yield _entry("money_round", "round", value.replace("{L}", code), template.replace("{L}", f" {letter}{p} ").strip())


class Cue:
    __slots__ = ("start", "end", "kind", "value")

    def __init__(self, start: int, end: int, kind: str, value: str):  # kind: type or round
        self.start = start
        self.end = end
        self.kind = kind
        self.value = value


@dataclass(slots=True)
class Figure:
    """A money figure found in a text (offsets into it), before typing."""

    start: int
    end: int
    lo: object  # Decimal
    hi: object  # Decimal | None
    iso: str
    unit: object = None  # the currency's `numbers.Word`


class Sentences:
    """Sentence bounds around figures, from one scan of the stretch of text that holds them."""

    def __init__(self, text: str, figs: list[Figure]):
        self.n = len(text)
        lo = max(0, figs[0].start - _SENTENCE_REACH)
        hi = min(self.n, max(f.end for f in figs) + _SENTENCE_REACH)
        marks = [m.span() for m in SENTENCE_END.finditer(text, lo, hi)]
        self.starts = [s for s, _ in marks]
        self.ends = [e for _, e in marks]

    def around(self, start: int, end: int) -> tuple[int, int]:
        i = bisect_right(self.ends, start) - 1  # last boundary that ends before the figure
        s0 = self.ends[i] if i >= 0 and self.ends[i] >= start - _SENTENCE_REACH else max(0, start - _SENTENCE_REACH)
        j = bisect_left(self.starts, end)  # first boundary after it
        s1 = self.ends[j] if j < len(self.starts) and self.starts[j] < end + _SENTENCE_REACH else min(self.n, end + _SENTENCE_REACH)
        return s0, s1


def _cues(text: str, s0: int, s1: int, hits: list[Hit], hit_starts: list[int]) -> tuple[list[Cue], list[int]]:
    """The cues (type cues leftmost-longest; round cues all, overlaps included) and the clause
    breaks of text[s0:s1]; `hits` are the lexicon hits of the text, local offsets."""
    inside = [h for h in hits[bisect_left(hit_starts, s0):bisect_left(hit_starts, s1)] if h.end <= s1]
    cues = [Cue(s, e, *entries[0].value) for s, e, entries in longest(inside, "money_cue")]
    seen = set()
    for h in inside:
        for x in h.entries:
            if x.list == "money_round" and (h.start, h.end) not in seen:
                seen.add((h.start, h.end))
                cues.append(Cue(h.start, h.end, *x.value))
    breaks = [m.start() for m in _CLAUSE_BREAK.finditer(text, s0, s1)]
    return cues, breaks


class Clause:
    """The cues, clause breaks and figures of one sentence, sorted once: each figure ranks only the
    few cues nearest it, and finds a figure between by bisection (linear in the sentence)."""

    def __init__(self, cues: list[Cue], breaks: list[int], figs: list[Figure], text: str, link: re.Pattern | None):
        self.breaks = breaks
        self.text, self.link = text, link
        self.fig_starts = [f.start for f in figs]
        self.fig_ends = [f.end for f in figs]
        self.by_kind = {}
        for name, keep in (("all", lambda c: True), ("aggregate", lambda c: c.kind == "type" and c.value == "aggregate"),
                           ("round", lambda c: c.kind == "round")):
            chosen = sorted((c for c in cues if keep(c)), key=lambda c: c.start)
            by_end = sorted(chosen, key=lambda c: c.end)
            self.by_kind[name] = (chosen, [c.start for c in chosen], by_end, [c.end for c in by_end])

    def near(self, fig: Figure, kind: str) -> list[Cue]:
        """The cues of `kind` nearest `fig` on each side."""
        chosen, starts, by_end, ends = self.by_kind[kind]
        j = bisect_right(ends, fig.start)
        left = by_end[max(0, j - _CUES_NEAR):j]
        k = bisect_left(starts, fig.end)
        right = chosen[k:k + _CUES_NEAR]
        return [*left, *right]  # no cue overlaps a figure (dropped before)

    def nearer_another(self, cue: Cue, fig: Figure) -> bool:
        """Whether the cue stands nearer another figure than `fig`, in that figure's clause
        ("جمعت مليار دولار بتقييم 4 مليارات"): it is that figure's."""
        if cue.start >= fig.end:
            i = bisect_left(self.fig_starts, cue.end)
            if i == len(self.fig_starts):
                return False
            if self.introduces(cue, self.fig_starts[i]):
                return True
            other_gap, own_gap, lo, hi = self.fig_starts[i] - cue.end, cue.start - fig.end, cue.end, self.fig_starts[i]
        elif cue.end <= fig.start:
            i = bisect_right(self.fig_ends, cue.start) - 1
            if i < 0 or self.fig_starts[i] == fig.start or self.introduces(cue, fig.start):
                return False
            other_gap, own_gap, lo, hi = cue.start - self.fig_ends[i], fig.start - cue.end, self.fig_ends[i], cue.start
        else:
            return False
        return other_gap < own_gap and bisect_left(self.breaks, hi) == bisect_left(self.breaks, lo)

    def introduces(self, cue: Cue, fig_start: int) -> bool:
        """Whether nothing but the language's valuation links stands between the cue and the figure
        starting at `fig_start` ("valuation of roughly $170 billion"): the cue is that figure's."""
        return self.link is not None and self.link.fullmatch(self.text, cue.end, fig_start) is not None

    def rank(self, cue: Cue, fig: Figure) -> tuple[int, bool, int]:
        if cue.end <= fig.start:
            lo, hi = cue.end, fig.start
        elif cue.start >= fig.end:
            lo, hi = fig.end, cue.start
        else:
            lo = hi = fig.start
        clauses = bisect_left(self.breaks, hi) - bisect_left(self.breaks, lo)
        i = bisect_left(self.fig_starts, lo)  # the first figure starting in the gap: is it inside?
        between = i < len(self.fig_starts) and self.fig_ends[i] <= hi
        return clauses, between, hi - lo


def _clause(text: str, bounds: tuple[int, int], figs: list[Figure], starts: list[int], hits: list[Hit],
            hit_starts: list[int], link: re.Pattern | None) -> Clause:
    near = figs[bisect_left(starts, bounds[0]):bisect_left(starts, bounds[1])]
    cues, breaks = _cues(text, *bounds, hits, hit_starts)
    in_figure = bytearray(bounds[1] - bounds[0] + 1)
    for g in near:
        in_figure[g.start - bounds[0]:g.end - bounds[0]] = b"\x01" * (g.end - g.start)
    cues = [c for c in cues if in_figure.find(1, c.start - bounds[0], c.end - bounds[0]) == -1]
    return Clause(cues, breaks, near, text, link)


def type_of(clause: Clause, fig: Figure) -> tuple[str, str | None]:
    """(money_type, round) of a figure from the cues of its sentence."""
    money_type, best = "other", None
    for c in dict.fromkeys([*clause.near(fig, "all"), *clause.near(fig, "aggregate")]):
        if c.kind == "type" and c.value == "valuation" and clause.nearer_another(c, fig):
            continue
        kind = c.value if c.kind == "type" else "funding"
        clauses, between, dist = clause.rank(c, fig)
        key = (clauses, between, not (kind == "aggregate" and clauses == 0 and not between), dist,
               c.kind == "round", c.start)  # ties: as found (type cues, then round cues, in text order)
        if best is None or key < best:
            best, money_type = key, kind
    round_, best = None, None
    if money_type in ("funding", "investment"):
        for c in clause.near(fig, "round"):
            key = (*clause.rank(c, fig), c.start)
            if best is None or key < best:
                best, round_ = key, c.value
    return money_type, round_


def types(figs: list[Figure], text: str, hits: list[Hit], link: re.Pattern | None = None) -> list[tuple[str, str | None]]:
    """(money_type, round) of each figure (figures in text order; `hits` local to `text`; `link`:
    what may stand between a valuation cue and the figure it introduces, money.py's `_Gaps`)."""
    out = []
    found: dict[tuple[int, int], Clause] = {}
    starts = [f.start for f in figs]
    sentences = Sentences(text, figs)
    hit_starts = [h.start for h in hits]
    for fig in figs:
        bounds = sentences.around(fig.start, fig.end)
        if bounds not in found:
            found[bounds] = _clause(text, bounds, figs, starts, hits, hit_starts, link)
        out.append(type_of(found[bounds], fig))
    return out
