"""The statistics page, a scorecard and the downloads in Chromium, served over HTTP on 127.0.0.1."""
from __future__ import annotations

import json

import pytest
from browser import serve

pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.browser



@pytest.fixture(scope="module")
def site_url(demo_site):
    with serve(demo_site) as url:
        yield url


@pytest.fixture
def page(browser):
    context = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.problems = []
    page.on("console", lambda m: m.type in ("error", "warning") and page.problems.append(m.text))
    page.on("pageerror", lambda e: page.problems.append(str(e)))
    yield page
    context.close()


def charts_loaded(page) -> list[str]:
    """The src of every chart image that did not load."""
    return page.evaluate("""() => [...document.querySelectorAll('figure.chart img')]
        .filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src)""")


def test_statistics_page_shows_charts_tables_and_no_csp_violation(page, site_url, demo_site, tmp_path):
    stats = json.loads((demo_site / "data" / "stats.json").read_text(encoding="utf-8"))
    page.goto(f"{site_url}/stats/")
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").inner_text() == "执法统计"
    figures = page.locator("figure.chart")
    assert figures.count() == 10
    assert charts_loaded(page) == []
    for i in range(figures.count()):
        figure = figures.nth(i)
        assert figure.locator("img").get_attribute("alt")
        assert figure.locator("table caption").count() == 1
        assert figure.get_by_text("下载数据表（CSV）").count() == 1
    cards = page.locator(".stats-figures").inner_text()
    assert str(stats["totals"]["decisions"]) in cards and f"{stats['fines']['total']:,}元" in cards
    assert page.problems == []  # a CSP violation is reported on the console
    page.screenshot(path=str(tmp_path / "stats.png"), full_page=True)


def test_scorecard_from_the_organ_listing_and_back(page, site_url, demo_site):
    stats = json.loads((demo_site / "data" / "stats.json").read_text(encoding="utf-8"))
    card = next(c for c in stats["scorecards"] if c["code"] and c["reconsideration"]["total"])
    page.goto(f"{site_url}/{card['listing']}")
    page.get_by_role("link", name="查看该机关的执法统计").click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith(f"/{card['path']}")
    assert page.locator("h1").inner_text() == f"{card['organ']}：执法统计"
    assert charts_loaded(page) == [] and page.locator("figure.chart").count() == 3
    compare = page.locator("table.compare").inner_text()
    assert str(card["totals"]["penalties"]) in compare and str(stats["totals"]["penalties"]) in compare
    assert page.problems == []
    page.get_by_role("link", name="查看该机关公开的全部决定书").click()
    assert page.url.endswith(f"/{card['listing']}")


def test_scorecard_reached_from_the_statistics_page(page, site_url, demo_site):
    page.goto(f"{site_url}/stats/")
    row = page.locator("#by-organ ~ table tbody tr").first
    organ = row.locator("th").inner_text()
    row.locator("th a").click()
    assert page.locator("h1").inner_text() == f"{organ}：执法统计"


def test_downloads(page, site_url, demo_site):
    page.goto(f"{site_url}/stats/")
    with page.expect_download() as info:
        page.locator("#chart-fines").get_by_text("下载数据表（CSV）").click()
    path = info.value.path()
    data = open(path, "rb").read()
    assert data.startswith(b"\xef\xbb\xbf") and data == (demo_site / "stats" / "fines.csv").read_bytes()
    for href in ("data/decisions.csv", "data/decisions.json", "data/stats.json"):
        link = page.locator(f'.stats-downloads a[href$="{href}"]')
        assert link.count() == 1, href
        response = page.request.get(link.evaluate("a => a.href"))
        assert response.ok and response.body() == (demo_site / href).read_bytes()
    page.get_by_role("link", name="字段说明与许可协议").click()
    assert "许可协议" in page.locator("main").inner_text()


def test_no_accessibility_violation_on_the_statistics_page(page, site_url):
    from axe_playwright_python.sync_playwright import Axe

    page.goto(f"{site_url}/stats/")
    result = Axe().run(page)
    assert result.violations_count == 0, result.generate_report()
