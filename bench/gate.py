#!/usr/bin/env python3
"""Leak-gate benchmark: the gate stage alone, on a first build and on publishing 10 new decisions.

    .venv/bin/python bench/gate.py --decisions 10000 [--workdir /tmp/bench-gate] [--old TREE]

It builds a site from generated exports (seed 7; or --exports DIR, copied), adds 10 new
decisions with new ids and builds again, and keeps, for both builds, a hard-linked copy of the
staging folder as the gate saw it with the gate's inputs (secrets, files linked unchanged). Then,
each in a fresh process, with this code and with the code in TREE (e.g. the commit before, from
`git worktree add /tmp/old HEAD~3`), it runs `pipeline._gate`:

- cold: the first site, no gate memory;
- 10 new: the second site after the first one's gate memory was saved (ten new decisions with
  people of their own, as bench/build.py makes them: their secrets are looked for in every line
  the first gate stored);
- 10 new + 300 secrets: the same with 300 personal strings no gate knew (ten new parties' names,
  IDs, phones and addresses): they must be looked for in every page linked unchanged.

It prints wall, CPU and peak memory of each: the gate stage, with numpy and the redaction
package already loaded as a build has them (peak memory: the whole process; added: that peak less
what the process held when the gate began, its inputs loaded).
A kept copy is reused by the next run (--fresh builds again). Ratios matter: the machine is shared.
With --drop-caches (root) the kernel's page cache is emptied before each measured gate, as a
daily run started by cron may find it: the gate then reads the site from the disk.
"""
from __future__ import annotations

import argparse
import json
import os
import pickle
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
TODAY = "2026-11-25"


def capture(exports: Path, output: Path, state: Path, snap: Path) -> None:
    """One build of this code whose gate also keeps its staging folder (hard links) and inputs."""
    code = f"""
import pickle, subprocess, sys
from datetime import date
from pathlib import Path
sys.path.insert(0, {str(ROOT)!r})
import pipeline
real = pipeline._gate
def gate(staging, secrets, kept, state, *args, **kwargs):
    subprocess.run(["rm", "-rf", {str(snap)!r}])
    subprocess.run(["cp", "-al", str(staging), {str(snap)!r}], check=True)
    with open({str(snap)!r} + ".pickle", "wb") as f:
        pickle.dump((secrets, set(kept)), f)
    return real(staging, secrets, kept, state, *args, **kwargs)
pipeline._gate = gate
r = pipeline.build(pipeline.BuildOptions(exports=Path({str(exports)!r}), output=Path({str(output)!r}),
                                         state=Path({str(state)!r}), today=date.fromisoformat({TODAY!r})))
assert r.swapped and not r.leaks, (r.problems[:3], [str(l) for l in r.leaks[:3]])
"""
    subprocess.run([PY, "-c", code], check=True)


def add_new(exports: Path, count: int = 10) -> None:
    """Ten new penalties, made as bench/build.py makes the daily batch (its add_new_decisions)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from build import add_new_decisions

    add_new_decisions(exports, count, tag="GATE")


def new_secrets(n_records: int = 10, per_record: int = 30) -> dict[str, list[str]]:
    """Personal strings no build knew: names, IDs, mobiles, addresses (seeded)."""
    rnd = random.Random(20261125)
    surnames, given = "鞠甄隗宓缑闫", "翀珝琤昉煜翊淏璟彧珺"
    out = {}
    for r in range(n_records):
        values = []
        for _ in range(per_record // 5):
            values.append(rnd.choice(surnames) + "".join(rnd.choice(given) for _ in range(2)))
            values.append("".join(rnd.choice("0123456789") for _ in range(17)) + "X")
            values.append("19" + "".join(rnd.choice("0123456789") for _ in range(9)))
            values.append(f"闸测县{rnd.choice(given)}{rnd.choice(given)}路{rnd.randint(1, 999)}号")
            values.append(f"{rnd.choice(surnames)}{rnd.choice(given)}")
        out[f"bench (id=SECRET-{r})"] = values
    return out


RUN = """
import json, os, pickle, resource, sys, time
from pathlib import Path
tree, site, inputs, state, mode = sys.argv[1:6]
sys.path.insert(0, tree)
import numpy, redaction  # a build has them loaded before its gate (redaction stage, search index)
from pipeline import _gate
from pipeline.state import State
with open(inputs, "rb") as f:
    secrets, kept = pickle.load(f)
