"""Reading a corpus: formats, encodings, metadata, and every kind of bad input."""
import json
from datetime import date

import pytest

from etl.corpus import CorpusNotFound, read_bytes, read_corpus
from etl.documents import Document, ReadError, doc_id_of

ARABIC = "أعلنت شركة ديبسيك عن نموذج جديد مفتوح المصدر."
HINDI = "डीपसीक ने नया ओपन सोर्स मॉडल जारी किया।"


def split(items):
    items = list(items)
    return [i for i in items if isinstance(i, Document)], [i for i in items if isinstance(i, ReadError)]


@pytest.mark.parametrize("encoded", [
    ARABIC.encode("utf-8"),
    b"\xef\xbb\xbf" + ARABIC.encode("utf-8"),
    ARABIC.encode("utf-16"),  # with BOM
    "\ufeff".encode("utf-16-be") + ARABIC.encode("utf-16-be"),
    ARABIC.encode("cp1256"),
], ids=["utf8", "utf8-bom", "utf16-le-bom", "utf16-be-bom", "windows-1256"])
def test_encodings_decode_to_the_same_text(encoded):
    docs, errors = split(read_bytes("a.txt", encoded))
    assert not errors
    assert docs[0].text == ARABIC


def test_hindi_utf16():
    docs, _ = split(read_bytes("h.txt", HINDI.encode("utf-16")))
    assert docs[0].text == HINDI


@pytest.mark.parametrize("name,data,reason", [
    ("empty.txt", b"", "empty"),
    ("blank.txt", b"  \n\n ", "empty"),
    ("image.txt", bytes(range(256)) * 8, "binary"),
    ("latin.txt", "café crème résumé naïve".encode("latin-1"), "undecodable"),
    ("bad-utf16.txt", b"\xff\xfe\x00\xd8", "utf-16"),
    ("notes.pdf", b"%PDF-1.4 hello", "unsupported"),
])
def test_bad_files_become_one_error_naming_file_and_reason(name, data, reason):
    docs, errors = split(read_bytes(name, data))
    assert docs == []
    assert len(errors) == 1
    assert errors[0].source == name
    assert reason in errors[0].error.lower()


def test_jsonl_with_metadata_and_a_malformed_line():
    lines = [
        json.dumps({"text": ARABIC, "published": "2025-03-16", "title": "t", "url": "https://x", "lang": "ar", "source": "site-a"}, ensure_ascii=False),
        '{"text": "broken',
        json.dumps({"title": "no text here"}),
        "[1, 2]",
        json.dumps({"text": HINDI}, ensure_ascii=False),
    ]
    docs, errors = split(read_bytes("news.jsonl", "\n".join(lines).encode()))
    assert [d.text for d in docs] == [ARABIC, HINDI]
    first = docs[0]
    assert (first.published, first.title, first.url, first.lang, first.source) == (date(2025, 3, 16), "t", "https://x", "ar", "site-a")
    assert docs[1].source == "news.jsonl:5" and docs[1].lang is None
    assert [(e.line, e.source) for e in errors] == [(2, "news.jsonl"), (3, "news.jsonl"), (4, "news.jsonl")]
    assert "malformed JSON" in errors[0].error and "text" in errors[1].error


def test_jsonl_file_is_streamed_line_by_line_and_one_bad_line_is_one_error(tmp_path):
    path = tmp_path / "news.jsonl"
    with open(path, "wb") as f:
        f.write(b"\xef\xbb\xbf" + json.dumps({"text": ARABIC + "\u2028" + ARABIC}, ensure_ascii=False).encode() + b"\r\n")
        f.write(b'{"text": "caf\xe9"}\n')  # Latin-1 bytes: not UTF-8
        f.write(json.dumps({"text": HINDI}, ensure_ascii=False).encode() + b"\n")
    docs, errors = split(read_corpus(path))
    assert [d.text for d in docs] == [ARABIC + "\u2028" + ARABIC, HINDI]  # U+2028 inside a string is not a line break
    assert [(e.source, e.line) for e in errors] == [("news.jsonl", 2)] and "not UTF-8" in errors[0].error
    assert [d.source for d in docs] == ["news.jsonl:1", "news.jsonl:3"]
    assert [d.fingerprint for d in docs] == [d.fingerprint for d in split(read_bytes("news.jsonl", path.read_bytes()))[0]]


