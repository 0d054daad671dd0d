"""Reading a corpus: a folder (sub-folders too, optional manifest.csv) of text files, JSONL, CSV,
saved web pages, RSS/Atom feeds, news-API JSON and WARC archives, or one such file. The format
readers are in etl/formats/; this module walks the corpus and makes Documents of what they give.

Every reader yields `Document`s and `ReadError`s; a bad input never stops the others.
Paths never leave the corpus root: manifest entries and symlinks pointing outside are errors.
Every record gets a fingerprint (hash of its raw bytes, where it was read and its metadata); a
record whose fingerprint is in `known` is yielded as `Known` without being decoded or parsed, which
is what makes an incremental run over an unchanged corpus cheap.
"""
from __future__ import annotations

import codecs
import csv
import io
import json
import re
from collections.abc import Callable, Iterable, Iterator, Set
from dataclasses import dataclass
from datetime import date
from pathlib import Path, PurePosixPath
from typing import BinaryIO
from urllib.parse import unquote, urlparse

from etl.decoding import DecodeError, decode
from etl.documents import Document, Known, ReadError, Skipped, fingerprint_of
from etl.formats import archives, feeds, format_of, newsapi, suffixes, warc
from etl.formats.clean import clean_text
from etl.formats.html import MAX_PAGE_BYTES, PageError, extract_page, http_url, link_notes, title_notes
from etl.formats.text import headline_of
from etl.formats.metadata import KNOWN_LANGS, parse_published  # noqa: F401  (re-exported: etl.corpus names them)
from etl.formats.metadata import clean as _clean, language_code as _lang, published_and_grain

MANIFEST = "manifest.csv"
METADATA_FIELDS = ("published", "title", "url", "lang", "source")
_SOURCE_KEY = b'"source"'  # a JSON key: inside a string its quotes would be escaped
_SOURCE_VALUE = re.compile(rb'\s*:\s*"[^"]')  # ... followed by a non-empty string value

Item = Document | ReadError | Known | Skipped
NOTHING_KNOWN: frozenset[str] = frozenset()
PageFinder = Callable[[str], "tuple[str, bytes] | None"]  # a link -> (name, bytes) of a page in the corpus


class CorpusNotFound(FileNotFoundError):
    pass


@dataclass(frozen=True)
class Unparsed:
    """A record read and fingerprinted but not parsed yet. Parsing (JSON, decoding, the document
    id: most of the cost of reading) is left to whoever extracts it, so a pool's workers do it in
    parallel instead of the one reading process. `parse()` gives the Document or the ReadError."""

    # "jsonl" (payload: the line's bytes), "row" (a CSV row or JSON article, a dict), "text" (a
    # file's bytes), "html" (a page's bytes), "fields" (a feed entry's fields, a dict)
    kind: str
    name: str
    line: int | None
    payload: bytes | dict
    fingerprint: str
    metadata: dict | None = None  # manifest row of a text file or page: overrides what the page says
    hints: dict | None = None  # fields known besides a page (feed entry, WARC record): the page's own win

    def parse(self) -> Document | ReadError:
        if self.kind == "jsonl":
            return _parse_jsonl(self.name, self.line, self.payload, self.fingerprint)
        if self.kind == "row":
            return _record(self.name, self.line, self.payload, self.fingerprint)
        if self.kind == "html":
            return _parse_page(self)
        if self.kind == "fields":
            return _document(self.name, self.fingerprint, self.payload)
        try:
            text = decode(self.payload)
        except DecodeError as e:
            return ReadError(self.name, str(e))
        text = clean_text(text)
        doc = Document(text=text, source=self.name, title=headline_of(text), fingerprint=self.fingerprint)
        return _with_metadata(doc, self.metadata) if self.metadata else doc


def read_corpus(path: str | Path, known: Set[str] = NOTHING_KNOWN, defer: bool = False) -> Iterator[Item | Unparsed]:
    """Documents and read errors from a folder, a text file, a .jsonl or a .csv (records whose
    fingerprint is in `known`: Known; with `defer`, records as Unparsed)."""
    root = Path(path)
    if not root.exists():
        raise CorpusNotFound(f"corpus not found: {root}")
    if root.is_dir():
        yield from _read_folder(root, known, defer)
    elif format_of(root.name) == "jsonl":
        yield from _read_jsonl_file(root, root.name, known, defer)
    elif format_of(root.name) == "warc":
        yield from _read_warc_file(root, root.name, known, defer)
    elif format_of(root.name) == "html" and root.stat().st_size > MAX_PAGE_BYTES:
        yield _too_big(root.name, root.stat().st_size)
    else:
        yield from read_bytes(root.name, _read(root), known, defer=defer)


