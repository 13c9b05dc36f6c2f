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
`--work` (minutes for 10k) and reused by later runs; its search page and theme are refreshed
from the current templates each run.

What "cold" means here (`browser_timings`): a fresh browser context (empty HTTP cache) opens
the search page; once it is loaded (its script, and the meta.json, facets.bin and newest cards
it fetches for any query), a query is typed and Enter pressed; cold time is from that keydown to
the first page of results drawn (count, numbers with their links, facts), on the page's own
clock, with the steps in between (index files in and intersected, filters and ranking, cards,
drawing) and the snippets after. Bytes are what the query fetched. The same query is also timed
from navigation start in a new tab (`/search/?q=`, as the header box of every page does), where
the page's own load counts, and its bytes are everything the tab fetched. Playwright's wall
times are printed too: they add its own round trips to the browser (tens to hundreds of ms on
a loaded machine). `--rounds` repeats all of it; medians are over every round.
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
    refresh_page_and_theme(site)
    ix = index.open_dir(str((state / "search" / "current").resolve()), indexname=INDEX_NAME)
    if "squeezed" not in ix.schema:
        t = time.perf_counter()
        put_in_place(build_whoosh_index(decisions, state, procs=2))
        print(f"whoosh index rebuilt for the current schema in {time.perf_counter() - t:.1f}s (2 processes)")


def refresh_page_and_theme(site: Path) -> None:
    """The search page and the theme (CSS, JS) as the current templates render them: a small
    sample site is rendered with the current code and its search page and theme copied in, so
    the page measured is the one a build would publish (it does not depend on the decisions)."""
    import shutil

    from search.sample_site import build_sample_site

    with tempfile.TemporaryDirectory(prefix="bench-page-") as tmp:
        small, _, _ = build_sample_site(20, Path(tmp))
        changed = []
        for rel in ["search/index.html"] + [str(f.relative_to(small)) for f in (small / "theme").rglob("*") if f.is_file()]:
            src, dst = small / rel, site / rel
            if not dst.exists() or dst.read_bytes() != src.read_bytes():
                dst.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(src, dst)
                changed.append(rel)
    if changed:
        print(f"search page and theme refreshed from the current templates: {', '.join(changed)}")


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


SHOWN = "#search-results[data-state=shown], #search-results[data-state=ready]"
READY = "#search-results[data-state=ready]"
# What the page fetched for the query, by kind of file, from the Resource Timing entries
# (milliseconds from the query's start, `portalSearch.marks.start`, to the last response).
FETCHES = """(start) => {
  const out = {};
  for (const r of performance.getEntriesByType('resource')) {
    if (r.startTime < start) continue;
    const m = r.name.match(/\\/search\\/(pairs|triples|cards|docs)\\//);
    const kind = m ? m[1] : r.name.replace(location.origin, '').split('?')[0];
    const k = out[kind] || (out[kind] = {n: 0, end: 0});
    k.n += 1; k.end = Math.max(k.end, r.responseEnd - start);
  }
  return out;
}"""


KEYDOWN = """() => { window.benchEnter = null; document.addEventListener('keydown', e => {
  if (e.key === 'Enter') window.benchEnter = performance.now(); }, {capture: true, once: true}); }"""


def _phase(page, sizes, action) -> dict:
    """Run `action` (which starts a search) and time it: wall time in Python from the action to
    the first page of results shown (numbers, links, facts, count) and to the snippets in, the
    page's own marks (performance.now() at the search's start and at each step), the requests
    and the bytes transferred (gzip, headers included)."""
    sizes.clear()
    t = time.perf_counter()
    action()
    page.wait_for_selector(SHOWN, state="attached")
    shown = (time.perf_counter() - t) * 1000
    page.wait_for_selector(READY, state="attached")
    ready = (time.perf_counter() - t) * 1000
    marks = page.evaluate("window.portalSearch.marks")
    return {"wall_shown": shown, "wall_ready": ready, "marks": marks, "bytes": sum(sizes),
            "requests": len(sizes), "fetches": page.evaluate(FETCHES, marks["start"]),
            "status": page.locator("#search-status").inner_text()}


