"""Chinese (Simplified and Traditional Han)."""
from etl.lang.base import DateGrammar, Language

# Dates: "2025年3月16日", "3月16号", "十二月", "明年6月", "6月底", "2023至2025年", "2025年初". Numerals,
# 年 and the boundary and joining words are read in place: alone they are everywhere (一, 年, 多).
DATES = DateGrammar(
    fragments={
        "NUM_B": r"(?<![0-9.,/:\-a-z])",  # no spaces in Chinese: a number ends where digits and Latin letters do
        "ZH_NO": r"(?<![0-9.\-a-z])",
        "BOUND_AFTER": r"(?P<bound>{boundary_after})",
        "COUNT": r"(?<![0-9月.])(?P<count>[0-9]{1,2}(?![0-9])|{numeral}|{count})",
    },
    rules=(
        ("month", "月", r"(?:{ZH_NO}(?P<year>{YYYY})\s*年\s*|(?P<rely>{rel_year})\s*)?"
                       r"(?P<m1>(?:{ZH_NO}(?P<monthn>1[0-2]|0?[1-9])|(?<![一二三四五六七八九十])(?P<month>{month}))\s*月(?:份)?)"
                       r"(?:\s*(?:(?P<day>{DAY})(?![0-9])|(?P<dayw>{numeral}))\s*[日号號]|(?P<lastday>{last_day_after}))?"
                       r"(?:{SEP}(?P<month2>1[0-2]|0?[1-9]|{month})\s*月(?:份)?(?!\s*[0-9一二三四五六七八九十]))?{BOUND_AFTER}?"),
        ("year", "YEAR", r"{ZH_NO}(?P<year>{YYYY})(?:{SEP}(?P<y2>(?P<year2>{YYYY})))?\s*(?P<suf>{year_suffix}){NOT_AFTER}"
                         r"{BOUND_AFTER}?"),
        ("rel_year", "rel_year", r"(?P<rely>{rel_year}){BOUND_AFTER}?"),
        # Relative to the publication date (etl/extract/relative.py): 昨天, 周二, 上周五, 本月初, 三天前
        ("rel_day", "rel_day", r"(?P<reld>{rel_day})"),
        ("weekday", "weekday|rel_week", r"(?:(?P<relw>{rel_week})(?P<wdw>{weekday_after_week})(?![一二三四五六七八九十])"
                                        r"|(?P<wd>{weekday}))"),
        ("rel_period", "rel_week|rel_month|rel_quarter", r"(?P<relp>{rel_week}|{rel_month}|{rel_quarter}){BOUND_AFTER}?"),
        ("ago", "前", r"{COUNT}\s*(?P<unit>{unit})\s*(?P<ago>{ago_after})"),
        ("later", "后|後", r"{COUNT}\s*(?P<unit>{unit})\s*(?P<later>{later_after})"),
    ),
    inline=frozenset({"month", "numeral", "year_suffix", "boundary_after", "range_sep", "not_after", "unit", "count",
                      "ago_after", "later_after", "weekday_after_week", "last_day_after", "dateline_after", "future"}),
    anchor=r"月|(?:[天日周年]|星期)\s*(?:以|之)?[前后後]",
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
    # A year in Han numerals, digit by digit, before 年 (二〇二四年, 一九九八年: formal and official
    # Chinese); other Han numerals (十五亿, 三月) are numbers that money and dates read as words.
    digit_run=r"[一二][〇零一二三四五六七八九]{3}(?=\s*年)",
    digit_words={**{w: str(i) for i, w in enumerate("〇一二三四五六七八九")}, "零": "0"},
)
