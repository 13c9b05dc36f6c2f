"""A rebuild with nothing changed: recognise it cheaply and leave the site as it is.

A successful build records, in `--state/manifest.json`, a fingerprint of everything its output
depends on and a fingerprint of what it left behind:

- the inputs: every export file the loader reads (name, size, modification and change times,
  inode, as the parse cache trusts them), the code and data that shape the output (every file
  of the stage folders, the theme, the hand-written pages, the settings, the installed packages'
  names and versions, the Python version), the options that change the output (`--today`,
  `--strict`, `--production`, setting overrides, the `PORTAL_*` environment);
- the state it leaves (every file of `--state` but the caches and logs: audit log, what was
  published, progress secrets, the whoosh index), by name, size, times and inode;
- the site online (every file of `--output`), by name, size, modification time and inode.

When the next build finds all three the same, its output would be the same bytes (the build is
deterministic: same exports, state and `--today`, same output), nothing would be due that is not
already done (expiry and withdrawals depend on `--today`, which is part of the fingerprint; the
audit log would get no event), so it reports what the recorded build reported and stops. Any
difference, or a missing or damaged manifest, runs the whole build. A build that is not a no-op
removes the manifest before it changes anything, so a build that dies halfway cannot leave a
manifest that describes a site no longer online.

Only the standard library is imported here: the check must cost a few stat calls, not the
imports of the stages.
"""
from __future__ import annotations

import hashlib
import json
import os
import sys
import sysconfig
from pathlib import Path

FORMAT = 2  # 2: the output digest counts files only (output_digest)
NAME = "manifest.json"
ROOT = Path(__file__).resolve().parent.parent
# What shapes the output besides the data (tests/, bench/, samples/ do not).
CODE_DIRS = ["records", "publication", "redaction", "portal", "search", "progress", "stats", "opendata", "gate",
             "pipeline", "theme", "content"]
CODE_FILES = ["pelicanconf.py", "publishconf.py", "publish.py"]
# State that is not an input of the output: content-addressed caches and the build's own logs.
STATE_SKIP = {"cache", "logs", NAME}


def _name(entry) -> str:
    return entry.name


def _lines(folder: str, prefix: str, skip, ctime: bool, out: list[str], files: list | None = None) -> None:
    """The lines of every entry under `folder`, sorted, not following links: "d rel" for a
    folder, `_stat_line` for anything else. Top-level names in `skip` are not entered at all
    (the state's cache folder holds tens of thousands of files). Plain os calls and one list:
    this walks the whole site after every build (28,000 files at 10k). `files` gets (relative
    path, path, stat not following links) of everything but folders."""
    try:
        with os.scandir(folder) as it:
            entries = sorted(it, key=_name)
    except FileNotFoundError:
        return
    for entry in entries:
        if skip and entry.name in skip:
            continue
        rel = prefix + entry.name
        if entry.is_dir(follow_symlinks=False):
            out.append(f"d {rel}\n")
            _lines(entry.path, rel + "/", None, ctime, out, files)
        else:
            st = entry.stat(follow_symlinks=False)
            out.append(_stat_line(rel, st, entry, ctime) + "\n")
            if files is not None:
                files.append((rel, entry.path, st))


def _stat_line(rel: str, st: os.stat_result, entry, ctime: bool) -> str:
    kind = "l" if entry.is_symlink() else "f"
    line = f"{kind} {rel} {st.st_size} {st.st_mtime_ns} {st.st_ino}"
    if ctime:
        line += f" {st.st_ctime_ns}"
    if kind == "l":
        line += " -> " + os.readlink(entry.path)
        if ctime:  # an input read through a link: what it points at counts too
            try:
                target = os.stat(entry.path)
                line += f" {target.st_size} {target.st_mtime_ns} {target.st_ctime_ns} {target.st_ino}"
            except OSError:
                line += " dangling"
    return line


def tree_digest(folder: Path, skip: set[str] = frozenset(), ctime: bool = False, files: list | None = None) -> str | None:
    """A digest of the names, sizes, times and inodes under `folder` (None if it is missing).
    Every file counts, whatever its name, so it describes at least what any reader of the folder
    reads; links are not followed into folders (as `Path.rglob` does not). `files`: see `_lines`."""
    if not os.path.isdir(folder):
        return None
    lines: list[str] = []
    _lines(str(folder), "", frozenset(skip), ctime, lines, files)
    return hashlib.sha256("".join(lines).encode("utf-8", "surrogateescape")).hexdigest()


