"""SVG bar charts written by hand at build time, self-contained and byte-for-byte repeatable.

Text is drawn as paths in Noto Sans SC, shipped in a PyPI package (`pylopdf-fonts-zh-cn`), so
the charts show Chinese on any machine, whether or not it has a CJK font, and no system font is
ever consulted. Each glyph's outline is read once from that file (FreeType, through matplotlib's
`FT2Font`), defined once per chart in `<defs>` and placed with `<use>`, as matplotlib's SVG
backend does with `svg.fonttype='path'`.

Until this module was written the charts were drawn by matplotlib (Figure, constrained layout,
savefig): 0.3–1.3 s a chart, most of it constrained layout and text-to-path, which made the
10 charts that change when decisions are added cost seconds. These charts are simple (stacked
bars, one axis of integer ticks, a legend), so the layout is computed here from the glyphs'
advance widths: a few milliseconds a chart. What a reader sees is the same kind of chart (bars,
value at the end of each bar, grid, axis labels, legend, which now sits above the bars where it
never covers one); the text alternative, the table and the CSV beside it are unchanged.
"""
from __future__ import annotations

import json
import math
import os
import warnings
from functools import lru_cache
from html import escape
from pathlib import Path

from stats.chart import Chart

FONT_FAMILY = "Noto Sans SC"
COLOURS = ["#12355b", "#7fa3c8", "#c0792a", "#1e6b34"]
INK, MUTED, LINE = "#1b1f24", "#4a5560", "#c9d1d9"
WIDTH_IN = 6.5
WIDTH = WIDTH_IN * 72  # points: the SVG's user units
LABEL_SIZE, VALUE_SIZE = 11.0, 9.0  # text sizes in points
EM = 100  # glyph outlines are defined at this size and scaled
MARGIN = 4.0  # blank border around everything
PAD = 6.0  # between a tick label and its axis
OUTLINE_FORMAT = 1  # change when the path data written for a glyph changes: the glyph file is then read afresh


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
    """Add the packaged font to matplotlib and check that its family name resolves to it (for
    anything else that draws with matplotlib; the charts here read the file directly)."""
    from matplotlib import font_manager

    path = font_path()
    font_manager.fontManager.addfont(str(path))
    found = font_manager.findfont(font_manager.FontProperties(family=FONT_FAMILY), fallback_to_default=False)
    if Path(found).resolve() != path.resolve():
        raise FontMissing(f"图表字体 {FONT_FAMILY} 解析为 {found}, 而不是随软件包安装的 {path}")
    return str(path)


class _Glyphs:
    """The packaged font's outlines and advances at `EM`, read once per character.

    FreeType is reached through matplotlib, whose import costs ~0.4 s: the outlines read are
    also kept on disk (`load`/`save`, in the build's cache folder, under the font's identity), so
    a build that draws only characters drawn before opens neither."""

    def __init__(self, path: Path):
        self.path = path
        self.face = None
        self.cache: dict[str, tuple[int, float, str]] = {}
        self.added = False

    def _open(self):
        from matplotlib.ft2font import FT2Font

        face = FT2Font(str(self.path))
        if face.family_name != FONT_FAMILY:
            raise FontMissing(f"图表字体文件 {self.path} 的字体族是 {face.family_name}, 不是 {FONT_FAMILY}")
        face.set_size(EM, 72)
        return face

    def glyph(self, char: str) -> tuple[int, float, str]:
        """(glyph index, advance at EM, outline as SVG path data at EM, y downwards)."""
        found = self.cache.get(char)
        if found is None:
            from matplotlib.ft2font import LoadFlags

            self.face = self.face or self._open()
            index = self.face.get_char_index(ord(char))
            if index == 0:
                warnings.warn(f"Glyph {ord(char)} ({char!r}) missing from font {FONT_FAMILY}", stacklevel=3)
            g = self.face.load_glyph(index, flags=LoadFlags.NO_HINTING)
            found = self.cache[char] = (index, g.linearHoriAdvance / 65536, _outline(*self.face.get_path()))
            self.added = True
        return found

    def width(self, text: str, size: float) -> float:
        return sum(self.glyph(c)[1] for c in text) * size / EM

    def file_name(self) -> str:
        """Which font the outlines came from: package version, file name and size."""
        import hashlib
        from importlib.metadata import version

        st = self.path.stat()
        ident = f"{version('pylopdf-fonts-zh-cn')} {self.path.name} {st.st_size} {EM} {OUTLINE_FORMAT}"
        return f"glyphs-{hashlib.sha256(ident.encode()).hexdigest()[:20]}.json"

    def load(self, folder: Path) -> None:
        try:
            known = json.loads((Path(folder) / self.file_name()).read_text(encoding="utf-8"))
        except (OSError, ValueError):  # none yet, or unreadable: read the font instead
            return
        for char, (index, advance, outline) in known.items():
            self.cache.setdefault(char, (index, advance, outline))

    def save(self, folder: Path) -> None:
        if not self.added:
            return
        path = Path(folder) / self.file_name()
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(self.cache, ensure_ascii=False, sort_keys=True), encoding="utf-8")
        os.replace(tmp, path)
        self.added = False


