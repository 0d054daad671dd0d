"""Hindi (Devanagari)."""
import unicodedata

from etl.lang.base import DateGrammar, Language

# Precomposed letters with nukta (क़ ख़ ग़ ज़ ड़ ढ़ फ़ य़) -> the base letter, so both spellings match.
_NUKTA_PRECOMPOSED = {chr(c): unicodedata.normalize("NFD", chr(c))[0] for c in range(0x0958, 0x0960)}

# Dates: "16 मार्च 2025", "अगले जून", "जून के अंत तक", "2025 में", "वित्त वर्ष 2025", "2020 से 2025 तक".
DATES = DateGrammar(
    fragments={
        "YEAR_PART": r"(?:\s*,?\s*{YEAR})",
        "BOUND_AFTER": r"(?:\s+(?P<bound>{boundary_after}){E})",
        "POSTP": r"(?:\s+(?P<postp>{postp}){E})",
        "COUNT": r"(?P<count>{NUM_B}[0-9]{1,2}(?![0-9.,])|{B}{count}{E})",
    },
    rules=(
        ("day_month", "month", r"{NUM_B}(?P<day>{DAY})(?![0-9.,])\s*(?P<month>{month}){E}{YEAR_PART}?"),
        ("month", "month", r"(?:{B}(?P<rely>{rel_year})\s+)?(?:{B}(?P<relocc>{rel_occ_before})\s+)?{B}(?P<m1>(?P<month>{month})){E}"
                           r"(?:{SEP}{B}(?P<month2>{month}){E})?{YEAR_PART}?(?:\s+(?P<mw>{month_word}){E})?"
                           r"(?:\s+(?P<lastday>{last_day_after}){E})?{BOUND_AFTER}?{POSTP}?"),
        ("year", "YEAR", r"(?:{B}(?P<yw>{year_word})\s*)?{YEAR}(?:\s*(?P<suf>{year_suffix}){E})?{NOT_AFTER}{YEAR2}?"
                         r"{BOUND_AFTER}?{POSTP}?"),
        ("rel_year", "rel_year", r"{B}(?P<rely>{rel_year}){E}{BOUND_AFTER}?{POSTP}?"),
        # Relative to the publication date (etl/extract/relative.py); कल/परसों take the tense's direction.
        ("rel_day", "rel_day|rel_day_tensed", r"{B}(?P<reld>{rel_day}|{rel_day_tensed}){E}"),
        ("weekday", "weekday", r"(?:{B}(?P<relocc>{rel_occ_before})\s+)?{B}(?P<wd>{weekday}){E}"),
        ("rel_period", "rel_week|rel_month|rel_quarter",
         r"{B}(?P<relp>{rel_week}|{rel_month}|{rel_quarter}){E}{BOUND_AFTER}?{POSTP}?"),
        ("ago", "ago_after", r"{COUNT}\s+(?P<unit>{unit}){E}\s+(?P<ago>{ago_after}){E}"),
        ("later", "later_after", r"{COUNT}\s+(?P<unit>{unit}){E}\s+(?P<later>{later_after}){E}"),
    ),
    # Future verbs end in -एगा/-एगी/-एंगे (करेगी, जाएगा, होगा): the verb closes the clause, after its dates.
    future=r"{future}|(?:ेगा|ेगी|ेंगे|ेंगी|ेगे|एगा|एगी|एंगे|एँगे|एंगी|होगा|होगी|होंगे|होंगी){E}",
    future_after=True,
    clause_words=r"\s(?:कि|और|लेकिन|जबकि)\s",
)

LANGUAGE = Language(
    code="hi",
    name="Hindi",
    script="\u0900-\u097F",
    letters="\u0900-\u0963\u0971-\u097F",  # letters and signs; not the danda । ॥ nor the digits
    digits="\u0966-\u096F",
    foldings=_NUKTA_PRECOMPOSED,
    dropped="\u093c",  # nukta: ज़ and ज match
    sentence_ends="।॥",
    dates=DATES,
)
