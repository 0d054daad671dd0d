"""Language from script, sentence splitting in four scripts, repeated paragraphs."""
import pytest

from etl.lang import detect_lang
from etl.context import DocumentContext
from etl.lexicon import Lexicon
from etl.segment import split_sentences


def sentences(text):
    doc = DocumentContext(text, None, Lexicon([]))
    return doc.sentences, doc.repeated


@pytest.mark.parametrize("text,lang", [
    ("أعلنت شركة DeepSeek عن نموذج R1 الجديد مفتوح المصدر", "ar"),
    ("DeepSeek ने अपना नया ओपन सोर्स AI मॉडल R1 जारी किया", "hi"),
    ("深度求索发布了开源模型DeepSeek-R1，引起OpenAI关注", "zh"),
    ("DeepSeek released its open-source R1 model in January 2025", "en"),
    ("12345 !!!", "en"),
])
def test_language_from_script(text, lang):
    assert detect_lang(text) == lang


def test_split_on_the_punctuation_of_four_languages():
    text = "Alibaba raised $1.3 bn. JD.com grew! 百度发布了文心一言。腾讯也开源了！ क्या यह सच है? हाँ। هل هذا صحيح؟ نعم\nnew line"
    got = [text[s:e] for s, e in split_sentences(text)]
    assert got == ["Alibaba raised $1.3 bn.", "JD.com grew!", "百度发布了文心一言。", "腾讯也开源了！",
                   "क्या यह सच है?", "हाँ।", "هل هذا صحيح؟", "نعم", "new line"]


def test_decimal_points_and_domains_do_not_split():
    text = "ERNIE 4.5 and 01.AI and Trip.com launched v2.1 models."
    assert [text[s:e] for s, e in split_sentences(text)] == [text]


@pytest.mark.parametrize("text,expected", [
    # a title, a month or "No." never ends a sentence: a name or a number follows
    ("In a filing dated Jan. 15, 2025, Mr. Smith said it was No. 1 in Sept. 2024. Then he left.",
     ["In a filing dated Jan. 15, 2025, Mr. Smith said it was No. 1 in Sept. 2024.", "Then he left."]),
    # a company's Inc. or initials end one only before a capital
    ("Acme Inc. said the U.S. market grew. Shares of Apple Inc. rose. It sold in the U.S. The end.",
     ["Acme Inc. said the U.S. market grew.", "Shares of Apple Inc. rose.", "It sold in the U.S.", "The end."]),
    ("The startup raised $10M in a Series A. The round was led by Accel.",
     ["The startup raised $10M in a Series A.", "The round was led by Accel."]),
    ("डॉ. राजीव ने कहा। दूसरा वाक्य।", ["डॉ. राजीव ने कहा।", "दूसरा वाक्य।"]),
    ("He saw Johnson. He left.", ["He saw Johnson.", "He left."]),  # a word that is no abbreviation
])
def test_abbreviations_do_not_end_a_sentence(text, expected):
    assert [text[s:e] for s, e in split_sentences(text)] == expected


def test_abbreviations_file_is_well_formed():
    from etl.datafiles import read_csv

    rows = read_csv("abbreviations.csv")
    assert rows and all(r["kind"] in ("title", "other") and r["word"] and not r["word"].endswith(".") for r in rows)
    assert len({r["word"] for r in rows}) == len(rows)


def test_offsets_point_into_the_document():
    text = "  First one.  Second one!\n\nThird"
    sents, _ = sentences(text)
    assert [s.text for s in sents] == ["First one.", "Second one!", "Third"]
    assert all(text[s.start:s.end] == s.text for s in sents)
    assert [s.index for s in sents] == [0, 1, 2]


def test_repeated_paragraph_is_counted_once():
    body = "DeepSeek raised nothing.\nBaidu open-sourced ERNIE.\n"
    sents, repeated = sentences("Title\n" + body + "\n" + body.replace("\n", "  \n"))
    assert repeated == 2
    assert [s.text for s in sents] == ["Title", "DeepSeek raised nothing.", "Baidu open-sourced ERNIE."]
