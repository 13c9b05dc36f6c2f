"""Redaction figures: recall and precision per entity type, public strings kept, statute masks,
decisions per second (one process; new decisions on both cores; cached). Run: python bench/redaction.py [--sample N]
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "redaction_corpus"))

from corpus import cases, squeeze, statutes, survives, to_decision  # noqa: E402

from redaction import redact, redact_many, redact_note  # noqa: E402
from redaction import tagger  # noqa: E402


def quality(items) -> None:
    found, total, tp, fp = Counter(), Counter(), Counter(), Counter()
    kept = kept_total = 0
    misses, wrong, lost = [], [], []
    for case, red in items:
        text = red.text_plain
        expected = case["expect"]
        for e in expected:
            total[e["entity"]] += 1
            if survives(e["entity"], str(e["text"]), text):
                misses.append((case["decision"]["id"], e["entity"], e["text"]))
            else:
                found[e["entity"]] += 1
        truth = [squeeze(str(e["text"])) for e in expected]
        for p in case["decision"]["parties"]:
            truth += [squeeze(str(v)) for v in p.values() if isinstance(v, str) and len(v) > 1]
        for s in red.spans:
            if s.score < 0.5:
                continue
            o = squeeze(s.original)
            dates = [str(e["text"]) for e in expected if e["entity"] == "BIRTH_DATE"]
            if any(o in t or t in o for t in truth if t) or any(not survives("BIRTH_DATE", d, s.original) is False
                                                               for d in dates if s.entity == "BIRTH_DATE"):
                tp[s.entity] += 1
            else:
                fp[s.entity] += 1
                wrong.append((case["decision"]["id"], s.entity, s.original, s.rule))
        for k in case["keep"]:
            kept_total += 1
            kept += k in text
            if k not in text:
                lost.append((case["decision"]["id"], k))
    print(f"{'entity':<12}{'recall':>10}{'n':>6}{'precision':>11}{'masks':>7}")
    for ent in sorted(set(total) | set(tp) | set(fp)):
        r = found[ent] / total[ent] if total[ent] else float("nan")
        p = tp[ent] / (tp[ent] + fp[ent]) if tp[ent] + fp[ent] else float("nan")
        print(f"{ent:<12}{r:>10.2%}{total[ent]:>6}{p:>11.2%}{tp[ent] + fp[ent]:>7}")
    print(f"public strings kept: {kept}/{kept_total} ({kept / kept_total:.2%})")
    for m in misses[:15]:
        print("  MISSED", *m)
    for w in wrong[:15]:
        print("  OVER-MASKED", *w)
    for k in lost[:15]:
        print("  PUBLIC STRING LOST", *k)


def _warm_worker() -> None:
    """Pool initializer: load the model before the clock starts (a build's workers live long)."""
    from records.model import Decision  # noqa: F401

    redact_note("违法行为人张三于2026年1月1日在福州市鼓楼区殴打李四。")
    tagger._CACHE.clear()


def _redact_chunk(decisions) -> tuple[int, float]:
    t0 = time.process_time()
    out = redact_many(decisions)
    return len(out), time.process_time() - t0


def two_cores(decisions, workers: int = 2) -> tuple[float, float]:
    """Wall seconds and CPU seconds to redact decisions that are all new, cut into `workers`
    interleaved shares, one process each (as a build's redaction stage does on this machine)."""
    from concurrent.futures import ProcessPoolExecutor

    shares = [decisions[k::workers] for k in range(workers)]
    with ProcessPoolExecutor(workers, initializer=_warm_worker) as pool:
        list(pool.map(time.sleep, [0.5] * workers))  # both workers up and warm
        t0 = time.perf_counter()
        done = list(pool.map(_redact_chunk, shares))
        wall = time.perf_counter() - t0
    assert sum(n for n, _ in done) == len(decisions)
    return wall, sum(c for _, c in done)


def sample_decisions(count: int, seed: int):
    import tempfile
    from datetime import date

    from records import load_exports
    from samples import write_exports

    with tempfile.TemporaryDirectory() as tmp:
        write_exports(count, Path(tmp), seed=seed, today=date(2026, 11, 25))
        return load_exports(Path(tmp)).decisions


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sample", type=int, default=1000,
                    help="time N generated sample penalties (and their reconsiderations) on both cores; 0: skip")
    ap.add_argument("--seed", type=int, default=7, help="seed of the generated samples")
    ap.add_argument("--workers", type=int, default=2, help="processes for the both-cores figure")
    args = ap.parse_args()
    data = cases()
    decisions = [to_decision(c["decision"]) for c in data]
    tagger._CACHE.clear()
    redact(decisions[0])  # load the model
    tagger._CACHE.clear()
    t0, c0 = time.perf_counter(), time.process_time()
    reds = [redact(d) for d in decisions]
    cold, cold_cpu = time.perf_counter() - t0, time.process_time() - c0
    tagger._CACHE.clear()
    t0, c0 = time.perf_counter(), time.process_time()
    many = redact_many(decisions)
    batch, batch_cpu = time.perf_counter() - t0, time.process_time() - c0
    assert [r.text_html for r in many] == [r.text_html for r in reds], "redact_many differs from redact"
    t0, c0 = time.perf_counter(), time.process_time()
    for d in decisions:
        redact(d)
    warm, warm_cpu = time.perf_counter() - t0, time.process_time() - c0
    print(f"corpus: {len(decisions)} decisions, {sum(len(d.text) for d in decisions)} characters")
    quality(list(zip(data, reds)))
    _, spans, _ = redact_note(statutes())
    print(f"masks in statute text: {len(spans)}" + "".join(f"\n  {s.original} {s.rule}" for s in spans))
    n = len(decisions)
    print(f"throughput, one process, redact() each: {n / cold:.0f} decisions/s wall, {n / cold_cpu:.0f}/s per CPU-second")
    print(f"throughput, one process, redact_many:   {n / batch:.0f} decisions/s wall, {n / batch_cpu:.0f}/s per CPU-second"
          " (all new sentences of the corpus in length-sorted batches)")
    print(f"throughput, tag cache warm:             {n / warm:.0f} decisions/s wall, {n / warm_cpu:.0f}/s per CPU-second"
          " (a build does not even get here: unchanged decisions come from the redaction cache in --state)")
    if args.sample:
        sample = sample_decisions(args.sample, args.seed)
        chars = sum(len(d.text) for d in sample)
        load0 = os.getloadavg()[0]
        wall, cpu = two_cores(sample, args.workers)
        print(f"samples: {len(sample)} decisions (seed {args.seed}), {chars} characters, all new, "
              f"{args.workers} processes (redact_many each); load average {load0:.1f} -> "
              f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs (above {args.workers}, the wall figure is shared)")
        print(f"DECISIONS/S ON {args.workers} CORES, NEW DECISIONS: {len(sample) / wall:.0f} "
              f"(wall {wall:.1f} s; {len(sample) / cpu:.0f} per CPU-second; target >= 100)")
        wall, cpu = two_cores(decisions, args.workers)
        print(f"DECISIONS/S ON {args.workers} CORES, CORPUS:        {n / wall:.0f} "
              f"(wall {wall:.1f} s; {n / cpu:.0f} per CPU-second)")
    print("cached re-run in a build: 0 redactions (the redaction cache in --state is keyed by content "
          "and RULES_VERSION)")


if __name__ == "__main__":
    main()
