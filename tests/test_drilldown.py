"""Drill-down HTML: everything from documents escaped, right-to-left for Arabic, the mention
highlighted where it is; and chart clicks mapped back to the rows behind them."""
from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from dashboard import charts, data, drilldown, funding_tab
from dashboard import labels as words
from dashboard.drilldown import Target
from dashboard.sample import AR_1, EN_1, EN_2, tiny_tables
from etl import schema


@pytest.fixture(scope="module")
def tiny():
    return tiny_tables()


def marked(html: str) -> list[str]:
    return re.findall(r"<mark>(.*?)</mark>", html)


# --- escaping -----------------------------------------------------------------------------------

def test_script_in_sentence_is_escaped():
    out = drilldown.sentence_html(EN_1, "en", ["Anthropic"])
    assert "<script>" not in out and "</script>" not in out
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in out
    assert marked(out) == ["Anthropic"]


def test_img_onerror_in_sentence_is_escaped():
    out = drilldown.sentence_html(EN_2, "en", ["Claude"])
    assert "<img" not in out
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in out


def test_mention_text_with_markup_is_escaped_inside_the_mark():
    sentence = 'Acme <b onclick="x()">Labs</b> raised money.'
    out = drilldown.sentence_html(sentence, "en", ['<b onclick="x()">Labs</b>'])
    assert marked(out) == ["&lt;b onclick=&quot;x()&quot;&gt;Labs&lt;/b&gt;"]
    assert "<b" not in out.replace("<mark>", "")


def test_only_our_tags_survive(tiny):
    out = drilldown.mentions_html(tiny.mentions, tiny.documents, limit=100)
    tags = set(re.findall(r"<\s*([a-zA-Z]+)", out))
    assert tags <= {"style", "div", "mark", "a", "p", "span", "bdi", "b"}
    assert "Anthropic &lt;b&gt;news&lt;/b&gt;" in out  # a title carrying markup


def test_hostile_language_code_is_dropped():
    out = drilldown.sentence_html("hello OpenAI", 'en" onmouseover="alert(1)', ["OpenAI"])
    assert "onmouseover" not in out
    assert " lang=" not in out


def test_only_http_links(tiny):
    out = drilldown.mentions_html(tiny.mentions, tiny.documents, limit=100)
    assert 'href="https://example.com/ar"' in out
    assert "javascript:" not in out  # the Hindi document's url is javascript:alert(1)


def test_markdown_from_documents_is_shown_literally():
    out = drilldown.escape_markdown("[win](javascript:alert(1)) **x** $E=mc^2$ :rocket: <b>")
    assert out == r"\[win\]\(javascript\:alert\(1\)\) \*\*x\*\* \$E=mc^2\$ \:rocket\: \<b\>"


def test_chart_labels_from_documents_are_escaped_for_plotly():
    rows = [{"doc_id": "d", "source": "s", "lang": "en", "published": "2025-01-01", "kind": "company", "text": "x",
             "entity": '<a href="https://evil.example">Acme</a>', "company": "<b>Acme</b>", "license": "open",
             "license_from": "context", "linked": False}]
    df = schema.mentions_frame(rows)
    for fig in (charts.timeline(df), charts.license_by_company(df), charts.new_organisations(df)):
        text = fig.to_json()
        assert "<a href" not in text and "<b>Acme" not in text
        assert "&lt;" in text
    custom = charts.new_organisations(df).data[0].customdata[0]  # the drill-down still gets the real name
    assert drilldown.rows_for(df, drilldown.target_from_point({"customdata": custom}))["text"].tolist() == ["x"]


# --- direction and language ---------------------------------------------------------------------

def test_arabic_is_right_to_left():
    out = drilldown.sentence_html(AR_1, "ar", ["ديبسيك"])
    assert out.startswith('<div class="sentence" dir="rtl" lang="ar">')


@pytest.mark.parametrize("lang", ["hi", "zh", "en"])
def test_other_scripts_let_the_browser_decide(lang):
    out = drilldown.sentence_html("x OpenAI", lang, ["OpenAI"])
    assert f'dir="auto" lang="{lang}"' in out


