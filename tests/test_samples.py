"""The synthetic sample-export generator (samples/)."""
from __future__ import annotations

import json
import re
import sys
from datetime import date, datetime
from pathlib import Path

import pytest
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repository root, when run as plain `pytest`

from records.model import CASE_TYPES, OUTCOMES, PARTY_ROLES, PARTY_TYPES, PENALTY_TYPES, PROGRESS_STAGES, STATUSES
from samples import DEMO_ARGS, DEMO_DIR, generate, write_exports
from samples.people import luhn_valid, valid_credit_code, valid_id18

TODAY = date(2026, 11, 25)
PENALTY_REQUIRED = ("id", "decision_no", "authority", "decided_on", "offence", "legal_basis", "penalties",
                    "parties", "text")
RECON_REQUIRED = ("id", "decision_no", "decided_on", "text", "organ", "respondent", "outcome", "parties")
PROGRESS_REQUIRED = ("case_no", "query_code", "case_type", "authority", "events")


@pytest.fixture(scope="module")
def records():
    return generate(300, 2026, TODAY)


def by_kind(records, kind):
    return [r for r in records if r["kind"] == kind]


def read_tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def load_tree(root: Path) -> list[dict]:
    out = []
    for p in sorted(root.rglob("*")):
        if p.suffix in (".yaml", ".yml"):
            data = yaml.safe_load(p.read_text(encoding="utf-8"))
        elif p.suffix == ".json":
            data = json.loads(p.read_text(encoding="utf-8"))
        else:
            continue
        out.extend(data if isinstance(data, list) else [data])
    return out


def test_same_arguments_give_byte_identical_files(tmp_path):
    a = write_exports(40, tmp_path / "a", seed=7, today=TODAY)
    b = write_exports(40, tmp_path / "b", seed=7, today=TODAY)
    assert a == b
    assert read_tree(tmp_path / "a") == read_tree(tmp_path / "b")
    write_exports(40, tmp_path / "c", seed=8, today=TODAY)
    assert read_tree(tmp_path / "a") != read_tree(tmp_path / "c")


def test_rewriting_replaces_the_previous_export(tmp_path):
    write_exports(60, tmp_path, seed=3, today=TODAY)
    write_exports(10, tmp_path, seed=3, today=TODAY)
    assert len(by_kind(load_tree(tmp_path), "penalty")) == 10


def test_counts_and_kinds(records):
    assert len(by_kind(records, "penalty")) == 300
    assert len(by_kind(records, "reconsideration")) == 15
    assert len(by_kind(records, "progress")) == 60
    assert {r["kind"] for r in records} == {"penalty", "reconsideration", "progress"}
    small = generate(5, 1, TODAY)
    assert len(by_kind(small, "penalty")) == 5
    assert {r["outcome"] for r in by_kind(small, "reconsideration")} == set(OUTCOMES)


def test_files_load_back_to_the_same_records(tmp_path, records):
    summary = write_exports(300, tmp_path, seed=2026, today=TODAY)
    assert summary["penalty"] == 300 and summary["files"] > 100
    loaded = load_tree(tmp_path)
    assert len(loaded) == len(records)
    suffixes = {p.suffix for p in tmp_path.rglob("*") if p.is_file()}
    assert {".yaml", ".json"} <= suffixes
    lists = [p for p in tmp_path.rglob("*") if p.is_file() and p.read_text(encoding="utf-8").startswith(("- ", "["))]
    assert any("penalty" in p.parts for p in lists) and any("progress" in p.parts for p in lists)
    for rec in loaded:  # YAML dates come back as dates: compare as ISO strings
        for k in ("decided_on", "served_on", "status_changed_on", "publicity_until"):
            if isinstance(rec.get(k), date):
                rec[k] = rec[k].isoformat()
    key = lambda r: r.get("id") or r["case_no"]  # noqa: E731
    assert sorted(loaded, key=key) == sorted(records, key=key)


