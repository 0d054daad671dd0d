"""Dates: the corpus is the test (tests/corpus/dates_<lang>.tsv), plus publication-year inference,
the language data file, and a property test that nothing raises on arbitrary text.

Corpus format: text<TAB>base<TAB>value<TAB>grain. ``base`` is the document's publication date
(``-`` = unknown; ``2025`` a year, ``2025-06`` a month, ``2025-06-11`` a day: relative phrases
need a base as fine as they are); ``value``/``grain`` list every date the sentence must yield,
in order, separated by ``;``; ``-`` means the sentence must yield nothing.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from corpus_reader import corpus_rows
from hypothesis import given, settings
from hypothesis import strategies as st

from etl.datafiles import read_csv
from etl.extract import dates
from etl.extract.date_rules import DATA_FILE, KINDS, grammar
from etl.extract.dates import SUPPORTED, find_dates
from etl.extract.published import fallback_base, infer_published

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
GOLD = Path(__file__).resolve().parent / "gold" / "seeds.json"  # the repository's copy of shared/gold
TODAY = dt.date(2026, 1, 1)
ISO = {"day": re.compile(r"^\d{4}-\d{2}-\d{2}$"), "week": re.compile(r"^\d{4}-\d{2}-\d{2}$"),
       "month": re.compile(r"^\d{4}-\d{2}$"), "quarter": re.compile(r"^\d{4}-Q[1-4]$"), "year": re.compile(r"^\d{4}$")}


def base_of(base: str) -> tuple[dt.date | None, str | None]:
    """A corpus row's base and its grain."""
    if base == "-":
        return None, None
    if len(base) == 4:
        return dt.date(int(base), 1, 1), "year"
    if len(base) == 7:
        return dt.date(int(base[:4]), int(base[5:]), 1), "month"
    return dt.date.fromisoformat(base), "day"


def read_corpus():
    cases = []
    for lang, n, (text, base, value, grain) in corpus_rows("dates"):
        want = [] if value == "-" else list(zip(value.split(";"), grain.split(";"), strict=True))
        cases.append(pytest.param(lang, text, *base_of(base), want, id=f"{lang}:{n}"))
    return cases


CASES = read_corpus()


def test_corpus_size():
    per_lang = Counter(p.values[0] for p in CASES)
    assert set(per_lang) == set(SUPPORTED)
    assert all(n >= 20 for n in per_lang.values()), per_lang
    negatives = Counter(p.values[0] for p in CASES if not p.values[4])
    assert all(negatives[lang] >= 5 for lang in SUPPORTED), negatives
    # Relative rows: a relative phrase (yesterday, last week, two years ago) read against the base.
    relative = Counter(lang for lang, text, base, grain, want in (p.values for p in CASES)
                       if want and any(f.relative for f in dates.scan_text(text, lang).found(base, grain)))
    assert all(relative[lang] >= 25 for lang in SUPPORTED), relative


@pytest.mark.parametrize("lang,text,base,base_grain,want", CASES)
def test_corpus(lang, text, base, base_grain, want):
    found = find_dates(text, lang, base, base_grain)
    assert [(s.value, s.grain) for s in found] == want
    for s in found:
        assert text[s.start : s.end] == s.text


# ----------------------------------------------------------------------------- spans
def test_span_text_excludes_prepositions_and_keeps_boundaries():
    text = "تخطط الشركة لجعل النماذج مفتوحة المصدر بحلول نهاية شهر يونيو القادم"
    (span,) = find_dates(text, "ar", dt.date(2025, 1, 1))
    assert span.text == "نهاية شهر يونيو القادم"
    (span,) = find_dates("في عام 2025 ، من المتوقع", "ar", None)
    assert span.text == "عام 2025"
    (span,) = find_dates("2025 में, चीनी कंपनियों", "hi", None)
    assert span.text == "2025"
    (span,) = find_dates("It will ship in June 2025.", "en", None)
    assert span.text == "June 2025"


def test_offsets_with_diacritics_and_indic_digits():
    text = "وَقَّعَتِ الشَّرِكَةُ الاتفاقَ في ١٦ مارس ٢٠٢٥ بالرياض"
    (span,) = find_dates(text, "ar", None)
    assert (span.text, span.value) == ("١٦ مارس ٢٠٢٥", "2025-03-16")


