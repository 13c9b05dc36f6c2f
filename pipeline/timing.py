"""Per-stage figures of a build: wall time, CPU time (this process and its workers) and peak memory."""
from __future__ import annotations

import resource
import time
from contextlib import contextmanager


# CPU seconds and peak memory (KiB) reported by the local pool's workers (pipeline.executor),
# which are children of the forkserver, not of this process
_workers = {"cpu": 0.0, "peak_kib": 0}


def add_worker_usage(cpu: float, peak_kib: int) -> None:
    _workers["cpu"] += cpu
    _workers["peak_kib"] = max(_workers["peak_kib"], peak_kib)


def worker_usage() -> dict:
    """What the pool's workers used so far: {"cpu": s, "peak_kib": KiB} (bench/build.py adds it)."""
    return dict(_workers)


def _cpu() -> float:
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime + _workers["cpu"]


def peak_mib() -> float:
    """Peak resident memory so far, of this process and of the largest worker (MiB)."""
    me = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(me, kids, _workers["peak_kib"]) / 1024


def resident_mib() -> float:
    """What this process holds now (MiB), not its peak: what a stage left for the next ones."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * resource.getpagesize() / 2**20
    except (OSError, ValueError, IndexError):  # not Linux
        return 0.0


class Timings(dict):
    """stage -> {"wall": s, "cpu": s, "peak_mib": MiB, "rss_mib": MiB held at its end}; a stage
    timed twice adds up (its rss_mib is the last)."""

    def record(self, stage: str, wall: float, cpu: float, peak_mib: float) -> None:
        """A stage timed elsewhere (a forked child, `pipeline.forked`): its own figures."""
        entry = self.setdefault(stage, {"wall": 0.0, "cpu": 0.0, "peak_mib": 0.0})
        entry["wall"] += wall
        entry["cpu"] += cpu
        entry["peak_mib"] = max(entry["peak_mib"], peak_mib)

    def merge(self, other: dict) -> None:
        """Stages timed in another process (a forked child's own `Timings`), added to these."""
        for stage, figures in other.items():
            self.record(stage, figures["wall"], figures["cpu"], figures["peak_mib"])

    def record_child(self, child, apart: dict | None = None) -> None:
        """A joined forked child's own figures (`pipeline.forked.Forked`), under its stage;
        `apart`: stages the child timed on its own (its `Timings`), recorded under their names
        and left out of its stage's figures."""
        wall, cpu = child.wall, child.cpu
        for figures in (apart or {}).values():
            wall, cpu = wall - figures["wall"], cpu - figures["cpu"]
        self.merge(apart or {})
        self.record(child.stage, wall, cpu, child.peak_kib / 1024)

    @contextmanager
    def __call__(self, stage: str):
        wall, cpu = time.perf_counter(), _cpu()
        try:
            yield
        finally:
            entry = self.setdefault(stage, {"wall": 0.0, "cpu": 0.0, "peak_mib": 0.0})
            entry["wall"] += time.perf_counter() - wall
            entry["cpu"] += _cpu() - cpu
            entry["peak_mib"] = max(entry["peak_mib"], peak_mib())
            entry["rss_mib"] = resident_mib()
