"""The Funding tab in headless Chromium, over the ETL of tests/fixtures/funding (OpenAI's round
reported by three articles in three languages, Anthropic's once): each company once in the
totals, one bubble per event, and clicking the event reads all four sentences that report it."""

import pytest

from tests.test_browser import CHROMIUM, CHROMIUM_ARGS, ROOT, serve

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def funding_server(tmp_path_factory):
    from etl import run_corpus

    out = tmp_path_factory.mktemp("funding-store")
    run_corpus(ROOT / "tests" / "fixtures" / "funding", out)
    yield from serve(tmp_path_factory, data=out)


def _open_funding(page, url: str) -> None:
    page.goto(url + "/?tab=Funding", wait_until="domcontentloaded")
    page.wait_for_selector(".js-plotly-plot .main-svg", timeout=120_000)
    page.wait_for_selector(".js-plotly-plot .scatterlayer .point", timeout=60_000)
    page.wait_for_timeout(1000)


def test_funding_tab_counts_events_and_drills_into_one(funding_server, tmp_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1800})
        _open_funding(page, funding_server)
        page.screenshot(path=str(tmp_path / "funding.png"), full_page=True)
        bars = page.locator(".js-plotly-plot .barlayer .point").count()
        bar_labels = page.locator(".js-plotly-plot").first.locator(".ytick text").evaluate_all("els => els.map(e => e.textContent)")
        bubbles = page.locator(".js-plotly-plot .scatterlayer .point")
        body = page.inner_text("body")
        found = None
        for i in range(bubbles.count()):  # the OpenAI bubble: the one whose sentences are four
            bubbles.nth(i).click(force=True)
            page.wait_for_selector("text=One funding event", timeout=30_000)
            page.wait_for_timeout(800)
            text = page.inner_text("body")
            if "4 mentions" in text:
                found = text
                break
        rtl = page.locator('[dir="rtl"][lang="ar"]').count()
        page.screenshot(path=str(tmp_path / "funding-drill.png"), full_page=True)
        errors = page.locator('[data-testid="stException"]').count()
        browser.close()
    assert bars == 2 and sorted(bar_labels) == ["Anthropic", "OpenAI"]  # each company once
    assert "2 events from 5 mentions" in body
    assert found is not None, "no bubble drilled into the four reports of OpenAI's round"
    assert "4 mentions in 4 sentences" in found
    assert "Thrive Capital" in found and "66亿美元" in found and "6.57 مليار دولار" in found
    assert rtl >= 1
    assert errors == 0 and "Traceback" not in found


def test_selecting_a_row_of_the_events_table_reads_its_sentences(funding_server, tmp_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1800})
        _open_funding(page, funding_server)
        grid = page.locator('[data-testid="stDataFrame"]').last  # the events table (largest event first)
        grid.scroll_into_view_if_needed()
        box = grid.bounding_box()
        page.mouse.click(box["x"] + 15, box["y"] + 35 + 17)  # the first row's selection box
        page.wait_for_selector("text=One funding event", timeout=30_000)
        page.wait_for_timeout(800)
        text = page.inner_text("body")
        page.screenshot(path=str(tmp_path / "funding-row.png"), full_page=True)
        browser.close()
    assert "4 mentions in 4 sentences" in text
    assert "OpenAI完成" in text and "جمعت OpenAI" in text