def test_each_block_carries_document_date_and_language(tiny):
    rows = tiny.mentions[tiny.mentions["doc_id"] == "d_ar"]
    out = drilldown.mentions_html(rows, tiny.documents)
    assert out.count('<div class="item">') == 3  # three sentences
    assert "ديبسيك تطلق R1" in out and "ar/deepseek.txt" in out and "2025-01-20" in out
    assert out.count('dir="rtl" lang="ar"') == 3
    undated = drilldown.mentions_html(tiny.mentions[tiny.mentions["doc_id"] == "d_en"], tiny.documents)
    assert "undated" in undated and "NaT" not in undated


# --- where the highlight goes -------------------------------------------------------------------

def test_highlight_in_arabic_is_at_the_right_place():
    out = drilldown.sentence_html(AR_1, "ar", ["ديبسيك"])
    body = out[out.index(">") + 1: out.rindex("</div>")]
    assert body.startswith("أطلقت <mark>ديبسيك</mark> نموذجها")


def test_highlight_offsets():
    assert drilldown.locate("a OpenAI b OpenAI", "OpenAI") == (2, 8)
    assert drilldown.locate("a OpenAI b OpenAI", "OpenAI", occurrence=1) == (11, 17)
    assert drilldown.locate("a OpenAI b", "OpenAI", occurrence=5) == (2, 8)  # fewer occurrences: the first
    assert drilldown.locate("a OPENAI b", "OpenAI") == (2, 8)  # case-insensitive fallback
    assert drilldown.locate("nothing here", "OpenAI") is None


def test_one_row_marks_the_first_occurrence_two_rows_mark_both():
    sentence = "Claude is closed; Anthropic said Claude stays closed."
    one = drilldown.sentence_html(sentence, "en", ["Claude"])
    assert one.count("<mark>") == 1 and "<mark>Claude</mark> is closed" in one
    two = drilldown.sentence_html(sentence, "en", ["Claude", "Claude"])
    assert two.count("<mark>Claude</mark>") == 2


def test_several_mentions_in_one_sentence_are_all_marked(tiny):
    rows = tiny.mentions[(tiny.mentions["doc_id"] == "d_hi") & (tiny.mentions["sentence_id"] == 0)]
    out = drilldown.mentions_html(rows, tiny.documents)
    assert marked(out) == ["ओपनएआई", "ChatGPT", "मेटा", "Llama"]


def test_a_mention_not_in_the_sentence_is_named_not_marked():
    out = drilldown.sentence_html("no match <here>", "en", ["<OpenAI>"])
    assert "<mark>" not in out
    assert "(mention: &lt;OpenAI&gt;)" in out and "no match &lt;here&gt;" in out


def test_limit_and_total(tiny):
    out = drilldown.mentions_html(tiny.mentions, tiny.documents, limit=2)
    assert out.count('<div class="item">') == 2
    assert "and 7 more sentences" in out  # 9 sentences in all
    labels, total = drilldown.pick_sentences(tiny.mentions, limit=2)
    assert total == 9
    picked = tiny.mentions.loc[labels]
    # newest document first: the Chinese one (2025-02-11), both of its sentences
    assert set(picked["doc_id"]) == {"d_zh"} and len(picked) == 4
    assert drilldown.mentions_html(picked, tiny.documents, limit=2, total=total).count("and 7 more sentences") == 1


def _sentences_by_full_sort(rows: pd.DataFrame, limit: int) -> tuple[pd.Index, int]:
    """pick_sentences' answer the plain way: every row sorted (undated last, newest first, then
    document, sentence, offset), the rows of the first `limit` sentences in that order."""
    published = rows["published"]
    keys = pd.DataFrame({"undated": published.isna(), "newest": -published.fillna(pd.Timestamp(0)).astype("int64"),
                         "doc": rows["doc_id"].astype(str), "sid": rows["sentence_id"].fillna(-1),
                         "start": rows["start"].fillna(-1), "pos": range(len(rows))})
    ordered = keys.sort_values(["undated", "newest", "doc", "sid", "start", "pos"])
    sentence = list(zip(ordered["doc"], ordered["sid"]))
    first = list(dict.fromkeys(sentence))
    chosen = [s in set(first[:limit]) for s in sentence]
    return rows.index[ordered["pos"].to_numpy()[chosen]], len(first)


