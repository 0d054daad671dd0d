"""Money figures in news text: a number with a currency, typed by the cue words around it.

`find_money(sentence)` returns `MoneySpan`s with offsets into the sentence's original text; it
reads the sentence's normalised text (etl/context.py) and the hits the one lexicon pass found
there (currencies: etl/extract/currency.py; number and scale words: etl/extract/numbers.py; type
and round cues: etl/extract/money_type.py). `find_money(text, lang)` does the same for a string.
`to_usd` (etl/extract/fx.py) converts.

How a figure is found
1. Anchors: runs of digits (every script's digits are 0-9 by now) and the language's own scale
   words (مليار, करोड़, 亿, billion) for figures written without digits.
2. An anchor with no currency word within a few dozen characters is dropped at once. Around the
   others only, tokens are read: numbers, scale words, number words, range/and words and
   currencies; tokens separated by nothing but spaces form a chain.
3. A currency in the chain takes the number right after it (pre: $, US$, ₹, Rs, RMB) or the one
   right before it (post: دولار, रुपये, 美元, yuan). A number without a currency is never money:
   "a billion parameters", "79 نموذجًا", "21 funding events", "10 مرات", "30-50%".

Decisions
- Ranges ("$1-2 billion", "1 إلى 2 مليار دولار", "10-20亿元", "between $1bn and $2bn") are ONE
  figure: `amount` is the lower bound and `upper` the upper bound; a lower end without its own
  scale takes the upper end's (10-20亿 = 1e9..2e9). The lower bound is what the text guarantees, so
  sums over the table never overstate. "from $1bn to $2bn" is a change, not a range: two figures.
- A figure restated in brackets right after another ("$40 billion (about 290 billion yuan)",
  "₹8,300 करोड़ (1 अरब डॉलर)") or after an inline marker ("… يعادل", "यानी", "约合") is the same
  fact: only the first figure is returned.
- A figure right after another number or a vague word (数十亿美元, several billion, عدة مليارات)
  is dropped: it is no exact amount.
- A bare year (1900-2100, no scale) next to a currency written as Latin letters is no money
  ("Hong Kong SAR 2023", "FY2024 USD").
"""
from __future__ import annotations

import re
from bisect import bisect_left
from decimal import Decimal
from functools import cache
from itertools import chain

from etl.context import Sentence, sentence_of
from etl.datafiles import read_csv
from etl.extract.fx import to_usd
from etl.extract.currency import ANY_LETTER, codes, country_words, currency_words
from etl.extract.money_type import MONEY_TYPES, ROUNDS, Figure, cue_words, types
from etl.extract.numbers import alternation as words_alternation
from etl.extract.numbers import (DIGIT_RUN, NUMBER, Tok, Word, inline_words, number_words, own_langs, parse_number,
                                 parse_tokens, rows_in_scope, scope)
from etl.lang import LANGUAGES, detect_lang, script_of
from etl.lexicon import Hit
from etl.lexicon import Lexicon as WordLexicon
from etl.spans import MoneySpan

__all__ = ["MONEY_TYPES", "ROUNDS", "find_money", "to_usd", "read_csv", "scope"]

_LEFT, _RIGHT = 24, 64  # characters tokenised before and after an anchor
_TOKEN_LISTS = ("currency", "number")
_MONEY_LISTS = frozenset({"currency", "number", "money_cue", "money_round", "currency_country"})
_GAP = re.compile(r"[^\S\n]*")
_DIGIT_BEFORE = re.compile("[0-9]")
_CLOSE = re.compile(r"[^\S\n]*[)）\]]")
# Folded to "," by normalisation, but "،5" and "，5" end a clause where "1,5" is a number: kept.
_RESTORED = re.compile(f"[،，](?=[0-9{''.join(lang.digits for lang in LANGUAGES.values())}])")


