"""The build on a Dask cluster gives the same site as the build on this machine.

A `LocalCluster` of 2 worker processes (one thread each) stands in for the cluster; the exports
are small so the test stays short. On the workers: the redaction of cache misses, the decision
pages and withdrawal notices (rendered from plain data, sent back as bytes), the static search
index's postings per shard (merged on this machine into the files one process writes) and the
whoosh index's parts (sent back as files, read through one reader).
"""
from __future__ import annotations

import json
import pickle
import shutil
from datetime import date

import pytest
from conftest import TODAY, build, penalty, write_exports
from test_build import run_cli, same_tree

distributed = pytest.importorskip("distributed")

from pipeline import render  # noqa: E402
from pipeline import shards as sharding  # noqa: E402
from pipeline.state import published_entries  # noqa: E402
from pipeline.executor import DaskExecutor, LocalExecutor, make_executor  # noqa: E402
from search import search_index  # noqa: E402
from search.whoosh_index import CONTENTS  # noqa: E402


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None) as c:
        yield c


@pytest.fixture(scope="module")
def sample_exports(tmp_path_factory):
    import samples

    folder = tmp_path_factory.mktemp("exports")
    samples.write_exports(16, folder, seed=7, today=TODAY)
    # the hand-written fixture too: its text carries every kind of personal data
    write_exports(folder / "hand", {"a.yaml": penalty(), "b.yaml": penalty(id="PEN-T-2", decision_no="榕公鼓（治）行罚决字〔2026〕902号")})
    return folder


def _seed_state(source, target):
    """A fresh state that shares only the site's progress secret: no index, no log (and the
    builds are given caches of their own, not the test session's shared one)."""
    (target / "progress").mkdir(parents=True)
    shutil.copy2(source / "progress" / "secret", target / "progress" / "secret")


def remote_decisions(state):
    return [e["decision"] for e in published_entries(state).values()]


def test_dask_build_equals_local_build(tmp_path, sample_exports, cluster, monkeypatch):
    local = build(sample_exports, tmp_path / "local", tmp_path / "state-local", executor="local",
                  cache_dir=tmp_path / "cache-local")
    assert local.swapped and local.published > 10
    _seed_state(tmp_path / "state-local", tmp_path / "state-dask")
    with distributed.Client(cluster, set_as_default=False) as client:
        seen, sent = [], {}
        executor = DaskExecutor(client=client)
        original = executor.map

        def counted(fn, items, done=None):
            seen.append(len(items))
            sent[fn.__name__] = pickle.dumps(items)
            return original(fn, items, done)

        executor.map = counted
        monkeypatch.setattr(render, "MIN_PAGES_TO_SEND", 1)
        remote = build(sample_exports, tmp_path / "dask", tmp_path / "state-dask", executor=executor, shards=4,
                       cache_dir=tmp_path / "cache-dask")
        assert remote.swapped and remote.published == local.published
        # several shards went to the workers, not one task per record: redaction, then the
        # decision pages and withdrawal notices, the static index's postings, the whoosh parts
        # and the statistics and open-data summaries (one per organ-year)
        assert len(seen) == 5 and min(seen) >= 3, seen
        assert sent.keys() == {"redact_shard", "render_shard", "index_part", "build_part", "summarise_stats_shard"}, sent.keys()
        # the pages' tasks carry public data and configuration only: no --state, no progress secret
        pages = sent["render_shard"]
        assert b"state-dask" not in pages and (tmp_path / "state-dask" / "progress" / "secret").read_bytes() not in pages
        assert b"PORTAL_SITE_DATA" not in pages and b"render_keys" not in pages
        for d in remote_decisions(tmp_path / "state-dask"):
            assert d["slug"].encode() in pages
        # nothing is sent again once cached on the staff machine: a rebuild never touches the cluster
        seen.clear()
        again = build(sample_exports, tmp_path / "dask", tmp_path / "state-dask", executor=executor,
                      cache_dir=tmp_path / "cache-dask")
        assert again.swapped and seen == []
    assert same_tree(tmp_path / "local", tmp_path / "dask") == []  # search/ included, from 4 shards
    # the whoosh index: one part here, several from the cluster; the same answers
    parts = json.loads((tmp_path / "state-dask" / "search" / "current" / CONTENTS).read_text(encoding="utf-8"))["parts"]
    assert len(parts) >= 3
    for query, filters in [("罚款", {}), ("决定", {"kind": "penalty"}), ("公安", {"year": 2026}), ("", {"kind": "penalty"})]:
        for sort in ("relevance", "newest", "oldest"):
            a = search_index(tmp_path / "state-local", query, sort=sort, pagelen=100, **filters)
            b = search_index(tmp_path / "state-dask", query, sort=sort, pagelen=100, **filters)
            assert a == b and a.total, (query, filters, sort)
    # the caches written from the workers' results are the ones a local build writes
    assert same_tree(tmp_path / "cache-local" / "redaction", tmp_path / "cache-dask" / "redaction") == []


