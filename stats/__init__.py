"""Stage: statistics, organ scorecards and open data, computed at build time from what is published.

Entry point: `publish_stats(...)`. It writes
- `stats/index.html` and one scorecard per organ, `stats/organs/<key>/index.html`;
- for each chart an SVG (drawn by matplotlib, Chinese as paths) and its data table as CSV;
- `data/decisions.csv`, `data/decisions.json` (see `opendata`) and `data/stats.json`, every
  figure on the statistics pages;
- a copy of stats.json in the private state folder, which `publish.py stats` reads. It is
  written as `stats/pending.json` and becomes `stats/stats.json` by `keep_copy` once the new
  site is in place, so the command never reports a build whose site was not swapped in.
"""
from __future__ import annotations

import json
import os
import re
from datetime import date
from pathlib import Path

from records.model import PublicDecision, Withdrawal
from stats.charts import scorecard_charts, site_charts
from stats.drawing import render_svg
from stats.summary import headline, site_statistics

__all__ = ["publish_stats", "keep_copy", "read_copy", "headline"]


def _json(value) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def _size(svg: bytes) -> tuple[int, int]:
    """The SVG's size in CSS pixels (matplotlib writes points)."""
    m = re.search(rb'width="([\d.]+)pt" height="([\d.]+)pt"', svg)
    return (round(float(m.group(1)) * 4 / 3), round(float(m.group(2)) * 4 / 3)) if m else (720, 360)


def _chart_key(chart) -> str:
    """What a chart's drawing depends on: its data and the drawing code (fonts, colours, layout)."""
    import hashlib

    import stats.drawing as drawing

    h = hashlib.sha256(Path(drawing.__file__).read_bytes())
    h.update(json.dumps([chart.title, chart.columns, chart.rows, chart.plotted, chart.horizontal, chart.unit],
                        ensure_ascii=False, default=str).encode("utf-8"))
    return h.hexdigest()


def _draw_cached(chart, cache_dir: Path) -> bytes:
    """A chart drawn once per distinct content: unchanged charts cost nothing on a rebuild."""
    path = Path(cache_dir) / "charts" / f"{_chart_key(chart)}.svg"
    try:
        return path.read_bytes()
    except FileNotFoundError:
        svg = render_svg(chart)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_bytes(svg)
        os.replace(tmp, path)
        return svg


def _write_charts(out, base: str, charts, cache_dir: Path) -> dict:
    for chart in charts:
        svg = _draw_cached(chart, cache_dir)
        chart.width, chart.height = _size(svg)
        out.raw(f"{base}{chart.svg_name}", svg)
        out.raw(f"{base}{chart.csv_name}", chart.csv_bytes())
    return {c.name: c for c in charts}


def publish_stats(decisions: list[PublicDecision], withdrawals: list[Withdrawal], audit_events: list[dict],
                  today: date, site_dir: Path, state_dir: Path, out, cache_dir: Path | None = None) -> None:
    from opendata import write_open_data

    stats = site_statistics(decisions, withdrawals, audit_events, today)
    cache_dir = cache_dir or Path(state_dir) / "cache"
    charts = _write_charts(out, "stats/", site_charts(stats), cache_dir)
    out.page("stats/index.html", "stats", stats=stats, charts=charts, chart_base="stats/")
    for card in stats["scorecards"]:
        card_charts = _write_charts(out, card["path"], scorecard_charts(card), cache_dir)
        out.page(f"{card['path']}index.html", "scorecard", card=card, site=stats, charts=card_charts,
                 chart_base=card["path"])
    origin = out.settings.get("PORTAL_SITE_ORIGIN") or out.settings.get("SITEURL") or ""
    write_open_data(decisions, today, out, origin)
    out.raw("data/stats.json", _json(stats))
    pending = Path(state_dir) / "stats" / "pending.json"
    pending.parent.mkdir(parents=True, exist_ok=True)
    pending.write_bytes(_json(stats))


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
