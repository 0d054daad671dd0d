"""The review list that teaches the knowledge base: what a run found that `etl/data/` lacks.

Two kinds of candidates: organisations the rules or Stanza found (`linked = False`) and
versioned products whose name the knowledge base does not hold ("Qwen2.5-VL", family Qwen).
One row per candidate and spelling, its first columns those of `etl/data/entities.csv`
(`name,type,maker,license,country`), then those of `aliases.csv` (`alias,lang,needs_context,
case_sensitive`), then the evidence a reviewer decides on: mentions, documents, first and last
seen, and example sentences. Pure: a mentions DataFrame in, a DataFrame out.
"""
from __future__ import annotations

import pandas as pd

from etl.knowledge import KnowledgeBase, knowledge_base

ENTITY_COLUMNS = ["name", "type", "maker", "license", "country"]
ALIAS_COLUMNS = ["alias", "lang", "needs_context", "case_sensitive"]
EVIDENCE_COLUMNS = ["mentions", "documents", "first_seen", "last_seen", "examples"]
COLUMNS = ENTITY_COLUMNS + ALIAS_COLUMNS + EVIDENCE_COLUMNS
EXAMPLES = 3  # sentences per candidate, " | "-joined
EXAMPLE_CHARS = 300


def review_candidates(mentions: pd.DataFrame, kb: KnowledgeBase | None = None) -> pd.DataFrame:
    """The candidates of a mentions table, most mentioned first (see the module docstring)."""
    kb = kb or knowledge_base()
    rows = mentions[_is_candidate(mentions, kb)]
    if rows.empty:
        return pd.DataFrame(columns=COLUMNS)
    out = []
    for name, group in rows.groupby("entity", sort=False):
        evidence = _evidence(group)
        entity = _entity_row(name, group, kb)
        for (alias, lang), _ in group.groupby(["text", "lang"], sort=True):
            out.append({**entity, "alias": alias, "lang": lang, "needs_context": 0, "case_sensitive": 0, **evidence})
    table = pd.DataFrame(out, columns=COLUMNS)
    return table.sort_values(["mentions", "name", "alias"], ascending=[False, True, True], kind="stable").reset_index(drop=True)


def _is_candidate(mentions: pd.DataFrame, kb: KnowledgeBase) -> pd.Series:
    unknown = ~mentions["entity"].isin(kb.entities.keys())
    new_org = (mentions["kind"] == "company") & (mentions["linked"] == False)  # noqa: E712 (nullable column)
    family = mentions["family"] if "family" in mentions else pd.Series(None, index=mentions.index)
    new_version = (mentions["kind"] == "product") & family.notna() & unknown
    return (new_org | new_version).fillna(False) & mentions["entity"].notna()


def _entity_row(name: str, group: pd.DataFrame, kb: KnowledgeBase) -> dict:
    """The entities.csv row: a version takes its family's maker and default licence."""
    if group["kind"].iloc[0] == "product":
        family = kb.entities.get(group["family"].dropna().iloc[0]) if group["family"].notna().any() else None
        maker = family.maker if family else _first(group["company"])
        return {"name": name, "type": "product", "maker": maker, "license": family.license if family else None, "country": None}
    return {"name": name, "type": "company", "maker": None, "license": None, "country": None}


def _evidence(group: pd.DataFrame) -> dict:
    published = pd.to_datetime(group["published"], errors="coerce").dropna()
    sentences = group["sentence"].dropna().drop_duplicates().head(EXAMPLES)
    return {
        "mentions": len(group),
        "documents": group["doc_id"].nunique(),
        "first_seen": published.min().date().isoformat() if len(published) else None,
        "last_seen": published.max().date().isoformat() if len(published) else None,
        "examples": " | ".join(" ".join(s.split())[:EXAMPLE_CHARS] for s in sentences),
    }


def _first(values: pd.Series) -> str | None:
    present = values.dropna()
    return present.iloc[0] if len(present) else None
