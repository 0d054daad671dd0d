"""`python -m etl review`: candidates the knowledge base lacks, as rows ready for etl/data/."""
import csv
import io
import json

import pandas as pd

from etl.cli import main
from etl.knowledge import knowledge_base
from etl.review import ALIAS_COLUMNS, ENTITY_COLUMNS, review_candidates

ARTICLES = [
    {"text": "Nova Labs raised $20 million in a round led by Lux Capital. Alibaba released Qwen2.5-VL on Tuesday.",
     "published": "2025-03-02", "lang": "en"},
    {"text": "Nova Labs said its new chip ships in May. Microsoft's Phi-4-mini is small. Qwen2.5-VL tops a benchmark.",
     "published": "2025-04-10", "lang": "en"},
    {"text": "OpenAI raised $6.6 billion from Microsoft.", "published": "2025-05-01", "lang": "en"},
]


def _store(tmp_path):
    corpus = tmp_path / "news.jsonl"
    corpus.write_text("\n".join(json.dumps(a) for a in ARTICLES), encoding="utf-8")
    assert main(["run", str(corpus), "--out", str(tmp_path / "out"), "--nlp", "rules", "--workers", "1"]) == 0
    return tmp_path / "out"


def test_review_lists_new_organisations_and_versions_with_evidence(tmp_path, capsys):
    out = _store(tmp_path)
    capsys.readouterr()
    assert main(["review", "--store", str(out)]) == 0
    table = pd.read_csv(io.StringIO(capsys.readouterr().out.lstrip("\ufeff")))
    assert list(table.columns[:9]) == ENTITY_COLUMNS + ALIAS_COLUMNS
    by_name = {r["name"]: r for r in table.to_dict("records")}
    known = set(knowledge_base().entities)
    assert not known & set(by_name), "a known entity is no candidate"
    nova = by_name["Nova Labs"]
    assert nova["type"] == "company" and nova["mentions"] == 2 and nova["documents"] == 2
    assert (nova["first_seen"], nova["last_seen"]) == ("2025-03-02", "2025-04-10")
    assert "Nova Labs raised $20 million" in nova["examples"]
    qwen = by_name["Qwen2.5-VL"]
    assert qwen["type"] == "product" and qwen["maker"] == "Alibaba" and qwen["documents"] == 2
    assert "Lux Capital" in by_name
    assert table["mentions"].is_monotonic_decreasing


def test_rows_paste_into_the_knowledge_files(tmp_path):
    out = _store(tmp_path)
    path = tmp_path / "candidates.csv"
    assert main(["review", "--store", str(out), "--csv", str(path)]) == 0
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    assert rows and all(r["type"] in {"company", "product"} and r["lang"] == "en" for r in rows)
    # The entity columns are what etl/data/entities.csv holds, so its loader takes them as they are.
    kb = knowledge_base().from_rows([{k: r[k] for k in ENTITY_COLUMNS} for r in rows],
                                    [{"entity": r["name"], **{k: r[k] for k in ALIAS_COLUMNS}} for r in rows])
    assert {"Nova Labs", "Qwen2.5-VL"} <= set(kb.entities)


def test_no_candidates_gives_the_header_only():
    empty = pd.DataFrame({c: pd.Series(dtype=object) for c in ("kind", "entity", "linked", "family", "text", "lang")})
    assert review_candidates(empty).empty


def test_review_without_a_store_is_a_clear_error(tmp_path, capsys):
    assert main(["review", "--store", str(tmp_path / "nothing")]) == 2
    assert "no ETL output" in capsys.readouterr().err
