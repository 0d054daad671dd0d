"""Zip and tar archives of articles: members read as files, labels that cannot leave the archive,
limits against archive bombs, a damaged archive as one error row."""
from __future__ import annotations

import io
import tarfile
import zipfile

import pytest

from etl import extract_tables
from etl.corpus import read_bytes, read_corpus
from etl.documents import Document, ReadError
from etl.formats import archives

PAGE = (b"<html lang='en'><head><title>Mistral raises</title></head><body><article><p>Mistral AI released "
        b"an open-weight model on Tuesday, the Paris start-up said in a statement to reporters.</p></article></body></html>")


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


def _tar(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tf:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    return buf.getvalue()


@pytest.mark.parametrize("name,pack", [("news.zip", _zip), ("news.tar.gz", _tar), ("news.tgz", _tar)])
def test_members_are_read_as_the_files_they_are(name, pack):
    data = pack({"ar/1.txt": "أعلنت شركة أوبن إيه آي عن نموذج جديد.".encode(), "en/page.html": PAGE, "logo.png": b"\x89PNG"})
    items = list(read_bytes(name, data))
    assert [(type(i).__name__, i.source) for i in items] == [("Document", f"{name}/ar/1.txt"), ("Document", f"{name}/en/page.html")]
    tables = extract_tables(items)
    assert {"OpenAI", "Mistral AI"} <= set(tables.mentions["entity"])


def test_member_names_cannot_climb_out_of_the_archive():
    items = list(read_bytes("a.zip", _zip({"../../etc/passwd.txt": b"OpenAI said so.", "/abs/x.txt": b"Meta said so."})))
    assert [i.source for i in items] == ["a.zip/etc/passwd.txt", "a.zip/abs/x.txt"]


def test_a_damaged_archive_is_one_error_row_and_the_folder_goes_on(tmp_path):
    (tmp_path / "bad.zip").write_bytes(b"PK\x03\x04 not really")
    (tmp_path / "cut.tar.gz").write_bytes(_tar({"a.txt": b"DeepSeek released R1 today."})[:40])
    (tmp_path / "ok.txt").write_text("Anthropic released Claude.", encoding="utf-8")
    items = list(read_corpus(tmp_path))
    errors = {i.source: i.error for i in items if isinstance(i, ReadError)}
    assert set(errors) == {"bad.zip", "cut.tar.gz"} and all("archive" in e for e in errors.values())
    assert [i.source for i in items if isinstance(i, Document)] == ["ok.txt"]


def test_an_oversized_member_is_refused_not_read(monkeypatch):
    monkeypatch.setattr(archives, "MAX_MEMBER_BYTES", 100)
    items = list(read_bytes("big.zip", _zip({"big.txt": b"x" * 1000, "small.txt": b"OpenAI said so."})))
    assert isinstance(items[0], ReadError) and "limit" in items[0].error
    assert items[1].source == "big.zip/small.txt"
