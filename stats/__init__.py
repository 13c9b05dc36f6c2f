"""Stage: statistics, organ scorecards and open data, computed at build time from what is published.

Entry point: `publish_stats(...)`. It writes
- `stats/index.html` and one scorecard per organ, `stats/organs/<key>/index.html`;
- for each chart an SVG (`stats.drawing`, Chinese as paths) and its data table as CSV;
- `data/decisions.csv`, `data/decisions.json` (see `opendata`) and `data/stats.json`, every
  figure on the statistics pages;
- a copy of stats.json in the private state folder, which `publish.py stats` reads. It is
  written as `stats/pending.json` and becomes `stats/stats.json` by `keep_copy` once the new
  site is in place, so the command never reports a build whose site was not swapped in.

Computing in parts (contract for executors, e.g. Dask workers):

    summary = summarise_shard(decisions, origin, today)   # on a worker
    merged = merge_shards(summaries, withdrawals, audit_events, today)   # on the staff machine
    merged.stats  -> dict (data/stats.json, the pages, scorecards, charts and their CSV)
    merged.csv    -> bytes (data/decisions.csv, UTF-8 with BOM)
    merged.json   -> bytes (data/decisions.json)

- `decisions`: `records.model.PublicDecision`s of one shard (`shard_of(d)` = (d.organ,
  d.decided_on.year); any other split works too, as long as each published decision is in
  exactly one summary). `origin`: the site's address for the open data's `url` column
  (`PORTAL_SITE_ORIGIN` or `SITEURL`); `today`: the build's day.
- A summary is plain data (dict/list/str/int/float), picklable and JSON-able, made only from
  public fields; it carries the code version (`code_version()`), and `merge_shards` refuses
  summaries of other code. Statistics are a few KB a shard; open-data rows ~1.5 KB a decision.
- `merge_shards` gives the same bytes for any split and any order of the summaries.
- `summaries(decisions, origin, today, cache_dir, summarise_many=None)` is the local way:
  cached per shard by content, only the missing shards summarised (by `summarise_many(list of
  shards) -> list of summaries` when given, e.g. an executor's map); `publish_stats(...,
  summarise_many=...)` passes it on. `publish_merged(merged, out, state_dir, cache_dir)` writes
  the pages, charts and files of a `Merged` however it was made.
"""
from __future__ import annotations

import json
import os
import re
from datetime import date
from functools import lru_cache
from pathlib import Path

from records.model import PublicDecision, Withdrawal
from stats.charts import scorecard_charts, site_charts
from stats.drawing import glyphs, render_svg
from stats.shards import Merged, code_version, merge_shards, prune, shard_of, summaries, summarise_shard
from stats.summary import headline

__all__ = ["publish_stats", "publish_merged", "keep_copy", "read_copy", "headline", "summarise_shard", "merge_shards",
           "summaries", "shard_of", "code_version", "Merged"]


def _json(value) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def _size(svg: bytes) -> tuple[int, int]:
    """The SVG's size in CSS pixels (the SVG is sized in points)."""
    m = re.search(rb'width="([\d.]+)pt" height="([\d.]+)pt"', svg)
    return (round(float(m.group(1)) * 4 / 3), round(float(m.group(2)) * 4 / 3)) if m else (720, 360)


@lru_cache(maxsize=1)
def _drawing_code() -> str:
    import hashlib

    import stats.drawing as drawing

    return hashlib.sha256(Path(drawing.__file__).read_bytes()).hexdigest()


def _chart_key(chart) -> str:
    """What a chart's drawing depends on: its data and the drawing code (fonts, colours, layout)."""
    import hashlib

    h = hashlib.sha256(_drawing_code().encode())
    h.update(json.dumps([chart.title, chart.columns, chart.rows, chart.plotted, chart.horizontal, chart.unit],
                        ensure_ascii=False, default=str).encode("utf-8"))
    return h.hexdigest()


def _draw_cached(chart, cache_dir: Path) -> tuple[str, bytes]:
    """A chart drawn once per distinct content: unchanged charts cost nothing on a rebuild.
    Returns the name of its cache entry and its bytes."""
    path = Path(cache_dir) / "charts" / f"{_chart_key(chart)}.svg"
    try:
        return path.name, path.read_bytes()
    except FileNotFoundError:
        svg = render_svg(chart)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_bytes(svg)
        os.replace(tmp, path)
        return path.name, svg


def _write_charts(out, base: str, charts, cache_dir: Path, used: set[str]) -> dict:
    for chart in charts:
        name, svg = _draw_cached(chart, cache_dir)
        used.add(name)
        chart.width, chart.height = _size(svg)
        out.raw(f"{base}{chart.svg_name}", svg)
        out.raw(f"{base}{chart.csv_name}", chart.csv_bytes())
    return {c.name: c for c in charts}


def publish_stats(decisions: list[PublicDecision], withdrawals: list[Withdrawal], audit_events: list[dict],
                  today: date, site_dir: Path, state_dir: Path, out, cache_dir: Path | None = None,
                  summarise_many=None) -> None:
    cache_dir = Path(cache_dir or Path(state_dir) / "cache")
    origin = out.settings.get("PORTAL_SITE_ORIGIN") or out.settings.get("SITEURL") or ""
    merged = merge_shards(summaries(decisions, origin, today, cache_dir, summarise_many), withdrawals, audit_events, today)
    publish_merged(merged, out, state_dir, cache_dir)


def publish_merged(merged: Merged, out, state_dir: Path, cache_dir: Path) -> None:
    """Pages, charts and files of merged statistics (however the summaries were made)."""
    stats = merged.stats
    font = glyphs()
    font.load(Path(cache_dir) / "charts")
    used: set[str] = set()
    charts = _write_charts(out, "stats/", site_charts(stats), cache_dir, used)
    out.page("stats/index.html", "stats", stats=stats, charts=charts, chart_base="stats/")
    for card in stats["scorecards"]:
        card_charts = _write_charts(out, card["path"], scorecard_charts(card), cache_dir, used)
        out.page(f"{card['path']}index.html", "scorecard", card=card, site=stats, charts=card_charts,
                 chart_base=card["path"])
    font.save(Path(cache_dir) / "charts")
    prune(Path(cache_dir) / "charts", "*.svg", used)
    out.raw("data/decisions.csv", merged.csv)
    out.raw("data/decisions.json", merged.json)
    data = _json(stats)
    out.raw("data/stats.json", data)
    pending = Path(state_dir) / "stats" / "pending.json"
    pending.parent.mkdir(parents=True, exist_ok=True)
    pending.write_bytes(data)


def keep_copy(state_dir: Path) -> None:
    """After the swap: the figures of the site now in place become the ones `publish.py stats` shows."""
    folder = Path(state_dir) / "stats"
    if (folder / "pending.json").exists():
        os.replace(folder / "pending.json", folder / "stats.json")


def read_copy(state_dir: Path) -> dict | None:
    path = Path(state_dir) / "stats" / "stats.json"
    if not path.exists():
        return None
    return json.loads(path.read_text(encoding="utf-8"))