# ----------------------------------------------------------------------------- gap patterns
class _Gaps:
    """What may stand between two figures of one fact (range ends, restatements), per language."""

    def __init__(self, lang: str):
        own = own_langs(lang)
        cues = rows_in_scope("money_cues.csv", lang)
        restate = words_alternation([r["cue"] for r in cues if r["kind"] == "restate"])
        inline = words_alternation([r["cue"] for r in cues if r["kind"] == "restate_inline"])
        numbers = read_csv("number_words.csv")
        between = words_alternation([r["word"] for r in numbers if r["kind"] == "between" and r["lang"] in own])
        ands = words_alternation([r["word"] for r in numbers if r["kind"] == "and" and r["lang"] in own])
        space = "[^\\S\\n]*+"  # possessive: a long run of spaces in a gap cannot make a test backtrack
        self.restate_open = re.compile(f"{space}[(（\\[]{space}(?:{restate}{space})?")
        self.restate_near = re.compile(f"{space}(?:[^\\s()（）\\[\\].,،，。;؛]++{space}){{1,2}}+[(（\\[]{space}{restate}{space}")
        self.restate_inline = re.compile(f"{space}[,،，]?{space}{inline}{space}:?{space}")
        self.between_before = re.compile(f"{between}{space}\\Z")
        self.range_gap = re.compile(f"{space}[-\u2010-\u2014~\uff5e]{space}")
        self.and_gap = re.compile(f"{space}{ands}{space}")
        links = [r["cue"] for r in cues if r["kind"] == "valuation_link"]
        self.valuation_link = re.compile(f"(?:{space}{words_alternation(links)}){{0,4}}{space}") if links else None


@cache
def _gaps(lang: str) -> _Gaps:
    return _Gaps(lang)


# ----------------------------------------------------------------------------- one sentence
def _glued_dollar(text: str, s: int) -> bool:
    """A "$" right after letters is another dollar, listed apart (NT$, R$), unless the letters are a
    scale glued to a number ("25k$")."""
    if text[s] != "$":
        return False
    i = s
    while i > 0 and text[i - 1].isascii() and text[i - 1].isalpha():
        i -= 1
    return i < s and not (i > 0 and text[i - 1].isdigit())


class _Text:
    """A sentence as money reads it: normalised text, its money hits (local offsets) and the
    token that starts at each place (the longest currency or number word there)."""

    def __init__(self, sentence: Sentence, lang: str, found_codes: list = ()):
        lo, hi = sentence.norm_start, sentence.norm_end
        text = sentence.norm.text[lo:hi]
        restored = [m for m in _RESTORED.finditer(sentence.text)] if "،" in sentence.text or "，" in sentence.text else []
        if restored:
            chars = list(text)
            for m in restored:
                chars[sentence.norm.to_normalized(sentence.start + m.start()) - lo] = m.group()
            text = "".join(chars)
        self.text, self.lang, self.gaps = text, lang, _gaps(lang)
        self.hits = [Hit(h.start - lo, h.end - lo, h.entries, h.lists) for h in sentence.hits
                     if not h.lists.isdisjoint(_MONEY_LISTS)]
        self.word_at: dict[int, tuple[int, Word]] = {}
        for h in self.hits:  # by start, longest first
            if h.start not in self.word_at:
                word = next((x.value for x in h.entries if x.list in _TOKEN_LISTS), None)
                if word is not None and not _glued_dollar(text, h.start):
                    self.word_at[h.start] = (h.end, word)
        for s, e, word in found_codes:  # original offsets -> normalised
            ns = sentence.norm.to_normalized(sentence.start + s) - lo
            got = self.word_at.get(ns)
            if got is None or got[0] < ns + (e - s):
                self.word_at[ns] = (sentence.norm.to_normalized(sentence.start + e) - lo, word)
        self.inline = inline_words(lang)
        self.starts = sorted(self.word_at)
        self.currencies = [s for s in self.starts if self.word_at[s][1].kind == "cur"]

    def _word(self, s: int, limit: int) -> tuple[int, Word] | None:
        """The longest word starting at text[s] and ending by `limit`: a lexicon hit or one read in place."""
        got = self.word_at.get(s)
        if got is not None and got[0] > limit:
            got = None
        here = self.inline.match(self.text, s, limit)
        return here if here is not None and (got is None or here[0] > got[0]) else got

    def _checked(self, s: int, got: tuple[int, Word] | None) -> Tok | None:
        if got is None:
            return None
        e, w = got
        if w.kind == "cur" and w.not_followed_by and self._followed(e, w.not_followed_by):
            return None
        return Tok(s, e, w.kind, w.value, w, self.text[s:e])

    def _followed(self, e: int, words: tuple[str, ...]) -> bool:
        if (ANY_LETTER in words and e < len(self.text) and script_of(self.text[e]) not in (None, "digit")
                and self.inline.match(self.text, e, len(self.text)) is None):  # 五角三分: a numeral may follow
            return True
        return any(self.text.startswith(x, e) for x in words if x != ANY_LETTER)

    def token_at(self, q: int, limit: int) -> Tok | None:
        m = NUMBER.match(self.text, q, limit)
        if m:
            value = parse_number(m.group())
            return None if value is None else Tok(q, m.end(), "num", value, None, m.group())
        return self._checked(q, self._word(q, limit))

    def currency_near(self, lo: int, hi: int) -> bool:
        i = bisect_left(self.currencies, lo)
        return i < len(self.currencies) and self.currencies[i] < hi

    def left_tokens(self, lo: int, pos: int) -> list[Tok]:
        """The tokens of text[lo:pos]: numbers, and words leftmost-longest."""
        out = [Tok(m.start(), m.end(), "num", v, None, m.group())
               for m in NUMBER.finditer(self.text, lo, pos) if (v := parse_number(m.group())) is not None]
        words = [(s, *self.word_at[s]) for s in self.starts[bisect_left(self.starts, lo):bisect_left(self.starts, pos)]
                 if self.word_at[s][0] <= pos]
        words += self.inline.finditer(self.text, lo, pos)
        covered = lo
        for s, e, w in sorted(words, key=lambda x: (x[0], -x[1])):  # leftmost-longest
            if s >= covered:
                covered = e
                if (tok := self._checked(s, (e, w))) is not None:
                    out.append(tok)
        out.sort(key=lambda t: (t.start, -t.end))
        return out

    def chain(self, pos: int, lo: int, hi: int) -> list[Tok] | None:
        """The run of tokens, separated by spaces only, through the token at `pos` (within lo..hi)."""
        first = self.token_at(pos, hi)
        if first is None:
            return None
        chain = [first]
        while True:  # rightwards, one anchored match at a time
            q = _GAP.match(self.text, chain[-1].end, hi).end()
            tok = self.token_at(q, hi) if q < hi else None
            if tok is None:
                break
            chain.append(tok)
        start = first.start
        for tok in reversed(self.left_tokens(lo, pos)):
            if tok.end <= start and _GAP.fullmatch(self.text, tok.end, start):
                chain.insert(0, tok)
                start = tok.start
        return chain


