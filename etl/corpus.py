"""Reading a corpus: a folder of .txt/.md files (optional manifest.csv), one file, JSONL or CSV.

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
from collections.abc import Iterable, Iterator, Set
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from etl.decoding import DecodeError, decode
from etl.documents import Document, Known, ReadError, fingerprint_of

TEXT_SUFFIXES = {".txt", ".md"}
TABLE_SUFFIXES = {".jsonl", ".csv"}
MANIFEST = "manifest.csv"
METADATA_FIELDS = ("published", "title", "url", "lang", "source")
KNOWN_LANGS = {"ar", "hi", "zh", "en"}
_SOURCE_KEY = b'"source"'  # a JSON key: inside a string its quotes would be escaped
_SOURCE_VALUE = re.compile(rb'\s*:\s*"[^"]')  # ... followed by a non-empty string value

Item = Document | ReadError | Known
NOTHING_KNOWN: frozenset[str] = frozenset()


class CorpusNotFound(FileNotFoundError):
    pass


@dataclass(frozen=True)
class Unparsed:
    """A record read and fingerprinted but not parsed yet. Parsing (JSON, decoding, the document
    id: most of the cost of reading) is left to whoever extracts it, so a pool's workers do it in
    parallel instead of the one reading process. `parse()` gives the Document or the ReadError."""

    kind: str  # "jsonl" (payload: the line's bytes), "row" (a CSV row dict), "text" (a file's bytes)
    name: str
    line: int | None
    payload: bytes | dict
    fingerprint: str
    metadata: dict | None = None  # manifest row of a text file

    def parse(self) -> Document | ReadError:
        if self.kind == "jsonl":
            return _parse_jsonl(self.name, self.line, self.payload, self.fingerprint)
        if self.kind == "row":
            return _record(self.name, self.line, self.payload, self.fingerprint)
        try:
            text = decode(self.payload)
        except DecodeError as e:
            return ReadError(self.name, str(e))
        doc = Document(text=text, source=self.name, fingerprint=self.fingerprint)
        return _with_metadata(doc, self.metadata) if self.metadata else doc


def read_corpus(path: str | Path, known: Set[str] = NOTHING_KNOWN, defer: bool = False) -> Iterator[Item | Unparsed]:
    """Documents and read errors from a folder, a text file, a .jsonl or a .csv (records whose
    fingerprint is in `known`: Known; with `defer`, records as Unparsed)."""
    root = Path(path)
    if not root.exists():
        raise CorpusNotFound(f"corpus not found: {root}")
    if root.is_dir():
        yield from _read_folder(root, known, defer)
    elif root.suffix.lower() == ".jsonl":
        yield from _read_jsonl_file(root, root.name, known, defer)
    else:
        yield from read_bytes(root.name, _read(root), known, defer=defer)


def read_bytes(name: str, data: bytes, known: Set[str] = NOTHING_KNOWN, metadata: dict | None = None,
               defer: bool = False) -> Iterator[Item | Unparsed]:
    """Documents from one file's bytes; `name` decides the format by its suffix (also for uploads).
    `metadata` (a manifest row) applies to a text file."""
    suffix = Path(name).suffix.lower()
    if suffix in TEXT_SUFFIXES:
        fingerprint = fingerprint_of(name, data, metadata)
        yield _deliver(Unparsed("text", name, None, data, fingerprint, metadata), known, defer)
        return
    if suffix == ".jsonl":
        yield from _read_jsonl(name, _jsonl_lines(name, data), known, defer)
        return
    if suffix != ".csv":
        yield ReadError(name, f"unsupported file type {suffix or '(none)'}; expected .txt, .md, .jsonl or .csv")
        return
    try:
        text = decode(data)
    except DecodeError as e:
        yield ReadError(name, str(e))
        return
    yield from _read_csv(name, text, known, defer)


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
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        rel = path.relative_to(root).as_posix()
        if path.name == MANIFEST and path.parent == root:
            continue
        if path.name.startswith("."):
            continue
        if not path.resolve().is_relative_to(root_resolved):
            yield ReadError(rel, "link points outside the corpus folder; not read")
            continue
        suffix = path.suffix.lower()
        if suffix not in TEXT_SUFFIXES | TABLE_SUFFIXES:
            continue  # images, PDFs, notes: not part of a text corpus
        try:
            if suffix == ".jsonl":
                yield from _read_jsonl_file(path, rel, known, defer)
            else:
                yield from read_bytes(rel, _read(path), known, manifest.get(rel), defer)
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
    return Document(
        text=doc.text,
        source=_clean(meta.get("source")) or doc.source,
        lang=_lang(meta.get("lang")),
        published=parse_published(meta.get("published")),
        title=_clean(meta.get("title")),
        url=_clean(meta.get("url")),
        fingerprint=doc.fingerprint,
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


def _record(name: str, line: int, record: dict, fingerprint: str) -> Document | ReadError:
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        return ReadError(name, "missing or empty 'text'", line)
    source = _clean(record.get("source"))
    return Document(
        text=text,
        source=f"{name}:{line}" if not source else source,
        lang=_lang(record.get("lang")),
        published=parse_published(record.get("published")),
        title=_clean(record.get("title")),
        url=_clean(record.get("url")),
        fingerprint=fingerprint,
    )


def _clean(value) -> str | None:
    if value is None:
        return None
    value = str(value).strip()
    return value or None


def _lang(value) -> str | None:
    value = (_clean(value) or "").lower()[:2]
    return value if value in KNOWN_LANGS else None


def parse_published(value) -> date | None:
    """A metadata date (ISO, RFC 2822, '26/11/2026' read day-first ...) or None when absent/unreadable."""
    value = _clean(value)
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        pass
    ts = pd.to_datetime(value, errors="coerce", dayfirst=True, utc=True)
    return None if pd.isna(ts) else ts.date()
