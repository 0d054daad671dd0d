"""Benchmark of money extraction alone, per MB of text. Prints figures; asserts nothing.

    python -m etl.bench_money                      # this code: the synthetic corpus and the seeds
    python -m etl.bench_money --against main       # this code vs git revision main, side by side
    python -m etl.bench_money --docs 2000

For each corpus it times, in one process after a warm-up (CPU time): the document context (one
normalisation, the sentences, the one lexicon pass, which holds the money words) and then money
extraction over every kept sentence (`find_money`, as the pipeline calls it). The money words'
share of the lexicon pass shows in the context column, so the sum is the fair comparison.
"""
from __future__ import annotations

import argparse
import json

from etl.bench import OUT, _checkout, _in, corpus, seeds_jsonl
from etl.paths import PROJECT_ROOT

_SNIPPET = """
import json, sys, time
from datetime import date
from etl.context import DocumentContext
from etl.lang import detect_lang
from etl.wordlists import lexicon
from etl.extract.money import find_money
from etl.pipeline import warm_up
try:
    import etl.extract.numbers  # the lexicon-layer money: find_money takes a Sentence
    sentence_api = True
except ImportError:
    sentence_api = False
warm_up()
docs = [json.loads(line) for line in open(sys.argv[1], encoding="utf-8")]
mb = sum(len(d["text"].encode()) for d in docs) / 1e6
t0 = time.process_time()
langs = [d.get("lang") or detect_lang(d["text"]) for d in docs]
contexts = [DocumentContext(d["text"], lang, lexicon(lang)) for d, lang in zip(docs, langs)]
t1 = time.process_time()
figures = 0
for ctx in contexts:
    for s in ctx.sentences:
        figures += len(find_money(s, ctx.lang) if sentence_api else find_money(s.text, ctx.lang))
t2 = time.process_time()
print(json.dumps({"mb": mb, "context": t1 - t0, "money": t2 - t1, "figures": figures}))
"""


def measure(project, path) -> dict:
    return json.loads(_in(project, ["-c", _SNIPPET, str(path)]).stdout.strip().splitlines()[-1])


def _line(label: str, got: dict) -> str:
    mb = got["mb"]
    return (f"    {label:<10} money {mb / got['money']:7.2f} MB/s   context {mb / got['context']:6.2f} MB/s   "
            f"both {mb / (got['money'] + got['context']):6.2f} MB/s   ({got['figures']} figures)")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--against", metavar="REV", help="also measure git revision REV, side by side")
    ap.add_argument("--docs", type=int, default=2000, help="synthetic documents (default 2000)")
    args = ap.parse_args(argv)
    OUT.mkdir(exist_ok=True)
    for path in (corpus(args.docs), seeds_jsonl()):
        print(f"{path.name}:")
        new = measure(PROJECT_ROOT, path)
        if args.against:
            ref = measure(_checkout(args.against), path)
            print(_line(args.against, ref))
            print(_line("this code", new))
            print(f"    money alone {ref['money'] / new['money']:.2f}x, context + money "
                  f"{(ref['money'] + ref['context']) / (new['money'] + new['context']):.2f}x the reference's speed")
        else:
            print(_line("this code", new))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
