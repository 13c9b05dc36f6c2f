"""The figures on the statistics pages, as plain JSON-ready data computed from what is published.

Counting is in two steps, so that it can be done in parts: `tally` turns decisions into a
tally per organ (counts by day, offence, penalty type; each distinct fine, detention and delay
with how many decisions had it), tallies of any parts add up (`combine`), and `figures` turns a
tally into the figures shown. Medians, totals and bands come from the multisets of values, so a
site split in any way gives the same figures as one piece.

`decision_figures` is the part that applies to any set of decisions (the site, or one organ's
scorecard), so both are counted the same way. Every number shown on a page or a chart comes
from these dictionaries, and `data/stats.json` is exactly them: one source for the pages, the
charts, the CSV tables and the download.
"""
from __future__ import annotations

import math
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
MULTISETS = ("fines", "detention", "delays")  # [[value, decisions], ...] in a tally, sorted by value


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


# -- tallies: plain data, JSON-able, added up part by part -------------------------------------

def empty_tally() -> dict:
    return {"penalties": 0, "reconsiderations": 0, "code": None, "penalty_days": {}, "reconsideration_months": {},
            "offences": {}, "penalty_types": {}, "fines": [], "detention": [], "delays": [], "approximate": 0}


def tally(decisions: list[PublicDecision], today: date) -> dict[str, dict]:
    """{organ: tally} of published decisions. A penalty without a first publication date counts
    as published `today` (the build's day), as it is by this build."""
    counters: dict[str, dict] = {}
    for d in decisions:
        t = counters.get(d.organ)
        if t is None:
            t = counters[d.organ] = {"penalties": 0, "reconsiderations": 0, "code": None,
                                     "penalty_days": Counter(), "reconsideration_months": Counter(),
                                     "offences": Counter(), "penalty_types": Counter(), "fines": Counter(),
                                     "detention": Counter(), "delays": Counter(), "approximate": 0}
        if d.kind != "penalty":
            t["reconsiderations"] += 1
            t["reconsideration_months"][f"{d.decided_on.year:04d}-{d.decided_on.month:02d}"] += 1
            continue
        t["penalties"] += 1
        if d.authority_code and (t["code"] is None or d.id < t["code"][0]):
            t["code"] = [d.id, d.authority_code]  # the organ's code: that of its penalty first by id
        t["penalty_days"][d.decided_on.isoformat()] += 1
        if d.offence:
            t["offences"][d.offence] += 1
        for kind in {p.type for p in d.penalties}:
            t["penalty_types"][kind] += 1
        fine, days = fine_of(d), detention_of(d)
        if fine is not None:
            t["fines"][fine] += 1
        if days is not None:
            t["detention"][days] += 1
        delay, exact = working_days_between(d.decided_on, d.first_published_on or today)
        t["delays"][delay] += 1
        t["approximate"] += not exact
    return {organ: _plain(t) for organ, t in sorted(counters.items())}


def _plain(t: dict) -> dict:
    out = dict(t)
    for name in ("penalty_days", "reconsideration_months", "offences", "penalty_types"):
        out[name] = dict(sorted(t[name].items()))
    for name in MULTISETS:
        out[name] = [[value, n] for value, n in sorted(t[name].items())]
    return out


def combine(tallies) -> dict:
    """The tally of the union of disjoint parts."""
    total = empty_tally()
    counters = {name: Counter() for name in ("penalty_days", "reconsideration_months", "offences", "penalty_types",
                                              *MULTISETS)}
    for t in tallies:
        total["penalties"] += t["penalties"]
        total["reconsiderations"] += t["reconsiderations"]
        total["approximate"] += t["approximate"]
        if t["code"] is not None and (total["code"] is None or t["code"][0] < total["code"][0]):
            total["code"] = list(t["code"])
        for name in ("penalty_days", "reconsideration_months", "offences", "penalty_types"):
            counters[name].update(t[name])
        for name in MULTISETS:
            for value, n in t[name]:
                counters[name][value] += n
    return _plain({**total, **counters})


# -- figures from a tally -----------------------------------------------------------------------

def _count(values: list[list], test) -> int:
    return sum(n for v, n in values if test(v))


def _bands(values: list[list], bands) -> list[dict]:
    return [{"band": label, "above": above, "up_to": up_to,
             "count": _count(values, lambda v: (above is None or v > above) and (up_to is None or v <= up_to))}
            for label, above, up_to in bands]


