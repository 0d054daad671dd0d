"""Exchange rates (etl/extract/fx.py): which source and which date make each dollar figure."""
from __future__ import annotations

import datetime as dt

import pytest

from etl.datafiles import read_csv
from etl.documents import Document
from etl.extract.fx import Rate, convert, converter
from etl.pipeline import extract_document


def ecb(code: str, day: dt.date) -> float:
    return converter().convert(1, code, "USD", date=day)


def test_the_rows_own_day_takes_that_days_ecb_rate():
    got = convert(100, "EUR", "2024-03-05")
    assert (got.fx_from, got.fx_date) == ("ecb", "2024-03-05")
    assert got.usd == pytest.approx(100 * ecb("EUR", dt.date(2024, 3, 5)))


def test_the_rows_day_beats_the_documents_and_the_document_beats_nothing():
    assert convert(100, "EUR", "2024-03-05", dt.date(2020, 1, 6)).fx_date == "2024-03-05"
    assert convert(100, "EUR", None, dt.date(2020, 1, 6)).fx_date == "2020-01-06"
    assert convert(100, "EUR", None, None).fx_date == converter().bounds["EUR"].last_date.isoformat()


def test_a_month_or_year_takes_the_average_of_its_days():
    year = convert(1, "GBP", "2023")
    days = [dt.date(2023, 1, 1) + dt.timedelta(d) for d in range(365)]
    weekdays = [ecb("GBP", d) for d in days if d.weekday() < 5]
    assert (year.fx_from, year.fx_date) == ("ecb", "2023")
    assert year.usd == pytest.approx(sum(weekdays) / len(weekdays))
    assert convert(1, "GBP", "2023-06").fx_date == "2023-06"
    # a document dated only by its year: the year's average too
    assert convert(1, "GBP", None, dt.date(2023, 1, 1), "year").fx_date == "2023"


def test_a_weekend_takes_the_rates_around_it():
    saturday = convert(1, "JPY", "2024-03-09").usd
    friday, monday = ecb("JPY", dt.date(2024, 3, 8)), ecb("JPY", dt.date(2024, 3, 11))
    assert min(friday, monday) <= saturday <= max(friday, monday)


@pytest.mark.parametrize("code,units_per_usd", [("AED", 3.6725), ("SAR", 3.75), ("QAR", 3.64), ("OMR", 0.3845),
                                                ("BHD", 0.376), ("JOD", 0.709)])
def test_pegged_currencies_take_their_official_rate(code, units_per_usd):
    got = convert(units_per_usd * 1000, code, "2024-05-01")
    assert (got.fx_from, got.fx_date) == ("peg", "2024-05-01")
    assert got.usd == pytest.approx(1000, rel=1e-5)


def test_every_peg_names_its_source():
    for r in read_csv("fx_pegs.csv"):
        assert r["source"] and float(r["usd_per_unit"]) * float(r["units_per_usd"]) == pytest.approx(1, rel=1e-5), r


def test_a_currency_neither_covers_takes_the_yearly_table_and_an_unknown_one_none():
    got = convert(1000, "KWD", "2024-02-01")
    assert (got.fx_from, got.fx_date) == ("table", "2024")
    assert got.usd == pytest.approx(3250)
    assert convert(1000, "YER", "2024-02-01").usd is None
    assert convert(1000, "EGP", "1990").usd is None  # far outside the table: no guess


def test_a_currency_the_ecb_stopped_quoting_goes_to_the_table():
    assert converter().bounds["RUB"].last_date < dt.date(2023, 1, 1)
    assert convert(100, "RUB", "2024-06-01").fx_from == "table"
    assert convert(100, "RUB", "2021-06-01").fx_from == "ecb"


def test_us_dollars_need_no_rate():
    assert convert(5, "USD", "2024-01-01") == Rate(5.0, None, None)


def test_money_rows_carry_the_rate_date_and_source():
    text = "On 5 March 2024 Mistral AI raised €600 million. A Kuwaiti fund added 2 million KWD. It also raised 9 million YER."
    rows = [r for r in extract_document(Document(text=text, source="x", lang="en"), today=dt.date(2026, 1, 1)).mentions
            if r["kind"] == "money"]
    by_currency = {r["currency"]: r for r in rows}
    assert (by_currency["EUR"]["fx_from"], by_currency["EUR"]["fx_date"]) == ("ecb", "2024-03-05")
    assert by_currency["KWD"]["fx_from"] == "table"
    assert by_currency["YER"]["amount_usd"] is None and by_currency["YER"]["fx_from"] is None


def test_the_run_summary_counts_rows_with_no_rate(tmp_path):
    from etl.runner import run_corpus

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("The Sanaa start-up raised 9 million YER and 2 million dollars.", encoding="utf-8")
    result = run_corpus(corpus, tmp_path / "out", today=dt.date(2026, 1, 1))
    assert result.no_rate == 1
    assert "no rate    1 money rows" in result.summary()
