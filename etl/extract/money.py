"""Money figures: a number with a currency, in four languages, fully expanded and in US dollars.

A number without a currency is never money ("a billion parameters", "79 models", "10 times",
"30-50%"). Figures are found by one regex over the normalised text (Western digits, one Arabic
letter per family, lower case), built from the word lists in etl/data/:
currencies.csv, number_words.csv (scales: مليار, करोड़, 亿, bn …), dual_amounts.csv (ملياري =
2e9, and a bare مليار before a currency), money_cues.csv (funding/investment/valuation/aggregate
cue words), rounds.csv (round names) and fx_rates.csv (yearly average exchange rates).

- Ranges ("$1-2 billion", "10-20亿元", "1 إلى 2 مليار دولار") are one figure: `amount` is the
  lower bound, `upper` the upper bound (a lower bound never overstates a total).
- A figure restated in brackets right after another ("40 مليار دولار (حوالي 290 مليار يوان)") is
  the same fact: one span covering both, with the first figure's value.
- `¥` is CNY in Chinese text and JPY elsewhere; `元` is CNY.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from functools import cache

from etl.knowledge import read_csv
from etl.matcher import Matcher, pattern_key
from etl.spans import MoneySpan
from etl.textnorm import NormalizedText, normalize

_NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_RANGE = r"\s*(?:-|–|—|~|to|الى|حتى|और|से|至|到)\s*"
_LATIN_END = r"(?![a-z])"
_ARABIC_END = r"(?![\u0621-\u064a])"
_BRACKET_RESTATEMENT = re.compile(
    r"\s*[(（\[]\s*(?:about|approximately|around|roughly|nearly|almost|some|or|حوالي|حوالى|نحو|ما يعادل|اي|ما يقارب|تقريبا|"
    r"लगभग|करीब|क़रीब|约|约合|合|折合|相当于|~|≈)?\s*$"
)
_BRACKET_CLOSE = re.compile(r"[^)）\]]{0,40}?[)）\]]")


def _alternation(words, latin_end: bool = True) -> str:
    """Longest first, so "دولار أمريكي" wins over "دولار"; words end on a word boundary."""
    parts = []
    for w in sorted(set(words), key=len, reverse=True):
        escaped = re.escape(w).replace(r"\ ", r"\s*")
        if latin_end and re.search(r"[a-z]$", w):
            escaped += _LATIN_END
        elif re.search(r"[\u0621-\u064a]$", w):
            escaped += _ARABIC_END
        parts.append(escaped)
    return "|".join(parts)


class _Tables:
    def __init__(self):
        self.currency = {normalize(r["word"], True): r["currency"] for r in read_csv("currencies.csv")}
        self.scale = {normalize(r["word"], True): float(r["multiplier"]) for r in read_csv("number_words.csv")}
        self.implicit = {normalize(r["word"], True): float(r["amount"]) for r in read_csv("dual_amounts.csv")}
        prefix_currencies = [w for w, _ in self.currency.items() if not re.search(r"[\u0600-\u06ff\u0900-\u097f\u4e00-\u9fff]", w)]
        cur, pre = _alternation(self.currency), _alternation(prefix_currencies)
        scale = _alternation(self.scale)
        implicit = _alternation(self.implicit)
        after = (rf"(?P<a_num>{_NUMBER})(?:{_RANGE}(?P<a_num2>{_NUMBER}))?\s*(?P<a_s1>{scale})?\s*(?P<a_s2>{scale})?"
                 rf"\s*(?P<a_cur>{cur})")
        before = (rf"(?<![a-z])(?P<b_cur>{pre})\s*(?P<b_num>{_NUMBER})(?:{_RANGE}(?:{pre})?\s*(?P<b_num2>{_NUMBER}))?"
                  rf"\s*(?P<b_s1>{scale})?")
        bare = rf"(?<![\u0621-\u064a\d])(?P<c_word>{implicit})\s*(?P<c_cur>{cur})"
        self.figure = re.compile(f"{after}|{before}|{bare}")
        self.type_of = {pattern_key(r["cue"]): r["money_type"] for r in read_csv("money_cues.csv")}
        self.type_cues = Matcher(self.type_of)
        self.rounds = [(re.compile(r["pattern"]), r["round"]) for r in read_csv("rounds.csv")]
        self.fx: dict[str, list[tuple[int, float]]] = {}
        for r in read_csv("fx_rates.csv"):
            self.fx.setdefault(r["currency"], []).append((int(r["year"]), float(r["units_per_usd"])))
        for series in self.fx.values():
            series.sort()


@cache
def _tables() -> _Tables:
    return _Tables()


_ROUND_LETTERS = {"ए": "a", "बी": "b", "सी": "c", "डी": "d", "ई": "e", "एफ": "f"}


def find_money(text: str, lang: str) -> list[MoneySpan]:
    """Money figures in `text` (offsets relative to it)."""
    t = _tables()
    norm = NormalizedText.of(text, keep_punctuation=True)
    s = norm.text
    figures = []
    for m in t.figure.finditer(s):
        parsed = _parse(m, t, lang)
        if parsed is None:
            continue
        start, end = m.span()
        # A restatement in brackets right after the previous figure is the same fact.
        if figures and _BRACKET_RESTATEMENT.fullmatch(s, figures[-1][1], start):
            close = _BRACKET_CLOSE.match(s, end)
            figures[-1] = (figures[-1][0], close.end() if close else end, *figures[-1][2:])
            continue
        figures.append((start, end, *parsed))
    if not figures:
        return []
    cues = _type_cues(text, t)
    rounds = _rounds(text, t)
    out = []
    for start, end, amount, upper, currency in figures:
        o_start, o_end = norm.to_original(start, end)
        money_type = _nearest(cues, o_start, o_end) or "other"
        round_ = rounds[0] if rounds and money_type in ("funding", "investment", "other") else None
        if round_ and money_type == "other":
            money_type = "funding"
        out.append(MoneySpan(o_start, o_end, text[o_start:o_end], amount, currency, money_type, round_, upper))
    return out


def _parse(m: re.Match, t: _Tables, lang: str) -> tuple[float, float | None, str] | None:
    g = m.groupdict()
    if g["c_word"]:
        return t.implicit[_key(g["c_word"])], None, _currency(g["c_cur"], t, lang)
    p = "a_" if g["a_num"] else "b_"
    number = float(g[p + "num"].replace(",", ""))
    scales = [t.scale[_key(g[k])] for k in (p + "s1", p + "s2") if g.get(k)]
    factor = 1.0
    for f in scales:
        factor *= f
    upper = float(g[p + "num2"].replace(",", "")) * factor if g.get(p + "num2") else None
    amount = number * factor
    if upper is not None and upper < amount:  # "2-1"? not a range we understand
        upper = None
    return amount, upper, _currency(g[p + "cur"], t, lang)


def _key(word: str) -> str:
    return re.sub(r"\s+", " ", word)


def _currency(word: str, t: _Tables, lang: str) -> str:
    word = _key(word)
    if word == "¥":
        return "CNY" if lang == "zh" else "JPY"
    return t.currency.get(word) or t.currency[word.replace(" ", "")]


def _type_cues(text: str, t: _Tables) -> list[tuple[int, int, str]]:
    return [(m.start, m.end, t.type_of[m.key]) for m in t.type_cues.find(text)]


def _nearest(cues: list[tuple[int, int, str]], start: int, end: int) -> str | None:
    best, best_distance = None, None
    for c_start, c_end, kind in cues:
        distance = c_start - end if c_start >= end else max(start - c_end, 0)
        if best_distance is None or distance < best_distance:
            best, best_distance = kind, distance
    return best


def _rounds(text: str, t: _Tables) -> list[str]:
    found = []
    for pattern, code in t.rounds:
        m = pattern.search(text)
        if not m:
            continue
        if code == "series_":
            letter = next((v for k, v in m.groupdict().items() if v), "")
            letter = _ROUND_LETTERS.get(letter, letter).lower()
            code = f"series_{letter}"
        found.append((m.start(), code))
    return [code for _, code in sorted(found)]


def to_usd(amount: float, currency: str, year: int | None) -> float | None:
    """`amount` in US dollars at the yearly average rate of `year` (nearest year on file when
    outside the table; the latest when None). None for a currency without rates."""
    series = _tables().fx.get(currency)
    if not series or amount is None:
        return None
    years = [y for y, _ in series]
    if year is None:
        rate = series[-1][1]
    else:
        i = bisect_right(years, year) - 1
        rate = series[max(i, 0)][1]
    return amount / rate
