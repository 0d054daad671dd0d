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
from dataclasses import dataclass
from typing import TYPE_CHECKING

from etl.extract.stanza_ner import run_stanza
from etl.lang import LANGS
from etl.models import (  # noqa: F401  (re-exported: what is installed where)
    DOWNLOAD_COMMAND, PROCESSORS, ModelsMissing, _as_dir, _sort_langs, default_resources_dir, install_command,
    missing_model_files, models_installed,
)

if TYPE_CHECKING:
    from etl.knowledge import KnowledgeBase
    from etl.spans import EntitySpan

MODES = ("auto", "stanza", "rules")


@dataclass(frozen=True)
class NerBackend:
    """Which languages run Stanza NER, and where its models are."""

    backends: dict[str, str]  # lang -> "stanza" or "rules"
    resources_dir: Path | None = None

    def backend(self, lang: str) -> str:
        return self.backends.get(lang, "rules")

    def spans(self, docs: list[tuple[str, str, str]]) -> "dict[str, list[EntitySpan]]":
        return ner_for_documents(docs, self.backends, self.resources_dir)


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
    out: dict[str, list] = {}
    for lang, texts in by_lang.items():
        ids = list(texts)
        spans = run_stanza([texts[i] for i in ids], lang, resources_dir, batch_size=batch_size, kb=kb)
        out.update(zip(ids, spans))
    return out
