"""One lexicon layer: every word list of the project matched over normalised text in one pass.

Each extractor declares its word lists as (surface word, `Entry`) pairs: the knowledge base's
aliases, stance cues and contrast words, currency, number and scale words, money and funding
cues, month names and date cues. `Lexicon` compiles the lists that apply to one language into a
single Aho-Corasick automaton (pyahocorasick, in C) over the normalised spelling of every word,
so a sentence is read once, whatever the number of lists and words; Python only runs at the
hits, to check word boundaries and case.

Matching rules (the same for every list):
- Words and text go through the same `textnorm.normalize`: case, Arabic letter variants,
  diacritics, tatweel, nukta and digits do not matter, a hyphen is a space, and a space inside a
  word is optional ("DeepSeek R1" = "DeepSeek-R1" = "DeepSeekR1").
- A hit stands on the word boundaries of its script: no Latin letter or digit right before or
  after a Latin word (`glue_digits` words such as "bn" or "k" may touch digits: "5bn"); no Arabic
  letter around an Arabic word, except a proclitic before it (و ف ب ل ك ال …) for `clitics`
  words, the same rule for a Latin name glued to an Arabic clitic (وChatGPT); no Devanagari
  letter around a Devanagari word; Han: no boundary (Chinese has no spaces). A `stem` word may
  go on after its end.
- A case-sensitive word (`exact`) counts only when the original text is spelt so ("Cursor", not
  "cursor"; English "May", not the modal "may").
Every hit is returned (overlaps included); `longest` picks the leftmost-longest of one list.
"""
from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import chain, product
from operator import attrgetter

import ahocorasick

from etl.lang import _SCRIPT_OF, ARABIC_CLITICS, LANGUAGES, script_of
from etl.textnorm import DROPPED_CHARS, NormalizedText, normalize

_SPACES = re.compile(r"\s+")
_SEPARATORS = re.compile(r"[\s\-‐‑–—_]+")
_LONGEST_CLITIC = max(map(len, ARABIC_CLITICS))
_MAX_OPTIONAL_SPACES = 4  # a word with more spaces keeps them all (2**4 spellings at most)


@dataclass(frozen=True, slots=True)
class Entry:
    """A word of one list and what the list says about it."""

    list: str  # which list: "alias", "stance", "break", "money", "money_cue", "funding_cue", "date" …
    value: object  # the list's payload (an alias row, a currency, a cue's role …)
    clitics: bool = False  # Arabic proclitics may be glued before it
    glue_digits: bool = False  # digits may touch it (money words: "5bn", "25k$")
    stem: bool = False  # the word may go on after its end (no right boundary)
    exact: frozenset[str] | None = None  # case-sensitive: the spellings (`exact_form`) that count


def exact_form(s: str) -> str:
    """The spelling as written, minus separators and diacritics: "Cursor" != "cursor", علي != على."""
    return DROPPED_CHARS.sub("", _SEPARATORS.sub("", s))


def key_of(word: str) -> str:
    """The normalised spelling of a word: what the automaton matches."""
    return " ".join(_SPACES.split(normalize(word).strip()))


def spellings(key: str) -> list[str]:
    """The key with each inner space present or absent."""
    parts = key.split(" ")
    if len(parts) == 1 or len(parts) > _MAX_OPTIONAL_SPACES + 1:
        return [key]
    out = []
    for joins in product((" ", ""), repeat=len(parts) - 1):
        out.append(parts[0] + "".join(j + p for j, p in zip(joins, parts[1:])))
    return out


@dataclass(slots=True)
class Hit:
    start: int  # offsets in the normalised text
    end: int
    entries: tuple[Entry, ...]  # every entry whose word matched here (lists in registration order)
    lists: frozenset[str]  # the lists of those entries (a look here skips a hit of other lists)

    def of(self, name: str) -> list[Entry]:
        return [e for e in self.entries if e.list == name] if name in self.lists else []


