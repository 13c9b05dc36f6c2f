"""Stage 3, render: a Pelican plugin that turns public decisions into pages.

Pelican reads the hand-written pages in `content/`; the generators here add the decision
pages, listings, feeds, sitemap and withdrawal notices, and hand the finished output to the
later stages (search, statistics, progress) through their own generators.
"""
from portal.plugin import register  # noqa: F401
