"""Who got and who gave a money figure: recipient, lead and every named investor, per clause.

`roles_all(figures, sentence, entities)` reads a `Sentence` (etl/context.py) whose lexicon hits
include the funding cues (list "funding_cue", etl/data/funding_cues.csv); offsets of figures and
entities are relative to the sentence. Only company mentions count (a product counts as its maker).

1. Clauses (etl/extract/clauses.py): a sentence is cut at semicolons and break words, a relative
   clause ("which …", "وهي …", "जो …") runs to the next comma, brackets are clauses of their own,
   and between two figures of one clause the last comma or split word ("and", "و", "और") cuts it.
   A figure's roles come from the names of its own clause only.
2. Role cues stand right before or after a name, with at most two words (Chinese: four
   characters) and no punctuation between: "led by X", "بقيادة X", "X के नेतृत्व में", "由X",
   "X领投" (lead); "from X", "X invested", "استثمار X", "X ने" (investor); "X raised", "in X",
   "في X", "X完成" (recipient); "according to X" (a data source: neither). The nearest cue wins;
   on a tie a cue before the name, then the text's own language, then the longer cue.
3. Names in a list share a role: "led by Thrive, Microsoft and Nvidia", "X وY".
4. The recipient is the cue-marked company nearest the figure. Without one: an investment's
   investor is the nearest unmarked company before the figure and its recipient the nearest one
   after it; any other figure's recipient is the nearest unmarked company before it, else after.
   A clause with no company continues the one before it (a relative clause: the name it follows)
   and takes its recipient; an aggregate takes a recipient only from a cue; a valuation has no
   investor.
5. Investors: every investor-role name of the clause, the lead first; `investor` is the lead,
   else the first named.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, replace

from etl.context import Sentence, sentence_of
from etl.lexicon import key_of
from etl.extract.clauses import Clauses, cue_hits
from etl.extract.funding_cues import join_words
from etl.spans import DateSpan, EntitySpan, MoneySpan

_PUNCT = "\\s,،;؛.。，；:：()（）\\[\\]\"“”«»!?؟！？"
# What may stand between a cue and the name: two words (spaced scripts) or four characters (Chinese).
_FILLER = re.compile(f"[^\\S\\n]*+(?:[^{_PUNCT}]++[^\\S\\n]*+){{0,2}}+")
_FILLER_ZH = re.compile(f"(?:[^\\S\\n]|[^{_PUNCT}]){{0,4}}")
_LIST_SEPARATORS = re.compile("[\\s,،、，]+")
_INVESTING = ("investor", "lead")
_NEAREST = 8  # entities on each side of a figure that may take a role in it
_CUES_NEAR = 6  # role cues on each side of an entity: a farther one is more than two words away


@dataclass(frozen=True, slots=True)
class Roles:
    company: str | None  # the recipient, or the valued firm
    investor: str | None  # the lead, else the single (first) named investor
    investors: tuple[str, ...] = ()  # every named investor, the lead first
    date: DateSpan | None = None  # the figure's date (see `_date_of`)
    round: str | None = None  # the figure's round (see `_round_of`)


class _Ent:
    __slots__ = ("start", "end", "name")

    def __init__(self, start: int, end: int, name: str):
        self.start, self.end, self.name = start, end, name


def _within_longer(spans: list[tuple[int, int]], s: int, e: int) -> bool:
    """Whether [s, e) lies inside a longer one of `spans` (a sentence's relative and break words:
    a few, and a sentence is at most 2,000 characters)."""
    return any(a <= s and e <= b and (a, b) != (s, e) for a, b in spans)


def _company_of(e: EntitySpan) -> str | None:
    if e.kind == "company":
        return e.entity or e.company
    if e.kind == "product":
        return e.company
    return None


class _Sentence:
    """What every figure of one sentence shares, computed once: its company mentions in order,
    each one's neighbours, the role cues that overlap no name, and the clauses (all sorted, so
    each figure looks only at the few entities and cues near it: linear in the sentence)."""

    def __init__(self, sent: Sentence, entities: list[EntitySpan], figures: list[MoneySpan]):
        text = self.text = sent.text
        n = len(text)
        self.filler = _FILLER_ZH if sent.doc.lang == "zh" else _FILLER
        self.ents = sorted((_Ent(e.start, e.end, name) for e in entities
                            if (name := _company_of(e)) and 0 <= e.start < e.end <= n), key=lambda e: (e.start, e.end))
        self.starts = [e.start for e in self.ents]
        ends = sorted(e.end for e in self.ents)
        self.prev_end = [ends[i - 1] if (i := bisect_right(ends, e.start)) else 0 for e in self.ents]
        self.next_start = [self.starts[i] if (i := bisect_left(self.starts, e.end)) < len(self.starts) else n
                           for e in self.ents]
        names = bytearray(n + 1)
        for e in self.ents:
            names[e.start:e.end] = b"\x01" * (e.end - e.start)
        hits = cue_hits(sent)
        self.join_words = join_words(sent.doc.lang)
        lists = [(a.end, b.start) for a, b in zip(self.ents, self.ents[1:]) if self.listed(a, b)]
        self.clauses = Clauses(text, hits, [(f.start, f.end) for f in figures], lists)
        # a cue word inside a longer relative or break word is part of it ("in" of "in which")
        linking = [(c[0], c[1]) for c in hits if any(x.role in ("break", "relative") for x in c[2])]
        self.cues = [c for c in hits if names.find(1, c[0], c[1]) == -1 and any(
            x.role not in ("split", "break", "relative") for x in c[2]) and not _within_longer(linking, c[0], c[1])]
        self.cue_starts = [c[0] for c in self.cues]
        self.cue_ends_sorted = sorted(range(len(self.cues)), key=lambda i: self.cues[i][1])
        self.cue_ends = [self.cues[i][1] for i in self.cue_ends_sorted]
        self.clause_of_ent = [self.clauses.of(e.start) for e in self.ents]
        self._members: dict[int, list[int]] | None = None

    def members(self, clause: int) -> list[int]:
        """The entities of a clause, in order (grouped once for the sentence)."""
        if self._members is None:
            self._members = {}
            for k, c in enumerate(self.clause_of_ent):
                self._members.setdefault(c, []).append(k)
        return self._members.get(clause, [])

    def near(self, ms: int, me: int, clause: int) -> list[int]:
        """Indices of the entities of `clause` nearest the figure [ms, me) (not overlapping it)."""
        i = bisect_left(self.starts, ms)
        return [k for k in range(max(0, i - _NEAREST), min(len(self.ents), i + _NEAREST))
                if self.clause_of_ent[k] == clause and not (self.ents[k].start < me and ms < self.ents[k].end)]

    def cues_before(self, lo: int, end: int) -> list[tuple]:
        j = bisect_right(self.cue_ends, end)
        picked = [self.cues[self.cue_ends_sorted[k]] for k in range(j - 1, max(-1, j - 1 - _CUES_NEAR), -1)]
        return [c for c in picked if c[0] >= lo]

    def cues_after(self, start: int, hi: int) -> list[tuple]:
        j = bisect_left(self.cue_starts, start)
        return [c for c in self.cues[j:j + _CUES_NEAR] if c[1] <= hi]

    def listed(self, a: _Ent, b: _Ent) -> bool:
        """Whether only commas, spaces and at most one join word ("and", "و" glued to the name,
        "、") stand between two names."""
        if b.start - a.end > 24:
            return False
        gap = _LIST_SEPARATORS.sub(" ", self.text[a.end:b.start]).strip()
        return not gap or key_of(gap) in self.join_words


def roles_all(figures: list[MoneySpan], sent: Sentence, entities: list[EntitySpan],
              dates: list[DateSpan] = ()) -> list[Roles]:
    """The roles (and date) of every figure of a sentence, sharing the work that does not depend
    on the figure."""
    if not figures:
        return []
    shared = _Sentence(sent, entities, figures)
    subjects: dict[int, str | None] = {}
    clauses = shared.clauses
    dated = [(clauses.of(d.start), d) for d in dates]
    rounds = [(clauses.of(start), start, value) for start, value in _round_cues(sent)]
    out = []
    for money in figures:
        roles = _roles(money, shared, subjects)
        clause = clauses.of(money.start)
        out.append(replace(roles, date=_date_of(clause, money, dated, clauses, figures),
                           round=_round_of(clause, money, rounds, clauses, figures)))
    return out


def _round_cues(sent: Sentence) -> list[tuple[int, str]]:
    """(start, round) of the round cues of a sentence (money_type's lists), original offsets."""
    out = []
    for h in sent.hits:
        value = next((x.value[1] for x in h.entries
                      if x.list in ("money_round", "money_cue") and x.value[0] == "round"), None)
        if value is not None:
            out.append((sent.to_original(h.start, h.end)[0], value))
    return out


def _round_of(clause: int, money: MoneySpan, rounds: list[tuple[int, int, str]], clauses, figures) -> str | None:
    """The round of the figure's own clause (the nearest cue); else the sentence's round only when
    its cue stands in no other figure's clause. "xAI raised $6 billion in a Series B, and Anthropic
    got $4 billion": the Series B is xAI's. money_type decides whether a figure has a round at all."""
    if money.round is None:
        return None
    own = [(abs(start - money.start), value) for c, start, value in rounds if c == clause]
    if own:
        return min(own)[1]
    others = {clauses.of(f.start) for f in figures if f is not money}
    return None if any(c in others for c, _, _ in rounds) else money.round


def _date_of(clause: int, money: MoneySpan, dated: list[tuple[int, DateSpan]], clauses, figures) -> DateSpan | None:
    """A date of the figure's own clause (the nearest); else the sentence's date when every date of
    the sentence stands in a main clause that holds no other figure and they agree; else none (the
    document's date then stands for it). A founding year in a relative clause ("…, which was
    founded in 2022") or another figure's date never dates this one."""
    own = [d for c, d in dated if c == clause]
    if own:
        return min(own, key=lambda d: abs(d.start - money.start))
    if not dated:
        return None
    others = {clauses.of(f.start) for f in figures if f is not money}
    if any(not clauses.is_main(c) or c in others for c, _ in dated):
        return None
    values = {d.value for _, d in dated}
    return dated[0][1] if len(values) == 1 else None


def attribute_all(figures: list[MoneySpan], sentence: Sentence | str, entities: list[EntitySpan],
                  lang: str) -> list[tuple[str | None, str | None]]:
    """(company, investor) of every figure (a plain string is read as one sentence in `lang`)."""
    sent = _as_sentence(sentence, lang)
    return [(r.company, r.investor) for r in roles_all(figures, sent, entities)]


def attribute(money: MoneySpan, sentence: Sentence | str, entities: list[EntitySpan], lang: str) -> tuple[str | None, str | None]:
    """(company, investor) of `money`: the recipient (or valued firm) and who put the money in."""
    return attribute_all([money], sentence, entities, lang)[0]


def _as_sentence(sentence: Sentence | str, lang: str) -> Sentence:
    if not isinstance(sentence, str):
        return sentence
    from etl.wordlists import lexicon  # the lexicon's lists include this module's cues

    sent = sentence_of(sentence, lexicon(lang))
    sent.doc.lang = lang
    return sent


def _roles(money: MoneySpan, sent: _Sentence, subjects: dict[int, str | None]) -> Roles:
    n = len(sent.text)
    ms = min(max(money.start, 0), n)
    me = min(max(money.end, ms), n)
    clause = sent.clauses.of(ms)
    mtype = money.money_type
    idx = sent.near(ms, me, clause)
    company, investors = _in_clause(sent, idx, ms, me, mtype)
    if company is None and mtype != "aggregate" and (not idx or sent.clauses.antecedent(clause) is not None):
        company = _continued(sent, clause, subjects)  # a relative clause is about its antecedent
    if not investors and mtype in ("funding", "investment"):
        investors = _investors_after(sent, clause, me)
    investors = [i for i in investors if i != company] if mtype != "valuation" else []
    return Roles(company, investors[0] if investors else None, tuple(investors))


def _investors_after(sent: _Sentence, clause: int, me: int) -> list[str]:
    """The investors named in a relative clause about the round right after the figure, when that
    clause holds no figure: its lead ("…, जिसका नेतृत्व Lightspeed ने किया", "…, which was led by
    Thrive"), else those who put money in ("… in which Lightspeed and Peak XV participated",
    "…, जिसमें लाइटस्पीड ने निवेश किया": the clause tells of investing, so "X ने" is an investor)."""
    for relative in sent.clauses.relatives_after(me, clause):
        members = sent.members(relative)
        found = [(k, _role(sent, k, -1, -1, "funding")) for k in members]
        leads = [sent.ents[k].name for k, (role, lead) in found if lead and role in _INVESTING]
        if leads:
            return list(dict.fromkeys(leads))
        ents = [sent.ents[k] for k in members]
        found = [_role(sent, k, -1, -1, "investment") for k in members]
        roles, lead_marks = [r for r, _ in found], [lead for _, lead in found]
        _share_list_roles(sent, ents, roles, lead_marks)
        investors = [e.name for e, r in zip(ents, roles) if r in _INVESTING]
        if investors:
            return list(dict.fromkeys(investors))
    return []


def _continued(sent: _Sentence, clause: int, subjects: dict[int, str | None]) -> str | None:
    """The recipient a clause without names takes over: a relative clause's antecedent (the name
    right before it), else the subject of the clause before it."""
    antecedent = sent.clauses.antecedent(clause)
    if antecedent is not None:
        k = bisect_left(sent.starts, antecedent) - 1
        return sent.ents[k].name if k >= 0 else None
    previous = sent.clauses.previous(clause)
    if previous is None:
        return None
    if previous not in subjects:
        subjects[previous] = _subject(sent, previous)
    return subjects[previous]


def _subject(sent: _Sentence, clause: int) -> str | None:
    """A clause's recipient: its company-cued name, else its first name not marked as investor."""
    members = sent.members(clause)
    roles = [_role(sent, k, -1, -1, "funding")[0] for k in members]
    for wanted in ("company", None):
        for k, r in zip(members, roles):
            if r == wanted:
                return sent.ents[k].name
    return None


def _in_clause(sent: _Sentence, idx: list[int], ms: int, me: int, mtype: str) -> tuple[str | None, list[str]]:
    if not idx:
        return None, []
    ents = [sent.ents[k] for k in idx]
    found = [_role(sent, k, ms, me, mtype) for k in idx]
    roles = [r for r, _ in found]
    leads = [lead for _, lead in found]
    _share_list_roles(sent, ents, roles, leads)

    def distance(i: int) -> int:
        e = ents[i]
        return ms - e.end if e.end <= ms else e.start - me

    def nearest(candidates: list[int]) -> int | None:
        return min(candidates, key=distance) if candidates else None

    company = nearest([i for i, r in enumerate(roles) if r == "company"])
    investing = [i for i, r in enumerate(roles) if r in _INVESTING]
    free = [i for i, r in enumerate(roles) if r is None]
    before = [i for i in free if ents[i].end <= ms]
    after = [i for i in free if ents[i].start >= me]
    if mtype == "investment":
        if not investing and (i := nearest([i for i in before if i != company])) is not None:
            investing = [i]
        if company is None:
            company = nearest([i for i in after if i not in investing])
        if company is None:
            company = nearest([i for i in before if i not in investing])
    elif mtype != "aggregate" and company is None:
        company = nearest([i for i in before if i not in investing])
        if company is None:
            company = nearest([i for i in after if i not in investing])
    company_name = ents[company].name if company is not None else None
    ordered = sorted(investing, key=lambda i: (not leads[i], ents[i].start))
    names = list(dict.fromkeys(ents[i].name for i in ordered if ents[i].name != company_name))
    return company_name, names


def _share_list_roles(sent: _Sentence, ents: list[_Ent], roles: list[str | None], leads: list[bool]) -> None:
    """Names in a list share the role a cue gives one of them ("led by A, B and C"), and a lead
    cue marks them all ("A और B के नेतृत्व में": co-leads, the first named first)."""
    changed = True
    while changed:
        changed = False
        for i in range(len(ents) - 1):
            if (roles[i] is None) != (roles[i + 1] is None) and sent.listed(ents[i], ents[i + 1]):
                roles[i], roles[i + 1] = roles[i] or roles[i + 1], roles[i + 1] or roles[i]
                changed = True
    for i in range(len(ents) - 1):  # once each way: a lead cue stands before or after the list
        if leads[i] and roles[i + 1] == roles[i] and sent.listed(ents[i], ents[i + 1]):
            leads[i + 1] = True
    for i in range(len(ents) - 1, 0, -1):
        if leads[i] and roles[i - 1] == roles[i] and sent.listed(ents[i - 1], ents[i]):
            leads[i - 1] = True


def _role(sent: _Sentence, k: int, ms: int, me: int, mtype: str) -> tuple[str | None, bool]:
    """The role a cue right before or after entity k gives it, and whether a lead cue marks it:
    the nearest cue wins; on a tie a cue before the name wins (对X投资: X is the recipient), then
    the text's own language, then the longer cue."""
    e = sent.ents[k]
    lo = max(sent.prev_end[k], me if 0 <= me <= e.start else 0)
    hi = min(sent.next_start[k], ms if ms >= e.end else len(sent.text))
    best, lead = None, False
    sides = [("before", c) for c in sent.cues_before(lo, e.start)] + [("after", c) for c in sent.cues_after(e.end, hi)]
    for side, (s, t, cues) in sides:
        if s < me and ms < t:
            continue  # a cue word inside the figure
        dist, gap = (e.start - t, (t, e.start)) if side == "before" else (s - e.end, (e.end, s))
        if gap[0] > gap[1] or not sent.filler.fullmatch(sent.text, *gap):
            continue
        for r in cues:
            if r.side == side and r.role not in ("join",) and (not r.types or mtype in r.types):
                lead = lead or r.role == "lead"
                key = (dist, side != "before", not r.own, -(t - s), r.role)
                if best is None or key < best:
                    best = key
    if best is None:
        return None, False
    return best[4], lead or best[4] == "lead"
