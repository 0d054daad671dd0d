"""Sign-in end to end: a local OpenID Connect provider (oidc-provider-mock) and
``python -m dashboard serve --base-url /trends --require-auth`` on loopback ports, driven by
headless Chromium (under a base URL, as behind the README's reverse proxy).

The test writes its own project folder (``.streamlit/config.toml`` and ``secrets.toml`` with
``[auth]`` pointing at the provider) and starts the server there, with HOME there too, so no
secret of the machine or the repository is read. Checked: nobody sees data before signing in;
an allowed uploader enters with the deep link's filters intact after the provider round trip,
sees their name, the sign-out button and the upload box; sign-out ends the session (the identity
cookie is gone and the sign-in page is back); a reader from an allowed domain sees no upload
box; an address that is not on the list gets the refusal page naming whom to ask and no data.
Screenshots go to $AI_TRENDS_SCREENSHOT_DIR when set (else the test's temporary folder)."""
from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
import threading
import time
import urllib.request
import warnings
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from test_browser import CHROMIUM, CHROMIUM_ARGS, free_port

from dashboard import auth
from dashboard.sample import tiny_tables, write_store

ROOT = Path(__file__).resolve().parents[1]
CONTACT = "Data desk <data-desk@example.com>"
USERS = {  # sub -> claims the provider sends
    "alice": {"email": "alice@example.com", "email_verified": True, "name": "Alice Analyst"},
    "bob": {"email": "bob@example.org", "email_verified": True, "name": "Bob Reader"},
    "eve": {"email": "eve@elsewhere.net", "email_verified": True, "name": "Eve Outsider"},
}
DEEP_LINK = "?lang=ar&kind=company&tab=Mentions+table"
BASE = "trends"

pytestmark = [
    pytest.mark.browser,
    # the provider runs in this process; its own use of Authlib's older APIs is not ours to fix
    pytest.mark.filterwarnings("ignore::DeprecationWarning"),
]


@pytest.fixture(scope="module")
def provider():
    """The identity provider, in a thread of this process, on a loopback port."""
    with warnings.catch_warnings(record=True):  # it imports Authlib's deprecated authlib.jose (Authlib forces "always")
        import oidc_provider_mock
    import werkzeug.serving

    app = oidc_provider_mock.app(user_claims=[oidc_provider_mock.User(sub=s, claims=c) for s, c in USERS.items()])
    server = werkzeug.serving.make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(5)


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    folder = os.environ.get("AI_TRENDS_SCREENSHOT_DIR")
    out = Path(folder) if folder else tmp_path_factory.mktemp("shots")
    out.mkdir(parents=True, exist_ok=True)
    return out


