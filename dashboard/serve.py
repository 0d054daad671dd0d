"""``python -m dashboard serve --data DIR [--base-url /trends] [--port N]``: the hosted dashboard.

Checks what would make a hosted server fail or leak before starting it (the store, the secrets
file, the ``[auth]`` settings, the access lists, the port), prints where it listens, then replaces
itself with ``streamlit run dashboard/app.py`` and the hosted settings: headless, no file
watcher, XSRF protection on, usage statistics off, the upload limit, the viewer toolbar. Sign-in
is required whenever ``[auth]`` is configured (the app's gate); ``--require-auth`` also refuses to
start, and the app to show data, without it. Exit status 2 with a message when a check fails.
"""
from __future__ import annotations

import argparse
import math
import os
import re
import socket
import sys
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import urlparse

from dashboard import auth, data, warm
from dashboard.runtime import server_environment

APP = Path(__file__).resolve().parent / "app.py"
DEFAULT_PORT = 8501
DEFAULT_ADDRESS = "127.0.0.1"  # behind a reverse proxy on the same machine
REQUEST_MB = 20  # Streamlit's per-file ceiling; the app's own per-file limit (AI_TRENDS_MAX_FILE_MB) is lower
_SEGMENT = re.compile(r"^[A-Za-z0-9._~-]+$")


class ServeError(Exception):
    """A check before starting failed; the message says what to fix."""


def base_url_path(text: str) -> str:
    """``/trends/`` -> ``trends`` (Streamlit's server.baseUrlPath); '' for the root."""
    parts = [p for p in text.strip().split("/") if p]
    for part in parts:
        if not _SEGMENT.match(part) or part in {".", ".."}:
            raise argparse.ArgumentTypeError(f"{text!r}: a base URL is a path such as /trends (letters, digits, . _ ~ -)")
    return "/".join(parts)


