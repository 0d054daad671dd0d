"""Real news input: saved HTML pages, RSS/Atom feeds, WARC archives and news-API JSON
(fixtures in tests/fixtures/, written for these tests; the WARC is built here with warcio)."""
import io
import json
import shutil
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from etl import extract_tables, read_bytes, read_corpus, run_corpus
from etl.corpus import Unparsed
from etl.documents import Document, ReadError, Skipped
from etl.formats.charset import decode_page
from etl.formats.clean import clean_text
from etl.formats.html import MAX_PAGE_BYTES, PageError, extract_page, html_to_text
from etl.formats.metadata import language_code, published_and_grain
from etl.formats.newsapi import field_map, map_record

FIXTURES = Path(__file__).resolve().parent / "fixtures"
NEWS = FIXTURES / "news"
BAD = FIXTURES / "bad"
PAGES = NEWS / "html"
TODAY = date(2026, 1, 1)


def split(items):
    items = list(items)
    docs = [i.parse() if isinstance(i, Unparsed) else i for i in items]
    return [d for d in docs if isinstance(d, Document)], [d for d in docs if isinstance(d, ReadError)]


def page_doc(name: str) -> Document:
    docs, errors = split(read_bytes(f"html/{name}", (PAGES / name).read_bytes()))
    assert not errors, errors
    return docs[0]


def entities_of(doc: Document) -> set[str]:
    tables = extract_tables([doc], today=TODAY)
    return set(tables.mentions.loc[tables.mentions.kind.isin(["company", "product"]), "entity"])


# --- HTML pages --------------------------------------------------------------------------------

PAGE_CASES = [
    # file, lang, published, grain, title starts with, entities the page text must yield
    ("en-openai-softbank-round.html", "en", date(2025, 3, 31), "day", "OpenAI closes $40 billion round",
     {"OpenAI", "SoftBank", "Microsoft", "ChatGPT", "Anthropic"}),
    ("en-anthropic-claude-code-blog.html", "en", date(2025, 7, 14), "day", "Anthropic takes Claude Code",
     {"Anthropic", "Claude Code", "Amazon", "Microsoft"}),
    ("ar-deepseek-nvidia-meta.html", "ar", date(2025, 1, 28), "day", "ديب سيك تهز وول ستريت",
     {"DeepSeek", "Nvidia", "OpenAI", "ChatGPT", "Microsoft"}),
    ("ar-microsoft-g42-cp1256.html", "ar", date(2024, 4, 16), "day", "مايكروسوفت تستثمر",
     {"Microsoft", "G42", "MGX"}),
    ("hi-sarvam-indiaai-jsonld.html", "hi", date(2025, 4, 26), "day", "इंडियाएआई मिशन",
     {"Sarvam AI", "OpenAI", "Google"}),
    ("hi-krutrim-url-month.html", "hi", date(2025, 2, 1), "month", "ओला कृत्रिम ने लॉन्च",
     {"Krutrim", "Nvidia", "DeepSeek", "Microsoft"}),
    ("zh-qwen-max-gb18030.html", "zh", date(2025, 1, 29), "day", "阿里云发布通义千问",
     {"Alibaba", "Qwen", "DeepSeek", "Nvidia", "ByteDance", "Moonshot AI"}),
    ("zh-moonshot-funding-time.html", "zh", date(2024, 2, 19), "day", "月之暗面完成超10亿美元融资",
     {"Moonshot AI", "Alibaba", "Kimi", "Zhipu AI"}),
]


@pytest.mark.parametrize("name,lang,published,grain,title,entities", PAGE_CASES, ids=[c[0] for c in PAGE_CASES])
def test_page_gives_text_title_date_grain_language_and_its_entities(name, lang, published, grain, title, entities):
    doc = page_doc(name)
    assert doc.title.startswith(title)
    assert (doc.published, doc.published_grain, doc.published_from) == (published, grain, "html")
    tables = extract_tables([doc], today=TODAY)
    assert tables.documents.loc[0, "lang"] == lang
    assert entities <= entities_of(doc)
    # boilerplate, navigation, comments and scripts are not article text; no markup or entity is left
    for debris in ("cookies", "Newsletter", "Copyright", "techfan99", "dataLayer", "window.", "&nbsp", "&amp;",
                   "<p", "</", "الأكثر قراءة", "सभी अधिकार", "热门推荐", "版权所有", "| "):
        assert debris not in doc.text, debris
    assert "\n" in doc.text  # paragraphs are kept as lines


