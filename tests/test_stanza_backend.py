"""The Stanza NER backend: mapping Stanza entities to spans, choosing backends, loading models.

The mapping tests build stanza.Document objects by hand (token dicts with NER tags and
start_char/end_char) exactly as the NER models annotate them; nothing here pretends a model ran.
The last test runs the real models and is skipped when they are not installed.
"""
from __future__ import annotations

import json

import pytest
import stanza

from etl.extract.entities import accept, candidates
from etl.extract.stanza_ner import load_pipeline, run_stanza, spans_from_stanza
from etl.knowledge import KnowledgeBase
from etl.lexicon import Lexicon, longest
from etl.textnorm import NormalizedText
from etl.nlp import (
    LANGS,
    ModelsMissing,
    default_resources_dir,
    describe,
    install_command,
    models_installed,
    ner_for_documents,
    resolve_backends,
)

KB = KnowledgeBase.from_rows(
    [
        {"name": "DeepSeek", "type": "company", "license": "open", "country": "CN"},
        {"name": "OpenAI", "type": "company", "license": "closed", "country": "US"},
        {"name": "ChatGPT", "type": "product", "maker": "OpenAI", "license": "closed"},
        {"name": "Meta", "type": "company", "country": "US"},
    ],
    [
        {"entity": "DeepSeek", "alias": "ديبسيك", "lang": "ar"},
        {"entity": "DeepSeek", "alias": "डीपसीक", "lang": "hi"},
        {"entity": "DeepSeek", "alias": "深度求索", "lang": "zh"},
        {"entity": "OpenAI", "alias": "أوبن إيه آي", "lang": "ar"},
        {"entity": "OpenAI", "alias": "ओपनएआई", "lang": "hi"},
        {"entity": "Meta", "alias": "Meta", "lang": "en", "needs_context": "1"},
        {"entity": "Meta", "alias": "ميتا", "lang": "ar", "needs_context": "1"},
    ],
)


def stanza_doc(text: str, sentences: list[list]) -> stanza.Document:
    """A stanza.Document as the tokenize+ner pipeline leaves it. Each token is (text, tag) or
    (text, tag, [words]) for a multi-word token (Arabic clitics); offsets are found in `text`."""
    cursor = 0
    out = []
    for sentence in sentences:
        rows, word_id = [], 1
        for token in sentence:
            surface, tag, *rest = token
            start = text.index(surface, cursor)
            end = cursor = start + len(surface)
            misc = f"start_char={start}|end_char={end}"
            words = rest[0] if rest else None
            if words:
                ids = (word_id, word_id + len(words) - 1)
                rows.append({"id": ids, "text": surface, "ner": tag, "misc": misc})
                rows += [{"id": word_id + k, "text": w} for k, w in enumerate(words)]
                word_id += len(words)
            else:
                rows.append({"id": word_id, "text": surface, "ner": tag, "misc": misc})
                word_id += 1
        out.append(rows)
    return stanza.Document(out, text=text)


def key(span):
    return (span.start, span.end, span.text, span.entity, span.kind, span.company, span.linked)


def assert_document_offsets(doc, spans):
    for s in spans:
        assert doc.text[s.start:s.end] == s.text
        assert s.extractor == "stanza"


# --- Arabic (AQMAR tags: PER, LOC, ORG, MISC; BIOES) ---------------------------------------------

AR_TEXT = "قال محمد العلي إن نموذج لديبسيك جديد. وتنافس وهواوي وفيسبوك ولـAnthropic في الصين."
AR_DOC = [
    [("قال", "O"), ("محمد", "B-PER"), ("العلي", "E-PER"), ("إن", "O"), ("نموذج", "O"),
     ("لديبسيك", "S-ORG", ["ل", "ديبسيك"]), ("جديد", "O"), (".", "O")],
    [("وتنافس", "O", ["و", "تنافس"]), ("وهواوي", "S-ORG", ["و", "هواوي"]), ("وفيسبوك", "S-ORG", ["و", "فيسبوك"]),
     ("ولـAnthropic", "S-ORG"), ("في", "O"), ("الصين", "S-LOC"), (".", "O")],
]


