"""Redaction figures: recall and precision per entity type, public strings kept, statute masks,
decisions per second (cold and cached). Run: python bench/redaction.py [--sample N]
"""
from __future__ import annotations

import argparse
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


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sample", type=int, default=0, help="also time N generated sample decisions")
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
    print(f"throughput, tag cache empty: {n / cold:.0f} decisions/s wall, {n / cold_cpu:.0f}/s per CPU-second")
    print(f"throughput, redact_many:     {n / batch:.0f} decisions/s wall, {n / batch_cpu:.0f}/s per CPU-second"
          " (all new sentences of the corpus in length-sorted batches)")
    print(f"throughput, cached re-run:   {n / warm:.0f} decisions/s wall, {n / warm_cpu:.0f}/s per CPU-second")
    if args.sample:
        try:
            import samples
            from records import load_exports  # noqa: F401
        except Exception as exc:  # the generator belongs to another stage
            print(f"sample timing skipped: {exc}")


if __name__ == "__main__":
    main()
