"""What a citizen sees: every page type in Debian's chromium, with axe-core and the CSP watching."""
from __future__ import annotations

import pytest
from browser import ARTIFACTS, serve

pytestmark = pytest.mark.browser


def _main(path) -> str:
    return path.read_text(encoding="utf-8").split("<main", 1)[1].split("</main>", 1)[0]


def _first(site, pattern: str, marker: str = "") -> str:
    path = next(p for p in sorted(site.glob(pattern)) if marker in _main(p))
    return "/" + str(path.parent.relative_to(site)) + "/"


def _older(site, listing: str) -> str:
    """The page a listing's front page links to as the next older one (named by its content)."""
    import re

    href = re.search(r'rel="next" href="[./]*/?(' + listing + r'page/[^"]+)"', (site / listing / "index.html").read_text(encoding="utf-8"))
    return "/" + href.group(1)


@pytest.fixture(scope="module")
def pages(demo_site):
    return {
        "home": "/",
        "decision": _first(demo_site, "decisions/pen-*/index.html", 'class="decision"'),
        "reconsideration": _first(demo_site, "reconsiderations/rec-*/index.html"),
        "listing": "/decisions/",
        "listing-page-2": _older(demo_site, "decisions/"),
        "organ": _first(demo_site, "organs/*/index.html"),
        "browse-organs": "/organs/",
        "withdrawal": _first(demo_site, "decisions/pen-*/index.html", "<h1>撤回公告</h1>"),
        "withdrawals": "/withdrawals/",
        "about": "/about/",
        "privacy": "/privacy/",
        "how-to-read": "/how-to-read/",
        "open-data": "/open-data/",
        "not-found": "/404.html",
        "search": "/search/?q=殴打他人",
        "lookup": "/lookup/",
        "stats": "/stats/",
        "scorecard": _first(demo_site, "stats/organs/*/index.html"),
    }


def test_every_page_type_is_accessible_and_obeys_the_csp(demo_site, pages, browser):
    from axe_playwright_python.sync_playwright import Axe

    ARTIFACTS.mkdir(exist_ok=True)
    axe = Axe()
    failures = []
    with serve(demo_site) as base:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        console: list[str] = []
        page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
        for name, path in pages.items():
            console.clear()
            response = page.goto(base + path)
            assert response.status == 200, (name, path)
            assert page.locator("html").get_attribute("lang") == "zh-CN"
            assert page.locator("main#main").count() == 1 and page.locator("h1").count() == 1, name
            if name == "search":
                page.wait_for_selector("#search-results li", timeout=15000)
            results = axe.run(page)
            if results.violations_count:
                failures.append(f"{name} {path}: {results.generate_report()}")
            blocked = [c for c in console if "Content Security Policy" in c]
            assert not blocked, (name, blocked)
            page.screenshot(path=str(ARTIFACTS / f"page-{name}.png"), full_page=True)
        page.close()
    assert not failures, "\n".join(failures)


def test_keyboard_skip_link_and_mobile_layout(demo_site, pages, browser):
    with serve(demo_site) as base:
        page = browser.new_page(viewport={"width": 390, "height": 844})
        page.goto(base + pages["decision"])
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.textContent")
        assert focused == "跳到正文"
        page.keyboard.press("Enter")
        assert page.evaluate("location.hash") == "#main"
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, "no horizontal scrolling on a phone"
        page.screenshot(path=str(ARTIFACTS / "page-decision-mobile.png"), full_page=True)


def test_reading_works_without_javascript(demo_site, pages, browser):
    with serve(demo_site) as base:
        context = browser.new_context(java_script_enabled=False)
        page = context.new_page()
        page.goto(base + pages["decision"])
        assert page.locator("dl.facts dt").first.inner_text() == "文书类型"
        assert page.locator(".decision__text p").count() > 1
        page.click("text=处罚决定")
        assert page.locator("table.decision-list tbody tr").count() > 10


def test_print_stylesheet_hides_navigation(demo_site, pages, browser):
    with serve(demo_site) as base:
        page = browser.new_page()
        page.goto(base + pages["decision"])
        page.emulate_media(media="print")
        assert not page.locator(".site-nav").is_visible()
        assert page.locator(".decision__text").is_visible()
