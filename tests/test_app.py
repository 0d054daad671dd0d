"""The Streamlit script, run headless with AppTest on the tiny dataset (written with pandas to a
temporary directory, so these tests do not need the ETL).

What is checked: the app runs without exception on every tab; each sidebar filter changes what
the charts (the figure JSON Streamlit sends) and the table contain; the state round-trips
through the URL; the CSV download holds exactly the filtered rows; drill-down, empty results,
missing data, read-only mode and uploads behave.
"""
from __future__ import annotations

import base64
import io
import json
import re
import sys
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import streamlit.testing.v1.app_test as app_test_module
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

from dashboard import data, filters
from dashboard import labels as words
from dashboard.sample import tiny_tables, write_store
from etl import schema

APP = str(Path(__file__).resolve().parents[1] / "dashboard" / "app.py")
TABS = filters.TABS


@pytest.fixture(autouse=True)
def main_module_restored():
    """AppTest runs the script as __main__ and leaves it there; a later test that starts worker
    processes (the Dask cluster) would then re-run the dashboard in every child."""
    main = sys.modules.get("__main__")
    yield
    sys.modules["__main__"] = main


@pytest.fixture
def store(tmp_path, monkeypatch):
    t = tiny_tables()
    out = write_store(t.mentions, t.documents, t.errors, tmp_path / "store")
    monkeypatch.setenv(data.ENV_DATA, str(out))
    monkeypatch.delenv(data.ENV_READ_ONLY, raising=False)
    return out


class RecordingStorage(MemoryMediaFileStorage):
    """The in-memory media store AppTest uses, remembered so a test can read download bytes."""

    instances: list["RecordingStorage"] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        RecordingStorage.instances.append(self)


@pytest.fixture
def media(monkeypatch):
    RecordingStorage.instances.clear()
    monkeypatch.setattr(app_test_module, "MemoryMediaFileStorage", RecordingStorage)
    return RecordingStorage.instances


def new_app() -> AppTest:
    return AppTest.from_file(APP, default_timeout=60)


def run(at: AppTest, tab: str | None = None) -> AppTest:
    if tab is not None:
        at.session_state["tab"] = tab
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