def _code_digest() -> str:
    h = hashlib.sha256(f"{FORMAT} {sys.version}".encode())
    paths = [ROOT / name for name in CODE_FILES]
    for name in CODE_DIRS:
        paths += [p for p in (ROOT / name).rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    for path in sorted(paths):
        h.update(str(path.relative_to(ROOT)).encode("utf-8", "surrogateescape") + b"\0")
        try:
            h.update(path.read_bytes())
        except FileNotFoundError:
            h.update(b"missing")
        h.update(b"\0")
    for key in ("purelib", "platlib"):  # installed distributions, with their versions
        folder = sysconfig.get_paths().get(key)
        if folder and os.path.isdir(folder):
            h.update("\n".join(sorted(n for n in os.listdir(folder) if n.endswith((".dist-info", ".egg-info")))).encode())
    return h.hexdigest()


def _exports_digest(exports: Path, files: list | None = None) -> str:
    """Every file under the exports (a superset of what `records.loader` reads), with the change
    time as well, so that a rewrite that kept size and modification time still counts."""
    folder = Path(exports)
    return f"{folder.resolve()} {tree_digest(folder, ctime=True, files=files)}"


def inputs_digest(options, exports_walk: list | None = None) -> str:
    """Everything the output is made from, as far as a build can tell without reading it.
    `exports_walk` gets what the walk of the exports found (`_lines`' `files`), for the loader
    (`records.load_exports(walked=)`), which would otherwise walk them again (0.06 s at 10k)."""
    settings = json.dumps(options.settings or {}, sort_keys=True, default=repr)
    env = sorted((k, v) for k, v in os.environ.items() if k.startswith("PORTAL_"))
    h = hashlib.sha256()
    for part in (_code_digest(), _exports_digest(options.exports, exports_walk), options.today.isoformat(),
                 str(bool(options.strict)), str(bool(options.production)), settings, json.dumps(env),
                 str(Path(options.output).resolve()), str(Path(options.state).resolve())):
        h.update(part.encode("utf-8", "surrogateescape") + b"\0")
    return h.hexdigest()


def state_digest(state: Path) -> str | None:
    return tree_digest(Path(state), skip=STATE_SKIP)


def output_digest(output: Path, files: dict[str, str] | None = None) -> str | None:
    """A digest of the site's files: names, sizes, times and inodes (folders are not served and do
    not count). `files` (relative path -> "size-mtime-inode": the gate's stamps of the site it
    passed, gate/memory.py) spares a build the walk of the site it has just put online (28,433
    files at 10k: 0.3-0.4 s); a link in the site, which the walk marks and the gate follows, only
    makes the next build not take the site for unchanged."""
    if files is None:
        if not os.path.isdir(output):
            return None
        from pipeline.swap import site_files

        files = {rel: _stamp(entry) for rel, entry in site_files(output)}
    lines = sorted(f"{rel}\0{stamp}\n" for rel, stamp in files.items())
    return hashlib.sha256("".join(lines).encode("utf-8", "surrogateescape")).hexdigest()


def _stamp(entry: os.DirEntry) -> str:
    """gate.memory.stamp of a file (not imported: the gate's imports are not the check's), or
    the target of a link."""
    if entry.is_symlink():
        return "link " + os.readlink(entry.path)
    st = entry.stat(follow_symlinks=False)
    return f"{st.st_size}-{st.st_mtime_ns}-{st.st_ino}"


def path_in(state: Path) -> Path:
    return Path(state) / NAME


def load(state: Path) -> dict | None:
    try:
        data = json.loads(path_in(state).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("format") == FORMAT else None


def unchanged(options, inputs: str) -> dict | None:
    """The report of the last build if this one would change nothing, else None."""
    from pipeline.swap import previous_dir, staging_dir

    output = Path(options.output)
    if staging_dir(output).exists() or previous_dir(output).exists():
        return None  # an interrupted build to clean up first
    saved = load(options.state)
    if saved is None or saved.get("inputs") != inputs:
        return None
    if saved.get("state") != state_digest(options.state) or saved.get("output") != output_digest(output):
        return None
    return saved.get("report")


def forget(state: Path) -> None:
    path_in(state).unlink(missing_ok=True)


def save(options, inputs: str, report: dict, files: dict[str, str] | None = None) -> None:
    """After a successful build, once the state and the site are final; `files`: the stamps of
    the site's files, if known (`output_digest`)."""
    from pipeline.state import atomic_write

    data = {"format": FORMAT, "inputs": inputs, "output": output_digest(options.output, files), "report": report}
    # the manifest is not part of the state digest, so it can be written last
    data["state"] = state_digest(options.state)
    atomic_write(path_in(options.state), json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8"))
