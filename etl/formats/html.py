"""A saved web page (bytes) to its article: main text with trafilatura (navigation, comments,
scripts and boilerplate removed, paragraphs kept as lines), title, author, site name, canonical
URL, language and the publication date with htmldate (JSON-LD, <meta>, <time>, the URL path).

Pure: bytes in, a `Page` out (or `PageError` with the reason). The caller (etl/corpus.py) turns
it into a Document with the metadata it has besides (a manifest row, a feed entry, a WARC record).
"""
from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from urllib.parse import urlparse

from etl.decoding import DecodeError
from etl.formats.charset import decode_page
from etl.formats.clean import clean_text
from etl.formats.metadata import language_code
from etl.datafiles import read_csv
from etl.lang import LANGUAGES, detect_lang

MAX_PAGE_BYTES = 10 * 2**20  # a news page is 50 KB-2 MB of HTML; past this it is not an article
MAX_DEPTH = 255  # libxml2 stops nesting here: a page this deep is a bomb, not a layout
# The letters of each language's script, to check a declared language against.
_LANG_SCRIPT = {code: re.compile(f"[{lang.script}]") for code, lang in LANGUAGES.items()}
# A date in the URL path with only a year and month (/2025/02/slug): htmldate reads full dates
# from URLs; these give a month.
_URL_MONTH = re.compile(r"/((?:19|20)\d{2})[/_-](0?[1-9]|1[0-2])(?:/|$)")
_TAG_LIKE = re.compile(r"<\s*/?\s*[A-Za-z!]|javascript\s*:", re.IGNORECASE)
_AUTHOR_META = ('//meta[translate(@name,"AUTHOR","author")="author"]/@content'
                '|//meta[@property="article:author"]/@content')

for _name in ("trafilatura", "htmldate", "courlan", "charset_normalizer"):
    logging.getLogger(_name).setLevel(logging.CRITICAL)  # one odd page must not flood the log


class PageError(ValueError):
    """The bytes are not a readable article (the message says why)."""


@dataclass(frozen=True)
class Page:
    text: str
    title: str | None = None
    author: str | None = None
    site: str | None = None
    url: str | None = None  # http(s) only
    lang: str | None = None  # declared (<html lang>, og:locale, content-language), when it fits the text
    published: date | None = None
    published_grain: str | None = None  # day, month (URL path with year and month only)
    charset: str | None = None
    notes: tuple[str, ...] = field(default=())  # what was dropped (a canonical link that is not http(s))


def http_url(value: str | None) -> str | None:
    """`value` when it is an absolute http(s) URL, else None (javascript:, data:, relative ...)."""
    if not value:
        return None
    value = value.strip()
    try:
        parsed = urlparse(value)
    except ValueError:
        return None
    return value if parsed.scheme.lower() in ("http", "https") and parsed.netloc else None


def link_notes(url: str | None, kept: str | None, what: str = "link") -> tuple[str, ...]:
    """A note when a link was given but is not http(s) (it is dropped, never rendered)."""
    if url and url.strip() and not kept:
        return (f"{what} {url.strip()[:200]!r} is not an http(s) address; not kept",)
    return ()


def title_notes(title: str | None) -> tuple[str, ...]:
    if title and _TAG_LIKE.search(title):
        return (f"title {title[:200]!r} contains markup or a script URL; kept as plain text",)
    return ()


