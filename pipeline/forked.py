"""A piece of the build run in a forked child while the build goes on with the rest.

The build's own process renders one page after another on one core; the other core is idle for
most of a daily build. `start(fn)` forks: the child has everything the build holds at that
moment (no pickling of the decisions), runs `fn()` and sends back its answer, which must be
plain picklable data; the build calls `join()` where it needs that answer. A failure in the
child is raised by `join()` with the child's traceback; `cancel()` ends a child whose answer is
no longer wanted (the build failed meanwhile). The child leaves with `os._exit`: nothing of the
build's own clean-up (atexit, finalizers, buffered output) runs twice.

Only where `os.fork` exists, and only from a process with no other thread running (a fork
copies the calling thread alone: a lock another thread held would stay locked in the child);
`may_fork()` says whether this process qualifies.
"""
from __future__ import annotations

import os
import pickle
import resource
import threading
import time
from typing import Any, Callable


def may_fork() -> bool:
    return hasattr(os, "fork") and threading.active_count() == 1


class ChildFailed(RuntimeError):
    pass


_NOT_JOINED = object()


def _usage(who: int) -> tuple[float, int]:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime, usage.ru_maxrss


class Forked:
    """A child running `fn()`; its answer, wall and CPU seconds and peak memory after `join()`.
    `name` says what it makes (in messages), `stage` the row of the build's figures it fills."""

    def __init__(self, fn: Callable[[], Any], name: str, stage: str):
        self.name, self.stage = name, stage
        self.wall = self.cpu = 0.0
        self.peak_kib = 0
        self._answer: Any = _NOT_JOINED  # the answer, or the ChildFailed, once joined
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child
            os.close(read)
            code = 0
            try:
                started = time.perf_counter()
                answer: tuple = ("ok", fn())
                wall = time.perf_counter() - started
                mine, kids = _usage(resource.RUSAGE_SELF), _usage(resource.RUSAGE_CHILDREN)
                answer += (wall, mine[0] + kids[0], max(mine[1], kids[1]))
                data = pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL)
            except BaseException as exc:  # noqa: BLE001 - everything goes back to the parent
                import traceback

                data = pickle.dumps(("error", f"{type(exc).__name__}: {exc}", traceback.format_exc()))
                code = 1
            try:
                with os.fdopen(write, "wb") as f:
                    f.write(data)
            finally:
                os._exit(code)
        os.close(write)
        self.pid, self._read = pid, read

    def join(self) -> Any:
        """The child's answer; raises `ChildFailed` when it failed or died. Joined again, the same
        answer (or failure): parts of one child's answer may be wanted at different places."""
        if self._answer is not _NOT_JOINED:
            if isinstance(self._answer, ChildFailed):
                raise self._answer
            return self._answer
        try:
            self._answer = self._join()
        except ChildFailed as exc:
            self._answer = exc
            raise
        return self._answer

    @property
    def answered(self) -> bool:
        """Joined, with an answer (its figures are then the child's)."""
        return self._answer is not _NOT_JOINED and not isinstance(self._answer, ChildFailed)

    def _join(self) -> Any:
        with os.fdopen(self._read, "rb") as f:
            data = f.read()
        _, status = os.waitpid(self.pid, 0)
        self.pid = None
        if not data:
            raise ChildFailed(f"{self.name}: 子进程意外结束 (状态 {status})")
        answer = pickle.loads(data)
        if answer[0] != "ok":
            raise ChildFailed(f"{self.name}: {answer[1]}\n{answer[2]}")
        _, result, self.wall, self.cpu, self.peak_kib = answer
        return result

    def cancel(self) -> None:
        if self.pid is None:
            return
        import signal

        try:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass
        os.close(self._read)
        self.pid = None


def start(fn: Callable[[], Any], name: str, stage: str) -> Forked:
    return Forked(fn, name, stage)


class Once:
    """A piece of work that the build or a child forked after this was made does, whichever
    comes to it first: a pipe holding one byte, shared by the fork; `take()` reads it, and only
    one reader can get it (a read of one byte from a pipe is atomic)."""

    def __init__(self):
        self._read, write = os.pipe()
        os.write(write, b"1")
        os.close(write)
        os.set_blocking(self._read, False)

    def take(self) -> bool:
        """True for the one process that takes the work; False for every other, and after close."""
        try:
            return os.read(self._read, 1) == b"1"
        except (BlockingIOError, OSError):  # taken (an empty pipe with no writer reads b"") or closed
            return False

    def close(self) -> None:
        try:
            os.close(self._read)
        except OSError:
            pass