def read_bytes(name: str, data: bytes, known: Set[str] = NOTHING_KNOWN, metadata: dict | None = None,
               defer: bool = False, pages: PageFinder | None = None) -> Iterator[Item | Unparsed]:
    """Documents from one file's bytes; `name` decides the format by its suffix (also for uploads).
    `metadata` (a manifest row) applies to a text file or page; `pages` finds the page a feed
    entry or API article links to, when it is saved in the same corpus."""
    kind = format_of(name)
    if kind == "text":
        fingerprint = fingerprint_of(name, data, metadata)
        yield _deliver(Unparsed("text", name, None, data, fingerprint, metadata), known, defer)
    elif kind == "html":
        if len(data) > MAX_PAGE_BYTES:
            yield _too_big(name, len(data))
            return
        fingerprint = fingerprint_of(name, data, metadata)
        yield _deliver(Unparsed("html", name, None, data, fingerprint, metadata), known, defer)
    elif kind == "jsonl":
        yield from _read_jsonl(name, _jsonl_lines(name, data), known, defer)
    elif kind == "csv":
        try:
            text = decode(data)
        except DecodeError as e:
            yield ReadError(name, str(e))
            return
        yield from _read_csv(name, text, known, defer)
    elif kind == "feed":
        yield from _read_feed(name, data, known, defer, pages)
    elif kind == "json":
        yield from _read_news_json(name, data, known, defer, pages)
    elif kind == "warc":
        yield from _read_warc(name, io.BytesIO(data), known, defer)
    elif kind == "archive":
        yield from _read_archive(name, data, known, defer)
    else:
        suffix = Path(name).suffix.lower()
        yield ReadError(name, f"unsupported file type {suffix or '(none)'}; expected {suffixes()}")


def _read_archive(name: str, data: bytes, known: Set[str], defer: bool) -> Iterator[Item | Unparsed]:
    """The members of a zip or tar archive, each read as the file it is ("news.zip/ar/1.html")."""
    try:
        for member, content in archives.members(name, data):
            label = "/".join([name, *(p for p in PurePosixPath(member).parts if p not in ("/", ".", ".."))])
            if isinstance(content, str):
                yield ReadError(label, content)
            elif format_of(member) not in (None, "archive") and not PurePosixPath(member).name.startswith("."):
                yield from read_bytes(label, content, known, defer=defer)
    except archives.ArchiveError as e:
        yield ReadError(name, str(e))


def _too_big(name: str, size: int) -> ReadError:
    return ReadError(name, f"page is {size / 2**20:.1f} MB, over the {MAX_PAGE_BYTES // 2**20} MB limit for one HTML page; not read")


def _deliver(record: Unparsed, known: Set[str], defer: bool) -> Item | Unparsed:
    if record.fingerprint in known:
        return Known(record.fingerprint)
    return record if defer else record.parse()


def _read(path: Path) -> bytes:
    return path.read_bytes()


def _read_folder(root: Path, known: Set[str], defer: bool) -> Iterator[Item | Unparsed]:
    root_resolved = root.resolve()
    manifest, manifest_errors = _read_manifest(root)
    yield from manifest_errors
    paths = sorted(p for p in root.rglob("*") if p.is_file())
    pages = _Pages(root, [p for p in paths if format_of(p.name) == "html" and p.resolve().is_relative_to(root_resolved)])
    for path in paths:
        rel = path.relative_to(root).as_posix()
        if path.name == MANIFEST and path.parent == root:
            continue
        if path.name.startswith("."):
            continue
        if not path.resolve().is_relative_to(root_resolved):
            yield ReadError(rel, "link points outside the corpus folder; not read")
            continue
        kind = format_of(path.name)
        if kind is None:
            continue  # images, PDFs, notes: not part of a text corpus
        try:
            if kind == "jsonl":
                yield from _read_jsonl_file(path, rel, known, defer)
            elif kind == "warc":
                yield from _read_warc_file(path, rel, known, defer)
            elif kind == "html" and path.stat().st_size > MAX_PAGE_BYTES:
                yield _too_big(rel, path.stat().st_size)  # not even read into memory
            elif kind == "archive" and path.stat().st_size > archives.MAX_TOTAL_BYTES:
                yield ReadError(rel, f"archive is {path.stat().st_size / 2**30:.1f} GB, over the {archives.MAX_TOTAL_BYTES // 2**30} GB limit; not read")
            else:
                yield from read_bytes(rel, _read(path), known, manifest.get(rel), defer, pages.find)
        except OSError as e:
            yield ReadError(rel, f"cannot read: {e.strerror or e}")
    for name in manifest:
        if not (root / name).is_file():
            yield ReadError(MANIFEST, f"lists {name!r}, which is not a file in the corpus")


