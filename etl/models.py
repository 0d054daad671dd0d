"""`python -m etl models download ar hi zh en`: install the Stanza tokenize+ner models.

Wraps stanza.download(lang, model_dir=DIR, processors="tokenize,ner"), which fetches
resources.json and the models (with the mwt model, embeddings and character LMs they depend on).
It needs internet; runs never download (see etl/nlp.py).
"""
from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from pathlib import Path

from etl.nlp import LANGS, PROCESSORS, default_resources_dir, missing_model_files


class DownloadFailed(RuntimeError):
    """The models could not be downloaded (no network, unknown language, bad file)."""


def download(langs: Iterable[str], resources_dir: str | os.PathLike | None = None) -> Path:
    """Download the tokenize+ner models of `langs` into `resources_dir` (default: STANZA_RESOURCES_DIR
    or Stanza's default folder) and check they are complete. Returns the folder.
    Raises DownloadFailed with a readable reason, never a network traceback."""
    langs = list(dict.fromkeys(lang.strip().lower() for lang in langs if lang.strip())) or list(LANGS)
    directory = Path(resources_dir).expanduser() if resources_dir else default_resources_dir()
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise DownloadFailed(f"cannot create the models folder {directory}: {e}") from e
    import stanza

    for n, lang in enumerate(langs):
        try:
            stanza.download(
                lang,
                model_dir=str(directory),
                processors=PROCESSORS,
                download_json=(n == 0),  # resources.json once per command
                logging_level="WARN",
            )
        except Exception as e:  # requests/OSError (network), ValueError (unknown language, bad checksum)
            raise DownloadFailed(
                f"could not download the Stanza {lang} models into {directory}: {type(e).__name__}: {e}\n"
                f"This needs internet access (resources.json from raw.githubusercontent.com, models from "
                f"huggingface.co). On a machine without it, run the command where there is access and copy "
                f"{directory} over, then set STANZA_RESOURCES_DIR or pass --stanza-dir."
            ) from e
        missing = missing_model_files(lang, directory)
        if missing:
            raise DownloadFailed(f"downloaded the Stanza {lang} models but files are still missing: {', '.join(missing)}")
    return directory


def download_command(langs: Iterable[str], resources_dir: str | os.PathLike | None = None) -> int:
    """CLI body for `python -m etl models download LANG...`: 0 on success, 1 with a message on stderr."""
    langs = list(langs) or list(LANGS)
    try:
        directory = download(langs, resources_dir)
    except DownloadFailed as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    print(f"installed Stanza tokenize+ner models for {', '.join(langs)} in {directory}")
    return 0