def test_shards_follow_organ_then_year_and_keep_every_record():
    from records.model import Decision, Source

    def dec(i, organ, year):
        return Decision(kind="penalty", id=f"P{i}", decision_no=str(i), decided_on=date(year, 1, 1), text="",
                        parties=[], source=Source("f"), authority=organ)

    items = [dec(i, organ, year) for i, (organ, year) in enumerate(
        [("甲", 2025)] * 5 + [("乙", 2026)] * 3 + [("甲", 2026)] * 4 + [("丙", 2024)] * 12)]
    shards = sharding.plan(items, sharding.shard_key, 4)
    assert sorted(d.id for s in shards for d in s) == sorted(d.id for d in items)
    assert 3 <= len(shards) <= 8 and max(len(s) for s in shards) <= 6
    for shard in shards:  # each shard is one run of the (organ, year) order
        keys = [sharding.shard_key(d) for d in shard]
        assert keys == sorted(keys)
    assert sharding.plan(items, sharding.shard_key, 4) == shards  # the same records, the same shards
    assert sharding.plan([], sharding.shard_key, 4) == []
    assert sharding.for_worker(items[0]).source.file == ""


def test_local_executor_keeps_order_and_reports_each_result():
    got = []
    assert LocalExecutor(2).map(abs, [-3, 1, -2], lambda i, r: got.append((i, r))) == [3, 1, 2]
    assert got == [(0, 3), (1, 1), (2, 2)]
    executor, own = make_executor(None)
    assert isinstance(executor, LocalExecutor) and own


def test_a_pool_started_ahead_that_cannot_warm_up_is_let_go():
    """A worker whose warm-up fails (here `os.fspath(None)`, a TypeError) leaves no pool behind:
    a single item then runs in this process, as without a pool started ahead (a daily build does
    not depend on the pool), and a map of many starts a pool of its own."""
    import os

    executor = LocalExecutor(2)
    executor.prepare(os.fspath)
    assert executor.map(os.readlink, ["/proc/self"]) == [str(os.getpid())]  # this process
    assert executor.map(abs, [-1, -2]) == [1, 2]
    executor.close()
    warm = LocalExecutor(2)  # a pool that did warm up (bool(None)): even one item goes to its worker
    warm.prepare(bool)
    assert warm.map(os.readlink, ["/proc/self"]) != [str(os.getpid())]
    warm.close()


def test_cli_dask_needs_a_scheduler(tmp_path, sample_exports):
    result = run_cli("build", "--exports", sample_exports, "--output", tmp_path / "out", "--state", tmp_path / "state",
                     "--today", "2026-11-25", "--executor", "dask")
    assert result.exit_code != 0 and "--scheduler" in result.output
    assert not (tmp_path / "out").exists()


class _OtherRules(LocalExecutor):
    """A worker whose redaction rules are not this machine's."""

    def map(self, fn, items, done=None):
        def changed(i, answer):
            done(i, {**answer, "rules": "0" * 16})

        return super().map(fn, items, changed)


def test_results_of_other_rules_are_refused_and_nothing_is_published(tmp_path):
    exports = write_exports(tmp_path / "exports", {"a.yaml": penalty()})
    with pytest.raises(RuntimeError, match="规则版本"):
        build(exports, tmp_path / "out", tmp_path / "state", executor=_OtherRules(1), cache_dir=tmp_path / "cache")
    assert not (tmp_path / "out").exists()
    assert not list((tmp_path / "cache").glob("redaction/*/*.json"))


def test_a_task_needs_none_of_the_builds_code_until_a_worker_runs_it(tmp_path):
    """The scheduler of a real cluster deserialises each task but has no copy of the build's
    packages (only the workers get them): a task is `pickle.loads` and the bytes of its call, so
    a Python without this repository on its path can read it; a worker's loads runs the call."""
    import pickle
    import subprocess
    import sys

    from pipeline.executor import _Call

    blob = pickle.dumps(_Call(sharding.for_worker, "x"))
    graph = pickle.dumps((pickle.loads, blob))
    code = "import pickle, sys; fn, arg = pickle.loads(sys.stdin.buffer.read()); print(type(arg).__name__)"
    out = subprocess.run([sys.executable, "-I", "-c", code], input=graph, capture_output=True, cwd=tmp_path, check=True)
    assert out.stdout.decode().strip() == "bytes"
    # running it does need the code (a worker has it): here it is missing
    run = subprocess.run([sys.executable, "-I", "-c", "import pickle, sys; pickle.loads(pickle.loads(sys.stdin.buffer.read())[1])"],
                         input=graph, capture_output=True, cwd=tmp_path)
    assert run.returncode != 0 and b"No module named 'pipeline'" in run.stderr
    assert pickle.loads(pickle.dumps(_Call(abs, -3))) == 3


