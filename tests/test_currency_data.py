"""The currency data (etl/data/currencies.csv, currency_countries.csv) checked against CLDR (via
Babel), and every currency and number form of issue 13 found with the right amount and code."""
from __future__ import annotations

import datetime as dt

import pytest
from babel.core import get_global
from babel.numbers import get_currency_name, get_territory_currencies

from etl.datafiles import read_csv
from etl.extract.money import find_money
from etl.lexicon import key_of

REQUIRED = ("USD EUR GBP CNY HKD TWD JPY KRW INR PKR BDT NPR LKR SGD MYR IDR THB VND PHP AUD CAD CHF SEK NOK DKK "
            "PLN TRY RUB UAH BRL MXN ZAR NGN KES EGP SAR AED QAR KWD BHD OMR JOD LBP IQD SYP ILS MAD DZD TND LYD "
            "IRR YER").split()
LOCALES = (("en", "en", (1, 2)), ("ar", "ar", (0, 1, 2, 3, 11, 100)), ("hi", "hi", (1, 2)), ("zh", "zh", (1,)),
           ("zh_Hant", "zh", (1,)))
# Codes that are words or tech names in capitals ("TOP 10", "PHP 8", "AMD 5"): not read as codes.
NOT_CODES = {"ALL", "TOP", "CUP", "AMD", "PHP", "SOS", "CVE", "BOB"}
ROWS = read_csv("currencies.csv")
BY_LANG: dict[str, dict[str, set[str]]] = {}
for _r in ROWS:
    BY_LANG.setdefault(_r["lang"], {}).setdefault(key_of(_r["surface"]), set()).add(_r["iso"])


def _active_codes() -> set[str]:
    codes: set[str] = set()
    for territory in get_global("territory_currencies"):
        codes |= set(get_territory_currencies(territory, dt.date(2026, 1, 1), tender=True))
    return {c for c in codes if len(c) == 3 and not c.startswith("X")}


@pytest.mark.parametrize("code", REQUIRED)
def test_every_required_currency_has_cldrs_names_in_every_language(code):
    for locale, lang, counts in LOCALES:
        for count in counts:
            name = get_currency_name(code, count, locale)
            assert code in BY_LANG.get(lang, {}).get(key_of(name), set()), (locale, count, name)


def test_every_active_iso_code_is_listed_under_its_own_code():
    listed = {r["surface"]: r["iso"] for r in ROWS if r["lang"] == "*"}
    for code in _active_codes() - NOT_CODES:
        assert listed.get(code) == code, code


def test_every_iso_code_in_the_data_is_a_real_currency():
    known = _active_codes() | {"NZD"}
    for r in ROWS:
        assert r["iso"] in known, r
    for r in read_csv("currency_countries.csv"):
        assert r["iso"] in known, r


def test_a_cldr_name_is_never_mapped_to_another_currency():
    # A misspelt or copied row: a CLDR name of one currency listed for another.
    for code in REQUIRED:
        for locale, lang, counts in LOCALES:
            for count in counts:
                isos = BY_LANG.get(lang, {}).get(key_of(get_currency_name(code, count, locale)), set())
                assert isos <= {code}, (locale, code, isos)


def test_every_bare_name_group_is_decided_by_country_words():
    groups = {r["group"] for r in ROWS if r["group"]}
    decided = {r["group"] for r in read_csv("currency_countries.csv")}
    assert groups - {"dirham"} <= decided | {"dirham"}
    assert decided <= groups


