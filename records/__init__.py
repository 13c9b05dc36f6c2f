"""Stage 1, load: export files in, validated records and a list of problems out.

Entry point: `load_exports(folder)`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from records.loader import read_exports
from records.model import Decision, Problem, ProgressRecord
from records.validate import validate

CHINA = timezone(timedelta(hours=8))


@dataclass
class Exports:
    decisions: list[Decision] = field(default_factory=list)
    progress: list[ProgressRecord] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # ids whose record was present but invalid or ambiguous in this export: the build keeps
    # what it last published for them instead of taking the decision down.
    unreadable_ids: set[str] = field(default_factory=set)
    # id -> where the decision was read from and which version of that file ("file#index@stamp"):
    # the same token means the same record, as far as the parse cache is concerned
    tokens: dict[str, str] = field(default_factory=dict)
    # ids of the decisions read this time from files the parse cache did not answer for (new or
    # changed files): what a daily build has new, and the records its redaction can start on
    fresh: set[str] = field(default_factory=set)


def _stamp(record) -> datetime | None:
    at = record.source.exported_at
    if at is not None and at.tzinfo is None:
        at = at.replace(tzinfo=CHINA)
    return at


def _keep_newest(records: list, key, exports: Exports) -> list:
    """One record per key: the newer export wins; without a way to tell, both are refused."""
    chosen: dict[str, object] = {}
    refused: set[str] = set()
    for record in records:
        k = key(record)
        if k in refused:
            continue
        if k not in chosen:
            chosen[k] = record
            continue
        other = chosen[k]
        a, b = _stamp(other), _stamp(record)
        if a is not None and b is not None and a != b:
            chosen[k] = record if b > a else other
            continue
        refused.add(k)
        del chosen[k]
        exports.unreadable_ids.add(k)
        exports.problems.append(
            Problem(
                record.source.file,
                k,
                "id" if isinstance(record, Decision) else "case_no",
                f"与 {other.source.where()} 重复, 且无法用 exported_at 判断哪一份更新; 两份均未采用",
            )
        )
    return [r for r in records if chosen.get(key(r)) is r]


def load_exports(folder: Path, cache: dict | None = None, walked: list | None = None) -> Exports:
    """Read and validate every record under `folder`; never raises for bad input.

    `cache` is the parse cache of `records.loader.read_exports` (kept by the build in --state);
    `walked`, what a walk of `folder` just found (`records.loader._export_entries`).
    """
    exports = Exports()
    folder = Path(folder)
    if not folder.is_dir():
        exports.problems.append(Problem(str(folder), "整个目录", None, "导出目录不存在"))
        return exports
    raws, problems = read_exports(folder, cache, walked)
    exports.problems.extend(problems)
    decisions, progress = [], []
    tokens, origin, fresh = {}, folder.resolve(), set()  # fresh: the decisions validated now (by id())
    for raw in raws:
        validated_now = raw.checked is None
        if validated_now:  # validation is kept with the parse cache (records are immutable)
            raw.checked = validate(raw)
            if raw.checked[1] is None:  # valid: the record is all a build needs; the mapping it came
                raw.data = None  # from need not be kept in the cache (10k: 34 -> 27 MB, loaded every build)
        record, problem = raw.checked
        if problem is not None:
            exports.problems.append(problem)
            if isinstance(raw.data.get("id"), (str, int)):
                exports.unreadable_ids.add(str(raw.data["id"]))
        elif isinstance(record, ProgressRecord):
            progress.append(record)
        else:
            decisions.append(record)
            if validated_now:
                fresh.add(id(record))
            if raw.stamp:
                tokens[id(record)] = f"{origin}/{raw.source.file}#{raw.source.index}@{raw.stamp}"
    exports.decisions = _keep_newest(decisions, lambda d: d.id, exports)
    exports.tokens = {d.id: tokens[id(d)] for d in exports.decisions if id(d) in tokens}
    exports.fresh = {d.id for d in exports.decisions if id(d) in fresh}
    exports.progress = _keep_newest(progress, lambda p: p.case_no, exports)
    # A record that is valid in one file and invalid in another is not "unreadable".
    exports.unreadable_ids -= {d.id for d in exports.decisions}
    return exports