class Lexicon:
    """Word lists compiled into one automaton. `words`: (surface word, Entry) pairs; the entries of
    one spelling keep their order (a list's language-specific row before its generic one)."""

    def __init__(self, words: Iterable[tuple[str, Entry]]):
        by_key: dict[str, list[Entry]] = {}
        for surface, entry in words:
            key = key_of(surface)
            if key:
                for spelling in spellings(key):
                    found = by_key.setdefault(spelling, [])
                    if entry not in found:
                        found.append(entry)
        self.size = len(by_key)
        self._automaton = ahocorasick.Automaton()
        self._letters: dict[str, tuple] = {}  # one-letter words: found by `_LetterScan`, not the automaton
        for key, entries in by_key.items():
            exact = any(x.exact for x in entries)
            needs = _NEEDS[script_of(key[0]), script_of(key[-1])]
            value = (len(key), needs, _by_need(entries), exact)
            if len(key) == 1 and LETTERS_APART:
                self._letters[key] = value
            else:
                self._automaton.add_word(key, value)
        if len(self._automaton):
            self._automaton.make_automaton()
        self._letter_scan = _LetterScan(self._letters) if self._letters else None

    def scan(self, norm: NormalizedText, start: int = 0, end: int | None = None, check_case: bool = True) -> list[Hit]:
        """Every hit in norm.words[start:end] that stands on its word boundaries, by start then
        longest first (`check_case=False`: case-sensitive words in any case too)."""
        if not self.size:
            return []
        text = norm.words
        end = len(text) if end is None else end
        script = _SCRIPT_OF.get
        hits = []
        found = self._automaton.iter(text, start, end) if len(self._automaton) else ()
        if self._letter_scan is not None:
            found = chain(found, self._letter_scan.iter(text, start, end))
        for last, (length, needs, by_need, exact) in found:
            s, e = last - length + 1, last + 1
            by_after = needs[script(text[s - 1]) if s > start else None]
            if by_after is None:  # a letter before that no word of these scripts may follow (inside a word)
                continue
            need = by_after[script(text[e]) if e < end else None]
            if need == 0:  # the usual case (spaces around) needs no check
                entries, lists = by_need[0]
            else:
                if need is None:
                    continue
                entries, lists = by_need[need] or _meeting(by_need, need)
                # the letters before are read only when one of the word's entries may take a clitic
                if not entries or (need & _CLITIC and not _clitic_before(text, s, start)):
                    continue
            if exact and check_case:
                entries = _exact_case(norm, s, e, entries)
                if not entries:
                    continue
                lists = _lists_of(entries)
            hits.append(Hit(s, e, entries, lists))
        # by start, then longest first (two stable C-level sorts; no two hits share start and end)
        hits.sort(key=_END, reverse=True)
        hits.sort(key=_START)
        return hits


_START, _END = attrgetter("start"), attrgetter("end")
LETTERS_APART = True  # one-letter words through `_LetterScan` (False: in the automaton, as a test's reference)

# What a hit needs of its entries to stand on its word boundaries: a bit set of these (an index
# into each word's `_by_need` list of the entries that meet it).
_CLITIC, _GLUE, _STEM = 1, 2, 4
_NEEDS_COUNT = 8


def _boundary_needs(first: str | None, last: str | None, before: str | None, after: str | None) -> int | None:
    """What a hit whose first and last characters are of scripts `first` and `last` needs to stand
    on word boundaries (see the module docstring), given the scripts of the characters `before`
    and `after` it (None: no letter or digit): None when no word can."""
    need = 0
    if before is not None:
        if before == "ar" and first in ("ar", "en", "digit"):
            need |= _CLITIC  # the letters before must be a proclitic
        elif before in ("en", "digit") and first in ("en", "digit"):
            if before == "en" or first == "digit":
                return None
            need |= _GLUE  # a digit right before a Latin word: "5bn"
        elif before == "hi" and first == "hi":
            return None
    if after is not None:
        if last in ("en", "digit") and after in ("en", "digit"):
            need |= _GLUE if last == "en" and after == "digit" else _STEM
        elif (last == "ar" and after == "ar") or (last == "hi" and after == "hi"):
            need |= _STEM
    return need


_SCRIPTS = (None, *sorted(set(_SCRIPT_OF.values())))


def _needs_table(first: str | None, last: str | None) -> dict:
    """For a word from script `first` to `last`: the script before -> (None when no word can
    stand there, else the script after -> the need), so a hit inside a word costs one look-up."""
    table = {}
    for before in _SCRIPTS:
        by_after = {after: _boundary_needs(first, last, before, after) for after in _SCRIPTS}
        table[before] = None if all(n is None for n in by_after.values()) else by_after
    return table


_NEEDS = {(f, l): _needs_table(f, l) for f, l in product(_SCRIPTS, repeat=2)}


_NONE: tuple[tuple[Entry, ...], frozenset[str]] = ((), frozenset())


def _letters_of(scripts: set[str]) -> str:
    """The character class of the letters (or digits) of `scripts`: what `script_of` reads as theirs."""
    return "[" + "".join("0-9" if x == "digit" else LANGUAGES[x].letters for x in sorted(scripts)) + "]"


class _LetterScan:
    """The one-letter words of a lexicon (Latin "a", Arabic و, م, ه) found by one regex that
    skips, in C, the places where they cannot stand: most such letters are inside other words,
    and read one by one they were two in five of the automaton's hits. A place is skipped only
    where `scan` would reject every entry of the letter: a letter before it that no entry may
    follow (a Latin letter before "a"; Arabic letters before ه other than a proclitic), or one
    after it that none may precede. Every other place goes through `scan`'s own checks, so the
    hits are the automaton's."""

    def __init__(self, letters: dict[str, tuple]):
        self.letters = letters
        self.pattern = re.compile("|".join(_letter_branch(x, needs, by_need) for x, (_, needs, by_need, _) in letters.items()))

    def iter(self, text: str, start: int, end: int):
        """(index of the letter, its automaton value) of every place a letter may stand, like
        `Automaton.iter`. The regex looks before the place, up to a proclitic and the letter
        before it, so the first places of a stretch are read apart (before `start` is no text)."""
        letters = self.letters
        apart = min(end, start + _LONGEST_CLITIC + 1)
        for i in range(start, apart):
            if text[i] in letters:
                yield i, letters[text[i]]
        for m in self.pattern.finditer(text, apart, end):
            yield m.start(), letters[m.group()]


