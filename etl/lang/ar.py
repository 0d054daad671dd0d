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
        "MONTH_ALTS": r"(?P<m1>(?P<month>{month}){E}(?:\s*/\s*{month}{E}|\s*\(\s*{month}{E}(?:\s*\))?)?)",  # مارس (آذار)
        "MONTH2": r"(?:{SEP}(?P<month2>{month}){E}(?:\s*/\s*{month}{E}|\s*\(\s*{month}{E}(?:\s*\))?)?)",  # مايو ويونيو 2024
        "REL_AFTER": r"(?:\s+(?P<relocc>{rel_occ_after}){E}|\s+(?:من\s+)?(?P<rely>{rel_year}){E})",
        "MONTH_WORD": r"(?:(?:من\s+)?(?P<mw>{month_word})\s+)",
        "COUNT": r"(?P<count>{NUM_B}[0-9]{1,2}(?![0-9.,])|{B}{count}{E})",
        # "منذ يومين", "قبل ثلاثة أيام", "بعد أسبوعين"; not "قبل أسبوع من الإطلاق" (before an event), "منذ عام 2019"
        "UNITS": r"(?:{COUNT}\s+)?(?:(?P<dual>{unit_dual})|(?P<unit>{unit})){E}(?!\s*(?:[0-9]|من{E}|{month}|{year_suffix}))",
    },
    rules=(
        ("day_month", "month", r"(?:{NUM_B}(?P<day>{DAY})(?![0-9.,])\s*(?:من\s+)?|{B}(?P<dayw>{ordinal_day})\s+من\s+)"
                               r"{MONTH_WORD}?{MONTH_ALTS}{YEAR_PART}?{REL_AFTER}?"),
        ("month", "month", r"(?:{B}(?P<prep>{prep})\s+)?(?:{B}(?P<bound>{boundary})\s+|{B}(?P<lastday>{last_day})\s+)?"
                           r"{MONTH_WORD}?{B}{MONTH_ALTS}"
                           r"{MONTH2}?{YEAR_PART}?{REL_AFTER}?"),
        ("year", "YEAR", r"(?:{B}(?P<prep>{prep})\s+)?(?:{B}(?P<bound>{boundary})\s+)?(?:{B}(?P<yw>{year_word})\s*)?"
                         r"{YEAR}(?:\s*(?P<suf>{year_suffix}){E})?{NOT_AFTER}{YEAR2}?"),
        ("rel_year", "rel_year", r"(?:{B}(?P<bound>{boundary})\s+)?{B}(?P<rely>{rel_year}){E}"),
        # Relative to the publication date (etl/extract/relative.py). "اليوم" before a word with the
        # article is a day of something ("اليوم الأول", "اليوم العالمي"), not today; "اليوم الثلاثاء" is today.
        ("rel_day", "rel_day", r"{B}(?P<reld>{rel_day}){E}(?!\s+(?:ال|{ordinal_day}))(?:\s+{weekday}{E})?"),
        ("weekday", "weekday", r"{B}(?P<wd>{weekday}){E}(?:\s+(?P<relocc>{rel_occ_after}){E})?"),
        ("rel_period", "rel_week|rel_month|rel_quarter",
         r"(?:{B}(?P<bound>{boundary})\s+)?{B}(?P<relp>{rel_week}|{rel_month}|{rel_quarter}){E}"),
        ("ago", "ago_before", r"{B}(?P<ago>{ago_before})\s+{UNITS}"),
        ("later", "later_before", r"{B}(?P<later>{later_before})\s+{UNITS}"),
        # "15 رمضان 1446 هـ": converted from the Umm al-Qura calendar
        ("hijri", "hijri_month", r"(?:{NUM_B}(?P<day>{DAY})(?![0-9.,])\s*(?:من\s+)?|{B}(?P<dayw>{ordinal_day})\s+من\s+)"
                                 r"(?:{MONTH_WORD})?(?P<hmonth>{hijri_month}){E}\s*"
                                 r"(?:{year_word}\s*)?(?P<hyear>1[345][0-9]{2})(?![0-9])(?:\s*{hijri_suffix}{E})?"),
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
