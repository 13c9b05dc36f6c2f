"""Figures of the statistics stage: how long the figures, charts and open data take, and their size.

    .venv/bin/python bench/stats.py [--count 5000]

Builds N synthetic public decisions (the sample generator's records, without redaction, which
the statistics never read), runs `stats.publish_stats` into a temporary folder with a minimal
page writer, and prints the time of each part and the bytes written (SVG, CSV, JSON, HTML).
"""
from __future__ import annotations

import argparse
import pathlib
import sys
import tempfile
import time
from collections import defaultdict
from datetime import date

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))

import samples  # noqa: E402
from publication import select  # noqa: E402
from records import load_exports  # noqa: E402
from records.model import PublicDecision  # noqa: E402

TODAY = date(2026, 11, 25)


class Writer:
    """Enough of `portal.writing.PageWriter` for the stage: raw files, and pages as their context size."""

    settings = {"PORTAL_SITE_ORIGIN": "http://127.0.0.1:8000"}

    def __init__(self, root: pathlib.Path):
        self.root, self.sizes = root, defaultdict(int)

    def raw(self, relative, data):
        data = data.encode("utf-8") if isinstance(data, str) else data
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        self.sizes[path.suffix] += len(data)

    def page(self, relative, template, **context):
        self.sizes[".html pages"] += 1


def public(decision, slug) -> PublicDecision:
    return PublicDecision(
        kind=decision.kind, id=decision.id, slug=slug, decision_no=decision.decision_no, decided_on=decision.decided_on,
        organ=decision.deciding_organ, text_html="", text_plain="", parties=[], names_natural_person=False,
        first_published_on=TODAY, authority_code=decision.authority_code, offence=decision.offence,
        legal_basis=decision.legal_basis, penalties=decision.penalties, respondent=decision.respondent,
        original_decision_no=decision.original_decision_no, outcome=decision.outcome,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=5000)
    args = parser.parse_args()
    from stats import publish_stats
    from stats.drawing import register_font
    from stats.summary import site_statistics

    with tempfile.TemporaryDirectory() as tmp:
        root = pathlib.Path(tmp)
        samples.write_exports(args.count, root / "exports", seed=1, today=TODAY)
        sel = select(load_exports(root / "exports").decisions, TODAY)
        decisions = [public(d, sel.slugs[d.id]) for d in sel.public]
        t = time.perf_counter()
        register_font()
        font = time.perf_counter() - t
        t = time.perf_counter()
        site_statistics(decisions, sel.withdrawals, [], TODAY)
        figures = time.perf_counter() - t
        writer = Writer(root / "site")
        t = time.perf_counter()
        publish_stats(decisions, sel.withdrawals, [], TODAY, root / "site", root / "state", writer)
        total = time.perf_counter() - t
        print(f"{len(decisions)} 份公开决定, {len(sel.withdrawals)} 份撤回")
        print(f"字体加载 {font:.2f}s; 计算全部数字 {figures:.2f}s; 整个阶段 (数字、图表、CSV、开放数据) {total:.2f}s")
        for suffix, size in sorted(writer.sizes.items()):
            print(f"  {suffix}: {size:,}" + (" 字节" if suffix.startswith(".") and "pages" not in suffix else ""))


if __name__ == "__main__":
    main()
