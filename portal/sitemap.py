"""The sitemap index and robots.txt. Pages about natural persons carry noindex and stay out of the
sitemaps; the progress files are never listed anywhere.

`sitemap.xml` is a sitemap index (sitemaps.org): `sitemaps/pages.xml` lists the hand-written
pages and every listing page, and one sitemap per summary shard (organ and year) lists that
shard's decisions from its rows, so a new decision changes its organ-year's sitemap and the
index, not one file of every URL. A shard of more than 50,000 decisions (the protocol's limit)
is cut into numbered parts.
"""
from __future__ import annotations

from xml.sax.saxutils import escape

from portal.listings import key_for

MAX_URLS = 50_000


def _sitemap(root: str, item: str, origin: str, entries) -> str:
    """A sitemap (`urlset` of `url`) or a sitemap index (`sitemapindex` of `sitemap`): (path, lastmod) each."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', f'<{root} xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for path, lastmod in entries:
        entry = f"<{item}><loc>{escape(origin + '/' + path)}</loc>"
        if lastmod:
            entry += f"<lastmod>{lastmod}</lastmod>"
        lines.append(entry + f"</{item}>")
    lines.append(f"</{root}>\n")
    return "\n".join(lines)


def write_sitemap(out, settings: dict, summaries: dict, pages, listing_paths) -> None:
    """`summaries`: {(organ, year): rows newest first} (portal.decisions.summaries); `pages`:
    Pelican's hand-written pages; `listing_paths`: the path of every listing page."""
    origin = settings.get("PORTAL_SITE_ORIGIN", "").rstrip("/")
    noindex = settings.get("NOINDEX_NATURAL_PERSONS", True)
    urls: list[tuple[str, str | None]] = [("", None), ("withdrawals/", None), ("organs/", None), ("years/", None), ("offences/", None)]
    urls += [(p.url, None) for p in sorted(pages, key=lambda p: p.url) if getattr(p, "url", "") and p.url != "lookup/"]
    urls += [(path, None) for path in listing_paths]
    index = [("sitemaps/pages.xml", None)]
    out.raw("sitemaps/pages.xml", _sitemap("urlset", "url", origin, urls))
    for (organ, year), rows in sorted(summaries.items()):
        entries = [(r.url, r.decided_on.isoformat()) for r in rows if not (noindex and r.names_natural_person)]
        for part in range(0, len(entries), MAX_URLS):
            chunk = entries[part:part + MAX_URLS]
            suffix = f"-{part // MAX_URLS + 1}" if part else ""
            name = f"sitemaps/{key_for(organ, 'o')}-{year}{suffix}.xml"
            out.raw(name, _sitemap("urlset", "url", origin, chunk))
            index.append((name, max(lastmod for _, lastmod in chunk)))
    out.raw("sitemap.xml", _sitemap("sitemapindex", "sitemap", origin, index))
    out.raw(
        "robots.txt",
        "User-agent: *\nAllow: /\nDisallow: /progress/\nDisallow: /search/\n"
        f"Sitemap: {origin}/sitemap.xml\n",
    )
