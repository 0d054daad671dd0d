"""Chinese (Simplified and Traditional Han)."""
from etl.lang.base import DateGrammar, Language

# Dates: "2025年3月16日", "3月16号", "十二月", "明年6月", "6月底", "2023至2025年", "2025年初". Numerals,
# 年 and the boundary and joining words are read in place: alone they are everywhere (一, 年, 多).
DATES = DateGrammar(
    fragments={
        "NUM_B": r"(?<![0-9.,/:\-a-z])",  # no spaces in Chinese: a number ends where digits and Latin letters do
        "ZH_NO": r"(?<![0-9.\-a-z])",
        "BOUND_AFTER": r"(?P<bound>{boundary_after})",
    },
    rules=(
        ("month", "月", r"(?:{ZH_NO}(?P<year>{YYYY})\s*年\s*|(?P<rely>{rel_year})\s*)?"
                       r"(?P<m1>(?:{ZH_NO}(?P<monthn>1[0-2]|0?[1-9])|(?<![一二三四五六七八九十])(?P<month>{month}))\s*月(?:份)?)"
                       r"(?:\s*(?:(?P<day>{DAY})(?![0-9])|(?P<dayw>{numeral}))\s*[日号])?"
                       r"(?:{SEP}(?P<month2>1[0-2]|0?[1-9]|{month})\s*月(?:份)?(?!\s*[0-9一二三四五六七八九十]))?{BOUND_AFTER}?"),
        ("year", "YEAR", r"{ZH_NO}(?P<year>{YYYY})(?:{SEP}(?P<y2>(?P<year2>{YYYY})))?\s*(?P<suf>{year_suffix}){NOT_AFTER}"
                         r"{BOUND_AFTER}?"),
        ("rel_year", "rel_year", r"(?P<rely>{rel_year})"),
    ),
    inline=frozenset({"month", "numeral", "year_suffix", "boundary_after", "range_sep", "not_after"}),
    anchor="月",
    past_needs_start=False,
)

LANGUAGE = Language(
    code="zh",
    name="Chinese",
    script="\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF",
    letters="\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF",
    spaced=False,
    digits="\uFF10-\uFF19",  # full-width digits (the rest of full-width ASCII is folded in textnorm)
    sentence_ends="。！？",
    clause_breaks="，；：、",
    weight=3,  # a Han character carries about a word: Chinese with Latin names stays Chinese
    dates=DATES,
)