def test_page_metadata_author_site_canonical_url():
    doc = page_doc("en-openai-softbank-round.html")
    assert (doc.author, doc.site) == ("Priya Raman", "The Ledger Tech")
    assert doc.url == "https://www.ledgertech.example/markets/openai-closes-40-billion-round-softbank"
    assert "investors’ belief" in doc.text and "models — and" in doc.text  # &#8217; &nbsp;&mdash; decoded
    hindi = page_doc("hi-sarvam-indiaai-jsonld.html")
    assert hindi.author == "अंकित वर्मा"  # the vowel sign is kept (trafilatura's own clean-up drops it)
    assert page_doc("zh-moonshot-funding-time.html").author == "陈思远"  # "作者：" is a byline word, not the name


def test_legacy_charsets_from_the_meta_tag():
    arabic = (PAGES / "ar-microsoft-g42-cp1256.html").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        arabic.decode("utf-8")
    assert decode_page(arabic)[1] == "cp1256"
    chinese = (PAGES / "zh-qwen-max-gb18030.html").read_bytes()
    # labelled gb2312 but holds GBK characters (通義千問): read as GB18030, its superset
    text, codec = decode_page(chinese)
    assert codec == "gb18030" and "通義千問" in text
    assert "通義千問" in page_doc("zh-qwen-max-gb18030.html").text


@pytest.mark.parametrize("encoding,bom", [("utf-8", b"\xef\xbb\xbf"), ("utf-16-le", b"\xff\xfe"), ("utf-16-be", b"\xfe\xff")])
def test_a_byte_order_mark_outranks_the_meta_tag(encoding, bom):
    page = (PAGES / "ar-deepseek-nvidia-meta.html").read_text(encoding="utf-8").replace('charset="utf-8"', 'charset="windows-1256"')
    doc = split(read_bytes("p.html", bom + page.encode(encoding)))[0][0]
    assert doc.text == page_doc("ar-deepseek-nvidia-meta.html").text


def test_http_header_charset_outranks_the_meta_tag():
    page = (PAGES / "zh-moonshot-funding-time.html").read_text(encoding="utf-8").replace('charset="utf-8"', 'charset="iso-8859-1"')
    assert "月之暗面" in extract_page(page.encode("utf-8"), header_charset="utf-8").text


def test_declared_language_that_the_text_contradicts_is_ignored():
    page = (PAGES / "ar-deepseek-nvidia-meta.html").read_text(encoding="utf-8").replace('lang="ar"', 'lang="en"')
    page = page.replace('content="ar_AR"', 'content="en_US"')
    assert extract_page(page.encode("utf-8")).lang is None  # a template's lang="en" on an Arabic article
    assert extract_page((PAGES / "hi-krutrim-url-month.html").read_bytes()).lang == "hi"  # content-language


def test_manifest_row_overrides_what_the_page_says(tmp_path):
    shutil.copy(PAGES / "en-openai-softbank-round.html", tmp_path / "a.html")
    (tmp_path / "manifest.csv").write_text("file,published,title\na.html,2025-04-01,Edited title\n", encoding="utf-8")
    docs, errors = split(read_corpus(tmp_path))
    assert not errors
    assert (docs[0].published, docs[0].published_from or "metadata", docs[0].title) == (date(2025, 4, 1), "metadata", "Edited title")


def test_html_to_text_of_a_fragment():
    assert html_to_text("<p>OpenAI &amp; Microsoft</p><p>second<br>line</p><script>x()</script>") == "OpenAI & Microsoft\nsecond\nline"
    assert html_to_text("plain &nbsp; text") == "plain text"


# --- bad pages -----------------------------------------------------------------------------------

def test_page_without_main_text_is_one_error():
    docs, errors = split(read_bytes("nav-only.html", (BAD / "nav-only.html").read_bytes()))
    assert docs == [] and len(errors) == 1 and "no main text" in errors[0].error and errors[0].source == "nav-only.html"


