"""The search stage as the build runs it: both indexes, or those of the site online when they are
made of the same decisions; made beside Pelican in a forked child when it can be.

The indexes need the published decisions and nothing a page generator makes, and they write
files of their own. So as rendering starts (`pipeline.render.render_site`) the build forks a
child that makes them (`made_beside`) while its own process imports Pelican and renders every
other page on the other core; what the child adds to the build's results (files kept from the
site online, their stamps, render keys, the action that puts the whoosh index in place) comes
back as plain data and is joined before the gate. Where the child cannot be forked (another
thread runs, a cluster or `--shards` makes the indexes' parts, `SEARCH_IN_CHILD = False`),
`portal.stages.SearchGenerator` runs `search_stage` in the build's own process: the same bytes.

The child reads only the build's own settings (the executor, the shard count,
`SEARCH_INDEX_PROCS`), not Pelican's: none of the search stage's work depends on the theme.
"""
from __future__ import annotations

import functools
from pathlib import Path

from portal.site_data import SETTING, SiteData
from portal.writing import PageWriter


def search_stage(out: PageWriter, data: SiteData, settings: dict, site: Path) -> list:
    """Make both indexes into `site` through `out`, or keep those of the site online when made of
    the same decisions: the actions to run once the new site is in place (plain data)."""
    key = search_key(data)
    previous = data.previous_output
    marker = Path(data.state_dir) / "search" / "built-for"
    unchanged = (
        previous is not None and (previous / "search").is_dir()
        and (Path(data.state_dir) / "search" / "current").exists()
        and marker.exists() and marker.read_text(encoding="utf-8") == key
    )
    if unchanged:  # the same decisions as the site online: its index files, and the whoosh index, stand
        for path in sorted(p for p in (previous / "search").rglob("*") if p.is_file()):
            rel = str(path.relative_to(previous))
            if out._reuse(rel) and rel in out.old_keys:
                out.new_keys[rel] = out.old_keys[rel]
        return []
    from search import publish_search

    marker.unlink(missing_ok=True)
    swap_in = publish_search(data.decisions, site, data.state_dir, settings, out, cache_dir=data.cache_dir)
    return [functools.partial(_in_place, swap_in, marker, key)]


def search_key(data: SiteData) -> str:
    """What both indexes are made of: the published decisions and the search code."""
    import hashlib

    import search
    from portal.writing import digest

    code = hashlib.sha256()
    for path in sorted(Path(search.__file__).parent.glob("*.py")):
        code.update(path.read_bytes())
    return digest(code.hexdigest(), sorted((d.id, d.slug, d.content_hash, d.first_published_on) for d in data.decisions))


def _in_place(swap_in, marker: Path, key: str) -> None:
    """After the swap: the whoosh index made by this build put in place, and what it was made of
    recorded (the next build with the same decisions keeps both indexes)."""
    swap_in()
    marker.parent.mkdir(parents=True, exist_ok=True)
    marker.write_text(key, encoding="utf-8")


class _Site:
    """What a `PageWriter` reads of a Pelican generator, for the child that has none."""

    def __init__(self, settings: dict, output_path: Path):
        self.settings, self.output_path, self.context = settings, str(output_path), {}


def made_beside(staging: Path, data: SiteData, settings: dict) -> dict:
    """Runs in the forked child: the search stage with results of the child's own, which are
    what it adds to the build's (`pipeline.render.join_children` joins them)."""
    data.results = {}
    settings = {**settings, SETTING: data}
    actions = search_stage(PageWriter(_Site(settings, staging)), data, settings, Path(staging))
    data.results.setdefault("after_swap", []).extend(actions)
    return data.results
