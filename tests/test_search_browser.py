"""The search page in Chromium: typing queries, filtering, paging, the no-results message, and
recall of the static index against a plain substring scan for a few hundred queries."""
from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from browser import running

from search.analysis import squeeze
from search.recall import SubstringScan, recall_queries
from search.sample_site import shared_sample_site
from search.static_index import order

pytest.importorskip("playwright.sync_api")

READY = "#search-results[data-state=ready]"


@pytest.fixture(scope="module")
def sample():
    return shared_sample_site()


@pytest.fixture(scope="module")
def scan(sample):
    return SubstringScan(sample[2])


@pytest.fixture(scope="module")
def site_url(sample):
    from server import make_server

    site, state, _ = sample
    with running(make_server(site, state)) as url:
        yield url


@pytest.fixture
def page(browser, site_url):
    context = browser.new_context(base_url=site_url)
    page = context.new_page()
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    yield page
    assert errors == []
    context.close()


def search(page, query: str, extra: str = ""):
    page.goto(f"/search/?q={quote(query)}{extra}")
    page.wait_for_selector(READY, state="attached")


def shown_numbers(page) -> list[str]:
    return page.locator("#search-results h2 a").all_inner_texts()


def test_typing_in_the_header_box_finds_the_decisions(page, sample, scan):
    page.goto("/")
    box = page.locator("#site-search-q")  # the box in every page's header
    box.fill("台江")
    box.press("Enter")
    page.wait_for_url("**/search/?q=*")
    page.wait_for_selector(READY, state="attached")
    want = scan("台江")
    status = page.locator("#search-status").inner_text()
    assert f"共找到 {len(want)} 份决定书" in status
    assert len(shown_numbers(page)) == min(10, len(want))
    assert page.locator("#search-results mark").first.inner_text() == "台江"
    href = page.locator("#search-results h2 a").first.get_attribute("href")
    assert any(href.endswith("/" + url) for url in want)


def test_the_search_page_is_usable_with_the_keyboard_alone(page, scan):
    search(page, "")
    assert page.locator("#search-status").inner_text() == "请输入要搜索的内容。"
    page.get_by_label("输入搜索词").focus()
    page.keyboard.type("第五十一条")
    page.keyboard.press("Enter")
    page.wait_for_url("**q=*")
    page.wait_for_selector(READY, state="attached")
    assert f"共找到 {len(scan('第五十一条'))} 份" in page.locator("#search-status").inner_text()
    page.keyboard.press("Tab")  # focus moves on from the box, through the form, to the results
    assert page.evaluate("document.activeElement.tagName") in ("BUTTON", "SELECT", "A", "INPUT")


def test_a_filter_narrows_the_results_and_counts_are_shown(page, sample, scan):
    _, _, decisions = sample
    organ = "福州市公安局台江分局"
    search(page, "罚款")
    label = page.locator("#search-organ option", has_text=organ).inner_text()
    want = {d.url for d in decisions if d.organ == organ} & scan("罚款")
    assert label == f"{organ}（{len(want)}）"
    page.get_by_label("作出机关").select_option(organ)
    page.get_by_role("button", name="应用筛选").click()
    page.wait_for_url("**organ=*")
    page.wait_for_selector(READY, state="attached")
    assert f"共找到 {len(want)} 份" in page.locator("#search-status").inner_text()
    facts = page.locator("#search-results .hint").all_inner_texts()
    assert facts and all(organ in f for f in facts if "·" in f)


def test_paging_and_sorting_by_date(page, scan):
    total = len(scan("罚款"))
    assert total > 20
    search(page, "罚款", "&sort=newest")
    first = shown_numbers(page)
    page.get_by_role("link", name="下一页").click()
    page.wait_for_url("**page=2*")
    page.wait_for_selector(READY, state="attached")
    second = shown_numbers(page)
    assert len(second) == 10 and not set(first) & set(second)
    assert "第 2 页" in page.locator("#search-status").inner_text()
    assert page.locator("#search-pages a[aria-current=page]").text_content() == "第2页（当前）"
    facts = " ".join(page.locator("#search-results .hint").all_inner_texts())
    dates = [(int(y), int(m), int(d)) for y, m, d in re.findall(r"(\d{4})年(\d+)月(\d+)日", facts)]
    assert len(dates) == 10 and dates == sorted(dates, reverse=True)


def test_oldest_first_and_the_years_offered_newest_first(page):
    """Decisions are numbered oldest first in the index; the page still offers newest first."""
    search(page, "罚款", "&sort=oldest")
    facts = " ".join(page.locator("#search-results .hint").all_inner_texts())
    dates = [(int(y), int(m), int(d)) for y, m, d in re.findall(r"(\d{4})年(\d+)月(\d+)日", facts)]
    assert len(dates) == 10 and dates == sorted(dates)
    years = [v for v in page.locator("#search-year option").evaluate_all("os => os.map(o => o.value)") if v]
    assert len(years) >= 2 and years == sorted(years, reverse=True)
    search(page, "罚款")  # relevance without a ranked word: newest first
    facts = " ".join(page.locator("#search-results .hint").all_inner_texts())
    dates = [(int(y), int(m), int(d)) for y, m, d in re.findall(r"(\d{4})年(\d+)月(\d+)日", facts)]
    assert dates == sorted(dates, reverse=True)


