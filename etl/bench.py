"""Benchmark of the full ETL on a SYNTHETIC corpus (see etl/synthetic.py). Prints figures; asserts nothing.

    python -m etl.bench --docs 1000 10000            # full runs, --workers 1 vs 2, incremental re-run
    python -m etl.bench --docs 1000 --baseline 300   # plus dateparser.search.search_dates on 300 docs
    python -m etl.bench --hostile 10 100 1000 10000  # hostile documents of these sizes (KB), s/MB each
    python -m etl.bench --scaling                    # a 2 MB document and an 80 KB sentence: s/MB against 5 KB documents
    python -m etl.bench --against REV --docs 10000   # this code vs git revision REV, side by side:
                                                     # steady-state MB/s of each, and the tables row by row
    python -m etl.bench --html 10000                 # saved HTML pages: pages/s per core, share spent reading

Each run is a separate `python -m etl run` process, timed from outside, with the peak memory of
its whole process tree (sum of PSS, sampled from /proc every 0.1 s).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

from etl.paths import PROJECT_ROOT
from etl.synthetic import generate, write_jsonl

OUT = PROJECT_ROOT / "bench-out"
HTML_FIXTURES = PROJECT_ROOT / "tests" / "fixtures" / "news" / "html"


def _tree_pss_kb(pid: int) -> int:
    """Memory of a process and all its descendants, in KiB: the proportional set size (PSS), so
    pages forked workers share with the parent count once, not once per process (RSS would)."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/smaps_rollup") as f:
                total += next((int(line.split()[1]) for line in f if line.startswith("Pss:")), 0)
            with open(f"/proc/{p}/task/{p}/children") as f:
                todo += [int(c) for c in f.read().split()]
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return total


def timed_run(args: list[str]) -> tuple[float, float]:
    """(seconds, peak MiB) of `python -m etl run ARGS`."""
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "etl", "run", *args, "--nlp", "rules"], cwd=PROJECT_ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = 0
    while proc.poll() is None:
        peak = max(peak, _tree_pss_kb(proc.pid))
        time.sleep(0.1)
    seconds = time.perf_counter() - started
    out, err = proc.communicate()
    if proc.returncode != 0:
        raise SystemExit(f"etl run failed ({proc.returncode}):\n{out}\n{err}")
    return seconds, peak / 1024


def corpus(n: int) -> Path:
    """The synthetic corpus of n documents, made once per version of the generator."""
    version = hashlib.sha1((PROJECT_ROOT / "etl" / "synthetic.py").read_bytes()).hexdigest()[:8]
    path = OUT / f"synthetic-{n}-{version}.jsonl"
    if not path.exists():
        write_jsonl(generate(n), path)
    return path


def sample(path: Path, n: int) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line, _ in zip(f, range(n))]


def baseline(docs: list[dict]) -> float:
    """Documents per second of dateparser.search.search_dates alone, languages given."""
    from dateparser.search import search_dates

    for r in docs[:4]:  # warm up language loading, as the ETL's start-up is also outside its loop
        search_dates(r["text"][:200], languages=[r["lang"]])
    started = time.perf_counter()
    for r in docs:
        search_dates(r["text"], languages=[r["lang"]])
    return len(docs) / (time.perf_counter() - started)


def hostile(sizes_kb: list[int]) -> None:
    """Seconds (and seconds per MB) of extracting each hostile document shape (etl/synthetic.py
    HOSTILE) at each size, in this process: linear time means a flat s/MB column."""
    from datetime import date

    from etl.documents import Document
    from etl.pipeline import extract_document
    from etl.synthetic import HOSTILE

    today = date(2026, 1, 1)
    extract_document(Document(text="OpenAI raised $1 billion on 16 March 2025.", source="warm-up"), today=today)
    print("hostile documents (etl/synthetic.py HOSTILE): seconds, and seconds per MB, of extract_document")
    print(f"{'case':<34}" + "".join(f"{f'{kb:,} KB':>20}" for kb in sizes_kb))
    for name, build in HOSTILE.items():
        cells = []
        for kb in sizes_kb:
            text = build(kb * 1024)
            started = time.perf_counter()
            extract_document(Document(text=text, source="hostile"), today=today)
            seconds = time.perf_counter() - started
            cells.append(f"{seconds:.2f} s ({seconds / (len(text.encode()) / 2**20):.2f}/MB)")
        print(f"{name:<34}" + "".join(f"{c:>20}" for c in cells), flush=True)