def test_every_record_has_the_contract_fields(records):
    for r in records:
        datetime.fromisoformat(r["exported_at"])
        assert r["exported_at"].endswith("+08:00")
        required = {"penalty": PENALTY_REQUIRED, "reconsideration": RECON_REQUIRED, "progress": PROGRESS_REQUIRED}
        for field in required[r["kind"]]:
            assert r.get(field) not in (None, "", []), (r.get("id"), field)
        if r["kind"] == "progress":
            continue
        date.fromisoformat(r["decided_on"])
        assert r["decided_on"] <= TODAY.isoformat()
        assert r.get("status", "effective") in STATUSES
        for p in r["parties"]:
            assert p["role"] in PARTY_ROLES and p["type"] in PARTY_TYPES and p["name"]
            assert not any(k.startswith("_") for k in p)
        if r["kind"] == "penalty":
            for pen in r["penalties"]:
                assert pen["type"] in PENALTY_TYPES
                if pen["type"] == "detention":
                    assert 1 <= pen["days"] <= 20
                if pen["type"] == "fine":
                    assert pen["amount"] > 0
                if pen["type"] == "confiscation":
                    assert pen["item"]
            assert r["decided_on"] >= "2025-01-01"
            assert r.get("procedure", "general") in ("general", "summary")
        else:
            assert r["outcome"] in OUTCOMES


def test_penalties_look_real(records):
    pens = by_kind(records, "penalty")
    assert len({r["authority"] for r in pens}) == 10
    assert len({r["offence"] for r in pens}) >= 20
    assert len({r["id"] for r in pens}) == 300
    assert len({r["decision_no"] for r in pens}) == 300
    assert len({r["case_no"] for r in pens if "case_no" in r}) == len([r for r in pens if "case_no" in r])
    for r in pens:
        assert re.fullmatch(r"PEN-\d{4}-\d{6}", r["id"])
        assert re.fullmatch(r"[\u4e00-\u9fff]+（[治交]）(行|当)罚决字〔\d{4}〕\d+号", r["decision_no"])
        assert valid_credit_code(r["authority_code"])
        if "case_no" in r:
            assert re.fullmatch(r"A\d{22}", r["case_no"])
        assert all(c.startswith("《") and "》第" in c for c in r["legal_basis"])
    # numbers run 1, 2, 3… per organ and year, in date order
    seen: dict = {}
    for r in sorted(pens, key=lambda r: r["id"]):
        organ_year = (r["authority"], r["decided_on"][:4])
        n = int(re.search(r"〕(\d+)号", r["decision_no"]).group(1))
        assert n == seen.get(organ_year, 0) + 1
        seen[organ_year] = n
    share = lambda pred: sum(1 for r in pens if pred(r)) / len(pens)  # noqa: E731
    assert 0.04 <= share(lambda r: r.get("procedure") == "summary") <= 0.12
    assert 0.01 <= share(lambda r: any(p.get("minor") for p in r["parties"])) <= 0.06
    assert 0.02 <= share(lambda r: r.get("status", "effective") != "effective") <= 0.1
    assert share(lambda r: "publicity_until" in r) > 0.2
    assert share(lambda r: r["parties"][0]["type"] != "person") > 0.02
    assert share(lambda r: any(p["role"] in ("victim", "witness") for p in r["parties"])) > 0.05
    texts = [r["text"] for r in pens]
    assert 0.05 <= sum("**" in t for t in texts) / 300 <= 0.2
    assert 0.02 <= sum("<p" in t for t in texts) / 300 <= 0.1
    assert any("<script>" in t or "onclick=" in t for t in texts)
    assert any(re.search(r"&#\d+;", t) for t in texts)
    assert any(re.search(r"闽[A-K](·[0-9A-Z]{5}|[DF]\d{5})", t) for t in texts)
    cards = [m for t in texts for m in re.findall(r"卡号(\d{16,19})", t)]
    assert cards and all(luhn_valid(c) for c in cards)
    assert any(re.search(r"(微信号|QQ号)：", t) for t in texts)
    for cue in ("被侵害人", "证人", "报警", "六十日内", "六个月内"):
        assert any(cue in t for t in texts), cue


def test_id_numbers_have_valid_check_digits(records):
    numbers = [p["id_number"] for r in records if r["kind"] != "progress" for p in r["parties"]
               if p.get("id_type") == "居民身份证"]
    assert len(numbers) > 300
    old = [n for n in numbers if len(n) == 15]
    new = [n for n in numbers if len(n) == 18]
    assert old and len(old) + len(new) == len(numbers)
    assert all(valid_id18(n) for n in new)
    assert any(n.endswith("X") for n in new)
    assert all(n.isdigit() for n in old)
    codes = [p["credit_code"] for r in records if r["kind"] != "progress" for p in r["parties"] if p.get("credit_code")]
    assert codes and all(valid_credit_code(c) for c in codes)


