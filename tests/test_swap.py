"""Swapping a finished site in: two renames, and the old site removed without holding up the build."""
from __future__ import annotations

import time

import pytest

from pipeline import swap


def _site(folder, text):
    (folder / "decisions").mkdir(parents=True)
    (folder / "index.html").write_text(text, encoding="utf-8")
    for i in range(200):
        (folder / "decisions" / f"{i}.html").write_text(text, encoding="utf-8")


def test_the_old_site_is_renamed_at_once_and_removed_in_the_background(tmp_path):
    output = tmp_path / "site"
    _site(output, "old")
    staging = swap.fresh_staging(output)
    _site(staging, "new")
    swap.swap_in(staging, output)
    assert (output / "index.html").read_text(encoding="utf-8") == "new"
    assert not swap.previous_dir(output).exists() and not staging.exists()
    deadline = time.monotonic() + 30
    while list(tmp_path.glob(".site.old-*")) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_an_unfinished_removal_is_finished_by_the_next_build(tmp_path):
    output = tmp_path / "site"
    _site(output, "online")
    leftover = tmp_path / ".site.old-123-456"
    _site(leftover, "old")
    staging = swap.fresh_staging(output)
    assert not leftover.exists()
    assert (output / "index.html").read_text(encoding="utf-8") == "online"
    swap.discard(staging)


# -- a build over a site online: only what changes is written, then moved in ---------------

def _files(folder):
    return {str(p.relative_to(folder)): p.read_text(encoding="utf-8") for p in folder.rglob("*") if p.is_file()}


def _online(tmp_path):
    output = tmp_path / "site"
    _site(output, "old")
    (output / "withdrawn" / "x").mkdir(parents=True)
    (output / "withdrawn" / "x" / "index.html").write_text("gone", encoding="utf-8")
    (output / "feed").write_text("a file where the new site has a folder", encoding="utf-8")
    return output


def _changes(output):
    staging = swap.fresh_staging(output)
    (staging / "index.html").write_text("new", encoding="utf-8")
    (staging / "decisions").mkdir()
    (staging / "decisions" / "new.html").write_text("new", encoding="utf-8")
    (staging / "feed").mkdir()
    (staging / "feed" / "index.xml").write_text("new", encoding="utf-8")
    kept = {f"decisions/{i}.html" for i in range(200)}
    wanted = {**{k: "old" for k in kept}, "index.html": "new", "decisions/new.html": "new", "feed/index.xml": "new"}
    return staging, kept, wanted


def test_apply_moves_in_what_changed_removes_what_went_and_leaves_the_rest_untouched(tmp_path):
    output = _online(tmp_path)
    before = {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in (output / "decisions").iterdir()}
    staging, kept, wanted = _changes(output)
    swap.apply(staging, output, kept)
    assert _files(output) == wanted
    assert all((p.stat().st_ino, p.stat().st_mtime_ns) == stamp for p, stamp in before.items())
    assert not (output / "withdrawn").exists(), "a folder emptied by the removals goes too"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_an_apply_cut_short_is_finished_by_the_next_build(tmp_path, monkeypatch):
    output = _online(tmp_path)
    staging, kept, wanted = _changes(output)
    real, moves = swap.os.replace, []

    def dies_after_two(a, b):
        if len(moves) == 2:
            raise KeyboardInterrupt("the machine went down")
        moves.append(a)
        real(a, b)

    monkeypatch.setattr(swap.os, "replace", dies_after_two)
    with pytest.raises(KeyboardInterrupt):
        swap.apply(staging, output, kept)
    monkeypatch.undo()
    assert (output / "decisions" / "new.html").exists(), "new files come first"
    assert (output / "index.html").read_text(encoding="utf-8") == "old", "pages that link them after"
    swap.discard(swap.fresh_staging(output))  # the next build: finishes the apply, then starts its own
    assert _files(output) == wanted


def test_a_build_that_died_before_its_gate_passed_changes_nothing_online(tmp_path):
    output = _online(tmp_path)
    before = _files(output)
    staging, _, _ = _changes(output)  # written, never applied: no note of an apply
    swap.discard(swap.fresh_staging(output))
    assert _files(output) == before and not staging.exists()
