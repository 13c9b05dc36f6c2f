"""The Pelican generator for decisions: pages, listings, withdrawal notices, home, feeds, sitemap.

Decision pages and withdrawal notices are rendered per shard (organ, then year) from plain data
by `pipeline.render.render_pages`: in this process, or as tasks of the build's executor (a
Dask cluster, or this machine's pool with --shards); pages whose render key did not change are
linked from the site online first and never sent. Listings, feeds, the home page and the
sitemap are computed here from per-shard summaries (`portal.listings.Row`s), not from the full
decisions.
"""
from __future__ import annotations

import contextlib

from pelican.generators import Generator

from portal import feeds, listings, sitemap
from portal.site_data import site_data
from portal.writing import PageWriter
from records.model import plain
from search.similar import similar_decisions


def shard_of(d) -> tuple[str, int]:
    """The summary shard of a published decision: its organ and year (pipeline.shards.shard_key)."""
    return (d.organ, d.decided_on.year)


def summaries(decisions) -> dict[tuple[str, int], list[listings.Row]]:
    """Each shard's summary: the rows of its decisions, newest first."""
    shards: dict[tuple[str, int], list] = {}
    for d in decisions:
        shards.setdefault(shard_of(d), []).append(d)
    return {key: listings.summarise(shards[key]) for key in sorted(shards)}


def _listing_key(group, page: listings.Page) -> tuple:
    """Everything a listing page shows: its rows, its neighbours' addresses and labels, and the
    listing's total only on the front page (the only page that shows it)."""
    def neighbour(p):
        return None if p is None else (p.path, p.front, None if p.front else p.span)

    return (group.title, group.path, group.code, group.count if page.front else None, page.path, page.front,
            [r.key for r in page.rows], neighbour(page.newer), neighbour(page.older))


class DecisionGenerator(Generator):
    """Turns the build's `SiteData` into pages. Runs inside Pelican like its own generators."""

    def generate_context(self):
        data = site_data(self.settings)
        self.data = data
        if data is None:
            return
        published = listings.newest_first(data.decisions)
        self.summaries = summaries(published)
        rows = listings.merge(self.summaries.values())
        self.rows = rows
        self.kinds = listings.by_kind(rows)
        self.organs = listings.by_organ(rows)
        self.years = listings.by_year(rows)
        self.offences = listings.by_offence(rows)
        self.withdrawals = sorted(data.withdrawals, key=lambda w: (w.withdrawn_on, w.decision_no), reverse=True)
        self.context.update(
            portal_decisions=published,
            portal_rows=rows,
            portal_kinds=self.kinds,
            portal_organs=self.organs,
            portal_years=self.years,
            portal_offences=self.offences,
            portal_withdrawals=self.withdrawals,
            portal_today=data.today,
        )

    def generate_output(self, writer):
        if self.data is None:
            return
        from pipeline.render import render_pages

        out = PageWriter(self)
        published = self.context["portal_decisions"]
        similar = similar_decisions(published, cache_dir=self.data.cache_dir)
        by_slug = {r.slug: r for r in self.rows}
        noindex = self.settings.get("NOINDEX_NATURAL_PERSONS", True)
        jobs = []  # (shard, relative path, template, render key, context) of pages to render
        for d in published:
            context = dict(
                decision=d,
                similar=[by_slug[o.slug] for o in similar.get(d.id, [])],
                reviewed_by=[by_slug[s] for s in d.reviewed_by if s in by_slug],
                reviews=by_slug.get(d.reviews) if d.reviews else None,
                noindex=noindex and d.names_natural_person,
            )
            key = (
                d.content_hash, d.first_published_on, context["noindex"],
                [o.key for o in context["similar"]], [o.key for o in context["reviewed_by"]],
                context["reviews"].key if context["reviews"] else None,
            )
            relative = f"{d.url}index.html"
            key = out.reuse(relative, "decision", key)
            if key is not None:
                jobs.append((shard_of(d), relative, "decision", key, context))
        for w in self.withdrawals:
            rec = by_slug.get(w.reconsideration_slug)
            relative = f"{w.url}index.html"
            key = out.reuse(relative, "withdrawal", (plain(w), rec.key if rec else None))
            if key is not None:
                jobs.append(((w.organ, w.withdrawn_on.year), relative, "withdrawal", key,
                             dict(withdrawal=w, reconsideration=rec)))
        timed = self.data.timings
        with timed("pages") if timed is not None else contextlib.nullcontext():
            render_pages(out, jobs, self.settings.get("BUILD_EXECUTOR"), self.settings.get("BUILD_SHARDS"))
        out.page("withdrawals/index.html", "withdrawals", withdrawals=self.withdrawals)

        size = self.settings.get("PORTAL_PAGE_SIZE", listings.PAGE_SIZE)
        groups = [*self.kinds.values(), *self.organs, *self.years, *self.offences]
        paged = [(group, group.pages(size)) for group in groups]
        for group, pages in paged:
            for page in pages:
                out.page(f"{page.path}index.html", "listing", key=_listing_key(group, page), group=group, page=page)
        out.page("organs/index.html", "browse", browse_title="按执法机关浏览", groups=self.organs)
        out.page("years/index.html", "browse", browse_title="按年份浏览", groups=self.years)
        out.page("offences/index.html", "browse", browse_title="按违法行为浏览", groups=self.offences)
        out.page("index.html", "home", latest=self.rows[:10])
        out.page("404.html", "404")

        feeds.write_feeds(out, self.settings, self.rows, self.withdrawals, self.data.today)
        pages = [p for p in self.context.get("pages", [])]
        sitemap.write_sitemap(out, self.settings, self.summaries, pages,
                              [page.path for _, pages_ in paged for page in pages_])