def _read_manifest(root: Path) -> tuple[dict[str, dict], list[ReadError]]:
    path = root / MANIFEST
    if not path.is_file():
        return {}, []
    try:
        rows = list(csv.DictReader(io.StringIO(decode(path.read_bytes()))))
    except (DecodeError, csv.Error) as e:
        return {}, [ReadError(MANIFEST, f"unreadable manifest: {e}")]
    key = next((k for k in ("file", "path", "filename", "name") if rows and k in rows[0]), None)
    if key is None:
        return {}, [ReadError(MANIFEST, "manifest needs a 'file' column naming each text file")]
    manifest, errors = {}, []
    root_resolved = root.resolve()
    for n, row in enumerate(rows, start=2):
        name = (row.get(key) or "").strip()
        if not name or not (root / name).resolve().is_relative_to(root_resolved):
            errors.append(ReadError(MANIFEST, f"file {name!r} is outside the corpus folder or empty", n))
            continue
        manifest[Path(name).as_posix()] = row
    return manifest, errors


def _with_metadata(doc: Document, meta: dict) -> Document:
    published, grain = published_and_grain(meta.get("published"))
    return Document(
        text=doc.text,
        source=_clean(meta.get("source")) or doc.source,
        lang=_lang(meta.get("lang")),
        published=published,
        published_grain=grain,
        title=_clean(meta.get("title")) or doc.title,
        url=http_url(_clean(meta.get("url"))),
        fingerprint=doc.fingerprint,
        notes=link_notes(_clean(meta.get("url")), http_url(_clean(meta.get("url")))),
    )


def _read_jsonl_file(path: Path, name: str, known: Set[str], defer: bool) -> Iterator[Item | Unparsed]:
    """A JSONL file read line by line: a corpus of any size never sits in memory whole."""
    with open(path, "rb") as f:
        head = f.read(4)
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):  # rare: read it whole, re-encoded
            yield from _read_jsonl(name, _jsonl_lines(name, head + f.read()), known, defer)
            return
        f.seek(0)
        yield from _read_jsonl(name, f, known, defer)


