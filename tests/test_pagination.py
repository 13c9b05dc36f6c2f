"""Listing pages that stay put: new decisions change the newest page, not every page (issue 9),
and the sitemap index made of one sitemap per organ-year from the shards' summaries."""
from __future__ import annotations

import random
import re
import shutil
from datetime import date, timedelta

import pytest
import yaml
from conftest import TODAY, build, penalty, write_exports
from test_build import same_tree

from portal import listings
from records.model import Penalty


def rows(n, start=0, seed=1):
    rng = random.Random(seed)
    day = date(2024, 1, 1)
    out = []
    for i in range(start, start + n):
        day += timedelta(days=rng.choice([0, 0, 1, 2]))
        out.append(listings.Row(f"P{i:05d}", f"p{i:05d}", "penalty", f"{i}号", "某局", day, "殴打他人", None,
                                (Penalty("fine", 200.0),), None, False))
    return out[::-1]  # newest first, as the listings hold them


def pages_of(newest_first, size=30):
    return {p.path: [r.id for r in p.rows] for p in listings.Group("全部", "decisions/", newest_first).pages(size)}


@pytest.mark.parametrize("size", [1, 2, 7, 30])
def test_every_row_on_exactly_one_page_newest_first_and_sizes_bounded(size):
    held = rows(500)
    group = listings.Group("全部", "decisions/", held)
    pages = group.pages(size)
    assert [r for p in pages for r in p.rows] == held, "in order, each once"
    assert pages[0].front and pages[0].path == "decisions/" and not any(p.front for p in pages[1:])
    low = -(-size // 2)
    for p in pages[1:]:
        assert low <= p.count <= size + size // 2
        assert p.path == f"decisions/page/{p.rows[-1].slug}/", "named by its oldest decision"
    assert pages[0].count <= 2 * (size + size // 2)
    for newer, older in zip(pages, pages[1:]):
        assert newer.older is older and older.newer is newer
    assert 300 / 30 * 0.6 < len(listings.Group("x", "x/", rows(300)).pages(30)) < 300 / 30 * 1.6


def test_an_empty_listing_has_one_empty_front_page():
    (page,) = listings.Group("全部", "decisions/", []).pages(30)
    assert page.front and page.rows == [] and page.newer is page.older is None


def changed(before: dict, after: dict) -> set:
    return {p for p in before.keys() | after.keys() if before.get(p) != after.get(p)}


def test_new_decisions_change_only_the_newest_pages():
    base = rows(3000)
    before = pages_of(base)
    for extra in (1, 10, 45, 200):
        after = pages_of(rows(3000 + extra)[:extra] + base)
        # the front page and the page(s) the newest run closed; the old numbered pages all moved
        assert len(changed(before, after) - {"decisions/"}) <= 2 + extra // 15, extra


def test_expiry_and_withdrawal_change_only_the_pages_they_were_on():
    base = rows(3000)
    before = pages_of(base)
    assert len(changed(before, pages_of(base[:-5]))) <= 3, "the oldest five expired"
    middle = base[:1500] + base[1501:]
    assert len(changed(before, pages_of(middle))) <= 3, "one withdrawn in the middle"
    inserted = base[:1500] + [listings.Row("Q1", "q1", "penalty", "x号", "某局", base[1500].decided_on, None, None, (),
                                           None, False)] + base[1500:]
    assert len(changed(before, pages_of(inserted))) <= 3, "one dated in the middle"


def _sample_exports(folder, count, seed):
    import samples

    samples.write_exports(count, folder, seed=seed, today=TODAY)
    return folder


def _add_newest(exports, count):
    """`count` new penalties dated on the build day (the usual daily change): copies of existing
    records with new ids, numbers and case numbers."""
    sources = sorted((exports / "penalty").rglob("PEN-*.yaml"))[:count]
    folder = exports / "penalty" / "new"
    folder.mkdir(parents=True, exist_ok=True)
    for i, path in enumerate(sources):
        record = yaml.safe_load(path.read_text(encoding="utf-8"))
        record.update(id=f"NEW-{i:04d}", decision_no=record["decision_no"].replace("号", f"-新{i}号"), case_no=None,
                      decided_on=TODAY.isoformat(), served_on=TODAY.isoformat(),
                      exported_at=f"{TODAY.isoformat()}T08:00:00+08:00")
        record.pop("publicity_until", None)
        (folder / f"NEW-{i:04d}.yaml").write_text(yaml.safe_dump(record, allow_unicode=True, sort_keys=False),
                                                  encoding="utf-8")


def test_ten_new_decisions_rerender_few_listing_pages_and_equal_a_full_build(tmp_path):
    exports = _sample_exports(tmp_path / "exports", 160, seed=11)
    out, state = tmp_path / "out", tmp_path / "state"
    settings = {"PORTAL_PAGE_SIZE": 6}  # many pages from a small sample
    assert build(exports, out, state, settings=settings).swapped
    shutil.copytree(state, tmp_path / "state-copy", symlinks=True)
    listing = re.compile(r"^(decisions|reconsiderations|organs|years|offences)/(.+/)?index\.html$")
    before = {str(p.relative_to(out)): p.stat().st_ino for p in out.rglob("index.html")}
    pages_before = [p for p in before if listing.match(p)]
    assert sum("/page/" in p for p in pages_before) > 40
    _add_newest(exports, 10)
    report = build(exports, out, state, settings=settings)
    assert report.swapped and not report.unchanged
    after = {str(p.relative_to(out)): p.stat().st_ino for p in out.rglob("index.html")}
    rewritten = [p for p in pages_before if "/page/" in p and after.get(p) != before[p]]
    kept = [p for p in pages_before if "/page/" in p and after.get(p) == before[p]]
    # the new decisions are the newest of "all decisions", of this year and of a few organs and
    # offences: only the pages next to each of those listings' newest end are written again
    assert len(rewritten) <= 12 and len(kept) >= 3 * len(rewritten), (len(rewritten), len(kept))
    full = tmp_path / "full"
    assert build(exports, full, tmp_path / "state-copy", settings=settings).swapped
    assert same_tree(out, full) == []


def test_sitemap_index_lists_one_sitemap_per_organ_year_without_natural_persons_or_withdrawn(tmp_path):
    def organisation(i, name, **changes):
        return penalty(id=f"PEN-T-{i}", decision_no=f"榕公鼓（治）行罚决字〔2026〕90{i}号", offence="违反安全管理",
                       parties=[{"role": "offender", "type": "organization", "name": name,
                                 "credit_code": f"91350100MA2XXXXX{i}X"}],
                       text=f"{name}未落实安全管理制度。\n\n根据有关规定，决定对{name}处罚款500元。", **changes)

    exports = write_exports(tmp_path / "exports", {
        "a.yaml": penalty(),  # a natural person: noindex, never in a sitemap
        "b.yaml": organisation(2, "福州某某贸易有限公司"),
        "c.yaml": organisation(3, "福州某某餐饮有限公司", decided_on="2025-12-01"),
        "d.yaml": organisation(4, "福州某某物流有限公司", status="revoked", status_reason="复核撤销",
                               status_changed_on="2026-11-20"),
    })
    out = tmp_path / "out"
    assert build(exports, out, tmp_path / "state").swapped
    index = (out / "sitemap.xml").read_text(encoding="utf-8")
    assert index.startswith('<?xml') and "<sitemapindex" in index
    listed = re.findall(r"<loc>http://127\.0\.0\.1:8000/(sitemaps/[^<]+)</loc>", index)
    assert listed[0] == "sitemaps/pages.xml" and len(listed) == 3, listed  # pages, organ 2025, organ 2026
    assert {p.relative_to(out).as_posix() for p in (out / "sitemaps").iterdir()} == set(listed)
    decisions = "".join((out / name).read_text(encoding="utf-8") for name in listed[1:])
    assert "decisions/pen-t-2/" in decisions and "decisions/pen-t-3/" in decisions
    assert "pen-t-1/" not in decisions, "natural person: noindex"
    assert "pen-t-4/" not in decisions and "pen-t-4/" not in (out / "sitemaps" / "pages.xml").read_text(encoding="utf-8")
    assert "decisions/" in (out / "sitemaps" / "pages.xml").read_text(encoding="utf-8")
    assert "Sitemap: http://127.0.0.1:8000/sitemap.xml" in (out / "robots.txt").read_text(encoding="utf-8")


def test_a_rows_key_changes_with_anything_the_row_shows():
    """Pages that list or link a decision hold its row's key in their render keys: it is the
    decision's content hash, which must change whenever anything the row shows does."""
    import dataclasses

    from publication.public import content_hash
    from records.model import PublicDecision

    base = PublicDecision(kind="penalty", id="P1", slug="p1", decision_no="1号", decided_on=date(2026, 3, 1), organ="某局",
                          text_html="", text_plain="", parties=[], names_natural_person=False, offence="殴打他人",
                          penalties=[Penalty("fine", 200.0)])
    changes = [dict(decision_no="2号"), dict(organ="另一局"), dict(decided_on=date(2026, 3, 2)), dict(offence="赌博"),
               dict(penalties=[Penalty("fine", 300.0)]), dict(penalties=[Penalty("warning")]), dict(slug="p2"),
               dict(kind="reconsideration", outcome="upheld")]

    def row(d):
        d.content_hash = content_hash(d)
        return listings.row(d)

    first = row(dataclasses.replace(base))
    for change in changes:
        other = row(dataclasses.replace(base, **change))
        assert other.shown() != first.shown() and other.key != first.key, change
    assert row(dataclasses.replace(base)).key == first.key
    # a row without a content hash (made by hand) is keyed by what it shows
    assert dataclasses.replace(first, content_hash=None).key != dataclasses.replace(first, content_hash=None, organ="x").key