def test_deeply_nested_page_is_one_clear_error():
    bomb = b"<html><body>" + b"<div>" * 100_000 + b"<p>OpenAI</p>" + b"</div>" * 100_000 + b"</body></html>"
    docs, errors = split(read_bytes("bomb.html", bomb))
    assert docs == [] and "nested deeper" in errors[0].error


def test_a_100_mb_page_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "huge.html"
    with open(path, "wb") as f:
        f.write(b"<html><body><p>")
        f.truncate(100 * 2**20)  # sparse: 100 MB on paper, nothing to read
    items = list(read_corpus(tmp_path))
    assert len(items) == 1 and isinstance(items[0], ReadError)
    assert items[0].source == "huge.html" and "100.0 MB" in items[0].error and "limit" in items[0].error
    with pytest.raises(PageError, match="limit"):
        extract_page(b" " * (MAX_PAGE_BYTES + 1))


def test_script_in_title_and_javascript_link_are_text_and_error_rows():
    docs, errors = split(read_bytes("hostile.html", (BAD / "hostile-title-and-link.html").read_bytes()))
    doc = docs[0]
    assert doc.title.startswith("<script>alert(document.cookie)</script>")  # stored as the text it is
    assert doc.url is None  # a link is only ever http(s)
    assert any("javascript:" in n and "not kept" in n for n in doc.notes)
    assert any("title" in n and "plain text" in n for n in doc.notes)
    tables = extract_tables(docs, today=TODAY)
    assert len(tables.errors) == 2 and set(tables.errors.source) == {"hostile.html"}
    assert "Nvidia" in set(tables.mentions.entity)


# --- feeds ---------------------------------------------------------------------------------------

def test_rss_entries_are_documents_with_feed_metadata():
    docs, errors = split(read_bytes("feeds/ai.rss", (NEWS / "feeds" / "sharqtech-ai.rss").read_bytes()))
    assert not errors and len(docs) == 3
    first = docs[0]
    assert first.source == "feeds/ai.rss#1" and first.site == "الشرق التقني - ذكاء اصطناعي"
    assert (first.published, first.published_grain, first.published_from) == (date(2025, 3, 4), "day", "feed")
    assert first.lang == "ar" and first.author == "خالد الحربي"
    assert first.url == "https://www.sharqtech.example/ai/anthropic-series-e"
    assert first.text.startswith(first.title)
    assert "<p" not in first.text and "&nbsp" not in first.text and "<img" not in first.text
    assert "trackEvent" not in docs[1].text and "كوبايلوت" in docs[1].text  # content:encoded, not the short description
    assert {"Anthropic", "Claude"} <= entities_of(first)
    # no corpus here: the third entry keeps its summary
    assert docs[2].text.endswith("بعد إطلاق نموذج ديب سيك.")


def test_atom_entries_use_published_else_updated():
    docs, errors = split(read_bytes("f.atom", (NEWS / "feeds" / "zhineng-qianyan.atom").read_bytes()))
    assert not errors and [d.published for d in docs] == [date(2025, 2, 18), date(2025, 2, 16)]
    assert {d.lang for d in docs} == {"zh"} and docs[0].author == "刘佳怡" and docs[0].site == "智能前沿 · 快讯"
    assert {"Zhipu AI", "Baidu"} <= entities_of(docs[0]) and {"Tencent", "ByteDance", "DeepSeek"} <= entities_of(docs[1])


def test_entry_linking_to_a_page_in_the_corpus_takes_its_full_text(tmp_path):
    (tmp_path / "feeds").mkdir()
    (tmp_path / "saved").mkdir()
    shutil.copy(NEWS / "feeds" / "sharqtech-ai.rss", tmp_path / "feeds" / "ai.rss")
    shutil.copy(PAGES / "ar-deepseek-nvidia-meta.html", tmp_path / "saved" / "ar-deepseek-nvidia-meta.html")
    docs, errors = split(read_corpus(tmp_path))
    assert not errors
    entry = next(d for d in docs if d.source == "feeds/ai.rss#3")
    page = next(d for d in docs if d.source == "saved/ar-deepseek-nvidia-meta.html")
    assert entry.text == page.text and len(entry.text) > 500  # the page, not the one-line summary
    assert entry.published_from == "html" and entry.author == "سارة المنصوري"
    tables = extract_tables(read_corpus(tmp_path), today=TODAY)
    assert len(tables.documents) == 3  # the page and the entry are one document
    kept = tables.documents.set_index("source").loc["feeds/ai.rss#3"]
    assert kept["duplicates"] == "saved/ar-deepseek-nvidia-meta.html"


