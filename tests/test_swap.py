"""Swapping a finished site in: two renames, and the old site removed without holding up the build."""
from __future__ import annotations

import time

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
