"""Readers of the formats news comes in, one module each: html (saved pages), feeds (RSS/Atom),
warc (web archives), archives (zip and tar), newsapi (news-API JSON and its field map); clean (entity debris, leftover
markup), charset (a page's encoding), metadata (languages, dates and their grain).

They are pure (bytes or parsed data in, article fields out); etl/corpus.py walks the corpus and
turns their output into Documents and error rows.
"""
from __future__ import annotations

from pathlib import PurePosixPath

FORMATS = {
    ".txt": "text", ".md": "text",
    ".jsonl": "jsonl", ".csv": "csv",
    ".html": "html", ".htm": "html",
    ".rss": "feed", ".atom": "feed", ".xml": "feed",
    ".json": "json",
    ".warc": "warc",
}
WARC_SUFFIXES = (".warc", ".warc.gz")


ARCHIVE_SUFFIXES = (".zip", ".tar", ".tar.gz", ".tgz")


def format_of(name: str) -> str | None:
    """text, jsonl, csv, html, feed, json, warc or archive by the file name's suffix; None for others."""
    lower = name.lower()
    if lower.endswith(WARC_SUFFIXES):
        return "warc"
    if lower.endswith(ARCHIVE_SUFFIXES):
        return "archive"
    return FORMATS.get(PurePosixPath(lower).suffix)


def suffixes() -> str:
    """The accepted suffixes, for messages."""
    return ", ".join([*FORMATS, ".warc.gz", *ARCHIVE_SUFFIXES])
