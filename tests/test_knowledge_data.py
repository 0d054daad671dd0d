"""Integrity of the knowledge base files etl/data/entities.csv and etl/data/aliases.csv.

Only csv and the standard library: these tests check the data, not the matcher.
"""
import csv
import json
import re
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "etl" / "data"
GOLD_PATHS = [
    Path(__file__).parents[1] / ".." / "shared" / "gold" / "seeds.json",
    Path(__file__).parent / "gold" / "seeds.json",  # the repository's copy of the same file
]

ENTITY_COLUMNS = ["name", "type", "maker", "license", "country"]
ALIAS_COLUMNS = ["entity", "alias", "lang", "needs_context", "case_sensitive"]

ARABIC = re.compile(r"[\u0600-\u06FF]")
DEVANAGARI = re.compile(r"[\u0900-\u097F]")
HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def read(name):
    with open(DATA / name, encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        return reader.fieldnames, list(reader)


@pytest.fixture(scope="module")
def entities():
    header, rows = read("entities.csv")
    assert header == ENTITY_COLUMNS
    return rows


@pytest.fixture(scope="module")
def aliases():
    header, rows = read("aliases.csv")
    assert header == ALIAS_COLUMNS
    return rows


@pytest.fixture(scope="module")
def by_name(entities):
    return {e["name"]: e for e in entities}


# The matcher's normalisation, roughly: case, Arabic letter variants, diacritics and tatweel,
# Devanagari nukta, and separators (a space or hyphen in an alias is optional in the text).
_ONE_TO_ONE = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ة": "ه", "ى": "ي", "ی": "ي", "ک": "ك",
                             "ؤ": "و", "ئ": "ي"})
_DROPPED = re.compile("[\u064B-\u065F\u0670\u0640\u200b-\u200f\ufeff\u093c]")
_SEPARATORS = re.compile(r"[\s\-‐‑‒–—_/]+")


def compact(text):
    text = unicodedata.normalize("NFD", text)  # splits precomposed nukta letters (ज़ -> ज + nukta)
    text = _DROPPED.sub("", text.translate(_ONE_TO_ONE))
    text = unicodedata.normalize("NFKC", text).casefold()
    return _SEPARATORS.sub("", text)


def test_files_parse_with_one_entry_per_line(entities, aliases):
    assert entities and aliases
    for name, rows in (("entities.csv", entities), ("aliases.csv", aliases)):
        for row in rows:
            assert None not in row, f"{name}: extra fields in {row}"
            assert all(v is not None and "\n" not in v for v in row.values()), f"{name}: {row}"
            assert all(v == v.strip() for v in row.values()), f"{name}: stray spaces in {row}"


def test_entity_rows_are_valid(entities):
    bad = []
    for e in entities:
        if not e["name"]:
            bad.append((e, "name"))
        if e["type"] not in {"company", "product"}:
            bad.append((e["name"], "type", e["type"]))
        if e["license"] not in {"open", "closed", ""}:
            bad.append((e["name"], "license", e["license"]))
        if not re.fullmatch(r"[A-Z]{2}", e["country"]):
            bad.append((e["name"], "country", e["country"]))
    assert not bad


def test_entity_names_are_unique(entities):
    names = Counter(e["name"] for e in entities)
    assert [n for n, k in names.items() if k > 1] == []
    keys = defaultdict(set)
    for e in entities:
        keys[compact(e["name"])].add(e["name"])
    assert {k: v for k, v in keys.items() if len(v) > 1} == {}


def test_products_have_a_maker_that_is_a_company(entities, by_name):
    bad = []
    for e in entities:
        if e["type"] == "product":
            maker = by_name.get(e["maker"])
            if maker is None or maker["type"] != "company":
                bad.append((e["name"], e["maker"]))
        elif e["maker"]:
            bad.append((e["name"], "a company has no maker", e["maker"]))
    assert not bad


def test_enough_entities(entities):
    assert len(entities) >= 250


