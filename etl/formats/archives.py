"""Zip and tar archives of articles (`.zip`, `.tar`, `.tar.gz`, `.tgz`): their members, read in
memory and handed back to the corpus reader by name, as if they were files of a folder.

Nothing is ever written to disk, so a member named "../../etc/passwd" is only a label. Limits
keep an archive bomb from exhausting memory: a member over `MAX_MEMBER_BYTES` or an archive that
unpacks to more than `MAX_TOTAL_BYTES` is an error row, not read; links and devices are skipped.
"""
from __future__ import annotations

import io
import tarfile
import zipfile
from collections.abc import Iterator

MAX_MEMBER_BYTES = 50 * 2**20
MAX_TOTAL_BYTES = 2 * 2**30
class ArchiveError(ValueError):
    """The archive cannot be read (the message says why)."""


def members(name: str, data: bytes) -> Iterator[tuple[str, bytes | str]]:
    """(member name, its bytes) per regular file, in archive order; (member name, reason) as a
    str for a member that is not read. Raises ArchiveError when the archive itself is unreadable."""
    if name.lower().endswith(".zip"):
        yield from _zip_members(data)
    else:
        yield from _tar_members(data)


def _zip_members(data: bytes) -> Iterator[tuple[str, bytes | str]]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError) as e:
        raise ArchiveError(f"not a readable zip archive: {e}") from None
    total = 0
    for info in archive.infolist():
        if info.is_dir():
            continue
        total += info.file_size
        if info.file_size > MAX_MEMBER_BYTES or total > MAX_TOTAL_BYTES:
            yield info.filename, f"unpacks to {info.file_size / 2**20:.1f} MB, over the archive limits; not read"
            continue
        try:
            with archive.open(info) as f:
                content = f.read(MAX_MEMBER_BYTES + 1)  # the size in the directory may lie
        except (zipfile.BadZipFile, OSError, RuntimeError, EOFError) as e:  # RuntimeError: encrypted
            yield info.filename, f"cannot unpack: {e}"
            continue
        if len(content) > MAX_MEMBER_BYTES:
            yield info.filename, "unpacks to more than its declared size, over the archive limits; not read"
            continue
        yield info.filename, content


def _tar_members(data: bytes) -> Iterator[tuple[str, bytes | str]]:
    try:
        archive = tarfile.open(fileobj=io.BytesIO(data), mode="r:*")
    except (tarfile.TarError, OSError, EOFError) as e:
        raise ArchiveError(f"not a readable tar archive: {e}") from None
    total = 0
    with archive:
        try:
            for info in archive:
                if not info.isfile():
                    continue  # folders, links and devices are no articles
                total += info.size
                if info.size > MAX_MEMBER_BYTES or total > MAX_TOTAL_BYTES:
                    yield info.name, f"unpacks to {info.size / 2**20:.1f} MB, over the archive limits; not read"
                    continue
                f = archive.extractfile(info)
                yield info.name, f.read() if f is not None else "cannot unpack"
        except (tarfile.TarError, OSError, EOFError) as e:
            yield "(rest of the archive)", f"archive cut short or damaged: {e}"
