"""``python -m dashboard serve``: argument handling, the checks before starting, the Streamlit
command with the hosted settings, and a real start on a free loopback port (health endpoint under
the base URL, then stopped)."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from dashboard import auth, data, serve
from dashboard.sample import tiny_tables, write_store

ROOT = Path(__file__).resolve().parents[1]
SECRET = "a-cookie-secret-of-more-than-32-characters"


@pytest.fixture
def store(tmp_path, monkeypatch):
    """The tiny dataset; home and working directory moved to empty folders, so no stray
    secrets.toml of the machine is read by serve.main."""
    for folder in ("home", "cwd"):
        (tmp_path / folder).mkdir()
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path / "cwd")
    t = tiny_tables()
    return write_store(t.mentions, t.documents, t.errors, tmp_path / "store")


def parse(*argv: str):
    return serve.build_parser().parse_args(["serve", *argv])


def make_plan(tmp_path, *argv: str, environ=None):
    """The plan with an empty home and working directory (no stray secrets.toml is read)."""
    home, cwd = tmp_path / "home", tmp_path / "cwd"
    return serve.plan(parse(*argv), environ or {}, cwd, home)


def write_secrets(tmp_path, text: str) -> Path:
    path = tmp_path / "secrets.toml"
    path.write_text(text, encoding="utf-8")
    return path


def auth_toml(redirect: str = "https://dash.example.com/trends/oauth2callback", secret: str = SECRET) -> str:
    return (f'[auth]\nredirect_uri = "{redirect}"\ncookie_secret = "{secret}"\nclient_id = "ai-trends"\n'
            'client_secret = "s3cret"\nserver_metadata_url = "https://idp.example.com/.well-known/openid-configuration"\n')


def flags(command: list[str]) -> dict[str, str]:
    head = command[: command.index("--")]
    return {head[i][2:]: head[i + 1] for i in range(len(head)) if head[i].startswith("--") and i + 1 < len(head)}


# --- arguments ----------------------------------------------------------------------------------

def test_arguments_and_defaults(store):
    args = parse("--data", str(store))
    assert (args.port, args.address, args.base_url, args.require_auth) == (8501, "127.0.0.1", "", False)
    args = parse("--data", str(store), "--base-url", "/trends/", "--port", "9000", "--lang", "ar,hi", "--since", "2024-01-01")
    assert (args.base_url, args.port, args.lang, args.since) == ("trends", 9000, "ar,hi", "2024-01-01")
    assert parse("--data", "x", "--base-url", "/teams/ai-desk").base_url == "teams/ai-desk"


@pytest.mark.parametrize("argv, message", [
    ((), "--data"),
    (("--data", "x", "--port", "0"), "not a port number"),
    (("--data", "x", "--port", "http"), "not a port number"),
    (("--data", "x", "--base-url", "/tr ends"), "base URL"),
    (("--data", "x", "--base-url", "/../etc"), "base URL"),
    (("--data", "x", "--since", "last week"), "not a date"),
])
def test_bad_arguments_exit_2_with_a_message(argv, message, capsys):
    with pytest.raises(SystemExit) as exit_:
        serve.main(["serve", *argv], environ={})
    assert exit_.value.code == 2 and message in capsys.readouterr().err


def test_a_missing_or_empty_store_is_refused(tmp_path, store, capsys):
    assert serve.main(["serve", "--data", str(tmp_path / "nope")], environ={}) == 2
    assert "no such directory" in capsys.readouterr().err
    (tmp_path / "empty").mkdir()
    assert serve.main(["serve", "--data", str(tmp_path / "empty")], environ={}) == 2
    assert "python -m etl run" in capsys.readouterr().err


# --- the plan: hosted settings and the checks ---------------------------------------------------

def test_the_command_carries_the_hosted_settings(tmp_path, store):
    plan = make_plan(tmp_path, "--data", str(store), "--base-url", "/trends", "--port", "8600", "--lang", "ar",
                     environ={data.ENV_MAX_FILE_MB: "50"})
    f = flags(plan.command)
    assert plan.command[1:4] == [str(ROOT / "dashboard" / "warm.py"), "run", str(ROOT / "dashboard" / "app.py")]
    assert f["server.headless"] == "true" and f["server.enableXsrfProtection"] == "true"
    assert f["browser.gatherUsageStats"] == "false" and f["server.fileWatcherType"] == "none"
    assert (f["server.port"], f["server.address"], f["server.baseUrlPath"]) == ("8600", "127.0.0.1", "trends")
    assert f["server.maxUploadSize"] == "50"  # the per-file limit fits under the server's
    assert plan.command[plan.command.index("--"):] == ["--", "--data", str(store), "--lang", "ar"]
    assert plan.local_url == "http://127.0.0.1:8600/trends/" and not plan.signs_in
    assert any("everyone who reaches" in n for n in plan.notes)  # no [auth]: said out loud


def test_max_upload_option_sets_the_app_limit(tmp_path, store):
    plan = make_plan(tmp_path, "--data", str(store), "--max-upload-mb", "5")
    assert plan.env[data.ENV_MAX_FILE_MB] == "5" and flags(plan.command)["server.maxUploadSize"] == "20"
    with pytest.raises(serve.ServeError, match="positive"):
        make_plan(tmp_path, "--data", str(store), "--max-upload-mb", "0")


def test_require_auth_refuses_to_start_without_auth_and_tells_the_app(tmp_path, store):
    with pytest.raises(serve.ServeError, match="no \\[auth\\]"):
        make_plan(tmp_path, "--data", str(store), "--require-auth")
    secrets = write_secrets(tmp_path, auth_toml())
    plan = make_plan(tmp_path, "--data", str(store), "--require-auth", "--secrets", str(secrets), "--base-url", "/trends",
                     environ={auth.ENV_ALLOWED: "@example.com"})
    assert plan.env[auth.ENV_REQUIRE_AUTH] == "1" and plan.signs_in
    assert plan.public_url == "https://dash.example.com/trends/"
    assert plan.command[plan.command.index("--secrets.files") + 1] == str(secrets.resolve())


def test_auth_settings_are_checked_before_starting(tmp_path, store):
    def problems(toml: str, environ: dict, *argv: str) -> str:
        with pytest.raises(serve.ServeError) as err:
            make_plan(tmp_path, "--data", str(store), "--secrets", str(write_secrets(tmp_path, toml)), *argv, environ=environ)
        return str(err.value)

    allowed = {auth.ENV_ALLOWED: "@example.com"}
    assert "AI_TRENDS_ALLOWED is empty" in problems(auth_toml(), {}, "--base-url", "/trends")
    assert "'example.com' is neither" in problems(auth_toml(), {auth.ENV_ALLOWED: "example.com"}, "--base-url", "/trends")
    assert "/oauth2callback" in problems(auth_toml(), allowed)  # the callback must live under --base-url
    assert "cookie_secret" in problems(auth_toml(secret="short"), allowed, "--base-url", "/trends")
    assert "not a readable TOML file" in problems("[auth\nredirect_uri = 1", allowed)
    with pytest.raises(serve.ServeError, match="no such file"):
        make_plan(tmp_path, "--data", str(store), "--secrets", str(tmp_path / "missing.toml"))


def test_the_default_secrets_lookup_finds_the_working_directory_file(tmp_path, store):
    (tmp_path / "cwd" / ".streamlit").mkdir()
    (tmp_path / "cwd" / ".streamlit" / "secrets.toml").write_text(auth_toml("http://localhost:8501/oauth2callback"))
    plan = make_plan(tmp_path, "--data", str(store), environ={auth.ENV_ALLOWED: "*"})
    assert plan.signs_in and "--secrets.files" not in plan.command  # Streamlit's own lookup finds it too


def test_a_busy_port_is_reported(tmp_path, store, capsys):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert serve.main(["serve", "--data", str(store), "--port", str(port)], environ={}) == 2
    assert f"cannot listen on 127.0.0.1:{port}" in capsys.readouterr().err


# --- really serving -----------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_really_serves_under_the_base_url(tmp_path, store):
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"}
    for name in (data.ENV_DATA, auth.ENV_REQUIRE_AUTH):
        env.pop(name, None)
    log = tmp_path / "serve.log"
    with open(log, "w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "dashboard", "serve", "--data", str(store), "--port", str(port),
                                 "--base-url", "/trends"], env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        status = body = None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/trends/_stcore/health", timeout=2) as r:
                    status, body = r.status, r.read()
                    break
            except OSError:
                time.sleep(0.3)
        assert (status, body) == (200, b"ok"), log.read_text()[-3000:]
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/trends/", timeout=5) as r:
            assert r.status == 200 and b"<html" in r.read().lower()
        with pytest.raises(urllib.error.HTTPError):  # nothing outside the base URL
            urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=5)
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    printed = log.read_text()
    assert f"on http://127.0.0.1:{port}/trends/ (no sign-in)" in printed
    assert proc.returncode is not None


def test_the_server_runs_with_an_allocator_that_hands_memory_back(tmp_path, store):
    """Sessions run in threads: the served process gets two malloc arenas, a fixed mmap
    threshold and numpy without huge-page requests (runtime.SERVER_ENVIRONMENT), unless the
    environment already chooses."""
    from dashboard.runtime import SERVER_ENVIRONMENT

    plan = make_plan(tmp_path, "--data", str(store))
    assert {k: plan.env[k] for k in SERVER_ENVIRONMENT} == SERVER_ENVIRONMENT
    chosen = make_plan(tmp_path, "--data", str(store), environ={"MALLOC_ARENA_MAX": "4"})
    assert chosen.env["MALLOC_ARENA_MAX"] == "4" and chosen.env["MALLOC_MMAP_THRESHOLD_"] == "131072"


def test_the_server_imports_what_the_page_imports_before_it_listens():
    from dashboard import warm

    source = warm.APP.read_text(encoding="utf-8")
    names = warm.page_imports(source)
    assert {"pandas", "streamlit", "dashboard.charts", "dashboard.overview", "etl.query"} <= set(names)
    assert "dashboard.app" not in names and "__future__" not in names
    done = warm.warm(source)
    assert "dashboard.charts" in done and "etl.formats.suffixes" not in done  # a function, not a module
    assert warm.page_imports("from . import x\nimport a.b as c\nfrom p import q\n") == ["a.b", "p", "p.q"]
