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


def _sample(seed, n=600):
    r = random.Random(seed)
    return [SimpleNamespace(id=f"D{k:05d}", kind="penalty", offence=r.choice(["赌博", "殴打他人", "盗窃"]),
                            decided_on=date(2026, 1, 1) + timedelta(days=r.randrange(200)),
                            legal_basis=r.sample(["第二十六条", "第四十三条", "第七十条"], r.randrange(0, 3)))
            for k in range(n)]


def ids(result):
    return {k: [o.id for o in v] for k, v in result.items()}


def test_cached_links_are_the_links_worked_out_again_and_only_changed_offences_are(tmp_path, monkeypatch):
    import search.similar as similar

    decisions = _sample(3)
    first = similar_decisions(list(decisions), cache_dir=tmp_path)
    assert ids(first) == ids(similar_decisions(list(decisions))) == ids(by_sorting(list(decisions)))
    assert len(list((tmp_path / "similar").glob("*.json"))) == 3
    worked = []
    real = similar._links
    monkeypatch.setattr(similar, "_links", lambda group, limit: worked.append(group[0].offence) or real(group, limit))
    assert ids(similar_decisions(list(decisions), cache_dir=tmp_path)) == ids(first) and worked == []
    # a new decision of one offence, and another's legal basis changed: those two offences only
    new = SimpleNamespace(id="NEW", kind="penalty", offence="赌博", decided_on=date(2026, 3, 1), legal_basis=["第七十条"])
    changed = next(d for d in decisions if d.offence == "盗窃")
    decisions = [SimpleNamespace(**{**vars(d), "legal_basis": ["第九十九条"]}) if d is changed else d
                 for d in decisions] + [new]
    again = similar_decisions(list(decisions), cache_dir=tmp_path)
    assert sorted(worked) == ["盗窃", "赌博"]
    assert ids(again) == ids(by_sorting(list(decisions)))


def test_a_damaged_cache_entry_is_worked_out_again(tmp_path):
    decisions = _sample(4, 200)
    expected = ids(similar_decisions(list(decisions), cache_dir=tmp_path))
    for i, path in enumerate(sorted((tmp_path / "similar").glob("*.json"))):
        path.write_text(["{not json", "[[1, 2]]", "[[999]]"][i % 3], encoding="utf-8")
    assert ids(similar_decisions(list(decisions), cache_dir=tmp_path)) == expected
    assert ids(similar_decisions(list(decisions), cache_dir=tmp_path)) == expected
