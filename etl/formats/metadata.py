"""Metadata values as every reader reads them: language codes and names, publication dates with
the grain they really state, trimmed strings."""
from __future__ import annotations

import re
from datetime import date
from functools import cache

import pandas as pd

from etl.datafiles import read_csv

KNOWN_LANGS = ("ar", "hi", "zh", "en")
_YEAR = re.compile(r"^\s*((?:1[89]|2[01])\d{2})\s*$")
_YEAR_MONTH = re.compile(r"^\s*((?:1[89]|2[01])\d{2})[-/.](0?[1-9]|1[0-2])\s*$")
_COMPACT = re.compile(r"^\s*(\d{4})(\d{2})(\d{2})(?:T\d{4,6}(?:\.\d+)?Z?)?\s*$")  # GDELT: 20250304T101500Z


def clean(value) -> str | None:
    if value is None:
        return None
    value = str(value).strip()
    return value or None


@cache
def _language_names() -> dict[str, str]:
    return {row["name"].casefold(): row["lang"] for row in read_csv("language_names.csv")}


def language_code(value) -> str | None:
    """ar/hi/zh/en from a code ("en", "en-US", "ar_AR", "zh-Hans"), an ISO 639-2/3 code ("eng",
    "zho") or a name ("Arabic", "中文"; etl/data/language_names.csv); None for anything else."""
    value = (clean(value) or "").casefold().replace("_", "-")
    if not value:
        return None
    base = value.split("-")[0]
    if base in KNOWN_LANGS:
        return base
    return _language_names().get(value) or _language_names().get(base)


def parse_published(value) -> date | None:
    """A metadata date (ISO, RFC 2822, '26/11/2026' read day-first ...) or None when absent/unreadable."""
    return published_and_grain(value)[0]


def published_and_grain(value) -> tuple[date | None, str | None]:
    """A metadata date and its grain: `year` for "2025", `month` for "2025-03", else `day`."""
    value = clean(value)
    if not value:
        return None, None
    if match := _YEAR.match(value):
        return date(int(match.group(1)), 1, 1), "year"
    if match := _YEAR_MONTH.match(value):
        return date(int(match.group(1)), int(match.group(2)), 1), "month"
    if match := _COMPACT.match(value):
        try:
            return date(int(match.group(1)), int(match.group(2)), int(match.group(3))), "day"
        except ValueError:
            return None, None
    try:
        return date.fromisoformat(value[:10]), "day"
    except ValueError:
        pass
    ts = pd.to_datetime(value, errors="coerce", dayfirst=True, utc=True)
    return (None, None) if pd.isna(ts) else (ts.date(), "day")
