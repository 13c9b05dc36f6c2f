"""Open data: one row per published decision, only public fields, every field documented."""
from __future__ import annotations

import csv
import io
import json
import re

import pytest
from conftest import ROOT, TODAY

from opendata import FIELDS, LICENCE
from publication import select
from records import load_exports


@pytest.fixture(scope="module")
def exports():
    return load_exports(ROOT / "samples" / "demo")


@pytest.fixture(scope="module")
def sel(exports):
    return select(exports.decisions, TODAY)


@pytest.fixture(scope="module")
def table(demo_site):
    raw = (demo_site / "data" / "decisions.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "Excel needs the byte-order mark to read UTF-8"
    return list(csv.DictReader(io.StringIO(raw[3:].decode("utf-8"))))


@pytest.fixture(scope="module")
def document(demo_site):
    return json.loads((demo_site / "data" / "decisions.json").read_text(encoding="utf-8"))


def test_csv_has_every_published_decision_once_and_nothing_else(table, sel):
    assert list(table[0]) == list(FIELDS)
    assert sorted(r["decision_no"] for r in table) == sorted(d.decision_no for d in sel.public)
    gone = {d.decision_no for d in sel.withdrawn + sel.expired + [d for d, _ in sel.excluded]}
    assert not gone & {r["decision_no"] for r in table}


def test_json_matches_csv(document, table, sel):
    assert document["count"] == len(table) == len(sel.public)
    assert document["licence"] == LICENCE and list(document["fields"]) == list(FIELDS)
    for row, record in zip(table, document["decisions"]):
        assert row["decision_no"] == record["decision_no"] and row["url"] == record["url"]
        assert row["legal_basis"] == "；".join(record["legal_basis"])


def test_amounts_and_outcomes_match_the_exports(document, sel):
    by_no = {d.decision_no: d for d in sel.public}
    for record in document["decisions"]:
        d = by_no[record["decision_no"]]
        fines = [p.amount for p in d.penalties if p.type == "fine"]
        days = [p.days for p in d.penalties if p.type == "detention"]
        assert record["fine_amount"] == (sum(fines) if fines else None)
        assert record["detention_days"] == (sum(days) if days else None)
        assert record["kind"] == d.kind and record["decided_on"] == d.decided_on.isoformat()
        assert record["organ"] == d.deciding_organ
        assert record["outcome"] == d.outcome and record["respondent"] == d.respondent
        assert record["url"].endswith(f"{'decisions' if d.kind == 'penalty' else 'reconsiderations'}/{sel.slugs[d.id]}/")


def test_no_personal_data_of_any_party(demo_site, exports):
    text = (demo_site / "data" / "decisions.csv").read_text(encoding="utf-8-sig")
    text += (demo_site / "data" / "decisions.json").read_text(encoding="utf-8")
    for d in exports.decisions:
        for party in d.parties:
            for value in (party.id_number, party.phone, party.address):
                if value:
                    assert value not in text
            if party.type == "person" and party.name:
                assert party.name not in text, party.name
        if d.case_no:
            assert d.case_no not in text


def test_every_field_and_the_licence_are_documented(demo_site):
    page = (ROOT / "content" / "pages" / "open-data.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"`([a-z_]+)`", page))
    assert set(FIELDS) <= documented
    assert {"penalty_items", "generated_on", "licence", "count", "fields", "decisions"} <= documented
    stats = json.loads((demo_site / "data" / "stats.json").read_text(encoding="utf-8"))
    assert set(stats) <= documented
    for section in ("timeliness", "fines", "reconsideration", "organs"):
        part = stats[section] if isinstance(stats[section], dict) else stats[section][0]
        assert set(part) <= documented, section
    assert "CC BY 4.0" in page and LICENCE["url"] in page
    html = (demo_site / "open-data" / "index.html").read_text(encoding="utf-8")
    assert "许可协议" in html and "decision_no" in html