class _Recording(LocalExecutor):
    """This machine's pool, keeping the pages each render task was given."""

    def __init__(self):
        super().__init__(2)
        self.pages: list[list[str]] = []

    def map(self, fn, items, done=None):
        if fn is sharding.render_shard:
            self.pages.append(sorted(relative for task in items for relative, *_ in task["jobs"]))
            assert all(task["write_to"] for task in items), "the pool shares the disk: pages written in place"
        return super().map(fn, items, done)


def test_pages_rendered_by_the_pool_and_only_changed_pages_sent_again(tmp_path, monkeypatch):
    """Pages rendered per shard by this machine's pool (written straight into the staging folder);
    after a new decision only the pages that show it are sent again (the rest linked from the site
    online by their render keys), and the site equals a full build's made in one process."""
    monkeypatch.setattr(render, "MIN_PAGES_TO_SEND", 1)
    files = {f"p{i}.yaml": penalty(id=f"PEN-T-{i}", decision_no=f"榕公鼓（治）行罚决字〔2026〕9{i:02d}号",
                                   decided_on=f"2026-{1 + i % 9:02d}-1{i % 10}", offence=("殴打他人", "盗窃")[i % 2],
                                   authority=("福州市公安局鼓楼分局", "福州市公安局台江分局")[i % 2])
             for i in range(1, 13)}
    exports = write_exports(tmp_path / "exports", files)
    pool = _Recording()
    out, state = tmp_path / "out", tmp_path / "state"
    assert build(exports, out, state, executor=pool, shards=4).swapped
    assert len(pool.pages) == 1 and len(pool.pages[0]) == 12
    shutil.copytree(state, tmp_path / "state-copy", symlinks=True)

    write_exports(exports, {"new.yaml": penalty(id="PEN-T-99", decision_no="榕公鼓（治）行罚决字〔2026〕999号",
                                                decided_on="2026-11-20", offence="赌博")})
    pool.pages.clear()
    assert build(exports, out, state, executor=pool, shards=4).swapped
    assert pool.pages == [["decisions/pen-t-99/index.html"]], pool.pages
    assert (out / "decisions" / "pen-t-99" / "index.html").exists()
    full = tmp_path / "full"
    assert build(exports, full, tmp_path / "state-copy").swapped  # in one process: no executor
    assert same_tree(out, full) == []


def test_a_pool_started_ahead_redacts_in_its_worker_and_builds_the_same_site(tmp_path, sample_exports):
    """The command line starts the pool as the build starts (`BuildOptions.early_pool`): its first
    worker loads the redaction engine and the tagger while the build reads its exports, and the
    records not remembered are redacted there, even a single shard. Run in a fresh process, as
    the command is: the build's own process redacts no decision (the progress notes it still
    redacts itself), the worker's CPU is counted, no worker is left when the build returns, and
    the site equals the one a build that redacts in its own process makes."""
    import subprocess
    import sys

    from conftest import ROOT

    reference, reference_state = tmp_path / "reference", tmp_path / "reference-state"
    build(sample_exports, reference, reference_state, cache_dir=tmp_path / "reference-cache")
    state = tmp_path / "state"
    _seed_state(reference_state, state)
    script = f"""
import json, multiprocessing, sys
sys.path.insert(0, {str(ROOT)!r})
from datetime import date
from pipeline import BuildOptions, build
from pipeline.timing import worker_usage
import redaction
def here(decisions):
    raise AssertionError("decisions redacted in the build's own process")
redaction.redact_many = here
report = build(BuildOptions(exports={str(sample_exports)!r}, output={str(tmp_path / 'out')!r}, state={str(state)!r},
                            today=date.fromisoformat({TODAY.isoformat()!r}), cache_dir={str(tmp_path / 'cache')!r},
                            early_pool=True))
print(json.dumps({{"swapped": report.swapped, "worker_cpu": worker_usage()["cpu"] > 0, "workers_left": len(multiprocessing.active_children())}}))
"""
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=tmp_path)
    assert run.returncode == 0, run.stderr[-2000:]
    assert json.loads(run.stdout.strip().splitlines()[-1]) == {
        "swapped": True, "worker_cpu": True, "workers_left": 0}
    assert same_tree(reference, tmp_path / "out") == []


