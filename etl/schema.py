"""The column contract of the tidy mentions table (see DESIGN.md) and its sibling tables."""
from __future__ import annotations

import pandas as pd
import pyarrow as pa

# column -> pandas dtype. Order is the order of the Parquet and CSV files.
MENTION_COLUMNS: dict[str, str] = {
    "doc_id": "string",
    "source": "string",
    "lang": "string",
    "published": "datetime64[ns]",
    "published_from": "string",
    "sentence_id": "Int64",
    "sentence": "string",
    "start": "Int64",
    "end": "Int64",
    "text": "string",
    "kind": "string",
    "entity": "string",
    "company": "string",
    "license": "string",
    "license_from": "string",
    "amount": "Float64",
    "currency": "string",
    "amount_usd": "Float64",
    "money_type": "string",
    "round": "string",
    "investor": "string",
    "date": "string",
    "date_grain": "string",
    "extractor": "string",
    # Additions to the DESIGN.md contract (reasons in the README, "Table contract"):
    "linked": "boolean",  # False for an organisation found by NER but not in the knowledge base
    "amount_upper": "Float64",  # upper bound of a range such as "$1-2 billion"
    "published_grain": "string",  # day, month or year: how much of `published` the source states
    "title": "string",  # the document's title, so a row names its article without a join
    "url": "string",  # the document's http(s) address
    "family": "string",  # a product's family: Qwen for Qwen2.5-VL (its own name for an unversioned product)
    "investors": "string",  # every named investor of a money figure, the lead first, "; "-joined
    "event_id": "string",  # the funding event a money row belongs to (etl/events.py; funding.parquet)
    "fx_date": "string",  # money: the date of the rate amount_usd used (a day, or YYYY-MM / YYYY for an average)
    "fx_from": "string",  # money: where that rate came from: ecb, peg or table (null: US dollars, or no source)
}

DOCUMENT_COLUMNS: dict[str, str] = {
    "doc_id": "string",
    "source": "string",
    "lang": "string",
    "lang_from": "string",  # metadata or script
    "published": "datetime64[ns]",
    "published_from": "string",  # metadata, html, feed, crawl, dateline or text
    "published_grain": "string",  # day, month or year
    "title": "string",
    "url": "string",  # http(s) only
    "site": "string",  # the site or feed that published it (og:site_name, the feed's title, the API's source)
    "author": "string",
    "chars": "Int64",
    "sentences": "Int64",
    "repeated_paragraphs": "Int64",  # paragraphs skipped because they repeat one above
    "duplicates": "string",  # other sources with the identical text (counted once), "; "-joined
    "mentions": "Int64",
    "relative_undated": "Int64",  # relative date phrases (yesterday, last week) left out: no publication date to place them
    "fingerprint": "string",  # hash of the raw record, where it was read and its metadata
    "cache_key": "string",  # fingerprint + NER backend + extractor version: unchanged key = rows reused
    "added_by": "string",  # who added it through the dashboard (their e-mail); null for a corpus run
    "added_at": "datetime64[ns]",  # when it first entered the store (UTC)
}

# funding.parquet: one row per funding event (etl/events.py).
FUNDING_COLUMNS: dict[str, str] = {
    "event_id": "string",  # the money rows of mentions.parquet that report it carry it
    "company": "string",  # the recipient
    "money_type": "string",  # funding or investment (the most frequent among its reports)
    "round": "string",
    "amount": "Float64",  # in original units, from its most precise report
    "amount_upper": "Float64",
    "currency": "string",
    "amount_usd": "Float64",
    "valuation_usd": "Float64",  # a valuation reported with it (same company, same document)
    "date": "string",  # the finest date its reports give, else the first publication date
    "date_grain": "string",
    "lead_investor": "string",
    "investors": "string",  # every investor its reports name, the lead first, "; "-joined
    "mentions": "Int64",  # money mentions that report it
    "documents": "Int64",  # documents that report it
    "first_published": "datetime64[ns]",
    "sources": "string",  # doc_ids of those documents, "; "-joined, earliest first
}

ERROR_COLUMNS: dict[str, str] = {
    "source": "string",
    "line": "Int64",  # line or row number inside a JSONL/CSV file, else null
    "error": "string",
}

KINDS = ("company", "product", "money", "date")
LICENSES = ("open", "closed")
from etl.spans import MONEY_TYPES  # noqa: E402,F401 (one list, in spans.py beside MoneySpan)


def date_text(day, grain: str | None) -> str:
    """A date as the contract writes it at its grain: "2024", "2024-06", else "2024-06-11"."""
    if grain == "year":
        return f"{day.year:04d}"
    return f"{day.year:04d}-{day.month:02d}" if grain == "month" else f"{day:%Y-%m-%d}"


def frame(rows: list[dict], columns: dict[str, str]) -> pd.DataFrame:
    """A DataFrame with exactly `columns`, in order and with their dtypes (missing values null)."""
    df = pd.DataFrame.from_records(rows, columns=list(columns)) if rows else pd.DataFrame(columns=list(columns))
    return coerce(df, columns)


def coerce(df: pd.DataFrame, columns: dict[str, str]) -> pd.DataFrame:
    """`df` with the contract's dtypes (Parquet round trips change datetime units, for one)."""
    for col, dtype in columns.items():
        if dtype.startswith("datetime"):
            df[col] = pd.to_datetime(df[col], errors="coerce").astype(dtype)
        elif df[col].dtype != pd.api.types.pandas_dtype(dtype):  # pandas 3: "str" == "string", yet not the same NA
            df[col] = df[col].astype(dtype)
    return df


def mentions_frame(rows: list[dict]) -> pd.DataFrame:
    return frame(rows, MENTION_COLUMNS)


def documents_frame(rows: list[dict]) -> pd.DataFrame:
    return frame(rows, DOCUMENT_COLUMNS)


def errors_frame(rows: list[dict]) -> pd.DataFrame:
    return frame(rows, ERROR_COLUMNS)


def _arrow_schema(columns: dict[str, str]) -> pa.Schema:
    return pa.Schema.from_pandas(frame([], columns), preserve_index=False)


# The mentions table as Arrow (how workers return rows and the store writes them): building it
# column by column from row dicts is several times faster than a DataFrame, and it pickles compactly.
MENTIONS_ARROW = _arrow_schema(MENTION_COLUMNS)
_ROW_TYPES = MENTIONS_ARROW.set(MENTIONS_ARROW.get_field_index("published"), pa.field("published", pa.date32()))


def mentions_table(rows: list[dict]) -> pa.Table:
    """Row dicts (published as a `date`) as an Arrow table of the contract's columns and types."""
    columns = {name: [row.get(name) for row in rows] for name in MENTIONS_ARROW.names}
    return pa.table(columns, schema=_ROW_TYPES).cast(MENTIONS_ARROW)


def mentions_from_arrow(table: pa.Table) -> pd.DataFrame:
    return coerce(table.to_pandas(), MENTION_COLUMNS)
