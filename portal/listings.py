"""Listings of published decisions (by kind, organ, year and offence), built from per-shard
summaries: the rows a listing, feed or sitemap shows, never the full decisions.

`summarise(decisions)` turns one shard's decisions into `Row`s (small plain data: number, organ,
date, offence, outcome, penalties); `merge(summaries)` puts the shards' rows back into the one
newest-first order; `by_kind`, `by_organ`, `by_year` and `by_offence` group the merged rows.

Pages of a listing are cut so that the usual change leaves them alone (issue 9): the rows are
walked from the oldest and a page ends after a row whose id's digest says so (content-defined
boundaries, between half and one and a half page sizes), so a new decision, an expired or a
withdrawn one changes only the page it was on (and the link labels of its neighbours), not every
page after it. The newest page (or two, when the newest alone would be short) is the listing's
own address (`decisions/`); the others are named by their oldest decision
(`decisions/page/<slug>/`), so their addresses do not move either. Everything depends only on the
published set: a full and an incremental build cut the same pages.
"""
from __future__ import annotations

import hashlib
import heapq
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from records.model import URL_PREFIX, Penalty, plain

PAGE_SIZE = 30


def key_for(text: str, prefix: str) -> str:
    """A URL segment for a Chinese name: a short digest (never pinyin, never the raw text)."""
    return f"{prefix}-{hashlib.sha256(text.encode('utf-8')).hexdigest()[:10]}"


def organ_key(name: str, code: str | None = None) -> str:
    return code.lower() if code else key_for(name, "o")


@dataclass(frozen=True)
class Row:
    """What a list row, a feed entry, a sitemap line or a link to a decision shows of it."""

    id: str
    slug: str
    kind: str
    decision_no: str
    organ: str
    decided_on: date
    offence: str | None
    outcome: str | None
    penalties: tuple[Penalty, ...]
    authority_code: str | None
    names_natural_person: bool
    content_hash: str | None = None  # the decision's (publication.public.content_hash): covers all of `shown()`

    @property
    def url(self) -> str:
        return f"{URL_PREFIX[self.kind]}/{self.slug}/"

    @property
    def year(self) -> int:
        return self.decided_on.year

    def order(self) -> tuple:
        """Newest first is this, descending."""
        return (self.decided_on, self.decision_no, self.id)

    def shown(self) -> tuple:
        """Everything of the row a page shows: part of the render key of pages that list it."""
        return (self.slug, self.kind, self.decision_no, self.organ, self.decided_on, self.offence, self.outcome,
                plain(list(self.penalties)))

    @cached_property
    def key(self) -> str:
        """What the render key of a page that lists or links the row holds of it (a row is on ~9
        keys: its listings' pages and its neighbours' similar-decision links; spelling out
        `shown()` in each cost ~2.5 s at 10k). The decision's content hash when the row has it:
        it changes whenever anything `shown()` holds does (and also for changes no row shows,
        which then render those few pages again); else a digest of `shown()`."""
        if self.content_hash:
            return f"{self.slug} {self.content_hash}"
        from portal.writing import digest

        return digest(self.shown())


def row(d) -> Row:
    return Row(d.id, d.slug, d.kind, d.decision_no, d.organ, d.decided_on, d.offence, d.outcome, tuple(d.penalties),
               d.authority_code, d.names_natural_person, d.content_hash)


def summarise(decisions) -> list[Row]:
    """One shard's summary: its decisions as rows, newest first."""
    return sorted((row(d) for d in decisions), key=Row.order, reverse=True)


def merge(summaries) -> list[Row]:
    """The rows of every shard in one newest-first order (each summary is newest first already)."""
    return list(heapq.merge(*summaries, key=Row.order, reverse=True))


def newest_first(decisions):
    return sorted(decisions, key=lambda d: (d.decided_on, d.decision_no, d.id), reverse=True)


def _cuts_after(row_id: str, divisor: int) -> bool:
    return int.from_bytes(hashlib.sha256(row_id.encode("utf-8")).digest()[:8], "big") % divisor == 0


