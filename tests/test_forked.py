"""Work run in a forked child while the build goes on (pipeline/forked.py): the search indexes,
forked before Pelican starts (portal/beside.py).

The site is the same bytes as when they are made in the build's own process; a child that fails
fails the build and leaves the site online as it was."""
from __future__ import annotations

import json
import shutil
import time

import pytest
from conftest import TODAY, build, penalty, write_exports
from test_build import same_tree

import search
from pipeline import forked


def test_a_child_answers_with_plain_data_and_its_figures():
    child = forked.start(lambda: {"made": [1, 2, 3]}, "测试", "test")
    assert not child.answered
    assert child.join() == {"made": [1, 2, 3]}
    assert child.wall >= 0 and child.cpu >= 0 and child.peak_kib > 0
    assert child.answered and child.join() == {"made": [1, 2, 3]}  # joined again: the same answer


def test_a_child_that_fails_is_raised_with_its_traceback():
    child = forked.start(lambda: 1 / 0, "测试", "test")
    with pytest.raises(forked.ChildFailed, match="测试: ZeroDivisionError") as failed:
        child.join()
    assert "Traceback" in str(failed.value)
    with pytest.raises(forked.ChildFailed, match="ZeroDivisionError"):  # joined again: the same failure
        child.join()
    assert not child.answered


def test_a_child_no_longer_wanted_is_ended():
    child = forked.start(lambda: time.sleep(60), "测试", "test")
    started = time.perf_counter()
    child.cancel()
    assert time.perf_counter() - started < 10 and child.pid is None


@pytest.fixture(scope="module")
def sample_exports(tmp_path_factory):
    import samples

    folder = tmp_path_factory.mktemp("exports")
    samples.write_exports(24, folder, seed=11, today=TODAY)
    return folder


@pytest.fixture
def children(monkeypatch):
    """The stages forked by the builds of a test (their names). Forking is allowed here even if
    an earlier test left an idle thread behind (Dask's offload thread): the command line's
    process has none, and `may_fork` would otherwise keep the indexes in process."""
    started = []
    real = forked.start
    monkeypatch.setattr(forked, "may_fork", lambda: True)
    monkeypatch.setattr(forked, "start", lambda fn, name, stage: started.append(stage) or real(fn, name, stage))
    return started


def test_search_made_in_a_child_is_the_site_made_in_process(tmp_path, sample_exports, children):
    exports = tmp_path / "exports"
    shutil.copytree(sample_exports, exports)
    (tmp_path / "in-process-state" / "progress").mkdir(parents=True)
    child = {"settings": {"SEARCH_CHILD_MIN": 0}, "cache_dir": tmp_path / "cache-child"}  # a small site, forked all the same
    build(exports, tmp_path / "child", tmp_path / "child-state", **child)
    assert children == [], "a first build's progress stage keeps both cores busy: no child beside it"
    # the same progress secret, so that the encrypted progress files are the same bytes too
    shutil.copy2(tmp_path / "child-state" / "progress" / "secret", tmp_path / "in-process-state" / "progress" / "secret")
    here = {"settings": {"SEARCH_IN_CHILD": False}, "cache_dir": tmp_path / "cache-here"}
    build(exports, tmp_path / "in-process", tmp_path / "in-process-state", **here)
    assert same_tree(tmp_path / "child", tmp_path / "in-process") == []

    # new decisions, the newest: the child keeps what the site online has, as the process does
    write_exports(exports / "new", {"n.yaml": penalty(id="PEN-T-9", decision_no="榕公鼓（治）行罚决字〔2026〕909号",
                                                      decided_on="2026-11-20")})
    assert build(exports, tmp_path / "child", tmp_path / "child-state", **child).swapped
    assert build(exports, tmp_path / "in-process", tmp_path / "in-process-state", **here).swapped
    # the search once, by the first site's build; the gate's secrets beside the gate of each
    assert children == ["search", "gate secrets", "gate secrets"]
    assert same_tree(tmp_path / "child", tmp_path / "in-process") == []
    figures = json.loads((tmp_path / "child-state" / "logs" / "last-build.json").read_text())
    assert figures["timings"]["search"]["wall"] > 0
    # the whoosh index the child made is put in place after the swap
    hits = search.search_index(tmp_path / "child-state", "909号")
    assert [h.decision_no for h in hits.hits] == ["榕公鼓（治）行罚决字〔2026〕909号"]


