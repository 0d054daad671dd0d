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
from dataclasses import dataclass
from functools import cache, lru_cache

from etl.extract.money import Lexicon, alternation, compile_pattern, needs_full, read_csv, scope
from etl.spans import EntitySpan, MoneySpan

_PUNCT = "\\s,،;؛.。，；:：()（）\\[\\]\"“”«»!?؟！？"
# What may stand between a cue and the name: two words (spaced scripts) or four characters (Chinese).
_FILLER = re.compile(f"[^\\S\\n]*(?:[^{_PUNCT}]+[^\\S\\n]*){{0,2}}")
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
    space = "[\\s,،、，]*"
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


def attribute(money: MoneySpan, sentence: str, entities: list[EntitySpan], lang: str) -> tuple[str | None, str | None]:
    """(company, investor) of `money`: the recipient (or valued firm) and who put the money in."""
    n = len(sentence)
    ms = min(max(money.start, 0), n)
    me = min(max(money.end, ms), n)
    ents = sorted(
        (_Ent(e.start, e.end, name) for e in entities
         if (name := _company_of(e)) and 0 <= e.start < e.end <= n and not (e.start < me and ms < e.end)),
        key=lambda e: (e.start, e.end),
    )
    if not ents:
        return None, None
    data = _data(lang, needs_full(sentence))
    mtype = money.money_type
    taken = [(e.start, e.end) for e in ents] + [(ms, me)]
    cues = [(s, t, roles) for s, t, roles in _cue_hits(sentence, lang)
            if not any(s < b and a < t for a, b in taken)]

    roles: list[str | None] = []
    for e in ents:
        lo = max([x.end for x in ents if x.end <= e.start] + ([me] if me <= e.start else []) + [0])
        hi = min([x.start for x in ents if x.start >= e.end] + ([ms] if ms >= e.end else []) + [n])
        best = None
        for s, t, payloads in cues:
            if lo <= s and t <= e.start:
                side, dist, gap = "before", e.start - t, (t, e.start)
            elif e.end <= s and t <= hi:
                side, dist, gap = "after", s - e.end, (e.end, s)
            else:
                continue
            if not data.filler.fullmatch(sentence, *gap):
                continue
            for r in payloads:
                if r.side == side and (not r.types or mtype in r.types):
                    key = (dist, side != "before", -(t - s), r.role)
                    if best is None or key < best:
                        best = key
        roles.append(best[3] if best else None)

    changed = True
    while changed:  # names in a list share a role
        changed = False
        for i in range(len(ents) - 1):
            if (roles[i] is None) != (roles[i + 1] is None) and data.join.fullmatch(sentence, ents[i].end, ents[i + 1].start):
                roles[i], roles[i + 1] = roles[i] or roles[i + 1], roles[i + 1] or roles[i]
                changed = True

    def distance(i: int) -> int:
        e = ents[i]
        return ms - e.end if e.end <= ms else e.start - me

    def nearest(idx: list[int]) -> int | None:
        return min(idx, key=distance) if idx else None

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