def test_texts_carry_the_offenders_personal_data(records):
    for r in by_kind(records, "penalty") + by_kind(records, "reconsideration"):
        first = r["parties"][0]
        text = re.sub(r"&#(\d+);", lambda m: chr(int(m.group(1))), r["text"])
        if first["type"] == "person":
            assert first["id_number"] in text, r["id"]
            if first.get("id_type") == "居民身份证":
                assert first["name"] in text, r["id"]
        else:
            assert first["name"] in text and first["credit_code"] in text
        assert re.search(r"1[3-9]\d[- ]?\d{4}[- ]?\d{4}", text), r["id"]


def test_reconsiderations_review_real_penalties(records):
    pens = {r["decision_no"]: r for r in by_kind(records, "penalty")}
    recs = by_kind(records, "reconsideration")
    assert {r["outcome"] for r in recs} == set(OUTCOMES)
    assert 0.2 <= sum(r["outcome"] in ("revoked", "altered", "confirmed_illegal") for r in recs) / len(recs) <= 0.5
    for r in recs:
        assert re.fullmatch(r"REC-\d{4}-\d{6}", r["id"])
        assert re.fullmatch(r"[\u4e00-\u9fff]+复决字〔\d{4}〕\d+号", r["decision_no"])
        pen = pens[r["original_decision_no"]]
        assert r["respondent"] == pen["authority"]
        assert r["decided_on"] > pen["decided_on"]
        assert r["organ"].endswith("人民政府")
        assert r["original_decision_no"] in r["text"]
        assert any(p["role"] == "applicant" for p in r["parties"])


def test_progress_records(records):
    progress = by_kind(records, "progress")
    codes = [r["query_code"] for r in progress]
    assert len(set(codes)) == len(codes)
    assert len({r["case_no"] for r in progress}) == len(progress)
    assert {r["case_type"] for r in progress} == set(CASE_TYPES)
    for r in progress:
        assert re.fullmatch(r"[A-HJKMNP-Z2-9]{8}", r["query_code"])
        assert r["case_type"] in CASE_TYPES
        if "contact_phone" in r:
            assert re.fullmatch(r"0591-\d{8}", r["contact_phone"])
        assert 2 <= len(r["events"]) <= 7
        times = [datetime.fromisoformat(e["at"]) for e in r["events"]]
        assert times == sorted(times)
        assert all(e["at"].endswith("+08:00") and e["stage"] in PROGRESS_STAGES for e in r["events"])
        assert r["events"][0]["stage"] == "received"
        assert times[-1].date() <= TODAY
    notes = " ".join(e.get("note", "") for r in progress for e in r["events"])
    assert re.search(r"1[3-9]\d[- ]?\d{4}[- ]?\d{4}", notes)


def test_shipped_demo_is_what_the_generator_writes_now(tmp_path):
    write_exports(DEMO_ARGS["count"], tmp_path, seed=DEMO_ARGS["seed"], today=DEMO_ARGS["today"])
    shipped = read_tree(DEMO_DIR)
    fresh = read_tree(tmp_path)
    assert sorted(shipped) == sorted(fresh), "samples/demo is stale: rerun write_exports with DEMO_ARGS"
    stale = [k for k in fresh if shipped[k] != fresh[k]]
    assert not stale, f"samples/demo is stale ({len(stale)} files): rerun write_exports with DEMO_ARGS"
    assert sum(len(v) for v in shipped.values()) < 3_000_000


def test_plates_are_valid_plates(records):
    # GA 36: at most two letters among the five characters (闽A·VQCRM is no plate), no I or O;
    # new-energy plates are D or F and five digits
    from samples.people import valid_plate

    plates = [m.group() for r in records for m in re.finditer(r"闽[A-Z][·A-Z0-9]{5,6}", r.get("text") or "")]
    assert len(plates) > 20
    assert all(valid_plate(p) for p in plates), [p for p in plates if not valid_plate(p)][:5]
    assert not valid_plate("闽A·VQCRM") and not valid_plate("闽A·1I234") and valid_plate("闽AD12345")