def test_a_daily_build_redacts_its_new_records_ahead_and_builds_the_same_site(tmp_path, sample_exports):
    """A build over its last site sends the records of the export files it reads anew to the pool
    started ahead as soon as it has loaded them (`redact_ahead`), and reads the memo of the other
    records meanwhile: only those records go, to the worker, and the site equals a full build of
    the same exports made in one process."""
    import subprocess
    import sys

    from conftest import ROOT

    exports = tmp_path / "exports"
    shutil.copytree(sample_exports, exports)
    state = tmp_path / "state"
    assert build(exports, tmp_path / "out", state, cache_dir=tmp_path / "cache").swapped
    write_exports(exports, {"penalty/new/a.yaml": penalty(id="PEN-AHEAD-1", decision_no="榕公鼓（治）行罚决字〔2026〕951号")})
    script = f"""
import json, sys
sys.path.insert(0, {str(ROOT)!r})
from datetime import date
import pipeline, redaction
from pipeline import BuildOptions, build, redact_stage
pipeline.EARLY_POOL_MIN = 0  # the last build published a few decisions: start the pool ahead anyway
def here(decisions):
    raise AssertionError("decisions redacted in the build's own process")
redaction.redact_many = here
sent = []
real = redact_stage.redact_ahead
def ahead(*args):
    answer = real(*args)
    sent.append(sorted(d.id for shard in answer.plan for _, d in shard) if answer and answer.running else None)
    return answer
redact_stage.redact_ahead = ahead
report = build(BuildOptions(exports={str(exports)!r}, output={str(tmp_path / 'out')!r}, state={str(state)!r},
                            today=date.fromisoformat({TODAY.isoformat()!r}), cache_dir={str(tmp_path / 'cache')!r},
                            early_pool=True))
print(json.dumps({{"swapped": report.swapped, "sent": sent}}))
"""
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=tmp_path)
    assert run.returncode == 0, run.stderr[-2000:]
    assert json.loads(run.stdout.strip().splitlines()[-1]) == {"swapped": True, "sent": [["PEN-AHEAD-1"]]}
    reference_state = tmp_path / "reference-state"
    _seed_state(state, reference_state)
    assert build(exports, tmp_path / "reference", reference_state, cache_dir=tmp_path / "reference-cache").swapped
    assert same_tree(tmp_path / "reference", tmp_path / "out") == []


def test_map_ahead_runs_on_the_pool_started_ahead_and_gives_its_answers_or_its_error():
    import os

    assert LocalExecutor(2).map_ahead(abs, [-1]) is None  # no pool started ahead: the caller maps later
    assert not LocalExecutor(2).started_ahead
    executor = LocalExecutor(2)
    executor.prepare(bool)
    assert executor.started_ahead
    running = executor.map_ahead(os.readlink, ["/proc/self", "/proc/self"])
    answers = running.wait()
    assert len(answers) == 2 and str(os.getpid()) not in answers  # on the pool's workers
    assert executor.map(os.readlink, ["/proc/self"]) == [str(os.getpid())]  # the pool went with it
    executor.close()
    failing = LocalExecutor(2)
    failing.prepare(bool)
    running = failing.map_ahead(os.fspath, [None, None])
    with pytest.raises(TypeError):
        running.wait()
    failing.close()
    stopped = LocalExecutor(2)  # a build that stops before collecting: closing waits for it
    stopped.prepare(bool)
    running = stopped.map_ahead(abs, [-1, -2])
    stopped.close()
    assert not running._thread.is_alive() and running.wait() == [1, 2]  # in order


def test_records_sent_ahead_to_a_pool_that_broke_are_redacted_with_the_rest(tmp_path, sample_exports, caplog):
    from concurrent.futures.process import BrokenProcessPool

    from pipeline import executor as executors
    from pipeline import redact_stage
    from pipeline.state import State
    from publication import select
    from records import load_exports
    from redaction import RULES_VERSION

    decisions = load_exports(sample_exports).decisions[:3]
    sel = select(decisions, TODAY)
    expected = redact_stage.redact_all(decisions, sel.slugs, State(tmp_path / "expected"), ends=sel.ends)

    def broken():
        raise BrokenProcessPool("a worker died")

    first = decisions[0]
    plan = [[(redact_stage._key(first, RULES_VERSION), first)]]
    ahead = redact_stage.SentAhead({first.id}, {}, plan, executors.Ahead(broken))
    got = redact_stage.redact_all(decisions, sel.slugs, State(tmp_path / "state"), ends=sel.ends, ahead=ahead)
    assert {i: (r.public.text_html, r.secrets) for i, r in got.items()} == {
        i: (r.public.text_html, r.secrets) for i, r in expected.items()}
    assert "预先发出的去除个人信息任务失败, 重新处理 1 份" in caplog.text
