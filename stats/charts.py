"""Which charts the statistics page and each scorecard show, built from the figures."""
from __future__ import annotations

from records.model import OUTCOMES
from stats.chart import Chart
from stats.review import STOOD

TOP_OFFENCES = 10
OVERTURNED_NAMES = "撤销、变更、确认违法或无效"


def percent(value: float | None) -> str:
    return "" if value is None else f"{value * 100:.1f}%"


def by_month(fig: dict, both_kinds: bool = True) -> Chart:
    if both_kinds:
        return Chart("by-month", "按月统计：公开的决定书（按决定日期）", ["月份", "行政处罚决定", "行政复议决定"],
                     [[m["month"], m["penalty"], m["reconsideration"]] for m in fig["by_month"]],
                     plotted=[1, 2], horizontal=False)
    return Chart("by-month", "按月统计：公开的行政处罚决定（按决定日期）", ["月份", "行政处罚决定"],
                 [[m["month"], m["penalty"]] for m in fig["by_month"]], horizontal=False)


def by_organ(stats: dict) -> Chart:
    rows = [[o["organ"], o["penalties"], o["reconsiderations"]] for o in stats["organs"] if o["penalties"] or o["reconsiderations"]]
    return Chart("by-organ", "按作出机关统计：公开的决定书", ["作出机关", "行政处罚决定", "行政复议决定"], rows, plotted=[1, 2])


def top_offences(fig: dict) -> Chart:
    total = len(fig["offences"])
    note = f"共 {total} 种违法行为，图表列出最多的 {TOP_OFFENCES} 种。" if total > TOP_OFFENCES else ""
    return Chart("offences", f"违法行为（前{TOP_OFFENCES}种）：行政处罚决定数", ["违法行为", "行政处罚决定"],
                 [[o["offence"], o["count"]] for o in fig["offences"][:TOP_OFFENCES]], note=note)


def penalty_types(fig: dict) -> Chart:
    return Chart("penalty-types", "处罚种类：作出该种处罚的决定数", ["处罚种类", "行政处罚决定", "占处罚决定的比例"],
                 [[t["name"], t["decisions"], percent(t["share"])] for t in fig["penalty_types"]],
                 note="一份决定可以同时作出几种处罚，因此各项之和可能大于处罚决定总数。")


def fines(fig: dict) -> Chart:
    return Chart("fines", "罚款金额分布（每份决定的罚款合计）", ["罚款金额", "行政处罚决定"],
                 [[b["band"], b["count"]] for b in fig["fines"]["distribution"]])


def detention(fig: dict) -> Chart:
    return Chart("detention", "行政拘留天数分布（每份决定的拘留合计）", ["拘留天数", "行政处罚决定"],
                 [[b["band"], b["count"]] for b in fig["detention"]["distribution"]])


def timeliness(fig: dict) -> Chart:
    t = fig["timeliness"]
    return Chart("timeliness", "决定日期到首次公开的工作日数", ["距决定日期", "行政处罚决定"],
                 [[b["band"], b["count"]] for b in t["distribution"]])


def outcomes(review: dict) -> Chart:
    return Chart("reconsideration-outcomes", "行政复议结果", ["复议结果", "行政复议决定"],
                 [[o["name"], o["count"]] for o in review["outcomes"]])


def by_respondent(review: dict) -> Chart:
    stood = "、".join(OUTCOMES[o] for o in OUTCOMES if o in STOOD)
    rows = [[r["respondent"], r["stood"], r["overturned"], r["total"] - r["stood"] - r["overturned"], r["total"]]
            for r in review["by_respondent"]]
    return Chart("reconsideration-by-respondent", "各被申请机关的复议结果",
                 ["被申请机关", f"处罚维持（{stood}）", f"处罚被{OVERTURNED_NAMES}", "其他（责令履行）", "合计"],
                 rows, plotted=[1, 2, 3])


def withdrawals(stats: dict) -> Chart:
    return Chart("withdrawals", "撤回的决定：按撤回时的状态", ["状态", "撤回的决定"],
                 [[s["name"], s["count"]] for s in stats["withdrawals"]["by_status"]])


def site_charts(stats: dict) -> list[Chart]:
    return [by_month(stats), by_organ(stats), top_offences(stats), penalty_types(stats), fines(stats),
            detention(stats), outcomes(stats["reconsideration"]), by_respondent(stats["reconsideration"]),
            withdrawals(stats), timeliness(stats)]


def scorecard_charts(card: dict) -> list[Chart]:
    return [by_month(card, both_kinds=False), top_offences(card), timeliness(card)]