def _jsonl_lines(name: str, data: bytes) -> list[bytes]:
    """The lines of a JSONL file's bytes, as UTF-8 (JSON's encoding; a UTF-16 file is re-encoded)."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return decode(data).encode("utf-8").splitlines()
        except DecodeError:
            return data.splitlines()  # every line then reports that it is not UTF-8
    return data.splitlines()


def _read_jsonl(name: str, lines: Iterable[bytes], known: Set[str], defer: bool) -> Iterator[Item | Unparsed]:
    empty = True
    for n, raw in enumerate(lines, start=1):
        if n == 1 and raw.startswith(codecs.BOM_UTF8):
            raw = raw[len(codecs.BOM_UTF8):]
        raw = raw.rstrip(b"\r\n")
        if not raw or raw.isspace():
            continue
        empty = False
        fingerprint = fingerprint_of(*_record_origin(name, n, _has_source(raw)), raw)
        yield _deliver(Unparsed("jsonl", name, n, raw, fingerprint), known, defer)
    if empty:
        yield ReadError(name, "empty file")


def _has_source(raw: bytes) -> bool:
    """Whether a JSONL line has a non-empty "source" (a plain find, then a look at what follows:
    several times faster than a regex search over a whole article)."""
    at = raw.find(_SOURCE_KEY)
    while at >= 0:
        if _SOURCE_VALUE.match(raw, at + len(_SOURCE_KEY)):
            return True
        at = raw.find(_SOURCE_KEY, at + 1)
    return False


def _parse_jsonl(name: str, n: int, raw: bytes, fingerprint: str) -> Document | ReadError:
    try:
        record = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as e:
        return ReadError(name, f"not UTF-8 ({e.reason} at byte {e.start} of the line)", n)
    except json.JSONDecodeError as e:
        return ReadError(name, f"malformed JSON: {e.msg} (column {e.colno})", n)
    if not isinstance(record, dict):
        return ReadError(name, "line is not a JSON object", n)
    return _record(name, n, record, fingerprint)


def _read_csv(name: str, text: str, known: Set[str], defer: bool) -> Iterator[Item | Unparsed]:
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
        header = reader.fieldnames or []
    except csv.Error as e:
        yield ReadError(name, f"malformed CSV header: {e}")
        return
    if "text" not in header:
        yield ReadError(name, f"no 'text' column (columns: {', '.join(header) or 'none'})")
        return
    n = 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as e:
            yield ReadError(name, f"malformed CSV row: {e}", reader.line_num)
            return  # the csv module cannot resynchronise after a broken quote
        n = reader.line_num
        if None in row:  # more cells than header columns
            yield ReadError(name, f"row has {len(header) + len(row[None])} cells, header has {len(header)}", n)
            continue
        fingerprint = fingerprint_of(*_record_origin(name, n, _clean(row.get("source"))), tuple(row.items()))
        yield _deliver(Unparsed("row", name, n, row, fingerprint), known, defer)


def _record_origin(name: str, line: int, has_source) -> tuple[str | None, int | None]:
    """What of a record's place goes into its fingerprint: the file and line only when they are its
    source ("file.jsonl:12"). A record with its own source keeps its fingerprint when lines are
    added above it or it moves to another file (a daily export, say)."""
    return (None, None) if has_source else (name, line)


def _record(name: str, line: int, record: dict, fingerprint: str, source: str | None = None) -> Document | ReadError:
    """A JSONL line, CSV row or news-API article: fields under the project's names or any name of
    the news-API field map (etl/data/news_api_fields.csv)."""
    fields = newsapi.map_record(record)
    if not fields.get("text") or not fields["text"].strip():
        return ReadError(source or name, "missing or empty 'text' (nor body, content or description)", None if source else line)
    own_source = record.get("source")
    own_source = _clean(own_source) if isinstance(own_source, (str, int, float)) else None
    return _document(own_source or source or f"{name}:{line}", fingerprint, fields)


def _document(source: str, fingerprint: str, fields: dict, metadata: dict | None = None,
              notes: tuple[str, ...] = ()) -> Document | ReadError:
    """A Document of article fields (strings; published an ISO date, with its grain and where it
    came from), with a manifest row's values over them. Links are kept only when http(s)."""
    if metadata:
        fields = {**fields, **{k: v for k, v in metadata.items() if k in METADATA_FIELDS and _clean(v)}}
        if _clean(metadata.get("published")):
            fields["published_from"] = fields["published_grain"] = None  # the manifest's date, read as metadata
        source = _clean(metadata.get("source")) or source
    text = clean_text(fields.get("text") or "")
    if not text.strip():
        return ReadError(source, "no text")
    published, grain = published_and_grain(fields.get("published"))
    raw_url = _clean(fields.get("url"))
    url = http_url(raw_url)
    title = _clean(fields.get("title"))
    return Document(
        text=text,
        source=source,
        lang=_lang(fields.get("lang")),
        published=published,
        published_from=(fields.get("published_from") or "metadata") if published else None,
        published_grain=(fields.get("published_grain") or grain) if published else None,
        title=title,
        url=url,
        site=_clean(fields.get("site")),
        author=_clean(fields.get("author")),
        fingerprint=fingerprint,
        notes=notes + title_notes(title) + link_notes(raw_url, url),
    )


def _parse_page(record: Unparsed) -> Document | ReadError:
    """A page's Document: what the page says (text, title, date ...), gaps filled from the hints
    (feed entry, WARC record), a manifest row over both. A feed entry whose page has no readable
    text keeps the entry's own text."""
    hints = record.hints or {}
    try:
        page = extract_page(record.payload, hints.get("charset"), http_url(hints.get("url")))
    except PageError as e:
        if hints.get("text"):
            return _document(record.name, record.fingerprint, hints, record.metadata,
                             (f"linked page {hints.get('page')}: {e}; the entry's own text is used",))
        return ReadError(record.name, str(e))
    own = {"text": page.text, "title": page.title, "url": page.url, "lang": page.lang, "site": page.site,
           "author": page.author}
    fields = {**{k: v for k, v in hints.items() if k != "text"}, **{k: v for k, v in own.items() if v}}
    if page.published:
        fields.update(published=page.published.isoformat(), published_from="html", published_grain=page.published_grain)
    return _document(record.name, record.fingerprint, fields, record.metadata, page.notes)


def _read_feed(name: str, data: bytes, known: Set[str], defer: bool, pages: PageFinder | None) -> Iterator[Item | Unparsed]:
    try:
        found = list(feeds.entries(data))
    except feeds.FeedError as e:
        yield ReadError(name, str(e))
        return
    for entry in found:
        yield _article(f"{name}#{entry.position}", entry.fields, known, defer, pages)


