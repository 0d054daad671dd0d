"""Who got and who gave a money figure: (company, investor) from the mentions in its sentence.

`attribute(money, sentence, entities, lang)` looks only at company mentions (a product counts as
its maker) in the same sentence; offsets of `money` and `entities` are relative to `sentence`.

1. Role cues (etl/data/funding_cues.csv) stand right before or right after a name, with at most two
   words (Chinese: four characters) and no punctuation between: "استثمار X", "led by X", "由X领投",
   "X के नेतृत्व में" (investor); "في X", "X raised", "X完成", "X ने … जुटाए" (recipient);
   "according to X", "الصادرة عن X" (a data source: neither). The nearest cue wins; on a tie a cue
   before the name wins (对X投资: X is the recipient), then the longer cue.
2. Names in a list share a role: "led by Thrive, Microsoft and Nvidia", "X وY".
3. The recipient is the cue-marked company nearest the figure; the investor likewise.
4. Without a recipient cue: an investment's investor is the nearest unmarked company before the
   figure (the subject) and its recipient the nearest one after it; any other figure's recipient is
   the nearest unmarked company before it (the subject in all four languages' usual order), else
   the nearest after it. An aggregate ("$40B into AI startups") gets a recipient only from a cue,
   so usually None; a valuation has no investor.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import cache, lru_cache

from etl.extract.money import Lexicon, alternation, compile_pattern, needs_full, read_csv, scope
from etl.spans import EntitySpan, MoneySpan

_PUNCT = "\\s,،;؛.。，；:：()（）\\[\\]\"“”«»!?؟！？"
# What may stand between a cue and the name: two words (spaced scripts) or four characters (Chinese).
_FILLER = re.compile(f"[^\\S\\n]*+(?:[^{_PUNCT}]++[^\\S\\n]*+){{0,2}}+")
_FILLER_ZH = re.compile(f"(?:[^\\S\\n]|[^{_PUNCT}]){{0,4}}")


@dataclass(frozen=True, slots=True)
class _Role:
    role: str  # investor, company, source
    side: str  # before, after
    types: frozenset[str]  # money types it applies to; empty = all


@dataclass(frozen=True)
class _Data:
    cues: Lexicon
    join: re.Pattern
    filler: re.Pattern


@cache
def _data(lang: str, full: bool = False) -> _Data:
    """The language's cues; without `full` for sentences without rare marks only (`needs_full`)."""
    langs = scope(lang)
    rank = {code: i for i, code in enumerate(langs)}
    rows = sorted((r for r in read_csv("funding_cues.csv") if r["lang"] in rank), key=lambda r: rank[r["lang"]])
    entries, joins = [], []
    for r in rows:
        if r["role"] == "join":
            joins.append(r["cue"])
        else:
            types = frozenset(t for t in r["types"].split("|") if t)
            entries.append((r["cue"], _Role(r["role"], r["side"], types)))
    space = "[\\s,،、，]*+"  # possessive: a long run of spaces cannot make the join test backtrack
    return _Data(
        cues=Lexicon(entries, clitics=True, full=full),
        join=compile_pattern(f"{space}(?:{alternation(joins)})?{space}", full),
        filler=_FILLER_ZH if lang == "zh" else _FILLER,
    )


@lru_cache(maxsize=1)
def _cue_hits(sentence: str, lang: str) -> tuple[tuple[int, int, list], ...]:
    """Role cues in a sentence. Kept for the next call only: the figures of one sentence come one
    after the other, and all of them need the same cues."""
    return tuple(_data(lang, needs_full(sentence)).cues.finditer(sentence))


class _Ent:
    __slots__ = ("start", "end", "name")

    def __init__(self, start: int, end: int, name: str):
        self.start = start
        self.end = end
        self.name = name


def _company_of(e: EntitySpan) -> str | None:
    if e.kind == "company":
        return e.entity or e.company
    if e.kind == "product":
        return e.company
    return None


_NEAREST = 8  # entities on each side of a figure that may take a role in it
_CUES_NEAR = 6  # role cues on each side of an entity: a farther one is more than two words away


