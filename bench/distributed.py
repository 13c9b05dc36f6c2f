#!/usr/bin/env python3
"""Distributed build benchmark: one process, this machine's pool and a Dask `LocalCluster`.

    .venv/bin/python bench/distributed.py --decisions 10000 [--exports DIR] [--shards 2 8 32] [--workdir DIR]
    .venv/bin/python bench/distributed.py --exports DIR --warm-from STATE [--skip ...]
    .venv/bin/python bench/distributed.py --pages --decisions 10000 [--exports DIR]
    .venv/bin/python bench/distributed.py --index --decisions 1000 10000 [--shards 2 8 32]

Full builds (default). For each N (the exports of `--exports`, or `publish.py sample --count N`)
a first build fills the content-addressed caches (redaction, charts, statistics shards) and the
progress derivations, which are paid once per record and measured elsewhere (bench/redaction.py,
bench/progress.py). Then every configuration makes a full build into a fresh output and a fresh
--state (seeded only with the progress secret and its derivations, and given the warm content
caches): every export parsed and validated, every decision page, listing, feed and sitemap
rendered, both search indexes and the statistics summaries made from nothing (only redactions and
charts come from the cache), progress files sealed, the gate over the whole site.

- `one process`: the default local build (no shards: pages and indexes in this process);
- `local pool 2, 8 shards`: this machine's 2 processes (`--shards 8`), pages written into the
  staging folder by the pool;
- `dask 1 worker` and `dask 2 workers`: a LocalCluster of 1 and of 2 worker processes (1 thread
  each), default shard count (4 per worker); pages come back as bytes;
- then 2 workers with each `--shards` count.

Columns: build wall time (without starting the cluster), the stages that go to the executor
(decision pages, search, statistics) and the gate, the staff process's peak memory, each worker's peak.

`--pages`: the decision pages alone (from the last full build's published decisions), rendered in
this process, by the local pool of 2 writing into the staging folder, by the pool sending bytes
back, and by 2 Dask workers sending bytes back: what the choice of bytes or a shared folder costs.

`--index`: the search stage alone on the published decisions of N generated penalties
(masked crudely as in bench/search.py, no redaction: the index stage is what is measured), both
indexes built from nothing: `one process` (no executor: the static index in one part, whoosh in
one process), `local pool 2`, `dask 1w`, `dask 2w` (shards: two per worker), then 2 workers with
each `--shards` count. Columns: the static index and the whoosh index wall times, the staff
process's peak, each worker's peak (Dask: `client.run` on the worker; local pool: the largest
child), and the sizes of both indexes.

Every configuration runs in a fresh process with a fresh cluster, so peaks are its own. The
machine is shared: compare ratios within one run (the load average is printed).
"""
from __future__ import annotations

import argparse
import contextlib
import json
import os
import pickle
import resource
import shutil
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# this file is named like the `distributed` package: keep its folder off the import path
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(ROOT))
TODAY = "2026-11-25"


def _worker_peak_mib() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _pool_peak_mib() -> float:
    """The largest local pool worker so far: its workers are children of a forkserver, not of
    this process, so they report their peak with each result (pipeline.timing)."""
    from pipeline.timing import worker_usage

    return max(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, worker_usage()["peak_kib"]) / 1024


