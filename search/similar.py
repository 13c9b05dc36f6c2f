"""Similar decisions (同案同罚): for each published penalty, up to five others readers can compare.

Same offence and the same legal basis first, then the same offence; among equals the closest
in date. Only published decisions take part, so a withdrawn one is never suggested.

The links of an offence depend only on that offence's published penalties (their ids, dates and
legal bases): with a `cache_dir`, each offence's links are kept under a digest of exactly that,
so a build that publishes ten new decisions works out again only the offences they fall in.
"""
from __future__ import annotations

import hashlib
import json
import os
from collections import defaultdict
from pathlib import Path

from pipeline.state import prune_unused
from records.model import PublicDecision

LIMIT = 5
WINDOW = 200


def similar_decisions(decisions: list[PublicDecision], limit: int = LIMIT,
                      cache_dir: Path | None = None) -> dict[str, list[PublicDecision]]:
    by_offence: dict[str, list[PublicDecision]] = defaultdict(list)
    for d in decisions:
        if d.kind == "penalty" and d.offence:
            by_offence[d.offence].append(d)
    folder = Path(cache_dir) / "similar" if cache_dir is not None else None
    used: set[str] = set()
    result: dict[str, list[PublicDecision]] = {}
    for group in by_offence.values():
        group.sort(key=lambda d: (d.decided_on, d.id))
        links = None
        if folder is not None:
            name = f"{_group_key(group, limit)}.json"
            used.add(name)
            links = _read(folder / name, len(group))
        if links is None:
            links = _links(group, limit)
            if folder is not None:
                _write(folder / name, links)
        for d, picked in zip(group, links):
            result[d.id] = [group[j] for j in picked]
    if folder is not None:
        prune_unused(folder, "*.json", used)
    return result


def _links(group: list[PublicDecision], limit: int) -> list[list[int]]:
    """For each decision of one offence's group (sorted by date and id), the positions of its
    similar decisions in the group, best first."""
    days = [d.decided_on.toordinal() for d in group]
    kinds: dict[frozenset, int] = {}
    basis = [kinds.setdefault(frozenset(d.legal_basis), len(kinds)) for d in group]
    links = []
    for i in range(len(group)):
        # a window around the decision keeps this linear in the size of large groups
        lo, hi = max(0, i - WINDOW), min(len(group), i + WINDOW + 1)
        same = _nearest(group, days, i, lo, hi, limit, lambda j: basis[j] == basis[i])
        if len(same) < limit:
            same += _nearest(group, days, i, lo, hi, limit - len(same), lambda j: basis[j] != basis[i])
        links.append(same)
    return links


def _nearest(group, days, i, lo, hi, limit, wanted) -> list[int]:
    """Up to `limit` positions j of group[lo:hi] but i for which `wanted(j)` holds, closest in
    date first, ties by id: the order of sorting them all by (distance, id), without sorting them all.

    The group is sorted by date, so walking away from i on either side the distance only grows:
    take every candidate at the smallest distance left on both sides, order those by id, repeat."""
    out: list[int] = []
    left, right = i - 1, i + 1
    while len(out) < limit and (left >= lo or right < hi):
        dl = days[i] - days[left] if left >= lo else None
        dr = days[right] - days[i] if right < hi else None
        dist = min(x for x in (dl, dr) if x is not None)
        tied = []
        while left >= lo and days[i] - days[left] == dist:
            if wanted(left):
                tied.append(left)
            left -= 1
        while right < hi and days[right] - days[i] == dist:
            if wanted(right):
                tied.append(right)
            right += 1
        tied.sort(key=lambda j: group[j].id)
        out += tied[: limit - len(out)]
    return out


def _code() -> bytes:
    return Path(__file__).read_bytes()


def _group_key(group: list[PublicDecision], limit: int) -> str:
    """Everything the links of one offence are made from: this code, the limit, and each
    penalty's id, date and legal basis, in the group's order."""
    h = hashlib.sha256(_code())
    h.update(f"\0{limit}\0".encode())
    h.update("".join(f"{d.id}\t{d.decided_on.toordinal()}\t{chr(31).join(sorted(d.legal_basis))}\n"
                     for d in group).encode("utf-8", "surrogateescape"))
    return h.hexdigest()


def _read(path: Path, size: int) -> list[list[int]] | None:
    try:
        links = json.loads(path.read_bytes())
    except FileNotFoundError:
        return None
    except ValueError:  # a damaged entry is worked out again, never trusted
        return None
    if not isinstance(links, list) or len(links) != size or not all(
            isinstance(p, list) and all(isinstance(j, int) and 0 <= j < size for j in p) for p in links):
        return None
    return links


def _write(path: Path, links: list[list[int]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(links, separators=(",", ":")), encoding="utf-8")
    os.replace(tmp, path)


