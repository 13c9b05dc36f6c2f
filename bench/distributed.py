#!/usr/bin/env python3
"""Distributed build benchmark: this machine's process pool against a Dask `LocalCluster`.

    .venv/bin/python bench/distributed.py --decisions 1000 10000 [--shards 2 8 32] [--workdir DIR]
    .venv/bin/python bench/distributed.py --index --decisions 1000 10000 [--shards 2 8 32]

For each N (generated with `publish.py sample --count N`) it prints, for cold builds (fresh
--state, so every record is redacted):

- `local`: `--executor local` (the process pool of this machine, 2 processes);
- `dask 1w` and `dask 2w`: a LocalCluster of 1 and of 2 worker processes (1 thread each), with
  the default shard count (4 per worker);
- then, with 2 workers, the redaction stage alone for each `--shards` count.

Columns: build wall time (without starting the cluster), the redact stage's wall time, the staff
process's peak memory, and the peak resident memory of each worker. Every configuration runs in
a fresh process with a fresh cluster, so peaks are its own. The machine is shared: compare
ratios within one run.

With `--index`, the search stage alone on the published decisions of N generated penalties
(masked crudely as in bench/search.py, no redaction: the index stage is what is measured), both
indexes built from nothing: `one process` (no executor: the static index in one part, whoosh in
one process), `local pool 2`, `dask 1w`, `dask 2w` (shards: two per worker), then 2 workers with
each `--shards` count. Columns: the static index and the whoosh index wall times, the staff
process's peak, each worker's peak (Dask: `client.run` on the worker; local pool: the largest
child), and the sizes of both indexes.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import os
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
    import resource

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
        child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        result["workers_mib"] = [child] if config["workers"] < 0 else []
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


def run_one(config: dict) -> dict:
    """One configuration in this (fresh) process: {"wall", "redact", "workers_mib", ...}."""
    if config.get("index"):
        return run_index(config)
    from pipeline import BuildOptions, build
    from pipeline.executor import DaskExecutor

    exports, work = Path(config["exports"]), Path(config["work"])
    shutil.rmtree(work, ignore_errors=True)
    result: dict = {}
    if config["workers"] == 0:
        start = time.perf_counter()
        report = build(BuildOptions(exports=exports, output=work / "out", state=work / "state",
                                    today=date.fromisoformat(TODAY), executor="local"))
        result.update(wall=time.perf_counter() - start, redact=report.timings["redact"]["wall"], workers_mib=[],
                      leaks=len(report.leaks))
        return result
    with local_cluster(config["workers"], result) as client:
        executor = DaskExecutor(client=client)
        start = time.perf_counter()
        if config["redact_only"]:
            from pipeline.redact_stage import redact_all
            from pipeline.state import State
            from publication import select
            from records import load_exports

            loaded = load_exports(exports)
            sel = select(loaded.decisions, date.fromisoformat(TODAY))
            redact_all(loaded.decisions, sel.slugs, State(work / "state"), ends=sel.ends, executor=executor,
                       shards=config["shards"])
            result["wall"] = time.perf_counter() - start
            result["redact"] = result["wall"]
        else:
            report = build(BuildOptions(exports=exports, output=work / "out", state=work / "state",
                                        today=date.fromisoformat(TODAY), executor=executor, shards=config["shards"]))
            result["leaks"] = len(report.leaks)  # a leak stops the swap, after every stage ran
            result["wall"] = time.perf_counter() - start
            result["redact"] = report.timings["redact"]["wall"]
        result["workers_mib"] = sorted(client.run(_worker_peak_mib).values())
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
        return f"{label:<22} {r['error']}"
    workers = " ".join(f"{m:.0f}" for m in r["workers_mib"]) or "-"
    return (f"{label:<22} {r['wall']:>8.1f} {r['redact']:>8.1f} {r.get('cluster_start', 0):>8.1f} "
            f"{r['staff_mib']:>9.0f}   {workers}" + (f"   (gate: {r['leaks']} leaks, not swapped in)" if r.get("leaks") else ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--decisions", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--shards", type=int, nargs="*", default=[2, 8, 32])
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/bench-distributed"))
    parser.add_argument("--skip", nargs="*", default=[], help="configurations to leave out: local 1w 2w (one)")
    parser.add_argument("--index", action="store_true", help="the search indexes alone, per shard (see above)")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(json.loads(args.one))), flush=True)
        return
    print(f"{os.cpu_count()} CPUs; times in s, memory in MiB (peak resident); load {os.getloadavg()[0]:.1f}")
    if args.index:
        index_bench(args)
        return
    for n in args.decisions:
        exports = args.workdir / f"exports-{n}"
        if not exports.is_dir():
            subprocess.run([sys.executable, str(ROOT / "publish.py"), "sample", "--count", str(n), "--output", str(exports),
                            "--today", TODAY], check=True, stdout=subprocess.DEVNULL)
        print(f"\n== {n} decisions (cold builds: every record redacted)")
        print(f"{'configuration':<22} {'build':>8} {'redact':>8} {'cluster':>8} {'staff':>9}   workers")
        base = {"exports": str(exports), "shards": None, "redact_only": False}
        plan = [("local", "local (2 processes)", 0), ("1w", "dask 1 worker", 1), ("2w", "dask 2 workers", 2)]
        for name, label, workers in plan:
            if name in args.skip:
                continue
            r = measured({**base, "workers": workers, "work": str(args.workdir / f"run-{n}-{name}")})
            print(row(label, r), flush=True)
        for shards in args.shards:
            r = measured({**base, "workers": 2, "shards": shards, "redact_only": True,
                          "work": str(args.workdir / f"run-{n}-shards{shards}")})
            print(row(f"2 workers, {shards} shards*", r), flush=True)
        print("* redaction stage only (load, select, then redact every record on the cluster)")


if __name__ == "__main__":
    main()