def _size_mib(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 2**20


@contextlib.contextmanager
def local_cluster(workers: int, result: dict):
    """A Dask LocalCluster of `workers` single-threaded processes; its start-up time goes in `result`."""
    from distributed import Client, LocalCluster

    start = time.perf_counter()
    with LocalCluster(n_workers=workers, processes=True, threads_per_worker=1, dashboard_address=None,
                      memory_limit=0) as cluster, Client(cluster, set_as_default=False) as client:
        client.wait_for_workers(workers)
        result["cluster_start"] = time.perf_counter() - start
        yield client


def run_index(config: dict) -> dict:
    """The search stage of one configuration in this (fresh) process."""
    import pickle

    from pipeline.executor import DaskExecutor, LocalExecutor
    from search.static_index import build_static_index
    from search.whoosh_index import build_whoosh_index

    work = Path(config["work"])
    shutil.rmtree(work, ignore_errors=True)
    decisions = pickle.loads(Path(config["decisions"]).read_bytes())
    result: dict = {"decisions": len(decisions)}

    def measure(executor) -> None:
        start = time.perf_counter()
        build_static_index(decisions, work / "site", executor, config["shards"])
        result["static"] = time.perf_counter() - start
        start = time.perf_counter()
        staging = build_whoosh_index(decisions, work / "state", executor=executor, shards=config["shards"])
        result["whoosh"] = time.perf_counter() - start
        result["static_mib"] = _size_mib(work / "site" / "search")
        result["whoosh_mib"] = _size_mib(staging)

    if config["workers"] <= 0:
        measure(LocalExecutor(2) if config["workers"] < 0 else None)
        result["workers_mib"] = [_pool_peak_mib()] if config["workers"] < 0 else []
        return result
    with local_cluster(config["workers"], result) as client:
        measure(DaskExecutor(client=client))
        result["workers_mib"] = sorted(client.run(_worker_peak_mib).values())
    return result


def index_row(label: str, r: dict) -> str:
    if "error" in r:
        return f"{label:<24} {r['error']}"
    workers = " ".join(f"{m:.0f}" for m in r["workers_mib"]) or "-"
    return (f"{label:<24} {r['static']:>8.1f} {r['whoosh']:>8.1f} {r['static'] + r['whoosh']:>8.1f} "
            f"{r['staff_mib']:>7.0f}   {workers:<10} {r['static_mib']:>7.1f} {r['whoosh_mib']:>7.1f}")


def index_bench(args) -> None:
    import pickle

    from search.sample_site import sample_decisions

    for n in args.decisions:
        exports = args.workdir / f"exports-{n}"
        if not exports.is_dir():
            subprocess.run([sys.executable, str(ROOT / "publish.py"), "sample", "--count", str(n), "--output", str(exports),
                            "--today", TODAY], check=True, stdout=subprocess.DEVNULL)
        data = args.workdir / f"public-{n}.pickle"
        if not data.exists():
            decisions, _ = sample_decisions(exports, date.fromisoformat(TODAY))
            data.write_bytes(pickle.dumps(decisions, protocol=pickle.HIGHEST_PROTOCOL))
        count = len(pickle.loads(data.read_bytes()))
        print(f"\n== search indexes of {count} published decisions ({n} generated penalties), from nothing")
        print(f"{'configuration':<24} {'static':>8} {'whoosh':>8} {'both':>8} {'staff':>7}   {'workers':<10} "
              f"{'static':>7} {'whoosh':>7}")
        print(f"{'':<24} {'s':>8} {'s':>8} {'s':>8} {'MiB':>7}   {'MiB':<10} {'MiB':>7} {'MiB':>7}")
        base = {"decisions": str(data), "shards": None, "index": True}
        plan = [("one", "one process", 0), ("local", "local pool 2", -1), ("1w", "dask 1 worker", 1),
                ("2w", "dask 2 workers", 2)]
        for name, label, workers in plan:
            if name in args.skip:
                continue
            r = measured({**base, "workers": workers, "work": str(args.workdir / f"index-{n}-{name}")})
            print(index_row(label, r), flush=True)
        for shards in args.shards:
            r = measured({**base, "workers": 2, "shards": shards, "work": str(args.workdir / f"index-{n}-s{shards}")})
            print(index_row(f"dask 2 workers, {shards} shards", r), flush=True)


# what a measured build finds in its cache folder: the redactions and the charts (paid once per
# record or per distinct chart, measured elsewhere); not the search postings or the statistics
# summaries, which a full build makes (on the workers, when there are some)
WARM_CACHES = ("redaction", "charts")


def _options(config: dict, executor, shards):
    from pipeline import BuildOptions

    work = Path(config["work"])
    cache = work / "cache" if config.get("fresh_cache") else Path(config["cache"])
    return BuildOptions(exports=Path(config["exports"]), output=work / "out", state=work / "state",
                        today=date.fromisoformat(TODAY), executor=executor, shards=shards, cache_dir=cache)


def _seed(config: dict) -> None:
    """A fresh --state with only the progress secret and its derivations (paid once per record),
    and a cache folder with only WARM_CACHES (hard links to the warm-up's)."""
    work = Path(config["work"])
    shutil.rmtree(work, ignore_errors=True)
    seed = Path(config["seed"])
    if seed.is_dir():
        shutil.copytree(seed, work / "state" / "progress")
    if config.get("fresh_cache"):
        (work / "cache").mkdir(parents=True)
        for name in WARM_CACHES:
            if (Path(config["cache"]) / name).is_dir():
                subprocess.run(["cp", "-al", str(Path(config["cache"]) / name), str(work / "cache" / name)], check=True)


def _stage(report, name: str) -> float:
    return report.timings.get(name, {}).get("wall", 0.0)


def run_one(config: dict) -> dict:
    """One full build in this (fresh) process: {"wall", "pages", "search", "gate", "workers_mib", ...}."""
    if config.get("index"):
        return run_index(config)
    if config.get("pages"):
        return run_pages(config)
    from pipeline import build
    from pipeline.executor import DaskExecutor

    _seed(config)
    result: dict = {}

    def measure(executor) -> None:
        start = time.perf_counter()
        report = build(_options(config, executor, config["shards"]))
        result.update(wall=time.perf_counter() - start, pages=_stage(report, "pages"), search=_stage(report, "search"),
                      stats=_stage(report, "stats"), gate=_stage(report, "gate"), redact=_stage(report, "redact"), leaks=len(report.leaks),
                      published=report.published)

    if config["workers"] <= 0:
        measure("local")
        result["workers_mib"] = [_pool_peak_mib()] if config["shards"] else []
        return result
    with local_cluster(config["workers"], result) as client:
        measure(DaskExecutor(client=client))
        result["workers_mib"] = sorted(client.run(_worker_peak_mib).values())
    return result


def _page_jobs(state: Path):
    """The decision pages of a built site, as the build's generator hands them out (no reuse)."""
    from pipeline.render import pelican_settings
    from pipeline.state import public_from_plain, published_entries
    from portal import listings
    from portal.decisions import shard_of
    from portal.writing import page_settings
    from search.similar import similar_decisions

    entries = published_entries(state)
    published = listings.newest_first([public_from_plain(e["decision"]) for e in entries.values()])
    rows = {r.slug: r for r in listings.summarise(published)}
    similar = similar_decisions(published)
    jobs = [(shard_of(d), f"{d.url}index.html", "decision", None,
             dict(decision=d, similar=[rows[o.slug] for o in similar.get(d.id, [])],
                  reviewed_by=[rows[s] for s in d.reviewed_by if s in rows],
                  reviews=rows.get(d.reviews) if d.reviews else None, noindex=d.names_natural_person))
            for d in published]
    return jobs, page_settings(pelican_settings(state.parent / "pages", None))


def run_pages(config: dict) -> dict:
    """The decision pages alone, by one route: 'here', 'pool-folder', 'pool-bytes' or 'dask-bytes'."""
    from pipeline import shards as sharding
    from pipeline.executor import DaskExecutor, LocalExecutor
    from portal.writing import render_jobs, write_bytes

    jobs, settings = _page_jobs(Path(config["state"]))
    site = Path(config["work"])
    shutil.rmtree(site, ignore_errors=True)
    site.mkdir(parents=True)
    result: dict = {"pages_count": len(jobs)}
    route = config["route"]
    planned = sharding.plan(jobs, lambda j: j[0], 8)
    tasks = [{"settings": settings, "jobs": [j[1:3] + j[4:] for j in shard],
              "write_to": str(site) if route == "pool-folder" else None} for shard in planned]
    received = [0]

    def done(_, pages):
        for relative, data in pages:
            if data is not None:
                received[0] += len(data)
                write_bytes(site, relative, data)

    start = time.perf_counter()
    if route == "here":
        done(0, render_jobs(settings, [j[1:3] + j[4:] for j in jobs]))
        result["wall"] = time.perf_counter() - start
        result["workers_mib"] = []
    elif route.startswith("pool"):
        LocalExecutor(2).map(sharding.render_shard, tasks, done)
        result["wall"] = time.perf_counter() - start
        result["workers_mib"] = [_pool_peak_mib()]
    else:
        with local_cluster(2, result) as client:
            start = time.perf_counter()
            DaskExecutor(client=client).map(sharding.render_shard, tasks, done)
            result["wall"] = time.perf_counter() - start
            result["workers_mib"] = sorted(client.run(_worker_peak_mib).values())
    result["sent_mib"] = len(pickle.dumps(tasks, protocol=pickle.HIGHEST_PROTOCOL)) / 2**20
    result["received_mib"] = received[0] / 2**20
    result["site_mib"] = _size_mib(site)
    return result


def measured(config: dict) -> dict:
    """Run one configuration in a child process; add its own peak memory (the staff side)."""
    log = Path(config["work"] + ".log")
    with open(log, "wb") as err:
        proc = subprocess.Popen([sys.executable, __file__, "--one", json.dumps(config)], stdout=subprocess.PIPE,
                                stderr=err)
        out = proc.stdout.read()
        _, status, usage = os.wait4(proc.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        lines = [x for x in log.read_text(errors="replace").splitlines() if x.strip() and not x.startswith(" ")]
        return {"error": f"exit {os.waitstatus_to_exitcode(status)}: {lines[-1] if lines else ''} (see {log})"}
    result = json.loads(out.decode().strip().splitlines()[-1])
    result["staff_mib"] = usage.ru_maxrss / 1024  # the largest of the process and its children
    return result


def row(label: str, r: dict) -> str:
    if "error" in r:
        return f"{label:<26} {r['error']}"
    workers = " ".join(f"{m:.0f}" for m in r["workers_mib"]) or "-"
    return (f"{label:<26} {r['wall']:>7.1f} {r['pages']:>7.1f} {r['search']:>7.1f} {r['stats']:>7.1f} {r['gate']:>7.1f} "
            f"{r.get('cluster_start', 0):>8.1f} {r['staff_mib']:>7.0f}   {workers}"
            + (f"   (gate: {r['leaks']} leaks, not swapped in)" if r.get("leaks") else ""))


def _exports(args, n: int) -> Path:
    if args.exports:
        return args.exports
    exports = args.workdir / f"exports-{n}"
    if not exports.is_dir():
        subprocess.run([sys.executable, str(ROOT / "publish.py"), "sample", "--count", str(n), "--output", str(exports),
                        "--today", TODAY], check=True, stdout=subprocess.DEVNULL)
    return exports


def _warm(args, n: int, exports: Path) -> dict:
    """The first build: fills the content caches and the progress derivations the others reuse.
    With --warm-from, the --state of a build of the same exports made elsewhere (bench/build.py's
    cold build, say) gives them instead, and no warm-up build is made."""
    if args.warm_from:
        seed = args.workdir / f"seed-{n}"
        shutil.rmtree(seed, ignore_errors=True)
        shutil.copytree(args.warm_from / "progress", seed,
                        ignore=lambda folder, names: [x for x in names if x not in ("secret", "cache")])
        return {"exports": str(exports), "cache": str(args.warm_from / "cache"), "seed": str(seed), "shards": None}
    cache, warm = args.workdir / f"cache-{n}", args.workdir / f"warm-{n}"
    base = {"exports": str(exports), "cache": str(cache), "seed": str(args.workdir / f"seed-{n}"), "shards": None}
    if not (warm / "state" / "published" / "index.json").exists():
        print("warm-up build (fills the caches; not measured) ...", flush=True)
        r = measured({**base, "workers": 0, "work": str(warm)})
        if "error" in r:
            raise SystemExit(r["error"])
        shutil.rmtree(base["seed"], ignore_errors=True)
        shutil.copytree(warm / "state" / "progress", base["seed"],
                        ignore=lambda folder, names: [x for x in names if x not in ("secret", "cache")])
    return base


def pages_bench(args) -> None:
    for n in args.decisions:
        exports = _exports(args, n)
        base = _warm(args, n, exports)
        state = args.workdir / f"warm-{n}" / "state"
        print(f"\n== decision pages alone ({n} decisions exported), 8 shards")
        print(f"{'route':<30} {'wall':>7} {'sent':>7} {'back':>7} {'site':>7} {'staff':>7}   workers")
        print(f"{'':<30} {'s':>7} {'MiB':>7} {'MiB':>7} {'MiB':>7} {'MiB':>7}   MiB")
        for route, label in [("here", "this process"), ("pool-folder", "pool of 2, into staging"),
                             ("pool-bytes", "pool of 2, bytes back"), ("dask-bytes", "dask 2 workers, bytes back")]:
            r = measured({**base, "pages": True, "route": route, "state": str(state),
                          "work": str(args.workdir / f"pages-{n}-{route}")})
            if "error" in r:
                print(f"{label:<30} {r['error']}", flush=True)
                continue
            workers = " ".join(f"{m:.0f}" for m in r["workers_mib"]) or "-"
            print(f"{label:<30} {r['wall']:>7.1f} {r['sent_mib']:>7.1f} {r['received_mib']:>7.1f} {r['site_mib']:>7.1f} "
                  f"{r['staff_mib']:>7.0f}   {workers}   ({r['pages_count']} pages)", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--decisions", type=int, nargs="+", default=[10000])
    parser.add_argument("--exports", type=Path, help="exports to build (instead of generating --decisions)")
    parser.add_argument("--shards", type=int, nargs="*", default=[2, 8, 32])
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/bench-distributed"))
    parser.add_argument("--skip", nargs="*", default=[], help="configurations to leave out: one pool 1w 2w")
    parser.add_argument("--index", action="store_true", help="the search indexes alone, per shard (see above)")
    parser.add_argument("--pages", action="store_true", help="the decision pages alone, by route (see above)")
    parser.add_argument("--warm-from", type=Path, metavar="STATE",
                        help="take the warm caches and progress derivations from this --state of a build of the "
                             "same --exports (e.g. bench/build.py's) instead of a warm-up build")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(json.loads(args.one))), flush=True)
        return
    args.workdir.mkdir(parents=True, exist_ok=True)
    print(f"{os.cpu_count()} CPUs; times in s, memory in MiB (peak resident); load {os.getloadavg()[0]:.1f}", flush=True)
    if args.index:
        index_bench(args)
        return
    if args.pages:
        pages_bench(args)
        return
    for n in args.decisions:
        exports = _exports(args, n)
        base = _warm(args, n, exports)
        print(f"\n== full builds of {exports} (warm content caches, fresh output and --state)")
        print(f"{'configuration':<26} {'build':>7} {'pages':>7} {'search':>7} {'stats':>7} {'gate':>7} {'cluster':>8} {'staff':>7}   workers")
        plan = [("one", "one process", 0, None), ("pool", "local pool 2, 8 shards", 0, 8),
                ("1w", "dask 1 worker", 1, None), ("2w", "dask 2 workers", 2, None)]
        plan += [(f"s{s}", f"dask 2 workers, {s} shards", 2, s) for s in args.shards]
        for name, label, workers, shards in plan:
            if name in args.skip:
                continue
            r = measured({**base, "workers": workers, "shards": shards, "fresh_cache": True,
                          "work": str(args.workdir / f"run-{n}-{name}")})
            print(row(label, r), flush=True)
        print(f"load {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()
