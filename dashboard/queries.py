"""The dashboard's questions as SQL over the store (etl.query): the small frames that the charts
draw and the tables list, never the whole table. No Streamlit here.

Each function gives what the pandas function named in its docstring gives on the same rows
(tests/test_queries.py checks that they agree), so the charts stay pure functions of a frame:
they are handed these results (``data=`` / ``facts=``) instead of aggregating a loaded table.
"""
from __future__ import annotations

import functools
from collections.abc import Sequence

import pandas as pd

from dashboard import drilldown, summaries
from dashboard.charts import STANCES
from etl.query import Query, Selection, period, where

def remembered(function):
    """Answers are kept per Query (etl.query.Results): the same question from another session,
    or from the same page's next run (a click elsewhere), is not asked of the store again.
    Callers must not modify the frames they get."""
    @functools.wraps(function)
    def wrapper(q: Query, *args, **kwargs):
        key = (function.__name__, _hashable(args), _hashable(tuple(sorted(kwargs.items()))))
        return q.results.get(key, lambda: function(q, *args, **kwargs))

    return wrapper


def _hashable(value):
    if isinstance(value, (list, tuple)):
        return tuple(_hashable(v) for v in value)
    return value


@remembered
def count(q: Query, sel: Selection) -> int:
    """How many mention rows the selection keeps."""
    return q.count(sel)


ENTITY_ROWS = "kind IN ('company', 'product')"
STANCE_ROWS = f"{ENTITY_ROWS} AND license IS NOT NULL"
LICENSE_FROM = "coalesce(license_from, 'context')"  # a stance without a recorded source: said in the text


def _sql(q: Query, sql: str, sel: Selection, extra_params: Sequence = ()) -> pd.DataFrame:
    """Run `sql`, whose ``{where}`` is the selection's condition (its parameters come first)."""
    condition, params = where(sel)
    return q.run(sql.replace("{where}", f"({condition})"), [*params, *extra_params]).df()


# --- the whole dataset --------------------------------------------------------------------------

@remembered
def choices(q: Query, max_sources: int = 1000) -> dict[str, list[str]]:
    """summaries.choices: the values each multi-select filter can take (one scan), and at most
    `max_sources` + 1 sources: more than the page lists (it shows a "source contains" box)."""
    row = q.run("""SELECT list(DISTINCT lang), list(DISTINCT entity) FILTER (WHERE kind = 'company'),
                          list(DISTINCT company), list(DISTINCT entity) FILTER (WHERE kind = 'product'),
                          list(DISTINCT kind) FROM {mentions}""").fetchall()[0]
    langs, companies, makers, products, kinds = ([v for v in (values or []) if v is not None] for values in row)
    sources = [r[0] for r in q.run("SELECT DISTINCT source FROM {mentions} WHERE source IS NOT NULL LIMIT ?",
                                   [int(max_sources) + 1]).fetchall()]
    return {
        "langs": sorted(langs),
        "companies": sorted(set(companies) | set(makers)),
        "products": sorted(products),
        "kinds": [k for k in ("company", "product", "money", "date") if k in set(kinds)],
        "licenses": ["open", "closed", "none"],
        "sources": sorted(sources),
    }


# --- overview -----------------------------------------------------------------------------------

@remembered
def overview(q: Query, sel: Selection) -> summaries.Overview:
    """summaries.overview(mentions, filtered documents, errors)."""
    m = _sql(q, f"""SELECT count(*) AS mentions, count(DISTINCT doc_id) AS docs,
                          count(DISTINCT entity) FILTER (WHERE {ENTITY_ROWS}) AS entities,
                          count(*) FILTER (WHERE linked = FALSE) AS unlinked,
                          count(DISTINCT entity) FILTER (WHERE linked = FALSE) AS unlinked_orgs,
                          min(published) AS first, max(published) AS last,
                          list(DISTINCT lang ORDER BY lang) FILTER (WHERE lang IS NOT NULL) AS langs
                   FROM {{mentions}} WHERE {{where}}""", sel).iloc[0]
    d = _sql(q, """SELECT count(*) AS documents, count(*) FILTER (WHERE published IS NULL) AS undated,
                          min(published) AS first, max(published) AS last,
                          list(DISTINCT lang ORDER BY lang) FILTER (WHERE lang IS NOT NULL) AS langs
                   FROM {documents} WHERE {where}""", sel.documents()).iloc[0]
    errors = int(q.run("SELECT count(*) FROM {errors}").fetchall()[0][0])
    source = d if d["documents"] else m  # dates and languages from the documents when there are any
    return summaries.Overview(
        documents=int(d["documents"]), documents_with_mentions=int(m["docs"]),
        languages=tuple(source["langs"] if source["langs"] is not None else ()), mentions=int(m["mentions"]),
        entities=int(m["entities"]), first_date=_timestamp(source["first"]), last_date=_timestamp(source["last"]),
        undated_documents=int(d["undated"]), errors=errors, unlinked_mentions=int(m["unlinked"]),
        unlinked_organisations=int(m["unlinked_orgs"]),
    )


