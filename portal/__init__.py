"""Stage 3, render: a Pelican plugin that turns public decisions into pages.

Pelican reads the hand-written pages in `content/`; the generators here add the decision
pages, listings, feeds, sitemap and withdrawal notices, and hand the finished output to the
later stages (search, statistics, progress) through their own generators.
"""


def register():
    """Pelican's entry point. Imported here only when Pelican calls it, so that the build can
    use `portal.site_data` and the filters without importing Pelican."""
    from portal.plugin import register as register_generators

    register_generators()