@pytest.mark.parametrize("lang,text,amount,currency", [
    # the phrasings
    ("en", "CHF 12.50", 12.5, "CHF"), ("en", "75 KWD", 75, "KWD"), ("en", "PLN 99", 99, "PLN"),
    ("en", "25k$", 25e3, "USD"), ("en", "three pounds", 3, "GBP"), ("en", "300 qatari riyals", 300, "QAR"),
    ("ar", "12 دينار كويتي", 12, "KWD"), ("ar", "900 ليرة سورية", 900, "SYP"), ("ar", "150 ج.م", 150, "EGP"),
    ("ar", "80 شيكل", 80, "ILS"), ("zh", "新臺幣500萬", 5e6, "TWD"), ("zh", "港幣8億", 8e8, "HKD"),
    ("zh", "九元", 9, "CNY"), ("zh", "50块", 50, "CNY"), ("en", "$7 and 25c", 7.25, "USD"),
    # codes before or after, with or without a space
    ("en", "CAD4.50", 4.5, "CAD"), ("en", "4.50 CAD", 4.5, "CAD"), ("en", "OMR 3 million", 3e6, "OMR"),
    ("en", "BHD 10m", 1e7, "BHD"), ("en", "EGP 2bn", 2e9, "EGP"), ("en", "2bn NGN", 2e9, "NGN"),
    # symbols and prefixed dollars
    ("en", "₩50 billion", 5e10, "KRW"), ("en", "₪200 million", 2e8, "ILS"), ("en", "₺1 billion", 1e9, "TRY"),
    ("en", "₦30 billion", 3e10, "NGN"), ("en", "฿2 billion", 2e9, "THB"), ("en", "₫500 billion", 5e11, "VND"),
    ("en", "₱100 million", 1e8, "PHP"), ("ar", "﷼ 500", 500, "SAR"), ("en", "A$5 billion", 5e9, "AUD"),
    ("en", "C$2 billion", 2e9, "CAD"), ("en", "HK$8 billion", 8e9, "HKD"), ("en", "NT$5 billion", 5e9, "TWD"),
    ("en", "S$3 million", 3e6, "SGD"), ("en", "US$40 billion", 4e10, "USD"), ("en", "R$3 billion", 3e9, "BRL"),
    # abbreviations
    ("ar", "50 د.إ", 50, "AED"), ("ar", "50 ر.س", 50, "SAR"), ("ar", "50 د.ك", 50, "KWD"),
    ("en", "Rs 500 crore", 5e9, "INR"), ("en", "Rs. 500 crore", 5e9, "INR"), ("en", "RM 200 million", 2e8, "MYR"),
    ("en", "Dhs 5 million", 5e6, "AED"), ("en", "SR 3 billion", 3e9, "SAR"),
    # names with the country adjective, in four languages
    ("ar", "5 ملايين دينار بحريني", 5e6, "BHD"), ("hi", "20 लाख कुवैती दीनार", 2e6, "KWD"),
    ("zh", "1亿科威特第纳尔", 1e8, "KWD"), ("en", "2 million Kuwaiti dinars", 2e6, "KWD"),
    ("zh", "5亿新台币", 5e8, "TWD"), ("hi", "5 करोड़ पाकिस्तानी रुपये", 5e7, "PKR"),
    # a bare shared name, decided by the country words of its sentence
    ("ar", "ريال 500", None, None), ("ar", "500 ريال", 500, "SAR"), ("ar", "500 ريال في قطر", 500, "QAR"),
    ("ar", "في الكويت 500 دينار", 500, "KWD"), ("ar", "500 دينار في الأردن", 500, "JOD"),
    ("en", "5 million dinars in Bahrain", 5e6, "BHD"), ("en", "300 lira in Lebanon", 300, "LBP"),
    # number words with and without a scale
    ("en", "twenty-five million dollars", 2.5e7, "USD"), ("ar", "خمسة دولارات", 5, "USD"),
    ("ar", "خمسة عشر مليون دولار", 1.5e7, "USD"), ("hi", "दस लाख रुपये", 1e6, "INR"),
    ("hi", "पच्चीस करोड़ रुपये", 2.5e8, "INR"), ("zh", "三十亿元", 3e9, "CNY"), ("zh", "两千五百万元", 2.5e7, "CNY"),
    ("zh", "十五亿美元", 1.5e9, "USD"), ("zh", "兩億美元", 2e8, "USD"), ("zh", "三億港元", 3e8, "HKD"),
    ("zh", "一萬元", 1e4, "CNY"),
    # suffixes
    ("en", "$25K", 25e3, "USD"), ("en", "₹50cr", 5e8, "INR"), ("en", "$3mn", 3e6, "USD"),
    ("en", "₹2L", 2e5, "INR"),
    # colloquial Chinese units, minor units and compounds
    ("zh", "5块5毛", 5.5, "CNY"), ("zh", "九元五角", 9.5, "CNY"), ("zh", "九元五角三分", 9.53, "CNY"),
    ("zh", "50塊錢", 50, "CNY"), ("en", "25c", 0.25, "USD"), ("en", "15 cents", 0.15, "USD"),
    ("ar", "50 سنتا", 0.5, "USD"), ("hi", "50 पैसे", 0.5, "INR"), ("en", "5 euros and 50 cents", 5.5, "EUR"),
])
def test_every_form(lang, text, amount, currency):
    found = [(m.amount, m.currency) for m in find_money(text, lang)]
    assert found == ([] if amount is None else [(pytest.approx(amount, rel=1e-12), currency)])


@pytest.mark.parametrize("lang,text", [
    ("en", "TOP 10 AI LABS"), ("en", "ALL 5 COMPANIES"), ("en", "PHP 8 and Python 3"), ("en", "AMD 5 nm chips"),
    ("en", "a 2C market"), ("en", "10 times faster"), ("en", "20 million users"), ("zh", "3块GPU"),
    ("zh", "两块芯片"), ("zh", "90分钟"), ("zh", "一元化管理"), ("zh", "得了3分"), ("ar", "10 مرات"),
    ("hi", "10 गुना"), ("en", "try 5 models"), ("en", "in 2024 USD terms"),
])
def test_never_money(lang, text):
    assert find_money(text, lang) == []
