"""WARC archives (`.warc`, `.warc.gz`; Common Crawl's CC-NEWS is WARC) with warcio, streamed
record by record from an open file: never loaded whole.

Every successful `response` record with an HTML payload is a page (its WARC-Target-URI, its
WARC-Date as the crawl date, the charset of its HTTP Content-Type); the payload comes back
de-chunked and decompressed, its HTML is parsed later (in the workers, like a JSONL line).
Other records (warcinfo, request, metadata, revisit, images, redirects, 404s) are counted.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from etl.formats.charset import charset_of_header
from etl.formats.html import MAX_PAGE_BYTES

_HTML_TYPES = ("text/html", "application/xhtml+xml")


class WarcError(ValueError):
    pass


@dataclass(frozen=True)
class WarcPage:
    position: int  # 1-based record number in the file
    uri: str | None
    crawl_date: str | None  # ISO date of WARC-Date
    payload: bytes
    charset: str | None  # from the HTTP Content-Type header


@dataclass(frozen=True)
class Oversize:
    position: int
    uri: str | None
    size: int  # at least this many bytes


@dataclass(frozen=True)
class SkippedRecords:
    count: int
    detail: str  # "request 3, warcinfo 1, response image/png 2"


def records(stream: BinaryIO) -> Iterator[WarcPage | Oversize | SkippedRecords]:
    """The HTML pages of a WARC stream, then one SkippedRecords with the count of the others.
    A truncated or corrupt archive raises WarcError after the pages before the damage."""
    skipped: Counter[str] = Counter()
    position = 0
    try:
        archive = _archive(stream)
        iterator = iter(archive)
        while True:
            try:
                record = next(iterator)
            except StopIteration:
                if archive.cut_short:
                    raise _Truncated("the archive ends inside a compressed record") from None
                break
            position += 1
            if getattr(record, "format", "warc") != "warc":  # warcio reads anything as an old ARC record
                raise _Truncated(f"record {position} is not a WARC record")
            kind = _skip_reason(record)
            if kind:
                _read_to_end(record)
                skipped[kind] += 1
                continue
            uri = record.rec_headers.get_header("WARC-Target-URI")
            payload = record.content_stream().read(MAX_PAGE_BYTES + 1)
            _read_to_end(record)
            if len(payload) > MAX_PAGE_BYTES:
                yield Oversize(position, uri, len(payload))
                continue
            if not payload.strip():
                skipped["response without a body"] += 1
                continue
            date = (record.rec_headers.get_header("WARC-Date") or "")[:10] or None
            yield WarcPage(position, uri, date, payload, charset_of_header(record.http_headers.get_header("Content-Type")))
    except Exception as e:  # warcio raises ArchiveLoadFailed, zlib/EOF errors on damaged input
        if skipped:
            yield SkippedRecords(sum(skipped.values()), _detail(skipped))
        where = f"after record {position}" if position else "at the start"
        detail = str(e) if isinstance(e, _Truncated) else f"{type(e).__name__}: {e}"
        raise WarcError(f"truncated or corrupt WARC {where} ({detail[:160]}); the records before it were read") from None
    if skipped:
        yield SkippedRecords(sum(skipped.values()), _detail(skipped))
    if position == 0:
        raise WarcError("no WARC records (empty or not a WARC file)")


class _Truncated(Exception):
    pass


def _archive(stream: BinaryIO):
    """warcio's ArchiveIterator, noting whether the last gzip member ended: a .warc.gz cut off
    inside a record otherwise just looks like the end of the archive."""
    from warcio.archiveiterator import ArchiveIterator

    class Archive(ArchiveIterator):
        cut_short = False

        def close(self):
            decompressor = getattr(self.reader, "decompressor", None) if self.reader is not None else None
            if decompressor is not None and getattr(decompressor, "eof", True) is False:
                self.cut_short = True
            super().close()

    return Archive(stream)


def _read_to_end(record) -> None:
    """Read the rest of the record's block and check it was all there: warcio hands a record cut
    short by the end of a damaged .warc.gz back without complaint, shorter than its Content-Length."""
    stream = record.raw_stream
    while stream.read(1 << 16):
        pass
    if getattr(stream, "limit", 0) > 0:
        raise _Truncated(f"record ends {stream.limit} bytes before its Content-Length")


def _skip_reason(record) -> str | None:
    if record.rec_type != "response":
        return record.rec_type or "unknown"
    if record.http_headers is None:
        return "response without HTTP headers"
    status = record.http_headers.get_statuscode() or ""
    if not status.startswith("2"):
        return f"response status {status or '?'}"
    content_type = (record.http_headers.get_header("Content-Type") or "").split(";")[0].strip().lower()
    if content_type and content_type not in _HTML_TYPES:
        return f"response {content_type}"
    return None


def _detail(skipped: Counter) -> str:
    return ", ".join(f"{kind} {n}" for kind, n in skipped.most_common())
