"""The static search index made again after a change, from the analyses kept in the cache
folder, is the very bytes of one made from nothing; the usual change (new decisions, the newest)
leaves the files of the others as they were, and only new or changed decisions are analysed."""
from __future__ import annotations

import dataclasses
import json
from datetime import timedelta

import pytest
from conftest import build, penalty, write_exports
from test_build import same_tree

import search.static_index as static_index
from publication.public import content_hash
from search.sample_site import shared_sample_site
from search.static_index import build_static_index, order


@pytest.fixture(scope="module")
def decisions():
    return shared_sample_site()[2]


def copy(d, n: int, **changes):
    """Another decision like `d`: a new id, link and number (and whatever `changes` says)."""
    new = dataclasses.replace(d, id=f"NEW-{n}", slug=f"new-{n}", decision_no=d.decision_no.replace("号", f"-新{n}号"),
                              **changes)
    new.content_hash = content_hash(new)
    return new


def newest(decisions, n):
    last = max(d.decided_on for d in decisions)
    return copy(decisions[n], n, decided_on=last + timedelta(days=1 + n))


def changed(d):
    new = dataclasses.replace(d, text_plain=d.text_plain + "另查明，当事人已改正违法行为。")
    new.content_hash = content_hash(new)
    return new


CHANGES = {
    "ten newest": lambda ds: (ds + [newest(ds, n) for n in range(10)], 10),
    "older ones": lambda ds: (ds + [copy(ds[n], n) for n in range(3)], 3),
    "withdrawn": lambda ds: ([d for i, d in enumerate(ds) if i % 17], 0),
    "oldest expired": lambda ds: (order(ds)[5:], 0),
    "text changed": lambda ds: ([changed(d) if i == 4 else d for i, d in enumerate(ds)], 1),
    "all at once": lambda ds: ([changed(d) if i == 4 else d for i, d in enumerate(ds) if i % 17] + [newest(ds, 1), copy(ds[2], 2)], 3),
}


@pytest.mark.parametrize("change", CHANGES, ids=list(CHANGES))
def test_a_rebuild_from_the_cache_is_a_full_builds(decisions, tmp_path, change):
    cache = tmp_path / "cache"
    first = build_static_index(decisions, tmp_path / "before", cache_dir=cache)
    assert first["analysed"] == len(decisions)
    after, new = CHANGES[change](list(decisions))
    again = build_static_index(after, tmp_path / "after", cache_dir=cache)
    assert again["analysed"] == new, "only new or changed decisions are analysed"
    full = build_static_index(after, tmp_path / "full")
    assert same_tree(tmp_path / "after", tmp_path / "full") == []
    def figures(stats):
        return {k: v for k, v in stats.items() if k not in ("analysed", "parts") and not k.endswith("_s")}

    assert figures(again) == figures(full)


def meta_of(site):
    return json.loads((site / "search" / "meta.json").read_text(encoding="utf-8"))


def test_new_decisions_that_are_the_newest_change_only_the_recent_segment(decisions, tmp_path):
    build_static_index(decisions, tmp_path / "before")
    build_static_index(decisions + [newest(decisions, 0), newest(decisions, 1)], tmp_path / "after")
    before, after = meta_of(tmp_path / "before"), meta_of(tmp_path / "after")
    assert len(before["segments"]) == 2, "the sample has a base and a recent segment"
    assert after["segments"][0] == before["segments"][0], "the base: the same folder, numbers and shards"
    assert after["segments"][1]["name"] != before["segments"][1]["name"]
    assert after["segments"][1]["count"] == before["segments"][1]["count"] + 2
    changed = same_tree(tmp_path / "before", tmp_path / "after")
    old_recent, new_recent = (f"search/s/{m['segments'][1]['name']}" for m in (before, after))
    assert sorted(changed) == sorted(["search/docs/decisions/new-0.json", "search/docs/decisions/new-1.json",
                                      "search/facets.bin", "search/meta.json", old_recent, new_recent])
    assert after["count"] == len(decisions) + 2 and after["years"] == sorted(after["years"])


