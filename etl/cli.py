"""Command line: `python -m etl run|export ...` (the contract in DESIGN.md)."""
from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

import pandas as pd

from etl.engines import DEFAULT_DOC_TIMEOUT, DEFAULT_MAX_DOC_MB, ENGINES
from etl.paths import DEFAULT_OUT, SEEDS_DIR

EXIT_UNWRITABLE = 3  # the output could not be written (full disk, read-only folder); the last good one is intact


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
    run.add_argument("--max-doc-mb", type=_positive_float, default=DEFAULT_MAX_DOC_MB,
                     help=f"a document larger than this (MB of UTF-8) is refused as an error row (default: {DEFAULT_MAX_DOC_MB:g})")
    run.add_argument("--doc-timeout", type=_positive_float, default=DEFAULT_DOC_TIMEOUT,
                     help=f"seconds one document may take before it becomes an error row (default: {DEFAULT_DOC_TIMEOUT:g})")

    export = sub.add_parser("export", help="write the (filtered) mentions table as CSV that Excel opens")
    export.add_argument("--store", type=Path, default=DEFAULT_OUT, help="folder written by `run` (default: out/)")
    export.add_argument("--csv", default="-", help="output file, or - for standard output (default)")
    export.add_argument("--table", choices=("mentions", "documents", "errors", "funding"), default="mentions",
                        help="mentions (default), documents, errors, or funding (one row per funding event)")
    export.add_argument("--kind", action="append", help="company, product, money or date (repeatable)")
    export.add_argument("--lang", action="append", help="ISO 639-1 code (repeatable)")
    export.add_argument("--entity", action="append", help="canonical entity name (repeatable)")
    export.add_argument("--company", action="append", help="company the row is about (repeatable)")
    export.add_argument("--since", help="published on or after (YYYY-MM-DD)")
    export.add_argument("--until", help="published on or before (YYYY-MM-DD)")
    review = sub.add_parser("review", help="organisations and product versions the knowledge base lacks, as CSV rows for etl/data/")
    review.add_argument("--store", type=Path, default=DEFAULT_OUT, help="folder written by `run` (default: out/)")
    review.add_argument("--csv", default="-", help="output file, or - for standard output (default)")
    models = sub.add_parser("models", help="manage Stanza models")
    models_sub = models.add_subparsers(dest="models_command", required=True)
    download = models_sub.add_parser("download", help="download Stanza tokenize+ner models (needs internet)")
    download.add_argument("langs", nargs="*", default=["ar", "hi", "zh", "en"])
    download.add_argument("--stanza-dir", type=Path, default=None, help="target folder (default: $STANZA_RESOURCES_DIR)")
    return parser


def _positive_float(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {value!r}") from None
    if not number > 0:
        raise argparse.ArgumentTypeError(f"must be more than 0: {value!r}")
    return number


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return {"run": _run, "export": _export, "review": _review, "models": _models}[args.command](args)


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
                            engine=args.engine, scheduler=args.scheduler, incremental=not args.full, ner=ner,
                            max_doc_mb=args.max_doc_mb, doc_timeout=args.doc_timeout)
    except (CorpusNotFound, ModelsMissing, StoreBusy) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except OSError as e:  # full disk, read-only folder: the run's unfinished version is gone already
        print(f"error: {_unwritable(e, args.out)}", file=sys.stderr)
        return EXIT_UNWRITABLE
    print(result.summary())
    print(f"wrote      {args.out}/mentions.parquet, documents.parquet, errors.parquet, funding.parquet")
    return 0


def _unwritable(error: OSError, out: Path) -> str:
    """One line for an output that could not be written, naming the folder and the reason."""
    reason = error.strerror or (str(error).splitlines() or [type(error).__name__])[0]
    where = Path(error.filename) if isinstance(error.filename, str) else None
    if where is not None and not where.resolve().is_relative_to(Path(out).resolve()):
        return f"{where}: {reason}"
    from etl.store import exists

    kept = "; the last good output is unchanged" if exists(out) else ""
    return f"{out}: cannot write the output ({reason}){kept}"