def test_arabic_org_with_a_clitic_links_to_the_knowledge_base():
    doc = stanza_doc(AR_TEXT, AR_DOC)
    spans = spans_from_stanza(doc, KB)
    assert_document_offsets(doc, spans)
    start = AR_TEXT.index("ديبسيك")
    assert key(spans[0]) == (start, start + 6, "ديبسيك", "DeepSeek", "company", "DeepSeek", True)


def test_arabic_unknown_orgs_are_unlinked_companies_without_their_clitics():
    doc = stanza_doc(AR_TEXT, AR_DOC)
    spans = spans_from_stanza(doc, KB)
    assert_document_offsets(doc, spans)
    unlinked = [(s.text, s.entity, s.kind, s.company) for s in spans if not s.linked]
    assert unlinked == [
        ("هواوي", "هواوي", "company", "هواوي"),  # و + هواوي from Stanza's multi-word analysis
        ("فيسبوك", "فيسبوك", "company", "فيسبوك"),  # ف is part of the name: only و is stripped
        ("Anthropic", "Anthropic", "company", "Anthropic"),  # clitic glued to a Latin name
    ]
    # The second sentence's spans carry document offsets, not sentence offsets.
    assert spans[1].start == AR_TEXT.index("هواوي") > AR_TEXT.index(".")


def test_persons_and_places_never_become_companies():
    doc = stanza_doc(AR_TEXT, AR_DOC)
    texts = {s.text for s in spans_from_stanza(doc, KB)}
    assert not texts & {"محمد العلي", "الصين"}


def test_arabic_without_multiword_evidence_keeps_the_initial_letter():
    text = "أعلنت بالانتير وفالكون عن شراكة."
    doc = stanza_doc(text, [[("أعلنت", "O"), ("بالانتير", "S-ORG"), ("وفالكون", "S-ORG"), ("عن", "O"), ("شراكة", "O"), (".", "O")]])
    assert [s.entity for s in spans_from_stanza(doc, KB)] == ["بالانتير", "وفالكون"]


# --- Hindi (IL-NER tags: NEP person, NEL location, NEO organisation, NEAR artefact; BIO) -----------

HI_TEXT = "डीपसीक ने कहा कि रिलायंस  जियो और मुकेश अंबानी मुंबई में मिले।"


def test_hindi_neo_links_or_becomes_an_unlinked_company():
    doc = stanza_doc(HI_TEXT, [[
        ("डीपसीक", "B-NEO"), ("ने", "O"), ("कहा", "O"), ("कि", "O"), ("रिलायंस", "B-NEO"), ("जियो", "I-NEO"),
        ("और", "O"), ("मुकेश", "B-NEP"), ("अंबानी", "I-NEP"), ("मुंबई", "B-NEL"), ("में", "O"), ("मिले", "O"), ("।", "O"),
    ]])
    spans = spans_from_stanza(doc, KB)
    assert_document_offsets(doc, spans)
    assert [key(s) for s in spans] == [
        (0, 6, "डीपसीक", "DeepSeek", "company", "DeepSeek", True),
        (17, 30, "रिलायंस  जियो", "रिलायंस जियो", "company", "रिलायंस जियो", False),  # spaces collapsed in entity
    ]


# --- Chinese (OntoNotes tags: ORG, PERSON, GPE, PRODUCT, ...; BIOES) --------------------------------

ZH_TEXT = "深度求索发布了新模型，百度和李彦宏在北京表示关注。深度求索公司回应。"


