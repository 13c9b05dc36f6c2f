"""Reconsideration outcomes (per respondent organ) and withdrawals, from what is public.

A reconsideration that revoked, altered or annulled a penalty takes that penalty off the site,
but the reconsideration itself is public: it is counted from the published reconsideration,
or, when that is not on the site (e.g. its applicant is a minor), from the withdrawal notice
that names it. Each reconsideration is counted once, by its decision number.
"""
from __future__ import annotations

from collections import Counter

from publication import normalise_no
from records.model import OUTCOMES, STATUSES, WITHDRAWING_OUTCOMES, PublicDecision, Withdrawal
from stats.figures import share

# The outcome a withdrawal notice's status stands for, when the notice cites a reconsideration.
OUTCOME_OF_STATUS = {"revoked": "revoked", "altered": "altered", "confirmed_illegal": "confirmed_illegal",
                     "invalid": "confirmed_invalid"}
STOOD = {"upheld", "dismissed"}  # the penalty stands


def published_reconsiderations(decisions: list[PublicDecision]) -> list[list]:
    """[[sort key, normalised number, record], ...] of the published reconsiderations with an
    outcome, in the order that decides which copy of a number counts (plain data: a summary)."""
    found = []
    for d in decisions:
        if d.kind == "reconsideration" and d.outcome:
            found.append([[d.decided_on.isoformat(), d.decision_no, d.id], normalise_no(d.decision_no), {
                "decision_no": d.decision_no, "respondent": d.respondent or "", "outcome": d.outcome,
                "decided_on": d.decided_on.isoformat(), "url": d.url, "source": "published",
            }])
    return sorted(found)


def reconsideration_records(published: list[list], withdrawals: list[Withdrawal]) -> list[dict]:
    """Each reconsideration once, by its number: from the published ones (of any number of parts,
    see `published_reconsiderations`), else from the withdrawal notices that cite it."""
    records: dict[str, dict] = {}
    for _, number, record in sorted(published, key=lambda item: item[0]):
        records.setdefault(number, record)
    for w in sorted(withdrawals, key=lambda w: (w.withdrawn_on, w.decision_no, w.decision_id)):
        if w.reconsideration_no and w.status in OUTCOME_OF_STATUS:
            records.setdefault(normalise_no(w.reconsideration_no), {
                "decision_no": w.reconsideration_no, "respondent": w.organ, "outcome": OUTCOME_OF_STATUS[w.status],
                "decided_on": w.withdrawn_on.isoformat(), "url": w.url, "source": "withdrawal",
            })
    return sorted(records.values(), key=lambda r: (r["decided_on"], r["decision_no"]))


def outcome_counts(records: list[dict]) -> dict:
    counts = Counter(r["outcome"] for r in records)
    stood = sum(counts[o] for o in STOOD)
    overturned = sum(counts[o] for o in WITHDRAWING_OUTCOMES)
    return {
        "total": len(records),
        "outcomes": [{"outcome": o, "name": name, "count": counts[o]} for o, name in OUTCOMES.items()],
        "stood": stood, "stood_share": share(stood, len(records)),
        "overturned": overturned, "overturned_share": share(overturned, len(records)),
    }


def reconsiderations(decisions: list[PublicDecision], withdrawals: list[Withdrawal]) -> dict:
    return review_figures(reconsideration_records(published_reconsiderations(decisions), withdrawals))


def review_figures(records: list[dict]) -> dict:
    respondents = sorted({r["respondent"] for r in records})
    by_respondent = [{"respondent": name, **outcome_counts([r for r in records if r["respondent"] == name])}
                     for name in respondents]
    by_respondent.sort(key=lambda row: (-row["total"], row["respondent"]))
    return {
        **outcome_counts(records),
        "from_withdrawal_notices": sum(1 for r in records if r["source"] == "withdrawal"),
        "by_respondent": by_respondent,
        "records": records,
    }


def withdrawal_figures(withdrawals: list[Withdrawal]) -> dict:
    statuses = Counter(w.status for w in withdrawals)
    reasons = Counter(w.reason for w in withdrawals)
    return {
        "total": len(withdrawals),
        "by_status": [{"status": s, "name": name, "count": statuses[s]} for s, name in STATUSES.items() if statuses[s]],
        "after_reconsideration": sum(1 for w in withdrawals if w.reconsideration_no),
        "reasons": [{"reason": r, "count": n} for r, n in sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0]))],
    }
