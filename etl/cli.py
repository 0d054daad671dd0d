"""Command line: `python -m etl run|export ...` (the contract in DESIGN.md)."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from etl.engines import ENGINES
from etl.paths import DEFAULT_OUT, SEEDS_DIR


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m etl", description="AI-industry news: corpus in, tidy mentions table out.")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="extract mentions from a corpus into a Parquet store")
    run.add_argument("corpus", nargs="?", type=Path, default=SEEDS_DIR,
                     help="folder of .txt/.md (optional manifest.csv), a file, .jsonl or .csv (default: seeds/)")
    run.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"output folder (default: {DEFAULT_OUT.name}/)")
    run.add_argument("--nlp", choices=("auto", "stanza", "rules"), default="auto",
                     help="NER backend: stanza where its models are installed (auto, default), always (stanza), never (rules)")
    run.add_argument("--stanza-dir", type=Path, default=None, help="Stanza resources folder (default: $STANZA_RESOURCES_DIR)")
    run.add_argument("--workers", type=int, default=None, help="processes (default: number of cores)")
    run.add_argument("--engine", choices=ENGINES, default="local", help="local processes, or a Dask cluster")
    run.add_argument("--scheduler", default=None, help="Dask scheduler address (default: a local cluster)")
    run.add_argument("--full", action="store_true", help="re-extract every document (default: reuse unchanged ones from --out)")

    export = sub.add_parser("export", help="write the (filtered) mentions table as CSV that Excel opens")
    export.add_argument("--store", type=Path, default=DEFAULT_OUT, help="folder written by `run` (default: out/)")
    export.add_argument("--csv", default="-", help="output file, or - for standard output (default)")
    export.add_argument("--table", choices=("mentions", "documents", "errors"), default="mentions")
    export.add_argument("--kind", action="append", help="company, product, money or date (repeatable)")
    export.add_argument("--lang", action="append", help="ISO 639-1 code (repeatable)")
    export.add_argument("--entity", action="append", help="canonical entity name (repeatable)")
    export.add_argument("--company", action="append", help="company the row is about (repeatable)")
    export.add_argument("--since", help="published on or after (YYYY-MM-DD)")
    export.add_argument("--until", help="published on or before (YYYY-MM-DD)")
    models = sub.add_parser("models", help="manage Stanza models")
    models_sub = models.add_subparsers(dest="models_command", required=True)
    download = models_sub.add_parser("download", help="download Stanza tokenize+ner models (needs internet)")
    download.add_argument("langs", nargs="*", default=["ar", "hi", "zh", "en"])
    download.add_argument("--stanza-dir", type=Path, default=None, help="target folder (default: $STANZA_RESOURCES_DIR)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return {"run": _run, "export": _export, "models": _models}[args.command](args)


def _models(args) -> int:
    from etl.models import download_command

    return download_command(args.langs, args.stanza_dir)


def _run(args) -> int:
    from etl import CorpusNotFound, run_corpus
    from etl.engines import default_workers
    from etl.nlp import ModelsMissing, NerBackend, describe, resolve_backends
    from etl.store import StoreBusy

    if not args.corpus.exists():
        print(f"error: corpus not found: {args.corpus}", file=sys.stderr)
        return 2
    try:
        backends = resolve_backends(args.nlp, {"ar", "hi", "zh", "en"}, args.stanza_dir)
        print(describe(backends, args.stanza_dir, args.nlp), file=sys.stderr)
        ner = NerBackend(backends, args.stanza_dir) if "stanza" in backends.values() else None
        result = run_corpus(args.corpus, args.out, progress=sys.stderr.isatty(), workers=args.workers or default_workers(),
                            engine=args.engine, scheduler=args.scheduler, incremental=not args.full, ner=ner)
    except (CorpusNotFound, ModelsMissing, StoreBusy) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    print(result.summary())
    print(f"wrote      {args.out}/mentions.parquet, documents.parquet, errors.parquet")
    return 0


def filter_mentions(df: pd.DataFrame, kind=None, lang=None, entity=None, company=None, since=None, until=None) -> pd.DataFrame:
    """The rows matching every given filter (each a list of accepted values, or a date bound)."""
    keep = pd.Series(True, index=df.index)
    for column, wanted in (("kind", kind), ("lang", lang), ("entity", entity), ("company", company)):
        if wanted:
            keep &= df[column].isin(wanted)
    if since:
        keep &= df["published"] >= pd.Timestamp(since)
    if until:
        keep &= df["published"] <= pd.Timestamp(until)
    return df[keep.fillna(False)]


def _export(args) -> int:
    from etl import schema
    from etl.export import to_csv_bytes, write_csv
    from etl.store import FILES, exists, read_mentions

    if not exists(args.store):
        print(f"error: {args.store}: no ETL output; run `python -m etl run --out {args.store}`", file=sys.stderr)
        return 2
    if args.table == "mentions":
        # Language, kind and dates are pushed down to the store: other part files and row groups are not read.
        df = read_mentions(args.store, langs=args.lang, kinds=args.kind, since=args.since, until=args.until)
        df = filter_mentions(df, args.kind, args.lang, args.entity, args.company, args.since, args.until)
        df = df.sort_values(["published", "source", "start"], na_position="last", kind="stable")  # parts are by language
    else:
        columns = schema.DOCUMENT_COLUMNS if args.table == "documents" else schema.ERROR_COLUMNS
        df = schema.coerce(pd.read_parquet(args.store / FILES[args.table]), columns)
    if args.csv == "-":
        sys.stdout.buffer.write(to_csv_bytes(df))
    else:
        print(f"wrote {len(df)} rows to {write_csv(df, Path(args.csv))}", file=sys.stderr)
    return 0