_JOINERS = {"ar": "، ", "zh": "，", "hi": ", ", "en": ", "}
_SENTENCE_END = re.compile(r"(?<=[.。।!?؟])\s+|\n+")


def _fresh_paragraphs(texts: list[str], mb: float) -> list[str]:
    """Paragraphs of the sentences no earlier document had (synthetic documents share some), up to `mb` MB."""
    out, size, seen = [], 0, set()
    for t in texts:
        for paragraph in t.split("\n\n"):
            fresh = [p for p in _SENTENCE_END.split(paragraph) if p.strip() and p not in seen]
            seen.update(fresh)
            if fresh:
                out.append(" ".join(fresh))
                size += len(out[-1].encode()) + 2
                if size >= mb * 2**20:
                    return out
    return out


def _documents_of(paragraphs: list[str], size: int = 5000) -> list[str]:
    """The paragraphs as documents of about `size` characters."""
    docs, current = [], []
    for p in paragraphs:
        current.append(p)
        if sum(map(len, current)) >= size:
            docs.append("\n\n".join(current))
            current = []
    return docs + (["\n\n".join(current)] if current else [])


def scaling(n: int) -> None:
    """Seconds per MB of one long document (~2 MB) and of one long sentence (~80 KB), each against
    the same text as ~5 KB documents, in this process after a warm-up (the best of three). The
    text is each language's synthetic sentences that no earlier document had (no repeat is
    dropped, so both sides read every sentence); the long sentence is sentences joined by commas,
    its 5 KB side the same sentences ended by full stops."""
    from datetime import date

    from etl.documents import Document
    from etl.pipeline import extract_document

    today = date(2026, 1, 1)

    def seconds(texts: list[str], lang: str) -> float:
        docs = [Document(text=t, source="scaling", lang=lang) for t in texts]
        best = float("inf")
        for _ in range(3):
            started = time.process_time()
            for d in docs:
                extract_document(d, today=today)
            best = min(best, time.process_time() - started)
        return best

    by_lang: dict[str, list[str]] = {}
    for d in sample(corpus(n), n):
        by_lang.setdefault(d["lang"], []).append(d["text"])
    extract_document(Document(text="OpenAI raised $1 billion and €2 million on 16 March 2025.", source="warm-up"), today=today)
    print("one long document, one long sentence: seconds per MB, and the ratio to the same text as ~5 KB documents")
    for lang, texts in sorted(by_lang.items()):
        seconds(texts[:20], lang)  # this language's first parses
        paragraphs = _fresh_paragraphs(texts, 2)
        mb = sum(len(p.encode()) + 2 for p in paragraphs) / 2**20
        long_doc, small = seconds(["\n\n".join(paragraphs)], lang), seconds(_documents_of(paragraphs), lang)
        parts, kb = [], 0
        for p in (p.rstrip(".。।!?؟") for para in paragraphs for p in _SENTENCE_END.split(para) if p.strip()):
            if kb >= 80 * 1024:
                break
            parts.append(p)
            kb += len(p.encode()) + 2
        sentence = _JOINERS.get(lang, ", ").join(parts)
        stop = "।" if lang == "hi" else "。" if lang == "zh" else "."
        long_sentence, short = seconds([sentence], lang), seconds(_documents_of([f"{p}{stop}" for p in parts]), lang)
        print(f"  {lang}: {mb:.1f} MB document {long_doc / mb:.2f} s/MB ({long_doc / small:.2f}x);"
              f" {kb // 1024} KB sentence {long_sentence / (kb / 2**20):.2f} s/MB ({long_sentence / short:.2f}x)", flush=True)

