"""Which NER backend runs for which language: Stanza where its models are installed, the rules elsewhere.

NER backends (`python -m etl run --nlp auto|stanza|rules`)
-----------------------------------------------------------
Company and product mentions always come from the knowledge-base gazetteer (the aliases in
`etl/data/`). A named-entity recogniser can add companies the knowledge base does not know yet:

- `--nlp rules` runs the gazetteer and the built-in rules only. Nothing to install; no torch
  model is loaded.
- `--nlp stanza` also runs the Stanza NER model of each document's language (Arabic, Hindi,
  Chinese, English). Organisations it finds are linked to the knowledge base through the same
  normalised alias index as the gazetteer, so a name the knowledge base knows never gets a second,
  different row; an organisation it does not know becomes a `company` row with `extractor` =
  `stanza` and the name as written (Unicode NFC, spaces collapsed, a leading "the" dropped, and
  Arabic clitics such as و/ل dropped when Stanza splits them off). Persons, places, dates and
  numbers never become companies. If a language's models are missing, the run stops with an
  error that prints the command to install them.
- `--nlp auto` (the default) uses Stanza for the languages whose models are installed and the
  rules for the others, and prints one line saying which is which, for example
  `NER: stanza for ar, en; rules for hi, zh (no models in /home/me/stanza_resources)`.

Stanza only adds: for everything the knowledge base covers, the table is the same whether Stanza
ran or not.

Installing the models (needs internet):

    python -m etl models download ar hi zh en

This wraps `stanza.download(lang, model_dir=DIR, processors="tokenize,ner")`. DIR is
`--stanza-dir DIR` if given, else the `STANZA_RESOURCES_DIR` environment variable, else
Stanza's own default (`~/.cache/stanza/...` on Linux). Models are never downloaded during a run.
On a machine without internet, download on one that has it and copy DIR over (the folder with
`resources.json` and one sub-folder per language), then point `STANZA_RESOURCES_DIR` or
`--stanza-dir` at it.
"""
from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from etl.knowledge import KnowledgeBase
    from etl.spans import EntitySpan

MODES = ("auto", "stanza", "rules")
LANGS = ("ar", "hi", "zh", "en")  # the languages the project supports, in display order
PROCESSORS = "tokenize,ner"
DOWNLOAD_COMMAND = "python -m etl models download"


