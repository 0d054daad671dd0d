"""Funding events (etl/events.py): the merging cases of tests/corpus/events_multi.tsv, the seeds,
funding.parquet and event ids in a run's store, incremental runs."""
from collections import defaultdict
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from etl import extract_tables, run_corpus
from etl.documents import Document
from etl.events import events_table, read_funding
from etl.store import FUNDING
from etl.query import Query, Selection
from tests.corpus_reader import corpus_rows

TODAY = date(2026, 1, 1)


def _cases() -> dict[str, dict]:
    cases: dict[str, dict] = defaultdict(lambda: {"docs": [], "events": []})
    for _, n, fields in corpus_rows("events"):
        if fields[0] == "doc":
            _, case, name, lang, published, text = fields
            cases[case]["docs"].append(Document(text=text.replace("¶", "\n"), source=name, lang=lang,
                                                published=date.fromisoformat(published)))
        elif fields[0] == "event":
            _, case, company, usd, mentions, documents, valuation = fields
            cases[case]["events"].append((company, round(float(usd) / 1e6), int(mentions), int(documents),
                                          None if valuation == "-" else round(float(valuation) / 1e6)))
    return dict(cases)


CASES = _cases()


def _events(tables) -> list[tuple]:
    table = events_table(tables.mentions[tables.mentions.kind == "money"])
    return sorted((r.company, round(r.amount_usd / 1e6), int(r.mentions), int(r.documents),
                   None if pd.isna(r.valuation_usd) else round(r.valuation_usd / 1e6)) for r in table.itertuples())


def test_every_kind_of_case_is_there():
    assert len(CASES) >= 10 and {"headline", "syndicated", "window", "aggregate"} <= set(CASES)


@pytest.mark.parametrize("case", sorted(CASES))
def test_merging_gives_exactly_the_expected_events(case):
    tables = extract_tables(CASES[case]["docs"], today=TODAY)
    assert _events(tables) == sorted(CASES[case]["events"])


def test_the_seeds_give_two_events_and_the_aggregate_none():
    tables = extract_tables([*__import__("etl").read_corpus("seeds")], today=TODAY)
    events = events_table(tables.mentions[tables.mentions.kind == "money"])
    facts = sorted((r.company, r.money_type, r.amount_usd, r.lead_investor if pd.notna(r.lead_investor) else None,
                    r.valuation_usd if pd.notna(r.valuation_usd) else None) for r in events.itertuples())
    assert facts == [("Inflection AI", "funding", 1.3e9, None, 4e9), ("OpenAI", "investment", 1e10, "Microsoft", None)]
    money = tables.mentions[tables.mentions.kind == "money"]
    aggregate = money[money.money_type == "aggregate"]
    assert len(aggregate) == 1 and aggregate.event_id.isna().all()
    assert money[money.money_type != "aggregate"].event_id.notna().all()


def _write(folder: Path, docs: dict[str, str]) -> None:
    for name, text in docs.items():
        (folder / name).write_text(text, encoding="utf-8")


