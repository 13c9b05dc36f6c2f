"""Figures of the statistics stage: cold, and publishing 10 new decisions into a built site.

    .venv/bin/python bench/stats.py [--published STATE] [--new 10] [--before REV]
    .venv/bin/python bench/stats.py --count 5000        # synthetic decisions instead

Runs `stats.publish_stats` (figures, charts, their CSV, stats.json, decisions.csv/json) with a
minimal page writer (pages are counted, not rendered: Pelican renders them in a build) twice
with one cache folder: cold (an empty cache) over the published decisions, then again with
`--new` more penalties (copies of the first ones by id, with new ids and numbers, first
published today, as bench/build.py adds them). Each run is a fresh process, so imports count.
With `--before REV` the same is measured for the code of that commit (extracted with
`git archive`), in the same run: compare the two, not figures of different runs.
"""
from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import pathlib
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from datetime import date

ROOT = pathlib.Path(__file__).resolve().parent.parent
TODAY = date(2026, 11, 25)
PUBLISHED = pathlib.Path("/tmp/bench-build10k/10000/state/published.json")
BEFORE = "a5fdcfd"  # the statistics before per-shard summaries and hand-written charts


class Writer:
    """Enough of `portal.writing.PageWriter` for the stage: raw files, and pages counted."""

    settings = {"PORTAL_SITE_ORIGIN": "http://127.0.0.1:8000"}

    def __init__(self, root: pathlib.Path):
        self.root, self.sizes = root, defaultdict(int)

    def raw(self, relative, data):
        data = data.encode("utf-8") if isinstance(data, str) else data
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        self.sizes[path.suffix] += len(data)

    def page(self, relative, template, **context):
        self.sizes[".html pages"] += 1


def _published(path: pathlib.Path):
    from pipeline.state import public_from_plain, published_entries

    entries = published_entries(path)  # a --state folder, or published.json of an older one
    return [public_from_plain(e["decision"]) for e in entries.values()], []


def _synthetic(count: int, folder: pathlib.Path):
    import samples
    from publication import select
    from records import load_exports
    from records.model import PublicDecision

    samples.write_exports(count, folder / "exports", seed=1, today=TODAY)
    sel = select(load_exports(folder / "exports").decisions, TODAY)
    decisions = [PublicDecision(
        kind=d.kind, id=d.id, slug=sel.slugs[d.id], decision_no=d.decision_no, decided_on=d.decided_on,
        organ=d.deciding_organ, text_html="", text_plain="", parties=[], names_natural_person=False,
        first_published_on=TODAY, authority_code=d.authority_code, offence=d.offence, legal_basis=d.legal_basis,
        penalties=d.penalties, respondent=d.respondent, original_decision_no=d.original_decision_no, outcome=d.outcome,
    ) for d in sel.public]
    return decisions, sel.withdrawals


def _new(decisions, count: int):
    """`count` new penalties: copies of the first ones by id, new ids and numbers, published today."""
    from publication.public import content_hash

    sources = sorted((d for d in decisions if d.kind == "penalty"), key=lambda d: d.id)[:count]
    new = []
    for i, d in enumerate(sources):
        copy = dataclasses.replace(d, id=f"NEW-{i:04d}", slug=f"new-{i:04d}", decision_no=d.decision_no.replace("号", f"-新{i}号"),
                                   first_published_on=TODAY, case_no=None, content_hash="", reviewed_by=[], reviews=None)
        copy.content_hash = content_hash(copy)
        new.append(copy)
    return new


def measure(args) -> dict:
    """Runs in a fresh process with the code under test first on sys.path."""
    from stats import publish_stats

    with tempfile.TemporaryDirectory() as tmp:
        root = pathlib.Path(tmp)
        t = time.perf_counter()
        if args.count:
            decisions, withdrawals = _synthetic(args.count, root)
        else:
            decisions, withdrawals = _published(args.published)
        load = time.perf_counter() - t
        base = [d for d in decisions if not d.id.startswith("NEW-")]
        more = base + _new(base, args.new)
        cache = root / "cache"
        figures = {"decisions": len(base), "new decisions": len(more) - len(base), "withdrawals": len(withdrawals), "load": load}
        for name, ds in (("cold", base), ("new", more)):
            drawn = set((cache / "charts").glob("*.svg"))
            writer = Writer(root / f"site-{name}")
            t, cpu = time.perf_counter(), time.process_time()
            publish_stats(ds, withdrawals, [], TODAY, writer.root, root / "state", writer, cache)
            figures[name], figures[f"{name} cpu"] = time.perf_counter() - t, time.process_time() - cpu
            figures[f"{name} charts drawn"] = len(set((cache / "charts").glob("*.svg")) - drawn)
            figures[f"{name} sizes"] = dict(writer.sizes)
        from stats.summary import site_statistics

        cpu = time.process_time()
        site_statistics(more, withdrawals, [], TODAY)
        figures["figures in one piece"] = time.process_time() - cpu
        figures["files"] = {rel: hashlib.sha256((writer.root / rel).read_bytes()).hexdigest()
                            for rel in ("data/decisions.csv", "data/decisions.json", "data/stats.json")}
    return figures


def run(code: pathlib.Path, args) -> dict:
    cmd = [sys.executable, __file__, "--worker", str(code), "--new", str(args.new)]
    cmd += ["--count", str(args.count)] if args.count else ["--published", str(args.published)]
    done = subprocess.run(cmd, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--published", type=pathlib.Path, default=PUBLISHED)
    parser.add_argument("--count", type=int, default=0, help="synthetic decisions instead of --published")
    parser.add_argument("--new", type=int, default=10)
    parser.add_argument("--before", default=BEFORE, help="a commit to compare with ('' for none)")
    parser.add_argument("--worker", type=pathlib.Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        sys.path.insert(0, str(args.worker))
        print(json.dumps(measure(args)))
        return
    if not args.count and not args.published.exists():
        parser.error(f"{args.published} 不存在: 用 --published 指定, 或用 --count N 生成决定")
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        if args.before:
            old = pathlib.Path(tmp) / "before"
            old.mkdir()
            archive = subprocess.run(["git", "-C", str(ROOT), "archive", args.before], capture_output=True, check=True).stdout
            subprocess.run(["tar", "-x", "-C", str(old)], input=archive, check=True)
            results[f"before ({args.before})"] = run(old, args)
        results["now"] = run(ROOT, args)
    first = next(iter(results.values()))
    print(f"{first['decisions']} 份公开决定 (+{first['new decisions']} 新), {first['withdrawals']} 份撤回; "
          "墙钟 / CPU 秒, 图表 = 重新绘制的图表数; 全部数字 = 一次算出 stats.json 的 CPU 秒")
    print(f"{'':<20}{'冷构建':>18}{'图表':>5}{'新增后':>18}{'图表':>5}{'全部数字':>10}")
    for name, f in results.items():
        print(f"{name:<20}{f['cold']:>8.2f} /{f['cold cpu']:>6.2f}s{f['cold charts drawn']:>5}"
              f"{f['new']:>8.2f} /{f['new cpu']:>6.2f}s{f['new charts drawn']:>5}{f['figures in one piece']:>9.2f}s")
    if len(results) == 2:
        a, b = results.values()
        print("与之前逐字节相同:", ", ".join(f"{rel} {a['files'][rel] == b['files'][rel]}" for rel in a["files"]))
    for suffix, size in sorted(results["now"]["new sizes"].items()):
        print(f"  {suffix}: {size:,}" + (" 字节" if suffix.startswith(".") and "pages" not in suffix else ""))


if __name__ == "__main__":
    main()
