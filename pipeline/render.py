"""Run Pelican over `content/` and the theme with the build's public data in its settings."""
from __future__ import annotations

import contextlib
import importlib
import io
import logging
from pathlib import Path

from portal.site_data import SETTING, SiteData

ROOT = Path(__file__).resolve().parent.parent


def pelican_settings(staging: Path, data: SiteData | None, production: bool = False, overrides: dict | None = None) -> dict:
    from pelican.settings import read_settings

    conf = ROOT / ("publishconf.py" if production else "pelicanconf.py")
    override = {"OUTPUT_PATH": str(Path(staging).resolve()), SETTING: data}
    override.update(overrides or {})
    return read_settings(str(conf), override=override)


def render_site(staging: Path, data: SiteData, production: bool = False, overrides: dict | None = None) -> None:
    overrides = dict(overrides or {})
    if data.progress_ahead is not None and data.previous_output is not None:
        # a build over a site online forks children (search, gate), and only a process with no
        # other thread may fork (pipeline.forked.may_fork): a day's few new derivations end here
        data.progress_ahead.wait()
    if _search_beside(staging, data, overrides):  # before Pelican is even imported: the child starts at once
        overrides["SEARCH_MADE_BESIDE"] = True
    elif data.previous_output is None:
        _start_whoosh(data, overrides)
    stats = overrides.get("STATS_BESIDE")
    try:
        from pelican import Pelican

        logging.getLogger("pelican").setLevel(logging.WARNING)
        settings = pelican_settings(staging, data, production, overrides)
        if stats is not None:
            stats.send(settings)
        # Pelican prints a "Done: Processed …" line of its own; the build reports its own figures.
        with contextlib.redirect_stdout(io.StringIO()):
            Pelican(settings).run()
    except BaseException:
        for child in data.results.pop("forked", []):
            child.cancel()
        raise
    finally:
        if stats is not None:
            stats.close()
    join_children(data)


# Below this many published decisions the indexes are made in process: a child first imports
# whoosh and numpy (~0.3 s) and the build's process waited for it at 1k (in process: 0.15 s)
SEARCH_CHILD_MIN = 2000


def _start_whoosh(data: SiteData, settings: dict) -> None:
    """A first build's whoosh index, started before Pelican in processes apart (one part, or at
    100k ~12 in turn from a thread: `search.start_whoosh`): Pelican renders on one core, and the
    pages, the progress files' sealing and notes, the static index, the statistics and the gate
    left the other idle for ~20 s of a cold 10k build. The build waits for it before the swap
    (`results["before_swap"]`)."""
    from search import start_whoosh

    staging, pending = start_whoosh(data.decisions, data.state_dir, settings)
    data.results["whoosh_started"] = staging
    data.results.setdefault("before_swap", []).extend(pending)


def _search_beside(staging: Path, data: SiteData, settings: dict) -> bool:
    """Fork the child that makes the search indexes (`portal.beside`) for a build over a site
    online, when this machine makes them whole (not a cluster or --shards: those send their parts
    out), the site is not small (`SEARCH_CHILD_MIN`) and this process may fork. Not for a first build: its progress stage derives every key
    on both cores, and a search child beside it slowed both (a cold 10k build, one run at load
    1.1-2.4: search 23 -> 51 s and progress 44 -> 72 s wall, render 20 s more CPU); a daily build
    renders on one core and leaves the other idle.

    The statistics go to whichever comes to them first (`portal.beside.StatsBeside`): this
    process in Pelican's turn, or the child once its indexes are made (a 10k daily build: the
    child is done while this process still seals the progress files; at 100k this process gets
    there first)."""
    from pipeline import forked
    from pipeline.executor import for_stage

    if (data.previous_output is None or not settings.get("SEARCH_IN_CHILD", True)
            or len(data.decisions) < settings.get("SEARCH_CHILD_MIN", SEARCH_CHILD_MIN) or not forked.may_fork()
            or for_stage(settings.get("BUILD_EXECUTOR"), settings.get("BUILD_SHARDS")) is not None):
        return False
    from portal.beside import StatsBeside, made_beside

    if settings.get("STATS_IN_CHILD", True):
        settings["STATS_BESIDE"] = StatsBeside()
    # numpy before the fork, not in the child: the child's indexes need it, and so does this
    # process's gate later (gate/memory.py), which then finds it imported. At 10k, ten new, the
    # child had spent 0.12 s of its 1.0 s importing it; 7 interleaved runs could not tell the
    # build's time apart (3.18 -> 3.17 s), so this is kept as free, not as a measured gain.
    importlib.import_module("numpy")

    child = forked.start(lambda: made_beside(staging, data, settings), "搜索索引", "search")
    data.results.setdefault("forked", []).append(child)
    return True


def join_children(data: SiteData) -> None:
    """The answers of the children forked beside Pelican (`pipeline.forked`) joined with the
    build's results (files kept, their stamps, render keys, actions after the swap), each child's
    figures under its stage's name. A child that failed fails the build; the others are ended."""
    children = data.results.pop("forked", [])
    try:
        while children:
            child = children[0]
            answer = dict(child.join())
            figures = answer.pop("figures", None)  # stages the child timed on its own (portal.beside)
            for name, value in answer.items():
                into = data.results.setdefault(name, type(value)())
                if isinstance(value, list):
                    into.extend(value)
                else:  # dict or set
                    into.update(value)
            children.pop(0)
            if data.timings is not None:
                data.timings.record_child(child, figures)
    finally:
        for child in children:
            child.cancel()


# Below this many pages a cluster or pool is not worth its task and transfer costs: they are
# rendered in this process (the same function, so the same bytes).
MIN_PAGES_TO_SEND = 64


def render_pages(out, jobs: list, executor=None, shards: int | None = None) -> None:
    """Render decision pages and withdrawal notices: `jobs` are (shard, relative path, template,
    render key, context) of the pages `out` (a `portal.writing.PageWriter`) could not link from
    the site online. With an executor (Dask, or this machine's pool when --shards asks for it)
    they go out as tasks, one per shard of whole organ-years: each task carries the pages' plain
    data and the configuration a template reads (`page_settings`), never --state; a Dask worker
    sends the pages back as bytes, this machine's pool writes them into the staging folder
    itself (it shares the disk). Otherwise they are rendered here by the same function."""
    from pipeline import shards as sharding
    from portal.writing import page_settings, render_jobs

    if not jobs:
        return
    settings = page_settings(out.settings)
    keys = {relative: key for _, relative, _, key, _ in jobs}
    from pipeline.executor import for_stage

    executor = for_stage(executor, shards)
    if executor is None or len(jobs) < MIN_PAGES_TO_SEND:
        for relative, data in render_jobs(settings, [j[1:3] + j[4:] for j in jobs]):
            out.accept(relative, keys[relative], data)
        return
    local = executor.name == "local"
    planned = sharding.plan(jobs, lambda j: j[0], shards or executor.workers * 4)
    tasks = [{"settings": settings, "jobs": [j[1:3] + j[4:] for j in shard],
              "write_to": str(out.output_path) if local else None} for shard in planned]

    def done(_, pages):
        for relative, data in pages:
            out.accept(relative, keys[relative], data)

    executor.map(sharding.render_shard, tasks, done)
