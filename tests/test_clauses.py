"""Clauses of a sentence (etl/extract/clauses.py), read through the lexicon's funding cues."""
import pytest

from etl.context import sentence_of
from etl.extract.clauses import Clauses
from etl.extract.money import find_money
from etl.wordlists import lexicon


def clauses_of(text: str, lang: str) -> tuple[Clauses, list]:
    """The clauses as funding.py builds them (names of a list found by the entity linker)."""
    from etl.extract.entities import find_entities
    from etl.extract.funding import _Sentence

    sent = sentence_of(text, lexicon(lang))
    sent.doc.lang = lang
    money = find_money(text, lang)
    return _Sentence(sent, find_entities(sent), money).clauses, [(m.start, m.end) for m in money]


@pytest.mark.parametrize("text,lang,apart", [
    ("xAI raised $6 billion in a Series B, and Anthropic got $4 billion from Amazon.", "en", True),
    ("Anthropic raised $2 billion from Thrive Capital and Microsoft at a $60 billion valuation.", "en", False),
    ("Databricks closed a $10 billion round at a $62 billion valuation.", "en", False),
    ("جمعت Groq مبلغ 640 مليون دولار، بينما جمعت Cohere مبلغ 500 مليون دولار.", "ar", True),
    ("एक्स एआई ने 6 अरब डॉलर जुटाए, जबकि एंथ्रोपिक को 4 अरब डॉलर मिले।", "hi", True),
    ("xAI完成60亿美元融资，而Anthropic获得40亿美元。", "zh", True),
    ("月之暗面完成10亿美元融资，估值达25亿美元。", "zh", True),
])
def test_two_figures_are_in_one_clause_or_apart(text, lang, apart):
    clauses, figures = clauses_of(text, lang)
    assert len(figures) == 2
    assert (clauses.of(figures[0][0]) != clauses.of(figures[1][0])) == apart


def test_a_relative_clause_runs_to_the_next_comma_and_names_its_antecedent():
    text = "Anthropic, which was founded in 2021, secured $2 billion from Google."
    clauses, figures = clauses_of(text, "en")
    relative = clauses.of(text.index("founded"))
    assert not clauses.is_main(relative) and clauses.antecedent(relative) == text.index("which")
    assert clauses.of(figures[0][0]) == clauses.of(0)  # the main clause goes on after the comma
    assert clauses.of(text.index("2021")) == relative


def test_brackets_are_a_clause_of_their_own():
    text = "OpenAI (backed by Microsoft) raised $6.6 billion."
    clauses, figures = clauses_of(text, "en")
    assert clauses.of(text.index("Microsoft")) != clauses.of(figures[0][0]) == clauses.of(0)
    assert clauses.previous(clauses.of(text.index("Microsoft"))) == clauses.of(0)


def test_a_semicolon_always_parts_clauses():
    text = "OpenAI raised money; Anthropic did too."
    clauses, _ = clauses_of(text, "en")
    assert clauses.of(0) != clauses.of(text.index("Anthropic"))
