"""The life of a published decision: withdrawal within 3 days, expiry, and the audit trail."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import date

import pytest
from click.testing import CliRunner
from conftest import ROOT, build, penalty, site_text, write_exports

import publish
from pipeline import audit
from pipeline.state import published_entries

# A sentence that only this decision's redacted text contains.
MARKER = "在五一广场与被侵害人李某发生争执"


def reconsideration(outcome="revoked", **changes):
    record = {
        "kind": "reconsideration", "id": "REC-T-1", "decision_no": "榕政复决字〔2026〕7号",
        "organ": "福州市人民政府", "respondent": "福州市公安局鼓楼分局",
        "original_decision_no": penalty()["decision_no"], "outcome": outcome, "decided_on": "2026-11-24",
        "parties": [{"role": "applicant", "type": "person", "name": "郑海涛", "phone": "13805912345"}],
        "text": "申请人郑海涛，电话13805912345，不服被申请人作出的处罚决定，申请行政复议。经审理，本机关决定如下。",
    }
    record.update(changes)
    return record


def other():
    return penalty(id="PEN-T-2", decision_no="榕公鼓（治）行罚决字〔2026〕902号", offence="赌博",
                   text="违法行为人郑海涛参与赌博。根据《中华人民共和国治安管理处罚法》第七十条，决定罚款500元。")


@pytest.fixture
def site(tmp_path):
    exports = write_exports(tmp_path / "exports", {"a.yaml": penalty(), "b.yaml": other()})
    out, state = tmp_path / "out", tmp_path / "state"
    report = build(exports, out, state, today=date(2026, 11, 20))
    assert report.swapped
    assert MARKER in site_text(out)
    return exports, out, state


OUTCOMES = ["revoked", "altered", "confirmed_illegal", "confirmed_invalid", "upheld", "dismissed", "ordered_to_perform"]
STATUSES = ["revoked", "altered", "confirmed_illegal", "invalid", "withdrawn"]


def numbered(i: int, **changes):
    """Penalty number i, with its own number and a sentence that only it contains."""
    return penalty(id=f"PEN-L-{i}", decision_no=f"榕公鼓（治）行罚决字〔2026〕{700 + i}号", case_no=f"A35010250000020261007{i:02d}",
                   text=f"违法行为人郑海涛，电话13805912345。经查，第{i}号案情独有的一句话在此。决定罚款500元。", **changes)


def test_every_outcome_and_status_in_one_sequence(tmp_path):
    """Build, then build again with a later export: overturned and re-statused penalties disappear."""
    exports = tmp_path / "exports"
    files = {f"p{i}.yaml": numbered(i) for i in range(len(OUTCOMES) + len(STATUSES))}
    write_exports(exports, files)
    out, state = tmp_path / "out", tmp_path / "state"
    build(exports, out, state, today=date(2026, 11, 20))
    text = site_text(out)
    assert all(f"第{i}号案情独有" in text for i in range(len(files)))

    later = {}
    for i, outcome in enumerate(OUTCOMES):
        later[f"r{i}.yaml"] = reconsideration(outcome, id=f"REC-L-{i}", decision_no=f"榕政复决字〔2026〕{80 + i}号",
                                              original_decision_no=f"榕公鼓（治）行罚决字〔2026〕{700 + i}号")
    for j, status in enumerate(STATUSES):
        i = len(OUTCOMES) + j
        later[f"p{i}.yaml"] = numbered(i, status=status, status_reason=f"理由{status}", status_changed_on="2026-11-23")
    write_exports(exports, later)
    report = build(exports, out, state, today=date(2026, 11, 25))
    assert report.swapped
    text = site_text(out)
    withdrawals_page = (out / "withdrawals" / "index.html").read_text(encoding="utf-8")
    feed = (out / "feeds" / "withdrawals.atom.xml").read_text(encoding="utf-8")
    events = {(e["decision_id"], e["event"]) for e in audit.read(state)}
    for i, outcome in enumerate(OUTCOMES):
        penalty_dir = out / "decisions" / f"pen-l-{i}"
        rec_page = (out / "reconsiderations" / f"rec-l-{i}" / "index.html").read_text(encoding="utf-8")
        if outcome in ("upheld", "dismissed", "ordered_to_perform"):
            page = (penalty_dir / "index.html").read_text(encoding="utf-8")
            assert f"第{i}号案情独有" in page and f"../../reconsiderations/rec-l-{i}/" in page, outcome
            assert f"../../decisions/pen-l-{i}/" in rec_page, "linked both ways"
            continue
        assert f"第{i}号案情独有" not in text, f"{outcome}: no output file still carries its text"
        notice = (penalty_dir / "index.html").read_text(encoding="utf-8")
        assert "撤回公告" in notice and f"榕政复决字〔2026〕{80 + i}号" in notice
        assert f"../../reconsiderations/rec-l-{i}/" in notice
        assert "郑海涛" not in notice and "郑某" not in notice, "the notice names no one"
        assert f"{700 + i}号" in withdrawals_page and f"{700 + i}号" in feed
        assert (f"PEN-L-{i}", "withdrawn") in events
        for place in ("sitemap.xml", "feeds/decisions.atom.xml", "decisions/index.html", "index.html"):
            assert f"pen-l-{i}/" not in (out / place).read_text(encoding="utf-8"), (outcome, place)
    for j, status in enumerate(STATUSES):
        i = len(OUTCOMES) + j
        assert f"第{i}号案情独有" not in text, status
        assert f"理由{status}" in (out / "decisions" / f"pen-l-{i}" / "index.html").read_text(encoding="utf-8")
        assert (f"PEN-L-{i}", "withdrawn") in events


def test_expiry_removes_silently(site):
    exports, out, state = site
    write_exports(exports, {"a.yaml": penalty(publicity_until="2026-11-30")})
    build(exports, out, state, today=date(2026, 11, 30))
    assert MARKER in site_text(out)
    build(exports, out, state, today=date(2026, 12, 1))
    assert MARKER not in site_text(out)
    assert not (out / "decisions" / "pen-t-1").exists(), "no notice for an expiry"
    assert "901号" not in (out / "withdrawals" / "index.html").read_text(encoding="utf-8")
    assert [e["event"] for e in audit.read(state) if e["decision_id"] == "PEN-T-1"] == ["published", "updated", "expired"]


def test_audit_log_over_a_sequence_of_builds(site):
    exports, out, state = site
    build(exports, out, state, today=date(2026, 11, 21))  # nothing changed: no event
    write_exports(exports, {"b.yaml": {**other(), "offence": "参与赌博"}})
    build(exports, out, state, today=date(2026, 11, 22))
    write_exports(exports, {"r.yaml": reconsideration("revoked")})
    build(exports, out, state, today=date(2026, 11, 25))
    events = [(e["date"], e["decision_id"], e["event"]) for e in audit.read(state)]
    assert events == [
        ("2026-11-20", "PEN-T-1", "published"),
        ("2026-11-20", "PEN-T-2", "published"),
        ("2026-11-22", "PEN-T-2", "updated"),
        ("2026-11-25", "REC-T-1", "published"),
        ("2026-11-25", "PEN-T-1", "withdrawn"),
    ]
    for e in audit.read(state):
        assert len(e["content_hash"]) == 64 and e["time"]
    # first publication comes from the log, not from the build date
    data = published_entries(state)
    assert data["PEN-T-2"]["decision"]["first_published_on"] == "2026-11-20"


def test_log_command_filters(site):
    _, _, state = site
    runner = CliRunner()
    result = runner.invoke(publish.cli, ["log", "--state", str(state), "--decision", "PEN-T-2", "--json"])
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert result.exit_code == 0 and [e["decision_id"] for e in lines] == ["PEN-T-2"]
    result = runner.invoke(publish.cli, ["log", "--state", str(state), "--event", "withdrawn"])
    assert result.exit_code == 0 and "没有符合条件的事件" in result.output


def test_torn_last_line_is_ignored_and_cut_before_the_next_append(site):
    exports, out, state = site
    with open(state / "audit.jsonl", "ab") as f:
        f.write(b'{"decision_id": "PEN-T-9", "ev')
    assert [e["decision_id"] for e in audit.read(state)] == ["PEN-T-1", "PEN-T-2"]
    write_exports(exports, {"r.yaml": reconsideration("revoked")})
    build(exports, out, state, today=date(2026, 11, 25))
    lines = (state / "audit.jsonl").read_text(encoding="utf-8").splitlines()
    assert all(json.loads(line) for line in lines) and len(lines) == 4


def test_a_build_killed_halfway_loses_nothing(site):
    exports, out, state = site
    write_exports(exports, {"r.yaml": reconsideration("revoked")})
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "publish.py"), "build", "--exports", str(exports), "--output", str(out),
         "--state", str(state), "--today", "2026-11-25"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    time.sleep(2.5)  # inside loading or redaction
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    after = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before or MARKER not in site_text(out), "either the old site or the whole new one"
    for line in (state / "audit.jsonl").read_text(encoding="utf-8").splitlines():
        json.loads(line)
    report = build(exports, out, state, today=date(2026, 11, 25))
    assert report.swapped and MARKER not in site_text(out)
    assert ("PEN-T-1", "withdrawn") in [(e["decision_id"], e["event"]) for e in audit.read(state)]


def test_check_warns_of_due_withdrawals_and_errs_past_the_deadline(site, tmp_path):
    exports, out, state = site
    write_exports(exports, {"r.yaml": reconsideration("revoked", decided_on="2026-11-21")})
    runner = CliRunner()
    args = ["check", "--output", str(out), "--exports", str(exports), "--state", str(state)]
    result = runner.invoke(publish.cli, [*args, "--today", "2026-11-22"])
    assert result.exit_code == 0 and "剩余 2 天" in result.output
    result = runner.invoke(publish.cli, [*args, "--today", "2026-11-26"])
    assert result.exit_code == 1 and "已超过三日期限" in result.output
    build(exports, out, state, today=date(2026, 11, 22))
    result = runner.invoke(publish.cli, [*args, "--today", "2026-11-26"])
    assert result.exit_code == 0, result.output