def _timestamp(value) -> pd.Timestamp | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value)


@remembered
def language_kinds(q: Query, sel: Selection) -> pd.DataFrame:
    """lang, kind, n: what charts.mentions_by_language counts."""
    return _sql(q, "SELECT lang, kind, count(*) AS n FROM {mentions} WHERE {where} GROUP BY ALL", sel)


@remembered
def entity_counts(q: Query, sel: Selection) -> pd.DataFrame:
    """summaries.entity_counts: entity, kind, mentions, most mentioned first."""
    out = _sql(q, f"""SELECT entity, min(kind) AS kind, count(*) AS mentions FROM {{mentions}}
                      WHERE {{where}} AND {ENTITY_ROWS} AND entity IS NOT NULL
                      GROUP BY entity ORDER BY mentions DESC, entity""", sel)
    return out.astype({"entity": "string", "kind": "string", "mentions": "int64"})


@remembered
def unlinked_organisations(q: Query, sel: Selection) -> pd.DataFrame:
    """summaries.unlinked_organisations: entity, mentions, documents, languages."""
    out = _sql(q, """SELECT entity, count(*) AS mentions, count(DISTINCT doc_id) AS documents,
                            string_agg(DISTINCT lang, ', ' ORDER BY lang) AS languages
                     FROM {mentions} WHERE {where} AND linked = FALSE AND entity IS NOT NULL
                     GROUP BY entity ORDER BY mentions DESC, documents DESC, entity""", sel)
    return out.astype({"entity": "string", "mentions": "int64", "documents": "int64", "languages": "string"})


@remembered
def undated(q: Query, sel: Selection) -> tuple[int, int]:
    """summaries.undated: (documents, mentions) of company/product rows without a date."""
    row = _sql(q, f"""SELECT count(DISTINCT doc_id) AS docs, count(*) AS n FROM {{mentions}}
                      WHERE {{where}} AND {ENTITY_ROWS} AND published IS NULL""", sel).iloc[0]
    return int(row["docs"]), int(row["n"])


# --- timeline -----------------------------------------------------------------------------------

@remembered
def timeline_data(q: Query, sel: Selection, grain: str = "month", top: int = 8, entities=None) -> pd.DataFrame:
    """charts.timeline_data: entity, period, mentions, share for the top-N (or given) entities."""
    per = _sql(q, f"""SELECT entity, {period(grain)} AS period, count(*) AS n FROM {{mentions}}
                      WHERE {{where}} AND {ENTITY_ROWS} AND published IS NOT NULL GROUP BY ALL""", sel)
    if per.empty:
        return pd.DataFrame({"entity": pd.Series(dtype="string"), "period": pd.Series(dtype="datetime64[ns]"),
                             "mentions": pd.Series(dtype="int64"), "share": pd.Series(dtype="float64")})
    per["period"] = pd.to_datetime(per["period"]).astype("datetime64[ns]")
    totals = per.groupby("period")["n"].sum()
    named = per.dropna(subset=["entity"])
    if entities:
        present = set(named["entity"])
        chosen = [e for e in entities if e in present]
    else:
        ranking = named.groupby("entity")["n"].sum().sort_values(ascending=False, kind="stable")
        chosen = list(ranking.index[:top])
    grid = pd.MultiIndex.from_product([chosen, totals.index], names=["entity", "period"])
    counts = named.set_index(["entity", "period"])["n"].reindex(grid, fill_value=0)
    out = counts.rename("mentions").reset_index()
    out["share"] = out["mentions"].to_numpy() / totals.reindex(out["period"]).to_numpy()
    return out.astype({"entity": "string", "mentions": "int64"})


