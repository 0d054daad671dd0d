"""Who a money figure is about: the recipient company and the investor, from the sentence.

Role cues (etl/data/funding_roles.csv) sit right before or after an entity mention:
"استثمار Microsoft … في OpenAI", "led by Sequoia", "由腾讯领投", "X के नेतृत्व में". Without a
cue, the recipient is the nearest company before the figure (the subject in all four
languages' usual word order), else the nearest after it. Aggregates name no recipient.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from etl.knowledge import read_csv
from etl.spans import EntitySpan, MoneySpan
from etl.textnorm import normalize

_WINDOW = 24  # characters around a mention in which a role cue counts


@dataclass(frozen=True)
class _Cues:
    before: dict[str, list[tuple[str, str]]]  # lang -> [(cue, role)], cue ends right before the entity
    after: dict[str, list[tuple[str, str]]]  # cue starts right after the entity


@cache
def _cues() -> _Cues:
    before: dict[str, list] = {}
    after: dict[str, list] = {}
    for r in read_csv("funding_roles.csv"):
        side = before if r["side"] == "before" else after
        side.setdefault(r["lang"], []).append((normalize(r["cue"]), r["role"]))
    for table in (before, after):
        for cues in table.values():
            cues.sort(key=lambda c: len(c[0]), reverse=True)
    return _Cues(before, after)


def attribute(money: MoneySpan, sentence: str, entities: list[EntitySpan], lang: str) -> tuple[str | None, str | None]:
    """(company, investor) for `money`; offsets of money and entities are relative to `sentence`."""
    companies = [e for e in entities if e.company and not _overlaps(e, money)]
    if not companies:
        return None, None
    roles = {id(e): _role(e, sentence, lang) for e in companies}
    # A grammatical subject ("X ने …") invests in an investment and receives in a funding round.
    subject_role = "investor" if money.money_type == "investment" else "company"
    roles = {k: subject_role if r == "subject" else r for k, r in roles.items()}
    investors = [e for e in companies if roles[id(e)] == "investor"]
    investor = _nearest(investors, money)
    recipients = [e for e in companies if roles[id(e)] == "company" and e.company != (investor and investor.company)]
    company = _nearest(recipients, money)
    if company is None and money.money_type != "aggregate":
        others = [e for e in companies if roles[id(e)] is None and e.company != (investor and investor.company)]
        before = [e for e in others if e.end <= money.start]
        company = before[-1] if before else _nearest(others, money)
    if money.money_type == "aggregate":
        company = None
    return (company.company if company else None), (investor.company if investor else None)


def _role(e: EntitySpan, sentence: str, lang: str) -> str | None:
    cues = _cues()
    left = normalize(sentence[max(0, e.start - _WINDOW) : e.start]).rstrip()
    right = normalize(sentence[e.end : e.end + _WINDOW]).lstrip()
    for cue, role in cues.before.get(lang, []) + cues.before.get("en", []) * (lang != "en"):
        if left.endswith(cue) and (len(left) == len(cue) or not left[-len(cue) - 1].isalnum()):
            return role
    for cue, role in cues.after.get(lang, []) + cues.after.get("en", []) * (lang != "en"):
        if right.startswith(cue) and (len(right) == len(cue) or not _continues_word(right[len(cue)])):
            return role
    return None


def _continues_word(ch: str) -> bool:
    return bool(re.match(r"[a-z\u0621-\u064a\u0900-\u097f]", ch))


def _overlaps(e: EntitySpan, m: MoneySpan) -> bool:
    return e.start < m.end and m.start < e.end


def _nearest(spans: list[EntitySpan], money: MoneySpan) -> EntitySpan | None:
    if not spans:
        return None
    return min(spans, key=lambda e: e.start - money.end if e.start >= money.end else money.start - e.end)
