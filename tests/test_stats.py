"""Every figure on the statistics pages, checked against counts made here, by hand, from the exports.

The counts below deliberately do not use `stats`: they start again from the demo exports
(`records.load_exports` + `publication.select`) and count with plain Python.
"""
from __future__ import annotations

import csv
import io
import json
import statistics
from collections import Counter, defaultdict
from datetime import timedelta

import chinese_calendar
import pytest
from conftest import ROOT, TODAY, build

from publication import normalise_no, select
from records import load_exports
from records.model import OUTCOMES, PENALTY_TYPES

OVERTURNING = {"revoked": "revoked", "altered": "altered", "confirmed_illegal": "confirmed_illegal", "invalid": "confirmed_invalid"}


@pytest.fixture(scope="module")
def sel():
    return select(load_exports(ROOT / "samples" / "demo").decisions, TODAY)


@pytest.fixture(scope="module")
def stats(demo_site):
    return json.loads((demo_site / "data" / "stats.json").read_text(encoding="utf-8"))


def penalties_of(sel, organ=None):
    return [d for d in sel.public if d.kind == "penalty" and (organ is None or d.authority == organ)]


def fine_totals(decisions):
    return [sum(p.amount for p in d.penalties if p.type == "fine") for d in decisions if any(p.type == "fine" for p in d.penalties)]


def detention_totals(decisions):
    return [sum(p.days for p in d.penalties if p.type == "detention") for d in decisions if any(p.type == "detention" for p in d.penalties)]


def reconsiderations_by_hand(sel):
    """(decision number, respondent, outcome) of every public reconsideration, each counted once."""
    seen = {}
    for d in sel.public:
        if d.kind == "reconsideration":
            seen[normalise_no(d.decision_no)] = (d.respondent, d.outcome)
    for w in sel.withdrawals:
        if w.reconsideration_no and normalise_no(w.reconsideration_no) not in seen:
            seen[normalise_no(w.reconsideration_no)] = (w.organ, OVERTURNING[w.status])
    return seen


def workdays_between(start, end):
    if end <= start:
        return 0
    return len(chinese_calendar.get_workdays(start + timedelta(days=1), end))


def csv_rows(path):
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(raw[3:].decode("utf-8"))))


def test_totals(stats, sel):
    kinds = Counter(d.kind for d in sel.public)
    assert stats["totals"] == {
        "decisions": len(sel.public), "penalties": kinds["penalty"], "reconsiderations": kinds["reconsideration"],
        "withdrawals": len(sel.withdrawals), "organs": len({d.deciding_organ for d in sel.public}),
    }
    assert stats["totals"]["decisions"] > 100 and stats["totals"]["withdrawals"] > 5


def test_by_month(stats, sel):
    counts = Counter((d.decided_on.strftime("%Y-%m"), d.kind) for d in sel.public)
    shown = {m["month"]: (m["penalty"], m["reconsideration"]) for m in stats["by_month"]}
    for month in {m for m, _ in counts}:
        assert shown[month] == (counts[(month, "penalty")], counts[(month, "reconsideration")]), month
    assert sum(a + b for a, b in shown.values()) == len(sel.public)


def test_offences_and_penalty_types(stats, sel):
    penalties = penalties_of(sel)
    assert {o["offence"]: o["count"] for o in stats["offences"]} == dict(Counter(d.offence for d in penalties if d.offence))
    by_type = {t["type"]: t["decisions"] for t in stats["penalty_types"]}
    for code in PENALTY_TYPES:
        assert by_type.get(code, 0) == sum(1 for d in penalties if any(p.type == code for p in d.penalties)), code


def test_fines_and_detention(stats, sel):
    fines = fine_totals(penalties_of(sel))
    assert stats["fines"]["decisions"] == len(fines)
    assert stats["fines"]["total"] == sum(fines)
    assert stats["fines"]["median"] == statistics.median(fines)
    assert stats["fines"]["max"] == max(fines)
    bands = [b["count"] for b in stats["fines"]["distribution"]]
    assert bands == [sum(1 for f in fines if f <= 200), sum(1 for f in fines if 200 < f <= 500),
                     sum(1 for f in fines if 500 < f <= 1000), sum(1 for f in fines if 1000 < f <= 5000),
                     sum(1 for f in fines if f > 5000)]
    days = detention_totals(penalties_of(sel))
    assert stats["detention"]["decisions"] == len(days)
    assert stats["detention"]["total_days"] == sum(days)
    assert stats["detention"]["median_days"] == statistics.median(days)
    assert sum(b["count"] for b in stats["detention"]["distribution"]) == len(days)