# In a subprocess with one checkout's etl first on the path: extraction time of a JSONL corpus after
# a warm-up (steady state: no imports, no pattern compilation, no I/O), in seconds and MB.
_STEADY = """
import json, sys, time
from datetime import date
from etl.documents import Document
from etl.pipeline import extract_document
docs = [json.loads(line) for line in open(sys.argv[1], encoding="utf-8")]
docs = [Document(text=d["text"], source=d["source"], lang=d.get("lang")) for d in docs]
# Warm-up: what a run pays once (rates read on a first non-dollar figure, each language's first
# date parse), on both sides of a comparison, so the clock sees only the steady state.
extract_document(Document(text="OpenAI raised $1 billion and €2 million on 16 March 2025.", source="warm-up"), today=date(2026, 1, 1))
for d in {d.lang: d for d in docs}.values():
    extract_document(d, today=date(2026, 1, 1))
started = time.process_time()
for d in docs:
    extract_document(d, today=date(2026, 1, 1))
print(json.dumps({"seconds": time.process_time() - started, "mb": sum(len(d.text.encode()) for d in docs) / 1e6}))
"""


# The same for the date work alone: the one date scan of each document, its publication date, its
# fallback base and its date rows (the lexicon pass every extractor shares is made before the clock).
_DATES = """
import json, sys, time
from datetime import date
from etl.context import DocumentContext
from etl.extract.dates import scan_dates
from etl.extract.published import fallback_in, published_in
from etl.lang import detect_lang
from etl.wordlists import lexicon
today = date(2026, 1, 1)
docs = [json.loads(line) for line in open(sys.argv[1], encoding="utf-8")]
def context(d):
    return DocumentContext(d["text"], d.get("lang"), lexicon(d.get("lang") or detect_lang(d["text"])))
for c in [context(d) for d in docs[:3]]:
    scan_dates(c).by_sentence(published_in(scan_dates(c), today))
best = float("inf")
for _ in range(3):  # the best of three: the date work of a corpus is short, the machine noisy
    contexts = [context(d) for d in docs]  # a fresh scan each time
    started = time.process_time()
    for c in contexts:
        scan = scan_dates(c)
        published = published_in(scan, today)
        scan.by_sentence(published or fallback_in(scan, today))
    best = min(best, time.process_time() - started)
print(json.dumps({"seconds": best, "mb": sum(len(d["text"].encode()) for d in docs) / 1e6}))
"""


def _checkout(rev: str) -> Path:
    """A detached worktree of git revision `rev` under bench-out/ (made once)."""
    sha = subprocess.run(["git", "rev-parse", "--short", rev], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True).stdout.strip()
    path = OUT / f"ref-{sha}"
    if not path.exists():
        subprocess.run(["git", "worktree", "add", "--detach", str(path), sha], cwd=PROJECT_ROOT, check=True, capture_output=True)
    return path


def _in(project: Path, args: list[str]) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(project)}
    return subprocess.run([sys.executable, *args], cwd=project, env=env, capture_output=True, text=True, check=True)


def steady_state(project: Path, corpus: Path, script: str = _STEADY) -> tuple[float, float]:
    """(seconds of CPU, MB) of extracting `corpus` with `project`'s code, after its warm-up
    (`script`: _STEADY for the whole extraction, _DATES for the date work alone)."""
    got = json.loads(_in(project, ["-c", script, str(corpus)]).stdout.strip().splitlines()[-1])
    return got["seconds"], got["mb"]


def seeds_jsonl() -> Path:
    """The seed articles as JSONL (every corpus of the comparison is JSONL)."""
    from etl.corpus import read_corpus
    from etl.documents import Document
    from etl.paths import SEEDS_DIR

    docs = [d for d in read_corpus(SEEDS_DIR) if isinstance(d, Document)]
    return write_jsonl([{"text": d.text, "source": d.source, "lang": d.lang} for d in docs], OUT / "seeds.jsonl")


def corpus_sentences() -> Path:
    """Every line of the test corpora (tests/corpus/*.tsv) as a one-sentence document."""
    path = OUT / "test-corpora.jsonl"
    records = []
    for tsv in sorted((PROJECT_ROOT / "tests" / "corpus").glob("*_*.tsv")):
        lang = tsv.stem.rsplit("_", 1)[1]
        for n, line in enumerate(tsv.read_text(encoding="utf-8").splitlines(), 1):
            if line.strip() and not line.startswith("#"):
                records.append({"text": line.split("\t")[0], "lang": lang, "source": f"{tsv.name}:{n}"})
    return write_jsonl(records, path)


