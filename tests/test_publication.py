"""Publication rules: what may be public, and what must leave the site (行政处罚法 第四十八条)."""
from __future__ import annotations

from datetime import date

import pytest
from conftest import TODAY, penalty, write_exports

from publication import select, slug_for
from publication.periods import publicity_end
from records import load_exports


def selected(tmp_path, records, today=TODAY):
    write_exports(tmp_path, {f"r{i}.yaml": r for i, r in enumerate(records)})
    loaded = load_exports(tmp_path)
    assert loaded.problems == []
    return select(loaded.decisions, today)


def reconsideration(**changes):
    record = {
        "kind": "reconsideration", "id": "REC-T-1", "decision_no": "榕政复决字〔2026〕7号",
        "organ": "福州市人民政府", "respondent": "福州市公安局鼓楼分局",
        "original_decision_no": penalty()["decision_no"], "outcome": "revoked", "decided_on": "2026-11-20",
        "parties": [{"role": "applicant", "type": "person", "name": "郑海涛"}],
        "text": "申请人郑海涛不服被申请人作出的处罚决定，申请行政复议。本机关决定撤销该处罚决定。",
    }
    record.update(changes)
    return record


def test_effective_general_decision_is_public(tmp_path):
    sel = selected(tmp_path, [penalty()])
    assert [d.id for d in sel.public] == ["PEN-T-1"]


def test_summary_procedure_is_never_public(tmp_path):
    sel = selected(tmp_path, [penalty(procedure="summary")])
    assert sel.public == [] and sel.withdrawals == []
    assert "简易程序" in sel.excluded[0][1]


def test_minor_offender_is_never_public(tmp_path):
    minor = {**penalty()["parties"][0], "minor": True}
    sel = selected(tmp_path, [penalty(parties=[minor])])
    assert sel.public == [] and "未成年人" in sel.excluded[0][1]


def test_minor_victim_does_not_block_publication(tmp_path):
    victim = {"role": "victim", "type": "person", "name": "李小明", "minor": True}
    sel = selected(tmp_path, [penalty(parties=[penalty()["parties"][0], victim])])
    assert len(sel.public) == 1


@pytest.mark.parametrize("status", ["revoked", "altered", "confirmed_illegal", "invalid", "withdrawn"])
def test_own_status_withdraws_with_a_notice(tmp_path, status):
    sel = selected(tmp_path, [penalty(status=status, status_reason="经复核依法撤销", status_changed_on="2026-11-22")])
    assert sel.public == []
    (w,) = sel.withdrawals
    assert (w.status, w.reason, w.withdrawn_on) == (status, "经复核依法撤销", date(2026, 11, 22))


@pytest.mark.parametrize("outcome, withdraws", [
    ("upheld", False), ("revoked", True), ("altered", True), ("confirmed_illegal", True),
    ("confirmed_invalid", True), ("ordered_to_perform", False), ("dismissed", False),
])
def test_reconsideration_outcomes(tmp_path, outcome, withdraws):
    sel = selected(tmp_path, [penalty(), reconsideration(outcome=outcome)])
    public_ids = {d.id for d in sel.public}
    assert "REC-T-1" in public_ids  # the reconsideration itself is published
    assert ("PEN-T-1" not in public_ids) == withdraws
    if withdraws:
        (w,) = sel.withdrawals
        assert w.reconsideration_no == "榕政复决字〔2026〕7号" and w.withdrawn_on == date(2026, 11, 20)
        assert "福州市人民政府" in w.reason


def test_reconsideration_matches_numbers_written_differently(tmp_path):
    sel = selected(tmp_path, [penalty(), reconsideration(original_decision_no="榕公鼓(治)行罚决字〔2026〕901号 ")])
    assert [w.decision_id for w in sel.withdrawals] == ["PEN-T-1"]


def test_expiry_by_publicity_until(tmp_path):
    sel = selected(tmp_path, [penalty(publicity_until="2026-11-24")])
    assert sel.public == [] and sel.withdrawals == [] and [d.id for d in sel.expired] == ["PEN-T-1"]
    sel = selected(tmp_path, [penalty(publicity_until="2026-11-25")])
    assert [d.id for d in sel.public] == ["PEN-T-1"], "the last day is still public"


def test_default_period_takes_the_longest_penalty(tmp_path):
    write_exports(tmp_path, {"a.yaml": penalty(decided_on="2025-01-10", penalties=[{"type": "warning"}, {"type": "detention", "days": 3}]),
                             "b.yaml": penalty(id="W", decided_on="2026-01-10", penalties=[{"type": "warning"}])})
    loaded = load_exports(tmp_path)
    ends = {d.id: publicity_end(d) for d in loaded.decisions}
    assert ends == {"PEN-T-1": date(2028, 1, 10), "W": date(2026, 4, 10)}
    sel = select(loaded.decisions, TODAY)
    assert [d.id for d in sel.public] == ["PEN-T-1"] and [d.id for d in sel.expired] == ["W"]


def test_future_decision_waits(tmp_path):
    sel = selected(tmp_path, [penalty(decided_on="2026-12-01")])
    assert sel.public == []


@pytest.mark.parametrize("record_id, slug", [
    ("PEN-2026-000123", "pen-2026-000123"),
    ("pen_7", "pen-7"),
])
def test_slugs_come_from_ids(record_id, slug):
    assert slug_for(record_id) == slug


def test_slug_of_a_chinese_id_is_a_digest_not_pinyin():
    slug = slug_for("张三的案件")
    assert slug.startswith("d-") and len(slug) == 14 and "zhang" not in slug
