#!/usr/bin/env python3
"""Which stages grow faster than the decisions: two cold builds of N and k×N compared per stage.

    .venv/bin/python bench/scale.py compare STATE_SMALL STATE_LARGE [--ratio 3]
    .venv/bin/python bench/scale.py redact 300 900 2000
    .venv/bin/python bench/scale.py whoosh EXPORTS [EXPORTS ...]

`compare` reads each build's `--state/logs/last-build.json` and prints, per stage, CPU (the
build and its workers), wall, peak and the memory held at the stage's end, and the CPU ratio
large/small against `--ratio` (the ratio of the decisions: 3 for the 10k and 30k exports of
`publish.py sample --seed 7`). A linear stage is near `--ratio`; read CPU, not wall, on a
shared machine. A build the gate stopped has its gate's file-by-file scan in the gate's figure.

`redact` times `redaction.redact_many` in this process on shards of the given sizes (penalty
decisions of the 10k sample exports, `--exports`): the CPU per 1,000 decisions should not grow
with the shard (a local build's redaction shards are the new records cut in 16, so they grow
with the archive).

`whoosh` builds the whoosh index of each export folder's published decisions in one process
(`search.whoosh_index._fresh`, procs=1, over `search.sample_site` decisions: crude masking, not
the redaction engine, which is not what is measured) and prints its CPU and this process's peak.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def compare(small: Path, large: Path, ratio: float) -> None:
    a, b = (json.loads((Path(s) / "logs" / "last-build.json").read_text(encoding="utf-8")) for s in (small, large))
    print(f"{'stage':18s} {'CPU s':>15s} {'ratio':>7s} {'wall s':>15s} {'held MiB':>11s} {'peak MiB':>11s}")
    for stage, y in b["timings"].items():
        x = a["timings"].get(stage)
        if x is None:
            continue
        r = y["cpu"] / x["cpu"] if x["cpu"] >= 0.05 else float("nan")
        flag = "  <- over" if r > ratio * 1.1 else ""
        print(f"{stage:18s} {x['cpu']:7.1f} {y['cpu']:7.1f} {r:6.2f}x {x['wall']:7.1f} {y['wall']:7.1f} "
              f"{x.get('rss_mib', 0):5.0f} {y.get('rss_mib', 0):5.0f} {x['peak_mib']:5.0f} {y['peak_mib']:5.0f}{flag}")
    wa, wb = a.get("pool_workers", {}), b.get("pool_workers", {})
    print(f"pool workers CPU {wa.get('cpu', 0):.1f} {wb.get('cpu', 0):.1f}; published {a['published']} {b['published']}; "
          f"leaks {a['leaks']} {b['leaks']}")


def redact(sizes: list[int], exports: Path) -> None:
    sys.path.insert(0, str(ROOT))
    from records.loader import export_files, read_file
    from records.model import Decision
    from records.validate import validate
    from redaction import redact_many, tagger

    decisions = []
    for path in export_files(exports / "penalty"):
        for raw in read_file(path, str(path))[0]:
            record, _ = validate(raw)
            if isinstance(record, Decision):
                decisions.append(record)
        if len(decisions) >= max(sizes):
            break
    redact_many(decisions[:20])  # the tagger loaded
    for n in sizes:
        tagger._CACHE.clear()
        t = time.process_time()
        redact_many(decisions[:n])
        cpu = time.process_time() - t
        print(f"{n:6d} decisions: {cpu:6.2f} s CPU, {cpu / n * 1000:5.2f} s per 1,000")


def whoosh(folders: list[Path]) -> None:
    import resource
    import shutil
    import subprocess
    import tempfile

    if len(folders) > 1:  # each in a fresh process: the peak is its own
        for folder in folders:
            subprocess.run([sys.executable, __file__, "whoosh", str(folder)], check=True)
        return
    sys.path.insert(0, str(ROOT))
    from datetime import date

    from search.sample_site import sample_decisions
    from search.whoosh_index import _fresh

    decisions, _ = sample_decisions(folders[0], date(2026, 11, 25))
    tmp = Path(tempfile.mkdtemp(prefix="bench-scale-whoosh-"))
    try:
        t = time.process_time()
        _fresh(tmp, "decisions", decisions, 1)
        cpu = time.process_time() - t
    finally:
        shutil.rmtree(tmp)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss >> 10
    print(f"{len(decisions):6d} decisions: whoosh {cpu:6.1f} s CPU, {cpu / len(decisions) * 1000:5.2f} s per 1,000, peak {peak} MiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    c = sub.add_parser("compare")
    c.add_argument("small", type=Path)
    c.add_argument("large", type=Path)
    c.add_argument("--ratio", type=float, default=3.0)
    r = sub.add_parser("redact")
    r.add_argument("sizes", type=int, nargs="+")
    r.add_argument("--exports", type=Path, default=Path("/tmp/bench-build/10000/exports"))
    w = sub.add_parser("whoosh")
    w.add_argument("folders", type=Path, nargs="+")
    args = parser.parse_args()
    if args.command == "compare":
        compare(args.small, args.large, args.ratio)
    elif args.command == "whoosh":
        whoosh(args.folders)
    else:
        redact(args.sizes, args.exports)


if __name__ == "__main__":
    main()
