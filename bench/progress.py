"""Figures of the case-progress lookup: what the work factor costs us, and what it costs a guesser.

    .venv/bin/python bench/progress.py [--records 10000] [--iterations 600000] [--skip-browser]

Prints: PBKDF2 derivations/s in Python (one core, all cores) and in Chromium (WebCrypto),
lookup time in Chromium, the time of the progress stage inside a real build (pipeline.build, as
`publish.py build` runs it) of N synthetic records cold (empty state) and warm (same exports and
state, the previous build online), and the offline cost of guessing one case's 8-character query
code (32 symbols) at those rates and on a GPU.
"""
from __future__ import annotations

import argparse
import datetime
import functools
import http.server
import json
import os
import pathlib
import random
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))

from progress import publish_progress  # noqa: E402
from progress import pbkdf2  # noqa: E402
from progress.derive import derive_master  # noqa: E402
from progress.standalone import render_lookup_site  # noqa: E402
from records.model import ProgressEvent, ProgressRecord, Source  # noqa: E402

TZ = datetime.timezone(datetime.timedelta(hours=8))
TODAY = datetime.date(2026, 11, 1)
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # 32 symbols (Crockford's base 32)
CODE_LENGTH = 8
# hashcat -b -m 10900 (PBKDF2-HMAC-SHA256, 999 iterations), NVIDIA RTX 5090, hashcat v6.2.6-851:
# 11157.2 kH/s (Chick3nman's published RTX 5090 benchmark). Scaled linearly to our iterations.
GPU_NAME = "RTX 5090 (hashcat -m 10900: 11157.2 kH/s at 999 iterations)"
GPU_RATE_AT_999 = 11157.2e3
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
NOTES = ["报案人称其停放在楼下的电动自行车被盗。", "已通知报案人到派出所补充材料，联系电话13905910000。",
         "已调取周边监控。", "已依法告知拟作出的行政处罚决定及事实、理由、依据。", None, None]
STAGES = ["received", "accepted", "filed", "investigating", "notified", "decided", "served", "executed"]


def _derive(args):
    return derive_master(*args)


def python_rates(iterations: int, n: int) -> dict:
    """Derivations per second of the build's two PBKDF2 implementations (progress/pbkdf2.py),
    each on one core and on all, measured in turn in this run; and CPU ms per derivation.
    "openssl": cryptography's, in a process pool as the fallback runs it; "avx512" and "shani":
    the C loops in AVX-512 vectors and on the SHA extensions, each on one core, and on all as a
    build runs them, in threads (absent where the library or the loop cannot be used)."""
    salt = os.urandom(16)
    cores = os.cpu_count() or 1
    out = {}
    jobs = [(f"A35010250000020261{i:05d}", "K7QM2XHD", salt, iterations) for i in range(n)]
    t, c = time.perf_counter(), time.process_time()
    for j in jobs:
        derive_master(*j)
    out["openssl"] = {"one": n / (time.perf_counter() - t), "cpu_ms": (time.process_time() - c) / n * 1000}
    jobs = [(f"A35010250000020262{i:05d}", "K7QM2XHD", salt, iterations) for i in range(n * cores)]
    with ProcessPoolExecutor(cores) as pool:
        list(pool.map(_derive, jobs[:cores]))  # start the workers before the clock
        t = time.perf_counter()
        list(pool.map(_derive, jobs))
    out["openssl"]["all"] = len(jobs) / (time.perf_counter() - t)
    lib = pbkdf2.library()[0]
    if lib is not None:
        secrets = [f"A35010250000020263{i:05d}\nK7QM2XHD".encode() for i in range(max(n, pbkdf2.WIDE) * cores)]
        for name, wide, used in (("avx512", True, lib.wide), ("shani", False, lib.sha)):
            if not used:
                continue
            one = secrets[:max(n, pbkdf2.WIDE) if wide else n]  # a whole AVX-512 pass
            t, c = time.perf_counter(), time.process_time()
            pbkdf2._run(lib.lib, wide, one, salt, iterations)
            out[name] = {"one": len(one) / (time.perf_counter() - t), "cpu_ms": (time.process_time() - c) / len(one) * 1000}
            only = lib._replace(wide=wide, sha=not wide)
            t = time.perf_counter()
            with ThreadPoolExecutor(cores) as pool:  # as derive_many shares the work out
                size = pbkdf2.WIDE if wide else pbkdf2.LANES * 4
                list(pool.map(lambda p: pbkdf2._derive(only, p, salt, iterations),
                              [secrets[i:i + size] for i in range(0, len(secrets), size)]))
            out[name]["all"] = len(secrets) / (time.perf_counter() - t)
    return out


