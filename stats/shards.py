"""Statistics and open data in parts: a summary per shard, merged on the staff machine.

A shard is the published decisions of one (organ, year) — `shard_of`, the grouping of
`pipeline.shards.shard_key` for a `PublicDecision`. `summarise_shard` is what a worker runs
(plain data in and out, no disk); `merge_shards` adds the summaries up into stats.json and both
open-data files, byte for byte what one piece gives. `summaries` is the local build's way in:
each shard's summary is kept in the cache folder under a key of what it was made from (its
decisions' ids, content hashes and first publication dates, the site's origin and the code),
so publishing ten new decisions summarises again only the shards they fall in; and there, the
open-data rows of the decisions that did not change are taken from the shard's last summary
(its files share a name by shard: `_shard_name`).
"""
from __future__ import annotations

import hashlib
import json
import os
import pickle
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Callable

from pipeline.state import prune_unused as prune
from records.model import PublicDecision, Withdrawal

FORMAT = 2  # 2: each open-data row carries the identity it was made from
# what a summary is computed by: its code, and the holiday calendar the delays are counted with
_SOURCES = ("stats/figures.py", "stats/review.py", "stats/summary.py", "stats/workdays.py", "stats/shards.py",
            "opendata/__init__.py", "portal/filters.py", "publication/__init__.py", "records/model.py")
ROOT = Path(__file__).resolve().parent.parent


@lru_cache(maxsize=1)
def code_version() -> str:
    from importlib.metadata import version

    h = hashlib.sha256(f"{FORMAT} chinese-calendar {version('chinese-calendar')}".encode())
    for name in _SOURCES:
        h.update(name.encode())
        h.update((ROOT / name).read_bytes())
    return h.hexdigest()


def shard_of(d: PublicDecision) -> tuple[str, int]:
    return (d.organ, d.decided_on.year)


def group(decisions: list[PublicDecision]) -> dict[tuple[str, int], list[PublicDecision]]:
    """The decisions by shard, shards in order."""
    groups: dict[tuple[str, int], list[PublicDecision]] = {}
    for d in decisions:
        groups.setdefault(shard_of(d), []).append(d)
    return dict(sorted(groups.items()))


def summarise_shard(decisions: list[PublicDecision], origin: str, today: date, earlier: dict | None = None) -> dict:
    """Runs anywhere (a worker): the summary of some published decisions, usually one shard's.

    Plain data (dicts, lists, str, int, float; JSON-able and picklable): statistics as counts and
    multisets per organ (a few KB a shard) and the open-data rows, already written (~1.3 KB a
    decision). `origin` is the site's address the open data links to; `today` counts only for a
    decision without a first publication date. `earlier`: a summary of this shard by this code
    made before, whose open-data rows are taken again for the decisions unchanged since
    (`opendata.summarise`); the statistics are counted again (a few ms a shard)."""
    from opendata import summarise as open_rows
    from stats.summary import summarise

    earlier_rows = earlier.get("open_data") if earlier is not None and earlier.get("code") == code_version() else None
    return {"format": FORMAT, "code": code_version(), "stats": summarise(decisions, today),
            "open_data": open_rows(decisions, origin, earlier_rows)}


@dataclass
class Merged:
    stats: dict  # everything on the statistics pages and scorecards: data/stats.json
    csv: bytes  # data/decisions.csv
    json: bytes  # data/decisions.json


def merge_shards(summaries: list[dict], withdrawals: list[Withdrawal], audit_events: list[dict], today: date) -> Merged:
    """Runs on the staff machine: the summaries of disjoint parts of the published decisions
    (any split, any order) added up; withdrawals and the audit log are the staff machine's."""
    from opendata import merge as open_merge
    from stats.summary import merge

    mine = code_version()
    for s in summaries:
        if s.get("format") != FORMAT or s.get("code") != mine:
            raise ValueError("统计摘要由另一版本的代码生成 (工作节点与本机代码不一致), 不能合并")
    csv_data, json_data = open_merge([s["open_data"] for s in summaries], today)
    return Merged(merge([s["stats"] for s in summaries], withdrawals, audit_events, today), csv_data, json_data)


def summaries_folder(cache_dir: Path) -> Path:
    """Where the shards' summaries are kept in the cache folder."""
    return Path(cache_dir) / "stats-shards"


def shard_key(decisions: list[PublicDecision], origin: str, today: date) -> str:
    """What a shard's summary is made of: its decisions as the public sees them, when each was
    first published (or `today`, for one without that date), the origin and the code: each
    decision's open-data row identity (`opendata.identity`), and `today` where it has no date."""
    from opendata import identity

    h = hashlib.sha256(f"{code_version()}\n{origin}\n".encode())
    undated = f"today {today.isoformat()}"
    for d in sorted(decisions, key=lambda d: d.id):
        h.update(f"{identity(d)}{'' if d.first_published_on else undated}\n".encode())
    return h.hexdigest()


def summaries(decisions: list[PublicDecision], origin: str, today: date, cache_dir: Path | None,
              summarise_many: Callable[[list[list[PublicDecision]]], list[dict]] | None = None) -> list[dict]:
    """Every shard's summary, in shard order: from the cache where its key is there, the rest
    summarised (by `summarise_many`, e.g. on an executor's workers, else here) and kept."""
    grouped = group(decisions)
    groups = list(grouped.values())
    names = [f"{_shard_name(shard)}.{shard_key(g, origin, today)}.pickle" for shard, g in grouped.items()]
    folder = summaries_folder(cache_dir) if cache_dir is not None else None
    found: list[dict | None] = []
    for name in names:
        found.append(_read(folder / name) if folder is not None else None)
    missing = [i for i, s in enumerate(found) if s is None]
    if missing:
        parts = [groups[i] for i in missing]
        if summarise_many:
            made = summarise_many(parts)
        else:  # here: each from the shard's last summary, if the cache has one
            made = [summarise_shard(groups[i], origin, today, _earlier(folder, names[i])) for i in missing]
        for i, summary in zip(missing, made):
            found[i] = summary
            if folder is not None:
                _write(folder / names[i], summary)
    if folder is not None:
        prune(folder, "*.pickle", set(names))
    return found


def _shard_name(shard: tuple[str, int]) -> str:
    """A shard's part of its summaries' file names: the shard's summaries of other contents
    share it (`_earlier`)."""
    organ, year = shard
    return hashlib.sha256(f"{organ}\t{year}".encode()).hexdigest()[:16]


def _earlier(folder: Path | None, name: str) -> dict | None:
    """The summary of this shard last used (the newest file of its shard's name), if any."""
    if folder is None or not folder.is_dir():
        return None
    shard = name.split(".", 1)[0]
    for path in sorted(folder.glob(f"{shard}.*.pickle"), key=_modified, reverse=True):
        summary = _read(path)
        if summary is not None:
            return summary
    return None


def _modified(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def _read(path: Path) -> dict | None:
    try:
        with open(path, "rb") as fh:
            summary = pickle.load(fh)
    except FileNotFoundError:
        return None
    except Exception:  # a damaged entry is made again, never trusted
        return None
    return summary if isinstance(summary, dict) and summary.get("code") == code_version() else None


def _write(path: Path, summary: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(pickle.dumps(summary, protocol=pickle.HIGHEST_PROTOCOL))
    os.replace(tmp, path)


def summary_size(summary: dict) -> int:
    """Bytes of a summary as JSON (what a worker sends back, roughly)."""
    return len(json.dumps(summary, ensure_ascii=False).encode("utf-8"))