def _read_news_json(name: str, data: bytes, known: Set[str], defer: bool, pages: PageFinder | None) -> Iterator[Item | Unparsed]:
    try:
        parsed = json.loads(decode(data))
        articles = list(newsapi.records(parsed))
    except DecodeError as e:
        yield ReadError(name, str(e))
        return
    except json.JSONDecodeError as e:
        yield ReadError(name, f"malformed JSON: {e.msg} (line {e.lineno}, column {e.colno})")
        return
    except newsapi.NotArticles as e:
        yield ReadError(name, str(e))
        return
    if not articles:
        yield ReadError(name, "no articles (an empty list)")
    for n, article in articles:
        source = f"{name}#{n}"
        if not isinstance(article, dict):
            yield ReadError(source, f"article is a JSON {type(article).__name__}, not an object")
            continue
        fields = newsapi.map_record(article)
        if not fields.get("text"):
            yield ReadError(source, f"article has no text, body, content, description or title+url (keys: {', '.join(map(str, list(article)[:12]))})")
            continue
        yield _article(source, fields, known, defer, pages)


def _article(source: str, fields: dict, known: Set[str], defer: bool, pages: PageFinder | None) -> Item | Unparsed:
    """A feed entry or API article: the page it links to when that page is in the corpus (its
    full text instead of the summary), else its own fields."""
    page = pages(fields["url"]) if pages and fields.get("url") else None
    key = tuple(sorted((k, v) for k, v in fields.items() if v is not None))
    if page is not None:
        page_name, page_bytes = page
        hints = {**fields, "page": page_name}
        return _deliver(Unparsed("html", source, None, page_bytes, fingerprint_of(source, key, page_bytes), hints=hints), known, defer)
    return _deliver(Unparsed("fields", source, None, fields, fingerprint_of(source, key)), known, defer)


def _read_warc_file(path: Path, name: str, known: Set[str], defer: bool) -> Iterator[Item | Unparsed]:
    with open(path, "rb") as f:
        yield from _read_warc(name, f, known, defer)


def _read_warc(name: str, stream: BinaryIO, known: Set[str], defer: bool) -> Iterator[Item | Unparsed]:
    """Record by record: each HTML response reaches a worker as an unparsed page."""
    try:
        for item in warc.records(stream):
            if isinstance(item, warc.SkippedRecords):
                yield Skipped(name, item.count, item.detail)
            elif isinstance(item, warc.Oversize):
                yield ReadError(f"{name}#{item.position}", f"payload of {item.uri} is over the {MAX_PAGE_BYTES // 2**20} MB limit for one HTML page; not read")
            else:
                source = f"{name}#{item.position}"
                hints = {"url": item.uri, "published": item.crawl_date, "published_from": "crawl", "published_grain": "day",
                         "charset": item.charset}
                fingerprint = fingerprint_of(source, item.uri, item.crawl_date, item.payload)
                yield _deliver(Unparsed("html", source, None, item.payload, fingerprint, hints=hints), known, defer)
    except warc.WarcError as e:
        yield ReadError(name, str(e))


class _Pages:
    """The HTML files of a corpus folder, found from a link: the file whose path shares the most
    trailing segments with the link's path (at least the file name; a tie finds nothing)."""

    def __init__(self, root: Path, paths: list[Path]):
        self.root = root
        self.by_name: dict[str, list[Path]] = {}
        for p in paths:
            self.by_name.setdefault(p.name.casefold(), []).append(p)

    def find(self, link: str) -> tuple[str, bytes] | None:
        try:
            parsed = urlparse(link.strip())
        except ValueError:
            return None
        if parsed.scheme.lower() not in ("", "http", "https", "file"):
            return None
        segments = [s for s in unquote(parsed.path).split("/") if s]
        if parsed.path.endswith("/") or not segments:
            segments.append("index.html")
        candidates = self.by_name.get(segments[-1].casefold(), [])
        scored = sorted(((self._shared(p, segments), p) for p in candidates), key=lambda item: -item[0])
        if not scored or (len(scored) > 1 and scored[0][0] == scored[1][0]):
            return None
        path = scored[0][1]
        if path.stat().st_size > MAX_PAGE_BYTES:
            return None  # the page itself is reported when the folder reaches it
        return path.relative_to(self.root).as_posix(), path.read_bytes()

    def _shared(self, path: Path, segments: list[str]) -> int:
        parts = path.relative_to(self.root).parts
        n = 0
        while n < min(len(parts), len(segments)) and parts[-1 - n].casefold() == segments[-1 - n].casefold():
            n += 1
        return n