def port_number(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        port = 0
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number (1-65535)")
    return port


def iso_day(text: str) -> str:
    try:
        return date.fromisoformat(text.strip()).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m dashboard", description="The AI-trends dashboard as a service.")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="start the hosted dashboard (Streamlit with the hosted settings)")
    serve.add_argument("--data", required=True, type=Path, metavar="DIR", help="ETL output directory (python -m etl run … --out DIR)")
    serve.add_argument("--base-url", type=base_url_path, default="", metavar="PATH",
                       help="path the reverse proxy serves the dashboard under, e.g. /trends")
    serve.add_argument("--port", type=port_number, default=DEFAULT_PORT, help=f"default {DEFAULT_PORT}")
    serve.add_argument("--address", default=DEFAULT_ADDRESS, help=f"address to listen on (default {DEFAULT_ADDRESS})")
    serve.add_argument("--secrets", type=Path, metavar="FILE",
                       help="secrets.toml with the [auth] section (default: Streamlit's .streamlit/secrets.toml lookup)")
    serve.add_argument("--require-auth", action="store_true",
                       help="refuse to start (and to show data) without an [auth] section")
    serve.add_argument("--max-upload-mb", type=float, default=None, metavar="MB",
                       help=f"per uploaded file (default ${data.ENV_MAX_FILE_MB} or {data.DEFAULT_MAX_FILE_MB})")
    serve.add_argument("--lang", help="serve only these languages, e.g. ar,hi")
    serve.add_argument("--since", type=iso_day, help="serve only documents published from this day")
    serve.add_argument("--until", type=iso_day, help="serve only documents published until this day")
    return parser


@dataclass
class Plan:
    command: list[str]
    env: dict[str, str]
    local_url: str
    public_url: str | None = None
    signs_in: bool = False
    notes: list[str] = field(default_factory=list)


def secrets_files(chosen: Path | None, cwd: Path, home: Path) -> list[Path]:
    """The files Streamlit reads secrets from, in its order (later ones win)."""
    if chosen is not None:
        return [chosen.expanduser().resolve()]
    candidates = [home / ".streamlit" / "secrets.toml", cwd / ".streamlit" / "secrets.toml",
                  APP.parent / ".streamlit" / "secrets.toml"]
    return list(dict.fromkeys(p.resolve() for p in candidates))


def read_secrets(files: Sequence[Path]) -> dict:
    merged: dict = {}
    for path in files:
        if not path.is_file():
            continue
        try:
            merged.update(tomllib.loads(path.read_text(encoding="utf-8")))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise ServeError(f"{path}: not a readable TOML file ({exc})") from exc
    return merged


def _authlib_problem() -> str | None:
    try:
        import authlib
    except ImportError:
        return "sign-in needs Authlib: pip install 'Authlib>=1.3.2' (or the project's own install)"
    version = tuple(int(p) for p in re.findall(r"\d+", authlib.__version__)[:3])
    return None if version >= (1, 3, 2) else f"sign-in needs Authlib 1.3.2 or later (found {authlib.__version__})"


def plan(args: argparse.Namespace, environ: Mapping[str, str], cwd: Path, home: Path) -> Plan:
    """Everything checked, and the command that starts the server. Raises ServeError."""
    store = args.data.expanduser().resolve()
    if not store.is_dir():
        raise ServeError(f"--data {args.data}: no such directory")
    if not (store / data.FILES["mentions"]).exists():
        raise ServeError(f"--data {args.data}: holds no {data.FILES['mentions']}; "
                         f"create it with `python -m etl run CORPUS --out {args.data}`")
    if args.secrets is not None and not args.secrets.expanduser().is_file():
        raise ServeError(f"--secrets {args.secrets}: no such file")
    files = secrets_files(args.secrets, cwd, home)
    section = read_secrets(files).get("auth")
    if section is not None and not isinstance(section, Mapping):
        raise ServeError("[auth] in the secrets must be a table")

    base = args.base_url
    path = f"/{base}/" if base else "/"
    shown_address = f"[{args.address}]" if ":" in args.address else args.address
    result = Plan(command=[], env={}, local_url=f"http://{shown_address}:{args.port}{path}")
    if section:
        problems = auth.auth_settings_problems(section, base)
        problem = _authlib_problem()
        problems += [problem] if problem else []
        try:
            policy = auth.policy_from_env(environ)
        except auth.AccessListError as exc:
            problems.append(str(exc))
        else:
            if not policy.allowed:
                problems.append(f"sign-in is configured but {auth.ENV_ALLOWED} is empty, so nobody could enter "
                                "(e.g. AI_TRENDS_ALLOWED='alice@example.com,@example.org')")
            if not policy.uploaders:
                result.notes.append(f"{auth.ENV_UPLOADERS} is empty: nobody can add documents")
        if problems:
            where = ", ".join(str(f) for f in files if f.is_file())
            raise ServeError(f"sign-in settings ({where}):\n  - " + "\n  - ".join(problems))
        redirect = urlparse(str(section["redirect_uri"]).replace("{port}", str(args.port)))
        result.public_url = f"{redirect.scheme}://{redirect.netloc}{path}"
        result.signs_in = True
    elif args.require_auth:
        raise ServeError("--require-auth: no [auth] section in " + (", ".join(str(f) for f in files) or "the secrets"))
    else:
        result.notes.append("no [auth] in the secrets: everyone who reaches this address reads everything "
                            "(add [auth] for sign-in; --require-auth makes that mandatory)")

    env = server_environment(environ)
    if args.require_auth:
        env[auth.ENV_REQUIRE_AUTH] = "1"
    if args.max_upload_mb is not None:
        if not args.max_upload_mb > 0:
            raise ServeError(f"--max-upload-mb {args.max_upload_mb:g}: must be positive")
        env[data.ENV_MAX_FILE_MB] = f"{args.max_upload_mb:g}"
    file_mb = data.max_file_bytes(env) / 2**20
    flags = {
        "server.headless": "true",
        "server.address": args.address,
        "server.port": str(args.port),
        "server.baseUrlPath": base,
        "server.enableXsrfProtection": "true",
        "server.enableCORS": "true",
        "server.maxUploadSize": str(max(REQUEST_MB, math.ceil(file_mb))),
        "server.fileWatcherType": "none",
        "server.runOnSave": "false",
        "browser.gatherUsageStats": "false",
        "client.toolbarMode": "viewer",
        "global.developmentMode": "false",
    }
    command = warm.command()  # streamlit run, the page's imports done first
    for name, value in flags.items():
        command += [f"--{name}", value]
    for path_ in (files if args.secrets is not None else []):
        command += ["--secrets.files", str(path_)]
    command += ["--", "--data", str(store)]
    for option in ("lang", "since", "until"):
        if getattr(args, option):
            command += [f"--{option}", getattr(args, option)]
    result.command, result.env = command, env
    return result


def port_problem(address: str, port: int) -> str | None:
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server itself does
        try:
            s.bind((address, port))
        except OSError as exc:
            return f"cannot listen on {address}:{port} ({exc.strerror or exc})"
    return None


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    environ = os.environ if environ is None else environ
    try:
        result = plan(args, environ, Path.cwd(), Path.home())
        problem = port_problem(args.address, args.port)
        if problem:
            raise ServeError(problem)
    except ServeError as exc:
        print(f"dashboard serve: {exc}", file=sys.stderr)
        return 2
    for note in result.notes:
        print(f"dashboard serve: note: {note}", file=sys.stderr)
    sign_in = "sign-in required (OIDC)" if result.signs_in else "no sign-in"
    print(f"AI industry trends: serving {args.data} on {result.local_url} ({sign_in})", flush=True)
    if result.public_url:
        print(f"  public address (from [auth] redirect_uri): {result.public_url}", flush=True)
    sys.stderr.flush()
    if os.name == "posix":  # become the server: signals from systemd reach Streamlit directly
        os.execve(sys.executable, result.command, result.env)
    import subprocess

    return subprocess.call(result.command, env=result.env)