class _Sentence:
    """What every figure of one sentence shares, computed once: its company mentions in order,
    each one's neighbours, and the role cues that overlap no name (all sorted, so each figure
    looks only at the few entities and cues near it: linear in the sentence, not quadratic)."""

    def __init__(self, sentence: str, entities: list[EntitySpan], lang: str):
        n = len(sentence)
        self.text = sentence
        self.data = _data(lang, needs_full(sentence))
        self.ents = sorted(
            (_Ent(e.start, e.end, name) for e in entities
             if (name := _company_of(e)) and 0 <= e.start < e.end <= n),
            key=lambda e: (e.start, e.end),
        )
        self.starts = [e.start for e in self.ents]
        ends = sorted(e.end for e in self.ents)
        # Nearest names around each entity: a cue is only read up to the next name.
        self.prev_end = [ends[i - 1] if (i := bisect_right(ends, e.start)) else 0 for e in self.ents]
        self.next_start = [self.starts[i] if (i := bisect_left(self.starts, e.end)) < len(self.starts) else n
                           for e in self.ents]
        names = bytearray(n + 1)
        for e in self.ents:
            names[e.start:e.end] = b"\x01" * (e.end - e.start)
        self.cues = [c for c in (_cue_hits(sentence, lang) if self.ents else ()) if names.find(1, c[0], c[1]) == -1]
        self.cue_starts = [c[0] for c in self.cues]
        self.cue_ends_sorted = sorted(range(len(self.cues)), key=lambda i: self.cues[i][1])
        self.cue_ends = [self.cues[i][1] for i in self.cue_ends_sorted]

    def near(self, ms: int, me: int) -> list[int]:
        """Indices of the entities nearest the figure [ms, me) (not overlapping it), in order."""
        i = bisect_left(self.starts, ms)
        return [k for k in range(max(0, i - _NEAREST), min(len(self.ents), i + _NEAREST))
                if not (self.ents[k].start < me and ms < self.ents[k].end)]

    def cues_before(self, lo: int, end: int) -> list[tuple]:
        """The few cues ending in [lo, end], nearest first."""
        j = bisect_right(self.cue_ends, end)
        picked = [self.cues[self.cue_ends_sorted[k]] for k in range(j - 1, max(-1, j - 1 - _CUES_NEAR), -1)]
        return [c for c in picked if c[0] >= lo]

    def cues_after(self, start: int, hi: int) -> list[tuple]:
        """The few cues starting in [start, hi], nearest first."""
        j = bisect_left(self.cue_starts, start)
        return [c for c in self.cues[j:j + _CUES_NEAR] if c[1] <= hi]


def attribute(money: MoneySpan, sentence: str, entities: list[EntitySpan], lang: str) -> tuple[str | None, str | None]:
    """(company, investor) of `money`: the recipient (or valued firm) and who put the money in."""
    return attribute_all([money], sentence, entities, lang)[0]


def attribute_all(figures: list[MoneySpan], sentence: str, entities: list[EntitySpan],
                  lang: str) -> list[tuple[str | None, str | None]]:
    """`attribute` for every figure of a sentence, sharing the work that does not depend on the figure."""
    shared = _Sentence(sentence, entities, lang) if entities else None
    return [_attribute(money, shared) if shared and shared.ents else (None, None) for money in figures]


def _attribute(money: MoneySpan, sent: _Sentence) -> tuple[str | None, str | None]:
    n = len(sent.text)
    ms = min(max(money.start, 0), n)
    me = min(max(money.end, ms), n)
    idx = sent.near(ms, me)
    if not idx:
        return None, None
    ents = [sent.ents[k] for k in idx]
    mtype = money.money_type
    roles = [_role(sent, k, ms, me, mtype) for k in idx]

    changed = True
    while changed:  # names in a list share a role
        changed = False
        for i in range(len(ents) - 1):
            if (roles[i] is None) != (roles[i + 1] is None) and sent.data.join.fullmatch(sent.text, ents[i].end, ents[i + 1].start):
                roles[i], roles[i + 1] = roles[i] or roles[i + 1], roles[i + 1] or roles[i]
                changed = True

    def distance(i: int) -> int:
        e = ents[i]
        return ms - e.end if e.end <= ms else e.start - me

    def nearest(candidates: list[int]) -> int | None:
        return min(candidates, key=distance) if candidates else None

    company = nearest([i for i, r in enumerate(roles) if r == "company"])
    investor = nearest([i for i, r in enumerate(roles) if r == "investor"])
    free = [i for i, r in enumerate(roles) if r is None]
    before = [i for i in free if ents[i].end <= ms]
    after = [i for i in free if ents[i].start >= me]
    if mtype == "investment":
        if investor is None:
            investor = nearest([i for i in before if i != company])
        if company is None:
            company = nearest([i for i in after if i != investor])
        if company is None:
            company = nearest([i for i in before if i != investor])
    elif mtype != "aggregate" and company is None:
        company = nearest([i for i in before if i != investor])
        if company is None:
            company = nearest([i for i in after if i != investor])

    company_name = ents[company].name if company is not None else None
    investor_name = ents[investor].name if investor is not None and mtype != "valuation" else None
    if investor_name == company_name:
        investor_name = None
    return company_name, investor_name


def _role(sent: _Sentence, k: int, ms: int, me: int, mtype: str) -> str | None:
    """The role a cue right before or after entity k gives it: the nearest cue wins; on a tie a cue
    before the name wins (对X投资: X is the recipient), then the longer cue."""
    e = sent.ents[k]
    lo = max(sent.prev_end[k], me if me <= e.start else 0)
    hi = min(sent.next_start[k], ms if ms >= e.end else len(sent.text))
    best = None
    sides = [("before", c) for c in sent.cues_before(lo, e.start)] + [("after", c) for c in sent.cues_after(e.end, hi)]
    for side, (s, t, payloads) in sides:
        if s < me and ms < t:
            continue  # a cue word inside the figure
        dist, gap = (e.start - t, (t, e.start)) if side == "before" else (s - e.end, (e.end, s))
        if not sent.data.filler.fullmatch(sent.text, *gap):
            continue
        for r in payloads:
            if r.side == side and (not r.types or mtype in r.types):
                key = (dist, side != "before", -(t - s), r.role)
                if best is None or key < best:
                    best = key
    return best[3] if best else None
