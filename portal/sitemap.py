"""sitemap.xml and robots.txt. Pages about natural persons carry noindex and stay out of the
sitemap; the progress files are never listed anywhere."""
from __future__ import annotations

from xml.sax.saxutils import escape


def write_sitemap(out, settings: dict, decisions, pages, groups) -> None:
    origin = settings.get("PORTAL_SITE_ORIGIN", "").rstrip("/")
    noindex = settings.get("NOINDEX_NATURAL_PERSONS", True)
    urls: list[tuple[str, str | None]] = [("", None), ("withdrawals/", None), ("organs/", None), ("years/", None), ("offences/", None)]
    urls += [(p.url, None) for p in sorted(pages, key=lambda p: p.url) if getattr(p, "url", "") and p.url != "lookup/"]
    for g in groups:
        urls += [(g.page_path(n), None) for n, *_ in g.pages()]
    urls += [(d.url, d.decided_on.isoformat()) for d in decisions if not (noindex and d.names_natural_person)]
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for url, lastmod in urls:
        entry = f"<url><loc>{escape(origin + '/' + url)}</loc>"
        if lastmod:
            entry += f"<lastmod>{lastmod}</lastmod>"
        lines.append(entry + "</url>")
    lines.append("</urlset>\n")
    out.raw("sitemap.xml", "\n".join(lines))
    out.raw(
        "robots.txt",
        "User-agent: *\nAllow: /\nDisallow: /progress/\nDisallow: /search/\n"
        f"Sitemap: {origin}/sitemap.xml\n",
    )