# ----------------------------------------------------------------------------- figures of a chain
_STARTS = ("num", "unit", "article", "scale", "between")
_BLOCKERS = ("num", "unit", "vague")


def _after(chain: list[Tok], first: int) -> tuple[int, tuple[Decimal, Decimal | None]] | None:
    """Longest number right after a pre-currency: (index after it, value)."""
    stop = next((i for i in range(first, len(chain)) if chain[i].kind == "cur"), len(chain))
    if first >= stop or chain[first].kind not in ("num", "unit", "article"):
        return None
    for end in range(stop, first, -1):
        got = parse_tokens(chain[first:end])
        if got:
            return end, got
    return None


def _before(chain: list[Tok], used: int, cur: int) -> tuple[int, tuple[Decimal, Decimal | None]] | None:
    """Number right before a post-currency: (index of its first token, value)."""
    end = cur
    if end - 1 >= used and chain[end - 1].kind == "of":  # 10 مليارات من الدولارات
        if end - 2 < used or chain[end - 2].kind != "scale":
            return None
        end -= 1
    for k in range(used, end):
        if chain[k].kind not in _STARTS:
            continue
        got = parse_tokens(chain[k:end], units_alone=True)
        if got:
            if k > used and chain[k - 1].kind in _BLOCKERS:
                return None  # 数十亿, "several billion", a number glued before: not an exact figure
            return (k + 1 if chain[k].kind == "between" else k), got
    return None


def _looks_like_year(toks: list[Tok], cur: Tok) -> bool:
    return (cur.word.code and len(toks) == 1 and toks[0].kind == "num" and toks[0].text.isdigit()
            and 1900 <= int(toks[0].text) <= 2100)


