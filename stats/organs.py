"""Per-organ figures: the rows of the organ table and one scorecard per organ.

A scorecard lives at `stats/organs/<key>/`, with the same key as the organ's listing
(`organs/<key>/`), so the two pages can link to each other.
"""
from __future__ import annotations

from datetime import date

from portal.listings import organ_key
from records.model import PublicDecision, Withdrawal
from stats.figures import decision_figures, share
from stats.review import outcome_counts, withdrawal_figures


def organ_codes(decisions: list[PublicDecision]) -> dict[str, str]:
    codes: dict[str, str] = {}
    for d in sorted(decisions, key=lambda d: d.id):
        if d.kind == "penalty" and d.authority_code:
            codes.setdefault(d.organ, d.authority_code)
    return codes


def scorecard_path(key: str) -> str:
    return f"stats/organs/{key}/"


def scored_organs(decisions: list[PublicDecision], records: list[dict]) -> list[str]:
    """Organs that get a scorecard: those whose penalties are published or were reviewed."""
    names = {d.organ for d in decisions if d.kind == "penalty"} | {r["respondent"] for r in records if r["respondent"]}
    return sorted(names)


def organ_rows(decisions: list[PublicDecision], records: list[dict]) -> list[dict]:
    codes = organ_codes(decisions)
    scored = set(scored_organs(decisions, records))
    listed = {d.organ for d in decisions}
    total_penalties = sum(1 for d in decisions if d.kind == "penalty")
    rows = []
    for name in sorted(listed | scored):
        key = organ_key(name, codes.get(name))
        penalties = sum(1 for d in decisions if d.organ == name and d.kind == "penalty")
        rows.append({
            "organ": name, "key": key, "code": codes.get(name),
            "penalties": penalties,
            "penalty_share": share(penalties, total_penalties),
            "reconsiderations": sum(1 for d in decisions if d.organ == name and d.kind == "reconsideration"),
            "as_respondent": sum(1 for r in records if r["respondent"] == name),
            "listing": f"organs/{key}/" if name in listed else None,
            "scorecard": scorecard_path(key) if name in scored else None,
        })
    rows.sort(key=lambda r: (-r["penalties"], -r["reconsiderations"], r["organ"]))
    return rows


def scorecard(row: dict, decisions: list[PublicDecision], withdrawals: list[Withdrawal], records: list[dict],
              today: date) -> dict:
    name = row["organ"]
    own = [d for d in decisions if d.organ == name and d.kind == "penalty"]
    reviewed = [r for r in records if r["respondent"] == name]
    withdrawn = [w for w in withdrawals if w.organ == name]
    return {
        "organ": name, "key": row["key"], "code": row["code"], "listing": row["listing"], "path": row["scorecard"],
        **decision_figures(own, today),
        "reconsideration": {**outcome_counts(reviewed), "records": reviewed},
        "withdrawals": {**withdrawal_figures(withdrawn), "notices": [
            {"decision_no": w.decision_no, "withdrawn_on": w.withdrawn_on.isoformat(), "status": w.status,
             "reason": w.reason, "url": w.url}
            for w in sorted(withdrawn, key=lambda w: (w.withdrawn_on, w.decision_no), reverse=True)
        ]},
    }
