"""Organisations the knowledge base lacks, found without a model (extractor `rules`).

A candidate must pass a suffix or a frame of etl/data/org_cues.csv (the lexicon's "org_cue"
list), never capitalisation alone: "Lux Capital", "X Labs", "نوفا لابز", "某某科技" (the suffix
ends the name and is part of it); "startup X", "شركة X", "由X领投" (the name follows the cue);
"X-backed", "X led the round", "X ने … जुटाए", "X完成融资" (the name precedes it). Cues that mark
an organisation only in a funding story say which words the sentence must hold (`needs`).

The name next to a cue is read as written: capitalised Latin words in any language's text (up to
four), else one Arabic word (two before a suffix: the second one is often a verb), up to two
Hindi words, or the Han characters between the cue and the nearest stop word. The words of
etl/data/name_blockers.csv end a name (function words, verbs, generic words such as
"Generative" or 人工智能) and veto it: a role word next to it makes it a person ("CEO Jane Doe",
"وزير X", "मंत्री X", "X部长"), a given name first makes it a person ("led by Sam Altman"), a
name of places only is a place. A candidate that overlaps a
mention the knowledge base found is dropped (the knowledge base decides there), and so is a name
in a script without capitals that overlaps a date phrase ("पिछले महीने कंपनी ने …": last month
the company; capitals tell a Latin name apart, "March Capital").
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from etl.context import Sentence
from etl.datafiles import read_csv
from etl.extract.dates import Phrase, phrase_spans
from etl.lang import LANGUAGES, script_of
from etl.lexicon import key_of
from etl.spans import EntitySpan

MAX_LATIN_WORDS = 4
MAX_HAN = 10
# A capitalised Latin word: Nova, xAI, 01Labs, Mercedes-Benz, Trip.com (not "Nvidia-backed").
_TOKEN = r"(?:[A-Z][A-Za-z0-9&]*|[a-z]+[A-Z][A-Za-z0-9]*|[0-9]+[A-Za-z][A-Za-z0-9]*)(?:-[A-Z0-9][A-Za-z0-9]*|\.[a-z]{2,}\b)*"
_TOKEN_AT = re.compile(_TOKEN)
_TOKEN_BEFORE = re.compile(f"(?<![A-Za-z0-9&.\\-])({_TOKEN})$")
_ARABIC_WORD = re.compile("[\u0621-\u064A\u0640\u064B-\u065F\u0670\u0671-\u06D3]+")
_ARABIC_WORD_BEFORE = re.compile("([\u0621-\u064A\u0640\u064B-\u065F\u0670\u0671-\u06D3]+)$")
_HINDI_WORD = re.compile("[\u0900-\u0963\u0966-\u097F]+")
_HINDI_WORD_BEFORE = re.compile("([\u0900-\u0963\u0966-\u097F]+)$")
_INVISIBLE = re.compile("[\u0640\u064B-\u065F\u0670\u200B-\u200F\u202A-\u202E\u2066-\u2069\uFEFF]")
_ARTICLE = ("ال", "وال", "بال", "فال", "كال", "لل")
_WINDOW = 60  # characters looked at around a cue


@dataclass(frozen=True)
class Blockers:
    role: frozenset[str]
    generic: frozenset[str]
    place: frozenset[str]
    stop: frozenset[str]
    person: frozenset[str]
    endings: tuple[str, ...]
    han_stop: re.Pattern  # the stop words, for Chinese (no spaces: found inside a run of Han)
    han_generic: re.Pattern  # generic and place words, removed to see what a Chinese name has left
    han_role: re.Pattern

    def ends_name(self, word: str) -> bool:
        k = key_of(word)
        return k in self.generic or k in self.stop or k in self.role or k.endswith(self.endings)


@cache
def blockers(lang: str) -> Blockers:
    rows = [r for r in read_csv("name_blockers.csv") if r["lang"] in ("", lang)]
    kind = lambda k: frozenset(key_of(r["word"]) for r in rows if r["kind"] == k)  # noqa: E731
    endings = tuple(key_of(r["word"]) for r in rows if r["kind"] == "ending")
    either = lambda words: re.compile("|".join(map(re.escape, sorted(words, key=len, reverse=True))) or "(?!)")  # noqa: E731
    generic, place, role, stop = kind("generic"), kind("place"), kind("role"), kind("stop")
    stop |= _number_words(lang)
    return Blockers(role, generic, place, stop, kind("person"), endings, either(stop), either(generic | place), either(role))


def _number_words(lang: str) -> frozenset[str]:
    """The number words of a spaced script without capitals (خمس, पांच): a count ends a name
    there, as capitals end one in Latin text (Han names hold numerals: 百度)."""
    language = LANGUAGES.get(lang)
    if language is None or not language.spaced or any(c.isupper() for c in language.letter_chars):
        return frozenset()
    return frozenset(key_of(r["word"]) for r in read_csv("number_words.csv") if r["lang"] == lang and r["kind"] == "unit")


@cache
def suffix_words() -> frozenset[str]:
    """The suffixes of org_cues.csv, normalised: a name made of them only is none ("AI Labs")."""
    return frozenset(key_of(r["cue"]) for r in read_csv("org_cues.csv") if r["kind"] == "suffix")


def name_of(surface: str) -> str:
    """The entity of an unlinked organisation: the name as written, NFC, spaces collapsed,
    Arabic tatweel and diacritics and invisible marks removed (Stanza's spans too)."""
    return " ".join(_INVISIBLE.sub("", unicodedata.normalize("NFC", surface)).split())


@dataclass(frozen=True, slots=True)
class _Cue:
    start: int  # offsets in the sentence's original text
    end: int
    kind: str
    latin: bool  # a Latin cue ("Labs", "startup") takes a Latin name only
    native_ok: bool  # a name in the language's own script may follow or precede it


def find_organisations(sentence: Sentence, known: list[EntitySpan] = (), dates: list[Phrase] = ()) -> list[EntitySpan]:
    """Organisation candidates of one sentence (offsets relative to its text), none overlapping
    `known` (the mentions the knowledge base found) nor, in a script without capitals, one of
    the sentence's date phrases (`dates`: DateScan.phrases_of, whatever the base)."""
    if not any("org_cue" in h.lists for h in sentence.hits):
        return []
    text, lang = sentence.text, sentence.doc.lang if sentence.doc else "en"
    folded = text.casefold()
    held: dict[str, bool] = {}  # each list of needed words looked up once per sentence

    def holds(needs: str) -> bool:
        if needs not in held:
            held[needs] = not needs or any(w in folded for w in needs.casefold().split("|"))
        return held[needs]

    cues = []
    for h in sentence.hits:
        for entry in h.of("org_cue"):
            if not holds(entry.value.needs):
                continue
            s, e = sentence.to_original(h.start, h.end)
            if lang == "ar" and text[max(0, s - 2):s] == "ال" and not entry.value.cue.startswith("ال"):
                continue  # الشركة: "the company", one named before, not a name that follows
            cues.append(_Cue(s, e, entry.value.kind, entry.value.cue.isascii(), holds(entry.value.native_needs)))
    if not cues:
        return []
    b = blockers(lang)
    suffix_at = {}  # where a suffix starts -> its end (the longest)
    for c in cues:
        if c.kind == "suffix":
            suffix_at[c.start] = max(c.end, suffix_at.get(c.start, 0))
    spans: list[tuple[int, int]] = []
    dated = phrase_spans(sentence, dates)
    for c in cues:
        span = _candidate(text, c, lang, b)
        if span is not None and not (dated and not text[span[0]].isascii() and _overlaps(span, dated)):
            spans.append(_chain(text, span, suffix_at))
    return _kept(text, spans, known)


def _overlaps(span: tuple[int, int], others: list[tuple[int, int]]) -> bool:
    return any(span[0] < e and s < span[1] for s, e in others)


def _candidate(text: str, cue: _Cue, lang: str, b: Blockers) -> tuple[int, int] | None:
    if cue.kind == "before":
        name = _name_after(text, cue.end, lang, b)
    else:
        name = _name_before(text, cue.start, lang, b, cue.kind == "suffix")
    if name is None:
        return None
    latin = text[name[0]].isascii()
    if (cue.latin and not latin) or (not latin and not cue.native_ok):
        return None
    return (name[0], cue.end) if cue.kind == "suffix" else name


def _chain(text: str, span: tuple[int, int], suffix_at: dict[int, int]) -> tuple[int, int]:
    """The span run on over the suffixes right after it ("Nova AI" + "Labs", 科技 + 有限公司)."""
    s, e = span
    for _ in range(4):
        nxt = e if e in suffix_at else e + 1 if text[e:e + 1] == " " and e + 1 in suffix_at else None
        if nxt is None or suffix_at[nxt] <= e:
            break
        e = suffix_at[nxt]
    return s, e


def _kept(text: str, spans: list[tuple[int, int]], known) -> list[EntitySpan]:
    """One candidate per stretch (the longest), none overlapping a known mention. (Taken characters
    are marked, so a sentence of many candidates costs their total length, never their square.)"""
    taken = bytearray(len(text) + 1)
    for k in known:
        taken[max(0, k.start):max(0, k.end)] = b"\x01" * (max(0, k.end) - max(0, k.start))
    out: list[EntitySpan] = []
    for s, e in sorted(set(spans), key=lambda x: (x[0] - x[1], x[0])):
        if 1 in taken[s:e]:
            continue
        entity = name_of(text[s:e])
        if len(entity) >= 2 and not set(key_of(entity).split()) <= suffix_words():  # "Intelligence raised"
            taken[s:e] = b"\x01" * (e - s)
            out.append(EntitySpan(s, e, text[s:e], entity, "company", entity, extractor="rules", linked=False))
    return sorted(out, key=lambda x: x.start)


# ---------------------------------------------------------------------------------------------
# Reading the name next to a cue


def _name_before(text: str, pos: int, lang: str, b: Blockers, suffix: bool) -> tuple[int, int] | None:
    end = pos
    while end > 0 and pos - end < 2 and text[end - 1] in " \u00a0-‐‑":
        end -= 1
    if end == pos and not suffix and lang != "zh" and end > 0 and text[end - 1].isalnum():
        return None  # glued to the word before: not a name followed by the cue
    if end == 0:
        return None
    ch = text[end - 1]
    if ch.isascii() and ch.isalnum():
        return _latin_before(text, end, b)
    if lang == "ar":
        return _words_before(text, end, b, _ARABIC_WORD_BEFORE, 2 if suffix else 1, arabic=True)
    if lang == "hi":
        return _words_before(text, end, b, _HINDI_WORD_BEFORE, 2, arabic=False)
    if lang == "zh":
        return _han_before(text, end, b)
    return None


def _name_after(text: str, pos: int, lang: str, b: Blockers) -> tuple[int, int] | None:
    start = pos
    while start < len(text) and start - pos < 2 and text[start] in " \u00a0:：":
        start += 1
    if start >= len(text):
        return None
    ch = text[start]
    if ch.isascii() and ch.isalnum():
        return _latin_after(text, start, b)
    if lang == "ar":
        return _words_after(text, start, b, _ARABIC_WORD, 1, arabic=True)
    if lang == "hi":
        return _words_after(text, start, b, _HINDI_WORD, 2, arabic=False)
    if lang == "zh":
        return _han_after(text, start, b)
    return None


def _latin_before(text: str, end: int, b: Blockers) -> tuple[int, int] | None:
    tokens: list[tuple[int, int]] = []
    i = end
    while len(tokens) < MAX_LATIN_WORDS:
        m = _TOKEN_BEFORE.search(text[max(0, i - _WINDOW):i])
        if not m:
            break
        s = i - len(m.group(1))
        word = key_of(m.group(1))
        if word in b.role:
            return None
        if b.ends_name(word):
            break
        if word in b.person:
            return None
        tokens.insert(0, (s, i))
        if s >= 2 and text[s - 1] == " " and not text[s - 2].isspace():
            i = s - 1
        else:
            break
    return _latin_span(text, tokens, b)


def _latin_after(text: str, start: int, b: Blockers) -> tuple[int, int] | None:
    tokens: list[tuple[int, int]] = []
    i = start
    while len(tokens) < MAX_LATIN_WORDS:
        m = _TOKEN_AT.match(text, i)
        if not m or (m.end() < len(text) and text[m.end()].isalnum()):
            break
        word = key_of(m.group())
        if word in b.role or (not tokens and word in b.person):
            return None
        if word in b.stop or (not tokens and b.ends_name(word)):
            if tokens or word in b.stop:
                break
            i = m.end() + 1  # a generic word cannot start a name: "backed by The Carlyle Group"
            continue
        tokens.append((m.start(), m.end()))
        if m.end() + 1 < len(text) and text[m.end()] == " ":
            i = m.end() + 1
        else:
            break
    return _latin_span(text, tokens, b)


def _latin_span(text: str, tokens: list[tuple[int, int]], b: Blockers) -> tuple[int, int] | None:
    if not tokens or all(key_of(text[s:e]) in b.place for s, e in tokens):
        return None
    return tokens[0][0], tokens[-1][1]


def _words_before(text, end, b: Blockers, word_re, most: int, arabic: bool) -> tuple[int, int] | None:
    words: list[tuple[int, int]] = []
    i = end
    while len(words) < most:
        m = word_re.search(text[max(0, i - _WINDOW):i])
        if not m:
            break
        s = i - len(m.group(1))
        if _blocked_word(m.group(1), b, arabic):
            if key_of(m.group(1)) in b.role and not words:
                return None
            break
        words.insert(0, (s, i))
        if s >= 2 and text[s - 1] == " ":
            i = s - 1
        else:
            break
    return _native_span(text, words, b)


def _words_after(text, start, b: Blockers, word_re, most: int, arabic: bool) -> tuple[int, int] | None:
    words: list[tuple[int, int]] = []
    i = start
    while len(words) < most:
        m = word_re.match(text, i)
        if not m:
            break
        if _blocked_word(m.group(), b, arabic):
            if key_of(m.group()) in b.role:
                return None
            break
        words.append((m.start(), m.end()))
        if m.end() + 1 < len(text) and text[m.end()] == " ":
            i = m.end() + 1
        else:
            break
    return _native_span(text, words, b)


def _blocked_word(word: str, b: Blockers, arabic: bool) -> bool:
    return b.ends_name(word) or (arabic and key_of(word).startswith(_ARTICLE))


def _native_span(text: str, words: list[tuple[int, int]], b: Blockers) -> tuple[int, int] | None:
    if not words or all(key_of(text[s:e]) in b.place for s, e in words):
        return None
    if key_of(text[words[0][0]:words[0][1]]) in b.person:
        return None
    if words[0][0] > 0 and _role_before(text, words[0][0], b):
        return None
    return words[0][0], words[-1][1]


def _role_before(text: str, start: int, b: Blockers) -> bool:
    before = text[max(0, start - _WINDOW):start].split()
    return bool(before) and key_of(before[-1]) in b.role


def _is_han(ch: str) -> bool:
    return script_of(ch) == "zh"


def _han_before(text: str, end: int, b: Blockers) -> tuple[int, int] | None:
    s = end
    while s > 0 and end - s < MAX_HAN and _is_han(text[s - 1]):
        s -= 1
    run = text[s:end]
    cut = max((m.end() for m in _all_matches(b.han_stop, run)), default=0)
    return _han_span(text, s + cut, end, b)


def _all_matches(pattern: re.Pattern, run: str):
    """Every match, overlapping ones too (the last stop word may start inside an earlier one)."""
    return (m for i in range(len(run)) if (m := pattern.match(run, i)))


def _han_after(text: str, start: int, b: Blockers) -> tuple[int, int] | None:
    e = start
    while e < len(text) and e - start < MAX_HAN and _is_han(text[e]):
        e += 1
    run = text[start:e]
    first = b.han_stop.search(run)
    cut = first.start() if first else None
    if cut is None:  # unbounded: a name is followed by its verb ("初创公司X宣布", "由X领投")
        return None
    return _han_span(text, start, start + cut, b)


def _han_span(text: str, s: int, e: int, b: Blockers) -> tuple[int, int] | None:
    name = text[s:e]
    rest = b.han_generic.sub("", name)
    if len(name) < 2 or not rest or b.han_role.match(text, e) or any(m.end() == len(name) for m in _all_matches(b.han_role, name)):
        return None
    return s, e
