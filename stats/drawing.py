"""SVG bar charts drawn at build time with matplotlib, self-contained and byte-for-byte repeatable.

Text is drawn as paths (`svg.fonttype='path'`) in Noto Sans SC, shipped in a PyPI package
(`pylopdf-fonts-zh-cn`), so the charts show Chinese on any machine, whether or not it has a
CJK font, and no system font is ever consulted: if the family does not resolve to that file,
drawing stops with an error instead of printing empty boxes.
"""
from __future__ import annotations

import io
import re
from functools import lru_cache
from pathlib import Path

from stats.chart import Chart

FONT_FAMILY = "Noto Sans SC"
COLOURS = ["#12355b", "#7fa3c8", "#c0792a", "#1e6b34"]
INK, MUTED, LINE = "#1b1f24", "#4a5560", "#c9d1d9"
WIDTH_IN = 6.5


class FontMissing(RuntimeError):
    """The packaged CJK font is not installed or does not resolve."""


def font_path() -> Path:
    try:
        import pylopdf_fonts_zh_cn
    except ImportError as exc:  # pragma: no cover - the requirement is pinned
        raise FontMissing("图表字体未安装: pip install -r requirements.txt (pylopdf-fonts-zh-cn)") from exc
    return Path(pylopdf_fonts_zh_cn.sans_path())


@lru_cache(maxsize=1)
def register_font() -> str:
    """Add the packaged font to matplotlib and check that its family name resolves to it."""
    from matplotlib import font_manager

    path = font_path()
    font_manager.fontManager.addfont(str(path))
    found = font_manager.findfont(font_manager.FontProperties(family=FONT_FAMILY), fallback_to_default=False)
    if Path(found).resolve() != path.resolve():
        raise FontMissing(f"图表字体 {FONT_FAMILY} 解析为 {found}, 而不是随软件包安装的 {path}")
    return str(path)


def rc() -> dict:
    register_font()
    return {
        "font.family": [FONT_FAMILY],
        "font.size": 11,
        "svg.fonttype": "path",
        "svg.hashsalt": "portal-stats",
        "svg.id": None,
        "axes.edgecolor": LINE,
        "axes.labelcolor": INK,
        "xtick.color": MUTED,
        "ytick.color": INK,
        "axes.unicode_minus": False,
        "path.simplify": True,
    }


def render_svg(chart: Chart) -> bytes:
    """The chart as an SVG document (title in <title>, no date, no random ids)."""
    import matplotlib
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    with matplotlib.rc_context(rc()):
        n = max(1, len(chart.rows))
        height = 0.9 + 0.34 * n if chart.horizontal else 3.8
        fig = Figure(figsize=(WIDTH_IN, height), dpi=72, layout="constrained")
        ax = fig.add_subplot()
        _draw(ax, chart)
        (ax.xaxis if chart.horizontal else ax.yaxis).set_major_locator(MaxNLocator(integer=True))
        buf = io.BytesIO()
        fig.savefig(buf, format="svg", metadata={"Title": chart.title, "Date": None, "Creator": None})
    # matplotlib adds an RDF <metadata> block whose namespace is http://www.w3.org/1999/02/22-rdf-…:
    # for anyone born on 22 February 1999 the leak gate rightly reads their birth date in every
    # chart. The <title> stays (the text alternative); the block says nothing a reader needs.
    return _METADATA.sub(b"", buf.getvalue(), count=1)


_METADATA = re.compile(rb"\s*<metadata>.*?</metadata>", re.DOTALL)


def _draw(ax, chart: Chart) -> None:
    labels = chart.categories
    positions = list(range(len(labels)))
    base = [0.0] * len(labels)
    series = chart.series()
    for i, (name, values) in enumerate(series):
        colour = COLOURS[i % len(COLOURS)]
        if chart.horizontal:
            bars = ax.barh(positions, values, left=base, color=colour, label=name, height=0.65)
        else:
            bars = ax.bar(positions, values, bottom=base, color=colour, label=name, width=0.7)
        base = [b + v for b, v in zip(base, values)]
    if labels:  # totals at the end of each bar
        ax.bar_label(bars, labels=[_short(v) for v in base], padding=3, color=INK, fontsize=9)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    if chart.horizontal:
        ax.set_yticks(positions, labels)
        ax.invert_yaxis()
        ax.set_xlim(0, max(base + [1]) * 1.15)
        ax.xaxis.grid(True, color=LINE, linewidth=0.6)
    else:
        ax.set_xticks(positions, labels, rotation=90 if len(labels) > 8 else 0)
        ax.set_ylim(0, max(base + [1]) * 1.15)
        ax.yaxis.grid(True, color=LINE, linewidth=0.6)
    ax.set_axisbelow(True)
    ax.tick_params(length=0)
    if len(series) > 1:
        ax.legend(frameon=False, loc="best")


def _short(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:.1f}"