def synthetic(n: int, seed: int = 6) -> list[ProgressRecord]:
    rnd = random.Random(seed)
    out = []
    for i in range(n):
        start = datetime.datetime(2026, 1, 1, 9, 0, tzinfo=TZ) + datetime.timedelta(hours=rnd.randrange(24 * 280))
        events = [ProgressEvent(start + datetime.timedelta(days=3 * k, minutes=rnd.randrange(600)), stage, rnd.choice(NOTES))
                  for k, stage in enumerate(STAGES[: rnd.randint(2, len(STAGES))])]
        out.append(ProgressRecord(
            case_no=f"A3501{rnd.randrange(10**6):06d}2026{i:08d}", query_code="".join(rnd.choices(ALPHABET, k=CODE_LENGTH)),
            case_type=rnd.choice(["administrative", "criminal"]), authority="福州市公安局鼓楼分局",
            contact_phone="0591-87000000", events=events, source=Source("bench.yaml", i)))
    return out


def write_exports(records: list[ProgressRecord], folder: pathlib.Path, batch: int = 500) -> None:
    """The records as the case-handling system exports them (progress/batch-NNN.json)."""
    (folder / "progress").mkdir(parents=True)
    for b in range(0, len(records), batch):
        docs = [{"kind": "progress", "case_no": r.case_no, "query_code": r.query_code, "case_type": r.case_type,
                 "authority": r.authority, "contact_phone": r.contact_phone,
                 "events": [{"at": e.at.isoformat(), "stage": e.stage, **({"note": e.note} if e.note else {})} for e in r.events]}
                for r in records[b : b + batch]]
        (folder / "progress" / f"batch-{b // batch + 1:03d}.json").write_text(json.dumps(docs, ensure_ascii=False), "utf-8")


def build_times(n: int, iterations: int, warm_rounds: int = 3) -> dict:
    """The progress stage as `publish.py build` runs it (pipeline.build: staging folder, the site
    online as the previous output, gate, swap): one cold build, `warm_rounds` rebuilds of the same
    exports on the same day, and one on the next day (when about 1/14 of the files refresh)."""
    from pipeline import BuildOptions, build

    settings = {"PROGRESS_ITERATIONS": iterations, "PROGRESS_ALLOW_WEAK": iterations < 600_000}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        write_exports(synthetic(n), tmp / "exports")
        site = tmp / "site"

        def run(today: datetime.date) -> dict:
            # Touch an export file (same bytes): the build then runs every stage instead of
            # recognising a no-op rebuild, as it would when other exports changed.
            os.utime(next((tmp / "exports" / "progress").iterdir()))
            t = time.perf_counter()
            report = build(BuildOptions(exports=tmp / "exports", output=site, state=tmp / "state", today=today, settings=settings))
            wall = time.perf_counter() - t
            if not report.swapped:
                raise SystemExit(f"the build was not swapped in ({len(report.leaks)} leaks, {len(report.problems)} problems)")
            stage = report.timings["progress"]
            return {"stage": stage["wall"], "cpu": stage["cpu"], "build": wall}

        def identities() -> dict:  # a linked file keeps inode and time; a file written again gets a new time
            return {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in (site / "progress").glob("*.bin")}

        cold = run(TODAY)
        warm, same = [], []
        for _ in range(warm_rounds):
            before = identities()
            warm.append(run(TODAY))
            after = identities()
            same.append(sum(1 for name in after if after[name] == before.get(name)))
        before = identities()
        next_day = run(TODAY + datetime.timedelta(days=1))
        after = identities()
        refreshed = sum(1 for name in after if after[name] != before.get(name))
    return {"cold": cold, "warm": warm, "next_day": next_day, "files": len(after), "same": same, "refreshed": refreshed}


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def chromium_figures(iterations: int, rounds: int) -> dict:
    from playwright.sync_api import sync_playwright

    record = synthetic(1)[0]
    with tempfile.TemporaryDirectory() as tmp:
        root = pathlib.Path(tmp) / "site"
        publish_progress([record], root, pathlib.Path(tmp) / "state", today=TODAY,
                         settings={"PROGRESS_ITERATIONS": iterations, "PROGRESS_ALLOW_WEAK": True, "PROGRESS_MIN_FILES": 10})
        render_lookup_site(root)
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(root)))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
                page = browser.new_page()
                page.goto(f"http://127.0.0.1:{server.server_address[1]}/lookup/")
                page.wait_for_selector("#lookup-form fieldset:not([disabled])")
                figures = page.evaluate("""async ([caseNo, code, rounds]) => {
                    const L = window.progressLookup;
                    const base = new URL('../progress/', document.baseURI).href;
                    const params = await L.loadParams(base);
                    await L.derive(params, caseNo, code);  // warm up
                    let t = performance.now();
                    for (let i = 0; i < rounds; i++) await L.derive(params, caseNo + i, code);
                    const rate = rounds * 1000 / (performance.now() - t);
                    const found = [], missing = [];
                    for (let i = 0; i < rounds; i++) {
                        t = performance.now();
                        if (!await L.lookup(base, caseNo, code)) throw new Error('not found');
                        found.push(performance.now() - t);
                        t = performance.now();
                        if (await L.lookup(base, caseNo, code + 'X')) throw new Error('found');
                        missing.push(performance.now() - t);
                    }
                    return {rate, found, missing};
                }""", [record.case_no, record.query_code, rounds])
                browser.close()
        finally:
            server.shutdown()
    return {"rate": figures["rate"], "found_ms": statistics.median(figures["found"]),
            "missing_ms": statistics.median(figures["missing"]), "worst_ms": max(figures["found"] + figures["missing"])}