def online_writer(site, previous=None, keys=None):
    """The build's `PageWriter` writing into `site`, with `previous` as the site online and the
    render keys the build of it recorded."""
    from portal.writing import PageWriter

    out = object.__new__(PageWriter)
    out.settings, out.output_path, out.previous = {}, site, previous
    out.old_keys, out.new_keys, out.kept, out.kept_stamps = dict(keys or {}), {}, set(), {}
    return out


def same_day(ds):
    last = max(d.decided_on for d in ds)
    return ds + [copy(ds[n], n, decided_on=last) for n in range(10)], 10


REUSE = {**CHANGES, "ten newest, the same day": same_day,
         "a month later": lambda ds: (ds + [copy(ds[0], 0, decided_on=max(d.decided_on for d in ds) + timedelta(days=40))], 1)}


@pytest.mark.parametrize("change", REUSE, ids=list(REUSE))
def test_a_build_over_the_site_online_keeps_its_unchanged_segments_and_is_a_full_builds(decisions, tmp_path, change,
                                                                                          monkeypatch):
    """As a build runs it: the site online and the keys its build recorded; a segment whose name
    did not change is kept without a posting made or a file written, and the site online with the
    build's files applied (pipeline/swap.py) is byte for byte a build from nothing, whatever
    changed (new, older, withdrawn, expired, changed, the recent segment moved)."""
    from pipeline import swap

    cache = tmp_path / "cache"
    online = tmp_path / "online"
    first = online_writer(online)
    build_static_index(decisions, online, cache_dir=cache, out=first)
    before = meta_of(online)
    inodes = {p: p.stat().st_ino for p in online.rglob("*") if p.is_file()}
    after, _ = REUSE[change](list(decisions))
    made = []
    real = static_index._make_segment
    monkeypatch.setattr(static_index, "_make_segment", lambda info, *a: made.append(info["name"]) or real(info, *a))
    out = online_writer(tmp_path / "new", online, first.new_keys)
    stats = build_static_index(after, tmp_path / "new", cache_dir=cache, out=out)
    monkeypatch.undo()
    full = build_static_index(after, tmp_path / "full")
    written = {str(p.relative_to(tmp_path / "new")) for p in (tmp_path / "new").rglob("*") if p.is_file()}
    assert not written & out.kept, "a kept file is not written again"
    swap.apply(tmp_path / "new", online, out.kept)
    assert same_tree(online, tmp_path / "full") == []
    now = meta_of(online)
    kept = [s["name"] for s in now["segments"] if s["name"] in {b["name"] for b in before["segments"]}]
    assert made == [s["name"] for s in now["segments"] if s["name"] not in kept], "only segments that changed are made"
    assert stats["segments_made"] == len(made) and stats["terms"] == full["terms"] and stats["shards"] == full["shards"]
    for name in kept:  # the very files that were online
        for path in (online / "search" / "s" / name).rglob("*"):
            assert path.is_dir() or inodes[path] == path.stat().st_ino
            assert path.is_dir() or str(path.relative_to(online)) in out.kept
    if change == "ten newest, the same day":  # the base stays when only the recent segment changes
        assert kept == [before["segments"][0]["name"]] and len(made) == 1
    if change in ("withdrawn", "oldest expired", "a month later"):
        assert before["segments"][0]["name"] not in kept


def test_a_damaged_cache_is_only_slower(decisions, tmp_path):
    cache = tmp_path / "cache"
    build_static_index(decisions[:20], tmp_path / "one", cache_dir=cache)
    for path in (cache / "search").iterdir():
        path.write_bytes(b"not a pickle")
    assert build_static_index(decisions[:20], tmp_path / "two", cache_dir=cache)["analysed"] == 20
    assert same_tree(tmp_path / "one", tmp_path / "two") == []


def _record_made(monkeypatch, path):
    """The ids of the decisions whose search document is made from now on, in a file: the build
    makes its indexes in a forked child (portal.stages.SearchGenerator), which inherits this patch."""
    real = static_index.shown_text

    def shown_text(d):
        with open(path, "a", encoding="utf-8") as f:
            f.write(d.id + "\n")
        return real(d)

    monkeypatch.setattr(static_index, "shown_text", shown_text)
    return lambda: path.read_text(encoding="utf-8").split() if path.exists() else []


