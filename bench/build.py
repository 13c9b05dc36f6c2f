#!/usr/bin/env python3
"""Build benchmark: the portal against plain Pelican + Pagefind over the same decisions.

    .venv/bin/python bench/build.py --decisions 1000 10000 [--workdir /tmp/bench-build]

For each N it prints: a cold full build (wall, CPU, peak memory per stage: load, redact, render,
search, progress, stats, gate), publishing 10 new decisions into the built site (`--rounds` times,
ten more each time: the median counts, as one sample on a shared machine is weak; the new
decisions have people of their own, `--people copies` copies decisions the site has), a rebuild with
nothing changed, and, in the same run, the baseline: plain Pelican 4.12 (its default theme, no
plugins) over the same decisions as Markdown articles, then Pagefind over its output. The
baseline needs `pip install -r bench/requirements.txt` (Pagefind's extended binary from PyPI).
Ratios matter, not seconds: the machine is shared, and its load moves within minutes, so the
baseline runs once per round, each time just before the build it is compared with (after the
cold build for the cold ratio, then before each round of ten new): each ratio is of two runs
side by side, and ten new's is the median of the rounds' ratios. Peak memory is given twice: of the largest
single process (ru_maxrss), and of all the build's processes at once (the sum of their
proportional set sizes, sampled every 0.2 s: the build, the children it forks, the pool's
workers and their fork server; shared pages counted once).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import threading
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
TODAY = "2026-11-25"
# Builds run as on an installed machine, where Python keeps the bytecode of the modules it
# imports: this sandbox sets PYTHONDONTWRITEBYTECODE, which would make every build compile the
# project's ~95 modules from source again (~1 s; the baseline's Pelican is compiled at install).
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def _tree_pss_mib(root: int) -> float:
    """The proportional set size of a process and all its descendants (MiB): what they hold of
    the machine's memory together, shared pages counted once (Linux; 0 elsewhere)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", "rb") as f:
                    ppid = int(f.read().rsplit(b")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        todo += children.get(pid, [])
        try:
            with open(f"/proc/{pid}/smaps_rollup") as f:
                for line in f:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1])
                        break
        except OSError:
            continue
    return total / 1024