def test_alias_rows_are_valid(aliases, by_name):
    bad = []
    for a in aliases:
        if a["entity"] not in by_name:
            bad.append((a["alias"], "unknown entity", a["entity"]))
        if not a["alias"]:
            bad.append((a["entity"], "empty alias"))
        if a["lang"] not in {"ar", "hi", "zh", "en", ""}:
            bad.append((a["alias"], "lang", a["lang"]))
        if a["needs_context"] not in {"0", "1"} or a["case_sensitive"] not in {"0", "1"}:
            bad.append((a["alias"], "flags", a["needs_context"], a["case_sensitive"]))
    assert not bad


def test_alias_lang_matches_its_script(aliases):
    script = {"ar": ARABIC, "hi": DEVANAGARI, "zh": HAN}
    bad = []
    for a in aliases:
        text, lang = a["alias"], a["lang"]
        if lang in script and not script[lang].search(text):
            bad.append((text, lang))
        if lang == "en" and (ARABIC.search(text) or DEVANAGARI.search(text) or HAN.search(text)):
            bad.append((text, lang))
        # case_sensitive means "written exactly so": letter case in Latin, letter shape in Arabic
        # (علي, not the preposition على); Devanagari and Han have neither.
        if a["case_sensitive"] == "1" and not re.search(r"[A-Za-z]", text) and lang != "ar":
            bad.append((text, "case_sensitive on an alias without case or letter shapes"))
    assert not bad


def test_no_alias_belongs_to_two_entities(entities, aliases):
    """Compared casefolded, without separators (and with Arabic letter variants unified), since
    the matcher treats such forms as one; canonical names count as aliases of their entity."""
    owners = defaultdict(set)
    for e in entities:
        owners[compact(e["name"])].add(e["name"])
    for a in aliases:
        owners[compact(a["alias"])].add(a["entity"])
    assert {k: sorted(v) for k, v in owners.items() if len(v) > 1} == {}


def test_forms_of_one_alias_agree_on_flags(entities, aliases):
    """Rows whose forms the matcher merges ("R1" / "R-1") must not disagree on their flags,
    or which flags apply would depend on row order."""
    flags = defaultdict(set)
    rows = Counter()
    for a in aliases:
        flags[compact(a["alias"])].add((a["needs_context"], a["case_sensitive"]))
        rows[(a["entity"], a["alias"])] += 1
    assert {k: v for k, v in flags.items() if len(v) > 1} == {}
    assert [k for k, n in rows.items() if n > 1] == []


def test_each_script_has_enough_aliases(aliases):
    per_lang = Counter(a["lang"] for a in aliases)
    for lang in ("ar", "hi", "zh"):
        assert per_lang[lang] >= 60, (lang, per_lang[lang])


def test_people_projects_and_generic_terms_are_not_aliases(entities, aliases):
    """From the gold notes: people, a project, generic terms, media outlets and a host site."""
    known = {compact(e["name"]) for e in entities} | {compact(a["alias"]) for a in aliases}
    not_entities = ["Kai-Fu Lee", "Kai-Fu", "كاي فو لي", "ली कैफू", "Sam Altman", "Musk", "ماسك", "Wei Sun",
                    "وي صن", "Stargate", "GPU", "CRM", "ERP", "Geek Park", "Huxiu", "Gate"]
    assert [n for n in not_entities if compact(n) in known] == []


def test_gold_entities_exist_with_their_type():
    path = next((p for p in GOLD_PATHS if p.is_file()), None)
    if path is None:
        pytest.skip("gold annotations (shared/gold/seeds.json) are not on this machine")
    docs = json.loads(path.read_text(encoding="utf-8"))["docs"]
    _, rows = read("entities.csv")
    types = {e["name"]: e["type"] for e in rows}
    missing, wrong_type = set(), set()
    for doc in docs.values():
        for kind, names in (("company", doc.get("must_companies", [])), ("product", doc.get("must_products", []))):
            for name in names:
                if name not in types:
                    missing.add(name)
                elif types[name] != kind:
                    wrong_type.add((name, types[name], kind))
        missing |= {name for name in doc.get("license", {}) if name not in types}
    assert sorted(missing) == []
    assert sorted(wrong_type) == []