@pytest.mark.parametrize("seed", range(6))
def test_pick_sentences_sorts_only_the_newest_rows_and_agrees_with_a_full_sort(monkeypatch, seed):
    """Few rows sorted at first (the first 7 here), more when they hold too few sentences: the
    same rows in the same order as sorting them all, with ties of dates, undated documents and
    missing offsets."""
    import numpy as np

    monkeypatch.setattr(drilldown, "_FIRST_ROWS", 7)
    rng = np.random.default_rng(seed)
    n = 400
    doc = rng.integers(0, 40, n)
    days = pd.Series(pd.to_datetime("2025-01-01") + pd.to_timedelta(doc % 9, unit="D"))
    rows = pd.DataFrame({
        "published": days.where(doc % 5 != 0),  # every fifth document undated
        "doc_id": pd.Categorical([f"d{d:02}" for d in doc]),
        "sentence_id": pd.array(rng.integers(0, 6, n), dtype="Int64"),
        "start": pd.array(np.where(rng.random(n) < 0.05, None, rng.integers(0, 300, n)), dtype="Int64"),
    }, index=rng.permutation(n) + 1000)
    for limit in (1, 3, 50, 500):
        got, total = drilldown.pick_sentences(rows, limit)
        want, want_total = _sentences_by_full_sort(rows, limit)
        assert total == want_total
        assert list(got) == list(want)


def test_empty_selection():
    out = drilldown.mentions_html(schema.mentions_frame([]))
    assert "No source sentences" in out


# --- chart clicks to rows -----------------------------------------------------------------------

def test_target_from_a_selection_point():
    point = {"curve_number": 0, "point_index": 1, "customdata": json.dumps({"entity": "DeepSeek", "period": "2025-01-01", "grain": "month"})}
    t = drilldown.target_from_point(point)
    assert t == Target((("entity", "DeepSeek"),), "2025-01-01", "month")
    assert drilldown.target_from_point({"customdata": [point["customdata"]]}) == t  # list-shaped customdata
    assert drilldown.target_from_point({"customdata": "not json"}) is None
    assert drilldown.target_from_point({"x": 1}) is None
    assert drilldown.target_from_selection({"points": [{"x": 1}, point]}) == t
    assert drilldown.target_from_selection({"points": []}) is None


@pytest.mark.parametrize("prepare", [lambda df: df, lambda df: data.optimise(df, "mentions")], ids=["schema", "categorical"])
def test_every_chart_point_leads_to_its_rows(tiny, prepare):
    """Each mark's customdata selects exactly the rows it counts."""
    df = prepare(tiny.mentions)
    fig = charts.timeline(df, grain="month", top=20, measure="mentions")
    for trace in fig.data:
        for y, custom in zip(trace.y, trace.customdata):
            rows = drilldown.rows_for(df, drilldown.target_from_point({"customdata": custom}))
            if trace.name == "All documents":  # the volume strip: every row of the period's documents
                assert rows["doc_id"].nunique() == y
                continue
            assert len(rows) == (0 if pd.isna(y) else y) and set(rows["entity"].astype(str)) <= {trace.name}
    fig = charts.license_split_chart(df)
    for trace in fig.data:
        rows = drilldown.rows_for(df, drilldown.target_from_point({"customdata": trace.customdata[0]}))
        assert len(rows) == trace.x[0]
    for trace in charts.license_over_time(df).data:  # stacked bars: each segment is its own rows
        for y, custom in zip(trace.y, trace.customdata):
            assert len(drilldown.rows_for(df, drilldown.target_from_point({"customdata": custom}))) == y
    for trace in charts.mentions_by_language(df).data:
        for y, custom in zip(trace.y, trace.customdata):
            assert len(drilldown.rows_for(df, drilldown.target_from_point({"customdata": custom}))) == y
    df = data.with_event_ids(df)
    events = funding_tab.events(df)
    for trace in funding_tab.totals_chart(events).data:
        for custom in trace.customdata:
            rows = drilldown.rows_for(df, drilldown.target_from_point({"customdata": custom}))
            assert len(rows) and set(rows["kind"].astype(str)) == {"money"}
    fig = charts.license_by_company(df)
    for trace in fig.data:
        for x, custom in zip(trace.x, trace.customdata):
            assert len(drilldown.rows_for(df, drilldown.target_from_point({"customdata": custom}))) == x
    for trace in charts.top_entities(df, top=50).data:
        for x, custom in zip(trace.x, trace.customdata):
            assert len(drilldown.rows_for(df, drilldown.target_from_point({"customdata": custom}))) == x
    fig = charts.new_organisations(df)
    rows = drilldown.rows_for(df, drilldown.target_from_point({"customdata": fig.data[0].customdata[0]}))
    assert list(rows["text"].astype(str)) == ["نوفا لابز"]
    fig = funding_tab.events_chart(events)
    for trace in fig.data:
        for text, custom in zip(trace.text, trace.customdata):
            rows = drilldown.rows_for(df, drilldown.target_from_point({"customdata": custom}))
            assert len(rows) == 1 and words.money(float(rows["amount_usd"].iloc[0])) in text


