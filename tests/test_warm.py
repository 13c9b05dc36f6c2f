"""The helper that asks the kernel for what a build over a site online will read (pipeline/warm.py):
it reads nothing into the build, changes nothing, and ends with the build."""
from __future__ import annotations

from conftest import build, penalty, write_exports


def test_the_helper_asks_for_the_caches_and_stats_the_site_then_ends(tmp_path):
    from pipeline.state import State
    from pipeline.warm import Warm, folders

    state, site = State(tmp_path / "state", tmp_path / "shared-cache"), tmp_path / "site"
    (state.root / "cache" / "exports").mkdir(parents=True)
    (state.root / "cache" / "exports" / "000.pickle").write_bytes(b"x" * 10_000)
    assert state.cache_root / "stats-shards" in folders(state)  # caches put elsewhere (BuildOptions.cache_dir)
    (site / "decisions" / "pen-1").mkdir(parents=True)
    (site / "decisions" / "pen-1" / "index.html").write_text("<p>页</p>", encoding="utf-8")
    (site / "link").symlink_to(site / "decisions")  # not followed
    warm = Warm(state, site)
    assert warm.helper is not None
    assert warm.helper.wait(timeout=60) == 0  # it ran to its end (a helper that cannot run exits 1)
    warm.stop()
    assert warm.helper is None
    warm.stop()  # again: nothing to do
    assert (site / "decisions" / "pen-1" / "index.html").read_text(encoding="utf-8") == "<p>页</p>"


def test_a_first_build_starts_no_helper_and_a_daily_one_stops_its_own(tmp_path, monkeypatch):
    from pipeline import warm

    made = []

    class Recorded(warm.Warm):
        def __init__(self, state, site):
            super().__init__(state, site)
            made.append(self)
            self.started = self.helper is not None

    monkeypatch.setattr(warm, "Warm", Recorded)
    exports = write_exports(tmp_path / "exports", {"a.yaml": penalty()})
    out, state = tmp_path / "out", tmp_path / "state"
    assert build(exports, out, state).swapped
    write_exports(exports, {"b.yaml": penalty(id="PEN-T-2", decision_no="榕公鼓（治）行罚决字〔2026〕902号")})
    assert build(exports, out, state).swapped
    assert [w.started for w in made] == [False, True]
    assert all(w.helper is None for w in made)  # ended, and waited for, by the build