def test_chinese_org_links_and_unknown_org_is_kept():
    doc = stanza_doc(ZH_TEXT, [
        [("深度求索", "S-ORG"), ("发布", "O"), ("了", "O"), ("新", "O"), ("模型", "O"), ("，", "O"), ("百度", "S-ORG"),
         ("和", "O"), ("李彦宏", "S-PERSON"), ("在", "O"), ("北京", "S-GPE"), ("表示", "O"), ("关注", "O"), ("。", "O")],
        [("深度求索", "B-ORG"), ("公司", "E-ORG"), ("回应", "O"), ("。", "O")],
    ])
    spans = spans_from_stanza(doc, KB)
    assert_document_offsets(doc, spans)
    assert [key(s) for s in spans] == [
        (0, 4, "深度求索", "DeepSeek", "company", "DeepSeek", True),
        (11, 13, "百度", "百度", "company", "百度", False),
        # 深度求索公司 is not exactly an alias but contains one: the gazetteer's mention stands alone.
    ]


# --- English (OntoNotes; BIO as well as BIOES) --------------------------------------------------

EN_TEXT = "The OpenAI team met Sam Altman in China. Mistral AI's model rivals ChatGPT, said Meta and the Allen Institute."


def en_doc():
    return stanza_doc(EN_TEXT, [
        [("The", "B-ORG"), ("OpenAI", "I-ORG"), ("team", "O"), ("met", "O"), ("Sam", "B-PERSON"), ("Altman", "I-PERSON"),
         ("in", "O"), ("China", "B-GPE"), (".", "O")],
        [("Mistral", "B-ORG"), ("AI", "E-ORG"), ("'s", "O"), ("model", "O"), ("rivals", "O"), ("ChatGPT", "S-PRODUCT"),
         (",", "O"), ("said", "O"), ("Meta", "S-ORG"), ("and", "O"), ("the", "B-ORG"), ("Allen", "I-ORG"),
         ("Institute", "E-ORG"), (".", "O")],
    ])


def test_english_org_and_product_link_with_kind_and_company_from_the_knowledge_base():
    doc = en_doc()
    spans = spans_from_stanza(doc, KB)
    assert_document_offsets(doc, spans)
    linked = [(s.text, s.entity, s.kind, s.company) for s in spans if s.linked]
    assert linked == [("OpenAI", "OpenAI", "company", "OpenAI"), ("ChatGPT", "ChatGPT", "product", "OpenAI")]


def test_english_unknown_orgs_drop_the_article_and_persons_are_ignored():
    doc = en_doc()
    spans = spans_from_stanza(doc, KB)
    unlinked = [(s.text, s.entity) for s in spans if not s.linked]
    assert unlinked == [("Mistral AI", "Mistral AI"), ("Allen Institute", "Allen Institute")]
    assert not {s.text for s in spans} & {"Sam Altman", "China"}


def test_an_alias_that_needs_context_is_left_to_the_gazetteer():
    # "Meta" only counts with supporting context; Stanza's ORG tag must not change that decision
    # (nor turn it into an unlinked company).
    assert "Meta" not in {s.text for s in spans_from_stanza(en_doc(), KB)}


def test_unlinked_product_and_misc_spans_are_dropped():
    text = "Gemini and Llama were compared."
    doc = stanza_doc(text, [[("Gemini", "S-PRODUCT"), ("and", "O"), ("Llama", "S-MISC"), ("were", "O"), ("compared", "O"), (".", "O")]])
    assert spans_from_stanza(doc, KB) == []


def test_a_document_without_entities_needs_no_knowledge_base_pass():
    doc = stanza_doc("Nothing here.", [[("Nothing", "O"), ("here", "O"), (".", "O")]])
    assert spans_from_stanza(doc, KB) == []


# --- Stanza only adds: the same rows for everything the knowledge base covers -------------------


