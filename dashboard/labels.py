"""Words for people: column headers, coded values, money, counts and plurals. No Streamlit.

The table keeps its codes (``series_b``, ``knowledge_base``, ``amount_usd``); everything a reader
sees goes through here, so a code never reaches the page and one value always reads the same.
"""
from __future__ import annotations

import math
import re
from collections.abc import Iterable

import pandas as pd

COLUMNS = {
    "doc_id": "Document id", "source": "Read from", "lang": "Language", "published": "Published",
    "published_from": "Publication date from", "published_grain": "Date precision", "sentence_id": "Sentence no.",
    "sentence": "Sentence", "start": "Start", "end": "End", "text": "As written", "kind": "Kind",
    "entity": "Name", "company": "Company", "license": "Open or closed", "license_from": "Stance from",
    "amount": "Amount (original)", "currency": "Currency", "amount_usd": "Amount (USD)",
    "money_type": "Money type", "round": "Round", "investor": "Investor", "date": "Date in the text",
    "date_grain": "Precision of that date", "extractor": "Found by", "linked": "In the knowledge base",
    "amount_upper": "Upper bound", "title": "Article", "url": "Link", "mentions": "Mentions",
    "documents": "Documents", "languages": "Languages", "error": "Problem", "line": "Line", "site": "Site",
    "author": "Author", "facts": "Facts", "share": "Share",
}
LANGUAGES = {"ar": "Arabic", "hi": "Hindi", "zh": "Chinese", "en": "English"}
KINDS = {"company": "Company", "product": "Product", "money": "Money", "date": "Date"}
LICENSES = {"open": "Open", "closed": "Closed"}
STANCE_FROM = {"context": "Stated in the text", "knowledge_base": "Knowledge base"}
MONEY_TYPES = {"funding": "Funding", "investment": "Investment", "valuation": "Valuation",
               "aggregate": "Market total", "other": "Other figure"}
ROUNDS = {"pre_seed": "Pre-seed", "seed": "Seed", "angel": "Angel", "ipo": "IPO", "strategic": "Strategic"}
DATE_FROM = {"metadata": "Metadata", "html": "The page", "feed": "The feed", "crawl": "Crawl date", "text": "The text"}
GRAINS = {"day": "Day", "month": "Month", "year": "Year"}
EXTRACTORS = {"gazetteer": "Knowledge base", "stanza": "NER (Stanza)", "rules": "Rules"}
VALUES = {
    "lang": LANGUAGES, "kind": KINDS, "license": LICENSES, "license_from": STANCE_FROM, "money_type": MONEY_TYPES,
    "round": ROUNDS, "published_from": DATE_FROM, "published_grain": GRAINS, "date_grain": GRAINS,
    "extractor": EXTRACTORS,
}
_SERIES = re.compile(r"^series_([a-z])$")
# symbols shown before an original amount; others are written as their ISO code
CURRENCY_SIGNS = {"USD": "$", "EUR": "€", "GBP": "£", "INR": "₹", "CNY": "¥", "JPY": "¥"}


def column(name: str) -> str:
    return COLUMNS.get(name, name.replace("_", " ").capitalize())


def value(col: str, v: object) -> str:
    """A coded value in words; missing values are empty text."""
    if v is None or (not isinstance(v, str) and pd.isna(v)):
        return ""
    text = str(v)
    if col == "round":
        m = _SERIES.match(text)
        if m:
            return f"Series {m.group(1).upper()}"
    if col == "linked":
        return "Yes" if v in (True, "True", "true") else "No"
    return VALUES.get(col, {}).get(text, text)


def plural(n: int, word: str, many: str | None = None) -> str:
    """'1 document', '2 documents', '1,204 sentences'."""
    return f"{n:,} {word if n == 1 else (many or word + 's')}"


def _short(x: float) -> str:
    """1.3, 40, 250: at most one decimal, none when it is zero or the number is large."""
    text = f"{x:.1f}" if x < 100 else f"{x:.0f}"
    return text[:-2] if text.endswith(".0") else text


def count(n: int) -> str:
    """A count that fits a metric tile: 999,999 in full, then 1.2M, 10M, 1.5B (the tile cuts
    "10,000,000" to "10,000,…"); `exact` says when it was shortened."""
    for size, suffix in ((1e9, "B"), (1e6, "M")):
        if abs(n) >= size:
            return f"{_short(n / size)}{suffix}"
    return f"{n:,}"


def exact(n: int) -> str | None:
    """The full figure, for a tile's help, when `count` shortened it."""
    return f"{n:,} exactly" if count(n) != f"{n:,}" else None


def money(usd: object, sign: str = "$") -> str:
    """$1.3B, $40B, $250M, $12K, $900; empty when unknown."""
    if usd is None or (isinstance(usd, float) and math.isnan(usd)) or pd.isna(usd):
        return ""
    x = float(usd)
    for size, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K")):
        if abs(x) >= size * 0.9995:  # 999,999,999 rounds to 1B, not 1000M
            return f"{sign}{_short(x / size)}{suffix}"
    return f"{sign}{x:,.0f}"