def _outline(vertices, codes) -> str:
    """FreeType's path (MOVETO 1, LINETO 2, CURVE3 3, CURVE4 4, CLOSEPOLY 79) as SVG path data."""
    parts, i = [], 0
    n = len(codes)
    while i < n:
        code = codes[i]
        if code == 1:
            parts.append(f"M{_n(vertices[i][0])} {_n(-vertices[i][1])}")
            i += 1
        elif code == 2:
            parts.append(f"L{_n(vertices[i][0])} {_n(-vertices[i][1])}")
            i += 1
        elif code == 3:
            (x1, y1), (x, y) = vertices[i], vertices[i + 1]
            parts.append(f"Q{_n(x1)} {_n(-y1)} {_n(x)} {_n(-y)}")
            i += 2
        elif code == 4:
            (x1, y1), (x2, y2), (x, y) = vertices[i], vertices[i + 1], vertices[i + 2]
            parts.append(f"C{_n(x1)} {_n(-y1)} {_n(x2)} {_n(-y2)} {_n(x)} {_n(-y)}")
            i += 3
        else:  # CLOSEPOLY (its vertex is ignored) or STOP
            parts.append("Z")
            i += 1
    return "".join(parts)


def _n(value: float) -> str:
    """A coordinate with at most two decimals, without trailing zeros ('-0' as '0')."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


@lru_cache(maxsize=1)
def glyphs() -> _Glyphs:
    return _Glyphs(font_path())


class _Canvas:
    """SVG elements in drawing order, and the glyphs they use (defined once in <defs>)."""

    def __init__(self, font: _Glyphs | None = None):
        self.font = font or glyphs()
        self.items: list[str] = []
        self.used: dict[int, str] = {}

    def rect(self, x: float, y: float, w: float, h: float, fill: str) -> None:
        self.items.append(f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(w)}" height="{_n(h)}" fill="{fill}"/>')

    def line(self, x1: float, y1: float, x2: float, y2: float, colour: str, width: float) -> None:
        self.items.append(f'<path d="M{_n(x1)} {_n(y1)}L{_n(x2)} {_n(y2)}" stroke="{colour}" stroke-width="{_n(width)}"/>')

    def text(self, text: str, x: float, y: float, size: float, colour: str, anchor: str = "start",
             rotate: bool = False) -> None:
        """`text` with its baseline at y; anchor start/middle/end along the writing direction;
        `rotate` writes upwards (90° anticlockwise), as the labels of a crowded axis."""
        width = self.font.width(text, size)
        advance = {"start": 0.0, "middle": -width / 2, "end": -width}[anchor] * EM / size
        uses = []
        for char in text:
            index, step, outline = self.font.glyph(char)
            self.used.setdefault(index, outline)
            uses.append(f'<use xlink:href="#g{index}" x="{_n(advance)}"/>' if _n(advance) != "0" else f'<use xlink:href="#g{index}"/>')
            advance += step
        turn = " rotate(-90)" if rotate else ""
        self.items.append(f'<g fill="{colour}" transform="translate({_n(x)} {_n(y)}){turn} scale({_scale(size)})">'
                          + "".join(uses) + "</g>")

    def svg(self, title: str, height: float) -> bytes:
        defs = "".join(f'<path id="g{i}" d="{d}"/>' for i, d in sorted(self.used.items()))
        body = "\n".join(self.items)
        return (
            '<?xml version="1.0" encoding="utf-8" standalone="no"?>\n'
            f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" version="1.1" '
            f'width="{_n(WIDTH)}pt" height="{_n(height)}pt" viewBox="0 0 {_n(WIDTH)} {_n(height)}" role="img">\n'
            f"<title>{escape(title, quote=False)}</title>\n"
            f"<defs>{defs}</defs>\n"
            f'<rect width="{_n(WIDTH)}" height="{_n(height)}" fill="#ffffff"/>\n'
            f"{body}\n</svg>\n"
        ).encode("utf-8")


def _scale(size: float) -> str:
    return f"{size / EM:.4f}".rstrip("0").rstrip(".")


def ticks(top: float) -> list[int]:
    """Integer ticks from 0 to at most `top`, a step of 1, 2, 2.5 or 5 × 10ⁿ (integers only),
    at most 9 intervals: what matplotlib's MaxNLocator(integer=True) chose for these charts."""
    top = max(top, 1.0)
    raw = top / 9
    magnitude = 10 ** math.floor(math.log10(raw)) if raw >= 1 else 1
    for factor in (1, 2, 2.5, 5, 10):
        step = factor * magnitude
        if step >= raw and step == int(step):
            break
    step = max(1, int(step))
    return list(range(0, int(top) + 1, step))