@pytest.mark.parametrize("make", [
    lambda: stanza_doc(AR_TEXT, AR_DOC),
    lambda: stanza_doc(HI_TEXT, [[("डीपसीक", "S-NEO"), ("ने", "O"), ("कहा", "O"), ("कि", "O"), ("रिलायंस", "B-NEO"), ("जियो", "E-NEO")]]),
    en_doc,
], ids=["ar", "hi", "en"])
def test_linked_spans_are_the_gazetteer_spans_and_unlinked_ones_touch_no_alias(make):
    doc = make()
    gazetteer = {(c.start, c.end, c.text, c.entity, c.kind, c.company) for c in accept(candidates(doc.text, KB))}
    norm = NormalizedText.of(doc.text)
    aliases = [norm.to_original(s, e) for s, e, _ in longest(Lexicon(KB.words()).scan(norm, check_case=False), "alias")]
    for s in spans_from_stanza(doc, KB):
        if s.linked:
            assert (s.start, s.end, s.text, s.entity, s.kind, s.company) in gazetteer
        else:
            assert not any(a < s.end and s.start < b for a, b in aliases)


def test_rows_with_stanza_spans_are_the_rule_rows_plus_new_companies():
    import etl.pipeline as pipeline
    from etl.documents import Document

    doc = en_doc()
    document = Document(text=EN_TEXT, source="en.txt", lang="en")
    spans = spans_from_stanza(doc, KB)
    cols = ("start", "end", "text", "kind", "entity", "company", "license", "extractor")
    without = [tuple(r.get(c) for c in cols) for r in pipeline.extract_document(document, KB).mentions]
    with_ner = [tuple(r.get(c) for c in cols) for r in pipeline.extract_document(document, KB, ner_spans=spans).mentions]
    # The rules alone find "Mistral AI" (a suffix; this small knowledge base lacks it): with Stanza
    # agreeing it is the same row, named by both; Stanza adds what no rule finds.
    assert ("Mistral AI", "rules") in {(r[2], r[7]) for r in without}
    agreed = {r[:7]: r[7] for r in with_ner}
    assert all(r[:7] in agreed for r in without)
    assert {r[2]: r[7] for r in with_ner if r[7] != "gazetteer"} == {"Mistral AI": "stanza+rules", "Allen Institute": "stanza"}
    assert len(with_ner) == len(without) + 1


def test_stanza_and_rule_candidates_merge_into_one_span():
    from etl.extract.stanza_ner import with_rule_candidates
    from etl.spans import EntitySpan

    rule = EntitySpan(10, 20, "Nova Labs", "Nova Labs", "company", "Nova Labs", extractor="rules", linked=False)
    other = EntitySpan(30, 38, "Lux Capital", "Lux Capital", "company", "Lux Capital", extractor="rules", linked=False)
    ner = EntitySpan(10, 15, "Nova", "Nova", "company", "Nova", extractor="stanza", linked=False)
    alone = EntitySpan(50, 60, "Allen Inst", "Allen Inst", "company", "Allen Inst", extractor="stanza", linked=False)
    merged = with_rule_candidates([ner, alone], [rule, other])
    assert [(m.text, m.extractor) for m in merged] == [
        ("Nova Labs", "stanza+rules"), ("Lux Capital", "rules"), ("Allen Inst", "stanza")]
    assert with_rule_candidates([], [rule]) == [rule]


# --- Choosing the backend --------------------------------------------------------------------


def test_empty_resources_dir_auto_runs_the_rules_everywhere(tmp_path):
    backends = resolve_backends("auto", {"ar", "hi", "zh", "en"}, tmp_path)
    assert backends == {"ar": "rules", "hi": "rules", "zh": "rules", "en": "rules"}
    line = describe(backends, tmp_path)
    assert line == f"NER: rules for ar, hi, zh, en (no models in {tmp_path})"


def test_empty_resources_dir_stanza_is_a_clear_error_with_the_install_command(tmp_path):
    with pytest.raises(ModelsMissing) as err:
        resolve_backends("stanza", {"ar", "hi", "zh", "en"}, tmp_path)
    message = str(err.value)
    assert "python -m etl models download ar hi zh en" in message
    assert f"--stanza-dir {tmp_path}" in message
    assert "Traceback" not in message


