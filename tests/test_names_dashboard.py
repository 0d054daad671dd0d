"""The dashboard's "families" toggle: versioned products under their family (filters.by_family),
on the timeline of the real script (AppTest)."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import data, drilldown, filters
from dashboard.sample import tiny_tables, write_store

APP = str(Path(__file__).resolve().parent.parent / "dashboard" / "app.py")


def _rows() -> pd.DataFrame:
    return pd.DataFrame({
        "kind": ["product", "product", "product", "company", "money"],
        "entity": ["Qwen2.5-VL", "Qwen2.5-Max", "GPT-4o", "Alibaba", "USD 1e+09"],
        "family": ["Qwen", "Qwen", "GPT", None, None],
    }).astype("string")


def test_by_family_maps_products_to_their_family_only():
    out = filters.by_family(_rows())
    assert out["entity"].tolist() == ["Qwen", "Qwen", "GPT", "Alibaba", "USD 1e+09"]
    assert _rows()["entity"].tolist()[0] == "Qwen2.5-VL"  # the input is left alone


def test_by_family_keeps_categoricals_and_tolerates_an_older_store():
    rows = _rows().astype({"entity": "category", "kind": "category"})
    out = filters.by_family(rows)
    assert isinstance(out["entity"].dtype, pd.CategoricalDtype)
    assert out["entity"].value_counts()["Qwen"] == 2
    older = rows.drop(columns="family")
    assert filters.by_family(older) is older


@pytest.fixture
def store(tmp_path, monkeypatch):
    t = tiny_tables()
    mentions = t.mentions.copy()
    dated = mentions.index[(mentions["kind"] == "product") & mentions["published"].notna()]
    products = [i for i in dated if mentions.at[i, "entity"] != "Qwen"][:2]  # Qwen itself stays
    mentions["family"] = pd.Series(pd.NA, index=mentions.index, dtype="string")
    mentions.loc[products, "entity"] = ["Qwen2.5-VL", "Qwen2.5-Max"]
    mentions.loc[products, "family"] = "Qwen"
    out = write_store(mentions, t.documents, t.errors, tmp_path / "store")
    monkeypatch.setenv(data.ENV_DATA, str(out))
    monkeypatch.delenv(data.ENV_READ_ONLY, raising=False)
    return out


@pytest.fixture(autouse=True)
def main_module_restored():
    main = sys.modules["__main__"]
    yield
    sys.modules["__main__"] = main


def _timeline_lines(at: AppTest) -> set[str]:
    at.session_state["tab"] = "Timeline"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    figs = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    return {trace["name"] for fig in figs for trace in fig["data"] if "name" in trace}


def test_toggle_shows_a_family_or_its_versions_on_the_timeline(store):
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    versions = _timeline_lines(at)
    assert {"Qwen2.5-VL", "Qwen2.5-Max", "Qwen"} <= versions
    at.toggle(key="v_family").set_value(True)
    families = _timeline_lines(at)
    assert "Qwen" in families and not {"Qwen2.5-VL", "Qwen2.5-Max"} & families


def _drilled(at: AppTest, tab: str, entity: str) -> str:
    at.session_state["tab"] = tab
    at.session_state["drill"] = {tab: drilldown.Target.of(entity=entity)}
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return next(m.value for m in at.markdown if "within the filters" in m.value)


def test_toggle_leaves_the_other_tabs_and_their_sentences_alone(store):
    """A bar of "Qwen2.5-VL" on the Overview still finds its sentence with the toggle on; on the
    Timeline the family's line finds the sentences of all its versions."""
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.toggle(key="v_family").set_value(True)
    assert "1 mention" in _drilled(at, "Overview", "Qwen2.5-VL")
    family = _drilled(at, "Timeline", "Qwen")
    versions_off = _drilled(at, "Overview", "Qwen")
    assert int(family.split(": ")[1].split()[0]) == int(versions_off.split(": ")[1].split()[0]) + 2