def test_next_and_last_are_relative_to_base():
    june = "من المقرر إطلاق النموذج في يونيو القادم"
    assert [s.value for s in find_dates(june, "ar", dt.date(2025, 1, 1))] == ["2025-06"]
    assert [s.value for s in find_dates(june, "ar", dt.date(2025, 7, 1))] == ["2026-06"]
    last = "ارتفعت الأسهم في أكتوبر الماضي"
    assert [s.value for s in find_dates(last, "ar", dt.date(2025, 11, 20))] == ["2025-10"]
    assert [s.value for s in find_dates(last, "ar", dt.date(2025, 2, 1))] == ["2024-10"]
    assert [s.value for s in find_dates("The model will ship next June.", "en", dt.date(2025, 6, 10))] == ["2026-06"]


def test_phrases_without_year_need_a_base():
    assert find_dates("في السادس عشر من مارس أعلنت الشركة", "ar", None) == []
    assert find_dates("خلال هذا العام", "ar", None) == []
    assert [s.value for s in find_dates("في السادس عشر من مارس 2024", "ar", None)] == ["2024-03-16"]


def test_invalid_days_are_not_dates():
    assert find_dates("في 31 يونيو 2025", "ar", None) == []
    assert find_dates("on February 29, 2023", "en", None) == []
    assert [s.value for s in find_dates("on February 29, 2024", "en", None)] == ["2024-02-29"]


def test_arabic_month_systems_agree():
    base = dt.date(2024, 1, 1)
    for a, b in [("كانون الثاني", "يناير"), ("آذار", "مارس"), ("حزيران", "يونيو"), ("تشرين الأول", "أكتوبر"),
                 ("جويلية", "يوليو"), ("غشت", "أغسطس"), ("كانون الأول", "ديسمبر")]:
        got_a = find_dates(f"في 5 {a} 2024", "ar", base)
        got_b = find_dates(f"في 5 {b} 2024", "ar", base)
        assert [s.value for s in got_a] == [s.value for s in got_b] != []
    # Both names side by side, as Levantine papers write them, are one date.
    (span,) = find_dates("في 16 آذار (مارس) 2025", "ar", None)
    assert span.value == "2025-03-16"


def test_arabic_ordinal_days():
    base = dt.date(2025, 1, 1)
    for word, day in [("الأول", 1), ("الثاني عشر", 12), ("العشرين", 20), ("الحادي والعشرين", 21),
                      ("الخامس و العشرين", 25), ("الثلاثين", 30), ("الحادي والثلاثين", 31)]:
        (span,) = find_dates(f"أعلنت الشركة في {word} من ديسمبر عن النتائج", "ar", base)
        assert span.value == f"2025-12-{day:02d}"


def test_unsupported_language_yields_nothing():
    assert find_dates("le 16 mars 2025", "fr", None) == []
    assert infer_published("en 2025", "es", TODAY) is None
    assert [s.value for s in find_dates("on March 16, 2025", "en-US", None)] == ["2025-03-16"]