def test_rules_mode_and_unknown_mode(tmp_path):
    assert resolve_backends("rules", {"ar"}, tmp_path) == {"ar": "rules"}
    assert describe({"ar": "rules"}, tmp_path, mode="rules") == "NER: rules for ar (--nlp rules)"
    with pytest.raises(ValueError):
        resolve_backends("spacy", {"ar"}, tmp_path)


def fake_resources(root, langs=("ar", "zh")):
    """A resources.json laid out as Stanza writes it, and empty-named model files: enough to test
    which files `models_installed` requires. No model is ever loaded from it."""
    resources = {
        "ar": {
            "packages": {"default": {"tokenize": "padt", "mwt": "padt", "pos": "padt", "ner": "aqmar_charlm"}},
            "tokenize": {"padt": {}}, "mwt": {"padt": {}},
            "ner": {"aqmar_charlm": {"dependencies": [
                {"model": "pretrain", "package": "conll17"}, {"model": "forward_charlm", "package": "ccwiki"}]}},
        },
        "zh": {"alias": "zh-hans"},
        "zh-hans": {
            "packages": {"default": {"tokenize": "gsdsimp", "ner": "ontonotes"}},
            "tokenize": {"gsdsimp": {}}, "ner": {"ontonotes": {}},
        },
    }
    (root / "resources.json").write_text(json.dumps(resources), encoding="utf-8")
    files = {"ar": ["tokenize/padt.pt", "mwt/padt.pt", "ner/aqmar_charlm.pt", "pretrain/conll17.pt",
                    "forward_charlm/ccwiki.pt"],
             "zh-hans": ["tokenize/gsdsimp.pt", "ner/ontonotes.pt"]}
    for code, paths in files.items():
        if code.split("-")[0] in langs:
            for p in paths:
                (root / code / p).parent.mkdir(parents=True, exist_ok=True)
                (root / code / p).write_bytes(b"x")
    return root


def test_models_installed_follows_resources_json_aliases_and_dependencies(tmp_path):
    fake_resources(tmp_path)
    assert models_installed("ar", tmp_path)
    assert models_installed("zh", tmp_path)  # zh is an alias of zh-hans
    assert not models_installed("hi", tmp_path)  # not in resources.json
    (tmp_path / "ar" / "forward_charlm" / "ccwiki.pt").unlink()  # a dependency of the ner model
    assert not models_installed("ar", tmp_path)
    (tmp_path / "resources.json").unlink()
    assert not models_installed("zh", tmp_path)


def test_auto_mixes_backends_and_stanza_names_only_the_missing_languages(tmp_path):
    fake_resources(tmp_path)
    backends = resolve_backends("auto", {"ar", "hi", "zh", "en"}, tmp_path)
    assert backends == {"ar": "stanza", "zh": "stanza", "hi": "rules", "en": "rules"}
    assert describe(backends, tmp_path) == f"NER: stanza for ar, zh; rules for hi, en (no models in {tmp_path})"
    with pytest.raises(ModelsMissing, match="python -m etl models download hi en"):
        resolve_backends("stanza", {"ar", "hi", "zh", "en"}, tmp_path)


def test_install_command_names_the_folder_only_when_it_is_not_the_default(tmp_path, monkeypatch):
    monkeypatch.setenv("STANZA_RESOURCES_DIR", str(tmp_path))
    assert default_resources_dir() == tmp_path
    assert install_command(["en", "ar"], tmp_path) == "python -m etl models download ar en"
    assert install_command(["hi"], tmp_path / "other") == f"python -m etl models download hi --stanza-dir {tmp_path / 'other'}"


# --- Loading the pipeline --------------------------------------------------------------------