def test_reconsideration_outcomes_overall_and_per_respondent(stats, sel):
    records = reconsiderations_by_hand(sel)
    rc = stats["reconsideration"]
    assert rc["total"] == len(records)
    assert {o["outcome"]: o["count"] for o in rc["outcomes"]} == {o: sum(1 for _, x in records.values() if x == o) for o in OUTCOMES}
    assert rc["stood"] == sum(1 for _, o in records.values() if o in ("upheld", "dismissed"))
    assert rc["overturned"] == sum(1 for _, o in records.values() if o in ("revoked", "altered", "confirmed_illegal", "confirmed_invalid"))
    per = defaultdict(Counter)
    for respondent, outcome in records.values():
        per[respondent][outcome] += 1
    shown = {r["respondent"]: {o["outcome"]: o["count"] for o in r["outcomes"] if o["count"]} for r in rc["by_respondent"]}
    assert shown == {k: dict(v) for k, v in per.items()}


def test_reconsiderations_named_only_by_a_withdrawal_notice_are_counted():
    """A withdrawal that cites a reconsideration the site does not publish still counts for the respondent."""
    from records.model import Withdrawal
    from stats.review import reconsiderations

    w = Withdrawal(decision_id="P1", slug="p1", decision_no="榕公（治）行罚决字〔2026〕1号", organ="福州市公安局鼓楼分局",
                   withdrawn_on=TODAY, reason="复议撤销", status="revoked", reconsideration_slug="r1",
                   reconsideration_no="榕政复决字〔2026〕99号")
    result = reconsiderations([], [w, w])
    assert result["total"] == 1 and result["from_withdrawal_notices"] == 1
    assert result["by_respondent"][0]["respondent"] == "福州市公安局鼓楼分局"
    assert result["by_respondent"][0]["overturned"] == 1


def test_withdrawals(stats, sel):
    assert stats["withdrawals"]["total"] == len(sel.withdrawals)
    assert {s["status"]: s["count"] for s in stats["withdrawals"]["by_status"]} == dict(Counter(w.status for w in sel.withdrawals))
    assert {r["reason"]: r["count"] for r in stats["withdrawals"]["reasons"]} == dict(Counter(w.reason for w in sel.withdrawals))
    assert stats["withdrawals"]["after_reconsideration"] == sum(1 for w in sel.withdrawals if w.reconsideration_no)


def test_timeliness_counts_working_days_with_holidays(stats, sel):
    # A fresh state: every decision is first published by this build, on TODAY.
    penalties = penalties_of(sel)
    delays = [workdays_between(d.decided_on, TODAY) for d in penalties]
    t = stats["timeliness"]
    assert t["decisions"] == len(penalties)
    assert t["within_deadline"] == sum(1 for v in delays if v <= 7)
    assert t["median_working_days"] == statistics.median(delays)
    assert t["approximate"] is False and t["log_started_on"] == TODAY.isoformat()
    assert t["decided_before_log"] == sum(1 for d in penalties if d.decided_on < TODAY)


def test_every_organ_scorecard(stats, sel, demo_site):
    records = reconsiderations_by_hand(sel)
    cards = {c["organ"]: c for c in stats["scorecards"]}
    organs = {d.authority for d in penalties_of(sel)} | {r for r, _ in records.values()}
    assert set(cards) == organs
    for organ, card in cards.items():
        own = penalties_of(sel, organ)
        assert card["totals"]["penalties"] == len(own), organ
        assert card["fines"]["total"] == sum(fine_totals(own)), organ
        assert card["detention"]["total_days"] == sum(detention_totals(own)), organ
        assert card["reconsideration"]["total"] == sum(1 for r, _ in records.values() if r == organ), organ
        assert card["withdrawals"]["total"] == sum(1 for w in sel.withdrawals if w.organ == organ), organ
        assert card["timeliness"]["within_deadline"] == sum(1 for d in own if workdays_between(d.decided_on, TODAY) <= 7)
        assert card["timeliness"]["decided_before_log"] == sum(1 for d in own if d.decided_on < TODAY), organ
        page = (demo_site / card["path"] / "index.html").read_text(encoding="utf-8")
        assert f"{organ}：执法统计" in page
        if card["listing"]:
            assert f'href="../../../{card["listing"]}"' in page  # back to its listing
            listing = (demo_site / card["listing"] / "index.html").read_text(encoding="utf-8")
            if card["code"]:
                assert f'stats/organs/{card["code"].lower()}/' in listing


