"""Which word lists the one lexicon of a language holds (see etl/lexicon.py): compiled once per
language and process, on first use."""
from __future__ import annotations

from functools import cache
from itertools import chain

from etl.extract.currency import country_words, currency_words
from etl.extract.date_rules import date_words
from etl.extract.funding_cues import funding_words
from etl.extract.money_type import cue_words
from etl.extract.numbers import number_words
from etl.knowledge import KnowledgeBase, knowledge_base, org_words, stance_words
from etl.lexicon import Lexicon

# Lists that do not depend on the text's language: names and stance cues cross languages
# ("OpenAI" in Arabic text, "open source" in Hindi text).
SHARED = (lambda: knowledge_base().words(), stance_words)
# Lists per language: (lang) -> (word, Entry) pairs: dates, currencies, number words, money and funding cues
# (currencies before number words: a currency reading of a spelling wins), organisation cues, the
# country words that decide a shared currency name.
PER_LANGUAGE: tuple = (date_words, currency_words, number_words, cue_words, funding_words, org_words, country_words)


@cache
def lexicon(lang: str) -> Lexicon:
    return Lexicon(chain(*(words() for words in SHARED), *(words(lang) for words in PER_LANGUAGE)))


_WITH_KB: dict[int, tuple[KnowledgeBase, str, Lexicon]] = {}


def lexicon_with(kb: KnowledgeBase, lang: str) -> Lexicon:
    """The language's lexicon with the aliases of another knowledge base (tests build small ones)."""
    if kb is knowledge_base():
        return lexicon(lang)
    held = _WITH_KB.get(id(kb))
    if held is None or held[0] is not kb or held[1] != lang:
        words = chain(kb.words(), *(words() for words in SHARED[1:]), *(words(lang) for words in PER_LANGUAGE))
        held = _WITH_KB[id(kb)] = (kb, lang, Lexicon(words))
    return held[2]
