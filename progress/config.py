"""Settings of the case-progress lookup, with their defaults and their limits.

Every key may be set in the site settings (pelicanconf / the build's settings dict):

PROGRESS_ITERATIONS (600000)
    PBKDF2-HMAC-SHA256 iterations of the one slow derivation per (case number, query code).
    OWASP's 2023 floor for PBKDF2-HMAC-SHA256; a lower value is refused unless
    PROGRESS_ALLOW_WEAK is true, which only tests may set.
PROGRESS_ALLOW_WEAK (False)
    Test-only: allow fewer iterations so that a test suite stays fast. Never in production.
PROGRESS_KEEP_CLOSED_DAYS (180)
    A record whose latest event is 结案 (closed) or 撤案 (dropped) stays readable this many days
    after that event, then is no longer published.
PROGRESS_SIZES ((1024, 4096, 16384))
    Padding buckets in bytes of plaintext. Every file holds exactly one bucket's worth
    (plus 12 bytes of IV and 16 of tag), so its size tells only which bucket it is in.
    A record larger than the largest bucket takes the next multiple of it.
PROGRESS_MIN_FILES (100)
    The least number of files in each bucket. Each bucket is filled with decoys up to a power of
    ten, and at least this (rounded up to a power of ten), so that the number of files tells at
    most the order of magnitude of the number of cases.
PROGRESS_WORKERS (None)
    Processes for cold derivations; None means one per core.
"""
from __future__ import annotations

from dataclasses import dataclass

OWASP_MIN_ITERATIONS = 600_000

DEFAULTS = {
    "PROGRESS_ITERATIONS": OWASP_MIN_ITERATIONS,
    "PROGRESS_ALLOW_WEAK": False,
    "PROGRESS_KEEP_CLOSED_DAYS": 180,
    "PROGRESS_SIZES": (1024, 4096, 16384),
    "PROGRESS_MIN_FILES": 100,
    "PROGRESS_WORKERS": None,
}


class ProgressConfigError(ValueError):
    """A progress setting is missing a sensible value; the message says which and why."""


@dataclass(frozen=True)
class ProgressConfig:
    iterations: int
    keep_closed_days: int
    sizes: tuple[int, ...]
    min_files: int
    workers: int | None

    @classmethod
    def from_settings(cls, settings: dict) -> "ProgressConfig":
        def get(key):
            return settings.get(key, DEFAULTS[key])

        iterations = int(get("PROGRESS_ITERATIONS"))
        if iterations < OWASP_MIN_ITERATIONS and not get("PROGRESS_ALLOW_WEAK"):
            raise ProgressConfigError(
                f"PROGRESS_ITERATIONS={iterations} is below {OWASP_MIN_ITERATIONS} "
                "(OWASP, PBKDF2-HMAC-SHA256); only tests may lower it, with PROGRESS_ALLOW_WEAK=True"
            )
        if iterations < 1:
            raise ProgressConfigError("PROGRESS_ITERATIONS must be a positive number")
        sizes = tuple(sorted({int(s) for s in get("PROGRESS_SIZES")}))
        if not sizes or sizes[0] < 256:
            raise ProgressConfigError("PROGRESS_SIZES needs at least one bucket of 256 bytes or more")
        keep = int(get("PROGRESS_KEEP_CLOSED_DAYS"))
        if keep < 0:
            raise ProgressConfigError("PROGRESS_KEEP_CLOSED_DAYS cannot be negative")
        min_files = int(get("PROGRESS_MIN_FILES"))
        if min_files < 1:
            raise ProgressConfigError("PROGRESS_MIN_FILES must be at least 1")
        workers = get("PROGRESS_WORKERS")
        return cls(iterations, keep, sizes, min_files, int(workers) if workers else None)