def _short(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:.1f}"


def _legend(canvas: _Canvas, series: list[tuple[str, list[float]]], top: float) -> float:
    """Series names above the plot, left to right, wrapping; returns the height used."""
    if len(series) < 2:
        return 0.0
    x, y, row = MARGIN, top, LABEL_SIZE * 1.6
    for i, (name, _) in enumerate(series):
        width = 14 + 5 + canvas.font.width(name, LABEL_SIZE)
        if x > MARGIN and x + width > WIDTH - MARGIN:
            x, y = MARGIN, y + row
        canvas.rect(x, y + row / 2 - 4.5, 14, 9, COLOURS[i % len(COLOURS)])
        canvas.text(name, x + 19, y + row / 2 + LABEL_SIZE * 0.36, LABEL_SIZE, INK)
        x += width + 16
    return y + row - top + 4


def _empty(canvas: _Canvas, x0: float, y0: float, x1: float, y1: float) -> None:
    canvas.line(x0, y1, x1, y1, LINE, 0.8)
    canvas.line(x0, y0, x0, y1, LINE, 0.8)
    canvas.text("暂无数据", (x0 + x1) / 2, (y0 + y1) / 2 + LABEL_SIZE * 0.36, LABEL_SIZE, MUTED, "middle")


def _fit(font: _Glyphs, text: str, size: float, room: float) -> str:
    """`text`, cut with an ellipsis to fit `room` (the full text is in the table beside the chart)."""
    if font.width(text, size) <= room:
        return text
    while text and font.width(text + "…", size) > room:
        text = text[:-1]
    return text + "…"


