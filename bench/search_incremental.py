#!/usr/bin/env python3
"""The search stage when ten decisions are published into a built site, the code of an earlier
commit against this tree's, in one run.

    .venv/bin/python bench/search_incremental.py [--published STATE] [--work DIR] [--count N]
                                                 [--before REV] [--whoosh] [--ballast MIB]

Reads the published decisions of a built site (default: the 10k benchmark's, ~6,950; `--count`
takes that many of them, by id), then for each code ("before": the static index of commit
`--before`, read from git; "after": this tree's) builds the static index of all of them as a
build does (into a new folder, with the build's `PageWriter` and the analysis cache, nothing
online: cold), then of them plus ten new ones into another folder with the cold one as the site
online and the render keys its build recorded (what `publish.py build` does). Each step runs in a
fresh process; it prints wall time, CPU time, peak memory above the loaded decisions, and how
many files of `search/` the build wrote (not linked from the site online: what the gate scans
again and an upload sends), how many of them have new bytes, and how many files went.

Two kinds of ten new decisions: "newest" (dated the day after every other: the usual case, a
day's new decisions) and "copies" (copies of existing decisions with new ids and numbers, so
their dates fall among the others).

With --whoosh: the whoosh index of the same decisions built cold with 2 processes (as a build of
this size does), by the code of `--before` and by this tree's, then updated in place for the ten
newest (this tree's). `--ballast` MiB are allocated and touched in the process first, to stand
for the build's process at the search stage (536 MiB at 10k), from which the old code forked
whoosh's writers; peaks count the process and every process it started (or had started).
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
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BEFORE = "e050300"  # the last commit before the segments (format 4)


def _peak_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _module(work: Path, rev: str, name: str):
    """search/<name>.py of commit `rev`, as a module of its own."""
    folder = work / f"search-{rev}"  # with the files it reads to know its own version
    folder.mkdir(exist_ok=True)
    for file in (name, "analysis", "document"):
        if not (folder / f"{file}.py").exists():
            (folder / f"{file}.py").write_bytes(subprocess.run(["git", "show", f"{rev}:search/{file}.py"], cwd=ROOT,
                                                               check=True, capture_output=True).stdout)
    path = folder / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"{name}_{rev}", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
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


def writer(site: Path, previous: Path | None, keys: dict):
    """The build's `PageWriter` writing into `site`, with `previous` as the site online and the
    render keys its build recorded."""
    from portal.writing import PageWriter

    out = object.__new__(PageWriter)
    out.settings, out.output_path, out.previous = {}, site, previous
    out.old_keys, out.new_keys, out.kept, out.kept_stamps = dict(keys), {}, set(), {}
    return out


def step(args) -> None:
    """Child process: one index build; prints JSON."""
    work = Path(args.work)
    decisions = pickle.loads((work / "decisions.pickle").read_bytes())
    if args.count:
        decisions = sorted(decisions, key=lambda d: d.id)[: args.count]
    if args.add:
        decisions = decisions + new_decisions(decisions, args.add)
    ballast = bytearray(args.ballast << 20)
    for i in range(0, len(ballast), 4096):
        ballast[i] = 1
    import gc

    gc.collect()
    Path("/proc/self/clear_refs").write_text("5")
    base = _peak_mib()
    site = Path(args.site)
    t, c = time.perf_counter(), time.process_time()
    from pipeline import timing

    if args.which in ("before", "after"):
        module = _module(work, args.rev, "static_index") if args.which == "before" else None
        if module is None:
            from search import static_index as module
        previous = Path(args.previous) if args.previous else None
        keys = pickle.loads(Path(args.keys).read_bytes()) if args.previous else {}
        out = writer(site, previous, keys)
        stats = module.build_static_index(decisions, site, cache_dir=Path(args.cache), out=out)
        (site.parent / f"{site.name}.keys").write_bytes(pickle.dumps(out.new_keys))
    else:
        module = _module(work, args.rev, "whoosh_index") if args.which == "whoosh-before" else None
        if module is None:
            from search import whoosh_index as module
        module.put_in_place(module.build_whoosh_index(decisions, Path(args.site), procs=2))
        stats = {}
    wall, cpu = time.perf_counter() - t, time.process_time() - c
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    workers = timing.worker_usage()
    peak = max(_peak_mib() - base, children.ru_maxrss / 1024, workers["peak_kib"] / 1024)
    apart = getattr(module, "last_apart", None) if args.which.startswith("whoosh") else None
    if apart:  # whoosh's writers ran in a spawned process: its own peak (its fork before exec counted this one's)
        peak = max(_peak_mib() - base, apart["process_kib"] / 1024, apart["writers_kib"] / 1024)
    print(json.dumps({"wall": wall, "cpu": cpu + children.ru_utime + children.ru_stime + workers["cpu"], "peak": peak,
                      "segments": stats.get("segments"), "made": stats.get("segments_made")}))


def files(folder: Path) -> dict[str, tuple[int, bytes]]:
    root = folder / "search"
    return {str(p.relative_to(root)): (p.stat().st_ino, p.read_bytes()) for p in root.rglob("*") if p.is_file()}


def changed(before: dict, after: dict) -> tuple[int, int, int]:
    """(files written, not linked; of which with bytes the site online did not have; files gone)."""
    written = [k for k, (ino, _) in after.items() if k not in before or before[k][0] != ino]
    new = [k for k in written if k not in before or before[k][1] != after[k][1]]
    return len(written), len(new), len(set(before) - set(after))


def run(work: Path, which: str, site: Path, args, add: str = "", previous: Path | None = None,
        cache: Path | None = None) -> dict:
    cmd = [sys.executable, __file__, "--step", which, "--work", str(work), "--site", str(site), "--rev", args.before,
           "--count", str(args.count), "--cache", str(cache or work / "cache")]
    if add:
        cmd += ["--add", add]
    if previous:
        cmd += ["--previous", str(previous), "--keys", str(previous.parent / f"{previous.name}.keys")]
    if which.startswith("whoosh"):
        cmd += ["--ballast", str(args.ballast)]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, cwd=ROOT).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--published", default="/tmp/bench-final/10000/state")
    ap.add_argument("--work", default=None)
    ap.add_argument("--count", type=int, default=0)
    ap.add_argument("--before", default=BEFORE)
    ap.add_argument("--whoosh", action="store_true")
    ap.add_argument("--no-static", action="store_true")
    ap.add_argument("--ballast", type=int, default=450)
    ap.add_argument("--step", choices=["before", "after", "whoosh-before", "whoosh-after"])
    ap.add_argument("--site")
    ap.add_argument("--add", default="")
    ap.add_argument("--previous")
    ap.add_argument("--keys")
    ap.add_argument("--cache")
    ap.add_argument("--rev", default=BEFORE)
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
    for name in ("static_index", "whoosh_index"):  # from git here, not in a measured step
        _module(work, args.before, name)
    count = args.count or len(pickle.loads((work / "decisions.pickle").read_bytes()))
    print(f"{count} published decisions; work folder {work}; before = {args.before}; load {os.getloadavg()[0]:.1f}")
    print(f"{'':34} {'wall s':>7} {'CPU s':>7} {'peak MiB':>8} {'written':>8} {'new bytes':>9} {'gone':>5}  segments")

    def show(label, r, before=None, after=None):
        extra = ""
        if after is not None:
            extra = "{:9d} {:9d} {:5d}".format(*changed(before or {}, after))
        seg = f"  {r['segments']} made {r['made']}" if r.get("segments") else ""
        print(f"{label:34} {r['wall']:7.2f} {r['cpu']:7.2f} {r['peak']:8.0f}{extra}{seg}", flush=True)

    if not args.no_static:
        for which in ("before", "after"):
            cache = work / f"cache-{which}"
            shutil.rmtree(cache, ignore_errors=True)
            cold = work / f"{which}-cold"
            shutil.rmtree(cold, ignore_errors=True)
            r = run(work, which, cold, args, cache=cache)
            base = files(cold)
            show(f"{which}: cold", r, {}, base)
            shutil.copytree(cache, work / f"cache-{which}-cold")
            for add in ("newest", "copies"):
                site = work / f"{which}-{add}"
                shutil.rmtree(site, ignore_errors=True)
                shutil.rmtree(cache)
                shutil.copytree(work / f"cache-{which}-cold", cache)
                r = run(work, which, site, args, add, previous=cold, cache=cache)
                show(f"{which}: + 10 new ({add})", r, base, files(site))
            shutil.rmtree(work / f"cache-{which}-cold")
    if args.whoosh:
        for which in ("before", "after"):
            state = work / f"whoosh-{which}"
            shutil.rmtree(state, ignore_errors=True)
            show(f"whoosh {which}: cold (2 processes)", run(work, f"whoosh-{which}", state, args))
        show("whoosh after: + 10 newest, in place", run(work, "whoosh-after", work / "whoosh-after", args, "newest"))


if __name__ == "__main__":
    main()