@pytest.mark.parametrize("first", ["child", "build"])
def test_the_statistics_are_made_by_whichever_comes_to_them_first(tmp_path, sample_exports, children, monkeypatch, first):
    """The search child makes the statistics too when it is done with its indexes before the
    build comes to them (`pipeline.forked.Once`); otherwise the build makes them in Pelican's
    turn and the child does not. Either way the site is the one the build makes with no child."""
    from portal import beside, stages

    exports = tmp_path / "exports"
    shutil.copytree(sample_exports, exports)
    child, here = {"settings": {"SEARCH_CHILD_MIN": 0}}, {"settings": {"SEARCH_IN_CHILD": False}}
    assert build(exports, tmp_path / "child", tmp_path / "child-state", **child).swapped
    (tmp_path / "in-process-state" / "progress").mkdir(parents=True)
    shutil.copy2(tmp_path / "child-state" / "progress" / "secret", tmp_path / "in-process-state" / "progress" / "secret")
    assert build(exports, tmp_path / "in-process", tmp_path / "in-process-state", **here).swapped

    made_here = []
    real_output, real_search = stages.StatsGenerator.generate_output, beside.search_stage
    if first == "child":  # the build comes to the statistics only once the child has answered
        def late(self, writer):
            for started in self.data.results.get("forked", []):
                started.join()
            real_output(self, writer)

        monkeypatch.setattr(stages.StatsGenerator, "generate_output", late)
    else:  # the child is slow with its indexes
        monkeypatch.setattr(beside, "search_stage", lambda *a: time.sleep(3) or real_search(*a))
    real_run = stages.StatsGenerator.run
    monkeypatch.setattr(stages.StatsGenerator, "run", lambda self, o, s: made_here.append(1) or real_run(self, o, s))

    write_exports(exports / "new", {"n.yaml": penalty(id="PEN-T-9", decision_no="榕公鼓（治）行罚决字〔2026〕909号",
                                                      decided_on="2026-11-20")})
    assert build(exports, tmp_path / "child", tmp_path / "child-state", **child).swapped
    assert children == ["search", "gate secrets"] and made_here == ([] if first == "child" else [1])
    figures = json.loads((tmp_path / "child-state" / "logs" / "last-build.json").read_text())["timings"]
    assert figures["stats"]["wall"] > 0 and figures["search"]["wall"] > 0
    monkeypatch.undo()
    assert build(exports, tmp_path / "in-process", tmp_path / "in-process-state", **here).swapped
    assert "〔2026〕909号" in (tmp_path / "child" / "data" / "decisions.csv").read_text(encoding="utf-8-sig")
    assert same_tree(tmp_path / "child", tmp_path / "in-process") == []
    assert json.loads((tmp_path / "child-state" / "stats" / "stats.json").read_text()) == \
        json.loads((tmp_path / "in-process-state" / "stats" / "stats.json").read_text())


def test_settings_too_large_for_the_pipe_are_not_sent_and_the_child_leaves_the_statistics():
    """The build never waits on the child to send it the settings: what a pipe's buffer cannot
    hold at once is not sent, and the child, with none, does not take the statistics."""
    from portal.beside import SETTINGS_MAX_BYTES, StatsBeside

    for settings, sent in (({"SITENAME": "公开平台", "RELATIVE_URLS": True}, True),
                           ({"HUGE": "x" * SETTINGS_MAX_BYTES}, False)):
        stats = StatsBeside()
        child = forked.start(lambda: (stats.in_child(), stats.received())[1], "测试", "test")
        started = time.perf_counter()
        stats.send(settings)
        assert time.perf_counter() - started < 5
        assert child.join() == (settings if sent else None)
        assert stats.once.take()  # the child took nothing: the build makes them
        stats.close()


