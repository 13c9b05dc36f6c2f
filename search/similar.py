"""Similar decisions (同案同罚): for each published penalty, up to five others readers can compare.

Same offence and the same legal basis first, then the same offence; among equals the closest
in date. Only published decisions take part, so a withdrawn one is never suggested.
"""
from __future__ import annotations

from collections import defaultdict

from records.model import PublicDecision

LIMIT = 5


def similar_decisions(decisions: list[PublicDecision], limit: int = LIMIT) -> dict[str, list[PublicDecision]]:
    by_offence: dict[str, list[PublicDecision]] = defaultdict(list)
    for d in decisions:
        if d.kind == "penalty" and d.offence:
            by_offence[d.offence].append(d)
    result: dict[str, list[PublicDecision]] = {}
    for group in by_offence.values():
        group.sort(key=lambda d: (d.decided_on, d.id))
        days = [d.decided_on.toordinal() for d in group]
        kinds: dict[frozenset, int] = {}
        basis = [kinds.setdefault(frozenset(d.legal_basis), len(kinds)) for d in group]
        for i, d in enumerate(group):
            # a window around the decision keeps this linear in the size of large groups
            lo, hi = max(0, i - WINDOW), min(len(group), i + WINDOW + 1)
            same = _nearest(group, days, i, lo, hi, limit, lambda j: basis[j] == basis[i])
            if len(same) < limit:
                same += _nearest(group, days, i, lo, hi, limit - len(same), lambda j: basis[j] != basis[i])
            result[d.id] = same
    return result


WINDOW = 200


def _nearest(group, days, i, lo, hi, limit, wanted) -> list[PublicDecision]:
    """Up to `limit` decisions of group[lo:hi] but i for which `wanted(j)` holds, closest in date
    first, ties by id: the order of sorting them all by (distance, id), without sorting them all.

    The group is sorted by date, so walking away from i on either side the distance only grows:
    take every candidate at the smallest distance left on both sides, order those by id, repeat."""
    out: list[PublicDecision] = []
    left, right = i - 1, i + 1
    while len(out) < limit and (left >= lo or right < hi):
        dl = days[i] - days[left] if left >= lo else None
        dr = days[right] - days[i] if right < hi else None
        dist = min(x for x in (dl, dr) if x is not None)
        tied = []
        while left >= lo and days[i] - days[left] == dist:
            if wanted(left):
                tied.append(group[left])
            left -= 1
        while right < hi and days[right] - days[i] == dist:
            if wanted(right):
                tied.append(group[right])
            right += 1
        tied.sort(key=lambda o: o.id)
        out += tied[: limit - len(out)]
    return out
