"""Derivations already paid for, kept in the private state folder.

The file state_dir/progress/cache is a flat run of 80-byte entries after a version line: 32 bytes of
SHA-256(salt, iterations, normalised case number, normalised code), then the 16-byte file
name and the 32-byte AES key derived from them (the expansions are kept too, so a warm build
runs no KDF at all). It is as sensitive as the records themselves (it opens their files),
which is why it lives in --state and never in the site. A damaged cache is logged and
rebuilt, never fatal.
"""
from __future__ import annotations

import hashlib
import logging
import os
import pathlib
from concurrent.futures import ProcessPoolExecutor

from .derive import aes_key, derive_master, file_name, normalise

log = logging.getLogger(__name__)
_ENTRY = 80
_MAGIC = b"progress-cache-v2\n"  # a file of another layout is discarded, never misread
# Below this many cold derivations, starting worker processes costs more than it saves.
_POOL_THRESHOLD = 4


def cache_key(salt: bytes, iterations: int, case_no: str, query_code: str) -> bytes:
    h = hashlib.sha256()
    for part in (salt, str(iterations).encode(), normalise(case_no).encode(), normalise(query_code).encode()):
        h.update(len(part).to_bytes(4, "big"))
        h.update(part)
    return h.digest()


def _derive_one(args: tuple[str, str, bytes, int]) -> bytes:
    """The slow part, in a worker: file name (16 bytes) + AES key (32 bytes)."""
    master = derive_master(*args)
    return bytes.fromhex(file_name(master)) + aes_key(master)


class DerivationCache:
    def __init__(self, path: pathlib.Path):
        self.path = path
        self.entries: dict[bytes, bytes] = {}
        self.used: dict[bytes, bytes] = {}
        self.cold = 0

    def load(self) -> "DerivationCache":
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return self
        except OSError as exc:
            log.warning("progress cache %s unreadable (%s); starting empty", self.path, exc)
            return self
        if not data.startswith(_MAGIC) or (len(data) - len(_MAGIC)) % _ENTRY:
            log.warning("progress cache %s is damaged or of another version; starting empty", self.path)
            return self
        self.entries = {data[i : i + 32]: data[i + 32 : i + _ENTRY] for i in range(len(_MAGIC), len(data), _ENTRY)}
        return self

    def derive(self, pairs: list[tuple[str, str]], salt: bytes, iterations: int,
               workers: int | None = None, keys: list[bytes] | None = None) -> list[tuple[str, bytes]]:
        """(file name, AES key) of each (case_no, query_code), deriving only what is not cached.
        `keys`: their cache_key()s, when the caller has them already."""
        if keys is None:
            keys = [cache_key(salt, iterations, c, q) for c, q in pairs]
        todo = {}
        for key, (c, q) in zip(keys, pairs):
            if key not in self.entries and key not in todo:
                todo[key] = (c, q, salt, iterations)
        if todo:
            jobs = list(todo.values())
            if len(jobs) < _POOL_THRESHOLD or workers == 1:
                results = [_derive_one(j) for j in jobs]
            else:
                workers = workers or os.cpu_count() or 1
                with ProcessPoolExecutor(max_workers=workers) as pool:
                    results = list(pool.map(_derive_one, jobs, chunksize=max(1, len(jobs) // (workers * 8))))
            self.entries.update(zip(todo, results))
            self.cold = len(todo)
        out = [self.entries[k] for k in keys]
        self.used.update(zip(keys, out))
        return [(v[:16].hex(), v[16:]) for v in out]

    def save(self) -> None:
        """Keep only what this build used: records that left the site leave the cache too."""
        if not self.cold and len(self.used) == len(self.entries) and self.path.exists():
            return  # the same entries as the file holds (used is a subset of entries)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(self.path.name + ".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(_MAGIC + b"".join(k + v for k, v in sorted(self.used.items())))
        os.replace(tmp, self.path)