def test_a_file_that_is_not_a_feed_is_one_error():
    docs, errors = split(read_bytes("not-a-feed.rss", (BAD / "not-a-feed.rss").read_bytes()))
    assert docs == [] and len(errors) == 1 and "not an RSS or Atom feed" in errors[0].error
    docs, errors = split(read_bytes("sitemap.xml", b'<?xml version="1.0"?><urlset><url><loc>https://x.example/</loc></url></urlset>'))
    assert docs == [] and "not an RSS or Atom feed" in errors[0].error


def test_javascript_link_in_a_feed_entry_is_dropped_with_an_error_row():
    rss = (b'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><item><title>&lt;script&gt;x()&lt;/script&gt; OpenAI news</title>'
           b"<link>javascript:alert(1)</link><description>OpenAI released a new reasoning model for developers.</description></item></channel></rss>")
    docs, errors = split(read_bytes("j.rss", rss))
    assert docs[0].url is None and any("javascript:alert(1)" in n for n in docs[0].notes)


# --- news-API JSON -------------------------------------------------------------------------------

def test_newsapi_shape():
    docs, errors = split(read_bytes("api/newsapi.json", (NEWS / "api" / "newsapi-everything.json").read_bytes()))
    assert not errors and len(docs) == 2
    mistral, nvidia = docs
    assert mistral.source == "api/newsapi.json#1" and mistral.site == "Euro Tech Wire" and mistral.author == "Claire Dubois"
    assert (mistral.published, mistral.published_from, mistral.published_grain) == (date(2024, 6, 11), "metadata", "day")
    assert "[+2874 chars]" not in mistral.text and "General Catalyst" in mistral.text
    assert "<li>" not in nvidia.text and "Demand for its AI chips" in nvidia.text  # HTML content made text
    assert nvidia.title == "Nvidia's market value passes $3 trillion & it overtakes Apple"
    assert {"Mistral AI", "Nvidia"} <= entities_of(mistral)


def test_gdelt_doc_shape_titles_only_with_a_crawl_date():
    docs, errors = split(read_bytes("gdelt.json", (NEWS / "api" / "gdelt-doc-artlist.json").read_bytes()))
    assert not errors and [d.lang for d in docs] == ["ar", "zh", "hi"]
    assert [d.published for d in docs] == [date(2025, 5, 23), date(2025, 4, 30), date(2025, 3, 12)]
    assert {d.published_from for d in docs} == {"crawl"}  # seendate is when GDELT saw it
    assert all(d.text == d.title for d in docs) and docs[0].site == "khaleejnews.example"
    assert {"G42", "OpenAI"} <= entities_of(docs[0]) and {"Infosys", "Nvidia"} <= entities_of(docs[2])


def test_event_registry_shape():
    docs, errors = split(read_bytes("er.json", (NEWS / "api" / "eventregistry-articles.json").read_bytes()))
    assert not errors and [d.lang for d in docs] == ["hi", "zh"]
    hindi, chinese = docs
    assert hindi.published == date(2025, 1, 21) and hindi.site == "अर्थ जगत" and hindi.author == "रोहित शर्मा"
    assert {"OpenAI", "SoftBank", "Nvidia", "Microsoft"} <= entities_of(hindi)
    assert {"DeepSeek", "Nvidia", "ChatGPT"} <= entities_of(chinese)


def test_json_of_no_known_shape_names_the_keys_it_found():
    docs, errors = split(read_bytes("api-error.json", (BAD / "api-error.json").read_bytes()))
    assert docs == [] and len(errors) == 1
    assert "keys found: status, code, message" in errors[0].error
    for data, reason in ((b"[1, 2]", "not an object"), (b"{broken", "malformed JSON"), (b'"x"', "top level")):
        assert reason in split(read_bytes("x.json", data))[1][0].error


def test_jsonl_records_with_api_field_names_work_the_same_way():
    article = json.loads((NEWS / "api" / "newsapi-everything.json").read_text(encoding="utf-8"))["articles"][0]
    docs, errors = split(read_bytes("export.jsonl", json.dumps(article, ensure_ascii=False).encode()))
    assert not errors
    assert (docs[0].site, docs[0].published, docs[0].source) == ("Euro Tech Wire", date(2024, 6, 11), "export.jsonl:1")