@pytest.fixture(scope="module")
def dashboard(provider, tmp_path_factory):
    project = tmp_path_factory.mktemp("project")
    (project / ".streamlit").mkdir()
    shutil.copy(ROOT / ".streamlit" / "config.toml", project / ".streamlit" / "config.toml")
    port = free_port()
    (project / ".streamlit" / "secrets.toml").write_text(
        "[auth]\n"
        f'redirect_uri = "http://127.0.0.1:{port}/{BASE}/oauth2callback"\n'
        f'cookie_secret = "{secrets.token_urlsafe(32)}"\n'
        'client_id = "ai-trends-test"\n'
        f'client_secret = "{secrets.token_urlsafe(16)}"\n'
        f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n', encoding="utf-8")
    t = tiny_tables()
    store = write_store(t.mentions, t.documents, t.errors, project / "store")
    env = {**os.environ, "HOME": str(project), "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1",
           auth.ENV_ALLOWED: "alice@example.com, @example.org", auth.ENV_UPLOADERS: "alice@example.com",
           auth.ENV_CONTACT: CONTACT}
    for name in ("AI_TRENDS_DATA", "AI_TRENDS_READ_ONLY"):
        env.pop(name, None)
    log = open(project / "serve.log", "w+")
    proc = subprocess.Popen([sys.executable, "-m", "dashboard", "serve", "--data", str(store), "--port", str(port),
                             "--base-url", f"/{BASE}", "--require-auth"], cwd=project, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/{BASE}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    break
        except OSError:
            time.sleep(0.3)
    else:
        proc.terminate()
        log.seek(0)
        pytest.fail(f"dashboard serve did not start:\n{log.read()[-3000:]}")
    yield url
    proc.terminate()
    proc.wait(timeout=20)
    log.seek(0)
    assert "Traceback" not in log.read()


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def sign_in_page(page) -> None:
    page.get_by_role("button", name="Sign in").wait_for(timeout=60_000)


def no_data(page) -> bool:
    body = page.inner_text("body")
    return (page.locator(".js-plotly-plot").count() == 0 and page.locator('[data-testid="stDataFrame"]').count() == 0
            and "mentions from" not in body and "Filters" not in body)


def sign_in_as(page, sub: str, provider: str) -> None:
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{provider}/**", timeout=30_000)  # the provider's own page
    page.locator(f'button[name="sub"][value="{sub}"]').click()


def multiselect_text(page, label: str) -> str:
    return page.locator('[data-testid="stMultiSelect"]').filter(has_text=label).first.inner_text()


def test_deep_link_survives_sign_in_then_sign_out(dashboard, provider, browser, shots):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{dashboard}/{DEEP_LINK}", wait_until="domcontentloaded")
    sign_in_page(page)
    page.wait_for_timeout(500)
    assert no_data(page)
    page.screenshot(path=str(shots / "1-sign-in.png"), full_page=True)

    sign_in_as(page, "alice", provider)
    page.wait_for_url(lambda u: "lang=ar" in u, timeout=60_000)  # back on the deep link, after one reload
    page.get_by_text("Alice Analyst").wait_for(timeout=60_000)
    page.locator('[data-testid="stDataFrame"]').first.wait_for(timeout=60_000)  # the Mentions table tab
    page.wait_for_timeout(1000)
    query = parse_qs(urlparse(page.url).query)
    assert query.get("lang") == ["ar"] and query.get("kind") == ["company"], page.url
    assert urlparse(page.url).path == f"/{BASE}/"
    assert "Arabic" in multiselect_text(page, "Languages") and "Company" in multiselect_text(page, "Kinds")  # in words
    assert page.get_by_role("tab", name="Mentions table", selected=True).count() == 1
    m = tiny_tables().mentions
    expected = int(((m["lang"] == "ar") & (m["kind"] == "company")).sum())
    assert 0 < expected < len(m) and f"{expected:,} rows; the download" in page.inner_text("body")
    sidebar = page.locator('[data-testid="stSidebar"]')
    assert sidebar.get_by_role("button", name="Sign out").count() == 1
    assert page.locator('[data-testid="stFileUploader"]').count() == 1  # alice is an uploader
    assert any(c["name"] == "_streamlit_user" for c in page.context.cookies())
    page.screenshot(path=str(shots / "2-signed-in-deep-link.png"), full_page=True)

    sidebar.get_by_role("button", name="Sign out").click()
    end_session = page.get_by_role("button", name="End session")  # the provider's logout page
    end_session.wait_for(timeout=30_000)
    end_session.click()
    sign_in_page(page)
    assert no_data(page)
    assert not any(c["name"] == "_streamlit_user" for c in page.context.cookies())
    assert urlparse(page.url).path == f"/{BASE}/"
    page.goto(dashboard, wait_until="domcontentloaded")  # and it stays signed out
    sign_in_page(page)
    page.wait_for_timeout(500)
    assert no_data(page)
    page.screenshot(path=str(shots / "3-signed-out.png"), full_page=True)


def test_a_reader_from_an_allowed_domain_sees_data_but_no_upload_box(dashboard, provider, browser, shots):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(dashboard, wait_until="domcontentloaded")
    sign_in_page(page)
    sign_in_as(page, "bob", provider)
    page.wait_for_selector(".js-plotly-plot .main-svg", timeout=60_000)
    page.get_by_text("Bob Reader").wait_for(timeout=30_000)
    page.wait_for_timeout(1000)
    assert page.locator('[data-testid="stFileUploader"]').count() == 0
    assert "open to this dashboard's editors" in page.locator('[data-testid="stSidebar"]').inner_text()
    assert urlparse(page.url).query == ""  # no deep link was saved: nothing is restored
    page.screenshot(path=str(shots / "4-reader.png"), full_page=True)


def test_an_address_not_on_the_list_is_refused_with_whom_to_ask(dashboard, provider, browser, shots):
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.goto(f"{dashboard}/?lang=zh", wait_until="domcontentloaded")
    sign_in_page(page)
    sign_in_as(page, "eve", provider)
    page.get_by_text("cannot open this dashboard").wait_for(timeout=60_000)
    page.wait_for_timeout(1000)
    body = page.inner_text("body")
    assert "eve@elsewhere.net" in body and "data-desk@example.com" in body and "Data desk" in body
    assert no_data(page)
    assert page.get_by_role("button", name="Sign out and use another account").count() == 1
    page.screenshot(path=str(shots / "5-refused.png"), full_page=True)
