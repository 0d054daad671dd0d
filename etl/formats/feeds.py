"""RSS 2.0 and Atom feeds (`.rss`, `.atom`, `.xml`) with feedparser: one record per entry, its
title and summary (or full content) as text, link, published (else updated) date, author, the
entry's (else the feed's) language, and the feed's title as the site.

feedparser is lenient: a feed with small XML faults still gives its entries; a file that is not
a feed at all (an HTML error page saved as .rss, a sitemap) is a FeedError.
"""
from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from etl.formats.clean import decode_entities
from etl.formats.html import html_to_text


class FeedError(ValueError):
    pass


@dataclass(frozen=True)
class Entry:
    position: int  # 1-based, in the feed's order
    fields: dict  # text, title, url, published, published_from, published_grain, lang, site, author
    link: str | None  # the entry's link as given (may point at a page saved in the same corpus)


def entries(data: bytes) -> Iterator[Entry]:
    """The entries of a feed's bytes; FeedError when the bytes are not an RSS or Atom feed."""
    import feedparser

    # bytes, never a string: feedparser fetches a string that looks like a URL
    parsed = feedparser.parse(data, sanitize_html=True, resolve_relative_uris=True)
    if not parsed.version or (parsed.bozo and not parsed.entries):
        reason = f": {parsed.bozo_exception}" if parsed.bozo else ""
        raise FeedError(f"not an RSS or Atom feed{reason}"[:300])
    if not parsed.entries:
        raise FeedError("feed has no entries")
    feed = parsed.feed
    site = _text(feed.get("title"))
    feed_lang = feed.get("language")
    for n, entry in enumerate(parsed.entries, start=1):
        title = _text(entry.get("title"))
        body = _body(entry)
        when = entry.get("published_parsed") or entry.get("updated_parsed")
        fields = {
            "text": "\n".join(part for part in (title, body) if part) or None,
            "title": title,
            "url": (entry.get("link") or "").strip() or None,
            "published": _iso(when),
            "published_from": "feed" if when else None,
            "published_grain": "day" if when else None,
            "lang": entry.get("language") or _content_lang(entry) or feed_lang,
            "site": site,
            "author": _text(entry.get("author")),
        }
        yield Entry(n, fields, fields["url"])


def _body(entry) -> str | None:
    """The fullest text the entry carries: its content (Atom <content>, RSS content:encoded), else
    the summary/description, as plain text."""
    candidates = [c.get("value") for c in entry.get("content") or [] if c.get("value")]
    candidates.append(entry.get("summary"))
    texts = [html_to_text(c) for c in candidates if c]
    texts = [t for t in texts if t]
    return max(texts, key=len) if texts else None


def _content_lang(entry) -> str | None:
    for c in entry.get("content") or []:
        if c.get("language"):
            return c["language"]
    detail = entry.get("summary_detail") or {}
    return detail.get("language")


def _text(value) -> str | None:
    value = " ".join(decode_entities(str(value)).split()) if value else ""
    return value or None


def _iso(when: time.struct_time | None) -> str | None:
    if not when:
        return None
    try:
        return date(when.tm_year, when.tm_mon, when.tm_mday).isoformat()
    except ValueError:
        return None
