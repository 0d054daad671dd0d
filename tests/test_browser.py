"""The real page: a Streamlit server on a loopback port, looked at by headless Chromium.

Needs Debian's chromium (.ci/run installs it) and the playwright package (a dev dependency; its
own browser download is not used: it drives /usr/bin/chromium)."""
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-quic", "--no-first-run", "--disable-component-update", "--disable-sync"]

pytestmark = pytest.mark.browser


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    yield from serve(tmp_path_factory, data=None)


@pytest.fixture(scope="module")
def news_server(tmp_path_factory):
    """A server over the ETL of tests/fixtures/news: saved pages, feeds and API JSON with titles."""
    from etl import run_corpus

    out = tmp_path_factory.mktemp("news-store")
    run_corpus(ROOT / "tests" / "fixtures" / "news", out)
    yield from serve(tmp_path_factory, data=out)


def serve(tmp_path_factory, data):
    port = free_port()
    env = {**os.environ, "AI_TRENDS_CACHE": str(tmp_path_factory.mktemp("cache")), "PYTHONUNBUFFERED": "1"}
    env.pop("AI_TRENDS_DATA", None)
    if data is not None:
        env["AI_TRENDS_DATA"] = str(data)
    log = open(tmp_path_factory.mktemp("log") / "streamlit.log", "w+")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "dashboard/app.py", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    break
        except OSError:
            time.sleep(0.5)
    else:
        proc.terminate()
        log.seek(0)
        pytest.fail(f"streamlit did not start:\n{log.read()[-3000:]}")
    yield url
    proc.terminate()
    proc.wait(timeout=10)


def test_page_renders_charts_not_an_error(server, tmp_path):
    from playwright.sync_api import sync_playwright

    shot = Path(os.environ.get("AI_TRENDS_SCREENSHOT", tmp_path / "dashboard.png"))
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1800})
        page.goto(server, wait_until="domcontentloaded")
        # The first start runs the ETL on the seeds; give it time, then wait for plotly to draw.
        page.wait_for_selector(".js-plotly-plot .main-svg", timeout=120_000)
        page.wait_for_timeout(1500)
        page.screenshot(path=str(shot), full_page=True)
        charts = page.locator(".js-plotly-plot").count()
        errors = page.locator('[data-testid="stException"]').count()
        body = page.inner_text("body")
        browser.close()
    assert shot.stat().st_size > 20_000  # a real picture, not a blank page
    assert charts >= 2
    assert errors == 0
    assert "Traceback" not in body


def test_drill_down_shows_arabic_right_to_left_with_the_mention_marked(server, tmp_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1600})
        page.goto(server, wait_until="domcontentloaded")
        page.wait_for_selector(".js-plotly-plot .main-svg", timeout=120_000)
        picker = page.locator('[data-testid="stSelectbox"]').filter(has_text="Show the sentences")
        picker.scroll_into_view_if_needed()
        picker.click()
        page.keyboard.type("DeepSeek")
        page.keyboard.press("Enter")
        page.wait_for_selector("mark", timeout=30_000)
        marks = [m.inner_text() for m in page.locator("mark").all()]
        rtl = page.locator('[dir="rtl"][lang="ar"]')
        rtl_blocks = rtl.count()
        arabic = rtl.first.inner_text() if rtl_blocks else ""
        page.screenshot(path=str(tmp_path / "drill.png"), full_page=True)
        browser.close()
    assert len(marks) >= 10 and {m.casefold() for m in marks} <= {"deepseek", "ديبسيك", "डीपसीक"}
    assert rtl_blocks >= 1  # the Arabic sentences are laid out right to left
    assert any("\u0600" <= ch <= "\u06ff" for ch in arabic)