def test_field_map_is_data_with_one_key_per_line():
    fields = field_map()
    assert {"text", "title", "url", "published", "lang", "site", "author"} <= set(fields)
    keys = [key for entries in fields.values() for key, _ in entries]
    assert len(keys) == len(set(keys))
    assert {"content", "body", "description", "publishedAt", "seendate", "dateTimePub", "source.name"} <= set(keys)
    assert map_record({"body": "x", "source": {"title": "S"}, "authors": [{"name": "A"}, {"name": "B"}]}) | {} == {
        "text": "x", "text_key": "body", "site": "S", "author": "A, B"}


# --- WARC ----------------------------------------------------------------------------------------

def build_warc(path: Path, gz: bool = True) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as f:
        writer = WARCWriter(f, gzip=gz)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "tests", "format": "WARC/1.0"}))

        def response(uri, body, content_type, when, status="200 OK"):
            request = writer.create_warc_record(uri, "request", payload=io.BytesIO(b"GET / HTTP/1.1\r\n\r\n"),
                                                http_headers=StatusAndHeaders("GET / HTTP/1.1", [("Host", "x")], is_http_request=True))
            writer.write_record(request)
            headers = StatusAndHeaders(status, [("Content-Type", content_type)], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(uri, "response", payload=io.BytesIO(body), http_headers=headers,
                                                          warc_headers_dict={"WARC-Date": when}))

        # a page whose charset only the HTTP header states (its meta tag is removed)
        cp1256 = (PAGES / "ar-microsoft-g42-cp1256.html").read_bytes().replace(b"charset=windows-1256", b"")
        response("https://www.khaleej.example/tech/microsoft-g42.asp", cp1256, "text/html; charset=windows-1256", "2024-04-17T06:00:00Z")
        response("https://blog.modelwatch.example/2025/07/14/anthropic-claude-code-enterprise/",
                 (PAGES / "en-anthropic-claude-code-blog.html").read_bytes(), "text/html; charset=UTF-8", "2025-07-15T00:10:00Z")
        # no date in the page: the crawl date is the fallback
        undated = b"<html><head><title>Baidu opens Ernie</title></head><body><article><p>" + (
            "Baidu said on Thursday that its Ernie chatbot would be free for all users, and that it would open "
            "the weights of the next Ernie model to developers.").encode() + b"</p></article></body></html>"
        response("https://news.example/baidu-ernie-free", undated, "text/html", "2025-02-14T12:00:00Z")
        response("https://news.example/logo.png", b"\x89PNG\r\n\x1a\n" + bytes(64), "image/png", "2025-02-14T12:00:01Z")
        response("https://news.example/gone", b"<html>Not found</html>", "text/html", "2025-02-14T12:00:02Z", "404 Not Found")


def test_warc_html_responses_are_documents_and_the_rest_is_counted(tmp_path):
    path = tmp_path / "crawl.warc.gz"
    build_warc(path)
    items = list(read_corpus(path, defer=True))
    unparsed = [i for i in items if isinstance(i, Unparsed)]
    assert all(u.kind == "html" for u in unparsed) and len(unparsed) == 3  # parsed later, in the workers
    skipped = [i for i in items if isinstance(i, Skipped)]
    assert len(skipped) == 1 and skipped[0].count == 1 + 5 + 2  # warcinfo, 5 requests, the image and the 404
    assert "request 5" in skipped[0].detail and "image/png" in skipped[0].detail and "404" in skipped[0].detail
    docs = [u.parse() for u in unparsed]
    arabic, english, undated = docs
    assert arabic.source == "crawl.warc.gz#3" and arabic.url == "https://www.khaleej.example/tech/microsoft-g42.asp"
    assert "مايكروسوفت" in arabic.text  # decoded with the header's charset
    assert (arabic.published, arabic.published_from) == (date(2024, 4, 16), "html")  # the page's date beats the crawl's
    assert english.title == "Anthropic takes Claude Code to the enterprise"
    assert (undated.published, undated.published_from, undated.published_grain) == (date(2025, 2, 14), "crawl", "day")
    assert "Baidu" in entities_of(undated)