def chunks(rows_oldest_first: list[Row], size: int) -> list[list[Row]]:
    """Content-defined runs of rows, oldest first: a run ends after a row whose digest says so once
    it holds half a page, and at one and a half pages in any case; the last run is open."""
    low = max(1, -(-size // 2))
    high = max(low, size + size // 2)
    divisor = max(1, size - low + 1)
    runs, current = [], []
    for r in rows_oldest_first:
        current.append(r)
        if len(current) >= high or (len(current) >= low and _cuts_after(r.id, divisor)):
            runs.append(current)
            current = []
    if current:
        runs.append(current)
    return runs


def _span(rows: list[Row]) -> str:
    """The dates of a page, in words: 2025年3月1日至2025年3月20日."""
    from portal.filters import cn_date

    newest, oldest = rows[0].decided_on, rows[-1].decided_on
    return cn_date(newest) if newest == oldest else f"{cn_date(oldest)}至{cn_date(newest)}"


@dataclass
class Page:
    """One page of a listing: its rows (newest first) and where its neighbours are."""

    path: str
    rows: list[Row]
    front: bool
    newer: "Page | None" = None
    older: "Page | None" = None

    @property
    def span(self) -> str:
        return _span(self.rows) if self.rows else ""

    @property
    def count(self) -> int:
        return len(self.rows)


@dataclass
class Group:
    """One listing: a title, where it lives, and its rows (newest first)."""

    title: str
    path: str  # e.g. "organs/11350100xxxx/"
    decisions: list[Row] = field(default_factory=list)
    code: str | None = None

    @property
    def count(self) -> int:
        return len(self.decisions)

    def pages(self, size: int = PAGE_SIZE) -> list[Page]:
        """The listing's pages, newest first: the front page at the group's own path, then the
        others at page/<slug of their oldest decision>/ (see the module's docstring)."""
        runs = chunks(self.decisions[::-1], size)
        if not runs:
            return [Page(self.path, [], True)]
        front = runs.pop()
        if len(front) < max(1, -(-size // 2)) and runs:
            front = runs.pop() + front
        pages = [Page(self.path, front[::-1], True)]
        for run in reversed(runs):
            pages.append(Page(f"{self.path}page/{run[0].slug}/", run[::-1], False))
        for newer, older in zip(pages, pages[1:]):
            newer.older, older.newer = older, newer
        return pages


def by_organ(rows: list[Row]) -> list[Group]:
    groups: dict[str, Group] = {}
    codes: dict[str, str] = {}
    for r in rows:
        if r.kind == "penalty" and r.authority_code:
            codes.setdefault(r.organ, r.authority_code)
    for r in rows:
        key = organ_key(r.organ, codes.get(r.organ))
        group = groups.setdefault(key, Group(r.organ, f"organs/{key}/", code=codes.get(r.organ)))
        group.decisions.append(r)
    return sorted(groups.values(), key=lambda g: (-g.count, g.title))


def by_year(rows: list[Row]) -> list[Group]:
    groups: dict[int, Group] = {}
    for r in rows:
        groups.setdefault(r.year, Group(f"{r.year}年", f"years/{r.year}/")).decisions.append(r)
    return [groups[y] for y in sorted(groups, reverse=True)]


def by_offence(rows: list[Row]) -> list[Group]:
    groups: dict[str, Group] = {}
    for r in rows:
        if r.kind == "penalty" and r.offence:
            groups.setdefault(r.offence, Group(r.offence, f"offences/{key_for(r.offence, 'x')}/")).decisions.append(r)
    return sorted(groups.values(), key=lambda g: (-g.count, g.title))


def by_kind(rows: list[Row]) -> dict[str, Group]:
    kinds = defaultdict(list)
    for r in rows:
        kinds[r.kind].append(r)
    return {
        "penalty": Group("行政处罚决定", "decisions/", kinds["penalty"]),
        "reconsideration": Group("行政复议决定", "reconsiderations/", kinds["reconsideration"]),
    }