def test_a_search_child_that_fails_fails_the_build_and_the_site_stays(tmp_path, monkeypatch, children):
    exports = write_exports(tmp_path / "exports", {"a.yaml": penalty()})
    out, state, small = tmp_path / "out", tmp_path / "state", {"settings": {"SEARCH_CHILD_MIN": 0}}
    assert build(exports, out, state, **small).swapped
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(search, "build_static_index", broken)
    write_exports(exports, {"b.yaml": penalty(id="PEN-T-2", decision_no="榕公鼓（治）行罚决字〔2026〕902号")})
    with pytest.raises(forked.ChildFailed, match="OSError: disk full"):
        build(exports, out, state, **small)
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


def test_the_gate_child_starts_before_the_statistics_and_lists_the_site_for_the_swap(tmp_path, sample_exports,
                                                                                     children, monkeypatch):
    """A daily build forks the gate's child once the progress stage has added the last secrets
    (pipeline.GateChild): the secrets are made ready while the statistics render, and the child
    lists the site online, which the swap then uses instead of walking it. The site is the one a
    full build of the same exports makes, and a page the new site drops leaves."""
    exports = tmp_path / "exports"
    shutil.copytree(sample_exports, exports)
    write_exports(exports / "new", {"n.yaml": penalty(id="PEN-T-8", decision_no="榕公鼓（治）行罚决字〔2026〕908号",
                                                      decided_on="2026-11-20")})
    out, state = tmp_path / "out", tmp_path / "state"
    assert build(exports, out, state).swapped
    page = out / "decisions" / "pen-t-8" / "index.html"
    assert "908号" in page.read_text(encoding="utf-8")

    shutil.rmtree(exports / "new")  # its page goes
    timings = _daily_build_with_stats_marked(exports, out, state, children, monkeypatch)
    assert children.index("gate secrets") < children.index("stats") and children.count("gate secrets") == 1
    assert {"site listing", "gate secrets", "gate child start"} <= timings.keys()
    assert not page.exists()
    (tmp_path / "full-state" / "progress").mkdir(parents=True)  # the same progress secret: the same encrypted files
    shutil.copy2(state / "progress" / "secret", tmp_path / "full-state" / "progress" / "secret")
    assert build(exports, tmp_path / "full", tmp_path / "full-state").swapped
    assert same_tree(out, tmp_path / "full") == []


def test_a_gate_child_made_for_other_secrets_is_ended_and_not_used(tmp_path, monkeypatch):
    import gate.memory
    from pipeline import GateChild
    from pipeline.state import State

    def prepared(secrets, previous, folder, version, public_names, beside):  # as if a memory were there
        return gate.memory.Prepared(beside(lambda: time.sleep(60)), {}, secrets)

    monkeypatch.setattr(gate.memory, "prepare_beside", prepared)
    monkeypatch.setattr(forked, "may_fork", lambda: True)
    site = tmp_path / "site"
    (site / "a").mkdir(parents=True)
    (site / "a" / "x.html").write_text("x", encoding="utf-8")
    stage = {"progress (case=1)": ["Q1"]}
    early = GateChild(State(tmp_path / "state"), site, set(), None)
    early.start({"r": ["张三"], **stage}, stage)
    child = early.child
    assert early.for_gate({**stage, "stats (x)": ["李四"]}) is None  # a stage added one after it started
    assert child.pid is None and early.online_files() is None  # ended; the swap walks the site itself

    monkeypatch.setattr(gate.memory, "prepare_beside", lambda s, p, f, v, n, beside: gate.memory.Prepared(
        beside(lambda: ("made", False)), {}, s))
    early = GateChild(State(tmp_path / "state"), site, set(), None)
    early.start({"r": ["张三"], **stage}, stage)
    assert early.for_gate(dict(stage)) is early.prepared and early.prepared.child.join() == ("made", False)
    assert early.online_files() == ["a/x.html"]
    early.close()


