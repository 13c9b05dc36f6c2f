"""The Pelican generator for decisions: pages, listings, withdrawal notices, home, feeds, sitemap."""
from __future__ import annotations

from pelican.generators import Generator

from portal import feeds, listings, sitemap
from portal.site_data import site_data
from portal.writing import PageWriter
from records.model import plain
from search.similar import similar_decisions


def _summary(d) -> tuple:
    """What a list row or a link shows of a decision."""
    return (d.slug, d.kind, d.decision_no, d.organ, d.decided_on, d.offence, d.outcome, plain(d.penalties))


class DecisionGenerator(Generator):
    """Turns the build's `SiteData` into pages. Runs inside Pelican like its own generators."""

    def generate_context(self):
        data = site_data(self.settings)
        self.data = data
        if data is None:
            return
        published = listings.newest_first(data.decisions)
        self.kinds = listings.by_kind(published)
        self.organs = listings.by_organ(published)
        self.years = listings.by_year(published)
        self.offences = listings.by_offence(published)
        self.withdrawals = sorted(data.withdrawals, key=lambda w: (w.withdrawn_on, w.decision_no), reverse=True)
        by_slug = {d.slug: d for d in published}
        self.context.update(
            portal_decisions=published,
            portal_by_slug=by_slug,
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
        out = PageWriter(self)
        published = self.context["portal_decisions"]
        similar = similar_decisions(published)
        by_slug = self.context["portal_by_slug"]
        noindex = self.settings.get("NOINDEX_NATURAL_PERSONS", True)
        summaries = {d.slug: _summary(d) for d in published}  # once each: a decision is in many keys
        summary = lambda d: summaries[d.slug]  # noqa: E731
        for d in published:
            context = dict(
                decision=d,
                similar=similar.get(d.id, []),
                reviewed_by=[by_slug[s] for s in d.reviewed_by if s in by_slug],
                reviews=by_slug.get(d.reviews) if d.reviews else None,
                noindex=noindex and d.names_natural_person,
            )
            key = (
                d.content_hash, d.first_published_on, context["noindex"],
                [summary(o) for o in context["similar"]], [summary(o) for o in context["reviewed_by"]],
                summary(context["reviews"]) if context["reviews"] else None,
            )
            out.page(f"{d.url}index.html", "decision", key=key, **context)
        for w in self.withdrawals:
            rec = by_slug.get(w.reconsideration_slug)
            out.page(f"{w.url}index.html", "withdrawal", key=(plain(w), summary(rec) if rec else None),
                     withdrawal=w, reconsideration=rec)
        out.page("withdrawals/index.html", "withdrawals", withdrawals=self.withdrawals)

        size = self.settings.get("PORTAL_PAGE_SIZE", listings.PAGE_SIZE)
        for group in [*self.kinds.values(), *self.organs, *self.years, *self.offences]:
            for n, path, page_decisions, total in group.pages(size):
                key = (group.title, group.path, group.code, group.count, n, total, [summary(d) for d in page_decisions])
                out.page(f"{path}index.html", "listing", key=key, group=group, page_number=n, page_count=total,
                         page_decisions=page_decisions)
        out.page("organs/index.html", "browse", browse_title="按执法机关浏览", groups=self.organs)
        out.page("years/index.html", "browse", browse_title="按年份浏览", groups=self.years)
        out.page("offences/index.html", "browse", browse_title="按违法行为浏览", groups=self.offences)
        out.page("index.html", "home", latest=published[:10])
        out.page("404.html", "404")

        feeds.write_feeds(out, self.settings, published, self.withdrawals, self.data.today)
        pages = [p for p in self.context.get("pages", [])]
        sitemap.write_sitemap(out, self.settings, published, pages, [*self.kinds.values(), *self.organs, *self.years, *self.offences])