def duration(seconds: float) -> str:
    for unit, size in (("years", 365.25 * 86400), ("days", 86400), ("hours", 3600), ("minutes", 60)):
        if seconds >= size:
            return f"{seconds / size:,.1f} {unit}"
    return f"{seconds:.1f} s"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--records", type=int, default=10_000, help="synthetic progress records to build (default 10000)")
    ap.add_argument("--iterations", type=int, default=600_000, help="PBKDF2 iterations (default 600000)")
    ap.add_argument("--rounds", type=int, default=8, help="derivations per rate measurement (default 8)")
    ap.add_argument("--skip-browser", action="store_true")
    ap.add_argument("--skip-build", action="store_true")
    args = ap.parse_args()
    it = args.iterations
    print(f"PBKDF2-HMAC-SHA256, {it:,} iterations; {os.cpu_count()} cores")

    rates = python_rates(it, args.rounds)
    for name, label in (("openssl", "OpenSSL (cryptography)"), ("avx512", "C in AVX-512 vectors "), ("shani", "C on SHA extensions  ")):
        r = rates.get(name)
        if r:
            print(f"{label}: {r['one']:6.1f} derivations/s on one core, {r['all']:6.1f}/s on all cores; "
                  f"{r['cpu_ms']:.1f} ms CPU each")
        else:
            print(f"{label}: not available here (the library: {pbkdf2.library()[1]})")
    # the guesser's core below: the faster implementation, from its CPU time (a core of its own)
    one = max(1000 / r["cpu_ms"] for r in rates.values())
    rates = {"one CPU core (the faster implementation above, by its CPU time)": one}
    if not args.skip_browser:
        c = chromium_figures(it, args.rounds)
        rates["Chromium WebCrypto, one tab"] = c["rate"]
        print(f"Chromium WebCrypto    : {c['rate']:6.1f} derivations/s ({1000 / c['rate']:.0f} ms each)")
        print(f"Chromium lookup       : {c['found_ms']:.0f} ms found, {c['missing_ms']:.0f} ms not found "
              f"(medians of {args.rounds}); slowest {c['worst_ms']:.0f} ms")
    if not args.skip_build:
        b = build_times(args.records, it)
        print(f"Build, {args.records:,} records, progress stage inside pipeline.build ({b['files']:,} files, decoys included):")
        print(f"  cold (empty state, {args.records:,} derivations): stage {b['cold']['stage']:.1f} s (whole build {b['cold']['build']:.1f} s)")
        print("  warm, same day, records unchanged: stage " + ", ".join(f"{w['stage']:.2f} s" for w in b["warm"])
              + " wall (CPU " + ", ".join(f"{w['cpu']:.2f} s" for w in b["warm"]) + "; whole build "
              + ", ".join(f"{w['build']:.1f} s" for w in b["warm"]) + "); files linked unchanged: " + ", ".join(f"{n:,}" for n in b["same"]) + f" of {b['files']:,}")
        print(f"  warm, next day (refresh schedule): stage {b['next_day']['stage']:.2f} s wall (CPU {b['next_day']['cpu']:.2f} s; "
              f"whole build {b['next_day']['build']:.1f} s); {b['refreshed']:,} files got fresh bytes")
        print(f"  (load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores at the end)")

    space = len(ALPHABET) ** CODE_LENGTH
    rates[GPU_NAME] = GPU_RATE_AT_999 * 999 / it
    print(f"Offline guessing of one case's {CODE_LENGTH}-character code ({len(ALPHABET)} symbols, "
          f"{space:,} codes; the case number known; on average half the space):")
    for name, rate in rates.items():
        print(f"  {name:<62} {rate:12,.0f}/s  whole space {duration(space / rate):>22}, average {duration(space / 2 / rate)}")
    print("  (a guess tests one case number: knowing many case numbers does not share the work)")


if __name__ == "__main__":
    main()
