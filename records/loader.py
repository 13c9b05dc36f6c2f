"""Read every export file under a folder into raw records (plain mappings) with their source."""
from __future__ import annotations

import json
import os
import stat
from dataclasses import dataclass
from pathlib import Path

import yaml

from records.model import Problem, Source

try:  # the C loader is several times faster on large exports
    _YamlLoader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _YamlLoader = yaml.SafeLoader

EXPORT_SUFFIXES = {".yaml", ".yml", ".json"}


@dataclass
class RawRecord:
    data: dict | None  # None once validated valid (records.load_exports)
    source: Source
    # which version of its file this record was read from (size, times, inode), and the result of
    # validating it: both kept with the parse cache, so an unchanged file costs neither a parse
    # nor a validation, and later stages can recognise an unchanged record without hashing it
    stamp: str = ""
    checked: tuple | None = None


def export_files(folder: Path) -> list[Path]:
    """Every export file under `folder`, at any depth, in a stable order."""
    return [Path(path) for _, path, _ in _export_entries(folder)]


def _is_export(name: str) -> bool:
    return not name.startswith(".") and os.path.splitext(name)[1].lower() in EXPORT_SUFFIXES


def _export_entries(folder: Path, walked: list | None = None) -> list[tuple[str, str, os.stat_result]]:
    """(label, path, stat) of every export file under `folder`, in the order of sorted Paths
    (part by part), as `Path.rglob("*")` finds them: folders linked to are not entered, files
    linked to count. One scandir per folder and one stat per file: the paths and stats of
    `rglob`, `is_file` and `stat` cost ~0.4 s at 10k files on every build. `walked`: (relative
    path, path, stat not following links) of everything but folders under `folder`, as a walk
    that entered no linked folder found it (`pipeline.manifest`'s, for the build's fingerprint):
    the same entries from that, with no walk of their own."""
    found = _walk(folder) if walked is None else _from_walk(walked)
    found.sort(key=lambda f: f[0])
    return [("/".join(parts), path, st) for parts, path, st in found]


def _walk(folder: Path) -> list[tuple[list[str], str, os.stat_result]]:
    found = []
    stack: list[tuple[list[str], str]] = [([], str(folder))]
    while stack:
        parts, where = stack.pop()
        with os.scandir(where) as entries:
            for entry in entries:
                if entry.is_dir() and not entry.is_symlink():
                    stack.append(([*parts, entry.name], entry.path))
                elif _is_export(entry.name) and entry.is_file():
                    found.append(([*parts, entry.name], entry.path, entry.stat()))
    return found


def _from_walk(walked: list) -> list[tuple[list[str], str, os.stat_result]]:
    found = []
    for rel, path, st in walked:
        if not _is_export(rel.rpartition("/")[2]):
            continue
        if stat.S_ISLNK(st.st_mode):  # a file linked to counts, with the file's own stat
            try:
                st = os.stat(path)
            except OSError:
                continue
        if stat.S_ISREG(st.st_mode):
            found.append((rel.split("/"), path, st))
    return found


def read_file(path: Path, label: str) -> tuple[list[RawRecord], list[Problem]]:
    """The records in one file; a file that cannot be parsed is one problem, not a crash."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        return [], [Problem(label, "整个文件", None, f"不是 UTF-8 编码 (第 {exc.start} 字节)")]
    except OSError as exc:
        return [], [Problem(label, "整个文件", None, f"无法读取: {exc.strerror}")]
    try:
        if path.suffix.lower() == ".json":
            content = json.loads(text) if text.strip() else None
        else:
            content = yaml.load(text, Loader=_YamlLoader)
    except json.JSONDecodeError as exc:
        return [], [Problem(label, "整个文件", None, f"JSON 格式错误: 第 {exc.lineno} 行第 {exc.colno} 列, {exc.msg}")]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"第 {mark.line + 1} 行第 {mark.column + 1} 列, " if mark else ""
        what = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        return [], [Problem(label, "整个文件", None, f"YAML 格式错误: {where}{what}")]
    if content is None:
        return [], [Problem(label, "整个文件", None, "文件为空, 没有记录")]
    if isinstance(content, dict):
        items, indexed = [content], False
    elif isinstance(content, list):
        items, indexed = content, True
    else:
        return [], [Problem(label, "整个文件", None, "应为一条记录(映射)或记录列表")]
    records, problems = [], []
    for i, item in enumerate(items):
        source = Source(label, i if indexed else None)
        if not isinstance(item, dict):
            problems.append(Problem(label, f"第{i + 1}条", None, "记录应为映射 (键: 值)"))
            continue
        records.append(RawRecord(item, source))
    return records, problems


def read_exports(folder: Path, cache: dict | None = None, walked: list | None = None) -> tuple[list[RawRecord], list[Problem]]:
    """All raw records under `folder`, with file labels relative to it (`walked`: see
    `_export_entries`).

    `cache` (label -> ("size:mtime_ns:ctime_ns:inode", records, problems)) lets a rebuild skip
    parsing files that did not change; it is updated in place, and files that are gone leave it.
    The change time and inode count too: a rewrite that kept size and modification time (a copy
    with -p, a restore from backup) is read again.
    """
    records: list[RawRecord] = []
    problems: list[Problem] = []
    seen = set()
    for label, path, st in _export_entries(folder, walked):
        seen.add(label)
        stamp = f"{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}:{st.st_ino}"
        entry = cache.get(label) if cache is not None else None
        if entry is not None and entry[0] == stamp:
            found, wrong = entry[1], entry[2]
        else:
            found, wrong = read_file(Path(path), label)
            for raw in found:
                raw.stamp = stamp
            if cache is not None:
                cache[label] = (stamp, found, wrong)
        records.extend(found)
        problems.extend(wrong)
    if cache is not None:
        for label in set(cache) - seen:
            del cache[label]
    return records, problems
