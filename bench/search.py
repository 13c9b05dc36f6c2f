"""Search at scale: `python bench/search.py [--count 14500] [--seed 3] [--work DIR]`.

How the site is built (once, then reused): `samples.write_exports(count, seed)` (14,500 with
seed 3 gives ~10,000 published decisions, the rest withdrawn, expired or never public), then
`search.sample_site`: the real selection and public records, but a crude masking of party
names instead of the redaction engine (which would take far longer and is not what is measured
here), and the site rendered by the real Pelican pipeline with only the search stage among the
extra stages. Indexes written by an older format are rebuilt in place before measuring.

Prints, for that site:
index time and peak memory of the static index and of whoosh (each in a fresh process),
recall of both against a plain substring scan, whoosh query p50/p95, and the cold and warm time
and bytes of a static search in Chromium over loopback. The site is built once into
`--work` (minutes for 10k) and reused by later runs.
"""
from __future__ import annotations

import argparse
import json
import pickle
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run", "--disable-sync"]
COLD_QUERIES = ["台江", "五一北路", "赌博", "第五十一条", "殴打他人", "仓山", "1234号", "罚款500元", "治安管理处罚法"]


def _maxrss_mib() -> float:
    """Peak resident memory since start, or since the last `_reset_peak` (Linux)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _reset_peak() -> None:
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass


def index_only(which: str, work: Path) -> None:
    """Child process: load the decisions, then time one index build; print JSON."""
    decisions = pickle.loads((work / "decisions.pickle").read_bytes())
    import gc

    gc.collect()
    _reset_peak()
    before = _maxrss_mib()
    out = Path(tempfile.mkdtemp(prefix=f"bench-{which}-"))
    t = time.perf_counter()
    if which == "static":
        from search.static_index import build_static_index

        info = build_static_index(decisions, out)
    else:
        from search.whoosh_index import build_whoosh_index

        procs = int(which.split(":")[1]) if ":" in which else 1
        staging = build_whoosh_index(decisions, out, procs=procs)
        info = {"bytes": sum(f.stat().st_size for f in staging.iterdir())}
    elapsed = time.perf_counter() - t
    import shutil

    shutil.rmtree(out, ignore_errors=True)
    print(json.dumps({"seconds": elapsed, "peak_mib": _maxrss_mib(), "baseline_mib": before, **info}))


def ensure_site(count: int, work: Path, seed: int):
    from search.sample_site import build_sample_site

    done = work / "decisions.pickle"
    if not done.exists():
        t = time.perf_counter()
        _, _, decisions = build_sample_site(count, work, seed=seed)
        done.write_bytes(pickle.dumps(decisions))
        print(f"site of {len(decisions)} decisions built in {time.perf_counter() - t:.0f}s (once)")
    return pickle.loads(done.read_bytes())


def ensure_current_indexes(decisions, site: Path, state: Path) -> None:
    """Indexes written by an older format are rebuilt once (the code under test, not the site)."""
    from whoosh import index

    from search.static_index import FORMAT, build_static_index
    from search.whoosh_index import INDEX_NAME, build_whoosh_index, put_in_place

    meta = json.loads((site / "search" / "meta.json").read_text(encoding="utf-8"))
    if meta.get("format") != FORMAT:
        t = time.perf_counter()
        build_static_index(decisions, site)
        print(f"static index rebuilt for format {FORMAT} in {time.perf_counter() - t:.1f}s")
    js = ROOT / "theme" / "static" / "js" / "search.js"
    if (site / "theme" / "js" / "search.js").read_bytes() != js.read_bytes():
        (site / "theme" / "js" / "search.js").write_bytes(js.read_bytes())
        print("search.js copied into the site")
    page = site / "search" / "index.html"
    html = page.read_text(encoding="utf-8")
    if 'rel="preload"' not in html:
        links = "".join(f'<link rel="preload" href="../search/{f}" as="fetch" crossorigin>\n'
                        for f in ("meta.json", "facets.bin"))
        page.write_text(html.replace("</head>", links + "</head>", 1), encoding="utf-8")
        print("search page: the current template's preload links added (the site was rendered by an older one)")
    ix = index.open_dir(str((state / "search" / "current").resolve()), indexname=INDEX_NAME)
    if "squeezed" not in ix.schema:
        t = time.perf_counter()
        put_in_place(build_whoosh_index(decisions, state, procs=2))
        print(f"whoosh index rebuilt for the current schema in {time.perf_counter() - t:.1f}s (2 processes)")


def whoosh_urls(state: Path, query: str) -> set[str]:
    from search.whoosh_index import matching_urls

    return matching_urls(state, query)


def serve(site: Path, state: Path):
    from server import make_server

    server = make_server(site, state)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


STATIC_FIND = """async (qs) => {
  const out = {};
  for (const q of qs) out[q] = (await window.portalSearch.find(q)).hits.map(h => [h.id, h.exact]);
  return out;
}"""


def static_urls(page, qs: list[str], decisions) -> dict[str, tuple[set[str], set[str]]]:
    from search.static_index import order

    urls = [d.url for d in order(decisions)]  # the static index numbers decisions in this order
    result = {}
    for i in range(0, len(qs), 25):
        got = page.evaluate(STATIC_FIND, qs[i : i + 25])
        for q, pairs in got.items():
            result[q] = ({urls[n] for n, _ in pairs}, {urls[n] for n, e in pairs if e})
    return result


def browser_timings(url: str, browser) -> list[dict]:
    from urllib.parse import quote

    rows = []
    for q in COLD_QUERIES:
        context = browser.new_context()
        page = context.new_page()
        sizes = []
        page.on("requestfinished", lambda r: sizes.append(r.sizes()["responseBodySize"] + r.sizes()["responseHeadersSize"]))
        row = {"query": q}
        for phase, query in (("cold", q), ("warm", q + " 决定")):
            sizes.clear()
            t = time.perf_counter()
            page.goto(f"{url}/search/?q={quote(query)}")
            page.wait_for_selector("#search-results[data-state=ready]", state="attached")
            row[f"{phase}_ms"] = (time.perf_counter() - t) * 1000
            row[f"{phase}_script_ms"] = page.evaluate("window.portalSearch.lastTiming")
            # from the navigation's start in the page (without starting a renderer process)
            row[f"{phase}_nav_ms"] = page.evaluate("(window.portalSearch.marks || {}).done || performance.now()")
            row[f"{phase}_bytes"] = sum(sizes)
            row[f"{phase}_status"] = page.locator("#search-status").inner_text()
        rows.append(row)
        context.close()
    return rows


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=14_500)
    ap.add_argument("--seed", type=int, default=3)
    ap.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "search-bench")
    ap.add_argument("--index-only", help=argparse.SUPPRESS)
    ap.add_argument("--indexes", default="static,whoosh,whoosh:2", help="which index builds to time (comma-separated; empty: none)")
    args = ap.parse_args()
    work = args.work / (str(args.count) if args.seed == 1 else f"{args.count}-seed{args.seed}")
    if args.index_only:
        return index_only(args.index_only, work)
    work.mkdir(parents=True, exist_ok=True)
    decisions = ensure_site(args.count, work, args.seed)
    site, state = work / "site", work / "state"
    ensure_current_indexes(decisions, site, state)
    print(f"decisions: {len(decisions)}")
    static_bytes = sum(f.stat().st_size for f in (site / "search").rglob("*") if f.is_file())
    print(f"static index on disk: {static_bytes / 2**20:.1f} MiB in {sum(1 for _ in (site / 'search').rglob('*'))} files")

    for which in [w for w in args.indexes.split(",") if w]:
        out = subprocess.run([sys.executable, __file__, "--count", str(args.count), "--seed", str(args.seed), "--work", str(args.work),
                              "--index-only", which], capture_output=True, text=True, check=True).stdout
        r = json.loads(out.strip().splitlines()[-1])
        extra = f", index {r['bytes'] / 2**20:.1f} MiB" if "bytes" in r else f", {r['shards']} shards"
        print(f"index {which:<8}: {r['seconds']:.1f}s, peak RSS {r['peak_mib']:.0f} MiB "
              f"(+{r['peak_mib'] - r['baseline_mib']:.0f} MiB over the {r['baseline_mib']:.0f} MiB of the loaded decisions){extra}")

    from search.recall import SubstringScan, recall_queries

    qs = recall_queries(decisions, listed=300, pieces=200)
    scan = SubstringScan(decisions)
    truth = {q: scan(q) for q in qs}
    from search import search_index

    search_index(state, "台江")  # open the index once, as a running server would have
    times, missed_w, extra_w = [], 0, 0
    for q in qs:
        t = time.perf_counter()
        search_index(state, q)
        times.append((time.perf_counter() - t) * 1000)
    for q in qs:
        got = whoosh_urls(state, q)
        missed_w += len(truth[q] - got)
        extra_w += len(got - truth[q])
    total = sum(len(v) for v in truth.values())
    print(f"queries: {len(qs)} ({total} expected hits)")
    print(f"whoosh recall: {(total - missed_w) / total:.2%} (missed {missed_w}, not in the scan {extra_w})")
    print(f"whoosh first page: p50 {pct(times, 50):.1f} ms, p95 {pct(times, 95):.1f} ms")

    from playwright.sync_api import sync_playwright

    server, url = serve(site, state)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        page = browser.new_page()
        page.goto(url + "/search/")
        page.wait_for_selector("#search-results[data-state=ready]", state="attached")
        found = static_urls(page, qs, decisions)
        missed_s = sum(len(truth[q] - found[q][0]) for q in qs)
        exact_diff = sum(len(truth[q] ^ found[q][1]) for q in qs)
        print(f"static recall: {(total - missed_s) / total:.2%} (missed {missed_s}); "
              f"exact matches differing from the scan: {exact_diff}")
        rows = browser_timings(url, browser)
        browser.close()
    server.shutdown()
    for r in rows:
        print(f"static {r['query']:<6} cold {r['cold_ms']:6.0f} ms (page {r['cold_nav_ms']:5.0f}, script {r['cold_script_ms']:5.0f}) "
              f"{r['cold_bytes'] / 1024:6.1f} KB | warm {r['warm_ms']:5.0f} ms (script {r['warm_script_ms']:5.0f}) "
              f"{r['warm_bytes'] / 1024:6.1f} KB | {r['cold_status']}")
    print(f"static cold: median {statistics.median(r['cold_ms'] for r in rows):.0f} ms, "
          f"max {max(r['cold_ms'] for r in rows):.0f} ms (from navigation start: median "
          f"{statistics.median(r['cold_nav_ms'] for r in rows):.0f} ms; script alone: median "
          f"{statistics.median(r['cold_script_ms'] for r in rows):.0f} ms); median {statistics.median(r['cold_bytes'] for r in rows) / 1024:.0f} KB, "
          f"max {max(r['cold_bytes'] for r in rows) / 1024:.0f} KB")
    print(f"static warm: median {statistics.median(r['warm_ms'] for r in rows):.0f} ms, "
          f"median {statistics.median(r['warm_bytes'] for r in rows) / 1024:.0f} KB")


if __name__ == "__main__":
    main()