def extract_page(data: bytes, header_charset: str | None = None, url: str | None = None) -> Page:
    """The article of a page. `header_charset` (an HTTP header's) outranks the page's <meta>;
    `url` (where it was fetched) is used when the page names no canonical URL."""
    if len(data) > MAX_PAGE_BYTES:
        raise PageError(f"page is {len(data) / 2**20:.1f} MB, over the {MAX_PAGE_BYTES // 2**20} MB limit for one HTML page; not read")
    try:
        text, charset = decode_page(data, header_charset)
    except DecodeError as e:
        raise PageError(str(e)) from None
    tree = _parse(text)
    declared_lang = _declared_lang(tree)
    author = _author(tree)  # before trafilatura, whose name clean-up drops Devanagari vowel signs
    # trafilatura's own extractor first; its fallbacks (readability, jusText: several times the
    # cost) only for a page where it finds no running text
    found = _extract(tree, url, fast=True)
    body = _body(found)
    if not _has_running_text(body):
        found = _extract(tree, url, fast=False)
        body = _body(found)
    if not _has_running_text(body):
        raise PageError("no main text in the page (only navigation, links or boilerplate)")
    given_url = _declared_url(tree) or found.url or url
    page_url = http_url(found.url) or http_url(given_url) or http_url(url)
    published, grain = _published(found.date, page_url or given_url)
    title = _clean_field(found.title)
    return Page(
        text=body,
        title=title,
        author=author or _strip_byline(_clean_field(found.author)),
        site=_clean_field(found.sitename),
        url=page_url,
        lang=declared_lang if declared_lang and _fits(declared_lang, body) else None,
        published=published,
        published_grain=grain,
        charset=charset,
        notes=link_notes(given_url, page_url, "canonical link"),  # the title is checked with the Document's
    )


def _has_running_text(text: str) -> bool:
    """At least one paragraph of prose: 60 characters, or 20 Han characters (a menu, a list of
    links or a pager is many short lines)."""
    return any(len(line) >= 60 or len(_LANG_SCRIPT["zh"].findall(line)) >= 20 for line in text.splitlines())


def _declared_url(tree) -> str | None:
    """The page's own address as it states it (canonical link, else og:url), whatever its scheme."""
    for value in tree.xpath('//link[@rel="canonical"]/@href|//meta[@property="og:url"]/@content')[:1]:
        return value.strip() or None
    return None


def _parse(text: str):
    from lxml import etree, html as lxml_html

    parser = lxml_html.HTMLParser(collect_ids=False, default_doctype=False, remove_comments=True,
                                  remove_pis=True, encoding="utf-8")
    try:
        tree = lxml_html.document_fromstring(text.encode("utf-8", "surrogatepass"), parser=parser)
    except (etree.ParserError, ValueError) as e:
        raise PageError(f"not an HTML page ({e})") from None
    if any(entry.type_name == "ERR_RESOURCE_LIMIT" or "Excessive depth" in entry.message for entry in parser.error_log):
        raise PageError(f"elements nested deeper than {MAX_DEPTH} levels (an HTML bomb?); not read")
    return tree


def _body(found) -> str:
    return clean_text(found.text or "", markup=True).strip() if found is not None else ""


def _extract(tree, url: str | None, fast: bool):
    import trafilatura

    try:
        return trafilatura.bare_extraction(
            # tables off: on old table-layout sites the navigation is a table, and a table's cells
            # come out as "| a \\| b |" lines, debris in a sentence
            tree, fast=fast, url=url, with_metadata=True, include_comments=False, include_tables=False,
            include_images=False, include_links=False, deduplicate=False,
            # htmldate: structured markup (JSON-LD, <meta>, <time>) before the URL path, the
            # original date rather than an update, no guessing from the running text
            date_extraction_params={"original_date": True, "extensive_search": False, "deferred_url_extractor": True,
                                    "max_date": date.today().isoformat()},
        )
    except (RecursionError, ValueError, TypeError) as e:
        raise PageError(f"page could not be parsed ({type(e).__name__})") from None


def _published(value: str | None, url: str | None) -> tuple[date | None, str | None]:
    if value:
        try:
            return date.fromisoformat(value[:10]), "day"
        except ValueError:
            pass
    match = _URL_MONTH.search(urlparse(url).path if url else "")
    if match:
        year, month = int(match.group(1)), int(match.group(2))
        if date(year, month, 1) <= date.today():
            return date(year, month, 1), "month"
    return None, None


