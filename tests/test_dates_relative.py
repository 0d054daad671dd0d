"""Relative dates and the publication date, through the whole per-document path
(etl.pipeline.extract_document): tests/corpus/published_<lang>.tsv.

Format: text<TAB>published<TAB>published_grain<TAB>published_from<TAB>relative date. ``published``
is the day or the year the document gets (``-`` = none); ``relative date`` is the value of the
document's first relative date row (``-`` = no such row: without a publication day a relative
phrase yields none, and is counted in ``relative_undated``).
"""
from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from corpus_reader import corpus_rows

from etl.documents import Document
from etl.extract.dates import SUPPORTED, find_dates, scan_text
from etl.extract.published import dateline_in
from etl.pipeline import extract_document
from etl.runner import extract_tables

TODAY = dt.date(2026, 1, 1)
RELATIVE_WORDS = {"en": "yesterday", "ar": "أمس", "hi": "कल", "zh": "昨天"}


def _cases():
    return [pytest.param(lang, *fields, id=f"{lang}:{n}") for lang, n, fields in corpus_rows("published")]


CASES = _cases()


def test_every_language_has_datelines_and_undated_cases():
    froms = Counter((p.values[0], p.values[4]) for p in CASES)
    for lang in SUPPORTED:
        assert froms[(lang, "dateline")] >= 2 and froms[(lang, "-")] >= 1, (lang, froms)


@pytest.mark.parametrize("lang,text,published,grain,source,relative", CASES)
def test_published(lang, text, published, grain, source, relative):
    result = extract_document(Document(text=text, source="t.txt", lang=lang), today=TODAY)
    doc = result.document
    if published == "-":
        assert doc["published"] is None and doc["published_grain"] is None and doc["published_from"] is None
    else:
        assert doc["published"].isoformat().startswith(published) and doc["published_grain"] == grain
        assert doc["published_from"] == source
        if grain == "year":
            assert (doc["published"].month, doc["published"].day) == (1, 1)  # stored so, shown as the year
    # The relative rows: day or week dates written without a number (the dateline's date has one).
    based = [r for r in result.mentions if r["kind"] == "date" and r["date_grain"] in ("day", "week")
             and not any(ch.isdigit() for ch in r["text"])]
    if relative == "-":
        assert based == []
        if doc["published_grain"] != "day":
            assert doc["relative_undated"] >= 1  # the phrase is counted, not guessed
    else:
        assert based and based[0]["date"] == relative, based
        assert doc["relative_undated"] == 0


def test_relative_rows_follow_the_grain_of_the_base():
    text = "OpenAI released the model yesterday, raised money last month and plans an IPO next year."
    day = [(s.value, s.grain) for s in find_dates(text, "en", dt.date(2025, 6, 11), "day")]
    assert day == [("2025-06-10", "day"), ("2025-05", "month"), ("2026", "year")]
    month = [(s.value, s.grain) for s in find_dates(text, "en", dt.date(2025, 6, 1), "month")]
    assert month == [("2025-05", "month"), ("2026", "year")]
    year = [(s.value, s.grain) for s in find_dates(text, "en", dt.date(2025, 1, 1), "year")]
    assert year == [("2026", "year")]
    assert find_dates(text, "en", None, None) == []
    scan = scan_text(text, "en")
    assert scan.unresolved(dt.date(2025, 1, 1), "year") == 2
    assert scan.unresolved(None, None) == 3
    assert scan.unresolved(dt.date(2025, 6, 11), "day") == 0


@pytest.mark.parametrize("lang", SUPPORTED)
def test_weekday_direction_follows_tense_and_next(lang):
    wednesday = dt.date(2025, 6, 11)
    past, future, nxt = {
        "en": ("Google released the model on Thursday.", "Google will release the model on Thursday.",
               "Google released a preview, and the model ships next Thursday."),
        "ar": ("أطلقت غوغل النموذج يوم الخميس", "سوف تطلق غوغل النموذج يوم الخميس", "أطلقت غوغل نسخة تجريبية والنموذج يصدر الخميس المقبل"),
        "hi": ("गूगल ने गुरुवार को मॉडल जारी किया", "गूगल गुरुवार को मॉडल जारी करेगा", "गूगल ने झलक दिखाई, मॉडल अगले गुरुवार आएगा"),
        "zh": ("谷歌周四发布了模型", "谷歌将于周四发布模型", "谷歌发布了预览版，正式版下周四上线"),
    }[lang]
    assert [s.value for s in find_dates(past, lang, wednesday)] == ["2025-06-05"]
    assert [s.value for s in find_dates(future, lang, wednesday)] == ["2025-06-12"]
    got = [s.value for s in find_dates(nxt, lang, wednesday)]
    assert got == (["2025-06-19"] if lang == "zh" else ["2025-06-12"])  # 下周四: Thursday of next week


def test_dateline_needs_to_stand_alone():
    assert dateline_in(scan_text("PARIS, June 11, 2024 — OpenAI said.", "en")) == dt.date(2024, 6, 11)
    assert dateline_in(scan_text("On June 11, 2024, OpenAI said it would open an office.", "en")) is None
    assert dateline_in(scan_text("百度于2024年6月11日发布了新模型", "zh")) is None
    assert dateline_in(scan_text("The deal closed in June 2024.", "en")) is None  # a month is no dateline


def test_a_future_dateline_is_not_the_publication_date():
    doc = extract_document(Document(text="PARIS, June 11, 2030 — OpenAI said.", source="t.txt", lang="en"), today=TODAY)
    assert doc.document["published_from"] != "dateline"


def test_run_summary_counts_relative_phrases_without_a_day():
    docs = [Document(text="OpenAI released the model yesterday and last week.", source="a.txt", lang="en"),
            Document(text="OpenAI released the model yesterday.", source="b.txt", lang="en", published=dt.date(2025, 6, 11))]
    tables = extract_tables(docs, today=TODAY)
    assert list(tables.documents.sort_values("source")["relative_undated"]) == [2, 0]
    dated = tables.mentions[tables.mentions.kind == "date"]
    assert list(dated["date"]) == ["2025-06-10"]


def test_run_summary_line_names_the_relative_phrases_left_out(tmp_path):
    from etl.runner import run_corpus

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("OpenAI released the model yesterday. In 2025 it grew.", encoding="utf-8")
    (corpus / "b.txt").write_text("PARIS, June 11, 2024 — Mistral said yesterday it raised money.", encoding="utf-8")
    result = run_corpus(corpus, tmp_path / "out", today=TODAY)
    assert "relative   1 relative date phrases" in result.summary()
    docs = result.documents.set_index("source")
    assert docs.loc["b.txt", "published_from"] == "dateline" and docs.loc["a.txt", "published_grain"] == "year"
