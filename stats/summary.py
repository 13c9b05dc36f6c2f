"""Everything on the statistics pages, in one JSON-ready dictionary (written as data/stats.json).

In two steps, so that the counting can be done in parts (one per shard, on any machine) and
the parts added up on one: `summarise(decisions, today)` is a shard's summary, plain data;
`merge(summaries, withdrawals, audit_events, today)` is the whole dictionary. The summaries are
made of counts and multisets, so any split of the decisions gives the same bytes.
"""
from __future__ import annotations

from datetime import date

from records.model import PublicDecision, Withdrawal
from stats.figures import combine, figures, tally
from stats.organs import organ_rows, scorecard
from stats.review import published_reconsiderations, reconsideration_records, review_figures, withdrawal_figures

FORMAT = 1


def log_start(audit_events: list[dict], today: date) -> date:
    """The first day the audit log recorded a publication (this build's day for a new log)."""
    days = [date.fromisoformat(e["date"]) for e in audit_events if e.get("event") == "published"]
    return min(days) if days else today


def _note_log(figs: dict, penalty_days: dict[str, int], started: date) -> None:
    """When the log began, and how many penalties were decided before it (their delay is overstated)."""
    first = started.isoformat()
    figs["timeliness"].update(
        log_started_on=first,
        decided_before_log=sum(n for day, n in penalty_days.items() if day < first),
    )


def summarise(decisions: list[PublicDecision], today: date) -> dict:
    """The statistics of one part of the published decisions: {"organs": {organ: tally},
    "reconsiderations": [[sort key, normalised number, record], ...]}. `today` only counts for
    a penalty without a first publication date (published by this build)."""
    return {"organs": tally(decisions, today), "reconsiderations": published_reconsiderations(decisions)}


def merge(summaries: list[dict], withdrawals: list[Withdrawal], audit_events: list[dict], today: date) -> dict:
    """The statistics of the union of the parts (each decision in exactly one summary)."""
    parts: dict[str, list[dict]] = {}
    published = []
    for s in summaries:
        for organ, t in s["organs"].items():
            parts.setdefault(organ, []).append(t)
        published += s["reconsiderations"]
    tallies = {organ: combine(ts) if len(ts) > 1 else ts[0] for organ, ts in sorted(parts.items())}
    site = combine(tallies.values())
    result = figures(site)
    started = log_start(audit_events, today)
    _note_log(result, site["penalty_days"], started)
    review = review_figures(reconsideration_records(published, withdrawals))
    organs = organ_rows(tallies, review["records"])
    scorecards = [scorecard(row, tallies.get(row["organ"]), withdrawals, review["records"]) for row in organs if row["scorecard"]]
    for card in scorecards:
        _note_log(card, tallies[card["organ"]]["penalty_days"] if card["organ"] in tallies else {}, started)
    result["totals"].update(withdrawals=len(withdrawals), organs=len(organs))
    return {
        "format": FORMAT,
        "generated_on": today.isoformat(),
        **result,
        "organs": organs,
        "reconsideration": review,
        "withdrawals": withdrawal_figures(withdrawals),
        "scorecards": scorecards,
    }


def site_statistics(decisions: list[PublicDecision], withdrawals: list[Withdrawal], audit_events: list[dict],
                    today: date) -> dict:
    """The statistics of all published decisions in one piece (one summary, merged)."""
    return merge([summarise(decisions, today)], withdrawals, audit_events, today)


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