def _author(tree) -> str | None:
    """The author as the page states it: JSON-LD `author` (names joined), else <meta name=author>
    or article:author (unless it is a profile URL)."""
    names: list[str] = []
    for item in _json_ld_items(tree):
        authors = item.get("author")
        for a in authors if isinstance(authors, list) else [authors]:
            name = a.get("name") if isinstance(a, dict) else a
            if isinstance(name, str) and name.strip() and name.strip() not in names:
                names.append(name.strip())
        if names:
            break
    if not names:
        names = [v for v in tree.xpath(_AUTHOR_META)[:1] if v.strip() and not http_url(v)]
    return _strip_byline(_clean_field(", ".join(names)))


@cache
def _byline() -> re.Pattern:
    words = sorted((row["word"] for row in read_csv("byline_words.csv")), key=len, reverse=True)
    return re.compile(r"^(?:" + "|".join(map(re.escape, words)) + r")\s*[:：]?\s+|^(?:" + "|".join(map(re.escape, words)) + r")\s*[:：]\s*", re.IGNORECASE)


def _strip_byline(author: str | None) -> str | None:
    """"作者：陈思远", "By Priya Raman", "بقلم: سارة" -> the name."""
    if not author:
        return None
    return _byline().sub("", author).strip() or None


def _json_ld_items(tree) -> list[dict]:
    items: list[dict] = []
    for script in tree.xpath('//script[@type="application/ld+json"]/text()')[:5]:
        try:
            data = json.loads(script)
        except ValueError:
            continue
        for item in data if isinstance(data, list) else data.get("@graph", [data]) if isinstance(data, dict) else []:
            if isinstance(item, dict):
                items.append(item)
    return items


def _declared_lang(tree) -> str | None:
    """<html lang>, then og:locale, then content-language (http-equiv or name), then JSON-LD
    inLanguage: the first that names one of the corpus languages."""
    candidates = [tree.get("lang"), tree.get("{http://www.w3.org/XML/1998/namespace}lang")]
    candidates += tree.xpath('//meta[@property="og:locale"]/@content')
    candidates += tree.xpath('//meta[translate(@http-equiv,"CONTENTLAGU","contentlagu")="content-language"]/@content')
    candidates += tree.xpath('//meta[translate(@name,"LANGUE","langue")="language"]/@content')
    candidates += [item["inLanguage"] for item in _json_ld_items(tree) if isinstance(item.get("inLanguage"), str)]
    for value in candidates:
        if code := language_code(value):
            return code
    return None


def _fits(lang: str, text: str) -> bool:
    """A declared language is trusted unless the text is plainly in another script (a site
    template's default lang="en" on an Arabic article)."""
    found = detect_lang(text)
    if found == lang:
        return True
    head = text[:5000]
    own = len(_LANG_SCRIPT[lang].findall(head))
    other = len(_LANG_SCRIPT[found].findall(head))
    return own >= 0.2 * (own + other)


def _clean_field(value: str | None) -> str | None:
    if not value:
        return None
    value = " ".join(clean_text(value).split())
    return value or None


def html_to_text(fragment: str) -> str:
    """Text of an HTML fragment (a feed summary, an API's HTML content): one line per block
    element, entities decoded, scripts and styles dropped. Plain text comes back cleaned."""
    if "<" not in fragment:
        return clean_text(fragment, markup=True).strip()
    from lxml import etree, html as lxml_html

    try:
        root = lxml_html.fragment_fromstring(fragment, create_parent="div")
    except (etree.ParserError, ValueError):
        return clean_text(fragment, markup=True).strip()
    for bad in root.xpath(".//script|.//style|.//noscript"):
        bad.drop_tree()
    for block in root.xpath(".//p|.//div|.//br|.//li|.//h1|.//h2|.//h3|.//h4|.//h5|.//h6|.//tr|.//blockquote"):
        block.tail = "\n" + (block.tail or "")
    lines = (" ".join(line.split()) for line in root.text_content().split("\n"))
    return clean_text("\n".join(line for line in lines if line), markup=True).strip()
