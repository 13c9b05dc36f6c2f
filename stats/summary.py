"""Everything on the statistics pages, in one JSON-ready dictionary (written as data/stats.json)."""
from __future__ import annotations

from datetime import date

from records.model import PublicDecision, Withdrawal
from stats.figures import decision_figures
from stats.organs import organ_rows, scorecard
from stats.review import reconsiderations, withdrawal_figures

FORMAT = 1


def log_start(audit_events: list[dict], today: date) -> date:
    """The first day the audit log recorded a publication (this build's day for a new log)."""
    days = [date.fromisoformat(e["date"]) for e in audit_events if e.get("event") == "published"]
    return min(days) if days else today


def _note_log(figures: dict, decisions: list[PublicDecision], started: date) -> None:
    """When the log began, and how many penalties were decided before it (their delay is overstated)."""
    figures["timeliness"].update(
        log_started_on=started.isoformat(),
        decided_before_log=sum(1 for d in decisions if d.kind == "penalty" and d.decided_on < started),
    )


def site_statistics(decisions: list[PublicDecision], withdrawals: list[Withdrawal], audit_events: list[dict],
                    today: date) -> dict:
    figures = decision_figures(decisions, today)
    started = log_start(audit_events, today)
    _note_log(figures, decisions, started)
    review = reconsiderations(decisions, withdrawals)
    organs = organ_rows(decisions, review["records"])
    scorecards = [scorecard(row, decisions, withdrawals, review["records"], today) for row in organs if row["scorecard"]]
    for card in scorecards:
        _note_log(card, [d for d in decisions if d.organ == card["organ"]], started)
    figures["totals"].update(withdrawals=len(withdrawals), organs=len(organs))
    return {
        "format": FORMAT,
        "generated_on": today.isoformat(),
        **figures,
        "organs": organs,
        "reconsideration": review,
        "withdrawals": withdrawal_figures(withdrawals),
        "scorecards": scorecards,
    }


def headline(stats: dict) -> dict:
    """The few figures `publish.py stats` prints."""
    t, f, d, r, w = stats["totals"], stats["fines"], stats["detention"], stats["reconsideration"], stats["timeliness"]
    return {
        "generated_on": stats["generated_on"],
        "decisions": t["decisions"], "penalties": t["penalties"], "reconsiderations": t["reconsiderations"],
        "withdrawals": t["withdrawals"], "organs": t["organs"],
        "fines_decisions": f["decisions"], "fines_total": f["total"], "fines_median": f["median"],
        "detention_decisions": d["decisions"], "detention_total_days": d["total_days"],
        "reconsideration_total": r["total"], "reconsideration_stood": r["stood"], "reconsideration_overturned": r["overturned"],
        "timeliness_within": w["within_deadline"], "timeliness_share": w["share"], "timeliness_approximate": w["approximate"],
    }
