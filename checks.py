"""`publish.py check`: the leak scan over a built site, and withdrawals that are due.

A withdrawal (revoked, altered, confirmed illegal or invalid) must be off the site within 3 days
(行政处罚法 第四十八条). A due withdrawal whose page is still live is a warning while days
remain and an error once the deadline has passed.
"""
from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

LEGAL_DAYS = 3


def run_checks(output: Path, exports: Path, state_dir: Path, today: date) -> tuple[list[str], list[str]]:
    from gate import scan_site
    from pipeline.redact_stage import redact_all
    from pipeline.state import State
    from publication import select
    from records import load_exports

    problems: list[str] = []
    warnings: list[str] = []
    if not Path(output).is_dir():
        return [f"站点目录 {output} 不存在"], []
    loaded = load_exports(exports)
    warnings += [f"无效记录: {p}" for p in loaded.problems]
    sel = select(loaded.decisions, today)
    redacted = redact_all(loaded.decisions, sel.slugs, State(state_dir))
    secrets = {d.source.where(d.id): redacted[d.id].secrets for d in loaded.decisions}
    problems += [f"泄露: {leak}" for leak in scan_site(Path(output), secrets)]
    for w in sel.withdrawals:
        page = Path(output, w.url, "index.html")
        if not page.exists() or 'class="decision"' not in page.read_text(encoding="utf-8"):
            continue  # gone, or already replaced by its withdrawal notice
        deadline = w.withdrawn_on + timedelta(days=LEGAL_DAYS)
        left = (deadline - today).days
        message = f"{w.decision_no} ({w.organ}) 应于 {deadline.isoformat()} 前撤下, 原因: {w.reason}"
        if left < 0:
            problems.append(f"已超过三日期限 {-left} 天: {message}")
        else:
            warnings.append(f"尚未撤下, 剩余 {left} 天: {message}")
    return problems, warnings
