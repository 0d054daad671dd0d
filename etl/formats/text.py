"""Plain text and Markdown articles: the headline, when the first line reads like one.

A saved article often starts with its headline on a line of its own: short, with no sentence
punctuation at its end, followed by the body. A first line that is a paragraph is no title.
"""
from __future__ import annotations

import re

MAX_HEADLINE = 150
_SENTENCE_END = re.compile(r"[.!?؟।。！？:;,،؛…]$")
_MARKDOWN_HEADING = re.compile(r"^#{1,6}\s+")


def headline_of(text: str) -> str | None:
    lines = [line.strip() for line in text.strip().splitlines()]
    if len(lines) < 2:
        return None
    first = _MARKDOWN_HEADING.sub("", lines[0]).strip()
    body = [line for line in lines[1:] if line]
    if not first or len(first) > MAX_HEADLINE or _SENTENCE_END.search(first) or not body:
        return None
    if max(len(line) for line in body) <= len(first):
        return None  # a list of short lines, not a headline over a body
    return first