def test_a_run_writes_funding_parquet_and_event_ids(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    _write(corpus, {"a.txt": "OpenAI raised $6.6 billion in a round led by Thrive Capital.",
                    "b.txt": "OpenAI closed its $6.57 billion round, the company said.",
                    "c.txt": "Amazon invested $4 billion in Anthropic."})
    out = tmp_path / "out"
    result = run_corpus(corpus, out, today=TODAY)
    assert result.events == 2
    assert (out / FUNDING).is_symlink()
    funding = pd.read_parquet(out / FUNDING)
    assert sorted(funding.company) == ["Anthropic", "OpenAI"]
    openai = funding[funding.company == "OpenAI"].iloc[0]
    assert (openai.mentions, openai.documents, openai.lead_investor) == (2, 2, "Thrive Capital")
    money = Query(out).frame(Selection(kinds=("money",)))
    assert set(money.event_id) == set(funding.event_id)
    assert len(read_funding(out)) == 2


def test_incremental_runs_join_and_leave_events(tmp_path):
    corpus, out = tmp_path / "corpus", tmp_path / "out"
    corpus.mkdir()
    _write(corpus, {"a.txt": "OpenAI raised $6.6 billion in a round led by Thrive Capital.",
                    "c.txt": "Amazon invested $4 billion in Anthropic."})
    run_corpus(corpus, out, today=TODAY)
    first = pd.read_parquet(out / FUNDING).set_index("company")
    _write(corpus, {"b.txt": "OpenAI closed its $6.57 billion round, the company said."})
    result = run_corpus(corpus, out, today=TODAY)
    assert result.reused == 2
    joined = pd.read_parquet(out / FUNDING).set_index("company")
    assert joined.loc["OpenAI", "mentions"] == 2 and joined.loc["OpenAI", "event_id"] == first.loc["OpenAI", "event_id"]
    assert joined.loc["Anthropic", "event_id"] == first.loc["Anthropic", "event_id"]
    money = Query(out).frame(Selection(kinds=("money",)))
    assert money[money.company == "OpenAI"].event_id.nunique() == 1
    (corpus / "b.txt").unlink()
    run_corpus(corpus, out, today=TODAY)
    left = pd.read_parquet(out / FUNDING).set_index("company")
    assert left.loc["OpenAI", "mentions"] == 1 and left.loc["OpenAI", "documents"] == 1


def test_export_writes_the_funding_table(tmp_path, capsysbinary):
    from etl.cli import main

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    _write(corpus, {"a.txt": "Amazon invested $4 billion in Anthropic."})
    run_corpus(corpus, tmp_path / "out", today=TODAY)
    csv = tmp_path / "funding.csv"
    assert main(["export", "--store", str(tmp_path / "out"), "--table", "funding", "--csv", str(csv)]) == 0
    exported = pd.read_csv(csv, encoding="utf-8-sig")
    assert list(exported.company) == ["Anthropic"] and exported.investors[0] == "Amazon"


def test_a_founding_year_of_another_clause_never_dates_a_figure():
    tables = extract_tables([*__import__("etl").read_corpus("seeds")], today=TODAY)
    money = tables.mentions[tables.mentions.kind == "money"]
    openai = money[money.company == "OpenAI"].iloc[0]
    assert pd.isna(openai.date)  # its sentence's 2022 is Inflection AI's founding, in a relative clause



@pytest.mark.parametrize("published, grain, expected", [
    (date(2024, 6, 11), "day", ("2024-06-11", "day")),
    (date(2024, 6, 1), "month", ("2024-06", "month")),
    (date(2024, 1, 1), "year", ("2024", "year")),  # a year-grain article never dates an event 1 January
])
def test_an_undated_event_takes_its_first_publication_at_the_grain_the_source_states(published, grain, expected):
    doc = Document(text="Mistral AI raised $600 million in a Series B round led by General Catalyst.",
                   source="a.txt", lang="en", published=published, published_grain=grain)
    table = events_table(extract_tables([doc], today=TODAY).mentions.query("kind == 'money'"))
    assert len(table) == 1
    assert (table.date[0], table.date_grain[0]) == expected


from hypothesis import given, settings, strategies as st  # noqa: E402

_ROW = st.fixed_dictionaries({
    "company": st.sampled_from(["A", "B", None]),
    "amount_usd": st.sampled_from([1e9, 1.02e9, 1.3e9, 2e9, None]),
    "money_type": st.sampled_from(["funding", "investment", "valuation", "aggregate"]),
    "round": st.sampled_from([None, "seed", "series_a"]),
    "investor": st.sampled_from([None, "X", "Y"]),
    "date": st.sampled_from([None, "2024", "2024-03", "2024-03-05", "2024-09-30"]),
    "published": st.sampled_from([None, pd.Timestamp("2024-03-01"), pd.Timestamp("2025-01-01")]),
    "doc_id": st.sampled_from(["d1", "d2", "d3"]),
    "sentence_id": st.integers(0, 3),
})


@settings(max_examples=150, deadline=None)
@given(rows=st.lists(_ROW, max_size=25), seed=st.randoms())
def test_events_do_not_depend_on_row_order(rows, seed):
    from etl.events import assign

    grains = {4: "year", 7: "month", 10: "day"}
    frame = pd.DataFrame([{**r, "kind": "money", "start": i, "amount": r["amount_usd"], "amount_upper": None,
                           "currency": "USD", "investors": r["investor"], "source": r["doc_id"],
                           "date_grain": grains.get(len(r["date"] or ""))} for i, r in enumerate(rows)])
    if frame.empty:
        return
    ids = assign(frame)
    shuffled = frame.sample(frac=1, random_state=seed.randint(0, 10**6))
    again = assign(shuffled).reindex(frame.index)
    assert ids.fillna("-").tolist() == again.fillna("-").tolist()
    reporting = frame.money_type.isin(["funding", "investment"]) & frame.company.notna() & frame.amount_usd.notna()
    assert ids[reporting].notna().all()
    assert ids[frame.money_type == "aggregate"].isna().all()


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["e1", "e2", "e3", None]), st.text("ab;", max_size=3)), max_size=40))
def test_joined_keeps_each_keys_values_in_order(pairs):
    """joined() against the plain reading of its docstring, one pair at a time."""
    from etl.events import joined

    keys = pd.Series([k for k, _ in pairs], dtype="object")
    values = pd.Series([v for _, v in pairs], dtype="object")
    want: dict[str, list[str]] = {}
    for key, value in pairs:
        if key is not None:
            want.setdefault(key, []).append(value)
    got = joined(keys, values)
    assert list(got.index) == list(want) and list(got) == ["; ".join(v) for v in want.values()]