def test_the_site_is_listed_by_whichever_of_the_build_and_the_gate_child_comes_to_it_first(tmp_path, monkeypatch):
    """The gate's child lists the site online for the swap once its secrets are ready, unless the
    build asked for those secrets first: then the build lists it while the child finishes
    (pipeline.GateChild). Once, by one of them, and the same list either way."""
    import gate.memory
    from pipeline import GateChild
    from pipeline.state import State
    from pipeline.timing import Timings

    monkeypatch.setattr(forked, "may_fork", lambda: True)
    site = tmp_path / "site"
    (site / "a").mkdir(parents=True)
    (site / "a" / "x.html").write_text("x", encoding="utf-8")
    stage = {"progress (case=1)": ["Q1"]}

    def made_in(seconds):
        def prepared(secrets, previous, folder, version, public_names, beside):
            return gate.memory.Prepared(beside(lambda: (time.sleep(seconds), ("made", False))[1]), {}, secrets)
        return prepared

    for slow, lister in ((3, "build"), (0, "child")):
        monkeypatch.setattr(gate.memory, "prepare_beside", made_in(slow))
        timed = Timings()
        early = GateChild(State(tmp_path / "state"), site, set(), timed)
        early.start({"r": ["张三"], **stage}, stage)
        if lister == "child":
            time.sleep(1)  # the child is done with its secrets before the gate asks for them
        assert early.for_gate(dict(stage)).child.join() == ("made", False)
        assert early.online_files() == ["a/x.html"]
        child_listed = early.child.join()[1] is not None
        assert child_listed == (lister == "child") and (early.files is None) == child_listed, lister
        assert timed["site listing"]["wall"] > 0, lister  # the child's figures, or the build's own
        early.close()


def test_a_build_that_holds_much_forks_the_gate_child_at_the_gate(tmp_path, sample_exports, children, monkeypatch):
    """Above `EARLY_GATE_MAX_MIB` held, the gate's child is forked as the gate starts, once the
    search child is done (three processes sharing a large build's pages copy too much of it),
    and the swap walks the site itself; the site is the same."""
    import pipeline

    exports = tmp_path / "exports"
    shutil.copytree(sample_exports, exports)
    out, state = tmp_path / "out", tmp_path / "state"
    assert build(exports, out, state).swapped
    monkeypatch.setattr(pipeline, "EARLY_GATE_MAX_MIB", 0)
    timings = _daily_build_with_stats_marked(exports, out, state, children, monkeypatch)
    assert children.index("stats") < children.index("gate secrets") and children.count("gate secrets") == 1
    assert not {"site listing", "gate child start"} & timings.keys() and "gate secrets" in timings


def _daily_build_with_stats_marked(exports, out, state, children, monkeypatch) -> dict:
    """A build of one more new decision, with the statistics stage's start among `children`
    (the forks, in order); its figures."""
    from portal import stages

    real_run = stages.StatsGenerator.run
    monkeypatch.setattr(stages.StatsGenerator, "run", lambda self, o, s: children.append("stats") or real_run(self, o, s))
    write_exports(exports / "newer", {"m.yaml": penalty(id="PEN-T-9", decision_no="榕公鼓（治）行罚决字〔2026〕909号",
                                                        decided_on="2026-11-21")})
    children.clear()
    assert build(exports, out, state).swapped
    assert (out / "decisions" / "pen-t-9" / "index.html").is_file()
    return json.loads((state / "logs" / "last-build.json").read_text())["timings"]


def test_a_daily_build_with_new_progress_records_forks_with_no_thread_of_its_derivations(tmp_path, sample_exports,
                                                                                         monkeypatch):
    """New progress records are derived ahead in a thread (progress.derive_ahead); a process with
    another thread may not fork, so that thread is done before the build forks its children."""
    import threading

    from pipeline import render

    exports = tmp_path / "exports"
    shutil.copytree(sample_exports, exports)
    out, state = tmp_path / "out", tmp_path / "state"
    assert build(exports, out, state).swapped
    write_exports(exports / "new", {"p.yaml": {
        "kind": "progress", "case_no": "A3501025000002026199999", "query_code": "NEWC-0DE1", "case_type": "administrative",
        "authority": "福州市公安局鼓楼分局",
        "events": [{"at": "2026-11-20T09:30:00+08:00", "stage": "received", "note": "已接报"}]}})
    alive = []
    real = render._search_beside
    monkeypatch.setattr(render, "_search_beside", lambda *a: alive.extend(
        t.name for t in threading.enumerate() if t.name.startswith("progress-ahead")) or real(*a))
    report = build(exports, out, state)
    assert report.swapped and alive == []
    assert json.loads((state / "logs" / "last-build.json").read_text())["timings"]["progress"]