class _TreeMemory(threading.Thread):
    """Samples `_tree_pss_mib` every 0.2 s while a command runs: its peak is what the build's
    processes held at once (the build, its forked children, the pool's workers and their fork
    server), which no one process's peak says."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.peak = pid, 0.0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.2):
            self.peak = max(self.peak, _tree_pss_mib(self.pid))


def measured(cmd: list[str], cwd: Path = ROOT) -> dict:
    """Run a command; its wall time, CPU time (with its children) and peak memory (of its largest
    process, and of all its processes at once), and the 1-minute load average before and after
    (the machine is shared: it says how quiet it was). The disk is settled first (`os.sync`,
    untimed): what the command before wrote or removed is not written back during this one (a
    daily build run right after the baseline wrote its ~20,000 files and removed the last ones
    waited on the disk for 3.4 s of its 11.7 s, at 1.3 s of CPU in those stages)."""
    os.sync()
    load = os.getloadavg()[0]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=ENV)
    sampler = _TreeMemory(proc.pid)
    sampler.start()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    sampler.done.set()
    sampler.join()
    err = proc.stderr.read().decode("utf-8", "replace")
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        print(f"  ! {' '.join(cmd[:3])}… exited {code}: {err.strip().splitlines()[-1:] if err.strip() else ''}")
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "peak_mib": usage.ru_maxrss / 1024, "code": code,
            "tree_mib": sampler.peak, "load": [round(load, 2), round(os.getloadavg()[0], 2)]}


def build(exports: Path, output: Path, state: Path) -> dict:
    result = measured([PY, str(ROOT / "publish.py"), "build", "--exports", str(exports), "--output", str(output),
                       "--state", str(state), "--today", TODAY])
    log = state / "logs" / "last-build.json"
    figures = json.loads(log.read_text()) if log.exists() else {}
    result["stages"] = figures.get("timings", {})
    # the local pool's workers are children of a forkserver, not of the build: add what they used
    workers = figures.get("pool_workers") or {}
    result["cpu"] += workers.get("cpu", 0.0)
    result["peak_mib"] = max(result["peak_mib"], workers.get("peak_kib", 0) / 1024)
    return result


def add_new_decisions(exports: Path, count: int = 10, tag: str = "NEW", batch: int = 1, people: str = "new") -> None:
    """Ten new penalties, as a daily run gets them: decided in the last days before --today and
    exported that morning (new decisions are the newest; a decision dated among the old ones is a
    correction, not the daily case), with new ids and numbers.

    people="new": generated with a seed of their own (the sample generator's, from `tag`), so
    their parties, witnesses, phones and ID numbers are new to the site, as a day's are: the gate
    then looks for each new secret in every line the site online holds. people="copies": copies
    of the first `count` penalties of the exports, whose secrets the site already knows (how this
    benchmark measured before 2026-12-07; a lighter gate)."""
    import tempfile
    import zlib
    from datetime import date, timedelta

    today = date.fromisoformat(TODAY)
    folder = exports / "penalty" / tag.lower()
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        if people == "copies":
            sources = sorted((exports / "penalty").rglob("PEN-*.yaml"))[:count]
        else:
            sys.path.insert(0, str(ROOT))
            from samples import write_exports

            write_exports(4 * count, Path(tmp), seed=1_000_000 + zlib.crc32(tag.encode()), today=today)
            sources = sorted((Path(tmp) / "penalty").rglob("PEN-*.yaml"))[:count]
        for i, path in enumerate(sources):
            record = yaml.safe_load(path.read_text(encoding="utf-8"))
            record["id"] = f"{tag}-{i:04d}"
            # digits only after 新: letters there can read as a licence plate (新 is Xinjiang's), which
            # the gate rightly refuses to publish
            record["decision_no"] = record["decision_no"].replace("号", f"-新{batch}{i:02d}号")
            record["case_no"] = None
            record["decided_on"] = today - timedelta(days=2 + i % 3)
            record["served_on"] = today - timedelta(days=1)
            record["exported_at"] = f"{TODAY}T08:00:00+08:00"
            (folder / f"{tag}-{i:04d}.yaml").write_text(yaml.safe_dump(record, allow_unicode=True, sort_keys=False), encoding="utf-8")


def baseline(exports: Path, work: Path) -> tuple[dict, dict]:
    """Plain Pelican over the same decisions (Markdown articles, default theme), then Pagefind."""
    content = work / "content"
    shutil.rmtree(work, ignore_errors=True)
    content.mkdir(parents=True)
    n = 0
    for path in sorted(exports.rglob("*.y*ml")) + sorted(exports.rglob("*.json")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for record in data if isinstance(data, list) else [data]:
            if not isinstance(record, dict) or record.get("kind") not in ("penalty", "reconsideration"):
                continue
            n += 1
            text = str(record.get("text", "")).replace("\n", "\n\n")
            (content / f"d{n:06d}.md").write_text(
                f"Title: {record.get('decision_no')}\nDate: {record.get('decided_on')}\nCategory: {record['kind']}\n"
                f"Slug: d{n:06d}\n\n{text}\n", encoding="utf-8")
    conf = work / "pelicanconf.py"
    conf.write_text("SITENAME='baseline'\nTIMEZONE='Asia/Shanghai'\nDEFAULT_LANG='zh'\nPATH='content'\n"
                    "FEED_ALL_ATOM=None\nCATEGORY_FEED_ATOM=None\nTRANSLATION_FEED_ATOM=None\n", encoding="utf-8")
    pelican = measured([PY, "-m", "pelican", str(content), "-s", str(conf), "-o", str(work / "output"), "-q"], cwd=work)
    pagefind = measured([PY, "-m", "pagefind", "--site", str(work / "output"), "--force-language", "zh"], cwd=work)
    return pelican, pagefind


def stages(m: dict) -> None:
    """Per-stage figures from --state/logs/last-build.json (render includes progress, search and
    stats, which run inside Pelican; "unchanged check" is the fingerprint check of every build)."""
    for stage, t in m["stages"].items():
        print(f"  {stage:<22} {t['wall']:8.2f} s wall {t['cpu']:8.2f} s CPU {t['peak_mib']:7.0f} MiB peak so far")


def fmt(m: dict) -> str:
    load = f"  (load {m['load'][0]:.1f} -> {m['load'][1]:.1f})" if "load" in m else ""
    tree = f" ({m['tree_mib']:,.0f} MiB all processes)" if m.get("tree_mib") else ""
    return f"{m['wall']:8.1f} s wall {m['cpu']:8.1f} s CPU {m['peak_mib']:7.0f} MiB{tree}{load}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--decisions", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/bench-build"))
    ap.add_argument("--skip-baseline", action="store_true")
    ap.add_argument("--seed", type=int, default=7, help="seed of the synthetic exports (publish.py sample --seed)")
    ap.add_argument("--rounds", type=int, default=3, help="how many times to publish 10 new decisions (the median counts)")
    ap.add_argument("--baseline-up-to", type=int, default=None,
                    help="run the baseline only for N up to this (Pagefind's memory grows with N)")
    ap.add_argument("--people", choices=("new", "copies"), default="new",
                    help="the ten new decisions' people: new to the site (a day's), or copies of decisions it has (before 2026-12-07)")
    args = ap.parse_args()
    if not args.skip_baseline and subprocess.run([PY, "-m", "pagefind", "--version"], capture_output=True).returncode:
        sys.exit("bench/build.py: the baseline needs Pagefind: `.venv/bin/pip install -r bench/requirements.txt` "
                 "(or `make bench`), or run with --skip-baseline")
    results: dict[int, dict] = {}
    for n in args.decisions:
        work = args.workdir / str(n)
        exports = work / "exports"
        if not exports.exists():
            subprocess.run([PY, str(ROOT / "publish.py"), "sample", "--count", str(n), "--output", str(exports),
                            "--seed", str(args.seed)], check=True, stdout=subprocess.DEVNULL)
        for sub in ("output", "state"):
            shutil.rmtree(work / sub, ignore_errors=True)
        for folder in (exports / "penalty").glob("new*"):
            shutil.rmtree(folder, ignore_errors=True)
        print(f"\n== {n} penalty decisions (plus reconsiderations and progress records) ==")
        with_baseline = not args.skip_baseline and (args.baseline_up_to is None or n <= args.baseline_up_to)
        baselines: list[dict] = []

        def run_baseline() -> float:
            """The baseline once more, just before the build it is compared with: on a shared
            machine the load moves within minutes, so each ratio is of two runs side by side."""
            pelican, pagefind = baseline(exports, work / "baseline")
            baselines.append({"pelican": pelican, "pagefind": pagefind})
            print(f"baseline: pelican        {fmt(pelican)}")
            print(f"baseline: pagefind       {fmt(pagefind)}")
            return pelican["wall"] + pagefind["wall"]

        cold = build(exports, work / "output", work / "state")
        print(f"cold full build          {fmt(cold)}")
        stages(cold)
        cold_base = run_baseline() if with_baseline else None
        rounds, ratios = [], []
        for r in range(max(1, args.rounds)):
            base_wall = run_baseline() if with_baseline and r > 0 else cold_base
            add_new_decisions(exports, tag="NEW" if r == 0 else f"NEW{r + 1}", batch=r + 1, people=args.people)
            rounds.append(build(exports, work / "output", work / "state"))
            print(f"publish 10 new, round {r + 1} {fmt(rounds[-1])}")
            stages(rounds[-1])
            if base_wall:
                ratios.append(rounds[-1]["wall"] / base_wall)
                print(f"  against the baseline just before it ({base_wall:.1f} s): {ratios[-1]:.1%}")
        new10 = sorted(rounds, key=lambda m: m["wall"])[len(rounds) // 2]
        if len(rounds) > 1:
            walls = ", ".join(f"{m['wall']:.1f}" for m in rounds)
            print(f"publish 10 new, median   {fmt(new10)}  (rounds: {walls} s)")
        same = build(exports, work / "output", work / "state")
        print(f"rebuild, nothing changed {fmt(same)}")
        stages(same)
        results[n] = {"cold": cold, "new10": new10, "new10_rounds": rounds, "same": same}
        if baselines:
            walls = [b["pelican"]["wall"] + b["pagefind"]["wall"] for b in baselines]
            results[n].update(baseline=baselines[0], baselines=baselines, cold_ratio=cold["wall"] / cold_base,
                              new10_ratios=ratios, new10_ratio=sorted(ratios)[len(ratios) // 2],
                              same_ratio=same["wall"] / walls[-1])
            print(f"ratios to the baseline's full build run beside each (baselines {', '.join(f'{w:.1f}' for w in walls)} s): "
                  f"cold {results[n]['cold_ratio']:.2f}x, 10 new {results[n]['new10_ratio']:.1%} (median of "
                  f"{', '.join(f'{x:.1%}' for x in ratios)}), nothing changed {results[n]['same_ratio']:.1%}")
        summary(results, args.workdir)
    print()
    summary(results, args.workdir, show=True)


def summary(results: dict[int, dict], workdir: Path, show: bool = False) -> None:
    """The table across N (and how each N scales against the one before it); also saved as
    <workdir>/results.json after every build, so a run stopped at 100k keeps what it measured."""
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "results.json").write_text(json.dumps({str(n): r for n, r in results.items()}, indent=1))
    if not show:
        return
    print("| N | cold wall | cold CPU | cold peak (largest process / all processes) | 10 new | nothing changed | baseline | cold/baseline | 10 new/baseline |")
    print("|---|---|---|---|---|---|---|---|---|")
    for n, r in results.items():
        walls = sorted(b["pelican"]["wall"] + b["pagefind"]["wall"] for b in r.get("baselines", []))
        base_wall = walls[len(walls) // 2] if walls else None
        ratios = f"{r['cold_ratio']:.2f}x | {r['new10_ratio']:.1%}" if walls else "– | –"
        print(f"| {n:,} | {r['cold']['wall']:.1f} s | {r['cold']['cpu']:.1f} s | {r['cold']['peak_mib']:,.0f} / "
              f"{r['cold'].get('tree_mib', 0):,.0f} MiB | "
              f"{r['new10']['wall']:.1f} s | {r['same']['wall']:.1f} s | {f'{base_wall:.1f} s' if base_wall else '–'} | {ratios} |")
    print("(baseline: the median of the baseline runs; each ratio is to the baseline run just before: the cold build's "
          "to the one after it, ten new the median of the rounds' ratios)")
    sizes = sorted(results)
    for small, large in zip(sizes, sizes[1:]):
        a, b = results[small]["cold"], results[large]["cold"]
        print(f"cold {large:,} against {small:,} ({large / small:.0f}x the decisions): wall {b['wall'] / a['wall']:.2f}x, "
              f"CPU {b['cpu'] / a['cpu']:.2f}x, peak memory {b['peak_mib']:,.0f} MiB "
              f"({b.get('tree_mib', 0):,.0f} MiB all processes at once)")


if __name__ == "__main__":
    main()
