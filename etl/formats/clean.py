"""Page debris out of article text: HTML entities (also the broken "& nbsp ؛" of scraped and
machine-translated pages) and, for text that came out of markup, leftover tags.

Why the spaced form: scraped text often keeps an entity as literal text ("&nbsp;"), and a
translation engine or a tokeniser then spaces it out and swaps the semicolon for the script's own
(Arabic ؛, full-width ；). Only real HTML entity names are decoded, and the spaced form needs its
semicolon, so "AT&T", "R&D" or "& co" stay as they are.
"""
from __future__ import annotations

import html
import re
from html.entities import html5

_NAMED = frozenset(name[:-1] for name in html5 if name.endswith(";"))
# & [spaces] name-or-number [spaces] ; (ASCII, Arabic or full-width semicolon)
# (the spaces around it are kept, except around a non-breaking space, which becomes one space)
_SPACED_ENTITY = re.compile(r"([ \t]*)&[ \t\u00a0]*(#[ \t]*[xX]?[0-9A-Fa-f]{1,7}|[A-Za-z][A-Za-z0-9]{1,31})[ \t\u00a0]*[;؛；]([ \t]*)")
# the same written without a semicolon, for the few names pages leave bare ("&nbsp" then a space)
_BARE_ENTITY = re.compile(r"([ \t]*)&(nbsp|amp|quot|lt|gt)(?![A-Za-z0-9;])([ \t]*)")
# tags of HTML elements (not any "<word>": "<b" is a tag, "a <b and c" is not: the tag must close)
_TAG_NAMES = (
    "a|abbr|article|aside|b|blockquote|body|br|button|caption|center|cite|code|dd|div|dl|dt|em|"
    "figcaption|figure|font|footer|form|h[1-6]|head|header|hr|html|i|iframe|img|input|ins|label|li|"
    "link|main|meta|nav|noscript|ol|option|p|picture|pre|q|s|section|select|small|source|span|strike|"
    "strong|sub|sup|svg|table|tbody|td|textarea|tfoot|th|thead|time|title|tr|u|ul|video|wbr"
)
_SCRIPT_BLOCK = re.compile(r"<(script|style)\b[^>]*>.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(rf"</?(?:{_TAG_NAMES}|script|style)\b(?:[^<>\"']|\"[^\"]*\"|'[^']*')*/?>", re.IGNORECASE)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_SPACES = re.compile(r"[ \t\u00a0]{2,}")


def decode_entities(text: str) -> str:
    """HTML entities decoded, spaced-out and bare ones too; everything else untouched. A non-breaking
    space becomes a plain space (sentence and word boundaries expect one)."""
    if "&" not in text:
        return text
    for _ in range(2):  # twice: a double-escaped "&amp;nbsp;" is one entity, not text
        decoded = _BARE_ENTITY.sub(_entity, _SPACED_ENTITY.sub(_entity, text))
        if decoded == text or "&" not in decoded:
            return decoded
        text = decoded
    return text


def _entity(match: re.Match) -> str:
    lead, body, trail = match.group(1), match.group(2).replace(" ", "").replace("\t", ""), match.group(3)
    if body.startswith("#"):
        try:
            code = int(body[2:], 16) if body[1:2] in "xX" and len(body) > 2 else int(body[1:])
        except ValueError:
            return match.group(0)
        if not 0 < code <= 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            return match.group(0)
        char = html.unescape(f"&#{code};")
    elif body in _NAMED:
        char = html5[body + ";"]
    else:
        return match.group(0)
    return " " if char == "\u00a0" else lead + char + trail


def strip_markup(text: str) -> str:
    """Leftover tags, comments and script/style blocks out of text that came from markup."""
    if "<" not in text:
        return text
    text = _SCRIPT_BLOCK.sub(" ", text)
    text = _COMMENT.sub(" ", text)
    text = _TAG.sub(" ", text)
    return _SPACES.sub(" ", text)


def clean_text(text: str, markup: bool = False) -> str:
    """Article text without entity debris; with `markup` (text taken from HTML, a feed or an API)
    also without leftover tags (decoded ones too: "&lt;p&gt;" is a tag once decoded)."""
    text = decode_entities(text)
    return strip_markup(text) if markup else text
