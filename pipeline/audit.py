"""The audit log: one JSON line per change of what the public can see, in `--state/audit.jsonl`.

Append-only. Each event is written with a single `write` on a file opened with O_APPEND and
then fsync'd, so a build killed at any moment leaves whole lines; a torn last line (power cut
inside the write) is cut off before the next append, and since the log itself is the record
of what was published, the events it lost are found again and written by the next build.
"""
from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

log = logging.getLogger(__name__)
CHINA = timezone(timedelta(hours=8))
EVENTS = ("published", "updated", "withdrawn", "expired", "removed")


@dataclass
class Published:
    """What the log says is public now about one decision."""

    decision_no: str
    content_hash: str
    first_published_on: date


def path_in(state_dir: Path) -> Path:
    return Path(state_dir) / "audit.jsonl"


def read(state_dir: Path) -> list[dict]:
    path = path_in(state_dir)
    if not path.exists():
        return []
    events = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.endswith("\n"):
                log.warning("审计日志 %s 第 %d 行不完整 (上次构建中断), 已忽略", path, n)
                break
            try:
                events.append(json.loads(line))
            except ValueError:
                log.warning("审计日志 %s 第 %d 行无法解析, 已忽略", path, n)
    return events


def replay(events: list[dict]) -> dict[str, Published]:
    """The set of published decisions the log describes, with their first publication dates."""
    first: dict[str, date] = {}
    current: dict[str, Published] = {}
    for e in events:
        did = e["decision_id"]
        if e["event"] in ("published", "updated"):
            day = date.fromisoformat(e["date"])
            first.setdefault(did, day)
            current[did] = Published(e["decision_no"], e["content_hash"], first[did])
        else:
            current.pop(did, None)
    return current


def first_publication(events: list[dict]) -> dict[str, date]:
    first: dict[str, date] = {}
    for e in events:
        if e["event"] == "published":
            first.setdefault(e["decision_id"], date.fromisoformat(e["date"]))
    return first


def changes(before: dict[str, Published], now: dict[str, tuple[str, str]], withdrawn: dict[str, str],
            expired: set[str], today: date) -> list[dict]:
    """Events that turn `before` into `now` (id -> (number, hash)); reasons for what left."""
    stamp = datetime.now(CHINA).isoformat(timespec="seconds")
    events = []

    def event(did, number, kind, reason, content_hash):
        events.append({
            "time": stamp, "date": today.isoformat(), "decision_id": did, "decision_no": number,
            "event": kind, "reason": reason, "content_hash": content_hash,
        })

    for did in sorted(now):
        number, digest = now[did]
        if did not in before:
            event(did, number, "published", "", digest)
        elif before[did].content_hash != digest:
            event(did, number, "updated", "公开内容有变化", digest)
    for did in sorted(set(before) - set(now)):
        old = before[did]
        if did in withdrawn:
            event(did, old.decision_no, "withdrawn", withdrawn[did], old.content_hash)
        elif did in expired:
            event(did, old.decision_no, "expired", "公示期届满", old.content_hash)
        else:
            event(did, old.decision_no, "removed", "导出数据中已无此决定或不再符合公开条件", old.content_hash)
    return events


def _cut_torn_tail(path: Path) -> None:
    with open(path, "rb+") as f:
        f.seek(0, os.SEEK_END)
        size = f.tell()
        if size == 0:
            return
        f.seek(size - 1)
        if f.read(1) == b"\n":
            return
        data = f.seek(0) or f.read()
        f.truncate(data.rfind(b"\n") + 1)


def append(state_dir: Path, events: list[dict]) -> None:
    if not events:
        return
    path = path_in(state_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        _cut_torn_tail(path)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        for e in events:
            os.write(fd, (json.dumps(e, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)
