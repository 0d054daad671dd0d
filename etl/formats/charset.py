"""The character set of a web page: a byte-order mark, the HTTP header, then the page's own
<meta charset> / <meta http-equiv="Content-Type"> (the order browsers use), else the bytes.

Labels are read the way browsers read them: GB2312 and GBK pages are decoded as GB18030 (their
superset: a page labelled gb2312 routinely holds GBK characters), ISO-8859-1 and ASCII as
Windows-1252, a UTF-16 label on an ASCII-compatible page as UTF-8.
"""
from __future__ import annotations

import codecs
import re

from etl.decoding import DecodeError, decode

PRESCAN_BYTES = 4096  # browsers look for the <meta> in the first 1,024 bytes; pages exceed it
_META_CHARSET = re.compile(
    rb"""<meta\b[^>]*?\bcharset\s*=\s*["']?\s*([A-Za-z0-9._:\-]+)""", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*\bencoding\s*=\s*["']([A-Za-z0-9._\-]+)""", re.IGNORECASE)
_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?([A-Za-z0-9._:\-]+)""", re.IGNORECASE)
_SUPERSETS = {
    "gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "gb_2312-80": "gb18030", "csgb2312": "gb18030",
    "chinese": "gb18030", "iso-ir-58": "gb18030", "euc-cn": "gb18030",
    "iso-8859-1": "cp1252", "latin1": "cp1252", "l1": "cp1252", "us-ascii": "cp1252", "ascii": "cp1252",
    "iso-8859-9": "cp1254", "tis-620": "cp874", "iso-8859-11": "cp874",
    "utf-16": "utf-8", "utf-16le": "utf-8", "utf-16be": "utf-8",  # a page that could say so in ASCII is not UTF-16
    "x-user-defined": "cp1252",
}


def charset_of_header(content_type: str | None) -> str | None:
    """The charset of an HTTP Content-Type header value, if it names one."""
    match = _HEADER_CHARSET.search(content_type or "")
    return match.group(1) if match else None


def declared_charset(data: bytes) -> str | None:
    """The charset the page declares in its first bytes (<meta> or an XML declaration)."""
    head = data[:PRESCAN_BYTES]
    match = _META_CHARSET.search(head) or _XML_ENCODING.search(head)
    return match.group(1).decode("ascii") if match else None


def codec_for(label: str | None) -> str | None:
    """Python's codec for a charset label, as a browser maps it; None for an unknown label."""
    if not label:
        return None
    label = label.strip().lower()
    label = _SUPERSETS.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def decode_page(data: bytes, header_charset: str | None = None) -> tuple[str, str]:
    """The page's text and the codec it was decoded with. A declared charset that does not fit
    the bytes falls back to reading the bytes (UTF-8, legacy Arabic, then the declared one with
    the odd undecodable byte replaced)."""
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", errors="replace"), "utf-8"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace").lstrip("\ufeff"), "utf-16"
    declared = codec_for(header_charset) or codec_for(declared_charset(data))
    if declared:
        try:
            return data.decode(declared), declared
        except UnicodeDecodeError:
            pass
    try:
        return decode(data), "detected"
    except DecodeError:
        chinese = _as_gb18030(data)
        if chinese is not None:
            return chinese, "gb18030"
        if not declared:
            raise
    return data.decode(declared, errors="replace"), declared


def _as_gb18030(data: bytes) -> str | None:
    """An undeclared legacy Chinese page: GB18030 when the bytes decode and are mostly Han."""
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        return None
    letters = [c for c in text[:20000] if c.isalpha()]
    han = sum("\u4e00" <= c <= "\u9fff" for c in letters)
    return text if letters and han / len(letters) >= 0.5 else None
