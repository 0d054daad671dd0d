"""Attention from sums (dashboard.attention) and every period on the axis (dashboard.periods)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dashboard import attention, data, periods
from dashboard.sample import tiny_tables


def week_of_one_and_ninety_nine():
    """Monday: 1 document, it mentions X. Tuesday: 99 documents, none mentions X."""
    docs = pd.DataFrame({"doc_id": [f"d{i}" for i in range(100)],
                         "published": [pd.Timestamp("2025-01-06")] + [pd.Timestamp("2025-01-07")] * 99})
    mentions = pd.DataFrame({"doc_id": ["d0", "d0", "d5"], "kind": ["company", "company", "company"],
                             "entity": ["X", "X", "Y"], "published": pd.to_datetime(["2025-01-06", "2025-01-06", "2025-01-07"])})
    return mentions, docs


@pytest.mark.parametrize("categorical", [False, True])
def test_a_week_share_is_computed_from_sums_not_averaged_from_days(categorical):
    mentions, docs = week_of_one_and_ninety_nine()
    if categorical:
        mentions = mentions.astype({"doc_id": "category", "kind": "category", "entity": "category"})
    week = attention.attention(mentions, docs, "week", entities=["X"])
    assert list(week["value"]) == [pytest.approx(0.01)]  # 1 of 100 documents, not (1/1 + 0/99) / 2 = 50%
    assert (int(week["documents"][0]), int(week["mentions"][0]), int(week["total"][0])) == (1, 2, 100)
    days = attention.attention(mentions, docs, "day", entities=["X"])
    assert list(days["value"]) == [1.0, 0.0]


def test_every_period_is_there_zero_or_gap():
    mentions = pd.DataFrame({"doc_id": ["a", "c"], "kind": ["company", "product"], "entity": ["X", "Z"],
                             "published": pd.to_datetime(["2024-01-15", "2025-01-10"])})
    docs = pd.DataFrame({"doc_id": ["a", "b", "c"], "published": pd.to_datetime(["2024-01-15", "2024-07-01", "2025-01-10"])})
    q = attention.attention(mentions, docs, "quarter", entities=["X"])
    assert [p.date().isoformat() for p in q["period"]] == ["2024-01-01", "2024-04-01", "2024-07-01", "2024-10-01", "2025-01-01"]
    values = q["value"].tolist()
    assert values[0] == 1.0 and values[2] == 0.0 and values[4] == 0.0  # documents there: a share, 0 without X
    assert np.isnan(values[1]) and np.isnan(values[3])  # no documents at all: nothing measured, a gap
    counts = attention.attention(mentions, docs, "quarter", entities=["X"], measure="mentions")
    assert counts["value"].tolist()[2] == 0 and np.isnan(counts["value"].tolist()[1])


def test_rolling_share_is_from_the_sums_of_the_window():
    docs = pd.DataFrame({"doc_id": [f"d{i}" for i in range(11)],
                         "published": pd.to_datetime(["2025-01-05"] + ["2025-02-05"] * 9 + ["2025-03-05"])})
    mentions = pd.DataFrame({"doc_id": ["d0", "d1", "d10"], "kind": "company", "entity": "X",
                             "published": pd.to_datetime(["2025-01-05", "2025-02-05", "2025-03-05"])})
    out = attention.attention(mentions, docs, "month", entities=["X"], rolling=3)
    # March, over Jan-Mar: 3 of 11 documents (not the mean of 1/1, 1/9, 1/1)
    assert out["value"].tolist()[-1] == pytest.approx(3 / 11)
    avg = attention.attention(mentions, docs, "month", entities=["X"], measure="documents", rolling=3)
    assert avg["value"].tolist() == [1.0, 1.0, 1.0]


def test_without_a_documents_table_the_mentions_name_the_documents():
    t = tiny_tables()
    light = data.optimise(t.mentions, "mentions")
    with_table = attention.attention(light, t.documents, "month")
    without = attention.attention(light, None, "month")
    assert with_table["total"].tolist() == without["total"].tolist()  # every tiny document has mentions


def test_top_n_and_chosen_entities():
    t = tiny_tables()
    assert attention.attention(t.mentions, t.documents, top=2)["entity"].unique().tolist() == ["DeepSeek", "OpenAI"]
    assert attention.attention(t.mentions, t.documents, entities=["Qwen", "Nobody"])["entity"].unique().tolist() == ["Qwen"]


def test_periods():
    assert len(periods.every_period(pd.Timestamp("2024-01-31"), pd.Timestamp("2025-06-02"), "month")) == 18
    weeks = periods.every_period(pd.Timestamp("2025-01-01"), pd.Timestamp("2025-01-14"), "week")
    assert [w.day_name() for w in weeks] == ["Monday"] * 3
    lo, hi = periods.padded_range([pd.Timestamp("2025-03-01")], "month")
    assert (hi - lo).days == 30  # one point: a month-wide span around it, not milliseconds
    assert periods.every_period(None, None, "day").empty


@pytest.mark.parametrize("measure", ["share", "documents", "mentions"])
@pytest.mark.parametrize("rolling", [0, 2, 3, 7])
def test_the_grid_measure_is_the_per_entity_rolling_of_its_definition(measure, rolling):
    """attention._measure over an (entity, period) grid against a plain per-entity pandas rolling
    of the documented meaning: a share from the window's sums, a count averaged over the window's
    periods that have documents, nothing where a period has none."""
    rng = np.random.default_rng(rolling)
    total = np.broadcast_to(rng.integers(0, 4, size=12) * rng.integers(0, 2, size=12), (3, 12))
    documents = np.minimum(rng.integers(0, 4, size=(3, 12)), total)
    mentions = documents * rng.integers(1, 3, size=(3, 12))
    got = attention._measure(documents, mentions, total, measure, rolling)
    window = max(rolling, 1)
    for i in range(3):
        frame = pd.DataFrame({"documents": documents[i], "mentions": mentions[i], "total": total[i]})
        if measure == "share":
            want = (frame["documents"].rolling(window, min_periods=1).sum() / frame["total"].rolling(window, min_periods=1).sum())
        else:
            want = frame[measure].where(frame["total"] > 0).rolling(window, min_periods=1).mean()
        want = want.where(frame["total"] > 0).to_numpy(dtype="float64")
        np.testing.assert_allclose(got[i], want, rtol=0, atol=1e-12, equal_nan=True)
