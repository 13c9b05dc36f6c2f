"""Where the build's heavy, pure work runs: on this machine or on a Dask cluster.

The stages see one method, `map(fn, items, done=None) -> list`: `fn` is a module-level function,
`items` and the results are plain picklable data, the order of the results is the order of the
items, and `done(index, result)` is called on this machine as each result comes back (the
redaction stage writes its cache there, so a build cut short keeps what was already done).

- `LocalExecutor`: a `ProcessPoolExecutor` of this machine (2 workers by default, as before);
  one item, or one worker, runs in this process.
- `DaskExecutor`: a `dask.distributed.Client`, either to a running scheduler (`--scheduler
  tcp://host:8786`) or to a client handed in (tests use an in-process `LocalCluster`).

What is sent is only what `fn` is given: the stages hand over records parsed from the export
files, and the build's code with the redaction rules' word lists is uploaded to the workers
(`ship_code`). The private state (`--state`: caches, audit log, what was published, indexes) is
never sent; the stages look there first and send only what is missing.
"""
from __future__ import annotations

import os
import pickle
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any, Callable, Sequence

ROOT = Path(__file__).resolve().parent.parent

# The build's own packages, uploaded to the workers with `ship_code` (the redaction rules and
# their word lists among them). Everything else a worker imports comes from its own
# installation of requirements.txt. Exports, --state and the site are not code and not here.
SHIPPED_PACKAGES = ("redaction", "records", "publication", "pipeline", "portal", "search", "stats",
                    "progress", "gate", "opendata")
# and the page templates the workers render decision pages with (portal.writing.render_jobs);
# the configuration they read travels with each task as plain data, not as pelicanconf.py
SHIPPED_FOLDERS = ("theme/templates",)


class Executor:
    """The interface the stages use. `workers` is how many tasks can run at once."""

    name = "executor"
    workers = 1

    def map(self, fn: Callable, items: Sequence, done: Callable[[int, Any], None] | None = None) -> list:
        raise NotImplementedError

    @property
    def started_ahead(self) -> bool:
        """Whether `map_ahead` would start now (a pool started ahead is waiting for work)."""
        return False

    def map_ahead(self, fn: Callable, items: Sequence) -> "Ahead | None":
        """Start `map(fn, items)` now and go on: the answers come from `Ahead.wait`. None where
        this executor has nothing started to run it on (the caller then maps when it needs the
        answers): only a `LocalExecutor` whose pool was started ahead says yes."""
        return None

    def settle(self) -> None:
        """Let go of workers started ahead for work that has been done (`LocalExecutor`)."""

    def close(self) -> None:
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _pool_context():
    """Workers forked from a small server process, not from the build: a forked build shares its
    whole heap with the worker, and every object a worker touches is copied (at 100k decisions
    each worker grew to the build's 2.7 GB). The server imports the redaction engine once; a
    pool forks from it in milliseconds and gets only what its tasks carry. Only the redaction:
    the server starts as the build does (`prepare`) and its first worker is waited for, so what
    it preloads is on the daily build's path (the pages' and indexes' modules as well made a
    warm worker ready 0.4 s later, longer than a 1k build takes to reach its redaction); the
    workers of a render pool (--shards) import those modules themselves, once each."""
    import multiprocessing

    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["pipeline.shards", "redaction.engine"])
    return context


class Ahead:
    """`map` run by a thread of this process while it does other work (it waits on the pool's
    workers, holding no lock). `wait()` joins it and returns the results in order, or raises
    what `map` raised."""

    def __init__(self, run: Callable[[], list]):
        import threading

        self._results: list | None = None
        self._error: BaseException | None = None

        def target() -> None:
            try:
                self._results = run()
            except BaseException as exc:  # given to the caller by `wait`
                self._error = exc

        self._thread = threading.Thread(target=target, name="map-ahead", daemon=True)
        self._thread.start()

    def join(self) -> None:
        self._thread.join()

    def wait(self) -> list:
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._results or []


class _Measured:
    """`fn` on a pool worker, with the CPU seconds the call took there and the worker's peak
    memory: the server's workers are not this process's children, so `getrusage` here never
    sees them, and the build's figures would leave the pool's work out."""

    def __init__(self, fn: Callable):
        self.fn = fn

    def __call__(self, item):
        import resource

        def cpu() -> float:
            usage = resource.getrusage(resource.RUSAGE_SELF)
            return usage.ru_utime + usage.ru_stime

        start = cpu()
        result = self.fn(item)
        return result, cpu() - start, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


