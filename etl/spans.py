"""What the extractors return: spans over the text they were given.

Every extractor is a pure function ``(text, lang, ...) -> list[<Span>]``. Offsets are
relative to the text passed in; the pipeline adds the sentence's offset in the document.
"""
from __future__ import annotations

from dataclasses import dataclass

# What a money figure is: raised (funding), put in (investment), what a company is worth
# (valuation), a sum over many (aggregate), earned (revenue), asked of a buyer (price); spending,
# capex, market sizes and fines are "other".
MONEY_TYPES = ("funding", "investment", "valuation", "aggregate", "revenue", "price", "other")

# Spans are values (compared and hashed by their fields) that nothing changes once made; they are
# not `frozen`, because a frozen dataclass's __init__ is four times slower and one is made per mention.
span_class = dataclass(slots=True, unsafe_hash=True)


@span_class
class EntitySpan:
    """A company or product mention linked to the knowledge base (or unlinked, from NER)."""

    start: int
    end: int
    text: str
    entity: str  # canonical name; for an unlinked NER span, its normalised surface form
    kind: str  # "company" or "product"
    company: str | None  # the entity itself for a company, the maker for a product
    extractor: str = "gazetteer"  # gazetteer, stanza, rules, or stanza+rules when both found it
    linked: bool = True
    family: str | None = None  # a product's family: Qwen for Qwen2.5-VL (etl/extract/versions.py)


@span_class
class StanceSpan:
    """An open/closed-source cue word in a sentence."""

    start: int
    end: int
    text: str
    license: str  # "open" or "closed"


@span_class
class MoneySpan:
    """A money figure: a number with a currency (never a bare number)."""

    start: int
    end: int
    text: str
    amount: float  # in original units, fully expanded (1.3 مليار دولار -> 1.3e9)
    currency: str  # ISO 4217
    money_type: str = "other"  # one of MONEY_TYPES
    round: str | None = None  # seed, series_a, ...
    upper: float | None = None  # upper bound of a range ("$1-2 billion"): amount is the lower


@span_class
class DateSpan:
    """A date phrase resolved to an ISO value at day, month or year grain."""

    start: int
    end: int
    text: str
    value: str  # "2025-03-16", "2025-06" or "2025"
    grain: str  # "day", "month" or "year"