def test_warc_is_streamed_record_by_record(tmp_path):
    from etl.corpus import _read_warc
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    path = tmp_path / "big.warc.gz"
    body = (PAGES / "en-openai-softbank-round.html").read_bytes()
    with open(path, "wb") as f:
        writer = WARCWriter(f, gzip=True)
        for n in range(300):
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(f"https://x.example/{n}", "response", payload=io.BytesIO(body),
                                                          http_headers=headers))
    with open(path, "rb") as f:
        items = _read_warc("big.warc.gz", f, frozenset(), defer=True)
        first = next(items)
        assert isinstance(first, Unparsed) and first.kind == "html"
        assert f.tell() < path.stat().st_size / 10  # one record read, not the archive
        assert sum(1 for _ in items) == 299


def test_truncated_warc_gz_keeps_the_records_before_and_is_one_error(tmp_path):
    path = tmp_path / "crawl.warc.gz"
    build_warc(path)
    data = path.read_bytes()
    (tmp_path / "crawl.warc.gz").write_bytes(data[: int(len(data) * 0.75)])
    docs, errors = split(read_corpus(tmp_path))
    assert len(errors) == 1 and errors[0].source == "crawl.warc.gz" and "truncated or corrupt WARC" in errors[0].error
    assert len(docs) >= 1  # the records before the damage are read
    assert split(read_bytes("x.warc", b"not a warc at all"))[1][0].error.startswith("truncated or corrupt WARC")


def test_warc_pages_are_parsed_in_parallel_like_jsonl(tmp_path):
    path = tmp_path / "crawl.warc.gz"
    build_warc(path)
    one = run_corpus(path, tmp_path / "one", today=TODAY, workers=1)
    two = run_corpus(path, tmp_path / "two", today=TODAY, workers=2)
    for name in ("documents.parquet", "mentions.parquet"):
        # added_at is the time of each run (when the store first held the document)
        a, b = (pd.read_parquet(d / name).drop(columns=["added_at"], errors="ignore") for d in (tmp_path / "one", tmp_path / "two"))
        sort = ["doc_id"] + (["start", "kind"] if name.startswith("mentions") else [])
        pd.testing.assert_frame_equal(a.sort_values(sort).reset_index(drop=True), b.sort_values(sort).reset_index(drop=True))
    assert one.skipped == two.skipped == 8


# --- a mixed folder: the "done when" ------------------------------------------------------

