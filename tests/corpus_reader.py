"""Reading the tab-separated test corpora in tests/corpus/ (Duckling style: one case a line)."""
from collections.abc import Iterator
from pathlib import Path

CORPUS = Path(__file__).resolve().parent / "corpus"


def corpus_rows(kind: str) -> Iterator[tuple[str, int, list[str]]]:
    """(lang, line number, tab-separated fields) of every non-blank line of corpus/KIND_LANG.tsv."""
    for path in sorted(CORPUS.glob(f"{kind}_*.tsv")):
        lang = path.stem.split("_", 1)[1]
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.strip():
                yield lang, n, line.split("\t")
