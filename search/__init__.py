"""Stage: search. Two indexes of the published decisions, both of public, redacted text only.

- `publish_search` (called by the build through `portal.stages.SearchGenerator`) writes the
  static index the site's search page reads in the browser (`search.static_index`), builds the
  whoosh index for staff and the API in a private staging folder (`search.whoosh_index`), and
  returns the action that puts that index in place once the new site has been swapped in.
- `search_index` queries the whoosh index (`publish.py search`, `/api/search`).

Only the decisions handed in are indexed (the whoosh index is updated from the one in use by
deleting what left or changed), so a withdrawn or expired decision is in neither. On a sharded
build (`--executor dask`) both are computed per shard of organ-years on the workers and put
together here: the static files byte for byte as one process writes them, the whoosh index as
one part per shard read through one reader.
"""
from __future__ import annotations

import functools
import logging
import os
import time
from pathlib import Path
from typing import Callable

from records.model import PublicDecision

__all__ = ["publish_search", "search_index", "SearchError", "SearchHit", "SearchResults"]

log = logging.getLogger(__name__)

# The indexes' modules (whoosh, numpy) are imported on first use, not with the package: the build's
# own process imports `search.similar` for the decision pages and leaves the indexes to a child
# (portal.stages), so it need not load them at all.
_LAZY = {"build_static_index": "search.static_index", "build_whoosh_index": "search.whoosh_index",
         "put_in_place": "search.current", "search_index": "search.whoosh_index",
         "SearchError": "search.whoosh_index", "SearchHit": "search.whoosh_index",
         "SearchResults": "search.whoosh_index"}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value  # the next lookup is an ordinary one
        return value
    raise AttributeError(f"module 'search' has no attribute {name!r}")


def _executor(settings: dict):
    executor, shards = settings.get("BUILD_EXECUTOR"), settings.get("BUILD_SHARDS")
    if executor is not None and executor.name == "local" and not shards:
        # this machine's pool only when asked (--shards): on 2 cores the parts cost more than they
        # save (bench/distributed.py --index: 10k decisions, 78 s in one process, 115 s on the pool)
        executor = None
    return executor, shards


def start_whoosh(decisions: list[PublicDecision], state_dir: Path, settings: dict) -> tuple[Path, list]:
    """The whoosh index of `decisions`, started now: its staging folder, and what waits for it
    (call each before the folder is put in place). Parts built from nothing with several writers
    (a first build) are built in processes apart and left going: one part (up to ~12,000
    decisions) at once, more in turn from a thread; anything else is built before this returns
    (nothing to wait for)."""
    import search

    executor, shards = _executor(settings)
    procs = settings.get("SEARCH_INDEX_PROCS") or (2 if len(decisions) > 2000 and (os.cpu_count() or 1) > 1 else 1)
    t, pending = time.perf_counter(), []
    staging = search.build_whoosh_index(decisions, Path(state_dir), procs=int(procs), executor=executor, shards=shards,
                                        pending=pending)
    if pending:
        log.info("whoosh index of %d decisions started apart, the build goes on beside it", len(decisions))
    else:
        log.info("whoosh index of %d decisions in %.1fs", len(decisions), time.perf_counter() - t)
    return staging, pending


def publish_search(decisions: list[PublicDecision], site_dir: Path, state_dir: Path, settings: dict,
                   out=None, cache_dir: Path | None = None, whoosh: Path | None = None) -> Callable[[], None]:
    """`settings` may carry the build's executor (`BUILD_EXECUTOR`, `pipeline.executor`) and shard
    count (`BUILD_SHARDS`): both indexes are then computed per shard as its tasks. `out` (the
    build's `PageWriter`) links static files the site online has unchanged; `cache_dir` keeps
    each decision's analysis, so only new or changed decisions are analysed. `whoosh`: the
    staging folder of a whoosh index of these decisions already started (`start_whoosh`), whose
    waits the caller runs before the action returned."""
    import search

    executor, shards = _executor(settings)
    t = time.perf_counter()
    stats = search.build_static_index(decisions, Path(site_dir), executor, shards, cache_dir=cache_dir, out=out)
    log.info("static search index: %s in %.1fs", stats, time.perf_counter() - t)
    if whoosh is None:
        whoosh, pending = start_whoosh(decisions, state_dir, settings)
        for wait in pending:
            wait()
    return functools.partial(search.put_in_place, whoosh)  # plain data: it may come from a forked child
