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