def test_pages_and_csv_tables_show_the_same_figures(stats, demo_site):
    page = (demo_site / "stats" / "index.html").read_text(encoding="utf-8")
    t = stats["totals"]
    assert f"公开的 {t['decisions']} 份决定书" in page
    assert f"{stats['fines']['total']:,}元" in page and f"{stats['detention']['total_days']} 日" in page
    assert f"共 {stats['reconsideration']['total']} 件行政复议决定" in page
    by_month = csv_rows(demo_site / "stats" / "by-month.csv")
    assert by_month[0] == ["月份", "行政处罚决定", "行政复议决定"]
    assert [[m["month"], str(m["penalty"]), str(m["reconsideration"])] for m in stats["by_month"]] == by_month[1:]
    fines = csv_rows(demo_site / "stats" / "fines.csv")
    assert [int(r[1]) for r in fines[1:]] == [b["count"] for b in stats["fines"]["distribution"]]
    for name in ("by-month", "by-organ", "offences", "penalty-types", "fines", "detention", "reconsideration-outcomes",
                 "reconsideration-by-respondent", "withdrawals", "timeliness"):
        assert (demo_site / "stats" / f"{name}.svg").read_bytes().startswith(b"<?xml")
        assert f'src="../stats/{name}.svg"' in page and f'href="../stats/{name}.csv"' in page
        for row in csv_rows(demo_site / "stats" / f"{name}.csv")[1:]:
            assert f"<th scope=\"row\">{row[0]}</th>" in page, (name, row)


def test_publish_stats_verb_prints_the_last_build(tmp_path, demo_site, stats):
    from click.testing import CliRunner

    import publish

    state = demo_site.parent / "state"
    result = CliRunner().invoke(publish.cli, ["stats", "--state", str(state)])
    assert result.exit_code == 0, result.output
    assert f"公开的决定书: {stats['totals']['decisions']}" in result.output
    result = CliRunner().invoke(publish.cli, ["stats", "--state", str(state), "--json"])
    assert json.loads(result.output)["fines_total"] == stats["fines"]["total"]
    result = CliRunner().invoke(publish.cli, ["stats", "--state", str(tmp_path)])
    assert result.exit_code == 1 and "还没有成功的构建" in result.output


def test_two_builds_write_byte_identical_statistics_and_data(tmp_path, demo_site):
    report = build(ROOT / "samples" / "demo", tmp_path / "output", tmp_path / "state")
    assert report.swapped
    for folder in ("stats", "data"):
        ours = sorted(p.relative_to(demo_site) for p in (demo_site / folder).rglob("*") if p.is_file())
        theirs = sorted(p.relative_to(tmp_path / "output") for p in (tmp_path / "output" / folder).rglob("*") if p.is_file())
        assert ours == theirs
        for rel in ours:
            assert (demo_site / rel).read_bytes() == (tmp_path / "output" / rel).read_bytes(), rel


def test_charts_carry_no_rdf_namespace_that_reads_as_a_birth_date(tmp_path):
    # matplotlib's RDF namespace http://www.w3.org/1999/02/22-rdf-syntax-ns# spells 1999-02-22:
    # with an offender born that day the gate stopped every build (a 2,000-sample build, seed 5).
    from conftest import PENALTY, penalty, write_exports

    party = {**PENALTY["parties"][0], "birth_date": "1999-02-22", "id_number": None}
    text = PENALTY["text"].replace("身份证号码350102199003071238", "1999年2月22日出生")
    exports = write_exports(tmp_path / "exports", {"a.yaml": penalty(parties=[party], text=text)})
    report = build(exports, tmp_path / "out", tmp_path / "state")
    assert report.leaks == [] and report.swapped
    charts = list((tmp_path / "out" / "stats").rglob("*.svg"))
    assert charts
    for svg in charts:
        body = svg.read_text(encoding="utf-8")
        assert "<title>" in body and "1999/02/22" not in body and "<metadata>" not in body
    assert "1999年2月22日" not in (tmp_path / "out" / "decisions" / "pen-t-1" / "index.html").read_text(encoding="utf-8")