def test_no_results_says_so_clearly(page):
    search(page, "无此词语组合")
    status = page.locator("#search-status")
    assert status.inner_text().startswith("没有找到包含“无此词语组合”的决定书")
    assert status.get_attribute("role") == "status" and status.get_attribute("aria-live") == "polite"
    assert page.locator("#search-results li").count() == 0
    search(page, "某")
    assert "至少输入两个" in status.inner_text()


def test_no_results_under_a_filter_offers_to_clear_it(page):
    search(page, "台江", "&kind=reconsideration&penalty=detention")  # a review imposes no penalty
    assert "在所选筛选条件下" in page.locator("#search-status").inner_text()
    page.get_by_role("link", name="清除筛选条件").click()
    page.wait_for_selector(READY, state="attached")
    assert "共找到" in page.locator("#search-status").inner_text()


def test_browser_and_python_cut_text_alike(page):
    search(page, "")
    samples = ["福州市台江区 五一北路", "〔２０２６〕１２３４号", "ABC-def", "《法》第五十一条", "某＊＊", "Ⅻ①ǅ", "𠀋台江"]
    assert page.evaluate("s => s.map(window.portalSearch.squeeze)", samples) == [squeeze(s) for s in samples]
    assert page.evaluate("() => window.portalSearch.queryTerms(' 台江　赌博 台江 x 〔2026〕')") == ["台江", "赌博", "2026"]


FIND = """async (qs) => {
  const out = {};
  for (const q of qs) out[q] = (await window.portalSearch.find(q)).hits.map(h => [h.id, h.exact]);
  return out;
}"""


def test_static_recall_is_complete_for_a_few_hundred_queries(page, sample, scan):
    _, _, decisions = sample
    urls = [d.url for d in order(decisions)]  # the static index numbers decisions in this order
    qs = recall_queries(decisions)
    assert len(qs) >= 270
    search(page, "")
    found = page.evaluate(FIND, qs)
    missed = {q: scan(q) - {urls[i] for i, _ in found[q]} for q in qs}
    assert {q: m for q, m in missed.items() if m} == {}
    # and the matches marked exact are exactly those of the substring scan
    wrong = {q: scan(q) ^ {urls[i] for i, e in found[q] if e} for q in qs}
    assert {q: w for q, w in wrong.items() if w} == {}


def test_a_long_word_needs_its_triples_in_sequence_not_just_present(page, sample, scan):
    """Decisions holding both triples of a six-character word, apart, are not hits."""
    _, _, decisions = sample
    urls = [d.url for d in order(decisions)]
    texts = [v for vs in scan.squeezed.values() for v in vs if len(v) > 200][:20]
    word = None
    for text in texts:
        for i in range(0, 150, 7):
            a, b = text[i : i + 3], text[i + 3 : i + 6]
            both = {u for u, vs in scan.squeezed.items() if any(a in v for v in vs) and any(b in v for v in vs)}
            if both - scan(a + b):  # some hold both triples, not one after the other
                word = a + b
                break
        if word:
            break
    assert word, "no word whose triples occur apart in some decisions"
    search(page, "")
    found = page.evaluate(FIND, [word])[word]
    assert {urls[i] for i, _ in found} == scan(word)


def test_a_new_search_on_the_results_page_stays_on_it_and_back_returns(page, scan):
    search(page, "台江")
    status = page.locator("#search-status")
    before = status.inner_text()
    page.evaluate("window.samePage = true")
    box = page.get_by_label("输入搜索词")
    box.fill("赌博")
    box.press("Enter")
    page.wait_for_function("() => document.querySelector('#search-results').dataset.state === 'ready'"
                           " && document.querySelector('#search-status').textContent.includes('赌博')")
    assert f"“赌博”共找到 {len(scan('赌博'))} 份决定书" in status.inner_text()
    assert "q=%E8%B5%8C%E5%8D%9A" in page.url
    assert page.evaluate("window.samePage === true")  # no reload: script and index files stay
    assert page.evaluate("document.activeElement.id") == "search-q"
    page.go_back()
    page.wait_for_function("() => document.querySelector('#search-results').dataset.state === 'ready'"
                           " && document.querySelector('#search-status').textContent.includes('台江')")
    assert status.inner_text() == before and page.get_by_label("输入搜索词").input_value() == "台江"
    assert page.evaluate("window.samePage === true")


def test_results_are_shown_before_their_snippets_and_then_completed(page, scan):
    """The first page is drawn from the cards (numbers, links, facts) without waiting for the
    decisions' fields; the snippets follow when those come."""
    held = []
    page.route("**/search/docs/**", lambda route: held.append(route))
    page.goto(f"/search/?q={quote('台江')}")
    page.wait_for_selector("#search-results[data-state=shown]", state="attached")
    hits = page.locator("#search-results li.search-hit")
    assert hits.count() == min(10, len(scan("台江"))) > 0
    hrefs = [a.get_attribute("href") for a in hits.locator("h2 a").all()]
    assert all(any(h.endswith("/" + u) for u in scan("台江")) for h in hrefs)
    assert all(hits.locator("h2 a").all_inner_texts())
    assert re.search(r"\d{4}年\d+月\d+日", hits.first.locator(".hint").inner_text())
    assert page.locator("#search-results .search-hit__snippet").count() == hits.count()  # not yet
    page.wait_for_timeout(50)
    assert held
    for route in held:
        route.continue_()
    page.unroute("**/search/docs/**")
    page.wait_for_selector(READY, state="attached")
    assert page.locator("#search-results .search-hit__snippet").count() == 0
    assert page.locator("#search-results li.search-hit mark").count() >= hits.count()