def test_known_records_are_skipped_unparsed():
    from etl.documents import Known

    lines = [json.dumps({"text": ARABIC, "source": "a"}, ensure_ascii=False), json.dumps({"text": HINDI}, ensure_ascii=False)]
    first = split(read_bytes("news.jsonl", "\n".join(lines).encode()))[0]
    again = list(read_bytes("news.jsonl", "\n".join(["", *lines]).encode(), known={first[0].fingerprint, first[1].fingerprint}))
    # The record with its own source is recognised after a line was inserted above it; the one whose
    # source is its line number ("news.jsonl:2", now line 3) is not: its rows would name the wrong line.
    assert again[0] == Known(first[0].fingerprint)
    assert isinstance(again[1], Document) and again[1].source == "news.jsonl:3"
    moved = list(read_bytes("news-2.jsonl", lines[0].encode(), known={first[0].fingerprint}))
    assert moved == [Known(first[0].fingerprint)]  # the same record in the next export file


def test_csv_with_metadata_and_a_malformed_row():
    data = 'text,published,lang\n"Baidu open-sourced ERNIE 4.5.",2025-06-30,en\n"too,many",2025-01-01,en,extra\n"百度开源了文心大模型。",,\n'
    docs, errors = split(read_bytes("news.csv", data.encode()))
    assert [d.text for d in docs] == ["Baidu open-sourced ERNIE 4.5.", "百度开源了文心大模型。"]
    assert docs[0].published == date(2025, 6, 30) and docs[1].published is None
    assert len(errors) == 1 and errors[0].line == 3 and "cells" in errors[0].error


def test_csv_without_text_column():
    docs, errors = split(read_bytes("news.csv", b"body,published\nhello,2025-01-01\n"))
    assert docs == [] and len(errors) == 1
    assert "no 'text' column" in errors[0].error and "body" in errors[0].error


def test_folder_with_manifest_and_bad_files(tmp_path):
    (tmp_path / "a.txt").write_text(ARABIC, encoding="utf-8")
    (tmp_path / "b.md").write_text(HINDI, encoding="utf-16")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "c.txt").write_bytes(ARABIC.encode("cp1256"))
    (tmp_path / "picture.png").write_bytes(b"\x89PNG....")
    (tmp_path / "manifest.csv").write_text(
        "file,published,title,lang\na.txt,2025-03-16,First,ar\nsub/c.txt,16/03/2024,Third,\n../outside.txt,2025-01-01,x,\nmissing.txt,2025-01-01,y,\n",
        encoding="utf-8",
    )
    docs, errors = split(read_corpus(tmp_path))
    by_source = {d.source: d for d in docs}
    assert set(by_source) == {"a.txt", "b.md", "sub/c.txt"}
    assert by_source["a.txt"].published == date(2025, 3, 16) and by_source["a.txt"].title == "First"
    assert by_source["sub/c.txt"].published == date(2024, 3, 16)  # day-first
    assert by_source["sub/c.txt"].text == ARABIC
    reasons = {(e.source, e.error.split(" ")[0]) for e in errors}
    assert ("empty.txt", "empty") in reasons
    assert any(e.source == "manifest.csv" and "outside" in e.error for e in errors)
    assert any(e.source == "manifest.csv" and "missing.txt" in e.error for e in errors)


def test_symlink_outside_the_corpus_is_not_read(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("password", encoding="utf-8")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(ARABIC, encoding="utf-8")
    (corpus / "leak.txt").symlink_to(secret)
    docs, errors = split(read_corpus(corpus))
    assert [d.source for d in docs] == ["a.txt"]
    assert errors[0].source == "leak.txt" and "outside" in errors[0].error


def test_missing_corpus_raises():
    with pytest.raises(CorpusNotFound, match="no/such/dir"):
        list(read_corpus("no/such/dir"))


def test_doc_id_ignores_whitespace_only_differences():
    assert doc_id_of("a  b\n c") == doc_id_of("a b c")
    assert doc_id_of("a b") != doc_id_of("a c")


@pytest.mark.parametrize("line, named", [
    (b'{"text": "x", "source": "reuters-1"}', True),
    (b'{"source" :  "a", "text": "x"}', True),
    (b'{"text": "he said \\"source\\": nobody"}', False),  # inside a string the quotes are escaped
    (b'{"text": "x", "source": ""}', False),  # empty: the source is the line number
    (b'{"text": "x", "title": "source"}', False),  # a value, not a key
])
def test_a_jsonl_record_names_its_own_source(line, named):
    from etl.corpus import _has_source

    assert _has_source(line) is named
