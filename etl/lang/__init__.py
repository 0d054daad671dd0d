"""The languages the project reads, each described once (etl/lang/<code>.py), and what follows
from them for every script at once: language detection, letter foldings, word boundaries.

    from etl.lang import LANGS, language, detect_lang, script_of
"""
from __future__ import annotations

import re

from etl.lang import ar, en, hi, zh
from etl.lang.base import Language, char_set

LANGUAGES: dict[str, Language] = {m.LANGUAGE.code: m.LANGUAGE for m in (ar, hi, zh, en)}
LANGS: tuple[str, ...] = tuple(LANGUAGES)  # display order: ar, hi, zh, en
ARABIC_CLITICS = ar.CLITICS

_DETECT = {code: re.compile(f"[{lang.script}]") for code, lang in LANGUAGES.items()}
# The script of a character, for word boundaries: a letter of one of the languages, or a digit.
_SCRIPT_OF: dict[str, str] = {}
for _code in ("zh", "ar", "hi", "en"):
    for _ch in LANGUAGES[_code].letter_chars:
        _SCRIPT_OF.setdefault(_ch, _code)
for _ch in "0123456789":
    _SCRIPT_OF[_ch] = "digit"


def language(code: str | None) -> Language | None:
    """The language of an ISO code ("ar", "ar-EG", "AR_eg"), or None for one we do not read."""
    return LANGUAGES.get((code or "").split("-")[0].split("_")[0].lower())


def detect_lang(text: str, sample: int = 5000) -> str:
    """The language whose script has the most letters in the text (weighted); English if none."""
    head = text[:sample]
    counts = {code: len(rx.findall(head)) * LANGUAGES[code].weight for code, rx in _DETECT.items()}
    best = max(counts, key=counts.get)
    return best if counts[best] else "en"


def script_of(ch: str) -> str | None:
    """"ar", "hi", "zh", "en" for a letter of that script, "digit" for 0-9, None otherwise
    (normalised text: digits of every script are 0-9 by then)."""
    return _SCRIPT_OF.get(ch)


__all__ = ["ARABIC_CLITICS", "LANGS", "LANGUAGES", "Language", "char_set", "detect_lang", "language", "script_of"]