def test_load_pipeline_on_an_empty_folder_is_a_clear_error(tmp_path):
    with pytest.raises(ModelsMissing) as err:
        load_pipeline("ar", tmp_path)
    assert isinstance(err.value.__cause__, FileNotFoundError)  # stanza's own "resources.json not found"
    assert "python -m etl models download ar" in str(err.value)


def test_load_pipeline_with_resources_json_but_no_model_files_is_a_clear_error(tmp_path):
    fake_resources(tmp_path, langs=())  # resources.json lists ar, but no model file exists
    with pytest.raises(ModelsMissing, match="python -m etl models download ar"):
        load_pipeline("ar", tmp_path)
    with pytest.raises(ModelsMissing):
        run_stanza(["نص"], "ar", tmp_path)


def test_ner_for_documents_only_runs_stanza_languages(tmp_path):
    docs = [("d1", "ar", AR_TEXT), ("d2", "en", EN_TEXT)]
    assert ner_for_documents(docs, {"ar": "rules", "en": "rules"}, tmp_path) == {}
    with pytest.raises(ModelsMissing):
        ner_for_documents(docs, {"ar": "stanza", "en": "rules"}, tmp_path)


def test_models_download_reports_a_network_failure_clearly(tmp_path, monkeypatch, capsys):
    import requests

    from etl import models

    def offline(*args, **kwargs):
        raise requests.exceptions.ConnectionError("Failed to resolve 'raw.githubusercontent.com'")

    monkeypatch.setattr(stanza, "download", offline)
    with pytest.raises(models.DownloadFailed, match="needs internet access"):
        models.download(["ar"], tmp_path)
    assert models.download_command(["ar"], tmp_path) == 1
    assert "could not download the Stanza ar models" in capsys.readouterr().err


# --- The real models (skipped unless installed) -----------------------------------------------

MODELS_DIR = default_resources_dir()


@pytest.mark.stanza_models
@pytest.mark.skipif(
    not all(models_installed(lang, MODELS_DIR) for lang in LANGS),
    reason=f"Stanza models for {', '.join(LANGS)} not installed in {MODELS_DIR} "
           f"(python -m etl models download {' '.join(LANGS)})",
)
def test_real_stanza_on_the_seed_articles():
    from etl.corpus import read_corpus
    from etl.documents import Document
    from etl.knowledge import knowledge_base
    from etl.paths import SEEDS_DIR
    from etl.pipeline import extract_document
    from etl.lang import detect_lang

    kb = knowledge_base()
    docs = [d for d in read_corpus(SEEDS_DIR) if isinstance(d, Document)]
    langs = {d.doc_id: d.lang or detect_lang(d.text) for d in docs}
    backends = resolve_backends("stanza", set(langs.values()), MODELS_DIR)
    ner = ner_for_documents([(d.doc_id, langs[d.doc_id], d.text) for d in docs], backends, MODELS_DIR, kb=kb, batch_size=2)
    assert set(ner) == {d.doc_id for d in docs}
    entities = set()
    for d in docs:
        spans = ner[d.doc_id]
        for s in spans:
            assert d.text[s.start:s.end] == s.text
            assert s.extractor == "stanza" and s.kind in ("company", "product")
        rows = extract_document(d, kb, ner_spans=spans).mentions
        rule_rows = extract_document(d, kb).mentions
        cols = ("start", "end", "kind", "entity", "extractor")
        with_ner = [tuple(r.get(c) for c in cols) for r in rows]
        assert all(r in with_ner for r in (tuple(r.get(c) for c in cols) for r in rule_rows))  # Stanza only adds
        for r in rows:
            assert d.text[r["start"]:r["end"]] == r["text"]
        entities |= {r["entity"] for r in rows}
    assert "DeepSeek" in entities
    assert load_pipeline("ar", MODELS_DIR) is load_pipeline("ar", MODELS_DIR)  # once per process
