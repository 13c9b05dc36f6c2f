"""Decoy files: random bytes, named and sized like real ones.

Each padding bucket is filled up to a power of ten (and at least PROGRESS_MIN_FILES rounded up
to one), so the number of files of each size tells at most the order of magnitude of the number
of real ones. A decoy keeps its name from build to build (decoy i of size s), like a case does,
and gets fresh bytes on its own refresh day (seal.REFRESH_DAYS), like a case that moves on.
"""
from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass

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


@dataclass(frozen=True)
class Decoy:
    name: str
    data: bytes


def decoys(secret: SiteSecret, size: int, count: int, today: datetime.date):
    for i in range(count):
        label = f"{size}:{i}".encode()
        name = secret.mac("progress/decoy-name/v1", label)[:16].hex()
        data = secret.stream("progress/decoy/v1", label, epoch(name, today), length=size + OVERHEAD)
        yield Decoy(name, data)
