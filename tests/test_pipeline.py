"""One document through every extractor: provenance, repeats, carried-over recipients."""
from datetime import date

import pytest

from etl.documents import Document
from etl.pipeline import extract_document

TODAY = date(2026, 11, 26)


def rows(text, **meta):
    return extract_document(Document(text=text, source="t.txt", **meta), today=TODAY).mentions


@pytest.mark.parametrize("text", [
    "قالت أُوبِن إيه آي في عام 2025 إنها جمعت 6.6 مليار دولار.\nوأطلقت ديبسيك نموذج R1 مفتوح المصدر.",
    "डीपसीक ने 2025 में ओपन सोर्स मॉडल R1 जारी किया। ओपनएआई ने 6.6 अरब डॉलर जुटाए।",
    "深度求索于2025年1月发布开源模型DeepSeek-R1。月之暗面完成10亿美元融资。",
    "OpenAI raised $6.6 billion in October 2024. Meta released Llama 3 as an open-weight model.",
])
def test_every_row_points_at_its_text_in_the_document(text):
    found = rows(text)
    assert {"company", "product", "money", "date"} <= {r["kind"] for r in found}
    for r in found:
        assert text[r["start"]:r["end"]] == r["text"]
        assert r["text"] in r["sentence"] and r["sentence"] in text


def test_a_sentence_that_names_nobody_is_about_the_last_company_before_it():
    found = rows("Inflection AI was founded in 2022. After raising $1.3 billion, it was valued at $4 billion.")
    money = [r for r in found if r["kind"] == "money"]
    assert [(r["amount"], r["money_type"], r["company"]) for r in money] == [
        (1.3e9, "funding", "Inflection AI"), (4e9, "valuation", "Inflection AI")]


def test_no_carry_over_when_the_sentence_names_someone():
    found = rows("सर्वम एआई ने 4.1 करोड़ डॉलर जुटाए। रिलायंस ने ₹10,000 करोड़ के निवेश की घोषणा की।")
    money = {r["text"]: (r["company"], r["investor"]) for r in found if r["kind"] == "money"}
    assert money["4.1 करोड़ डॉलर"] == ("Sarvam AI", None)
    assert money["₹10,000 करोड़"] == (None, "Reliance Industries")


def test_a_repeated_body_counts_once_and_money_carries_the_sentence_date():
    body = "OpenAI raised $6.6 billion in October 2024.\nAnthropic keeps Claude closed source.\n"
    found = rows(body + "\n" + body)
    money = [r for r in found if r["kind"] == "money"]
    assert len(money) == 1 and money[0]["date"] == "2024-10" and money[0]["amount_usd"] == pytest.approx(6.6e9)
    assert sum(r["entity"] == "Anthropic" for r in found) == 1


def test_metadata_date_wins_and_published_from_says_so():
    meta = rows("OpenAI raised $6.6 billion in 2024.", published=date(2024, 10, 2))
    inferred = rows("OpenAI raised $6.6 billion in 2024.")
    assert {(str(r["published"]), r["published_from"]) for r in meta} == {("2024-10-02", "metadata")}
    assert {(str(r["published"]), r["published_from"]) for r in inferred} == {("2024-01-01", "text")}