# ----------------------------------------------------------------------------- publication year
@pytest.mark.parametrize(
    "lang,text,today,want",
    [
        ("ar", "في عام 2025 ، من المتوقع أن تكون الشركات الصينية أول من يتبنى المصدر المفتوح", TODAY, 2025),
        ("ar", "Inflection AI ، وهي شركة ناشئة تأسست في عام 2022. بعد إكمال التمويل في نهاية يونيو", TODAY, None),
        ("ar", "تأسست الشركة في عام 2019. وفي عام 2024 أطلقت أول نموذج لها", TODAY, 2024),
        ("ar", "في عام 2024 بلغت الإيرادات مليار دولار، ومن المتوقع أن تتضاعف بحلول عام 2030", dt.date(2031, 1, 1), 2024),
        ("ar", "من المتوقع أن يتضاعف الطلب في عام 2027", dt.date(2025, 6, 1), None),
        ("ar", "شهدت الصناعة نموًا كبيرًا خلال العام الماضي", TODAY, None),
        ("ar", "2025 ليس عاديًا بأي حال من الأحوال", TODAY, None),
        ("ar", "منذ عام 2019 تعمل الشركة على النماذج اللغوية", TODAY, None),
        ("ar", "أطلقت الشركة النموذج في 16 مارس 2024", TODAY, 2024),
        ("hi", "कंपनी की स्थापना 2022 में हुई थी। 2025 में कंपनी ने नया मॉडल पेश किया", TODAY, 2025),
        ("hi", "यह स्टार्टअप 2022 में स्थापित हुआ था", TODAY, None),
        ("hi", "2030 तक बाजार दोगुना होगा", dt.date(2031, 1, 1), None),
        ("zh", "Inflection AI成立于2022年", TODAY, None),
        ("zh", "2024年12月，DeepSeek发布了V3模型", TODAY, 2024),
        ("zh", "自2020年以来，公司一直专注于大模型", TODAY, None),
        ("en", "Inflection AI, a startup founded in 2022, raised $1.3 billion in June.", TODAY, None),
        ("en", "In 2025, Chinese companies are expected to embrace open source.", TODAY, 2025),
        ("en", "Revenue doubled last year and will double again this year.", TODAY, None),
        ("en", "The report was published on March 16, 2024, a year after GPT-4 shipped in March 2023.", TODAY, 2024),
        ("en", "", TODAY, None),
    ],
)
def test_infer_published(lang, text, today, want):
    got = infer_published(text, lang, today)
    assert got == (None if want is None else dt.date(want, 1, 1))


def _seeds():
    gold = json.loads(GOLD.read_text(encoding="utf-8"))["docs"]
    out = []
    for name, g in sorted(gold.items()):
        path = SEEDS / name
        if path.exists():
            out.append(pytest.param(name, path.read_text(encoding="utf-8"), g, id=name))
    return out


@pytest.mark.parametrize("name,text,gold", _seeds())
def test_seed_gold(name, text, gold):
    """The seeds' gold: publication year, years mentioned, dates (month/day where no year)."""
    lang = gold["lang"]
    published = infer_published(text, lang, TODAY)
    want = gold.get("published_year_inferred")
    assert published == (dt.date(want, 1, 1) if want else None)
    base = published or fallback_base(text, lang, TODAY)
    values = [s.value for line in text.splitlines() for s in find_dates(line, lang, base)]
    years = {int(v[:4]) for v in values}
    assert set(gold.get("years_mentioned", [])) <= years
    for d in gold.get("dates", []):
        if "value" in d:
            assert any(v.startswith(d["value"]) for v in values), d
        else:
            pat = f"-{d['month']:02d}" + (f"-{d['day']:02d}" if "day" in d else "")
            assert any(pat in v for v in values), d


def test_fallback_base_uses_any_stated_year():
    text = "Inflection AI ، وهي شركة ناشئة تأسست في عام 2022. حتى نهاية مايو"
    assert infer_published(text, "ar", TODAY) is None
    base = fallback_base(text, "ar", TODAY)
    assert base == dt.date(2022, 1, 1)
    assert [s.value for s in find_dates(text, "ar", base)] == ["2022", "2022-05"]
    assert fallback_base("لا يوجد تاريخ هنا", "ar", TODAY) is None


# ----------------------------------------------------------------------------- language data
def _rows():
    return read_csv(DATA_FILE)


def test_data_one_entry_per_line():
    rows = _rows()
    seen = Counter((r["lang"], r["kind"], r["text"]) for r in rows)
    assert [k for k, n in seen.items() if n > 1] == []
    for r in rows:
        assert set(r) == {"lang", "kind", "text", "value"}, r
        assert r["text"] == r["text"].strip() and r["text"], r
        assert r["lang"] in SUPPORTED and r["kind"] in KINDS, r
        assert "  " not in r["text"] and "," not in r["text"], r  # a missing comma glues entries


def test_data_months_and_days_are_complete():
    by = defaultdict(dict)
    for r in _rows():
        if r["kind"] in ("month", "ordinal_day", "numeral"):
            by[(r["lang"], r["kind"])].setdefault(int(r["value"]), r["text"])
    for lang in SUPPORTED:
        assert sorted(by[(lang, "month")]) == list(range(1, 13)), lang
    assert sorted(by[("ar", "ordinal_day")]) == list(range(1, 32))
    assert sorted(by[("zh", "numeral")]) == list(range(1, 32))