def _figure_at(chain: list[Tok], i: int, used: int) -> tuple[Figure, int] | None:
    """The figure of the currency chain[i] and the index after it."""
    cur, w = chain[i], chain[i].word
    if w.position in ("pre", "both"):
        got = _after(chain, i + 1)
        if got and not _looks_like_year(chain[i + 1:got[0]], cur):
            end, (lo, hi) = got
            return Figure(cur.start, chain[end - 1].end, lo, hi, w.iso, w), end
    if w.position in ("post", "both", "compound"):
        got = _before(chain, used, i)
        if got and not _looks_like_year(chain[got[0]:i], cur):
            k, (lo, hi) = got
            return Figure(chain[k].start, cur.end, lo, hi, w.iso, w), i + 1
    return None


def _figures(chain: list[Tok]) -> list[Figure]:
    figs: list[Figure] = []
    used, i, n = 0, 0, len(chain)
    while i < n:
        got = _figure_at(chain, i, used) if chain[i].kind == "cur" else None
        if got is None:
            i += 1
            continue
        fig, nxt = got
        if nxt < n and chain[nxt].kind == "cur" and chain[nxt].word.iso == fig.iso:  # 2亿元人民币
            fig.end = chain[nxt].end
            nxt += 1
        figs.append(fig)
        used = i = nxt
    return figs


# ----------------------------------------------------------------------------- figures in a text
def find_money(sentence: Sentence | str, lang: str | None = None) -> list[MoneySpan]:
    """Money figures in a sentence (offsets into its original text), typed by its cue words."""
    if isinstance(sentence, str):
        if not sentence:
            return []
        lang = lang or detect_lang(sentence)
        sentence = sentence_of(sentence, _money_lexicon(lang))
    lang = lang or sentence.doc.lang
    # A code (USD, Rs, 25c) makes a figure only with digits near: a sentence without digits is not scanned for them.
    has_digit = _DIGIT_BEFORE.search(sentence.norm.text, sentence.norm_start, sentence.norm_end) is not None
    found_codes = list(codes(lang).finditer(sentence.text)) if has_digit else []
    if not found_codes and not _has_currency(sentence.hits):
        return []
    t = _Text(sentence, lang, found_codes)
    figs = _scan(t)
    if not figs:
        return []
    figs = _drop_restatements(_merge_ranges(_compounds(figs, t), t), t)
    if not figs:
        return []
    _decide_bare_names(figs, t, sentence)
    out = []
    for fig, (money_type, round_) in zip(figs, types(figs, t.text, t.hits, t.gaps.valuation_link)):
        s, e = sentence.to_original(sentence.norm_start + fig.start, sentence.norm_start + fig.end)
        out.append(MoneySpan(s, e, sentence.text[s:e], float(fig.lo), fig.iso, money_type, round_,
                             None if fig.hi is None else float(fig.hi)))
    return out


def _has_currency(hits: list[Hit]) -> bool:
    """Whether a currency word is among the hits (分 alone, minutes or points, opens nothing)."""
    for h in hits:
        if "currency" in h.lists:
            for x in h.entries:
                if x.list == "currency" and x.value.position != "compound":
                    return True
    return False


@cache
def _money_lexicon(lang: str) -> WordLexicon:
    """The money words of a language alone: a plain string needs no names or dates."""
    return WordLexicon(chain(currency_words(lang), number_words(lang), cue_words(lang), country_words(lang)))


def _anchors(t: _Text) -> list[int]:
    anchors = [m.start() for m in DIGIT_RUN.finditer(t.text)]
    anchors += [s for s in t.starts if t.word_at[s][1].anchor]
    # number words before a currency (three pounds, خمسة دولارات, 九元): the currency is the anchor
    # (one with a digit just before it is reached from that digit)
    anchors += [c for c in t.currencies if t.word_at[c][1].position != "pre" and not _DIGIT_BEFORE.search(t.text, max(0, c - _LEFT), c)]
    return sorted(anchors)


def _scan(t: _Text) -> list[Figure]:
    figs: list[Figure] = []
    covered, n = 0, len(t.text)
    for pos in _anchors(t):
        lo, hi = max(covered, pos - _LEFT), min(n, pos + _RIGHT)
        if pos < covered or not t.currency_near(lo, hi):
            continue
        chain = t.chain(pos, lo, hi)
        if chain is None:
            continue
        figs += _figures(chain)
        covered = max(covered, chain[-1].end)
    return figs


