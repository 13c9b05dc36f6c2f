"""Decoy files: random bytes, named and sized like real ones.

Each padding bucket is filled up to a power of ten (and at least PROGRESS_MIN_FILES rounded up
to one), so the number of files of each size tells at most the order of magnitude of the number
of real ones. A decoy keeps its name from build to build (decoy i of size s), like a case does,
and gets fresh bytes on its own refresh day (seal.REFRESH_DAYS), like a case that moves on.
"""
from __future__ import annotations

import datetime
from collections import Counter

from .seal import OVERHEAD, epoch
from .secret import SiteSecret


def power_of_ten_at_least(n: int) -> int:
    total = 1
    while total < n:
        total *= 10
    return total


def plan(real_sizes: list[int], sizes: tuple[int, ...], min_files: int) -> dict[int, int]:
    """How many decoys of each plaintext size: every configured bucket, and any oversized one used."""
    real = Counter(real_sizes)
    return {
        size: power_of_ten_at_least(max(real[size], min_files)) - real[size]
        for size in sorted(set(sizes) | set(real))
    }


def name(secret: SiteSecret, size: int, i: int) -> str:
    """Decoy i of plaintext size `size`: the same name on every build."""
    return secret.mac("progress/decoy-name/v1", f"{size}:{i}".encode())[:16].hex()


def data(secret: SiteSecret, size: int, i: int, name: str, today: datetime.date) -> bytes:
    """Its bytes, as long as a real file of that size, fresh on its refresh day."""
    return secret.stream("progress/decoy/v1", f"{size}:{i}".encode(), epoch(name, today), length=size + OVERHEAD)