def test_cli_on_a_folder_mixing_every_format(tmp_path):
    import subprocess
    import sys

    corpus = tmp_path / "corpus"
    shutil.copytree(NEWS, corpus)
    shutil.copytree(BAD, corpus / "bad")
    build_warc(corpus / "crawl.warc.gz")
    (corpus / "notes.txt").write_text("Microsoft और OpenAI की साझेदारी 2025 में और गहरी हुई। & nbsp ؛", encoding="utf-8")
    root = Path(__file__).resolve().parents[1]
    proc = subprocess.run([sys.executable, "-m", "etl", "run", str(corpus), "--out", str(tmp_path / "out"), "--nlp", "rules"],
                          cwd=root, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "skipped    8 archive records" in proc.stdout
    docs = pd.read_parquet(tmp_path / "out" / "documents.parquet")
    errors = pd.read_parquet(tmp_path / "out" / "errors.parquet")
    mentions = pd.read_parquet(tmp_path / "out" / "mentions.parquet")
    # every article is one document with a title (all but the plain text file), url, language and date
    # 8 pages, 5 feed entries (one is a page's copy), 7 API articles, 3 WARC pages (two are copies of
    # pages), the hostile page and notes.txt
    assert len(docs) == 8 + 4 + 7 + 1 + 1 + 1
    assert docs.duplicates.notna().sum() == 3
    assert docs.published.notna().all() and docs.lang.notna().all()
    assert docs.loc[docs.source != "notes.txt", "title"].notna().all()
    assert set(docs.published_from) == {"html", "feed", "metadata", "crawl", "text"}
    assert set(docs.published_grain) == {"day", "month", "year"}
    assert docs.url.dropna().str.match(r"^https?://").all()
    assert sorted(errors.source) == sorted(["bad/api-error.json", "bad/hostile-title-and-link.html", "bad/hostile-title-and-link.html",
                                           "bad/nav-only.html", "bad/not-a-feed.rss"])
    # mentions carry the title and url of their document, and the grain of its date
    merged = mentions.merge(docs[["doc_id", "title", "url", "published_grain"]], on="doc_id", suffixes=("", "_doc"))
    assert (merged.title.fillna("") == merged.title_doc.fillna("")).all() and (merged.url.fillna("") == merged.url_doc.fillna("")).all()
    assert (merged.published_grain == merged.published_grain_doc).all()
    assert not mentions.sentence.str.contains("nbsp|&amp;|<p>|</", regex=True).any()


# --- debris and metadata values ------------------------------------------------------------------

@pytest.mark.parametrize("raw,clean", [
    ("هيمنة التكنولوجية. > • & nbsp ؛ تسبب Deepseek", "هيمنة التكنولوجية. > • تسبب Deepseek"),
    ("a&amp;nbsp;b", "a b"),
    ("OpenAI &amp; Microsoft", "OpenAI & Microsoft"),
    ("Tom & amp ; Jerry", "Tom & Jerry"),
    ("it&#8217;s", "it’s"),
    ("価格 &nbsp；上涨", "価格 上涨"),
    ("AT&T and R&D; & co", "AT&T and R&D; & co"),  # not entities: untouched
    ("&bogus; &#xD800;", "&bogus; &#xD800;"),
])
def test_entity_debris(raw, clean):
    assert clean_text(raw) == clean


def test_seed_debris_is_cleaned_in_reading():
    texts = [d.text for d in read_corpus(Path(__file__).resolve().parents[1] / "seeds")]
    assert not any("nbsp" in t for t in texts)


@pytest.mark.parametrize("value,expected", [
    ("2025", (date(2025, 1, 1), "year")), ("2025-03", (date(2025, 3, 1), "month")),
    ("2025-03-04T10:00:00Z", (date(2025, 3, 4), "day")), ("20250304T101500Z", (date(2025, 3, 4), "day")),
    ("Tue, 04 Mar 2025 10:15:00 +0300", (date(2025, 3, 4), "day")), ("", (None, None)), ("soon", (None, None)),
])
def test_published_and_grain(value, expected):
    assert published_and_grain(value) == expected


@pytest.mark.parametrize("value,code", [("en-US", "en"), ("ar_AR", "ar"), ("zh-Hans", "zh"), ("eng", "en"), ("zho", "zh"),
                                        ("hin", "hi"), ("Arabic", "ar"), ("Chinese", "zh"), ("中文", "zh"), ("Armenian", None),
                                        ("fr", None), (None, None)])
def test_language_code(value, code):
    assert language_code(value) == code


@pytest.mark.parametrize("text,title", [
    ("OpenAI closes $40 billion round\n\nOpenAI said on Monday it had raised $40 billion in a round led by SoftBank.", "OpenAI closes $40 billion round"),
    ("# 月之暗面完成融资\n月之暗面近日完成新一轮融资，由阿里巴巴领投，估值达到约25亿美元。", "月之暗面完成融资"),
    ("OpenAI said on Monday it had raised money.\nMore text follows here, and it is longer than the first line.", None),  # a sentence
    ("one line only", None),
    ("Menu\nHome\nNews", None),  # short lines, no body
])
def test_headline_of_a_text_file(text, title):
    from etl.formats.text import headline_of

    assert headline_of(text) == title
    docs, _ = split(read_bytes("a.txt", text.encode()))
    assert docs[0].title == title


def test_format_data_files_have_one_valid_entry_per_line():
    from etl.knowledge import read_csv

    names = read_csv("language_names.csv")
    assert names and all(r["lang"] in ("ar", "hi", "zh", "en") and r["name"] for r in names)
    assert len({r["name"].casefold() for r in names}) == len(names)
    bylines = read_csv("byline_words.csv")
    assert {r["lang"] for r in bylines} == {"ar", "hi", "zh", "en"} and all(r["word"] for r in bylines)
    fields = read_csv("news_api_fields.csv")
    assert all(r["field"] in ("text", "title", "url", "published", "lang", "site", "author") and r["key"] for r in fields)
    assert {r["published_from"] for r in fields if r["field"] == "published"} == {"metadata", "crawl"}
    assert all(not r["published_from"] for r in fields if r["field"] != "published")
