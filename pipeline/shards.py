"""Shards: the units of work sent to an executor.

Records are grouped by deciding organ, then year (`shard_key`), the groups taken in that order,
a group larger than a shard is cut, and neighbouring small groups are packed together, so a
shard is mostly one organ's year and the number of shards is about the number asked for. The
plan depends only on the records, never on timing, so the same exports give the same shards.

`redact_shard` is what a worker runs: records in (parsed from the export files, without the
name of the file they came from), redactions out, with the rules' version the worker used so the
staff machine can refuse results of other rules than its own.
"""
from __future__ import annotations

import dataclasses
from typing import Callable, Sequence, TypeVar

from records.model import Decision, Source

T = TypeVar("T")


def shard_key(decision: Decision) -> tuple[str, int]:
    return (decision.deciding_organ, decision.decided_on.year)


def plan(items: Sequence[T], key: Callable[[T], tuple], count: int) -> list[list[T]]:
    """Split `items` into about `count` shards of whole (organ, year) groups where they fit."""
    items = list(items)
    if not items:
        return []
    count = max(1, min(count, len(items)))
    size = -(-len(items) // count)  # ceiling
    groups: dict[tuple, list[T]] = {}
    for item in items:
        groups.setdefault(key(item), []).append(item)
    shards: list[list[T]] = []
    current: list[T] = []
    for k in sorted(groups):
        group = groups[k]
        while group:
            room = size - len(current)
            if len(group) > room and current and len(group) <= size:
                # a whole group that does not fit goes to the next shard rather than being cut
                shards.append(current)
                current = []
                continue
            current += group[:room]
            group = group[room:]
            if len(current) >= size:
                shards.append(current)
                current = []
    if current:
        shards.append(current)
    return shards


def for_worker(decision: Decision) -> Decision:
    """What a worker is given of a record: its contents, not where on this machine it was read."""
    return dataclasses.replace(decision, source=Source(file=""))


def warm_redaction(_=None) -> None:
    """Runs on a worker started ahead of the redaction (`LocalExecutor.prepare`): the engine
    imported and the tagger's model loaded while the build reads its exports and caches."""
    from redaction import tagger

    import redaction.engine  # noqa: F401

    tagger.warm_up()


def redact_shard(decisions: list[Decision]) -> dict:
    """Runs on a worker: {"rules": RULES_VERSION, "results": [redaction data, in order]}."""
    from pipeline.redact_stage import redaction_data
    from redaction import RULES_VERSION, redact_many

    # all of the shard's new sentences go to the tagger together, in full batches
    return {"rules": RULES_VERSION, "results": [redaction_data(r) for r in redact_many(decisions)]}


def render_shard(task: dict) -> list:
    """Runs on a worker: a shard's decision pages and withdrawal notices rendered from plain data
    (`task["jobs"]`: relative path, template, context) with the theme shipped with the code and
    the configuration in `task["settings"]`; [(relative path, bytes)], or (path, None) for each
    page written into `task["write_to"]` (a folder this worker shares with the staff machine)."""
    from portal.writing import render_jobs

    return render_jobs(task["settings"], task["jobs"], task.get("write_to"))


def summarise_stats_shard(item: dict) -> dict:
    """Runs on a worker: the statistics and open-data summary of one (organ, year) shard's
    published decisions (`stats.shards.summarise_shard`: plain data in and out)."""
    from stats.shards import summarise_shard

    return summarise_shard(item["decisions"], item["origin"], item["today"])