def test_documents_are_named_by_title_and_site_with_their_links(news_server, tmp_path):
    from playwright.sync_api import sync_playwright

    shot = Path(os.environ.get("AI_TRENDS_TITLES_SCREENSHOT", tmp_path / "titles.png"))
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1800})
        page.goto(news_server, wait_until="domcontentloaded")
        page.wait_for_selector(".js-plotly-plot .main-svg", timeout=120_000)
        # the Sources filter lists titles and sites, not file names
        sources = page.locator('[data-testid="stMultiSelect"]').filter(has_text="Sources")
        sources.click()
        page.keyboard.type("SoftBank")
        options = page.locator('[role="option"]').all_inner_texts()
        page.keyboard.press("Escape")
        picker = page.locator('[data-testid="stSelectbox"]').filter(has_text="Show the sentences")
        picker.scroll_into_view_if_needed()
        picker.click()
        page.keyboard.type("OpenAI")
        page.keyboard.press("Enter")
        page.wait_for_selector(".ai-drill a", timeout=30_000)
        links = page.locator(".ai-drill .meta a")
        names = links.all_inner_texts()
        hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
        body = page.inner_text("body")
        page.locator(".ai-drill").first.scroll_into_view_if_needed()
        page.screenshot(path=str(shot), full_page=True)
        browser.close()
    assert any("OpenAI closes $40 billion round led by SoftBank" in o and "The Ledger Tech" in o for o in options), options
    assert not any(o.endswith(".html") for o in options)
    assert "OpenAI closes $40 billion round led by SoftBank" in names
    assert hrefs and all(h.startswith(("https://", "http://")) for h in hrefs)
    assert "en-openai-softbank-round.html" not in body  # the file name is only a tooltip
    assert shot.stat().st_size > 20_000


# --- every tab and an entity page, on the seeds and on 18 months of dated items (issue 17) -------

SHOTS = os.environ.get("AI_TRENDS_SHOTS")  # a folder to keep the screenshots in, to look at them


@pytest.fixture(scope="module")
def dated_server(tmp_path_factory):
    """A server over the ETL of a generated corpus: 17 months of dated items over 18 (one empty)."""
    from etl import run_corpus
    from dated_corpus import write

    corpus = write(tmp_path_factory.mktemp("dated-corpus"))
    out = tmp_path_factory.mktemp("dated-store")
    run_corpus(corpus.parent, out)
    yield from serve(tmp_path_factory, data=out)


VIEWS = {
    "overview": "", "timeline": "?tab=Timeline", "stance": "?tab=Open+vs+closed", "funding": "?tab=Funding",
    "table": "?tab=Mentions+table", "entity": "?entity=DeepSeek&compare=OpenAI",
}


def look_at_every_view(url: str, name: str, folder: Path) -> dict[str, dict]:
    from playwright.sync_api import sync_playwright

    found = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for view, query in VIEWS.items():
            page = browser.new_page(viewport={"width": 1400, "height": 2600 if view in ("entity", "funding") else 1700})
            page.goto(url + "/" + query, wait_until="domcontentloaded")
            if view == "table":
                page.wait_for_selector('[data-testid="stDataFrame"]', timeout=120_000)
            else:
                page.wait_for_selector(".js-plotly-plot .main-svg", timeout=120_000)
            page.wait_for_timeout(2500)
            shot = folder / f"{name}-{view}.png"
            page.screenshot(path=str(shot), full_page=True)
            ticks = page.locator(".js-plotly-plot .xtick text").all_inner_texts()
            found[view] = {
                "shot": shot, "body": page.inner_text("body"), "ticks": ticks,
                "errors": page.locator('[data-testid="stException"]').count(),
                "charts": page.locator(".js-plotly-plot").count(),
            }
            page.close()
        browser.close()
    return found


def check_views(found: dict[str, dict]) -> None:
    for view, seen in found.items():
        assert seen["errors"] == 0 and "Traceback" not in seen["body"], view
        assert seen["shot"].stat().st_size > 20_000, view
        assert not any(":" in (t or "") for t in seen["ticks"]), (view, seen["ticks"])  # no time of day on a date axis
        for raw in ("money_type", "amount_usd", "published_from", "knowledge_base", "series_b", "None"):
            assert raw not in seen["body"], (view, raw)
    assert "Share of documents that mention" in found["timeline"]["body"]
    assert "DeepSeek" in found["entity"]["body"] and "Compare DeepSeek with" in found["entity"]["body"]


def test_every_tab_and_an_entity_page_on_the_seeds(server, tmp_path):
    found = look_at_every_view(server, "seeds", Path(SHOTS) if SHOTS else tmp_path)
    check_views(found)


def test_every_tab_and_an_entity_page_on_eighteen_months(dated_server, tmp_path):
    found = look_at_every_view(dated_server, "dated", Path(SHOTS) if SHOTS else tmp_path)
    check_views(found)
    assert "Gaps: periods with no documents" in found["timeline"]["body"]  # the empty month, said in the legend