def _compounds(figs: list[Figure], t: _Text) -> list[Figure]:
    """Minor units in their currency, joined to the figure before them when they complete it:
    "$7 and 25c" = 7.25, 九元五角 = 9.5, "5 euros and 50 cents" (cents of the euro). A unit that
    only counts in a compound (分: also minutes, points) is dropped alone."""
    out: list[Figure] = []
    for f in figs:
        factor = f.unit.factor
        if factor is not None:
            prev = out[-1] if out else None
            if (prev is not None and prev.hi is None and f.hi is None and f.lo * factor < 1
                    and (prev.unit.factor is None or prev.unit.factor > factor)
                    and (_GAP.fullmatch(t.text, prev.end, f.start) or t.gaps.and_gap.fullmatch(t.text, prev.end, f.start))):
                prev.lo += f.lo * factor
                prev.end = f.end
                prev.unit = f.unit if prev.unit.factor is not None else prev.unit
                continue
            if f.unit.position == "compound":
                continue
            f.lo, f.hi = f.lo * factor, None if f.hi is None else f.hi * factor
        out.append(f)
    return out


def _decide_bare_names(figs: list[Figure], t: _Text, sentence: Sentence) -> None:
    """A shared bare name (دينار, riyal, ليرة) takes the currency of the country word nearest it in
    its sentence, else of the document's first country word for that name (currency_countries.csv).
    The country words are gathered once per sentence and once per document: linear however many
    figures share a name."""
    shared = [f for f in figs if f.unit.group]
    if not shared:
        return
    local = _country_words(t.hits)
    for f in shared:
        near = local.get(f.unit.group)
        if near:
            starts = [start for start, _ in near]
            i = bisect_left(starts, f.start)
            f.iso = min(near[max(0, i - 1):i + 1], key=lambda p: abs(p[0] - f.start))[1]
            continue
        found = _document_countries(sentence.doc).get(f.unit.group)
        if found:
            f.iso = found


def _country_words(hits) -> dict[str, list[tuple[int, str]]]:
    """group -> [(start, iso)] of the country words among `hits`, in text order."""
    out: dict[str, list[tuple[int, str]]] = {}
    for h in hits:
        for x in h.of("currency_country"):
            out.setdefault(x.value.group, []).append((h.start, x.value.iso))
    return out


def _document_countries(doc) -> dict[str, str]:
    """group -> iso of the document's first country word per group (computed once per document)."""
    cached = getattr(doc, "_first_countries", None)
    if cached is None:
        cached = {}
        for other in doc.sentences:
            for group, words in _country_words(other.hits).items():
                cached.setdefault(group, words[0][1])
        doc._first_countries = cached
    return cached


def _merge_ranges(figs: list[Figure], t: _Text) -> list[Figure]:
    """"$1bn-$2bn", "between $1bn and $2bn": two figures that are the two ends of one range."""
    out: list[Figure] = []
    g, text = t.gaps, t.text
    for f in figs:
        prev = out[-1] if out else None
        if (prev and prev.hi is None and f.hi is None and prev.iso == f.iso and prev.lo < f.lo
                and (g.range_gap.fullmatch(text, prev.end, f.start)
                     or (g.and_gap.fullmatch(text, prev.end, f.start)
                         and g.between_before.search(text, max(0, prev.start - 30), prev.start)))):
            prev.hi, prev.end = f.lo, f.end
            continue
        out.append(f)
    return out


def _drop_restatements(figs: list[Figure], t: _Text) -> list[Figure]:
    """A figure restated right after another, in brackets or after "يعادل"/"यानी"/"约合", is dropped.

    Brackets right after the figure need no marker: "₹8,300 करोड़ (1 अरब डॉलर)". One or two words
    may stand between when the bracket opens with a marker and the currency differs:
    "66亿美元融资（约合470亿元人民币）"."""
    out: list[Figure] = []
    for f in figs:
        prev = out[-1] if out else None
        if prev and _restates(prev, f, t):
            continue
        out.append(f)
    return out


def _restates(prev: Figure, f: Figure, t: _Text) -> bool:
    g, gap = t.gaps, (t.text, prev.end, f.start)
    if g.restate_inline.fullmatch(*gap):
        return True
    bracketed = g.restate_open.fullmatch(*gap) or (f.iso != prev.iso and g.restate_near.fullmatch(*gap))
    return bool(bracketed and _CLOSE.match(t.text, f.end))