class LocalExecutor(Executor):
    """This machine: a process pool of `workers` (default: CPU cores, at most 2)."""

    name = "local"

    def __init__(self, workers: int | None = None):
        self.workers = workers or min(2, os.cpu_count() or 1)
        self._pool: ProcessPoolExecutor | None = None  # started ahead by `prepare`, for the next `map`
        self._starting = None  # the thread that starts it
        self._warming = None  # the warm-up's future
        self._ahead: Ahead | None = None  # a `map` running in a thread (`map_ahead`)

    def prepare(self, warm: Callable[[Any], Any]) -> None:
        """Start a pool now, its first worker running `warm(None)` (a module-level function that
        loads what the tasks will need) while this process goes on with other work; the next
        `map` runs on it, even a single item, and then closes it. For a process that would
        otherwise load that itself (the command line: the redaction engine and the tagger's model,
        ~0.6 s, now spent on the other core while the build reads its exports); a process that has
        it loaded already does a few items faster itself.

        A thread starts it: the first worker waits for the fork server to import the stages
        (~0.8 s), and this process has other things to do meanwhile."""
        import threading

        if self.workers <= 1 or self._pool is not None:
            return
        self._pool = ProcessPoolExecutor(self.workers, mp_context=_pool_context())

        def start() -> None:
            try:
                self._warming = self._pool.submit(_Measured(warm), None)
            except Exception:  # no warm worker: `_warmed` lets the pool go
                self._warming = None

        self._starting = threading.Thread(target=start, name="pool-start", daemon=True)
        self._starting.start()

    def _warmed(self) -> None:
        """Wait for the warm-up, so that the first task goes to the worker that did it (an item
        submitted while it runs would start the second worker, which loads everything again).
        A pool whose worker could not start or warm up is let go: `map` then does what it does
        without one (a single item in this process), so a daily build does not depend on it."""
        if self._starting is None and self._warming is None:
            return
        if self._starting is not None:
            self._starting.join()
            self._starting = None
        warming, self._warming = self._warming, None
        try:
            if warming is None:
                raise RuntimeError("the pool started ahead did not start")
            _, cpu, peak = warming.result()
        except Exception as exc:
            import logging

            logging.getLogger(__name__).warning("预先启动的进程池不可用, 改为按需处理: %s", exc)
            pool, self._pool = self._pool, None
            if pool is not None:
                pool.shutdown(cancel_futures=True)
            return
        from pipeline import timing

        timing.add_worker_usage(cpu, peak)

    @property
    def started_ahead(self) -> bool:
        return self._pool is not None

    def map_ahead(self, fn, items) -> Ahead | None:
        """`map` on the pool started ahead (`prepare`), from a thread: the work a build knows
        early (the records of its new export files) starts while it reads its caches. Nothing
        else may call `map` before `Ahead.wait` has returned."""
        if self._pool is None:
            return None
        items = list(items)
        self._ahead = Ahead(lambda: self.map(fn, items))
        return self._ahead

    def settle(self) -> None:
        """Close the pool started ahead, if no `map` has: no worker outlives the stage it was
        started for, and the build forks no process while this pool's threads run."""
        if self._ahead is not None:  # a build that stops before it collects what it sent ahead
            self._ahead.join()
            self._ahead = None
        self._warmed()
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(cancel_futures=True)

    def map(self, fn, items, done=None):
        items = list(items)
        results = []
        self._warmed()
        if self._pool is None and (len(items) <= 1 or self.workers <= 1):
            for i, item in enumerate(items):
                results.append(fn(item))
                if done:
                    done(i, results[-1])
            return results
        from pipeline import timing

        pool, self._pool = self._pool, None
        pool = pool or ProcessPoolExecutor(min(self.workers, len(items)), mp_context=_pool_context())
        with pool:
            for i, (result, cpu, peak) in enumerate(pool.map(_Measured(fn), items)):
                timing.add_worker_usage(cpu, peak)
                results.append(result)
                if done:
                    done(i, result)
        return results

    def close(self) -> None:
        self.settle()


class _Call:
    """`fn(item)` as a pickle: unpickling it is calling it (on a worker, which has the code)."""

    def __init__(self, fn: Callable, item):
        self.fn, self.item = fn, item

    def __reduce__(self):
        return self.fn, (self.item,)


