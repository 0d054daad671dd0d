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
        # "9 May 23": a two-digit year after a day and month; after "May 9" only with its apostrophe
        "YEAR_PART_YY": r"(?:,?\s+(?:of\s+)?(?:{YEAR}|'?(?P<yy>[0-9]{2})(?![0-9:.,]?[0-9]|\s*{not_after})))",
        "YEAR_PART_APOS": r"(?:,?\s+(?:{YEAR}|'(?P<yy>[0-9]{2})(?![0-9])))",
        "COUNT": r"(?P<count>{NUM_B}[0-9]{1,2}(?![0-9.,])|{B}{count})",
    },
    rules=(
        ("day_month", "month|month_abbr", r"(?:{B}the\s+)?{NUM_B}{DAY_NUM}\s+(?:of\s+)?{MON}{YEAR_PART_YY}?{REL_AFTER}?"),
        ("month_day", "month|month_abbr", r"{B}{MON}\s+{DAY_NUM}(?![0-9:.,]?[0-9]){NOT_AFTER}{YEAR_PART_APOS}?"),
        ("month", "month|month_abbr", r"{B}(?:(?P<prep>{prep})\s+)?(?:{B}(?P<bound>{boundary})[\s\-]+|{B}(?P<lastday>{last_day})\s+)?"
                                      r"(?:{B}(?P<relocc>{rel_occ_before})\s+)?(?:{B}(?P<mw>{month_word})\s+)?"
                                      r"{B}(?P<m1>{MON})(?:{SEP}{B}(?P<month2>{month}){E})?{YEAR_PART}?{REL_AFTER}?"),
        ("year", "YEAR", r"(?:{B}(?P<prep>{prep})\s+)?(?:{B}(?P<bound>{boundary})[\s\-]+)?(?:{B}(?P<yw>{year_word})\s*)?"
                         r"{YEAR}{NOT_AFTER}{YEAR2}?"),
        ("rel_year", "rel_year", r"(?:{B}(?P<bound>{boundary})\s+)?{B}(?P<rely>{rel_year}){E}"),
        # Relative to the publication date (etl/extract/relative.py): "yesterday", "on Tuesday",
        # "next Friday", "earlier this month", "last quarter", "three days ago", "in two weeks".
        ("rel_day", "rel_day", r"{B}(?P<reld>{rel_day}){E}"),
        ("weekday", "weekday", r"(?:{B}(?P<relocc>{rel_occ_before})\s+)?{B}(?P<wd>{weekday}){E}"),
        ("rel_period", "rel_week|rel_month|rel_quarter",
         r"(?:{B}(?P<bound>{boundary})[\s\-]+)?{B}(?P<relp>{rel_week}|{rel_month}|{rel_quarter}){E}"),
        ("ago", "ago_after", r"{COUNT}\s+(?P<unit>{unit}){E}\s+(?P<ago>{ago_after}){E}"),
        ("later", "later_before", r"{B}(?P<later>{later_before})\s+{COUNT}\s+(?P<unit>{unit}){E}"),
        ("nth_weekday", "nth", r"(?:{B}the\s+)?{B}(?P<nth>{nth})\s+(?P<wd>{weekday})\s+(?:of|in)\s+(?P<month>{month}){E}{YEAR_PART}?"),
    ),
)

LANGUAGE = Language(
    code="en",
    name="English",
    script="A-Za-z",
    letters="a-zA-Z\u00c0-\u024f",
    dates=DATES,
)
