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
        for i, d in enumerate(group):
            basis = set(d.legal_basis)
            # a window around the decision keeps this linear in the size of large groups
            window = group[max(0, i - 200) : i + 201]
            candidates = [o for o in window if o.id != d.id]
            candidates.sort(
                key=lambda o: (
                    0 if set(o.legal_basis) == basis else 1,
                    abs((o.decided_on - d.decided_on).days),
                    o.id,
                )
            )
            result[d.id] = candidates[:limit]
    return result
