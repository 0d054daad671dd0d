"""News-API JSON: a `.json` file holding a list of articles, or an object whose `articles`,
`results` or `data` is that list (NewsAPI `{"articles": [...]}`, GDELT DOC `{"articles": [...]}`,
Event Registry `{"articles": {"results": [...]}}`). Each article's fields are mapped to the
project's record fields by the field map in etl/data/news_api_fields.csv (first key found wins);
JSONL and CSV records go through the same map, so a JSONL export of an API works as it is.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

from etl.formats.clean import decode_entities
from etl.formats.html import html_to_text
from etl.formats.metadata import clean
from etl.datafiles import read_csv

LIST_KEYS = ("articles", "results", "data")
RECORD_FIELDS = ("text", "title", "url", "published", "lang", "site", "author")
_TRUNCATED = re.compile(r"\s*(?:…|\.\.\.)?\s*\[\+\d+ chars\]\s*$")  # NewsAPI cuts `content` so
_MARKUP = re.compile(r"<\s*/?\s*[A-Za-z][^>]*>|&[#A-Za-z0-9]+;")


class NotArticles(ValueError):
    """The JSON is none of the shapes (the message names what it found)."""


@cache
def field_map() -> dict[str, list[tuple[str, str]]]:
    """field -> [(dotted key, published_from)] in priority order."""
    out: dict[str, list[tuple[str, str]]] = {}
    for row in read_csv("news_api_fields.csv"):
        out.setdefault(row["field"], []).append((row["key"], row["published_from"] or "metadata"))
    return out


def articles_of(data) -> list:
    """The list of articles in a parsed JSON document, or NotArticles naming the keys found."""
    if isinstance(data, list):
        return data
    if not isinstance(data, dict):
        raise NotArticles(f"top level is a JSON {type(data).__name__}, not a list of articles or an object")
    for key in LIST_KEYS:
        value = data.get(key)
        if isinstance(value, list):
            return value
        if isinstance(value, dict):  # Event Registry: {"articles": {"results": [...]}}
            for inner in LIST_KEYS:
                if isinstance(value.get(inner), list):
                    return value[inner]
    found = ", ".join(map(str, list(data)[:12])) or "none"
    raise NotArticles(f"no list of articles: expected a list, or an object with an 'articles', 'results' or 'data' "
                      f"list (NewsAPI, GDELT DOC, Event Registry); keys found: {found}")


def _lookup(record: dict, dotted: str):
    """`source.name` in {"source": {"name": ...}}; `authors.name` over a list of objects (joined)."""
    value = record
    for part in dotted.split("."):
        if isinstance(value, list):
            value = [v.get(part) for v in value if isinstance(v, dict)]
            value = ", ".join(str(v).strip() for v in value if v not in (None, "")) or None
        elif isinstance(value, dict):
            value = value.get(part)
        else:
            return None
    if isinstance(value, list):
        value = ", ".join(str(v).strip() for v in value if isinstance(v, (str, int, float)) and str(v).strip()) or None
    if isinstance(value, (dict, bool)):
        return None
    return clean(value)


def map_record(record: dict) -> dict:
    """A record's fields under the project's names (text, title, url, published, published_from,
    lang, site, author), strings or None. Text that is HTML becomes plain text; NewsAPI's
    truncation marker is removed, and its description is used when it says more; a record with
    a title and a url but no text (GDELT DOC) is read as its title."""
    out: dict = {}
    fields = field_map()
    for name in RECORD_FIELDS:
        for key, published_from in fields.get(name, ()):
            value = _lookup(record, key)
            if value is not None:
                out[name] = value
                if name == "published":
                    out["published_from"] = published_from
                if name == "text":
                    out["text_key"] = key
                break
    text = out.get("text")
    if text is not None:
        if _TRUNCATED.search(text):
            text = _TRUNCATED.sub("", text)
            description = _lookup(record, "description")
            if description and len(description) > len(text):
                text = description
        out["text"] = html_to_text(text) if _MARKUP.search(text) else text
    elif out.get("title") and out.get("url"):
        out["text"], out["text_key"] = out["title"], "title"  # GDELT DOC lists titles only
    if out.get("title"):
        out["title"] = " ".join(decode_entities(out["title"]).split())  # markup in a title stays text
    return out


def records(data) -> Iterator[tuple[int, object]]:
    """(1-based position, article) of a parsed news-API JSON document."""
    yield from enumerate(articles_of(data), start=1)