def _median(values: list[list]):
    """statistics.median of the multiset [[value, count], ...] (sorted by value)."""
    n = sum(c for _, c in values)
    if not n:
        return None
    wanted = [n // 2] if n % 2 else [n // 2 - 1, n // 2]
    found, seen = [], 0
    for value, c in values:
        while wanted and wanted[0] < seen + c:
            found.append(value)
            wanted.pop(0)
        seen += c
    return found[0] if len(found) == 1 else (found[0] + found[1]) / 2


def _sum(values: list[list]):
    """The exact sum (rounded once), whatever the order the values were counted in."""
    if all(isinstance(v, int) for v, _ in values):
        return sum(v * n for v, n in values)
    return math.fsum(v for v, n in values for _ in range(n))


def months(t: dict, with_reconsiderations: bool = True) -> list[dict]:
    """Decisions per calendar month of the decision date, every month from the first to the last."""
    counts: Counter = Counter()
    for day, n in t["penalty_days"].items():
        counts[(int(day[:4]), int(day[5:7]), "penalty")] += n
    if with_reconsiderations:
        for month, n in t["reconsideration_months"].items():
            counts[(int(month[:4]), int(month[5:7]), "reconsideration")] += n
    if not counts:
        return []
    (y, m), last = min(k[:2] for k in counts), max(k[:2] for k in counts)
    rows = []
    while (y, m) <= last:
        rows.append({"month": f"{y:04d}-{m:02d}", "penalty": counts[(y, m, "penalty")],
                     "reconsideration": counts[(y, m, "reconsideration")]})
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return rows


def offences(t: dict) -> list[dict]:
    return [{"offence": k, "count": n} for k, n in sorted(t["offences"].items(), key=lambda kv: (-kv[1], kv[0]))]


def penalty_types(t: dict) -> list[dict]:
    """How many decisions impose each type of penalty (a decision may impose several)."""
    counts = t["penalty_types"]
    return [{"type": k, "name": name, "decisions": counts[k], "share": share(counts[k], t["penalties"])}
            for k, name in PENALTY_TYPES.items() if counts.get(k)]


def fines(t: dict) -> dict:
    values = t["fines"]
    return {
        "decisions": sum(n for _, n in values),
        "total": number(_sum(values)),
        "median": number(_median(values)) if values else None,
        "max": number(values[-1][0]) if values else None,
        "distribution": _bands(values, FINE_BANDS),
    }


def detention(t: dict) -> dict:
    values = t["detention"]
    return {
        "decisions": sum(n for _, n in values),
        "total_days": _sum(values),
        "median_days": number(_median(values)) if values else None,
        "distribution": _bands(values, DETENTION_BANDS),
    }


def timeliness_of(t: dict) -> dict:
    """Share of penalty decisions first published within 7 working days of the decision date."""
    delays = t["delays"]
    decisions = sum(n for _, n in delays)
    within = _count(delays, lambda v: v <= DEADLINE_WORKING_DAYS)
    first, last = known_years()
    return {
        "decisions": decisions,
        "within_deadline": within,
        "share": share(within, decisions),
        "deadline_working_days": DEADLINE_WORKING_DAYS,
        "median_working_days": number(_median(delays)) if delays else None,
        "approximate": t["approximate"] > 0,
        "approximate_decisions": t["approximate"],
        "calendar_years": [first, last],
        "distribution": _bands(delays, DELAY_BANDS),
    }


def timeliness(penalties: list[PublicDecision], today: date) -> dict:
    return timeliness_of(combine(tally(penalties, today).values()))


def figures(t: dict, with_reconsiderations: bool = True) -> dict:
    """Figures of a tally: the site's (both kinds), or an organ's penalties on its scorecard."""
    reconsiderations = t["reconsiderations"] if with_reconsiderations else 0
    return {
        "totals": {"decisions": t["penalties"] + reconsiderations, "penalties": t["penalties"],
                   "reconsiderations": reconsiderations},
        "by_month": months(t, with_reconsiderations),
        "offences": offences(t),
        "penalty_types": penalty_types(t),
        "fines": fines(t),
        "detention": detention(t),
        "timeliness": timeliness_of(t),
    }


def decision_figures(decisions: list[PublicDecision], today: date) -> dict:
    """Figures that apply to any set of published decisions."""
    return figures(combine(tally(decisions, today).values()))
