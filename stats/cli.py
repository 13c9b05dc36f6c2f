"""`publish.py stats`: the headline figures of the last build that was put in place."""
from __future__ import annotations

import json
from pathlib import Path

import click

from stats import read_copy
from stats.summary import headline


def _pct(value) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _yuan(value) -> str:
    return "—" if value is None else f"{value:,}元"


def lines(h: dict) -> list[str]:
    approx = " (近似值: 含节假日数据未收录的年份)" if h["timeliness_approximate"] else ""
    return [
        f"统计日期: {h['generated_on']}",
        f"公开的决定书: {h['decisions']} (行政处罚 {h['penalties']}, 行政复议 {h['reconsiderations']}); 机关 {h['organs']}",
        f"罚款: {h['fines_decisions']} 份决定, 合计 {_yuan(h['fines_total'])}, 中位数 {_yuan(h['fines_median'])}",
        f"行政拘留: {h['detention_decisions']} 份决定, 合计 {h['detention_total_days']} 日",
        f"行政复议: {h['reconsideration_total']} 件, 处罚维持 {h['reconsideration_stood']}, "
        f"被撤销、变更或确认违法、无效 {h['reconsideration_overturned']}",
        f"撤回的决定: {h['withdrawals']}",
        f"7个工作日内公开: {h['timeliness_within']} 份, {_pct(h['timeliness_share'])}{approx}",
    ]


def run_stats(state_dir: Path, as_json: bool) -> None:
    stats = read_copy(state_dir)
    if stats is None:
        raise click.ClickException(f"{Path(state_dir) / 'stats' / 'stats.json'} 不存在: 还没有成功的构建")
    h = headline(stats)
    if as_json:
        click.echo(json.dumps(h, ensure_ascii=False, indent=1))
    else:
        click.echo("\n".join(lines(h)))