if mode == "cold":
    kept = set()
if mode == "new-secrets":
    with open(sys.argv[6], "rb") as f:
        secrets = {**secrets, **pickle.load(f)}
state_ = State(state)
def rss():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
import gc
gc.collect()
before = rss()
t, c = time.perf_counter(), time.process_time()
leaks, memory = _gate(Path(site), secrets, set(kept), state_)
wall, cpu = time.perf_counter() - t, time.process_time() - c
if mode == "cold":
    state_.save_gate_memory(memory)
print(json.dumps({"wall": wall, "cpu": cpu, "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "added_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 - before, "leaks": len(leaks), "files": len(kept)}))
"""


def measure(tree: Path, site: Path, inputs: Path, state: Path, mode: str, extra: Path, drop: bool = False) -> dict:
    if drop:
        os.sync()
        Path("/proc/sys/vm/drop_caches").write_text("3\n")
    out = subprocess.run([PY, "-c", RUN, str(tree), str(site), str(inputs), str(state), mode, str(extra)],
                         capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(f"{tree} {mode}: {out.stderr.strip()[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--decisions", type=int, default=10000)
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/bench-gate"))
    ap.add_argument("--exports", type=Path, help="exports to copy instead of generating them")
    ap.add_argument("--old", type=Path, help="another code tree to measure in the same run")
    ap.add_argument("--fresh", action="store_true", help="build the two sites again")
    ap.add_argument("--drop-caches", action="store_true", help="empty the page cache before each gate (root)")
    args = ap.parse_args()
    if args.drop_caches and not os.access("/proc/sys/vm/drop_caches", os.W_OK):
        sys.exit("bench/gate.py: --drop-caches needs to write /proc/sys/vm/drop_caches (root)")
    work = args.workdir / str(args.decisions)
    exports, cold, new = work / "exports", work / "site-cold", work / "site-new"
    if args.fresh or not (new.is_dir() and Path(f"{new}.pickle").is_file()):
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
        if args.exports:
            shutil.copytree(args.exports, exports)
        else:
            subprocess.run([PY, str(ROOT / "publish.py"), "sample", "--count", str(args.decisions), "--output",
                            str(exports), "--seed", "7"], check=True, stdout=subprocess.DEVNULL)
        t = time.perf_counter()
        capture(exports, work / "output", work / "state", cold)
        add_new(exports)
        capture(exports, work / "output", work / "state", new)
        print(f"built the two sites in {time.perf_counter() - t:.0f} s")
    files = sum(1 for _ in cold.rglob("*"))
    extra = work / "new-secrets.pickle"
    extra.write_bytes(pickle.dumps(new_secrets()))
    print(f"== gate stage, {args.decisions} decisions ({files} files and folders)"
          f"{', page cache emptied before each' if args.drop_caches else ''} ==")
    trees = [("this code", ROOT)] + ([("old: " + str(args.old), args.old)] if args.old else [])
    for name, tree in trees:
        state = work / f"gate-state-{abs(hash(str(tree)))}"
        shutil.rmtree(state, ignore_errors=True)
        for label, site, mode in (("cold", cold, "cold"), ("10 new", new, "new"),
                                  ("10 new + 300 secrets", new, "new-secrets")):
            m = measure(tree, site, Path(f"{site}.pickle"), state, mode, extra, args.drop_caches)
            print(f"{name:<28} {label:<22} {m['wall']:7.2f} s wall {m['cpu']:7.2f} s CPU {m['peak_mib']:6.0f} MiB peak"
                  f" {m.get('added_mib', float('nan')):6.0f} MiB added by the gate  leaks {m['leaks']}")
        shutil.rmtree(state, ignore_errors=True)


if __name__ == "__main__":
    main()
