"""Charts: Chinese drawn as paths in the packaged font, never a system font; repeatable bytes."""
from __future__ import annotations

import warnings
from pathlib import Path

import pylopdf_fonts_zh_cn
import pytest
from matplotlib import font_manager

from stats.chart import Chart
from stats.drawing import FONT_FAMILY, register_font, render_svg

CHART = Chart("test", "违法行为：行政处罚决定数", ["违法行为", "行政处罚决定"],
              [["盗窃", 21], ["未取得机动车驾驶证驾驶机动车", 9], ["殴打他人", 13]])


def test_the_font_is_the_packaged_one():
    assert Path(register_font()) == Path(pylopdf_fonts_zh_cn.sans_path())
    found = font_manager.findfont(font_manager.FontProperties(family=FONT_FAMILY), fallback_to_default=False)
    assert Path(found).resolve() == Path(pylopdf_fonts_zh_cn.sans_path()).resolve()


def test_chinese_is_drawn_as_paths_without_missing_glyphs():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns "Glyph … missing from font(s)"
        svg = render_svg(CHART).decode("utf-8")
    assert "<text" not in svg and "font-family" not in svg
    assert "<title>违法行为：行政处罚决定数</title>" in svg
    assert "<dc:date>" not in svg
    assert svg.count('<path id="') > 10  # glyph outlines, defined once each
    assert len(svg) < 150_000


def test_same_chart_same_bytes():
    assert render_svg(CHART) == render_svg(CHART)


def test_system_fonts_make_no_difference(monkeypatch):
    """With every system font hidden from matplotlib (as on a machine with no CJK font), the bytes are the same."""
    before = render_svg(CHART)
    packaged = str(Path(pylopdf_fonts_zh_cn.sans_path()).resolve())
    kept = [f for f in font_manager.fontManager.ttflist
            if str(Path(f.fname).resolve()) == packaged or "matplotlib" in f.fname]
    assert not any("wqy" in f.fname.lower() for f in kept)
    monkeypatch.setattr(font_manager.fontManager, "ttflist", kept)
    font_manager.fontManager._findfont_cached.cache_clear()
    try:
        assert render_svg(CHART) == before
    finally:
        font_manager.fontManager._findfont_cached.cache_clear()


def test_alt_text_and_csv():
    assert "盗窃" in CHART.alt and "21份" in CHART.alt
    data = CHART.csv_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and "殴打他人,13\r\n" in data.decode("utf-8-sig")


@pytest.mark.parametrize("horizontal", [True, False])
def test_empty_chart_still_draws(horizontal):
    empty = Chart("empty", "无数据", ["类别", "数量"], [], horizontal=horizontal)
    assert render_svg(empty).startswith(b"<?xml")
    assert "暂无数据" in empty.alt


def test_glyphs_kept_on_disk_draw_the_same_bytes_without_opening_the_font(tmp_path, monkeypatch):
    from stats.drawing import _Glyphs, font_path

    first = _Glyphs(font_path())
    drawn = render_svg(CHART, first)
    first.save(tmp_path)
    again = _Glyphs(font_path())
    again.load(tmp_path)
    monkeypatch.setattr(again, "_open", lambda: pytest.fail("the font was opened"))
    assert render_svg(CHART, again) == drawn


def test_a_character_the_font_lacks_is_reported():
    odd = Chart("odd", "缺字", ["类别", "数量"], [["\U00013000", 1]])
    with pytest.warns(UserWarning, match="missing from font"):
        render_svg(odd)


def test_axis_ticks_are_whole_numbers_at_a_round_step():
    from stats.drawing import ticks

    assert ticks(1.15) == [0, 1]
    assert ticks(90) == [0, 10, 20, 30, 40, 50, 60, 70, 80, 90]
    assert ticks(497) == [0, 100, 200, 300, 400]
    assert all(b - a == 2 for a, b in zip(ticks(17), ticks(17)[1:]))


def test_bars_are_as_long_as_their_values_and_labelled_with_their_totals():
    import re

    chart = Chart("t", "标题", ["类别", "甲", "乙"], [["一", 10, 5], ["二", 4, 0], ["三", 0, 0]], plotted=[1, 2])
    svg = render_svg(chart).decode("utf-8")
    widths = [float(w) for w in re.findall(r'<rect x="[\d.]+" y="[\d.]+" width="([\d.]+)" height="[\d.]+" fill="#(?:12355b|7fa3c8)"', svg)]
    legend, bars = widths[:2], widths[2:]
    assert legend == [14, 14] and len(bars) == 3  # zero-length bars are not drawn
    assert bars[0] / bars[1] == pytest.approx(2, rel=1e-3) and bars[0] / bars[2] == pytest.approx(10 / 4, rel=1e-3)
    assert svg.count("scale(0.09)") == 3  # a total (9 pt text) at the end of every bar, the empty one too


def test_a_long_category_is_cut_to_leave_room_for_the_bars():
    from stats.drawing import WIDTH, _fit, glyphs

    long = "违反" * 40
    cut = _fit(glyphs(), long, 11, WIDTH * 0.4)
    assert cut.endswith("…") and long.startswith(cut[:-1]) and glyphs().width(cut, 11) <= WIDTH * 0.4
    assert _fit(glyphs(), "盗窃", 11, WIDTH * 0.4) == "盗窃"
    assert render_svg(Chart("long", "长", ["违法行为", "数量"], [[long, 3]])).startswith(b"<?xml")