def money_original(amount: object, currency: object) -> str:
    """An amount in its own currency: ₹500 Cr for rupees (crores, as Indian news writes them),
    else the sign or ISO code and the short form (¥1.2B, SAR 3M)."""
    if amount is None or pd.isna(amount) or not isinstance(currency, str) or not currency:
        return ""
    x = float(amount)
    if currency == "INR" and abs(x) >= 1e7:
        return f"₹{_short(x / 1e7) if x < 1e9 else f'{x / 1e7:,.0f}'} Cr"
    sign = CURRENCY_SIGNS.get(currency)
    return money(x, sign) if sign else money(x, f"{currency} ")


def document_count(n: int) -> str:
    return plural(n, "document")


def date_at(value: object, grain: str | None) -> str:
    """A date at its precision: 2025-03-14, March 2025, Q1 2025, week of 2025-03-10, 2025."""
    if value is None or pd.isna(value):
        return ""
    ts = pd.Timestamp(value)
    if grain == "year":
        return f"{ts.year}"
    if grain == "quarter":
        return f"Q{ts.quarter} {ts.year}"
    if grain == "month":
        return ts.strftime("%B %Y")
    if grain == "week":
        return f"week of {ts:%Y-%m-%d}"
    return ts.strftime("%Y-%m-%d")


def table(df: pd.DataFrame, columns: Iterable[str] | None = None) -> pd.DataFrame:
    """`df` for reading: coded values in words, empty cells empty, dates without a time of day,
    headers in words. Numbers stay numbers (the table sorts them)."""
    cols = [c for c in (columns or df.columns) if c in df.columns]
    out = {}
    for c in cols:
        s = df[c]
        if c in VALUES or c == "linked":
            mapped = _map_codes(s, c)
        elif pd.api.types.is_datetime64_any_dtype(s):
            mapped = s.dt.strftime("%Y-%m-%d").fillna("")
        elif pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s):
            mapped = s
        else:
            mapped = s.astype("string").fillna("")
        out[column(c)] = mapped.reset_index(drop=True) if hasattr(mapped, "reset_index") else mapped
    return pd.DataFrame(out)


def _map_codes(s: pd.Series, col: str) -> pd.Series:
    """Map each distinct value once (categoricals: their categories)."""
    uniques = pd.unique(s.astype(object).to_numpy())
    lookup = {u: value(col, u) for u in uniques if not (u is None or (not isinstance(u, str) and pd.isna(u)))}
    return pd.Series([lookup.get(v, "") if not (v is None or (not isinstance(v, str) and pd.isna(v))) else ""
                      for v in s.astype(object).to_numpy()], index=s.index, dtype="string")


def money_columns(df: pd.DataFrame) -> pd.DataFrame:
    """Adds 'Amount' (the original currency, short) and 'USD' (short) text columns to a money
    table, from its amount/currency/amount_usd columns."""
    amounts = [money_original(a, c) for a, c in zip(df["amount"], df["currency"])]
    usd = [money(u) for u in df["amount_usd"]]
    return df.assign(amount_text=pd.array(amounts, dtype="string"), usd_text=pd.array(usd, dtype="string"))


_UNSAFE_NAME = re.compile(r"[^\w.-]+", re.UNICODE)


def file_part(text: object, limit: int = 40) -> str:
    """A piece of a download's file name: letters (any script), digits, '-', '.'; spaces as '-'."""
    cleaned = _UNSAFE_NAME.sub("-", str(text)).strip("-.")
    return cleaned[:limit] or "x"


def download_name(stem: str, entities=(), langs=(), date_from=None, date_to=None, bounds=None, suffix: str = "csv") -> str:
    """mentions_DeepSeek_ar_2025.csv: what the download holds, from the filters. A year is given
    as the year when the range covers exactly it, else the days."""
    parts = [stem, *(file_part(e) for e in list(entities)[:3])]
    if len(entities) > 3:
        parts.append(f"and-{len(entities) - 3}-more")
    parts += [file_part(lang) for lang in langs]
    if date_from or date_to:
        lo = date_from or (bounds[0] if bounds else None)
        hi = date_to or (bounds[1] if bounds else None)
        starts_year = lo is not None and (date_from is None or (lo.month, lo.day) == (1, 1))
        ends_year = hi is not None and (date_to is None or (hi.month, hi.day) == (12, 31))
        if starts_year and ends_year and lo.year == hi.year:
            parts.append(str(lo.year))
        else:
            parts.append(f"{lo.isoformat() if lo else 'start'}_to_{hi.isoformat() if hi else 'end'}")
    return "_".join(parts) + f".{suffix}"