def _letter_branch(letter: str, needs: dict, by_need: list) -> str:
    """The regex of one letter and the places where it may stand (see `_LetterScan`); it opens
    with the letter, so the regex engine scans for the letters alone."""
    blocked = {b for b in _SCRIPTS if b is not None and not _may_stand(needs, by_need, [b], _SCRIPTS)}
    after = {a for a in _SCRIPTS if a is not None and not _may_stand(needs, by_need, [b for b in _SCRIPTS if b not in blocked], [a])}
    # Arabic letters before it only as a proclitic (every need there has the clitic bit): told in the regex too
    by_after = needs.get("ar")
    clitic_only = "ar" not in blocked and by_after is not None and all(n is None or n & _CLITIC for n in by_after.values())
    branch = re.escape(letter)
    places = [f"(?<!{_letters_of(blocked | ({'ar'} if clitic_only else set()))}.)"] if blocked or clitic_only else []
    if clitic_only and places:
        arabic = _letters_of({"ar"})
        for size in sorted({len(c) for c in ARABIC_CLITICS}):
            clitics = "|".join(re.escape(c) for c in sorted(ARABIC_CLITICS) if len(c) == size)
            places.append(f"(?<=(?<!{arabic})(?:{clitics}).)")
    if places:
        branch += f"(?:{'|'.join(places)})"
    if after:
        branch += f"(?!{_letters_of(after)})"
    return branch


def _may_stand(needs: dict, by_need: list, befores, afters) -> bool:
    """Whether some entry of a word may stand with a script of `befores` before it and one of
    `afters` after it (its needs table and `_by_need` list; the clitic letters are not read here)."""
    for b in befores:
        by_after = needs[b]
        if by_after is None:
            continue
        for a in afters:
            need = by_after[a]
            if need is not None and (need == 0 or (by_need[need] or _meeting(by_need, need))[0]):
                return True
    return False


def _by_need(entries: list[Entry]) -> list:
    """A word's entries and their lists for each need: those for no need (all of them) now, the
    others when a hit first needs them (`_meeting`), so building costs what it did."""
    return [(tuple(entries), _lists_of(entries))] + [None] * (_NEEDS_COUNT - 1)


def _meeting(by_need: list, need: int) -> tuple[tuple[Entry, ...], frozenset[str]]:
    """The entries of a word (its `_by_need` list) that may stand where a hit needs `need`, and their lists."""
    met = tuple(x for x in by_need[0][0] if (x.clitics or not need & _CLITIC) and (x.glue_digits or not need & _GLUE)
                and (x.stem or not need & _STEM))
    by_need[need] = got = (met, _lists_of(met)) if met else _NONE
    return got


_LISTS: dict[frozenset[str], frozenset[str]] = {}


def _lists_of(entries: Iterable[Entry]) -> frozenset[str]:
    """The lists of some entries, one shared set per combination (few: no garbage collector work per word)."""
    lists = frozenset([x.list for x in entries])
    return _LISTS.setdefault(lists, lists)


def _clitic_before(text: str, s: int, lo: int) -> bool:
    """Whether the Arabic letters glued before text[s] are a proclitic (a longer run is none)."""
    i = s - 1
    script = _SCRIPT_OF.get
    while i > lo and s - i <= _LONGEST_CLITIC and script(text[i - 1]) == "ar":
        i -= 1
    return text[i:s] in ARABIC_CLITICS


def _exact_case(norm: NormalizedText, s: int, e: int, entries: tuple[Entry, ...]) -> tuple[Entry, ...]:
    o_start, o_end = norm.to_original(s, e)
    written = exact_form(norm.original[o_start:o_end])
    return tuple(x for x in entries if x.exact is None or written in x.exact)


def longest(hits: Sequence[Hit], name: str, accept: Callable[[Entry], bool] | None = None) -> list[tuple[int, int, list[Entry]]]:
    """The leftmost-longest non-overlapping hits of list `name` (optionally only entries that
    `accept` takes), as (start, end, entries)."""
    out: list[tuple[int, int, list[Entry]]] = []
    covered = -1
    for h in hits:  # by start, then longest first
        if h.start < covered or name not in h.lists:
            continue
        entries = [x for x in h.entries if x.list == name and (accept is None or accept(x))]
        if entries:
            out.append((h.start, h.end, entries))
            covered = h.end
    return out


def within(hits: Sequence[Hit], lo: int, hi: int) -> list[Hit]:
    """The hits that lie inside [lo, hi) (hits sorted by start)."""
    i = bisect_left([h.start for h in hits], lo)
    return [h for h in hits[i:] if h.start < hi and h.end <= hi]