_KEY = ["doc_id", "start", "end", "kind", "entity"]


def compare_tables(ref: Path, new: Path) -> list[str]:
    """Row-by-row differences of two stores' mentions tables (empty list: identical)."""
    import pandas as pd

    a = pd.read_parquet(ref / "mentions.parquet").sort_values(_KEY).reset_index(drop=True)
    b = pd.read_parquet(new / "mentions.parquet").sort_values(_KEY).reset_index(drop=True)
    shared = [c for c in a.columns if c in b.columns]
    lines = [f"columns only in the new table: {sorted(set(b.columns) - set(a.columns))}"] if set(b.columns) - set(a.columns) else []
    joined = a[shared].merge(b[shared], on=_KEY, how="outer", suffixes=("_ref", "_new"), indicator=True)
    for side, label in (("left_only", "only in the reference"), ("right_only", "only in the new table")):
        rows = joined[joined["_merge"] == side]
        if len(rows):
            lines.append(f"{len(rows)} rows {label}, by kind: {rows['kind'].value_counts().to_dict()}")
            lines += [f"    {r.kind} {r.entity!r} at {r.doc_id}:{r.start}" for r in rows.head(5).itertuples()]
    both = joined[joined["_merge"] == "both"]
    for col in (c for c in shared if c not in _KEY):
        x, y = both[f"{col}_ref"], both[f"{col}_new"]
        differ = ~((x == y).fillna(False) | (x.isna() & y.isna()))
        if differ.any():
            lines.append(f"{int(differ.sum())} rows differ in {col}, e.g. {list(zip(x[differ].head(3), y[differ].head(3)))}")
    return lines


def against(rev: str, corpora: list[Path]) -> None:
    """This code vs revision `rev`: steady-state extraction speed side by side (same run, same
    machine moment), then the stores of each corpus compared row by row."""
    ref = _checkout(rev)
    print(f"this checkout vs {rev} ({ref.name}); steady state = extraction after warm-up, CPU time, one process")
    for corpus in corpora:
        (rs, mb), (ns, _) = steady_state(ref, corpus), steady_state(PROJECT_ROOT, corpus)
        print(f"  {corpus.name}: {mb:.1f} MB; reference {mb / rs:.2f} MB/s, this code {mb / ns:.2f} MB/s: {rs / ns:.2f}x")
        if (ref / "etl" / "context.py").exists():  # the date scan alone, where the reference has it
            (rd, _), (nd, _) = steady_state(ref, corpus, _DATES), steady_state(PROJECT_ROOT, corpus, _DATES)
            print(f"    dates alone: reference {mb / rd:.2f} MB/s, this code {mb / nd:.2f} MB/s: {rd / nd:.2f}x")
        outs = []
        for project, tag in ((ref, "ref"), (PROJECT_ROOT, "new")):
            out = OUT / f"same-{tag}-{corpus.stem}"
            shutil.rmtree(out, ignore_errors=True)
            _in(project, ["-m", "etl", "run", str(corpus), "--out", str(out), "--workers", "1", "--full", "--nlp", "rules"])
            outs.append(out)
        diffs = compare_tables(*outs)
        print("    tables identical" if not diffs else "\n".join(f"    {d}" for d in diffs), flush=True)


def density(docs: list) -> str:
    """Sentences per KB, and names, dates and figures per sentence, of extracted documents."""
    from collections import Counter
    from datetime import date

    from etl.pipeline import extract_document

    kinds: Counter = Counter()
    sentences, kb = 0, 0.0
    for d in docs:
        result = extract_document(d, today=date(2026, 1, 1))
        kinds.update(m["kind"] for m in result.mentions)
        sentences += result.document["sentences"]
        kb += len(d.text.encode()) / 1024
    sentences = max(sentences, 1)
    return (f"{sentences / kb:5.1f} sentences/KB; per sentence: names {(kinds['company'] + kinds['product']) / sentences:.2f}, "
            f"dates {kinds['date'] / sentences:.3f}, figures {kinds['money'] / sentences:.3f}")