# --- open vs closed -----------------------------------------------------------------------------

@remembered
def license_split(q: Query, sel: Selection) -> pd.DataFrame:
    """charts.license_split: license, license_from, mentions."""
    got = _sql(q, f"""SELECT license, {LICENSE_FROM} AS license_from, count(*) AS n FROM {{mentions}}
                      WHERE {{where}} AND {STANCE_ROWS} GROUP BY ALL""", sel)
    counts = {(a, b): int(n) for a, b, n in zip(got["license"], got["license_from"], got["n"])}
    out = pd.DataFrame([(lic, src, counts.get((lic, src), 0)) for lic, src in STANCES],
                       columns=["license", "license_from", "mentions"])
    return out[out["mentions"] > 0].reset_index(drop=True)


@remembered
def license_over_time_data(q: Query, sel: Selection, grain: str = "month") -> pd.DataFrame:
    """charts.license_over_time_data: license, license_from, period, mentions."""
    out = _sql(q, f"""SELECT license, {LICENSE_FROM} AS license_from, {period(grain)} AS period, count(*) AS mentions
                      FROM {{mentions}} WHERE {{where}} AND {STANCE_ROWS} AND published IS NOT NULL
                      GROUP BY ALL ORDER BY period, license, license_from""", sel)
    out["period"] = pd.to_datetime(out["period"]).astype("datetime64[ns]")
    return out.astype({"license": "string", "license_from": "string", "mentions": "int64"})


@remembered
def license_by_company_data(q: Query, sel: Selection, top: int = 15) -> pd.DataFrame:
    """charts.license_by_company_data: company, license, license_from, mentions (top companies)."""
    out = _sql(q, f"""WITH counts AS (
                          SELECT company, license, {LICENSE_FROM} AS license_from, count(*) AS mentions FROM {{mentions}}
                          WHERE {{where}} AND {STANCE_ROWS} AND company IS NOT NULL GROUP BY ALL),
                      ranked AS (
                          SELECT company, row_number() OVER (ORDER BY sum(mentions) DESC, company) AS rank
                          FROM counts GROUP BY company)
                      SELECT c.company, c.license, c.license_from, c.mentions FROM counts c JOIN ranked r USING (company)
                      WHERE r.rank <= ? ORDER BY r.rank, c.license, c.license_from""", sel, [int(top)])
    return out.astype({"company": "string", "license": "string", "license_from": "string", "mentions": "int64"})


# --- funding ------------------------------------------------------------------------------------

WHEN = """coalesce(CASE WHEN length(date) >= 10 THEN try_cast(substr(date, 1, 10) AS DATE)
                        WHEN length(date) = 7 THEN try_cast(date || '-01' AS DATE)
                        WHEN length(date) = 4 THEN try_cast(date || '-01-01' AS DATE) END::TIMESTAMP,
                   published::TIMESTAMP)"""  # summaries.event_dates: the fact's own date, else the document's
SCALE = "pow(10, floor(log10(abs(amount_usd))) - 2)"
USD_3_DIGITS = f"CASE WHEN amount_usd = 0 THEN amount_usd ELSE round(amount_usd / {SCALE}) * {SCALE} END"


@remembered
def priced_facts(q: Query, sel: Selection) -> pd.DataFrame:
    """summaries.priced_facts: one row per money fact with a USD value (company, type, round and
    USD amount to 3 significant digits; the earliest report kept), columns EVENT_COLUMNS + when.
    The funding charts take it as their ``facts``."""
    out = _sql(q, f"""WITH money AS (
                          SELECT company, money_type, round, amount_usd, doc_id, start, date, published,
                                 {WHEN} AS "when", {USD_3_DIGITS} AS usd3
                          FROM {{mentions}} WHERE {{where}} AND kind = 'money' AND amount_usd IS NOT NULL)
                      SELECT * EXCLUDE (usd3) FROM money
                      QUALIFY row_number() OVER (PARTITION BY company, money_type, round, usd3
                                                 ORDER BY "when" NULLS LAST, doc_id, start) = 1
                      ORDER BY doc_id, start""", sel)
    out["when"] = pd.to_datetime(out["when"]).astype("datetime64[ns]")
    out["published"] = pd.to_datetime(out["published"]).astype("datetime64[ns]")
    return out.astype({c: "string" for c in ("company", "money_type", "round", "doc_id", "date")})