def browser_timings(url: str, browser) -> list[dict]:
    """Per query, three measurements, each in a fresh browser context (empty HTTP cache):

    - cold: the search page is open (loaded, with its script and the preloaded meta.json and
      facets.bin, nothing else of the index); the query is typed and Enter pressed; time from
      the search's start (the submit) to the first page of results shown, and to its snippets;
      bytes: what the query fetched;
    - warm: then another query in the same tab (its files partly cached);
    - from navigation: a new tab opens /search/?q=… (as the header box on any page does); time
      from navigation start to the results shown; bytes: everything the page fetched.
    """
    from urllib.parse import quote

    rows = []
    for q in COLD_QUERIES:
        row = {"query": q}
        context = browser.new_context()
        page = context.new_page()
        sizes = []
        page.on("requestfinished", lambda r: sizes.append(r.sizes()["responseBodySize"] + r.sizes()["responseHeadersSize"]))
        page.goto(f"{url}/search/")
        page.wait_for_selector(READY, state="attached")
        page.wait_for_load_state("networkidle")
        row["page_bytes"] = sum(sizes)
        for phase, query in (("cold", q), ("warm", q + " 决定")):
            page.fill("#search-q", query)
            page.evaluate(KEYDOWN)
            row[phase] = _phase(page, sizes, lambda: page.press("#search-q", "Enter"))
            row[phase]["marks"]["key"] = page.evaluate("window.benchEnter")
        context.close()
        context = browser.new_context()
        page = context.new_page()
        sizes = []
        page.on("requestfinished", lambda r: sizes.append(r.sizes()["responseBodySize"] + r.sizes()["responseHeadersSize"]))
        row["nav"] = _phase(page, sizes, lambda: page.goto(f"{url}/search/?q={quote(q)}"))
        row["nav"]["timing"] = page.evaluate("""() => { const n = performance.getEntriesByType('navigation')[0];
          return {html: n.responseEnd, dcl: n.domContentLoadedEventStart, load: n.loadEventEnd,
                  script: window.portalSearch.scriptStart}; }""")
        context.close()
        rows.append(row)
    return rows


def _step(marks: dict, a: str, b: str) -> float:
    return marks[b] - marks[a] if a in marks and b in marks else float("nan")


