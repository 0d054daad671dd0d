"""The Overview tab's answers, counted from the frame in memory or in SQL over the store's files.

The Overview shows counts only: totals, mentions per entity, per language and kind, and the
organisations not in the knowledge base (`Tallies`). `tallies(view)` counts them in a filtered
frame; `sql_tallies(query)` asks DuckDB for the same counts over the part files (etl.query.Query),
and both go through `answers`, which makes the tiles' numbers and the charts. That is what lets a
large store show its first page before its columns are in memory: a store of 10 million rows
takes seconds to load into pandas, but its first page (default filters, the Overview) needs only
these counts and the filter choices, which DuckDB computes from the files in about a second
(`first_page`). The two ways are tested equal (tests/test_overview_sql.py).
"""
from __future__ import annotations

from typing import NamedTuple

import pandas as pd
import pyarrow.parquet as pq

from dashboard import charts, filters, summaries
from dashboard.summaries import MentionTotals
from etl.query import Query, Selection

# what the SQL reads: a store whose files lack one of these shows its first page from the frame
SQL_COLUMNS = ("doc_id", "source", "lang", "published", "published_grain", "kind", "entity", "company", "linked")


class Tallies(NamedTuple):
    totals: MentionTotals
    entities: pd.DataFrame  # summaries.entity_counts
    languages: pd.DataFrame  # lang, kind, n: rows per language and kind
    unlinked: pd.DataFrame | None  # summaries.unlinked_organisations; None when there are none


class Answers(NamedTuple):
    overview: summaries.Overview
    top: object  # plotly Figures
    languages: object
    unlinked: pd.DataFrame | None
    new_organisations: object | None


def tallies(view: pd.DataFrame) -> Tallies:
    # each pass over the rows once: the distinct entities are the entity table's rows
    entities, unlinked = summaries.entity_counts(view), summaries.unlinked_mask(view)
    totals = summaries.mention_totals(view, len(entities), unlinked)
    return Tallies(totals, entities, summaries.count_by({"lang": view["lang"], "kind": view["kind"]}),
                   summaries.unlinked_organisations(view, unlinked) if totals.unlinked_organisations else None)


def answers(counted: Tallies, documents: pd.DataFrame, errors: pd.DataFrame, view: pd.DataFrame | None = None) -> Answers:
    """The tab's numbers and figures. `documents`: filtered like the mentions (filters.apply_documents);
    `view`: the mentions themselves, read only when `documents` is empty (the dates then come from them)."""
    o = summaries.overview(view, documents, errors, counted.totals)
    unlinked = counted.unlinked
    return Answers(o, charts.top_entities(None, counts=counted.entities), charts.mentions_by_language(None, counts=counted.languages),
                   unlinked, charts.new_organisations(None, table=unlinked) if unlinked is not None else None)


def of_rows(filtered: filters.Filtered, documents: pd.DataFrame, errors: pd.DataFrame) -> Answers:
    """The answers for the filtered rows (`documents`: all of them), from the columns the tab
    reads; the dates too when no document passes the filters (summaries.overview then reads the
    dates off the mentions)."""
    documents = filters.apply_documents(documents, filtered.filters)
    view = filtered.frame(filters.READS["Overview"] + (() if len(documents) else filters.DATES))
    return answers(tallies(view), documents, errors, view)


# --- the same in SQL ----------------------------------------------------------------------------

def entity_kinds(query: Query) -> pd.DataFrame:
    """entity, kind, n: rows per (entity, kind) of the company and product mentions of `query`
    (a name of both kinds in two rows: the filter choices list it under both)."""
    counts = query.count_by(Selection(kinds=summaries.ENTITY_KINDS), ["entity", "kind"], extra="entity IS NOT NULL")
    return _nullable(counts, ["entity", "kind"])


def sql_tallies(query: Query, entities: pd.DataFrame) -> Tallies:
    """Tallies of every row of `query`'s mentions (its scope; no other filter), `entities` being
    its entity_kinds: the distinct documents, and two more group-bys whose sizes give the other totals."""
    documents = int(query.run("SELECT count(DISTINCT doc_id) FROM {mentions}").fetchall()[0][0])
    languages = _nullable(query.run("SELECT lang, kind, count(*) AS n, count(*) FILTER (WHERE linked = false) AS unlinked"
                                    " FROM {mentions} GROUP BY ALL").df(), ["lang", "kind"])
    unlinked = query.run(
        "SELECT entity, count(*) AS mentions, count(DISTINCT doc_id) AS documents,"
        " coalesce(string_agg(DISTINCT lang, ', ' ORDER BY lang), '') AS languages"
        " FROM {mentions} WHERE linked = false AND entity IS NOT NULL GROUP BY entity"
        " ORDER BY mentions DESC, documents DESC, entity").df()
    unlinked = unlinked.astype({"entity": "string", "mentions": "int64", "documents": "int64", "languages": "string"})
    totals = MentionTotals(documents, int(languages["n"].sum()), int(entities["entity"].nunique()),
                           int(languages.pop("unlinked").sum()), len(unlinked))
    return Tallies(totals, summaries.entity_table(entities), languages, unlinked if len(unlinked) else None)


def sql_choices(query: Query, entities: pd.DataFrame, languages: pd.DataFrame) -> dict[str, list[str] | None]:
    """summaries.choices of every row of `query`'s mentions (names, languages and kinds read off
    its entity_kinds and its tallies' languages)."""
    of_kind = lambda kind: entities["entity"][entities["kind"] == kind]  # noqa: E731
    return summaries.choices_of(
        langs=languages["lang"].dropna().unique(), company_entities=of_kind("company"), companies=query.distinct("company"),
        products=of_kind("product"), kinds=languages["kind"].dropna().unique(),
        sources=query.distinct("source", limit=summaries.SOURCE_CHOICES + 1))


def sql_bounds(query: Query):
    """summaries.published_bounds of every row of `query`'s mentions."""
    first, last, month, year = query.run(
        "SELECT min(published), max(published), max(published) FILTER (WHERE published_grain = 'month'),"
        " max(published) FILTER (WHERE published_grain = 'year') FROM {mentions}").fetchall()[0]
    return None if first is None else summaries.bounds_of(first, last, {"month": month, "year": year})


def _nullable(counts: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """SQL's NULL keys as the frame's counts have them (None in object columns)."""
    return counts.assign(**{c: counts[c].astype(object).where(counts[c].notna(), None) for c in keys})


class FirstPage(NamedTuple):
    """What the first page of a large store shows while its columns load: the number of rows,
    the filter choices and date range, and the Overview's tallies under the default filters."""

    rows: int
    choices: dict[str, list[str] | None]
    bounds: tuple | None
    tallies: Tallies


def first_page(query: Query) -> FirstPage | None:
    """The first page from SQL (six scans, ~1.1-1.4 s at 10 M rows on two busy cores); None when a
    part file lacks a column it reads (an older store: the frame would not have it either, as a
    store is read with its first file's columns, while DuckDB unites them)."""
    if not all(set(SQL_COLUMNS) <= set(pq.read_schema(f).names) for f in query.files):
        return None
    entities = entity_kinds(query)
    counted = sql_tallies(query, entities)
    return FirstPage(counted.totals.mentions, sql_choices(query, entities, counted.languages), sql_bounds(query), counted)