def filter_mentions(df: pd.DataFrame, kind=None, lang=None, entity=None, company=None, since=None, until=None) -> pd.DataFrame:
    """The rows matching every given filter (each a list of accepted values, or a date bound).
    Entity and company names match whatever their case ("openai" finds OpenAI)."""
    keep = pd.Series(True, index=df.index)
    for column, wanted in (("kind", kind), ("lang", lang)):
        if wanted:
            keep &= df[column].isin(wanted)
    for column, wanted in (("entity", entity), ("company", company)):
        if wanted:
            keep &= _casefolded(df[column]).isin({w.casefold() for w in wanted})
    if since:
        keep &= df["published"] >= pd.Timestamp(since)
    if until:
        keep &= df["published"] <= pd.Timestamp(until)
    return df[keep.fillna(False)]


def _casefolded(series: pd.Series) -> pd.Series:
    return series.astype("string").str.casefold()


def check_export_filters(args) -> str | None:
    """The first problem with `export`'s filter values, as one line, or None. Languages and kinds
    are lower-cased; unknown ones are refused with the list of valid ones (instead of an empty
    file), and dates must be real dates."""
    from etl import schema
    from etl.corpus import KNOWN_LANGS

    for option, values, valid in (("--kind", "kind", schema.KINDS), ("--lang", "lang", sorted(KNOWN_LANGS))):
        given = getattr(args, values)
        if not given:
            continue
        setattr(args, values, [v.strip().lower() for v in given])
        unknown = [v for v in getattr(args, values) if v not in valid]
        if unknown:
            return f"{option} {', '.join(unknown)}: unknown; valid values are {', '.join(valid)}"
    for option in ("since", "until"):
        value = getattr(args, option)
        if value is None:
            continue
        try:
            setattr(args, option, date.fromisoformat(value.strip()))
        except ValueError as e:
            return f"--{option} {value}: not a date as YYYY-MM-DD ({e})"
    if args.since and args.until and args.since > args.until:
        return f"--since {args.since} is after --until {args.until}"
    return None


def _review(args) -> int:
    from etl.review import review_candidates
    from etl.store import exists, read_mentions

    if not exists(args.store):
        print(f"error: {args.store}: no ETL output; run `python -m etl run --out {args.store}`", file=sys.stderr)
        return 2
    table = review_candidates(read_mentions(args.store, kinds=["company", "product"]))
    return _write_table(table, args.csv)


def _write_table(df: pd.DataFrame, csv: str) -> int:
    """The table as Excel-safe CSV to a file or standard output; exit code."""
    from etl.export import to_csv_bytes, write_csv

    try:
        if csv == "-":
            sys.stdout.buffer.write(to_csv_bytes(df))
        else:
            print(f"wrote {len(df)} rows to {write_csv(df, Path(csv))}", file=sys.stderr)
    except OSError as e:
        print(f"error: {csv}: cannot write the CSV ({e.strerror or e})", file=sys.stderr)
        return EXIT_UNWRITABLE
    return 0


def _export(args) -> int:
    from etl import schema
    from etl.store import FILES, exists, read_mentions

    problem = check_export_filters(args)
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    if not exists(args.store):
        print(f"error: {args.store}: no ETL output; run `python -m etl run --out {args.store}`", file=sys.stderr)
        return 2
    if args.table == "mentions":
        # Language, kind and dates are pushed down to the store: other part files and row groups are not read.
        df = read_mentions(args.store, langs=args.lang, kinds=args.kind, since=args.since, until=args.until)
        df = filter_mentions(df, args.kind, args.lang, args.entity, args.company, args.since, args.until)
        df = df.sort_values(["published", "source", "start"], na_position="last", kind="stable")  # parts are by language
        for option, column, wanted in (("--entity", "entity", args.entity), ("--company", "company", args.company)):
            present = set(_casefolded(df[column]).dropna()) if wanted else set()
            for name in wanted or ():
                if name.casefold() not in present:
                    print(f"note: {option} {name}: no exported row has it (names match whatever their case)", file=sys.stderr)
    elif args.table == "funding":
        from etl.events import read_funding

        df = read_funding(args.store)
    else:
        columns = schema.DOCUMENT_COLUMNS if args.table == "documents" else schema.ERROR_COLUMNS
        df = schema.coerce(pd.read_parquet(args.store / FILES[args.table]), columns)
    return _write_table(df, args.csv)