@pytest.mark.parametrize("lang", SUPPORTED)
def test_canonical_month_names_are_dateparsers(lang):
    """The first name of each month is the one handed to dateparser: it must read it right."""
    spec = grammar(lang)
    for month in range(1, 13):
        assert dates.month_day(spec, month, 15) == (month, 15, "day")
        assert dates.month_day(spec, month, None) == (month, None, "month")


@pytest.mark.parametrize("lang", SUPPORTED)
def test_every_month_name_is_found(lang):
    base = dt.date(2024, 1, 1)
    for r in _rows():
        if r["lang"] == lang and r["kind"] in ("month", "month_abbr"):
            month = int(r["value"])
            text = f"2024年{r['text']}月" if lang == "zh" else f"5 {r['text']} 2024"
            got = [s.value for s in find_dates(text, lang, base)]
            assert got == [f"2024-{month:02d}" if lang == "zh" else f"2024-{month:02d}-05"], r


# ----------------------------------------------------------------------------- never raises
_TOKENS = [
    "في", "عام", "نهاية", "شهر", "يونيو", "القادم", "السادس عشر", "من", "مارس", "العام الماضي", "هذا العام",
    "كانون الثاني", "آذار", "تأسست", "بحلول", "in", "May", "next", "June", "last year", "the 14th of", "mid-",
    "में", "जून", "के अंत", "अगले", "पिछले साल", "वर्ष", "तक", "से अधिक", "年", "月", "日", "底", "明年", "去年", "三",
    "yesterday", "Tuesday", "ago", "days", "three", "أمس", "منذ", "يومين", "الأسبوع الماضي", "कल", "पहले", "करेगी",
    "昨天", "上周", "周二", "天前", "رمضان", "1446", "هـ", "2025", "٢٠٢٥", "२०२५", "２０２５", "1999", "31", "29", "0", "/", "-", ".", "%", ",", "، ", " ", "\u064b", "\u093c",
]
_texts = st.one_of(st.text(), st.lists(st.sampled_from(_TOKENS) | st.text(max_size=3), max_size=30).map("".join))
_bases = st.none() | st.dates()


@settings(max_examples=400, deadline=None)
@given(text=_texts, lang=st.sampled_from([*SUPPORTED, "fr", ""]), base=_bases, today=st.dates())
def test_never_raises(text, lang, base, today):
    for s in find_dates(text, lang, base):
        assert 0 <= s.start < s.end <= len(text) and text[s.start : s.end] == s.text
        assert ISO[s.grain].match(s.value), s
        if s.grain == "week":
            assert dt.date.fromisoformat(s.value).weekday() == 0, s  # a week is its Monday
    got = infer_published(text, lang, today)
    assert got is None or (got.month, got.day) == (1, 1) and got <= today
    fallback_base(text, lang, today)


@pytest.mark.parametrize("text,phrase", [
    ("كشفت الشركة يوم 24 شباط/فبراير عن نموذجها", "24 شباط/فبراير"),  # no space after a month pair
    ("في 25 مارس (آذار) 2025 أعلنت", "25 مارس (آذار) 2025"),
    ("في شباط/فبراير عن", "شباط/فبراير"),
])
def test_a_month_with_its_other_name_ends_where_the_name_does(text, phrase):
    assert [d.text for d in find_dates(text, "ar", dt.date(2025, 6, 10))] == [phrase]


@pytest.mark.parametrize("text,value", [
    ("公司于二〇二四年三月完成融资。", "2024-03"),  # a year in Han numerals, digit by digit
    ("二零二五年一月，DeepSeek发布R1。", "2025-01"),
    ("一九九八年，谷歌成立。", "1998"),
])
def test_a_year_in_han_numerals(text, value):
    assert [d.value for d in find_dates(text, "zh", dt.date(2025, 6, 10))] == [value]


def test_han_numerals_that_are_no_year_stay_words():
    from etl.textnorm import NormalizedText

    norm = NormalizedText.of("完成十五亿元融资，三月发布，二〇二四年")
    assert norm.text == "完成十五亿元融资,三月发布,2024年" and len(norm.text) == len(norm.original)