MONEY_ORDER = ("amount_usd DESC NULLS LAST", "doc_id", "start")


@remembered
def money_rows(q: Query, sel: Selection, limit: int, aggregates_only: bool = False) -> tuple[pd.DataFrame, int]:
    """The money rows (largest USD first, at most `limit`) and how many there are: the funding
    table, or with `aggregates_only` the aggregate figures."""
    extra = "kind = 'money'" + (" AND money_type = 'aggregate'" if aggregates_only else "")
    total = int(q.count_by(sel, [], extra=extra)["n"].iloc[0])
    # The limit-th largest amount first (a top-N over one column is cheap); then only rows at or
    # above it are read whole, so the sentences of a million money rows are never decoded.
    condition, params = where(sel)
    cut = q.run(f"SELECT amount_usd FROM {{mentions}} WHERE {condition} AND ({extra}) "
                "ORDER BY amount_usd DESC NULLS LAST LIMIT 1 OFFSET ?", [*params, max(int(limit) - 1, 0)]).fetchall()
    if cut and cut[0][0] is not None:
        return q.page(sel, order=MONEY_ORDER, limit=limit, extra=f"{extra} AND amount_usd >= ?",
                      extra_params=[cut[0][0]]), total
    return q.page(sel, order=MONEY_ORDER, limit=limit, extra=extra), total


# --- rows and the drill-down --------------------------------------------------------------------

def target_condition(target: drilldown.Target) -> tuple[str, list]:
    """drilldown.rows_mask as SQL: the rows a clicked mark stands for."""
    parts, params = [], []
    for column, value in target.equals:
        if column not in drilldown.COLUMNS:
            return "FALSE", []
        if value is None:
            parts.append(f"{column} IS NULL")
        elif column == "start":
            parts.append("start = ?")
            params.append(int(value))
        elif column == "linked":
            parts.append("linked = ?")
            params.append(bool(value))
        else:
            parts.append(f"{column} = ?")
            params.append(str(value))
    if target.period:
        try:
            start = pd.Timestamp(target.period)
        except ValueError:
            return "FALSE", []
        end = start + drilldown.GRAIN_OFFSETS.get(target.grain or "day", drilldown.GRAIN_OFFSETS["day"])
        parts.append("published >= ? AND published < ?")
        params += [start.to_pydatetime(), end.to_pydatetime()]
    return " AND ".join(parts) or "TRUE", params


@remembered
def drill(q: Query, sel: Selection, target: drilldown.Target, limit: int = 50) -> tuple[pd.DataFrame, pd.DataFrame, int, int]:
    """The rows of the first `limit` sentences behind `target` (drilldown's order: newest
    document first, undated last), their documents, the number of mentions and of sentences."""
    condition, params = target_condition(target)
    counted = _sql(q, f"""SELECT count(*) AS n, count(DISTINCT (doc_id, sentence_id)) AS sentences FROM {{mentions}}
                          WHERE {{where}} AND {condition}""", sel, params).iloc[0]
    sentences = _sql(q, f"""SELECT doc_id, sentence_id, max(published) AS newest FROM {{mentions}}
                            WHERE {{where}} AND {condition} GROUP BY doc_id, sentence_id
                            ORDER BY newest IS NULL, newest DESC, doc_id, sentence_id LIMIT ?""",
                     sel, [*params, int(limit)])
    if sentences.empty:
        return q.page(sel, limit=0), q.table("documents").head(0), int(counted["n"]), 0
    keys = list(zip(sentences["doc_id"], sentences["sentence_id"].astype(int)))
    pairs = " OR ".join("(doc_id = ? AND sentence_id = ?)" for _ in keys)
    rows = q.page(sel, extra=f"{condition} AND ({pairs})", extra_params=[*params, *[v for k in keys for v in k]],
                  limit=1_000_000)
    docs = sorted(set(sentences["doc_id"]))
    documents = q.run(f"SELECT * FROM {{documents}} WHERE doc_id IN ({', '.join('?' for _ in docs)})", docs).df()
    return rows, documents, int(counted["n"]), int(counted["sentences"])
