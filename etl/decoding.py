"""Bytes to text: UTF-8 (with or without BOM), UTF-16 with BOM, legacy Arabic Windows-1256."""
from __future__ import annotations

import codecs
import unicodedata


class DecodeError(ValueError):
    """The bytes are not text in any encoding we accept."""


# Bytes that never appear in text: a file with them is binary (images, archives, executables).
_BINARY_CONTROL = set(range(0, 9)) | {11, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31}


def decode(data: bytes) -> str:
    """Decode article bytes; raise DecodeError with the reason when they are not text."""
    if not data.strip():
        raise DecodeError("empty file")
    if data.startswith(codecs.BOM_UTF8):
        return _strict(data[3:], "utf-8")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = _strict(data, "utf-16")
        problem = _not_utf16_text(data[2:], text)
        if problem:
            raise DecodeError(problem)
        return text
    sample = data[:4096]
    if sum(b in _BINARY_CONTROL for b in sample) > max(2, len(sample) // 100):
        raise DecodeError("binary file (control bytes), not text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as utf8_error:
        # Legacy Arabic news sites and old Windows exports use cp1256; accept it only when the
        # result is mostly Arabic letters, otherwise it is mojibake of something else.
        try:
            text = data.decode("cp1256")
        except UnicodeDecodeError:
            raise DecodeError(f"not UTF-8 ({utf8_error.reason} at byte {utf8_error.start}) nor Windows-1256") from None
        letters = [c for c in text if c.isalpha()]
        arabic = sum("\u0600" <= c <= "\u06ff" for c in letters)
        if letters and arabic / len(letters) >= 0.5:
            return text
        raise DecodeError(f"undecodable bytes: not UTF-8 ({utf8_error.reason} at byte {utf8_error.start})") from None


# Characters that real text does not contain: unassigned, private use, lone surrogates, and
# control codes other than the usual whitespace.
_NOT_TEXT = {"Cn", "Co", "Cs"}
_TEXT_CONTROLS = set("\t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85")
_SAMPLE_CHARS = 8192


def _not_utf16_text(payload: bytes, text: str) -> str | None:
    """Why bytes after a UTF-16 byte-order mark are not UTF-16 text, or None. Two cases: random
    bytes (they decode to unassigned and private-use code points), and 8-bit text behind a stray
    mark (English pairs up into CJK ideographs: "he" = 敨). Real UTF-16 of any script has a 0x00
    or other control byte in nearly every character (ASCII, Latin, Arabic, Devanagari spaces and
    letters) or is not valid UTF-8 as bytes (Han), and it has whitespace; 8-bit text has neither
    control bytes nor, read as UTF-16, any whitespace."""
    sample = text[:_SAMPLE_CHARS]
    odd = sum(1 for c in sample if unicodedata.category(c) in _NOT_TEXT
              or (unicodedata.category(c) == "Cc" and c not in _TEXT_CONTROLS))
    if odd > max(2, len(sample) // 200):
        return (f"not text after its UTF-16 byte-order mark ({odd} of the first {len(sample)} characters are "
                "unassigned, private-use or control codes)")
    head = payload[: 2 * _SAMPLE_CHARS]
    if len(head) >= 16 and not any(b in _BINARY_CONTROL for b in head) and not any(c.isspace() for c in sample):
        try:
            as_8bit = codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        except UnicodeDecodeError:
            return None
        # Devanagari in UTF-16 has no control byte but 0x09 (a tab) in every character: not 8-bit text.
        if (" " in as_8bit or "\n" in as_8bit) and as_8bit.count("\t") * 10 < len(as_8bit):
            return ("starts with a UTF-16 byte-order mark, but what follows is 8-bit text, not UTF-16; "
                    "save the file again as UTF-8 (or UTF-16)")
    return None


def _strict(data: bytes, encoding: str) -> str:
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as e:
        raise DecodeError(f"invalid {encoding} ({e.reason} at byte {e.start})") from None
    if not text.strip():
        raise DecodeError("empty file")
    return text.lstrip("\ufeff")