def _code_files() -> list[Path]:
    """The files of SHIPPED_PACKAGES: Python sources and the word lists and settings they read;
    the theme's templates."""
    files = []
    for package in (*SHIPPED_PACKAGES, *SHIPPED_FOLDERS):
        for path in sorted((ROOT / package).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
                files.append(path)
    return files


class DaskExecutor(Executor):
    """A Dask cluster. Give `address` (a running `dask scheduler`) or a `client` of your own.

    With `ship_code` (default when connecting by address) the build's packages are uploaded to
    every worker, so workers need only requirements.txt installed, not a checkout of this
    repository. A client handed in is not closed by `close()`.
    """

    name = "dask"

    def __init__(self, address: str | None = None, client=None, ship_code: bool | None = None):
        from distributed import Client

        if client is None and not address:
            raise ValueError("DaskExecutor needs a scheduler address or a client")
        self._own = client is None
        self.client = client if client is not None else Client(address, set_as_default=False)
        if ship_code if ship_code is not None else self._own:
            self.upload_code()

    @property
    def workers(self) -> int:
        try:
            info = self.client.scheduler_info(n_workers=-1)
        except TypeError:  # older distributed: every worker is listed anyway
            info = self.client.scheduler_info()
        return max(1, sum(w.get("nthreads", 1) for w in info.get("workers", {}).values()))

    def upload_code(self) -> None:
        """Copy the build's packages to every worker (now and any that join later) and restart
        them, so they import this version; the folder is named by a digest of its contents."""
        import hashlib
        import shutil
        import tempfile

        from distributed.diagnostics.plugin import UploadDirectory

        files = _code_files()
        h = hashlib.sha256()
        for path in files:
            h.update(str(path.relative_to(ROOT)).encode())
            h.update(path.read_bytes())
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp) / f"portal-code-{h.hexdigest()[:12]}"
            for path in files:
                target = folder / path.relative_to(ROOT)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, target)
            self.client.register_plugin(UploadDirectory(str(folder), restart_workers=True, update_path=True,
                                                        skip_words=()))

    def map(self, fn, items, done=None):
        from distributed import as_completed

        items = list(items)
        if not items:
            return []
        # each task is the bytes of its call, run by `pickle.loads` on the worker: the scheduler
        # deserialises task graphs, has no copy of the build's code (only the workers get it) and
        # so needs none, and it never reads a record
        calls = [pickle.dumps(_Call(fn, item), protocol=pickle.HIGHEST_PROTOCOL) for item in items]
        futures = self.client.map(pickle.loads, calls, pure=False)
        index = {f.key: i for i, f in enumerate(futures)}
        results: list = [None] * len(items)
        try:
            for future in as_completed(futures, loop=self.client.loop):
                i = index[future.key]
                results[i] = future.result()
                if done:
                    done(i, results[i])
                future.release()
        finally:
            for f in futures:
                f.release()
        return results

    def close(self) -> None:
        if self._own:
            self.client.close()


class SharedExecutor(Executor):
    """The build's one executor for every stage that hands work out (redaction, then both search
    indexes): made on first use, so a build with nothing to send never connects to a cluster,
    and a Dask cluster gets the code once per build, not once per stage. `close()` closes what
    it made (not an executor handed in)."""

    def __init__(self, spec=None, scheduler: str | None = None, workers: int | None = None):
        self._args = (spec, scheduler, workers)
        self._inner: Executor | None = None
        self._own = False

    def _get(self) -> Executor:
        if self._inner is None:
            import weakref

            self._inner, self._own = make_executor(*self._args)
            if self._own:  # closed also when a stage failed before `close()`
                weakref.finalize(self, self._inner.close)
        return self._inner

    def prepare(self, warm: Callable[[Any], Any]) -> None:
        """`LocalExecutor.prepare` when the stages' work runs on this machine's pool; nothing for
        a cluster (no connection is made before there is work to send) or an executor handed in."""
        if self._args[0] in (None, "local"):
            inner = self._get()
            if isinstance(inner, LocalExecutor):
                inner.prepare(warm)

    @property
    def name(self) -> str:
        spec = self._args[0]
        return spec.name if isinstance(spec, Executor) else (spec or "local")

    @property
    def workers(self) -> int:
        return self._get().workers

    def map(self, fn, items, done=None):
        return self._get().map(fn, items, done)

    @property
    def started_ahead(self) -> bool:
        return self._inner is not None and self._inner.started_ahead

    def map_ahead(self, fn, items):
        return self._inner.map_ahead(fn, items) if self._inner is not None else None

    def settle(self) -> None:
        if self._inner is not None:
            self._inner.settle()

    def close(self) -> None:
        if self._inner is not None and self._own:
            self._inner.close()
        self._inner = None


def for_stage(executor: Executor | None, shards: int | None) -> Executor | None:
    """The executor a stage hands its shards to, or None to do the work in this process: a
    cluster always; this machine's pool only when --shards asks for it (on 2 cores its processes
    cost more than they save for the pages and the indexes: bench/distributed.py)."""
    if executor is None or (executor.name == "local" and not shards):
        return None
    return executor


def make_executor(spec=None, scheduler: str | None = None, workers: int | None = None) -> tuple[Executor, bool]:
    """(executor, whether the caller must close it) for `BuildOptions.executor`: None or 'local',
    'dask' (with `scheduler`), or an `Executor` made by the caller (who then closes it)."""
    if isinstance(spec, Executor):
        return spec, False
    if spec in (None, "local"):
        return LocalExecutor(workers), True
    if spec == "dask":
        if not scheduler:
            raise ValueError("--executor dask 需要 --scheduler 地址 (如 tcp://10.0.0.5:8786)")
        return DaskExecutor(scheduler), True
    raise ValueError(f"未知的执行器 {spec!r} (可选: local, dask)")
