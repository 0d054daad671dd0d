"""English (Latin script)."""
from etl.lang.base import DateGrammar, Language

# Dates: "March 16, 2025", "16 March 2025", "the 14th of March", "Jan. 27", "next June", "late
# October last year", "mid-2026", "fiscal year 2025", "Between March 2024 and May 2025".
DATES = DateGrammar(
    fragments={
        "DAY_NUM": r"(?P<day>{DAY})(?:st|nd|rd|th)?",
        "MON": r"(?P<month>{month}|{month_abbr}\.?)(?![a-z])",
        "YEAR_PART": r"(?:,?\s+(?:of\s+)?{YEAR})",
        "REL_AFTER": r"(?:,?\s+(?:of\s+)?(?P<rely>{rel_year}){E})",
    },
    rules=(
        ("day_month", "month|month_abbr", r"(?:{B}the\s+)?{NUM_B}{DAY_NUM}\s+(?:of\s+)?{MON}{YEAR_PART}?{REL_AFTER}?"),
        ("month_day", "month|month_abbr", r"{B}{MON}\s+{DAY_NUM}(?![0-9:.,]?[0-9]){NOT_AFTER}{YEAR_PART}?"),
        ("month", "month|month_abbr", r"{B}(?:(?P<prep>{prep})\s+)?(?:{B}(?P<bound>{boundary})[\s\-]+)?"
                                      r"(?:{B}(?P<relocc>{rel_occ_before})\s+)?(?:{B}(?P<mw>{month_word})\s+)?"
                                      r"{B}(?P<m1>{MON})(?:{SEP}{B}(?P<month2>{month}){E})?{YEAR_PART}?{REL_AFTER}?"),
        ("year", "YEAR", r"(?:{B}(?P<prep>{prep})\s+)?(?:{B}(?P<bound>{boundary})[\s\-]+)?(?:{B}(?P<yw>{year_word})\s*)?"
                         r"{YEAR}{NOT_AFTER}{YEAR2}?"),
        ("rel_year", "rel_year", r"(?:{B}(?P<bound>{boundary})\s+)?{B}(?P<rely>{rel_year}){E}"),
    ),
)

LANGUAGE = Language(
    code="en",
    name="English",
    script="A-Za-z",
    letters="a-zA-Z\u00c0-\u024f",
    dates=DATES,
)
