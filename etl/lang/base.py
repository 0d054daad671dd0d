"""What the extractors need to know about a language and its script, in one record per language.

Adding a language (Urdu, say) means one module beside ar.py with its `LANGUAGE`, its name in
`etl.lang.LANGS`, and its words in etl/data/ (rows whose `lang` is its code).
"""
from __future__ import annotations

from dataclasses import dataclass, field


def char_set(ranges: str) -> frozenset[str]:
    """The characters of a regex class body such as "a-z0-9\\u00c0-\\u024f" (ranges and single characters)."""
    out: set[str] = set()
    i = 0
    while i < len(ranges):
        if i + 2 < len(ranges) and ranges[i + 1] == "-":
            out.update(chr(c) for c in range(ord(ranges[i]), ord(ranges[i + 2]) + 1))
            i += 3
        else:
            out.add(ranges[i])
            i += 1
    return frozenset(out)


@dataclass(frozen=True)
class DateGrammar:
    """How a language writes dates: regex templates over the normalised text of a sentence
    (compiled by etl/extract/date_rules.py; the words are in etl/data/date_cues.csv).

    In a template, `{kind}` (lower case) stands for any word of that kind of date_cues.csv: a
    lexicon hit shows there as one placeholder character of its kinds, so a rule says "a month
    name" as one character class; `{NAME}` (upper case) is a fragment, the language's own
    (`fragments`) or one every language shares (YEAR, DAY, B = word start, E = word end …)."""

    rules: tuple[tuple[str, str, str], ...]  # (rule, what every match of it holds: a kind or YEAR, template)
    fragments: dict[str, str] = field(default_factory=dict)
    # Kinds matched as literal words inside the patterns instead of as lexicon words: joiners of a
    # range, read only between two dates (and, -, و glued to the next month), and words of an
    # unspaced script too common alone to be hits (一, 年). A word that also has another kind is a
    # lexicon word all the same (Hindi से joins and is a postposition).
    inline: frozenset[str] = frozenset({"range_sep"})
    anchor: str = ""  # regex: a sentence without a date word or a year must hold it to be read (月)
    future: str = "{future}"  # regex: the clause speaks of the future (a bare weekday is then the next one)
    future_after: bool = False  # the tense cue follows the date (Hindi: the verb ends the clause)
    clause_words: str = ""  # regex: words that open another clause (Hindi कि "that": "ने कहा कि … करेगी")
    past_needs_start: bool = True  # a founding or deadline cue must start a word (not in Chinese)


@dataclass(frozen=True)
class Language:
    code: str  # ISO 639-1
    name: str
    script: str  # regex class body of the script's whole Unicode blocks: language detection
    letters: str  # class body of its letters and combining signs: word boundaries
    spaced: bool = True  # words are separated by spaces (Chinese: no, so no word boundaries)
    rtl: bool = False
    digits: str = ""  # class body of its own digits (the zero first): read as 0-9
    foldings: dict[str, str] = field(default_factory=dict)  # letter variants -> one letter, for matching
    dropped: str = ""  # characters dropped for matching (diacritics, tatweel, nukta)
    clitics: frozenset[str] = frozenset()  # proclitics glued to a word, normalised (و ب ال وال …)
    sentence_ends: str = ""  # sentence-final punctuation of its own (beyond . ! ?)
    clause_breaks: str = ""  # punctuation that separates clauses (beyond , ; :)
    weight: int = 1  # letters of its script per word, roughly: detection weighs Han characters up
    dates: DateGrammar | None = None  # how it writes dates (None: no dates are read)
    # regex: numerals written as words digit by digit that are read as 0-9 in place ("二〇二四年"),
    # and each such word's digit (one character each, so offsets hold)
    digit_run: str = ""
    digit_words: dict[str, str] = field(default_factory=dict)

    @property
    def letter_chars(self) -> frozenset[str]:
        return char_set(self.letters)
