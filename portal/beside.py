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

Done with the indexes, the child makes the statistics too if the build has not come to them
yet (`StatsBeside`): in a 10k daily build the child is done while the build still renders and
seals the progress files, and the statistics' 0.6 s left the build's own path (ten new at 10k,
7 runs each interleaved: 6.52 -> 6.13 s, faster in 6 of 7; render 2.75 -> 2.38 s).
"""
from __future__ import annotations

import functools
import os
import pickle
from pathlib import Path

from portal.site_data import SETTING, SiteData
from portal.writing import PageWriter


def search_stage(out: PageWriter, data: SiteData, settings: dict, site: Path) -> list:
    """Make both indexes into `site` through `out`, or keep those of the site online when made of
    the same decisions: the actions to run once the new site is in place (plain data). A whoosh
    index the build started already (`pipeline.render`, a first build) is the one put in place."""
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
    swap_in = publish_search(data.decisions, site, data.state_dir, settings, out, cache_dir=data.cache_dir,
                             whoosh=data.results.pop("whoosh_started", None))
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


# Linux's pipe buffer is 64 KiB (at least 4 KiB elsewhere); the settings are ~4 KB.
SETTINGS_MAX_BYTES = 32 * 1024 if os.uname().sysname == "Linux" else 4096


class StatsBeside:
    """The statistics, made by whichever comes to them first (`pipeline.forked.Once`): the build
    in Pelican's turn (`portal.stages.StatsGenerator`), or the search child once its indexes are
    made. The child runs no Pelican (importing it is ~0.35 s): the build sends it the plain
    settings a page reads (`portal.writing.page_settings`, ~4 KB, within a pipe's buffer) as
    soon as it has read them, and the child takes the statistics only once it has those."""

    def __init__(self):
        from pipeline import forked

        self.once = forked.Once()
        self._read, self._write = os.pipe()

    def send(self, settings: dict) -> None:
        """In the build, once Pelican's settings are read (before any later child is forked)."""
        from portal.writing import page_settings

        try:
            data = pickle.dumps(page_settings(settings), protocol=pickle.HIGHEST_PROTOCOL)
            # Only what a pipe's buffer holds at once: a larger write would wait for the child,
            # which reads after its indexes (and never, if it failed). Then the build makes them.
            if len(data) <= SETTINGS_MAX_BYTES:
                os.write(self._write, data)
        finally:
            self._close("_write")

    def in_child(self) -> None:
        """The child's copy of the sending end goes at once: the settings end where the build's does."""
        self._close("_write")

    def received(self) -> dict | None:
        """In the child: the settings the build sent, or None if it sent none."""
        with os.fdopen(self._read, "rb") as f:
            self._read = None
            data = f.read()
        return pickle.loads(data) if data else None

    def close(self) -> None:
        self.once.close()
        self._close("_read")
        self._close("_write")

    def _close(self, end: str) -> None:
        fd = getattr(self, end)
        if fd is not None:
            setattr(self, end, None)
            os.close(fd)


class _Templates(_Site):
    """A Pelican generator's templates and context for the child, which runs no Pelican: the
    theme's environment rebuilt from the plain settings a page reads, as the pool's workers
    render decision pages (`portal.writing.render_jobs`), with the build's compiled templates."""

    def __init__(self, plain: dict, data: SiteData, output_path: Path):
        from portal import compiled
        from portal.writing import template_environment

        super().__init__({**plain, SETTING: data}, output_path)
        self.context = plain
        self._env = template_environment(plain)
        compiled.share(self._env, data.cache_dir)
        self._extensions = plain.get("TEMPLATE_EXTENSIONS", [".html"])

    def get_template(self, name: str):
        return self._env.select_template([name + ext for ext in self._extensions])


def made_beside(staging: Path, data: SiteData, settings: dict) -> dict:
    """Runs in the forked child: the search stage, then the statistics if the build has not
    come to them yet (`StatsBeside`), with results of the child's own, which are what it adds
    to the build's (`pipeline.render.join_children` joins them; the statistics' own figures
    under "figures")."""
    data.results = {}
    stats = settings.get("STATS_BESIDE")
    if stats is not None:
        stats.in_child()
    settings = {**settings, SETTING: data}
    actions = search_stage(PageWriter(_Site(settings, staging)), data, settings, Path(staging))
    if stats is not None:
        plain = stats.received()
        if plain is not None and stats.once.take():
            from pipeline.timing import Timings

            own = data.results["figures"] = Timings()
            with own("stats"):
                out = PageWriter(_Templates(plain, data, staging))
                actions.append(stats_stage(out, data, out.settings, Path(staging)))
    data.results.setdefault("after_swap", []).extend(actions)
    return data.results


def stats_stage(out: PageWriter, data: SiteData, settings: dict, site: Path):
    """The statistics' pages, charts and open data into `site` through `out`: the action that
    makes their figures the ones `publish.py stats` shows once the new site is in place."""
    from stats import keep_copy, publish_stats

    from pipeline.executor import for_stage

    pool, many = for_stage(settings.get("BUILD_EXECUTOR"), settings.get("BUILD_SHARDS")), None
    if pool is not None:  # the shards' summaries not in the cache are made on the executor's workers
        from pipeline.shards import summarise_stats_shard

        origin = out.settings.get("PORTAL_SITE_ORIGIN") or out.settings.get("SITEURL") or ""
        many = lambda parts: pool.map(summarise_stats_shard, [  # noqa: E731
            {"decisions": part, "origin": origin, "today": data.today} for part in parts])
    publish_stats(data.decisions, data.withdrawals, data.audit, data.today, site, data.state_dir, out, data.cache_dir, many)
    return functools.partial(keep_copy, data.state_dir)
