"""`python -m etl models download ar hi zh en`: install the Stanza tokenize+ner models.

Wraps stanza.download(lang, model_dir=DIR, processors="tokenize,ner"), which fetches
resources.json and the models (with the mwt model, embeddings and character LMs they depend on).
It needs internet; runs never download (see etl/nlp.py).
"""
from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterable
from pathlib import Path

from etl.lang import LANGS


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
