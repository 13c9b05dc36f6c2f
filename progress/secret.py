"""The private random secret behind every choice the build would otherwise make at random.

Created once in state_dir/progress/secret (mode 0600) and never published. The public salt,
the IVs and the decoys are all HMACs of it, so the same exports, the same state and the same day
give byte-identical files, while nobody without the state can predict any of them.
Losing the secret changes the salt: every derivation is paid again on the next build, and
receipts keep working (the salt is read by the browser from params.json).
"""
from __future__ import annotations

import hashlib
import hmac
import os
import pathlib

_SIZE = 32


class SiteSecret:
    def __init__(self, key: bytes):
        self._key = key

    @classmethod
    def load_or_create(cls, state_dir: pathlib.Path) -> "SiteSecret":
        path = state_dir / "progress" / "secret"
        try:
            key = path.read_bytes()
        except FileNotFoundError:
            path.parent.mkdir(parents=True, exist_ok=True)
            key = os.urandom(_SIZE)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as f:
                f.write(key)
        if len(key) != _SIZE:
            raise ValueError(f"{path} is not a {_SIZE}-byte secret; move it away to start afresh")
        return cls(key)

    @staticmethod
    def _message(label: str, parts: tuple[bytes, ...]) -> bytes:
        return label.encode() + b"".join(len(p).to_bytes(4, "big") + p for p in parts)

    def mac(self, label: str, *parts: bytes) -> bytes:
        """HMAC-SHA256 over the label and the length-prefixed parts (unambiguous framing)."""
        return hmac.digest(self._key, self._message(label, parts), "sha256")

    @property
    def salt(self) -> bytes:
        return self.mac("progress/salt/v1")[:16]

    def stream(self, label: str, *parts: bytes, length: int) -> bytes:
        """`length` pseudo-random bytes, determined by the secret, the label and the parts."""
        return hashlib.shake_256(self._key + self._message(label, parts)).digest(length)  # keyed sponge: a PRF
