"""Bytes to text: UTF-8 (with or without BOM), UTF-16 with BOM, legacy Arabic Windows-1256."""
from __future__ import annotations

import codecs


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
        return _strict(data, "utf-16")
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


def _strict(data: bytes, encoding: str) -> str:
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as e:
        raise DecodeError(f"invalid {encoding} ({e.reason} at byte {e.start})") from None
    if not text.strip():
        raise DecodeError("empty file")
    return text.lstrip("\ufeff")
