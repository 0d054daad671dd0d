"""Words for people (dashboard.labels): values, money, plurals, tables, download names."""
from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from dashboard import labels as words


@pytest.mark.parametrize("col,value,expected", [
    ("money_type", "valuation", "Valuation"), ("money_type", "aggregate", "Market total"),
    ("round", "series_b", "Series B"), ("round", "pre_seed", "Pre-seed"), ("round", "ipo", "IPO"),
    ("license_from", "knowledge_base", "Knowledge base"), ("license_from", "context", "Stated in the text"),
    ("kind", "product", "Product"), ("lang", "hi", "Hindi"), ("lang", "fr", "fr"),
    ("round", None, ""), ("investor", pd.NA, ""),
])
def test_values_in_words(col, value, expected):
    assert words.value(col, value) == expected


@pytest.mark.parametrize("usd,expected", [
    (1.3e9, "$1.3B"), (4e10, "$40B"), (2.5e8, "$250M"), (6.6e9, "$6.6B"), (12_000, "$12K"), (900, "$900"),
    (999_999_999, "$1B"), (1.25e12, "$1.2T"), (None, ""), (float("nan"), ""),
])
def test_money(usd, expected):
    assert words.money(usd) == expected


def test_original_currency():
    assert words.money_original(5e9, "INR") == "₹500 Cr"
    assert words.money_original(1.2e9, "CNY") == "¥1.2B"
    assert words.money_original(3e6, "SAR") == "SAR 3M"
    assert words.money_original(None, "USD") == ""


def test_plurals():
    assert words.plural(1, "document") == "1 document"
    assert words.plural(2, "document") == "2 documents"
    assert words.plural(1204, "sentence") == "1,204 sentences"
    assert words.plural(1, "uploaded file") == "1 uploaded file"


def test_dates_at_their_grain():
    ts = pd.Timestamp("2025-03-14")
    assert [words.date_at(ts, g) for g in ("day", "week", "month", "quarter", "year")] == [
        "2025-03-14", "week of 2025-03-14", "March 2025", "Q1 2025", "2025"]


def test_a_table_for_reading_has_no_codes_and_no_none():
    df = pd.DataFrame({"money_type": ["funding", None], "round": ["series_b", None], "amount_usd": [1.3e9, None],
                       "published": pd.to_datetime(["2025-01-20", None]), "investor": [None, "SoftBank"]})
    shown = words.table(df)
    assert list(shown.columns) == ["Money type", "Round", "Amount (USD)", "Published", "Investor"]
    assert shown.iloc[0].tolist()[:2] == ["Funding", "Series B"] and shown.iloc[1]["Round"] == ""
    assert shown.iloc[0]["Published"] == "2025-01-20"  # no time of day
    assert "None" not in shown.astype(str).to_numpy().ravel().tolist()[:2]
    assert shown.iloc[0]["Investor"] == ""


def test_every_column_of_the_contract_has_its_own_header():
    from etl import schema

    headers = [words.column(c) for c in schema.MENTION_COLUMNS]
    assert len(set(headers)) == len(headers)
    assert not any("_" in h for h in headers)


def test_download_names_say_what_they_hold():
    bounds = (date(2024, 1, 1), date(2025, 12, 31))
    assert words.download_name("mentions", ["DeepSeek"], ["ar"], date(2025, 1, 1), None, bounds) == "mentions_DeepSeek_ar_2025.csv"
    assert words.download_name("mentions", [], [], None, None, bounds) == "mentions.csv"
    assert words.download_name("funding", ["Open AI/x"], [], date(2025, 2, 1), date(2025, 3, 31), bounds) == \
        "funding_Open-AI-x_2025-02-01_to_2025-03-31.csv"
    assert words.download_name("mentions", ["ديبسيك"], ["ar", "hi"]) == "mentions_ديبسيك_ar_hi.csv"
    assert words.download_name("m", ["A", "B", "C", "D", "E"]) == "m_A_B_C_and-2-more.csv"


def test_counts_fit_a_metric_tile():
    assert [words.count(n) for n in (0, 7, 999_999, 1_000_000, 1_234_567, 10_000_000, 2_500_000_000)] == [
        "0", "7", "999,999", "1M", "1.2M", "10M", "2.5B"]
    assert words.exact(999_999) is None and words.exact(10_000_000) == "10,000,000 exactly"