def test_a_build_that_adds_a_decision_makes_only_its_search_document(tmp_path, monkeypatch):
    """Through the whole build: the other decisions' `docs` files are kept online without being
    made again, and the result is a full build's."""
    exports = write_exports(tmp_path / "exports", {
        "a.yaml": penalty(),
        "b.yaml": penalty(id="PEN-T-2", decision_no="榕公鼓（治）行罚决字〔2026〕902号", decided_on="2026-10-01"),
    })
    out, state = tmp_path / "out", tmp_path / "state"
    build(exports, out, state)
    import shutil

    shutil.copytree(state, tmp_path / "state-copy", symlinks=True)
    before = {p: p.stat().st_ino for p in (out / "search" / "docs").rglob("*.json")}
    made = _record_made(monkeypatch, tmp_path / "made")
    write_exports(exports, {"c.yaml": penalty(id="PEN-T-3", decision_no="榕公鼓（治）行罚决字〔2026〕903号", decided_on="2026-11-20")})
    assert build(exports, out, state).swapped
    assert made() == ["PEN-T-3"]
    assert all(p.stat().st_ino == ino for p, ino in before.items()), "kept, not written"
    monkeypatch.undo()
    build(exports, tmp_path / "full", tmp_path / "state-copy")
    assert same_tree(out, tmp_path / "full") == []


def test_postings_made_in_many_slices_are_the_same_bytes(decisions, tmp_path, monkeypatch):
    one = build_static_index(decisions, tmp_path / "one")
    monkeypatch.setattr(static_index, "SLICE_POSTINGS", 5_000)  # dozens of slices, two at a time
    monkeypatch.setattr(static_index, "SELECT_BLOCK", 1_000)  # each found block by block of the text
    many = build_static_index(decisions, tmp_path / "many")
    assert same_tree(tmp_path / "one", tmp_path / "many") == [] and one["terms"] == many["terms"]


def test_code_version_covers_how_penalties_are_worded(monkeypatch):
    """A document holds the penalties as portal.filters words them: a change there must not
    leave cached analyses (and docs) of the old wording in the index."""
    import portal.filters
    from search import static_index

    static_index._code_version.cache_clear()
    before = static_index._code_version()

    def penalty_text(p) -> str:  # worded otherwise
        return "处罚"

    monkeypatch.setattr(portal.filters, "penalty_text", penalty_text)
    static_index._code_version.cache_clear()
    try:
        assert static_index._code_version() != before
    finally:
        static_index._code_version.cache_clear()


def test_a_search_document_made_again_with_the_same_bytes_is_not_made_by_the_next_build(tmp_path, monkeypatch):
    """A new search code makes every `docs` file again; those with the bytes online keep the
    online file, and their keys record it: the build after makes none (a key recorded with the
    stamp of a file that never went online made every later build write them all again)."""
    exports = write_exports(tmp_path / "exports", {
        "a.yaml": penalty(),
        "b.yaml": penalty(id="PEN-T-2", decision_no="榕公鼓（治）行罚决字〔2026〕902号", decided_on="2026-10-01"),
    })
    out, state = tmp_path / "out", tmp_path / "state"
    build(exports, out, state)
    made = _record_made(monkeypatch, tmp_path / "made")
    monkeypatch.setattr(static_index, "_code_version", lambda: "another-search-code")
    write_exports(exports, {"c.yaml": penalty(id="PEN-T-3", decision_no="榕公鼓（治）行罚决字〔2026〕903号", decided_on="2026-11-20")})
    assert build(exports, out, state).swapped
    assert sorted(made()) == ["PEN-T-1", "PEN-T-2", "PEN-T-3"]
    (tmp_path / "made").unlink()
    write_exports(exports, {"d.yaml": penalty(id="PEN-T-4", decision_no="榕公鼓（治）行罚决字〔2026〕904号", decided_on="2026-11-21")})
    assert build(exports, out, state).swapped
    assert made() == ["PEN-T-4"], made()