def compare_density(path: Path, n: int = 400) -> None:
    """The synthetic corpus next to the seeds: how alike they are (the README quotes this)."""
    from etl.corpus import read_corpus
    from etl.documents import Document
    from etl.paths import SEEDS_DIR

    print(f"  seeds          {density([d for d in read_corpus(SEEDS_DIR) if isinstance(d, Document)])}")
    records = sample(path, n)
    for lang in ("ar", "hi", "zh", "en"):
        docs = [Document(text=r["text"], source=r["source"], lang=r["lang"]) for r in records if r["lang"] == lang]
        print(f"  synthetic {lang}   {density(docs)}")


def html_corpus(n: int) -> Path:
    """A folder of `n` saved pages: the HTML fixtures (ar, hi, zh, en; UTF-8, Windows-1256,
    GB18030) repeated, each copy made distinct (a numbered title and paragraph) so that none is
    counted once as a duplicate."""
    folder = OUT / f"html-{n}"
    if folder.is_dir() and sum(1 for _ in folder.glob("*.html")) == n:
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    pages = sorted(HTML_FIXTURES.glob("*.html"))
    templates = [p.read_bytes() for p in pages]
    for i in range(n):
        k = i % len(templates)
        mark = f"copy {i}".encode()
        page = templates[k].replace(b"</title>", b" (" + mark + b")</title>", 1)
        page = page.replace(b"</h1>", b"</h1>\n<p>Benchmark " + mark + b" of this page: the same article, saved again.</p>", 1)
        (folder / f"{i:06d}-{pages[k].name}").write_bytes(page)
    return folder


