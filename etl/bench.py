"""Benchmark of the full ETL on a SYNTHETIC corpus (see etl/synthetic.py). Prints figures; asserts nothing.

    python -m etl.bench --docs 1000 10000            # full runs, --workers 1 vs 2, incremental re-run
    python -m etl.bench --docs 1000 --baseline 300   # plus dateparser.search.search_dates on 300 docs
    python -m etl.bench --html 10000                 # saved HTML pages: pages/s per core, share spent reading

Each run is a separate `python -m etl run` process, timed from outside, with the peak memory of
its whole process tree (sum of PSS, sampled from /proc every 0.1 s).
"""
from __future__ import annotations

import argparse
import json
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
    path = OUT / f"synthetic-{n}.jsonl"
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
    ap.add_argument("--docs", type=int, nargs="+", default=None, help="synthetic JSONL sizes (default 1000 10000; none with --html)")
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--baseline", type=int, default=0, help="also time search_dates on this many documents")
    ap.add_argument("--no-incremental", action="store_true")
    ap.add_argument("--html", type=int, nargs="?", const=10000, default=0, metavar="PAGES",
                    help="benchmark saved HTML pages (the fixtures repeated to PAGES, default 10000)")
    args = ap.parse_args(argv)
    if args.html:
        html_bench(args.html, args.workers)
        if args.docs is None:
            return 0
    args.docs = args.docs or [1000, 10000]
    print("SYNTHETIC corpus (recombined seed sentences and templates), ~5 KB of UTF-8 text per document, ar/hi/zh/en")
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