class ModelsMissing(RuntimeError):
    """Stanza models are not installed (or cannot be loaded); the message says how to install them."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def default_resources_dir() -> Path:
    """`STANZA_RESOURCES_DIR` if set, else the folder `stanza.download` uses by default.

    Computed without importing stanza (which imports torch: seconds of start-up)."""
    env = os.environ.get("STANZA_RESOURCES_DIR")
    if env:
        return Path(env).expanduser()
    try:
        from importlib.metadata import version

        from platformdirs import user_cache_dir

        # stanza: user_cache_dir('stanza', 'StanfordNLP', __resources_version__) / 'resources'
        return Path(user_cache_dir("stanza", "StanfordNLP", version("stanza"))) / "resources"
    except Exception:  # platformdirs or stanza metadata unavailable: stanza's historical default
        return Path.home() / "stanza_resources"


def _as_dir(resources_dir: str | os.PathLike | None) -> Path:
    return Path(resources_dir).expanduser() if resources_dir else default_resources_dir()


def _sort_langs(langs: Iterable[str]) -> list[str]:
    order = {lang: i for i, lang in enumerate(LANGS)}
    return sorted(set(langs), key=lambda lang: (order.get(lang, len(order)), lang))


def _load_resources(resources_dir: Path) -> dict | None:
    try:
        with open(resources_dir / "resources.json", encoding="utf-8") as f:
            resources = json.load(f)
    except (OSError, ValueError):
        return None
    return resources if isinstance(resources, dict) else None


def _model_files(lang: str, resources_dir: Path) -> list[Path] | None:
    """The model files `stanza.Pipeline(lang, processors="tokenize,ner")` would load from
    `resources_dir`, resolved from resources.json the way Stanza resolves them (language alias such
    as zh -> zh-hans, the default package, the mwt model tokenize needs, and each model's
    dependencies: pretrained embeddings, character LMs). None when resources.json or the language
    entry is missing. Reads JSON only: no torch, no stanza import."""
    resources = _load_resources(resources_dir)
    if resources is None:
        return None
    code = lang.strip().lower()
    seen = set()
    while isinstance(resources.get(code), dict) and "alias" in resources[code] and code not in seen:
        seen.add(code)
        code = resources[code]["alias"]
    lang_res = resources.get(code)
    if not isinstance(lang_res, dict):
        return None
    default = (lang_res.get("packages") or {}).get("default") or {}

    def packages_for(processor: str) -> list[str]:
        value = default.get(processor)
        if value is None and "default" in (lang_res.get(processor) or {}):
            value = "default"
        if value is None:
            return []
        return [value] if isinstance(value, str) else list(value)

    wanted = {"tokenize": packages_for("tokenize"), "ner": packages_for("ner")}
    if not wanted["tokenize"] or not wanted["ner"]:
        return None
    if "mwt" in default:  # stanza adds mwt when the language's tokenizer expects it
        wanted["mwt"] = packages_for("mwt")
    files: list[Path] = []
    for processor, packages in wanted.items():
        for package in packages:
            files.append(resources_dir / code / processor / f"{package}.pt")
            entry = (lang_res.get(processor) or {}).get(package) or {}
            for dep in entry.get("dependencies") or []:
                if isinstance(dep, dict) and dep.get("model") and dep.get("package"):
                    files.append(resources_dir / code / dep["model"] / f"{dep['package']}.pt")
    return files


def missing_model_files(lang: str, resources_dir: str | os.PathLike | None) -> list[str]:
    """What is missing for `lang` (empty when its models are installed), for messages."""
    directory = _as_dir(resources_dir)
    files = _model_files(lang, directory)
    if files is None:
        if _load_resources(directory) is None:
            return [str(directory / "resources.json")]
        return [f"{lang} tokenize+ner models (not listed in {directory / 'resources.json'})"]
    return [str(f) for f in files if not (f.is_file() and f.stat().st_size > 0)]


def models_installed(lang: str, resources_dir: str | os.PathLike | None) -> bool:
    """True when resources.json lists `lang` and its tokenize and ner model files (and what they
    depend on) are present in `resources_dir`. Does not load any model."""
    return not missing_model_files(lang, resources_dir)


def install_command(langs: Iterable[str], resources_dir: str | os.PathLike | None = None) -> str:
    """The exact command that installs the models of `langs` into `resources_dir`."""
    command = " ".join([DOWNLOAD_COMMAND, *_sort_langs(langs)])
    if resources_dir is not None:
        directory = _as_dir(resources_dir)
        if directory.resolve() != default_resources_dir().resolve():
            command += f" --stanza-dir {directory}"
    return command


def resolve_backends(mode: str, langs: set[str], resources_dir: Path | None) -> dict[str, str]:
    """Language -> "stanza" or "rules" for a run in `mode` ("auto", "stanza" or "rules").

    "stanza" raises ModelsMissing, whose message has the install command, when a language lacks
    models; "auto" falls back to the rules for such languages."""
    if mode not in MODES:
        raise ValueError(f"unknown NER mode {mode!r}: use one of {', '.join(MODES)}")
    langs = set(langs)
    if mode == "rules":
        return {lang: "rules" for lang in langs}
    installed = {lang: models_installed(lang, resources_dir) for lang in langs}
    if mode == "stanza":
        missing = [lang for lang, ok in installed.items() if not ok]
        if missing:
            directory = _as_dir(resources_dir)
            raise ModelsMissing(
                f"--nlp stanza: no Stanza models for {', '.join(_sort_langs(missing))} in {directory}.\n"
                f"Install them (needs internet) with:\n"
                f"    {install_command(missing, resources_dir)}\n"
                f"or run with --nlp auto (Stanza where installed, rules elsewhere) or --nlp rules."
            )
    return {lang: "stanza" if ok else "rules" for lang, ok in installed.items()}


def describe(backends: dict[str, str], resources_dir: Path | None = None, mode: str = "auto") -> str:
    """One line for the run log: "NER: stanza for ar, en; rules for hi, zh (no models in DIR)"."""
    if not backends:
        return "NER: no documents"
    stanza = _sort_langs(lang for lang, b in backends.items() if b == "stanza")
    rules = _sort_langs(lang for lang, b in backends.items() if b != "stanza")
    parts = []
    if stanza:
        parts.append("stanza for " + ", ".join(stanza))
    if rules:
        why = "--nlp rules" if mode == "rules" else f"no models in {_as_dir(resources_dir)}"
        parts.append("rules for " + ", ".join(rules) + f" ({why})")
    return "NER: " + "; ".join(parts)


def ner_for_documents(
    docs: Iterable[tuple[str, str, str]],
    backends: dict[str, str],
    resources_dir: Path | None,
    kb: "KnowledgeBase | None" = None,
    batch_size: int = 32,
) -> "dict[str, list[EntitySpan]]":
    """Stanza spans (document offsets) for each (doc_id, lang, text) whose language runs on
    Stanza; documents in other languages get no entry. Documents go to Stanza in batches of
    `batch_size`, one stanza.Document each, so boundaries and offsets stay per document.
    Raises ModelsMissing if a pipeline cannot be loaded."""
    by_lang: dict[str, dict[str, str]] = {}
    for doc_id, lang, text in docs:
        if backends.get(lang) == "stanza":
            by_lang.setdefault(lang, {}).setdefault(doc_id, text)  # identical documents run once
    if not by_lang:
        return {}
    from etl.extract.stanza_ner import run_stanza

    out: dict[str, list] = {}
    for lang, texts in by_lang.items():
        ids = list(texts)
        spans = run_stanza([texts[i] for i in ids], lang, resources_dir, batch_size=batch_size, kb=kb)
        out.update(zip(ids, spans))
    return out