def figures(at: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def values(v) -> list:
    """A trace array from the figure JSON: plotly writes numeric arrays as base64 typed arrays."""
    if isinstance(v, dict) and "bdata" in v:
        return np.frombuffer(base64.b64decode(v["bdata"]), dtype=v["dtype"]).tolist()
    return list(v)


def chart_data(at: AppTest) -> list:
    """What every chart draws (the traces, and the note of an empty chart), on every tab."""
    out = []
    for tab in TABS:
        run(at, tab)
        out.extend((tab, fig["data"], [a.get("text") for a in fig["layout"].get("annotations", [])]) for fig in figures(at))
    return out


def table(at: AppTest) -> pd.DataFrame:
    run(at, "Mentions table")
    return coded(at.dataframe[0].value)


def coded(shown: pd.DataFrame) -> pd.DataFrame:
    """A table as shown (headers and values in words) with the table's codes again, to compare
    with the data: the inverse of dashboard.labels.table."""
    names = {words.column(c): c for c in schema.MENTION_COLUMNS}
    out = shown.rename(columns=names)
    for col, mapping in words.VALUES.items():
        if col in out.columns:
            back = {v: k for k, v in mapping.items()}
            out[col] = out[col].map(lambda v: back.get(v, v))
    return out


def download_bytes(at: AppTest, media, key: str) -> bytes:
    url = at.download_button(key=key).proto.url
    assert url, "the download was not built inline"
    return media[-1].get_file(url.rsplit("/", 1)[-1]).content


# --- it runs ------------------------------------------------------------------------------------

def test_every_tab_runs(store):
    at = new_app()
    counts = {}
    for tab in TABS:
        run(at, tab)
        counts[tab] = len(at.get("plotly_chart"))
    assert counts == {"Overview": 3, "Timeline": 1, "Open vs closed": 3, "Funding": 2, "Mentions table": 0}
    run(at, "Overview")
    assert {m.label: m.value for m in at.metric} == {
        "Documents": "4", "Languages": "4", "Mentions": "21", "Companies & products": "11",
        "Undated documents": "1", "ETL errors": "1",
    }
    assert "Published between 2024-10-02 and 2025-02-11 (133 days)." in [c.value for c in at.caption]
    assert at.file_uploader, "uploads are on unless read-only"


def test_timeline_says_how_many_documents_are_undated(store):
    at = run(new_app(), "Timeline")
    assert any("for want of a date: 1 document with 3 company/product mentions" in c.value for c in at.caption)


def test_the_table_is_the_mentions_table(store):
    at = new_app()
    shown = table(at)
    assert sorted(shown.columns) == sorted(schema.MENTION_COLUMNS)
    headers = list(at.dataframe[0].value.columns)  # in words, one for each column, the article first
    assert sorted(headers) == sorted(words.column(c) for c in schema.MENTION_COLUMNS) and len(set(headers)) == len(headers)
    assert headers[:3] == ["Article", "Name", "Kind"] and headers.index("Document id") > headers.index("Sentence")
    assert not {"doc_id", "amount_usd", "money_type", "published_from"} & set(headers)
    assert len(shown) == 21


def test_a_rewritten_store_is_reloaded(store):
    at = run(new_app())
    assert {m.label: m.value for m in at.metric}["Mentions"] == "21"
    t = tiny_tables()
    write_store(t.mentions[t.mentions["lang"] == "hi"], t.documents, t.errors, store)  # as `python -m etl run` would
    run(at)
    assert {m.label: m.value for m in at.metric}["Mentions"] == "6"


def test_an_older_version_is_let_go_once_a_newer_one_is_served(tmp_path, monkeypatch):
    """Its long texts stay in its part files (a large store), so the dashboard holds the version
    while it serves it; once a newer one is served, the older one is deleted at the next switch."""
    from etl import store as etl_store_module

    t = tiny_tables()
    out = tmp_path / "store"

    def new_version(mentions):
        etl_store_module.write(etl_store_module.Tables(mentions, t.documents, t.errors), out)
        return (out / "current").resolve()

    first = new_version(t.mentions)
    monkeypatch.setenv(data.ENV_DATA, str(out))
    monkeypatch.setattr(data, "TEXT_IN_MEMORY_ROWS", 0)
    at = run(new_app())
    second = new_version(t.mentions[t.mentions["lang"] == "hi"])
    assert first.exists()  # still served: not deleted under the page
    run(at)
    assert {m.label: m.value for m in at.metric}["Mentions"] == "6"
    new_version(t.mentions[t.mentions["lang"] == "ar"])
    assert not first.exists() and second.exists()  # the older one went; the one served stays


def test_data_directory_from_the_command_line_wins(tmp_path, monkeypatch):
    monkeypatch.setenv(data.ENV_DATA, "/env/dir")
    assert data.data_dir(["--data", str(tmp_path)], {data.ENV_DATA: "/env/dir"}) == tmp_path
    assert data.data_dir(["-q", "tests/test_app.py"], {data.ENV_DATA: "/env/dir"}) == Path("/env/dir")
    assert data.data_dir(["--data"], {}) is None
    assert data.data_dir([], {}) is None  # the seeds


def test_scope_comes_from_the_command_line_or_the_environment():
    assert data.scope(["--lang", "hi,AR", "--since", "2025-01-01"], {}) == data.Scope(("ar", "hi"), date(2025, 1, 1))
    assert data.scope([], {data.ENV_LANGS: "zh", data.ENV_UNTIL: "2024-12-31"}) == data.Scope(("zh",), None, date(2024, 12, 31))
    assert data.scope(["--since", "last week"], {}) == data.Scope()  # unreadable: the whole store
    assert not data.Scope()


@pytest.fixture
def etl_store(tmp_path):
    """The tiny tables as `python -m etl run` writes them: one part file per language."""
    from etl import store as etl_store_module

    t = tiny_tables()
    return etl_store_module.write(etl_store_module.Tables(t.mentions, t.documents, t.errors), tmp_path / "etl-store")


def test_a_scoped_store_reads_only_its_languages_and_dates(etl_store, monkeypatch):
    opened = []
    original = data.pq.ParquetDataset

    def recording(files, *args, **kwargs):
        opened.append(files)
        return original(files, *args, **kwargs)

    monkeypatch.setattr(data.pq, "ParquetDataset", recording)
    scope = data.Scope(("ar", "zh"), since=date(2025, 1, 1))
    scoped = data.read_store(etl_store, scope=scope)
    mentions = scoped.mentions  # the light columns and the background text columns, aligned
    mention_files = [Path(f).name for files in opened if isinstance(files, list) for f in files]
    assert mention_files and {name.split("-")[0] for name in mention_files} == {"ar", "zh"}  # hi and en never opened

    whole = data.read_store(etl_store).mentions
    expected = whole[whole["lang"].isin(["ar", "zh"]) & (whole["published"] >= pd.Timestamp("2025-01-01"))]
    key = ["doc_id", "start", "end", "kind"]
    got = data.to_schema(mentions).sort_values(key).reset_index(drop=True)
    pd.testing.assert_frame_equal(got, data.to_schema(expected).sort_values(key).reset_index(drop=True))
    assert len(got) > 0 and set(scoped.documents["lang"]) <= {"ar", "zh"}


def test_a_large_store_leaves_its_texts_in_the_part_files_and_reads_the_same_rows(etl_store):
    scope = data.Scope(("ar", "zh"))
    for kept in (data.Scope(), scope):
        memory = data.read_store(etl_store, scope=kept)
        disk = data.read_store(etl_store, scope=kept, text_in_memory_rows=0)
        assert isinstance(disk.text, data.ColumnsOnDisk) and isinstance(memory.text, data.LazyColumns)
        labels = list(memory.light.index)
        asked = labels[::-1] + labels[:2]  # any order, repeats
        pd.testing.assert_frame_equal(data.to_schema(disk.rows(asked)), data.to_schema(memory.rows(asked)))
        assert list(disk.rows(asked).index) == asked
        assert disk.rows([]).empty and list(disk.rows([]).columns) == list(memory.rows([]).columns)
        pd.testing.assert_frame_equal(disk.events, memory.events)
    with pytest.raises(KeyError):
        disk.rows([10_000])


def test_the_funding_events_the_etl_wrote_are_the_ones_the_dashboard_would_compute(tmp_path):
    from dataclasses import replace

    from dashboard.sample import synthetic_mentions
    from etl import events as etl_events
    from etl.store import StoreWriter

    t = synthetic_mentions(20_000, seed=3)
    with StoreWriter(tmp_path / "store") as writer:  # as `etl run` writes a store
        writer.add(t.mentions)
        writer.commit(t.documents, t.errors, etl_events.write_events(writer))
    read = data.prepare(data.read_store(tmp_path / "store")).dataset
    assert read.funding is not None and len(read.funding) > 100
    computed = replace(read, funding=None).events
    pd.testing.assert_frame_equal(read.events, computed)
    assert data.read_store(tmp_path / "store", scope=data.Scope(("ar",))).funding is None  # a scope: from its own rows


def test_texts_left_on_disk_stay_readable_after_a_new_run(etl_store):
    from etl import store as etl_store_module

    disk = data.read_store(etl_store, text_in_memory_rows=0)
    before = data.to_schema(disk.mentions)
    t = tiny_tables()
    etl_store_module.write(etl_store_module.Tables(t.mentions.head(3), t.documents, t.errors), etl_store)
    assert len(data.read_store(etl_store).light) == 3  # the new version is current
    pd.testing.assert_frame_equal(data.to_schema(disk.mentions), before)  # the held one is still whole


def test_a_part_file_gone_is_a_clear_error(tmp_path):
    from etl import store as etl_store_module

    t = tiny_tables()
    out = etl_store_module.write(etl_store_module.Tables(t.mentions, t.documents, t.errors), tmp_path / "store")
    disk = data.read_store(out, text_in_memory_rows=0)
    for part in (out / "mentions.parquet").glob("*.parquet"):
        part.unlink()  # what no ETL run does to a version that is being read
    with pytest.raises(data.DataUnavailable, match="could not read the sentences"):
        disk.rows(disk.light.index[:3])


def test_every_tab_runs_with_the_texts_left_on_disk(etl_store, monkeypatch):
    monkeypatch.setenv(data.ENV_DATA, str(etl_store))
    monkeypatch.setattr(data, "TEXT_IN_MEMORY_ROWS", 0)
    at = run(new_app())
    for tab in filters.TABS:
        at.session_state["tab"] = tab
        at.run()
        assert not at.exception, (tab, [e.value for e in at.exception])
    at.session_state["tab"] = filters.TABS[-1]
    at.run()
    assert any("DeepSeek" in str(df.value.to_dict()) for df in at.dataframe)
    at.selectbox(key="drill_entity").set_value("DeepSeek").run()
    assert not at.exception
    assert any("ديبسيك" in h.proto.body for h in at.get("html"))  # its sentences, read from the part files


def test_the_page_says_which_scope_it_serves(etl_store, monkeypatch):
    monkeypatch.setenv(data.ENV_DATA, str(etl_store))
    monkeypatch.setenv(data.ENV_LANGS, "hi")
    at = run(new_app())
    assert {m.label: m.value for m in at.metric}["Mentions"] == "6"
    assert any(f"“{etl_store.name}” (hi)" in shown(c.value) for c in at.caption)
    assert not any(str(etl_store.parent) in c.value for c in at.caption)  # no server path on the page


# --- every filter changes what is shown ----------------------------------------------------------

FILTER_CHANGES = {
    "dates": (lambda at: at.date_input(key="f_dates").set_value((date(2025, 1, 1), date(2025, 2, 11))),
              lambda t: set(t["lang"]) == {"ar", "zh", "en"} and len(t) == 15),
    "undated": (lambda at: at.checkbox(key="f_undated").uncheck(), lambda t: "en" not in set(t["lang"]) and len(t) == 17),
    "languages": (lambda at: at.multiselect(key="f_langs").set_value(["hi"]), lambda t: set(t["lang"]) == {"hi"} and len(t) == 6),
    "companies": (lambda at: at.multiselect(key="f_companies").set_value(["OpenAI"]),
                  lambda t: set(t["company"]) == {"OpenAI"} and len(t) == 5),
    "products": (lambda at: at.multiselect(key="f_products").set_value(["Qwen"]), lambda t: list(t["entity"]) == ["Qwen"]),
    "kinds": (lambda at: at.multiselect(key="f_kinds").set_value(["company", "product"]),
              lambda t: set(t["kind"]) == {"company", "product"} and len(t) == 16),
    "licenses": (lambda at: at.multiselect(key="f_licenses").set_value(["closed"]),
                 lambda t: set(t["license"]) == {"closed"} and len(t) == 4),
    "sources": (lambda at: at.multiselect(key="f_sources").set_value(["ar/deepseek.txt"]),
                lambda t: set(t["source"]) == {"ar/deepseek.txt"} and len(t) == 7),
}


@pytest.mark.parametrize("name", FILTER_CHANGES, ids=str)
def test_each_filter_changes_charts_and_table(store, name):
    at = new_app()
    before_charts, before_table = chart_data(at), table(at)
    change, expected = FILTER_CHANGES[name]
    change(at)
    after_charts, after_table = chart_data(at), table(at)
    assert after_charts != before_charts
    assert len(after_table) < len(before_table)
    assert expected(after_table)


def lines(fig: dict) -> dict[str, list]:
    """entity -> the values of its line (the volume strip's bars left out)."""
    return {t["name"]: values(t["y"]) for t in fig["data"] if t["type"] == "scatter"}


def test_view_options_change_the_timeline(store):
    at = run(new_app(), "Timeline")
    monthly = figures(at)[0]["data"]
    at.selectbox(key="v_grain").set_value("year")
    run(at)
    yearly = figures(at)[0]
    assert yearly["data"] != monthly and {x[:4] for trace in yearly["data"] for x in values(trace["x"])} == {"2024", "2025"}
    # by default, the share of documents: 2024 has one dated document (Hindi, OpenAI), 2025 two
    # (Arabic: DeepSeek and OpenAI; Chinese: DeepSeek)
    assert lines(yearly)["OpenAI"] == [1.0, 0.5] and lines(yearly)["DeepSeek"] == [0.0, 1.0]
    strip = [t for t in yearly["data"] if t["type"] == "bar"]
    assert len(strip) == 1 and values(strip[0]["y"]) == [1, 2]  # all documents per year, under the lines
    at.radio(key="v_measure").set_value("documents")
    run(at)
    assert lines(figures(at)[0])["DeepSeek"] == [0, 2] and lines(figures(at)[0])["OpenAI"] == [1, 1]
    at.radio(key="v_measure").set_value("mentions")
    run(at)
    assert lines(figures(at)[0])["DeepSeek"] == [0, 3] and lines(figures(at)[0])["OpenAI"] == [2, 1]
    assert at.query_params["measure"] == ["mentions"] or at.query_params["measure"] == "mentions"
    at.slider(key="v_top").set_value(1)
    run(at)
    assert list(lines(figures(at)[0])) == ["DeepSeek"]


# --- URL ----------------------------------------------------------------------------------------

def test_state_is_read_from_the_url(store):
    at = new_app()
    at.query_params.update({"lang": ["ar", "hi"], "kind": "company", "tab": "Mentions table", "grain": "week"})
    run(at)
    assert at.multiselect(key="f_langs").value == ["ar", "hi"]
    shown = coded(at.dataframe[0].value)
    assert set(shown["lang"]) == {"ar", "hi"} and set(shown["kind"]) == {"company"} and len(shown) == 5 + 3
    assert at.selectbox(key="v_grain").value == "week"


def test_changes_are_written_to_the_url(store):
    at = run(new_app())
    assert at.query_params == {}
    at.multiselect(key="f_langs").set_value(["ar", "zh"])
    at.multiselect(key="f_licenses").set_value(["open"])
    at.date_input(key="f_dates").set_value((date(2025, 1, 1), date(2025, 2, 11)))
    run(at, "Funding")
    assert at.query_params == {"lang": ["ar", "zh"], "license": "open", "from": "2025-01-01", "tab": "Funding"}
    # the same URL opened in a new session gives the same view
    again = new_app()
    again.query_params.update(at.query_params)
    run(again)
    assert again.multiselect(key="f_langs").value == ["ar", "zh"]
    assert again.session_state["tab"] == "Funding"


def test_values_in_the_url_that_do_not_exist_are_ignored(store):
    at = new_app()
    at.query_params.update({"company": ["OpenAI", "NoSuchCo"], "from": "1999-01-01", "kind": "nonsense"})
    run(at)
    assert at.multiselect(key="f_companies").value == ["OpenAI"]


# --- CSV ----------------------------------------------------------------------------------------

def test_download_holds_exactly_the_filtered_rows(store, media):
    at = run(new_app())
    at.multiselect(key="f_langs").set_value(["ar"])
    run(at, "Mentions table")
    raw = download_bytes(at, media, "download_mentions")
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM for Excel
    csv = pd.read_csv(io.BytesIO(raw), encoding="utf-8-sig")
    assert list(csv.columns) == list(schema.MENTION_COLUMNS)  # the download keeps the contract's names and order
    assert sorted(csv.columns) == sorted(coded(at.dataframe[0].value).columns)
    expected = tiny_tables().mentions
    expected = expected[expected["lang"] == "ar"]
    assert len(csv) == 7
    assert list(csv["text"]) == list(expected["text"])
    assert list(csv["sentence"]) == list(expected["sentence"])
    assert list(csv["doc_id"]) == list(expected["doc_id"])


def test_no_download_larger_than_a_spreadsheet(store, media, monkeypatch):
    monkeypatch.setattr(data, "SPREADSHEET_ROWS", 5)
    at = run(new_app(), "Mentions table")
    button = at.button(key="download_mentions")
    assert button.disabled and "more than a spreadsheet holds" in button.help and "etl export" in button.help
    at.multiselect(key="f_langs").set_value(["en"])  # 4 rows
    run(at)
    assert download_bytes(at, media, "download_mentions").count(b"\n") == 5  # the header and its 4 rows


def test_funding_download(store, media):
    at = run(new_app(), "Funding")
    csv = pd.read_csv(io.BytesIO(download_bytes(at, media, "download_funding")), encoding="utf-8-sig")
    assert list(csv["amount_usd"]) == [5e10, 6.6e9, 4e9, 1.3e9]
    assert "sentence" in csv.columns and "investor" in csv.columns


# --- drill-down, empty results, failures ---------------------------------------------------------

def test_choosing_an_entity_shows_its_sentences_escaped(store):
    at = run(new_app())
    at.selectbox(key="drill_entity").set_value("Anthropic")
    run(at)
    html = "".join(h.value for h in at.get("html"))
    assert "<mark>Anthropic</mark>" in html
    assert "&lt;script&gt;" in html and "<script>" not in html
    assert "&lt;img src=x onerror=" in html and "<img" not in html
    at.multiselect(key="f_langs").set_value(["ar"])  # drill-down follows the filters
    run(at)
    assert "No source sentences" in "".join(h.value for h in at.get("html"))


def test_new_organisations_and_their_sentences(store):
    at = run(new_app())
    assert any("New organisations for review: 1" in h.value for h in at.subheader)
    at.button(key="drill_unlinked").click()
    run(at)
    html = "".join(h.value for h in at.get("html"))
    assert "<mark>نوفا لابز</mark>" in html and html.count('<div class="item">') == 1


def test_arabic_sentences_are_right_to_left(store):
    at = run(new_app())
    at.selectbox(key="drill_entity").set_value("DeepSeek")
    run(at)
    html = "".join(h.value for h in at.get("html"))
    assert 'dir="rtl" lang="ar"' in html and "<mark>ديبسيك</mark>" in html and "<mark>深度求索</mark>" in html


def test_an_empty_result_is_a_friendly_message(store):
    at = run(new_app())
    at.multiselect(key="f_langs").set_value(["ar"])
    at.multiselect(key="f_kinds").set_value(["date"])
    run(at)
    assert any("No mentions match these filters" in i.value for i in at.info)
    assert not at.get("plotly_chart")


def test_an_empty_or_undated_dataset_still_works(tmp_path, monkeypatch):
    errors = schema.errors_frame([{"source": "a.txt", "error": "extraction failed"}, {"source": "b.txt", "error": "bad"}])
    empty = write_store(schema.mentions_frame([]), schema.documents_frame([]), errors, tmp_path / "empty")
    monkeypatch.setenv(data.ENV_DATA, str(empty))
    at = run(new_app())
    assert "This dataset has no mentions (0 documents, 2 ETL errors)." in [w.value for w in at.warning]
    assert list(at.dataframe[0].value["Read from"]) == ["a.txt", "b.txt"]
    t = tiny_tables()
    undated = write_store(t.mentions.assign(published=pd.NaT), t.documents.assign(published=pd.NaT), t.errors, tmp_path / "undated")
    monkeypatch.setenv(data.ENV_DATA, str(undated))
    at = run(new_app(), "Timeline")
    assert not at.date_input  # nothing to choose from
    assert charts_note(at) == ["No data for this selection"]
    assert len(table(at)) == 21


def charts_note(at: AppTest) -> list[str]:
    return [a.get("text") for fig in figures(at) for a in fig["layout"].get("annotations", [])]


def test_missing_data_is_explained(tmp_path, monkeypatch):
    monkeypatch.setenv(data.ENV_DATA, str(tmp_path / "nowhere"))
    at = new_app().run()
    assert not at.exception
    assert "does not exist" in at.error[0].value


def test_read_only_switches_uploads_off(store, monkeypatch):
    monkeypatch.setenv(data.ENV_READ_ONLY, "1")
    at = run(new_app())
    assert not at.file_uploader
    assert any("Read-only" in c.value for c in at.caption)


def _uploaded_tables(files):
    """Stands in for etl.extract_uploads: one new English document per good file, errors for bad."""
    docs, rows, errors = [], [], []
    for name, raw in files:
        if not raw.strip():
            errors.append({"source": name, "error": "empty file"})
            continue
        doc = {"doc_id": f"up_{name}", "source": name, "lang": "en", "published": "2025-03-01", "published_from": "metadata"}
        sentence = raw.decode()
        docs.append({**doc, "lang_from": "metadata", "title": name, "chars": len(sentence), "sentences": 1, "mentions": 1})
        rows.append({**doc, "sentence_id": 0, "sentence": sentence, "start": 0, "end": 7, "text": "Mistral", "kind": "company",
                     "entity": "Mistral AI", "company": "Mistral AI", "extractor": "gazetteer", "linked": True})
    return type("Tables", (), {"mentions": schema.mentions_frame(rows), "documents": schema.documents_frame(docs),
                               "errors": schema.errors_frame(errors)})()


def test_upload_is_extracted_merged_and_reported(store, monkeypatch):
    monkeypatch.setattr(data, "extract_uploads", _uploaded_tables)
    at = run(new_app())
    at.file_uploader(key="uploader").set_value([
        ("news.txt", b"Mistral raised money.", "text/plain"),
        ("[x](http://evil).txt", b"  ", "text/plain"),
    ])
    run(at, "Overview")
    assert {m.label: m.value for m in at.metric}["Mentions"] == "22"
    assert {m.label: m.value for m in at.metric}["ETL errors"] == "2"  # the bad upload joins the list
    assert any("news.txt: 1 document, 1 mention added" == shown(s.value) for s in at.success)
    # a bad file is reported, its Markdown-looking name shown literally (escaped)
    assert any(shown(w.value) == "[x](http://evil).txt: empty file" and "\\[x\\]" in w.value for w in at.warning)
    assert "Mistral AI" in at.multiselect(key="f_companies").options
    at.multiselect(key="f_companies").set_value(["Mistral AI"])
    assert list(table(at)["sentence"]) == ["Mistral raised money."]


def test_sessions_looking_at_the_same_view_share_its_answers(store, monkeypatch):
    from dashboard import summaries

    calls = []
    original = summaries.overview
    monkeypatch.setattr(summaries, "overview", lambda *a, **k: calls.append(1) or original(*a, **k))
    first = run(new_app())
    first.multiselect(key="f_langs").set_value(["ar"])
    run(first)
    assert len(calls) == 2  # all languages, then Arabic
    second = run(new_app())
    second.multiselect(key="f_langs").set_value(["ar"])
    run(second)
    assert len(calls) == 2  # the other session's answers, not computed again
    assert [m.value for m in second.metric] == [m.value for m in first.metric]
    second.multiselect(key="f_langs").set_value(["hi"])
    run(second)
    assert len(calls) == 3 and {m.label: m.value for m in second.metric}["Mentions"] == "6"


def test_oversized_upload_is_refused_with_a_message(store, monkeypatch):
    monkeypatch.setattr(data, "extract_uploads", _uploaded_tables)
    monkeypatch.setenv(data.ENV_MAX_FILE_MB, "0.00001")  # about 10 bytes
    at = run(new_app())
    at.file_uploader(key="uploader").set_value(("big.txt", b"Mistral raised a lot of money.", "text/plain"))
    at.run()
    assert not at.exception
    assert any(shown(e.value).startswith("big.txt is 30 bytes; the limit is 10 bytes per file.") for e in at.error)
    assert {m.label: m.value for m in run_overview_metrics(at)}["Mentions"] == "21"


def shown(markdown: str) -> str:
    """What a reader sees of escaped Markdown."""
    return re.sub(r"\\(.)", r"\1", markdown)


def run_overview_metrics(at: AppTest):
    at.session_state["tab"] = "Overview"
    at.run()
    return at.metric


# --- entity pages, drill-down per tab, names (issue 17) ------------------------------------------

def test_an_entity_page_opens_from_the_url_and_its_url_round_trips(store):
    at = new_app()
    at.query_params.update({"entity": "DeepSeek", "compare": ["OpenAI", "Qwen"]})
    run(at)
    assert [h.value for h in at.header if h.value == "DeepSeek"]
    assert not at.get("tabs") or all(t.label != "Overview" for t in at.get("tab"))  # the page, not the tabs
    assert at.multiselect(key="compare").value == ["OpenAI", "Qwen"]
    timeline = figures(at)[0]
    assert list(lines(timeline)) == ["DeepSeek", "OpenAI", "Qwen"]  # side by side, on the same axes
    tables = [d.value for d in at.dataframe]
    compared = [t for t in tables if "Name" in t.columns][0]
    assert compared["Name"].tolist() == ["DeepSeek", "OpenAI", "Qwen"]
    assert compared.set_index("Name")["Raised (USD, each event once)"].to_dict() == {"DeepSeek": "$1.3B", "OpenAI": "$6.6B", "Qwen": ""}
    funding = [t for t in tables if "lead investor" in t.columns][0]
    assert len(funding) == 1 and "company" not in funding.columns
    assert funding.iloc[0][["type", "round", "amount (USD)", "lead investor"]].tolist() == ["Funding", "Series B", "$1.3B", "High-Flyer"]
    assert {k: at.query_params.get_all(k) if hasattr(at.query_params, "get_all") else at.query_params[k]
            for k in at.query_params} in ({"entity": ["DeepSeek"], "compare": ["OpenAI", "Qwen"]},
                                           {"entity": "DeepSeek", "compare": ["OpenAI", "Qwen"]})
    again = new_app()
    again.query_params.update(at.query_params)
    run(again)
    assert again.session_state["entity"] == "DeepSeek" and again.multiselect(key="compare").value == ["OpenAI", "Qwen"]
    again.button(key="entity_close").click()
    run(again)
    assert "entity" not in again.query_params and len(again.get("plotly_chart")) == 3  # back on the Overview


def test_a_product_page_names_its_maker(store):
    at = new_app()
    at.query_params.update({"entity": "ChatGPT"})
    run(at)
    assert any("made by OpenAI" in c.value for c in at.caption)
    at.button(key="open_maker").click()
    run(at)
    assert at.session_state["entity"] == "OpenAI"


def test_the_search_box_opens_a_page(store):
    at = run(new_app())
    at.selectbox(key="entity_box").set_value("Qwen")
    run(at)
    assert at.session_state["entity"] == "Qwen" and at.query_params["entity"] in ("Qwen", ["Qwen"])


def test_the_drill_down_belongs_to_its_tab_and_is_in_the_url(store):
    at = run(new_app())
    at.selectbox(key="drill_entity").set_value("Anthropic")
    run(at)
    assert "<mark>Anthropic</mark>" in "".join(h.value for h in at.get("html"))
    assert at.query_params["drill"] in ("entity:Anthropic", ["entity:Anthropic"])
    run(at, "Funding")
    assert "<mark>Anthropic</mark>" not in "".join(h.value for h in at.get("html"))  # not on the next tab
    assert at.selectbox(key="drill_entity").value is None and "drill" not in at.query_params
    run(at, "Overview")
    assert "<mark>Anthropic</mark>" in "".join(h.value for h in at.get("html"))  # still on its own tab
    shared = new_app()
    shared.query_params.update({"tab": "Open vs closed", "drill": ["license:closed", "license_from:context"]})
    run(shared)
    html = "".join(h.value for h in shared.get("html"))
    assert html.count('<div class="item">') == 2 and "Closed, stated in the text" in html  # 3 mentions, 2 sentences
    assert any("Closed, stated in the text" in shown(m.value) for m in shared.markdown)  # the target in words


def download_name(at: AppTest, media, key: str) -> str:
    url = at.download_button(key=key).proto.url
    return media[-1].get_file(url.rsplit("/", 1)[-1]).filename


def test_download_names_say_what_they_hold(store, media):
    at = run(new_app())
    at.multiselect(key="f_companies").set_value(["DeepSeek"])
    at.multiselect(key="f_langs").set_value(["ar"])
    at.date_input(key="f_dates").set_value((date(2025, 1, 1), date(2025, 2, 11)))
    run(at, "Mentions table")
    assert download_name(at, media, "download_mentions") == "mentions_DeepSeek_ar_2025.csv"
    run(at, "Funding")
    assert download_name(at, media, "download_funding") == "funding_DeepSeek_ar_2025.csv"


def test_labels_are_words(store, monkeypatch):
    at = run(new_app(), "Funding")
    for frame in (d.value for d in at.dataframe):
        assert not any("_" in c for c in frame.columns), list(frame.columns)
        cells = frame.astype(str).to_numpy().ravel().tolist()
        assert "None" not in cells and "series_b" not in cells and "knowledge_base" not in cells
    events = at.dataframe[-1].value  # the funding events table
    assert "$1.3B" in events["amount (USD)"].tolist(), events["amount (USD)"].tolist()
    run(at, "Open vs closed")
    split = figures(at)[0]
    assert "come from the knowledge base" in split["layout"]["title"]["text"]
    monkeypatch.setenv(data.ENV_MAX_FILE_MB, "7")
    at = run(new_app())
    uploader = at.file_uploader(key="uploader")
    assert "at most 7 MB per file" in uploader.label and uploader.proto.max_upload_size_mb == 7
