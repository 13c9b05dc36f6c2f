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

from .derive import aes_key, file_name, normalise, secret_input
from .pbkdf2 import derive_many

log = logging.getLogger(__name__)
_ENTRY = 80
_MAGIC = b"progress-cache-v2\n"  # a file of another layout is discarded, never misread


def cache_key(salt: bytes, iterations: int, case_no: str, query_code: str) -> bytes:
    h = hashlib.sha256()
    for part in (salt, str(iterations).encode(), normalise(case_no).encode(), normalise(query_code).encode()):
        h.update(len(part).to_bytes(4, "big"))
        h.update(part)
    return h.digest()


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
                todo[key] = secret_input(c, q)
        if todo:  # the slow part: then file name (16 bytes) + AES key (32 bytes) of each master
            masters = derive_many(list(todo.values()), salt, iterations, workers)
            self.entries.update((key, bytes.fromhex(file_name(m)) + aes_key(m)) for key, m in zip(todo, masters))
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
