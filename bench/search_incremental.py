#!/usr/bin/env python3
"""The search stage when ten decisions are published into a built site, old code against new.

    .venv/bin/python bench/search_incremental.py [--published STATE] [--work DIR] [--whoosh]

Reads the published decisions of a built site (default: the 10k benchmark's, ~6,950), then for
each code path builds the static index of all of them (cold), then of them plus ten new ones
and prints wall time, CPU time and peak memory above the loaded decisions (each step in a fresh
process), and how many files of `search/` differ from the build before (new, changed or gone:
what a build writes and the gate scans again, what an upload sends). "old" is the static index
of commit a5fdcfd (format 3, numbered newest first, no cache), read from git; "new" is this
tree's, with its analysis cache.

Two kinds of ten new decisions: "newest" (dated after every other: the usual case, a day's new
decisions) and "copies" (what bench/build.py adds: copies of existing decisions with new ids and
numbers, so their dates fall among the others). With --whoosh the whoosh index is built cold
(2 processes, as a build of this size does) and then updated for the ten newest.
Ratios matter, not seconds: the machine is shared.
"""
from __future__ import annotations

import argparse
import dataclasses
import importlib.util
import json
import os
import pickle
import resource
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OLD_COMMIT = "a5fdcfd"


def _peak_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _old_module(work: Path):
    path = work / "static_index_old.py"
    if not path.exists():
        path.write_bytes(subprocess.run(["git", "show", f"{OLD_COMMIT}:search/static_index.py"], cwd=ROOT,
                                        check=True, capture_output=True).stdout)
    spec = importlib.util.spec_from_file_location("static_index_old", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def new_decisions(decisions, kind: str) -> list:
    from publication.public import content_hash

    last = max(d.decided_on for d in decisions)
    out = []
    for i, d in enumerate(sorted(decisions, key=lambda d: d.id)[:10]):
        changes = dict(id=f"NEW-{i:04d}", slug=f"new-{i:04d}", decision_no=d.decision_no.replace("号", f"-新{i}号"))
        if kind == "newest":
            changes["decided_on"] = last + timedelta(days=1)
        new = dataclasses.replace(d, **changes)
        new.content_hash = content_hash(new)
        out.append(new)
    return out


def step(args) -> None:
    """Child process: one index build; prints JSON."""
    work = Path(args.work)
    decisions = pickle.loads((work / "decisions.pickle").read_bytes())
    if args.add:
        decisions = decisions + new_decisions(decisions, args.add)
    import gc

    gc.collect()
    Path("/proc/self/clear_refs").write_text("5")
    base = _peak_mib()
    t, c = time.perf_counter(), time.process_time()
    if args.which == "old":
        _old_module(work).build_static_index(decisions, Path(args.site))
    elif args.which == "new":
        from search.static_index import build_static_index

        build_static_index(decisions, Path(args.site), cache_dir=work / "cache")
    else:
        from search.whoosh_index import build_whoosh_index, put_in_place

        put_in_place(build_whoosh_index(decisions, work / "whoosh-state", procs=2))
    wall, cpu = time.perf_counter() - t, time.process_time() - c
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(json.dumps({"wall": wall, "cpu": cpu + children.ru_utime + children.ru_stime, "peak": _peak_mib() - base}))


def files(folder: Path) -> dict[str, bytes]:
    root = folder / "search"
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def changed(before: dict, after: dict) -> tuple[int, int, int]:
    """(files new or changed, of which docs, files gone)."""
    diff = [k for k, v in after.items() if before.get(k) != v]
    return len(diff), sum(k.startswith("docs/") for k in diff), len(set(before) - set(after))


def run(work: Path, which: str, site: Path, add: str = "") -> dict:
    cmd = [sys.executable, __file__, "--step", which, "--work", str(work), "--site", str(site)]
    if add:
        cmd += ["--add", add]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, cwd=ROOT).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--published", default="/tmp/bench-build10k/10000/state/published.json")
    ap.add_argument("--work", default=None)
    ap.add_argument("--whoosh", action="store_true")
    ap.add_argument("--step", choices=["old", "new", "whoosh"])
    ap.add_argument("--site")
    ap.add_argument("--add", default="")
    args = ap.parse_args()
    if args.step:
        args.which = args.step
        return step(args)
    work = Path(args.work or tempfile.mkdtemp(prefix="bench-search-incr-"))
    work.mkdir(parents=True, exist_ok=True)
    if not (work / "decisions.pickle").exists():
        from pipeline.state import public_from_plain, published_entries

        data = published_entries(Path(args.published))  # a --state folder, or published.json of an older one
        decisions = [public_from_plain(e["decision"]) for e in data.values()]
        (work / "decisions.pickle").write_bytes(pickle.dumps(decisions))
    count = len(pickle.loads((work / "decisions.pickle").read_bytes()))
    print(f"{count} published decisions; work folder {work}; load {os.getloadavg()[0]:.1f}")
    print(f"{'':34} {'wall s':>7} {'CPU s':>7} {'peak MiB':>8} {'files written':>13} {'(docs)':>6} {'gone':>5}")

    def show(label, r, before=None, after=None):
        extra = ""
        if after is not None:
            n, docs, gone = changed(before or {}, after)
            extra = f" {n:13d} {docs:6d} {gone:5d}"
        print(f"{label:34} {r['wall']:7.2f} {r['cpu']:7.2f} {r['peak']:8.0f}{extra}", flush=True)

    import shutil

    for which in ("old", "new"):
        shutil.rmtree(work / "cache", ignore_errors=True)
        cold = work / f"{which}-cold"
        shutil.rmtree(cold, ignore_errors=True)
        r = run(work, which, cold)
        base = files(cold)
        show(f"{which}: cold", r, {}, base)
        for add in ("newest", "copies"):
            site = work / f"{which}-{add}"
            shutil.rmtree(site, ignore_errors=True)
            r = run(work, which, site, add)
            show(f"{which}: + 10 new ({add})", r, base, files(site))
    if args.whoosh:
        shutil.rmtree(work / "whoosh-state", ignore_errors=True)
        show("whoosh: cold (2 processes)", run(work, "whoosh", work / "unused"))
        show("whoosh: + 10 new (newest), in place", run(work, "whoosh", work / "unused", "newest"))


if __name__ == "__main__":
    main()
