#!/usr/bin/env python3
"""Publish ten new decisions into a built site, again and again, with one or more versions of the code.

    python bench/ten_new.py --base DIR --code WORKTREE [WORKTREE ...] [--runs 3]

DIR holds `exports/`, and `out/` and `state/` as a build of those exports left them (`--today`
2026-11-25). Each version of the code gets a site of its own (the render keys hold the code, so
versions cannot take turns on one site): a copy of the exports, of the site (hard links: render
keys and the gate trust inodes) and of the state, and one build with nothing new (a copied
site's folders are new folders, which the progress stage does not trust). Then each run adds ten
new decisions to every site, as a daily run gets them (`bench/build.py`'s `add_new_decisions`,
with numbers of their own each run), and times each version's build in turn: wall and CPU, its
stages (--state/logs/last-build.json) and the time outside them. Medians per version at the end.

With --first-in-place the first version builds in DIR itself, as a cold build left it (no copy,
no settling build): before fc6d6a8 a build after one that could not trust the copied progress
folder never trusted it again, so a copied site measured that code with every progress file
sealed and linked again on every build. DIR's exports and site change.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent  # the checkout this script is in (its bench.build)
sys.path.insert(0, str(ROOT))
from bench.build import ENV, TODAY, add_new_decisions  # noqa: E402

PY = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv").exists() else sys.executable
# stages timed inside "render" (they run in Pelican) or in a forked child (the gate's, its listing of the site): not added again to the top-level sum
NESTED = {"pages", "progress", "search", "stats", "gate secrets", "gate child start", "site listing"}


def _run(code: Path, base: Path, work: Path, drop_caches: bool = False) -> dict:
    """One build of base/exports into work/out with work/state, by the code in `code`; with
    `drop_caches`, from an empty page cache (as root: what a build a day later may find)."""
    cmd = [PY, "publish.py", "build", "--exports", str(base / "exports"), "--output", str(work / "out"),
           "--state", str(work / "state"), "--today", TODAY]
    os.sync()  # untimed: what the runs before wrote is not written back during this one (bench/build.py)
    if drop_caches:
        Path("/proc/sys/vm/drop_caches").write_text("3\n")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall = time.perf_counter()
    subprocess.run(cmd, cwd=code, check=True, stdout=subprocess.DEVNULL, env=ENV)  # bytecode kept (bench/build.py)
    wall = time.perf_counter() - wall
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    figures = json.loads((work / "state" / "logs" / "last-build.json").read_text())
    stages = figures["timings"]
    cpu += figures.get("pool_workers", {}).get("cpu", 0.0)
    top = {k: v for k, v in stages.items() if k not in NESTED}
    return {"wall": wall, "cpu": cpu, "stages": stages,
            "outside_wall": wall - sum(v["wall"] for v in top.values()),
            "outside_cpu": cpu - sum(v["cpu"] for v in top.values()),
            "load": os.getloadavg()[0]}


def _stage(run: dict, name: str) -> str:
    """A stage's wall time in a run, as printed ("-" when the build had no such stage)."""
    stage = run["stages"].get(name)
    return f"{stage['wall']:.2f}" if stage else "-"


def prepare(code: Path, base: Path, site: Path) -> None:
    shutil.rmtree(site, ignore_errors=True)
    site.mkdir(parents=True)
    subprocess.run(["cp", "-a", str(base / "exports"), str(site / "exports")], check=True)
    subprocess.run(["cp", "-al", str(base / "out"), str(site / "out")], check=True)
    subprocess.run(["cp", "-a", str(base / "state"), str(site / "state")], check=True)
    _run(code, site, site)  # settle: the copied folders become the site online


def add_ten(exports: Path, run: int, people: str) -> None:
    """`add_new_decisions` with ids and decision numbers of this run's own."""
    import yaml

    tag = f"NEW{run}"
    add_new_decisions(exports, tag=tag, people=people)
    for path in sorted((exports / "penalty" / tag.lower()).glob("*.yaml")):
        record = yaml.safe_load(path.read_text(encoding="utf-8"))
        record["decision_no"] = record["decision_no"].replace("-新", f"-{tag}新")
        path.write_text(yaml.safe_dump(record, allow_unicode=True, sort_keys=False), encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--base", type=Path, required=True)
    ap.add_argument("--code", type=Path, nargs="+", default=[ROOT])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--work", type=Path, default=None)
    ap.add_argument("--first-in-place", action="store_true", help="the first --code builds in --base itself")
    ap.add_argument("--again", type=int, default=0, metavar="N",
                    help="more runs on the sites of an earlier call that made N runs (no copying, no settling)")
    ap.add_argument("--drop-caches", action="store_true",
                    help="empty the page cache before each timed build (root): cold disk caches, as a daily build may find them")
    ap.add_argument("--people", choices=("new", "copies"), default="new",
                    help="the ten new decisions' people (bench/build.py's add_new_decisions)")
    args = ap.parse_args()
    work = args.work or args.base.parent / (args.base.name + "-work")
    results: dict[Path, list[dict]] = {c: [] for c in args.code}
    sites = {code: work / f"site{k}" for k, code in enumerate(args.code)}
    for code, site in sites.items():
        if args.again or (args.first_in_place and code == args.code[0]):
            continue
        prepare(code.resolve(), args.base, site)
    if args.first_in_place:
        sites[args.code[0]] = args.base
    for i in range(args.runs):
        for code, site in sites.items():
            add_ten(site / "exports", args.again + i + 1, args.people)
            r = _run(code.resolve(), site, site, args.drop_caches)
            results[code].append(r)
            print(f"{code} run {args.again + i + 1}: wall {r['wall']:.2f} s, CPU {r['cpu']:.2f} s, outside {r['outside_wall']:.2f}/"
                  f"{r['outside_cpu']:.2f} s, load {r['load']:.1f}; gate {_stage(r, 'gate')} s, its child "
                  f"{_stage(r, 'gate secrets')} s", flush=True)
    for code, runs in results.items():
        loads = ", ".join(f"{r['load']:.1f}" for r in runs)
        print(f"\n{code}: median of {len(runs)} (wall / CPU, s); load {loads}")
        names = list(runs[0]["stages"])
        for name in names:
            w = statistics.median(r["stages"].get(name, {}).get("wall", 0.0) for r in runs)
            c = statistics.median(r["stages"].get(name, {}).get("cpu", 0.0) for r in runs)
            print(f"  {name:<18} {w:6.2f} {c:6.2f}")
        for key in ("outside", ""):
            w = statistics.median(r[f"{key}_wall" if key else "wall"] for r in runs)
            c = statistics.median(r[f"{key}_cpu" if key else "cpu"] for r in runs)
            print(f"  {key or 'total':<18} {w:6.2f} {c:6.2f}")


if __name__ == "__main__":
    main()
