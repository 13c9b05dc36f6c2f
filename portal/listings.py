"""Groupings of published decisions for listing pages: by date, organ, year and offence."""
from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field

from records.model import PublicDecision

PAGE_SIZE = 30


def key_for(text: str, prefix: str) -> str:
    """A URL segment for a Chinese name: a short digest (never pinyin, never the raw text)."""
    return f"{prefix}-{hashlib.sha256(text.encode('utf-8')).hexdigest()[:10]}"


def organ_key(name: str, code: str | None = None) -> str:
    return code.lower() if code else key_for(name, "o")


@dataclass
class Group:
    """One listing: a title, where it lives, and the decisions in it (newest first)."""

    title: str
    path: str  # e.g. "organs/11350100xxxx/"
    decisions: list[PublicDecision] = field(default_factory=list)
    code: str | None = None

    @property
    def count(self) -> int:
        return len(self.decisions)

    def pages(self, size: int = PAGE_SIZE):
        """(page number, page path, decisions on it, total pages) for each page of the listing."""
        total = max(1, -(-len(self.decisions) // size))
        for n in range(1, total + 1):
            path = self.path if n == 1 else f"{self.path}page/{n}/"
            yield n, path, self.decisions[(n - 1) * size : n * size], total

    def page_path(self, n: int) -> str:
        return self.path if n == 1 else f"{self.path}page/{n}/"


def newest_first(decisions):
    return sorted(decisions, key=lambda d: (d.decided_on, d.decision_no, d.id), reverse=True)


def by_organ(decisions: list[PublicDecision]) -> list[Group]:
    groups: dict[str, Group] = {}
    codes: dict[str, str] = {}
    for d in decisions:
        if d.kind == "penalty" and d.authority_code:
            codes.setdefault(d.organ, d.authority_code)
    for d in newest_first(decisions):
        key = organ_key(d.organ, codes.get(d.organ))
        group = groups.setdefault(key, Group(d.organ, f"organs/{key}/", code=codes.get(d.organ)))
        group.decisions.append(d)
    return sorted(groups.values(), key=lambda g: (-g.count, g.title))


def by_year(decisions: list[PublicDecision]) -> list[Group]:
    groups: dict[int, Group] = {}
    for d in newest_first(decisions):
        groups.setdefault(d.year, Group(f"{d.year}年", f"years/{d.year}/")).decisions.append(d)
    return [groups[y] for y in sorted(groups, reverse=True)]


def by_offence(decisions: list[PublicDecision]) -> list[Group]:
    groups: dict[str, Group] = {}
    for d in newest_first(decisions):
        if d.kind == "penalty" and d.offence:
            groups.setdefault(d.offence, Group(d.offence, f"offences/{key_for(d.offence, 'x')}/")).decisions.append(d)
    return sorted(groups.values(), key=lambda g: (-g.count, g.title))


def by_kind(decisions: list[PublicDecision]) -> dict[str, Group]:
    kinds = defaultdict(list)
    for d in newest_first(decisions):
        kinds[d.kind].append(d)
    return {
        "penalty": Group("行政处罚决定", "decisions/", kinds["penalty"]),
        "reconsideration": Group("行政复议决定", "reconsiderations/", kinds["reconsideration"]),
    }
