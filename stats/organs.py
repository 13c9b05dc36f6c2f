"""Per-organ figures: the rows of the organ table and one scorecard per organ.

A scorecard lives at `stats/organs/<key>/`, with the same key as the organ's listing
(`organs/<key>/`), so the two pages can link to each other. Both are computed from the tallies
of `stats.figures.tally`, one per organ.
"""
from __future__ import annotations

from records.model import Withdrawal
from stats.figures import empty_tally, figures, share
from stats.review import outcome_counts, withdrawal_figures


def scorecard_path(key: str) -> str:
    return f"stats/organs/{key}/"


def scored_organs(tallies: dict[str, dict], records: list[dict]) -> list[str]:
    """Organs that get a scorecard: those whose penalties are published or were reviewed."""
    names = {organ for organ, t in tallies.items() if t["penalties"]} | {r["respondent"] for r in records if r["respondent"]}
    return sorted(names)


def organ_rows(tallies: dict[str, dict], records: list[dict]) -> list[dict]:
    from portal.listings import organ_key

    codes = {organ: t["code"][1] for organ, t in tallies.items() if t["code"]}
    scored = set(scored_organs(tallies, records))
    listed = {organ for organ, t in tallies.items() if t["penalties"] or t["reconsiderations"]}
    total_penalties = sum(t["penalties"] for t in tallies.values())
    rows = []
    for name in sorted(listed | scored):
        key = organ_key(name, codes.get(name))
        t = tallies.get(name) or empty_tally()
        rows.append({
            "organ": name, "key": key, "code": codes.get(name),
            "penalties": t["penalties"],
            "penalty_share": share(t["penalties"], total_penalties),
            "reconsiderations": t["reconsiderations"],
            "as_respondent": sum(1 for r in records if r["respondent"] == name),
            "listing": f"organs/{key}/" if name in listed else None,
            "scorecard": scorecard_path(key) if name in scored else None,
        })
    rows.sort(key=lambda r: (-r["penalties"], -r["reconsiderations"], r["organ"]))
    return rows


def scorecard(row: dict, tally: dict | None, withdrawals: list[Withdrawal], records: list[dict]) -> dict:
    name = row["organ"]
    reviewed = [r for r in records if r["respondent"] == name]
    withdrawn = [w for w in withdrawals if w.organ == name]
    return {
        "organ": name, "key": row["key"], "code": row["code"], "listing": row["listing"], "path": row["scorecard"],
        **figures(tally or empty_tally(), with_reconsiderations=False),
        "reconsideration": {**outcome_counts(reviewed), "records": reviewed},
        "withdrawals": {**withdrawal_figures(withdrawn), "notices": [
            {"decision_no": w.decision_no, "withdrawn_on": w.withdrawn_on.isoformat(), "status": w.status,
             "reason": w.reason, "url": w.url}
            for w in sorted(withdrawn, key=lambda w: (w.withdrawn_on, w.decision_no), reverse=True)
        ]},
    }
