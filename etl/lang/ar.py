"""Arabic."""
from etl.lang.base import DateGrammar, Language

# Proclitics in the order they combine: conjunction, preposition, article. لل is ل + ال with the
# alef dropped (normalised: no tatweel, so لـ = ل).
_CONJ = ("", "و", "ف")
_PREP = ("", "ب", "ل", "ك")
_ARTICLE = ("", "ال")
CLITICS = frozenset({c + p + a for c in _CONJ for p in _PREP for a in _ARTICLE} | {c + "لل" for c in _CONJ}) - {""}

# Dates (see DateGrammar): "16 مارس 2025", "السادس عشر من مارس", "نهاية شهر يونيو القادم",
# "في عام 2025", "مارس (آذار) 2025", "مايو ويونيو 2024", "من عام 2020 إلى عام 2025".
DATES = DateGrammar(
    fragments={
        "YEAR_PART": r"(?:\s*,?\s*(?:من\s+)?(?:{year_word}\s*)?{YEAR}(?:\s*{year_suffix}{E})?)",
        "MONTH_ALTS": r"(?P<m1>(?P<month>{month}){E}(?:\s*[/(]\s*{month}{E}\s*\)?)?)",  # مارس (آذار)
        "MONTH2": r"(?:{SEP}(?P<month2>{month}){E}(?:\s*[/(]\s*{month}{E}\s*\)?)?)",  # مايو ويونيو 2024
        "REL_AFTER": r"(?:\s+(?P<relocc>{rel_occ_after}){E}|\s+(?:من\s+)?(?P<rely>{rel_year}){E})",
        "MONTH_WORD": r"(?:(?:من\s+)?(?P<mw>{month_word})\s+)",
    },
    rules=(
        ("day_month", "month", r"(?:{NUM_B}(?P<day>{DAY})(?![0-9.,])\s*(?:من\s+)?|{B}(?P<dayw>{ordinal_day})\s+من\s+)"
                               r"{MONTH_WORD}?{MONTH_ALTS}{YEAR_PART}?{REL_AFTER}?"),
        ("month", "month", r"(?:{B}(?P<prep>{prep})\s+)?(?:{B}(?P<bound>{boundary})\s+)?{MONTH_WORD}?{B}{MONTH_ALTS}"
                           r"{MONTH2}?{YEAR_PART}?{REL_AFTER}?"),
        ("year", "YEAR", r"(?:{B}(?P<prep>{prep})\s+)?(?:{B}(?P<bound>{boundary})\s+)?(?:{B}(?P<yw>{year_word})\s*)?"
                         r"{YEAR}(?:\s*(?P<suf>{year_suffix}){E})?{NOT_AFTER}{YEAR2}?"),
        ("rel_year", "rel_year", r"(?:{B}(?P<bound>{boundary})\s+)?{B}(?P<rely>{rel_year}){E}"),
    ),
)

LANGUAGE = Language(
    code="ar",
    name="Arabic",
    script="\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF",
    letters="\u0620-\u064A\u066E-\u06D3\u06FA-\u06FF",
    rtl=True,
    digits="\u0660-\u0669\u06F0-\u06F9",  # Arabic-Indic and Extended (Persian/Urdu) digits
    # One letter per family: hamza seats, ta marbuta, alef maqsura, Persian yeh and kaf.
    foldings={"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ٲ": "ا", "ٳ": "ا", "ة": "ه", "ى": "ي", "ی": "ي",
              "ک": "ك", "ؤ": "و", "ئ": "ي", "٫": ".", "٬": ",", "،": ","},
    dropped="".join(chr(c) for c in range(0x064B, 0x0660)) + "\u0670\u0640",  # diacritics, superscript alef, tatweel
    clitics=CLITICS,
    sentence_ends="؟",
    clause_breaks="،؛",
    dates=DATES,
)
