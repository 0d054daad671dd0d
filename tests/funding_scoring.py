"""Scoring the funding corpus (tests/corpus/funding_*.tsv) against `extract_document`: per field and
language. `python -m tests.funding_scoring [fundingheldout]` prints the table the README quotes."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from etl.documents import Document
from etl.pipeline import extract_document

try:
    from tests.corpus_reader import corpus_rows
except ImportError:  # run from tests/
    from corpus_reader import corpus_rows

FIELDS = ("recipient", "lead", "investors", "type", "round", "date")
PUBLISHED = date(2025, 6, 15)


@dataclass(frozen=True)
class Case:
    lang: str
    line: int
    sentence: str
    amount: float
    expected: dict[str, str | None]


def cases(kind: str = "funding") -> list[Case]:
    """The development corpus (`funding`), or the held-out one (`fundingheldout`: written after the
    cues were frozen, never tuned on)."""
    out = []
    for lang, n, fields in corpus_rows(kind):
        if fields[0].startswith("#"):
            continue
        assert len(fields) == 8, f"funding_{lang}.tsv:{n}: 8 tab-separated fields, got {len(fields)}"
        sentence, amount, *values = fields
        out.append(Case(lang, n, sentence, float(amount), {k: (None if v == "-" else v) for k, v in zip(FIELDS, values)}))
    return out


def extracted(case: Case, cache: dict) -> dict[str, str | None] | None:
    """The fields of the money row of the case's figure (None when the figure is not found)."""
    key = (case.lang, case.sentence)
    if key not in cache:
        doc = Document(text=case.sentence, source="corpus", lang=case.lang, published=PUBLISHED)
        cache[key] = [r for r in extract_document(doc, today=date(2026, 1, 1)).mentions if r["kind"] == "money"]
    rows = [r for r in cache[key] if abs(r["amount"] - case.amount) <= 0.01 * case.amount]
    if not rows:
        return None
    r = rows[0]
    return {"recipient": r["company"], "lead": r["investor"], "investors": r.get("investors"),
            "type": r["money_type"], "round": r["round"], "date": r["date"]}


def score(selected: list[Case] | None = None):
    """{lang: {field: (right, total)}} and the list of misses (case, field, got)."""
    table: dict[str, dict[str, list[int]]] = defaultdict(lambda: {f: [0, 0] for f in FIELDS})
    misses, cache = [], {}
    for case in selected or cases():
        got = extracted(case, cache)
        for f in FIELDS:
            value = got[f] if got else "<figure not found>"
            ok = value == case.expected[f]
            table[case.lang][f][0] += ok
            table[case.lang][f][1] += 1
            if not ok:
                misses.append((case, f, value))
    return table, misses


if __name__ == "__main__":
    import sys

    table, misses = score(cases(sys.argv[1] if len(sys.argv) > 1 else "funding"))
    print("| lang | figures | " + " | ".join(FIELDS) + " |")
    print("|---|---|" + "---|" * len(FIELDS))
    for lang in ("ar", "hi", "zh", "en"):
        if lang in table:
            t = table[lang]
            print(f"| {lang} | {t['recipient'][1]} | " + " | ".join(f"{100 * r / n:.0f}%" for r, n in t.values()) + " |")
    for case, f, value in misses:
        print(f"miss {case.lang}:{case.line} {f}: want {case.expected[f]!r} got {value!r}  | {case.sentence[:90]}")