def html_bench(n: int, workers: list[int]) -> None:
    """Pages per second (one process = one core) for reading alone (decoding, trafilatura,
    htmldate) and for whole runs, and the share of a one-process run spent reading."""
    from etl.corpus import Unparsed, read_corpus
    from etl.pipeline import extract_document, warm_up

    folder = html_corpus(n)
    mb = sum(p.stat().st_size for p in folder.glob("*.html")) / 1e6
    print(f"HTML pages: the {len(list(HTML_FIXTURES.glob('*.html')))} fixtures of tests/fixtures/news/html repeated to {n} pages ({mb:.1f} MB)")
    sample = min(n, 2000)
    warm_up()
    listing = reading = parsing = extracting = 0.0
    started = time.perf_counter()
    items = read_corpus(folder, defer=True)
    for count in range(sample):
        t0 = time.perf_counter()
        item = next(items)
        t1 = time.perf_counter()
        doc = item.parse() if isinstance(item, Unparsed) else item
        t2 = time.perf_counter()
        extract_document(doc)
        t3 = time.perf_counter()
        reading += t1 - t0
        parsing += t2 - t1
        extracting += t3 - t2
    items.close()
    total = time.perf_counter() - started
    print(f"  in one process, {sample} pages: reading files {reading:.1f} s, HTML to article (decode, trafilatura, "
          f"htmldate) {parsing:.1f} s, extraction {extracting:.1f} s")
    print(f"  HTML to article alone: {sample / parsing:.0f} pages/s per core; whole pipeline {sample / total:.0f} pages/s per core; "
          f"reading (files + HTML) is {(reading + parsing) / total:.0%} of the time")
    results = {}
    for w in workers:
        out = OUT / f"out-html-{n}-w{w}"
        shutil.rmtree(out, ignore_errors=True)
        seconds, peak = timed_run([str(folder), "--out", str(out), "--workers", str(w), "--full"])
        results[w] = seconds
        print(f"  python -m etl run, {n} pages, --workers {w}: {seconds:.1f} s = {n / seconds:.0f} pages/s, "
              f"{n / seconds / w:.0f} pages/s per core, peak {peak:.0f} MiB")
    if len(results) > 1:
        lo, hi = min(results), max(results)
        print(f"  speed-up of --workers {hi} over {lo}: {results[lo] / results[hi]:.2f}x")
    # what the parent does while the workers parse: list, read and fingerprint the files
    started = time.perf_counter()
    count = sum(1 for _ in read_corpus(folder, defer=True))
    parent = time.perf_counter() - started
    print(f"  the reading process alone (files read and fingerprinted, HTML left to the workers): {parent:.1f} s for "
          f"{count} pages = {parent / min(results.values()) if results else 0:.0%} of the fastest run")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--hostile", type=int, nargs="+", metavar="KB", help="only time hostile documents of these sizes")
    ap.add_argument("--scaling", action="store_true", help="only time a 2 MB document and an 80 KB sentence per MB against 5 KB documents")
    ap.add_argument("--against", metavar="REV", help="only compare with git revision REV (speed and output)")
    ap.add_argument("--docs", type=int, nargs="+", default=None, help="synthetic JSONL sizes (default 1000 10000; none with --html)")
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--baseline", type=int, default=0, help="also time search_dates on this many documents")
    ap.add_argument("--no-incremental", action="store_true")
    ap.add_argument("--html", type=int, nargs="?", const=10000, default=0, metavar="PAGES",
                    help="benchmark saved HTML pages (the fixtures repeated to PAGES, default 10000)")
    args = ap.parse_args(argv)
    if args.hostile:
        hostile(args.hostile)
        return 0
    if args.scaling:
        scaling(max(args.docs or [10000]))
        return 0
    if args.html:
        html_bench(args.html, args.workers)
        if args.docs is None:
            return 0
    args.docs = args.docs or [1000, 10000]
    if args.against:
        against(args.against, [seeds_jsonl(), corpus_sentences(), *(corpus(n) for n in args.docs)])
        return 0
    print("SYNTHETIC corpus (seed sentences, templated prose and facts), ~5 KB of UTF-8 per document, ar/hi/zh/en,"
          " no sentence repeated inside a document")
    compare_density(corpus(min(args.docs)))
    print(f"{'docs':>7} {'MB':>7} {'workers':>7} {'seconds':>8} {'docs/s':>8} {'MB/s':>6} {'MB/s/core':>9} {'peak MiB (PSS)':>14}")
    results = {}
    for n in args.docs:
        path = corpus(n)
        mb = path.stat().st_size / 1e6
        for w in args.workers:
            out = OUT / f"out-{n}-w{w}"
            shutil.rmtree(out, ignore_errors=True)
            seconds, peak = timed_run([str(path), "--out", str(out), "--workers", str(w), "--full"])
            results[(n, w)] = seconds
            print(f"{n:>7} {mb:>7.1f} {w:>7} {seconds:>8.1f} {n / seconds:>8.0f} {mb / seconds:>6.2f} {mb / seconds / w:>9.2f} {peak:>14.0f}")
        if len(args.workers) > 1:
            lo, hi = min(args.workers), max(args.workers)
            print(f"        speed-up of --workers {hi} over {lo}: {results[(n, lo)] / results[(n, hi)]:.2f}x")
        if not args.no_incremental:
            w = max(args.workers)
            grown = OUT / f"synthetic-{n}-plus1pct.jsonl"
            write_jsonl(generate(n + max(n // 100, 1)), grown)
            out = OUT / f"out-{n}-inc"
            shutil.rmtree(out, ignore_errors=True)
            shutil.copytree(OUT / f"out-{n}-w{w}", out, symlinks=True)
            seconds, peak = timed_run([str(grown), "--out", str(out), "--workers", str(w)])
            print(f"        incremental re-run with 1% new documents: {seconds:.1f} s = "
                  f"{seconds / results[(n, w)]:.1%} of the full run (peak {peak:.0f} MiB)")
        if args.baseline:
            etl_rate = n / results[(n, min(args.workers))]
            dp_rate = baseline(sample(path, args.baseline))
            print(f"        dateparser.search.search_dates alone (languages given, {args.baseline} docs): {dp_rate:.1f} docs/s;"
                  f" full ETL on {min(args.workers)} worker(s) is {etl_rate / dp_rate:.1f}x that")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
