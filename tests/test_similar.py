"""Similar decisions: the fast walk outward from each decision gives what sorting the whole window gives."""
from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, timedelta
from types import SimpleNamespace

import pytest

from search.similar import similar_decisions


def by_sorting(decisions, limit=5):
    """The definition: same offence; same legal basis first, then closest in date, then id."""
    groups = defaultdict(list)
    for d in decisions:
        if d.kind == "penalty" and d.offence:
            groups[d.offence].append(d)
    result = {}
    for group in groups.values():
        group.sort(key=lambda d: (d.decided_on, d.id))
        for i, d in enumerate(group):
            basis = set(d.legal_basis)
            window = [o for o in group[max(0, i - 200): i + 201] if o.id != d.id]
            window.sort(key=lambda o: (0 if set(o.legal_basis) == basis else 1, abs((o.decided_on - d.decided_on).days), o.id))
            result[d.id] = window[:limit]
    return result


@pytest.mark.parametrize("seed", range(12))
def test_same_as_sorting_every_candidate(seed):
    r = random.Random(seed)
    n = [3, 40, 700, 1200][seed % 4]
    spread = [2, 30, 500][seed % 3]  # many ties in date, or few
    decisions = [SimpleNamespace(id=f"D{r.randrange(10 ** 6)}-{k}", kind=r.choice(["penalty"] * 9 + ["reconsideration"]),
                                 offence=r.choice(["赌博", "殴打他人", "盗窃", None]),
                                 decided_on=date(2026, 1, 1) + timedelta(days=r.randrange(spread)),
                                 legal_basis=r.sample(["第二十六条", "第四十三条", "第七十条"], r.randrange(0, 3)))
                 for k in range(n)]
    fast, slow = similar_decisions(list(decisions)), by_sorting(list(decisions))
    assert {k: [o.id for o in v] for k, v in fast.items()} == {k: [o.id for o in v] for k, v in slow.items()}