def test_period_targets_cover_the_whole_period(tiny):
    df = tiny.mentions
    t = Target.of(entity="OpenAI", period="2024-01-01", grain="year")
    assert len(drilldown.rows_for(df, t)) == 2  # the Hindi document, 2024-10-02
    t = Target.of(entity="OpenAI", period="2024-10-02", grain="day")
    assert len(drilldown.rows_for(df, t)) == 2
    t = Target.of(entity="OpenAI", period="2024-10-03", grain="day")
    assert drilldown.rows_for(df, t).empty
    assert drilldown.rows_for(df, Target.of(license=None, kind="company"))["license"].isna().all()
    assert drilldown.rows_for(df, Target.of(nonsense="x")).equals(df)  # unknown columns are ignored
    assert Target.of(entity="OpenAI", period="2024-10-01", grain="month").label == "OpenAI · October 2024"


def test_missing_published_never_matches_a_period():
    df = tiny_tables().mentions
    t = Target.of(entity="Anthropic", period="2000-01-01", grain="year")
    assert drilldown.rows_for(df, t).empty
    assert len(drilldown.rows_for(df, Target.of(entity="Anthropic"))) == 2
    assert isinstance(drilldown.rows_for(df, Target.of(entity="Anthropic")), pd.DataFrame)


def test_documents_are_named_by_title_and_site_not_file_name():
    docs = pd.DataFrame({
        "source": ["html/a.html", "feeds/x.rss#2", "seeds/000_8c6791ed.txt", "api/n.json#1"],
        "title": ["<script>alert(1)</script> OpenAI closes round", "腾讯混元接入微信搜索", None, None],
        "site": ["The Ledger Tech", "智能前沿", None, "Euro Tech Wire"],
    })
    labels = drilldown.source_labels(docs)
    assert labels["html/a.html"] == "<script>alert(1)</script> OpenAI closes round — The Ledger Tech"  # text, escaped where shown
    assert labels["feeds/x.rss#2"] == "腾讯混元接入微信搜索 — 智能前沿"
    assert labels["seeds/000_8c6791ed.txt"] == "seeds/000_8c6791ed.txt"  # nothing better known
    assert labels["api/n.json#1"] == "Euro Tech Wire (api/n.json#1)"
    assert drilldown.source_labels(docs, ["feeds/x.rss#2"]) == {"feeds/x.rss#2": "腾讯混元接入微信搜索 — 智能前沿"}
    urls = drilldown.safe_urls(pd.Series(["https://a.example/x", "javascript:alert(1)", None, "data:text/html,x"]))
    assert urls.tolist()[0] == "https://a.example/x" and urls.isna().tolist() == [False, True, True, True]


def test_drill_down_names_the_site_and_keeps_the_file_as_a_tooltip():
    rows = pd.DataFrame({
        "doc_id": ["d1"], "lang": ["ar"], "source": ["html/ar-page.html"], "published": [pd.Timestamp("2025-01-28")],
        "sentence": ["تراجعت أسهم إنفيديا"], "text": ["إنفيديا"], "sentence_id": [0], "start": [12],
    })
    docs = pd.DataFrame({"doc_id": ["d1"], "title": ["ديب سيك تهز وول ستريت"], "url": ["https://x.example/a"],
                         "site": ["<b>الشرق</b> التقني"]})
    out = drilldown.mentions_html(rows, docs)
    assert '<bdi>&lt;b&gt;الشرق&lt;/b&gt; التقني</bdi>' in out
    assert 'title="html/ar-page.html"' in out and '<a href="https://x.example/a"' in out
    assert "2025-01-28" in out
