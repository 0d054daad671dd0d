"""The hand annotations of the seeds (tests/gold/seeds.json) as tests: every annotated mention,
value and trap of the seeds is one test case. Names compare loosely (case, spaces, dots, hyphens)."""
import json
import re
import unicodedata
from pathlib import Path

import pytest

from etl import extract_tables, read_corpus
from etl.paths import SEEDS_DIR

GOLD = json.loads((Path(__file__).parent / "gold" / "seeds.json").read_text(encoding="utf-8"))["docs"]


def norm(name):
    return re.sub(r"[\s.\-_'’]+", "", unicodedata.normalize("NFKC", str(name)).casefold())


@pytest.fixture(scope="module")
def mentions():
    return extract_tables(read_corpus(SEEDS_DIR)).mentions


def rows_of(mentions, name):
    return mentions[mentions.source.map(lambda s: Path(s).name) == name]


def cases(key):
    return [(name, item) for name, g in GOLD.items() for item in (g.get(key) or [])]


@pytest.mark.parametrize("name,company", cases("must_companies"), ids=str)
def test_company_found(mentions, name, company):
    found = {norm(e) for e in rows_of(mentions, name).query("kind == 'company'").entity.dropna()}
    assert norm(company) in found


@pytest.mark.parametrize("name,product", cases("must_products"), ids=str)
def test_product_found(mentions, name, product):
    found = {norm(e) for e in rows_of(mentions, name).query("kind == 'product'").entity.dropna()}
    assert any(f == norm(product) or f.startswith(norm(product)) for f in found), sorted(found)


@pytest.mark.parametrize("name,entity,lic", [(n, e, l) for n, g in GOLD.items() for e, l in g.get("license", {}).items()], ids=str)
def test_license_mostly_right(mentions, name, entity, lic):
    rows = rows_of(mentions, name)
    got = rows[(rows.kind == "company") & (rows.entity.map(norm) == norm(entity))].license.dropna()
    assert len(got) and (got == lic).mean() >= 0.5, dict(got.value_counts())


@pytest.mark.parametrize("name", list(GOLD))
def test_money_facts_exactly(mentions, name):
    money = rows_of(mentions, name).query("kind == 'money'")
    want = GOLD[name].get("money", [])
    assert len(money) == len(want), list(money.text)
    for fact in want:
        hit = money[(money.amount_usd - fact["amount_usd"]).abs() <= 0.01 * fact["amount_usd"]]
        assert len(hit) == 1, fact["text"]
        assert hit.money_type.iloc[0] == fact["type"]
        assert hit.currency.iloc[0] == fact["currency"]
        if fact.get("company"):
            assert hit.company.iloc[0] == fact["company"]
        if fact.get("investor"):
            assert hit.investor.iloc[0] == fact["investor"]


@pytest.mark.parametrize("name,year", cases("years_mentioned"), ids=str)
def test_year_mentioned(mentions, name, year):
    dates = rows_of(mentions, name).query("kind == 'date'").date.dropna()
    assert year in {int(d[:4]) for d in dates if re.match(r"^\d{4}", d)}


@pytest.mark.parametrize("name,date", cases("dates"), ids=str)
def test_date_found(mentions, name, date):
    rows = rows_of(mentions, name).query("kind == 'date'")
    if "value" in date:
        hits = rows[rows.date.str.startswith(date["value"])]
    else:
        pattern = f"-{date['month']:02d}" + (f"-{date['day']:02d}" if "day" in date else "")
        hits = rows[rows.date.str.contains(pattern, regex=False)]
    assert len(hits), sorted(rows.date)
    assert date["grain"] in set(hits.date_grain)


@pytest.mark.parametrize("name", list(GOLD))
def test_published_year(mentions, name):
    published = rows_of(mentions, name).published.dropna()
    year = GOLD[name].get("published_year_inferred")
    if year:
        assert len(published) and published.iloc[0].year == year
    else:
        assert published.empty


@pytest.mark.parametrize("name,trap", cases("must_not_money"), ids=str)
def test_trap_is_not_money(mentions, name, trap):
    money = rows_of(mentions, name).query("kind == 'money'")
    number = re.search(r"\d+", trap)
    if number:  # "10 مرات", "30-50%", "79": no money row is that number
        assert not any(re.search(rf"(?<![\d.]){number.group()}(?![\d.])", t) for t in money.text)
    else:  # "a billion parameters": no money row comes from a sentence about parameters (معلمة)
        assert not money.sentence.str.contains("معلمة").any()


def test_every_seed_has_rows(mentions):
    assert {Path(s).name for s in mentions.source} == set(GOLD)


def test_traps_are_not_entities(mentions):
    entities = {norm(e) for e in mentions.entity.dropna()}
    for person_or_term in ["Kai-Fu Lee", "Kai-Fu", "Musk", "GPU", "CRM", "ERP", "Stargate", "Geek Park", "Huxiu", "Gate"]:
        assert norm(person_or_term) not in entities
