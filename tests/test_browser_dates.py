"""The real page over the seeds, whose publication dates are years inferred from the text: no
precision the data lacks -- no "1 day" range, no 1 January, no time of day -- in the overview,
the timeline or the drill-down. Headless Chromium as in tests/test_browser.py; the screenshots go
to $AI_TRENDS_SCREENSHOT_DIR when set (to look at them), else to the test's temporary folder."""
import os
from pathlib import Path

import pytest
from test_browser import CHROMIUM, CHROMIUM_ARGS, serve

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    yield from serve(tmp_path_factory, data=None)


def _page_text(server, query, shot, drill=None, ready=".js-plotly-plot .main-svg"):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1800})
        page.goto(server + query, wait_until="domcontentloaded")
        page.wait_for_selector(ready, timeout=120_000)
        if drill:
            picker = page.locator('[data-testid="stSelectbox"]').filter(has_text="Show the sentences")
            picker.scroll_into_view_if_needed()
            picker.click()
            page.keyboard.type(drill)
            page.keyboard.press("Enter")
            page.wait_for_selector("mark", timeout=30_000)
        page.wait_for_timeout(1500)
        page.screenshot(path=str(shot), full_page=True)
        main = page.locator('[data-testid="stMain"]').inner_text()
        side = " ".join(i.input_value() for i in page.locator('[data-testid="stDateInput"] input').all())
        hover = page.evaluate("() => [...document.querySelectorAll('.js-plotly-plot')].map("
                              "d => JSON.stringify((d.data || []).map(t => t.hovertemplate)))")
        errors = page.locator('[data-testid="stException"]').count()
        browser.close()
    return main + "\n" + side, " ".join(hover), errors


def _shots(tmp_path) -> Path:
    return Path(os.environ.get("AI_TRENDS_SCREENSHOT_DIR", tmp_path))


def test_overview_and_drill_down_show_years_as_years(server, tmp_path):
    main, _, errors = _page_text(server, "/", _shots(tmp_path) / "dates_overview.png", drill="DeepSeek")
    assert errors == 0
    assert "Published in 2025" in main and "dated only by year" in main
    assert "1 day" not in main and "00:00:00" not in main
    assert main.count("2025-01-01") <= 1  # only as the first day the date filter offers ...
    assert "2025-12-31" in main  # ... which reaches the end of the year
    assert " · 2025 · " in main  # the drill-down's date line: the year the document states


def test_timeline_leaves_year_dates_out_of_months_and_shows_them_in_years(server, tmp_path):
    month, _, errors = _page_text(server, "/?tab=Timeline&grain=month", _shots(tmp_path) / "dates_timeline_month.png")
    assert errors == 0
    assert "Left out of this month chart" in month and "dated only by year" in month
    year, hover, errors = _page_text(server, "/?tab=Timeline&grain=year", _shots(tmp_path) / "dates_timeline_year.png")
    assert errors == 0 and "Left out of this year chart" not in year
    assert "%{text}" in hover and "Jan 2025" not in year  # points labelled in words by the chart, never as a January
