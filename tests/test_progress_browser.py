"""The lookup page in Chromium, over plain HTTP on 127.0.0.1, at the full work factor."""
from __future__ import annotations

import datetime

import pytest
from browser import serve

from progress import publish_progress
from progress.derive import normalise
from progress.standalone import render_lookup_site
from records.model import ProgressEvent, ProgressRecord, Source

pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.browser

TZ = datetime.timezone(datetime.timedelta(hours=8))
CASE_NO, CODE = "A3501025000002026100045", "K7QM-2XHD"
NOT_FOUND = "未找到与该案件编号和查询码相符的办理进度"


def at(day: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(f"{day}T09:30:00").replace(tzinfo=TZ)


@pytest.fixture(scope="module")
def site_url(tmp_path_factory):
    root = tmp_path_factory.mktemp("progress_site")
    record = ProgressRecord(
        case_no=CASE_NO, query_code=CODE, case_type="administrative", authority="福州市公安局鼓楼分局",
        contact_phone="0591-87000000", source=Source("exports/progress.yaml"),
        events=[ProgressEvent(at("2026-10-01"), "received", "报案人称其电动车被盗，电话13800138000。"),
                ProgressEvent(at("2026-10-02"), "accepted"),
                ProgressEvent(at("2026-10-20"), "decided", "已作出行政处罚决定。")],
    )
    publish_progress([record], root, tmp_path_factory.mktemp("state"), today=datetime.date(2026, 11, 1),
                     settings={"PROGRESS_MIN_FILES": 10})
    render_lookup_site(root)
    with serve(root) as url:
        yield url


@pytest.fixture
def page(browser, site_url):
    context = browser.new_context()
    page = context.new_page()
    errors = []
    page.on("console", lambda m: errors.append(m.text) if "Content Security Policy" in m.text else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(site_url + "/lookup/")
    page.wait_for_selector("#lookup-form fieldset:not([disabled])")
    yield page
    assert errors == []
    context.close()


def look_up(page, case_no, code):
    page.get_by_label("案件编号").fill(case_no)
    page.get_by_label("查询码").fill(code)
    page.get_by_role("button", name="查询").click()
    page.wait_for_selector("#lookup-form:not([aria-busy])")  # set synchronously by the click's submit
    return page.locator("#lookup-result")


@pytest.mark.parametrize("code", [CODE, "k7qm 2xhd"])
def test_the_right_code_shows_the_stages_in_chinese(page, code):
    result = look_up(page, CASE_NO.lower(), code)
    items = result.locator("ol.timeline > li")
    assert items.count() == 3
    assert [items.nth(i).locator(".timeline-stage").inner_text() for i in range(3)] == ["接报", "受案", "作出决定"]
    first = items.nth(0).locator("time")
    assert first.get_attribute("datetime") == "2026-10-01T09:30:00+08:00"
    assert first.inner_text() == "2026年10月1日 09:30"
    text = result.inner_text()
    assert "福州市公安局鼓楼分局" in text and "0591-87000000" in text
    assert "13800138000" not in text and "电动车被盗" in text
    assert page.locator("#lookup-status").inner_text() == "查询完成。"


def test_wrong_code_and_unknown_case_get_the_same_answer(page):
    wrong = look_up(page, CASE_NO, "K7QM-2XHE").inner_html()
    unknown = look_up(page, "A3501025000002026100046", CODE).inner_html()
    assert NOT_FOUND in wrong
    assert wrong == unknown
    assert page.locator("#lookup-result ol").count() == 0


def test_the_page_has_labelled_fields_a_live_status_and_a_noscript_notice(page):
    assert page.get_by_label("案件编号").get_attribute("name") == "case_no"
    assert page.locator("#lookup-status").get_attribute("aria-live") == "polite"
    assert "JavaScript" in page.content().split("<noscript>")[1]


def test_browser_and_python_normalise_alike(page):
    samples = ["k7qm 2xhd", "Ｋ７ＱＭ－２ＸＨＤ", "a\u3000b\u2014c\u2011d\te", "ß-ﬁ", "x_y", "  ３５０１ "]
    assert page.evaluate("s => s.map(window.progressLookup.normalise)", samples) == [normalise(s) for s in samples]


def test_a_lookup_answers_within_a_second(page):
    elapsed = page.evaluate("""async () => {
        const base = new URL('../progress/', document.baseURI).href;
        await window.progressLookup.loadParams(base);
        const t = performance.now();
        await window.progressLookup.lookup(base, 'A3501025000002026100045', 'K7QM2XHD');
        return performance.now() - t; }""")
    assert elapsed < 1000


def test_no_accessibility_violation_after_a_lookup(page):
    from axe_playwright_python.sync_playwright import Axe

    look_up(page, CASE_NO, CODE)
    page.wait_for_selector("ol.timeline")
    result = Axe().run(page)
    assert result.violations_count == 0, result.generate_report()