def _horizontal(canvas: _Canvas, chart: Chart) -> float:
    series = chart.series()
    labels = [_fit(canvas.font, t, LABEL_SIZE, WIDTH * 0.4) for t in chart.categories]
    totals = [sum(values[i] for _, values in series) for i in range(len(labels))]
    top = MARGIN + _legend(canvas, series, MARGIN)
    pitch = 0.34 * 72
    plot_h = pitch * max(1, len(labels)) + pitch * 0.3
    axis_max = max(totals + [1]) * 1.15
    marks = ticks(axis_max)
    label_w = max([canvas.font.width(t, LABEL_SIZE) for t in labels] + [0])
    x0 = MARGIN + label_w + PAD
    value_w = max([canvas.font.width(_short(t), VALUE_SIZE) for t in totals] + [0]) + 3
    last_tick = canvas.font.width(str(marks[-1]), LABEL_SIZE) / 2
    x1 = WIDTH - MARGIN - max(0.0, last_tick)
    y0, y1 = top, top + plot_h
    if not labels:
        _empty(canvas, x0, y0, x1, y1)
        return y1 + MARGIN
    # the value at the end of the longest bar must fit: shrink the scale if needed
    scale = min((x1 - x0) / axis_max, min((x1 - x0 - value_w) / t for t in totals if t > 0) if any(totals) else math.inf)
    for m in marks:
        x = x0 + m * scale
        if x <= x1 + 0.01:
            canvas.line(x, y0, x, y1, LINE, 0.6)
            canvas.text(str(m), x, y1 + PAD + LABEL_SIZE * 0.8, LABEL_SIZE, MUTED, "middle")
    for row, label in enumerate(labels):
        centre = y0 + pitch * (row + 0.65)
        left = 0.0
        for i, (_, values) in enumerate(series):
            if values[row] > 0:
                canvas.rect(x0 + left * scale, centre - pitch * 0.65 / 2, values[row] * scale, pitch * 0.65,
                            COLOURS[i % len(COLOURS)])
            left += values[row]
        canvas.text(label, x0 - PAD, centre + LABEL_SIZE * 0.36, LABEL_SIZE, INK, "end")
        canvas.text(_short(totals[row]), x0 + left * scale + 3, centre + VALUE_SIZE * 0.36, VALUE_SIZE, INK)
    canvas.line(x0, y1, x1, y1, LINE, 0.8)
    canvas.line(x0, y0, x0, y1, LINE, 0.8)
    return y1 + PAD + LABEL_SIZE * 1.1 + MARGIN


def _vertical(canvas: _Canvas, chart: Chart) -> float:
    labels, series = chart.categories, chart.series()
    totals = [sum(values[i] for _, values in series) for i in range(len(labels))]
    top = MARGIN + _legend(canvas, series, MARGIN) + VALUE_SIZE + 4  # room for the tallest bar's value
    rotate = len(labels) > 8
    label_h = max([canvas.font.width(t, LABEL_SIZE) for t in labels] + [0]) if rotate else LABEL_SIZE
    plot_h = 3.8 * 72 - top - PAD - label_h - MARGIN
    axis_max = max(totals + [1]) * 1.15
    marks = ticks(axis_max)
    x0 = MARGIN + max(canvas.font.width(str(m), LABEL_SIZE) for m in marks) + PAD
    x1, y0, y1 = WIDTH - MARGIN, top, top + plot_h
    if not labels:
        _empty(canvas, x0, y0, x1, y1)
        return 3.8 * 72
    scale = plot_h / axis_max
    for m in marks:
        y = y1 - m * scale
        canvas.line(x0, y, x1, y, LINE, 0.6)
        canvas.text(str(m), x0 - PAD, y + LABEL_SIZE * 0.36, LABEL_SIZE, INK, "end")
    pitch = (x1 - x0) / len(labels)
    bar = min(pitch * 0.7, 40.0)
    for col, label in enumerate(labels):
        centre = x0 + pitch * (col + 0.5)
        bottom = 0.0
        for i, (_, values) in enumerate(series):
            if values[col] > 0:
                canvas.rect(centre - bar / 2, y1 - (bottom + values[col]) * scale, bar, values[col] * scale,
                            COLOURS[i % len(COLOURS)])
            bottom += values[col]
        canvas.text(_short(totals[col]), centre, y1 - bottom * scale - 3, VALUE_SIZE, INK, "middle")
        if rotate:
            canvas.text(label, centre + LABEL_SIZE * 0.36, y1 + PAD, LABEL_SIZE, MUTED, "end", rotate=True)
        else:
            canvas.text(label, centre, y1 + PAD + LABEL_SIZE * 0.8, LABEL_SIZE, MUTED, "middle")
    canvas.line(x0, y1, x1, y1, LINE, 0.8)
    canvas.line(x0, y0, x0, y1, LINE, 0.8)
    return 3.8 * 72


def render_svg(chart: Chart, font: _Glyphs | None = None) -> bytes:
    """The chart as an SVG document (title in <title>, no date, no random ids, no metadata block:
    matplotlib's RDF namespace http://www.w3.org/1999/02/22-rdf-… read as a birth date to the gate)."""
    canvas = _Canvas(font)
    height = _horizontal(canvas, chart) if chart.horizontal else _vertical(canvas, chart)
    return canvas.svg(chart.title, height)