def report_browser(rows: list[dict]) -> None:
    med = statistics.median
    print("static search in Chromium (ms; 'cold': typed on the open search page, empty cache; "
          "'nav': a new tab opening /search/?q=, from navigation start):")
    print(f"  {'query':<8} {'cold shown':>10} {'snippets':>8} {'KB':>5} {'req':>3} | index  rank  cards  draw | "
          f"{'warm':>5} {'KB':>4} | {'nav shown':>9} {'KB':>5} (html  script) | status")
    for r in rows:
        c, w, n = r["cold"], r["warm"], r["nav"]
        m = c["marks"]
        print(f"  {r['query']:<8} {m['shown'] - m['key']:10.0f} {m['done'] - m['key']:8.0f} {c['bytes'] / 1024:5.1f} "
              f"{c['requests']:3d} | {_step(m, 'key', 'found'):5.0f} {_step(m, 'found', 'ranked'):5.0f} "
              f"{_step(m, 'ranked', 'cards'):6.0f} {_step(m, 'cards', 'shown'):5.0f} | "
              f"{w['marks']['shown'] - w['marks']['key']:5.0f} {w['bytes'] / 1024:4.1f} | "
              f"{n['marks']['shown']:9.0f} {n['bytes'] / 1024:5.1f} ({n['timing']['html']:4.0f} {n['timing']['script']:6.0f}) | "
              f"{c['status'][:40]}")
    cold = [r["cold"]["marks"]["shown"] - r["cold"]["marks"]["key"] for r in rows]
    print(f"static cold (Enter's keydown on the open page to the first page of results shown, page clock): "
          f"median {med(cold):.0f} ms, max {max(cold):.0f} ms; snippets in: median "
          f"{med(r['cold']['marks']['done'] - r['cold']['marks']['key'] for r in rows):.0f} ms; "
          f"wall in Playwright (its press() to its seeing the results, its own round trips included): median "
          f"{med(r['cold']['wall_shown'] for r in rows):.0f} ms")
    print(f"static cold bytes: median {med(r['cold']['bytes'] for r in rows) / 1024:.0f} KB, max {max(r['cold']['bytes'] for r in rows) / 1024:.0f} KB "
          f"(the open page before it: median {med(r['page_bytes'] for r in rows) / 1024:.0f} KB)")
    parts = {k: med(_step(r["cold"]["marks"], a, b) for r in rows)
             for k, (a, b) in {"keydown to search start": ("key", "start"), "index fetch + intersection": ("start", "found"), "filters + rank": ("found", "ranked"),
                               "cards fetch": ("ranked", "cards"), "drawing": ("cards", "shown"),
                               "snippets (docs fetch + cut)": ("shown", "done")}.items()}
    print("static cold breakdown (medians, ms): " + ", ".join(f"{k} {v:.0f}" for k, v in parts.items()))
    kinds = {}
    for r in rows:
        for k, v in r["cold"]["fetches"].items():
            kinds.setdefault(k, []).append(v)
    print("static cold requests (per query that made them: median count, median ms to the last response): " + ", ".join(
        f"{k} {med(v['n'] for v in vs):.0f} ({med(v['end'] for v in vs):.0f} ms, {len(vs)} queries)" for k, vs in sorted(kinds.items())))
    print(f"static warm (another query, same tab): median {med(r['warm']['marks']['shown'] - r['warm']['marks']['key'] for r in rows):.0f} ms, "
          f"median {med(r['warm']['bytes'] for r in rows) / 1024:.0f} KB")
    nav = [r["nav"]["marks"]["shown"] for r in rows]
    print(f"static from navigation start (new tab on /search/?q=): results shown median {med(nav):.0f} ms, max {max(nav):.0f} ms "
          f"(HTML in: median {med(r['nav']['timing']['html'] for r in rows):.0f} ms; search script running: median "
          f"{med(r['nav']['timing']['script'] for r in rows):.0f} ms; DOMContentLoaded: median "
          f"{med(r['nav']['timing']['dcl'] for r in rows):.0f} ms; wall in Playwright from goto: median "
          f"{med(r['nav']['wall_shown'] for r in rows):.0f} ms); everything transferred: median "
          f"{med(r['nav']['bytes'] for r in rows) / 1024:.0f} KB, max {max(r['nav']['bytes'] for r in rows) / 1024:.0f} KB")
    steps = {"HTML in": lambda r: r["nav"]["timing"]["html"], "script running": lambda r: r["nav"]["timing"]["script"],
             "page parsed (search starts)": lambda r: r["nav"]["marks"]["start"],
             "index in + intersection": lambda r: r["nav"]["marks"]["found"],
             "results shown": lambda r: r["nav"]["marks"]["shown"], "snippets in": lambda r: r["nav"]["marks"]["done"]}
    print("static from navigation start, medians (ms after navigation start): " + ", ".join(
        f"{k} {med(f(r) for r in rows):.0f}" for k, f in steps.items()))


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
    ap.add_argument("--rounds", type=int, default=3, help="times the browser measurements are repeated (medians over all)")
    ap.add_argument("--browser-only", action="store_true", help="only the browser timings (no index builds, whoosh, recall)")
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

    for which in [] if args.browser_only else [w for w in args.indexes.split(",") if w]:
        out = subprocess.run([sys.executable, __file__, "--count", str(args.count), "--seed", str(args.seed), "--work", str(args.work),
                              "--index-only", which], capture_output=True, text=True, check=True).stdout
        r = json.loads(out.strip().splitlines()[-1])
        extra = f", index {r['bytes'] / 2**20:.1f} MiB" if "bytes" in r else f", {r['shards']} shards"
        print(f"index {which:<8}: {r['seconds']:.1f}s, peak RSS {r['peak_mib']:.0f} MiB "
              f"(+{r['peak_mib'] - r['baseline_mib']:.0f} MiB over the {r['baseline_mib']:.0f} MiB of the loaded decisions){extra}")

    if not args.browser_only:
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
        if not args.browser_only:
            page = browser.new_page()
            page.goto(url + "/search/")
            page.wait_for_selector(READY, state="attached")
            found = static_urls(page, qs, decisions)
            missed_s = sum(len(truth[q] - found[q][0]) for q in qs)
            exact_diff = sum(len(truth[q] ^ found[q][1]) for q in qs)
            print(f"static recall: {(total - missed_s) / total:.2%} (missed {missed_s}); "
                  f"exact matches differing from the scan: {exact_diff}")
            page.close()
        rows = [row for _ in range(args.rounds) for row in browser_timings(url, browser)]
        browser.close()
    server.shutdown()
    report_browser(rows)


if __name__ == "__main__":
    main()
