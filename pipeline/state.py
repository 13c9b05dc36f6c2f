"""The private state folder (`--state`): caches, the audit log, what was last published.

Nothing here is ever published. A corrupt cache entry only logs and is recomputed.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
from dataclasses import fields
from datetime import date
from pathlib import Path

from records.model import Penalty, PublicDecision, PublicParty, plain

log = logging.getLogger(__name__)


def read_json(path: Path, if_damaged: str):
    """A JSON file of the state, or None when it is missing; a damaged one is logged and ignored."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        log.warning("%s 已损坏, %s: %s", path, if_damaged, exc)
        return None


def atomic_write(path: Path, data: bytes, sync: bool = True) -> None:
    """Replace `path` whole or not at all; `sync=False` for caches, whose loss costs only time."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as f:
        f.write(data)
        if sync:
            f.flush()
            os.fsync(f.fileno())
    os.replace(tmp, path)


class State:
    def __init__(self, root: Path, cache_root: Path | None = None):
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        # content-addressed caches (redaction, charts) may live elsewhere and be shared between
        # state folders: their keys say everything their values depend on
        self.cache_root = Path(cache_root) if cache_root else self.root / "cache"

    # -- redaction cache ------------------------------------------------------------
    def cache_path(self, stage: str, key: str) -> Path:
        return self.cache_root / stage / key[:2] / f"{key}.json"

    def cache_get(self, stage: str, key: str) -> dict | None:
        return read_json(self.cache_path(stage, key), "重新计算")

    def cache_put(self, stage: str, key: str, value: dict) -> None:
        # not synced: a file lost or cut short by a crash is read as missing and worked out again
        # (`read_json`); syncing each of 10k new redactions cost the build 8.5 s of waiting
        atomic_write(self.cache_path(stage, key), json.dumps(value, ensure_ascii=False).encode("utf-8"), sync=False)

    # -- what the last successful build published ----------------------------------------
    # `published/NNN.json`: id -> {"decision": plain PublicDecision, "secrets": [...],
    # "publicity_end": ...}, a key's file chosen as in `Buckets`; `published/index.json`: id ->
    # a digest of its entry, so a build rewrites only the files whose entries changed (at 10k
    # decisions one 31 MB JSON file was made and written whole by every build) and reads only
    # the files of the records it carries forward.
    @property
    def published_dir(self) -> Path:
        return self.root / "published"

    @property
    def _old_published(self) -> Path:  # the one-file layout before buckets
        return self.root / "published.json"

    def load_published(self, ids=None) -> dict[str, dict]:
        """id -> entry of the last successful build: of `ids` only, or of every decision."""
        if not self.published_dir.is_dir():
            entries = read_json(self._old_published, "视为首次发布") or {}
            return entries if ids is None else {i: entries[i] for i in ids if i in entries}
        if ids is None:
            files = sorted(self.published_dir.glob("[0-9]*.json"))
        else:
            files = sorted({self.published_dir / f"{Buckets.bucket(i):03d}.json" for i in ids})
        entries: dict[str, dict] = {}
        for path in files:
            entries.update(read_json(path, "其中的记录视为首次发布") or {})
        return entries if ids is None else {i: entries[i] for i in ids if i in entries}

    def save_published(self, records: dict) -> None:
        """`records`: id -> (PublicDecision, secrets, publicity end as ISO date or None, the
        secrets' `secrets_digest`)."""
        index_path = self.published_dir / "index.json"
        index = (read_json(index_path, "全部重写") or {}) if self.published_dir.is_dir() else {}
        signatures = {i: _signature(d, digest, end) for i, (d, _, end, digest) in records.items()}
        dirty = {Buckets.bucket(i) for i in signatures.keys() | index.keys() if signatures.get(i) != index.get(i)}
        by_bucket: dict[int, list[str]] = {n: [] for n in dirty}
        for i in records:
            n = Buckets.bucket(i)
            if n in by_bucket:
                by_bucket[n].append(i)
        for n, ids in sorted(by_bucket.items()):
            path = self.published_dir / f"{n:03d}.json"
            if not ids:
                path.unlink(missing_ok=True)
                continue
            entries = {i: {"decision": plain(records[i][0]), "secrets": records[i][1], "publicity_end": records[i][2]}
                       for i in sorted(ids)}
            atomic_write(path, json.dumps(entries, ensure_ascii=False, sort_keys=True).encode("utf-8"))
        atomic_write(index_path, json.dumps(signatures, sort_keys=True).encode("utf-8"))
        self._old_published.unlink(missing_ok=True)

    @property
    def parse_cache_folder(self) -> Path:
        """The parse cache's buckets (records/)."""
        return self.root / "cache" / "exports"

    @property
    def redaction_memo_folder(self) -> Path:
        """The redaction memo's buckets (pipeline/redact_stage.py)."""
        return self.root / "cache" / "redacted"

    # -- parsed and validated export files, keyed by size and modification time (records/) --
    def _parse_store(self, exports: Path) -> "Buckets":
        version = f"{Path(exports).resolve()} {_records_version()}"
        return Buckets(self.parse_cache_folder, version)

    def load_parse_cache(self, exports: Path) -> dict:
        (self.root / "cache" / "exports.pickle").unlink(missing_ok=True)  # the one-file layout before buckets
        self._parse = self._parse_store(exports)
        return self._parse.load()

    def save_parse_cache(self, exports: Path, cache: dict) -> None:
        store = getattr(self, "_parse", None) or self._parse_store(exports)
        store.save(cache)
        self._parse = None  # its buckets hold every parsed record: let them go with the cache

    # -- render keys of the pages now online (portal/writing.py) -------------------------
    @property
    def render_keys_path(self) -> Path:
        return self.root / "render-keys.json"

    def load_render_keys(self) -> dict[str, str]:
        return read_json(self.render_keys_path, "全部页面重新生成") or {}

    def stage_render_keys(self, keys: dict[str, str]) -> None:
        """Before the swap: forget the old keys (the site they describe is about to go) and keep
        the new ones aside. A crash before `commit_render_keys` costs one full render, never a
        page linked from the wrong site."""
        self.render_keys_path.unlink(missing_ok=True)
        atomic_write(self.render_keys_path.with_suffix(".pending"), json.dumps(keys, sort_keys=True).encode("utf-8"))

    def commit_render_keys(self) -> None:
        pending = self.render_keys_path.with_suffix(".pending")
        if pending.exists():
            os.replace(pending, self.render_keys_path)


    # -- what the gate of the site online scanned (gate/memory.py) ---------------------------
    @property
    def gate_folder(self) -> Path:
        return self.root / "gate"

    @property
    def gate_memory_path(self) -> Path:
        return self.gate_folder / "memory.marshal"

    def load_gate_memory(self, version: str) -> dict | None:
        """What the gate of the site online scanned, if it was this gate's code; else None (the
        gate then scans every file for everything). Kept with `marshal` (plain str, list, dict and
        int): at 10k the memory's ~200,000 secrets and ~28,000 stamps took 0.07 s to read and 0.10 s
        to write as JSON, 0.05 and 0.015 s so. A file another Python cannot read is a memory lost:
        the gate scans everything, as for a damaged one."""
        import marshal

        try:
            data = marshal.loads(self.gate_memory_path.read_bytes())
        except FileNotFoundError:
            return None
        except (OSError, EOFError, ValueError, TypeError) as exc:
            log.warning("%s 已损坏, 泄露检查全部重做: %s", self.gate_memory_path, exc)
            return None
        return data if isinstance(data, dict) and data.get("version") == version else None

    def forget_gate_memory(self) -> None:
        """Before the swap: a crash after it must not leave a memory of another site."""
        self.gate_memory_path.unlink(missing_ok=True)
        (self.gate_folder / "memory.json").unlink(missing_ok=True)  # the JSON memory before marshal
        (self.root / "gate-memory.json").unlink(missing_ok=True)  # the layout before gate/memory.py

    def save_gate_memory(self, memory: dict) -> None:
        import marshal

        from gate.memory import _Store

        atomic_write(self.gate_memory_path, marshal.dumps(memory, 4))
        _Store(self.gate_folder).remove_others(memory.get("chunks", []))


class Buckets:
    """A dict kept in --state as `COUNT` pickle files, a key's file chosen by its hash; `save`
    rewrites only the files whose entries changed since `load` (an entry is unchanged when its
    value is the very object loaded), so a build that parsed or redacted 10 new records writes
    a few small files, not the whole cache (at 10k decisions, 34 + 43 MB and 1.4 s of pickling
    before). Every file carries `version`: files of another version are ignored (their entries
    are recomputed); a damaged file only costs its entries."""

    COUNT = 256

    def __init__(self, folder: Path, version: str):
        self.folder = Path(folder)
        self.version = version
        self._loaded: dict[int, dict] = {}

    @classmethod
    def bucket(cls, key: str) -> int:
        import zlib

        return zlib.crc32(key.encode("utf-8", "surrogateescape")) % cls.COUNT

    def _path(self, n: int) -> Path:
        return self.folder / f"{n:03d}.pickle"

    def load(self) -> dict:
        import gc

        collecting = gc.isenabled()
        gc.disable()  # unpickling makes only live objects: the collector would walk them for nothing
        try:
            return self._load()
        finally:
            # ... and so would its first collection after: every object unpickled was still counted
            # as new, and that collection walked them all (0.08 s for each of the two caches of a
            # 10k build). Plain records hold no reference cycle; frozen, they still go when no
            # longer referenced. The build unfreezes what it froze when it ends (pipeline.build).
            gc.freeze()
            if collecting:
                gc.enable()

    def _load(self) -> dict:
        import pickle

        data: dict = {}
        self._loaded = {}
        if not self.folder.is_dir():
            return data
        for path in sorted(self.folder.glob("*.pickle")):
            try:
                n = int(path.stem)
                with open(path, "rb") as f:
                    version, entries = pickle.load(f)
            except Exception as exc:  # damaged, or not ours: its entries are recomputed
                log.warning("%s 已损坏, 其中的缓存将重新计算: %s", path, exc)
                continue
            if version != self.version or not isinstance(entries, dict):
                continue
            self._loaded[n] = entries
            data.update(entries)
        return data

    def save(self, data: dict) -> None:
        import pickle

        buckets: dict[int, dict] = {n: {} for n in range(self.COUNT)}
        for key, value in data.items():
            buckets[self.bucket(key)][key] = value
        for n, entries in buckets.items():
            old = self._loaded.get(n)
            if old is not None and old.keys() == entries.keys() and all(entries[k] is v for k, v in old.items()):
                continue
            path = self._path(n)
            if not entries:
                path.unlink(missing_ok=True)
            else:
                atomic_write(path, pickle.dumps((self.version, entries), protocol=pickle.HIGHEST_PROTOCOL), sync=False)
            self._loaded[n] = entries


def published_entries(path) -> dict[str, dict]:
    """Every entry of what a build published, from its --state folder (or, for states written
    before the buckets, its published.json file): for tests and benchmarks."""
    path = Path(path)
    return State(path.parent if path.name == "published.json" else path).load_published()


def secrets_digest(secrets: list[str]) -> str:
    """A digest of a decision's secrets (`cache_key` of them), made once, when they are found, and
    kept with them (`pipeline.redact_stage.Redacted`): a build compares every published entry
    with the last build's by `_signature`, and spelling out 21 secrets for each of 10,000
    decisions on every build was most of that (0.09 of 0.11 s)."""
    return hashlib.sha256(json.dumps([secrets], ensure_ascii=False).encode("utf-8")).hexdigest()


def _signature(decision: PublicDecision, secrets_digest: str, end: str | None) -> str:
    """What a published entry holds, as a digest: the public content (`content_hash`), what
    publication adds to it, the secrets (by `secrets_digest`) and the publicity end."""
    # cache_key's digest, without `plain` (the parts are strings, lists of strings, None and a
    # date, which JSON's `default=str` writes as `plain` does)
    blob = json.dumps([decision.content_hash, decision.first_published_on, decision.reviewed_by, decision.reviews,
                       decision.id, secrets_digest, end], ensure_ascii=False, default=str)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def _records_version() -> str:
    """The code that parses and validates exports: the parse cache holds its results."""
    import records

    h = hashlib.sha256()
    for path in sorted(Path(records.__file__).parent.glob("*.py")):
        h.update(path.name.encode() + path.read_bytes())
    return h.hexdigest()



CACHE_KEEP_DAYS = 7  # a cache entry (summary, chart, similar-case links) no build used for this long is removed


def prune_unused(folder, pattern: str, used: set[str], days: float = CACHE_KEEP_DAYS) -> None:
    """Entries this build used are touched; others unused for `days` are removed (the cache folder
    may serve several sites, e.g. the tests', so an entry another site uses is not removed at once)."""
    import time

    old = time.time() - days * 86400
    for path in Path(folder).glob(pattern):
        try:
            if path.name in used:
                os.utime(path)
            elif path.stat().st_mtime < old:
                path.unlink()
        except FileNotFoundError:
            pass

def cache_key(*parts) -> str:
    blob = json.dumps([plain(p) for p in parts], ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def _date(value):
    return date.fromisoformat(value) if value else None


def public_from_plain(data: dict) -> PublicDecision:
    """Rebuild a `PublicDecision` from its JSON form (state and caches)."""
    names = {f.name for f in fields(PublicDecision)}
    values = {k: v for k, v in data.items() if k in names}
    for key in ("decided_on", "served_on", "publicity_until", "first_published_on"):
        values[key] = _date(values.get(key))
    values["parties"] = [PublicParty(**p) for p in values.get("parties", [])]
    values["penalties"] = [Penalty(**p) for p in values.get("penalties", [])]
    return PublicDecision(**values)
