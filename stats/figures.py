"""The figures on the statistics pages, as plain JSON-ready data computed from what is published.

`site_figures` is the whole statistics page; `decision_figures` is the part that applies to any
set of decisions (the site, or one organ's scorecard), so both are counted the same way.
Every number shown on a page or a chart comes from these dictionaries, and `data/stats.json`
is exactly them: one source for the pages, the charts, the CSV tables and the download.
"""
from __future__ import annotations

import statistics
from collections import Counter
from datetime import date

from records.model import PENALTY_TYPES, PublicDecision
from stats.workdays import DEADLINE_WORKING_DAYS, known_years, working_days_between

# (label, above, up to and including) in yuan / days; None is open-ended.
FINE_BANDS = [("200元及以下", None, 200), ("201–500元", 200, 500), ("501–1000元", 500, 1000),
              ("1001–5000元", 1000, 5000), ("5000元以上", 5000, None)]
DETENTION_BANDS = [("1–5日", None, 5), ("6–10日", 5, 10), ("11–15日", 10, 15), ("16日及以上", 15, None)]
DELAY_BANDS = [(f"{DEADLINE_WORKING_DAYS}个工作日内", None, DEADLINE_WORKING_DAYS),
               (f"{DEADLINE_WORKING_DAYS + 1}–30个工作日", DEADLINE_WORKING_DAYS, 30),
               ("31–90个工作日", 30, 90), ("90个工作日以上", 90, None)]


def number(value: float) -> int | float:
    """Yuan and days as JSON numbers: whole numbers without '.0', others to the fen."""
    value = round(float(value), 2)
    return int(value) if value == int(value) else value


def share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def fine_of(d: PublicDecision) -> float | None:
    amounts = [p.amount or 0 for p in d.penalties if p.type == "fine"]
    return sum(amounts) if amounts else None


def detention_of(d: PublicDecision) -> int | None:
    days = [p.days or 0 for p in d.penalties if p.type == "detention"]
    return sum(days) if days else None


def _bands(values: list[float], bands) -> list[dict]:
    rows = []
    for label, above, up_to in bands:
        rows.append({"band": label, "above": above, "up_to": up_to,
                     "count": sum(1 for v in values if (above is None or v > above) and (up_to is None or v <= up_to))})
    return rows


def months(decisions: list[PublicDecision]) -> list[dict]:
    """Decisions per calendar month of the decision date, every month from the first to the last."""
    counts = Counter((d.decided_on.year, d.decided_on.month, d.kind) for d in decisions)
    if not counts:
        return []
    (y, m), last = min(k[:2] for k in counts), max(k[:2] for k in counts)
    rows = []
    while (y, m) <= last:
        rows.append({"month": f"{y:04d}-{m:02d}", "penalty": counts[(y, m, "penalty")],
                     "reconsideration": counts[(y, m, "reconsideration")]})
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return rows


def offences(penalties: list[PublicDecision]) -> list[dict]:
    counts = Counter(d.offence for d in penalties if d.offence)
    return [{"offence": k, "count": n} for k, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]


def penalty_types(penalties: list[PublicDecision]) -> list[dict]:
    """How many decisions impose each type of penalty (a decision may impose several)."""
    counts = Counter(t for d in penalties for t in {p.type for p in d.penalties})
    return [{"type": t, "name": name, "decisions": counts[t], "share": share(counts[t], len(penalties))}
            for t, name in PENALTY_TYPES.items() if counts[t]]


def fines(penalties: list[PublicDecision]) -> dict:
    values = [v for v in map(fine_of, penalties) if v is not None]
    return {
        "decisions": len(values),
        "total": number(sum(values)),
        "median": number(statistics.median(values)) if values else None,
        "max": number(max(values)) if values else None,
        "distribution": _bands(values, FINE_BANDS),
    }


def detention(penalties: list[PublicDecision]) -> dict:
    values = [v for v in map(detention_of, penalties) if v is not None]
    return {
        "decisions": len(values),
        "total_days": sum(values),
        "median_days": number(statistics.median(values)) if values else None,
        "distribution": _bands(values, DETENTION_BANDS),
    }


def timeliness(penalties: list[PublicDecision], today: date) -> dict:
    """Share of penalty decisions first published within 7 working days of the decision date."""
    delays, approximate = [], 0
    for d in penalties:
        published = d.first_published_on or today
        days, exact = working_days_between(d.decided_on, published)
        delays.append(days)
        approximate += not exact
    within = sum(1 for v in delays if v <= DEADLINE_WORKING_DAYS)
    first, last = known_years()
    return {
        "decisions": len(delays),
        "within_deadline": within,
        "share": share(within, len(delays)),
        "deadline_working_days": DEADLINE_WORKING_DAYS,
        "median_working_days": number(statistics.median(delays)) if delays else None,
        "approximate": approximate > 0,
        "approximate_decisions": approximate,
        "calendar_years": [first, last],
        "distribution": _bands(delays, DELAY_BANDS),
    }


def decision_figures(decisions: list[PublicDecision], today: date) -> dict:
    """Figures that apply to any set of published decisions."""
    penalties = [d for d in decisions if d.kind == "penalty"]
    return {
        "totals": {"decisions": len(decisions), "penalties": len(penalties),
                   "reconsiderations": len(decisions) - len(penalties)},
        "by_month": months(decisions),
        "offences": offences(penalties),
        "penalty_types": penalty_types(penalties),
        "fines": fines(penalties),
        "detention": detention(penalties),
        "timeliness": timeliness(penalties, today),
    }
