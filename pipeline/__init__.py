"""The build: load, decide, redact, render, gate, swap, log. Entry point: `build(options)`.

Each stage lives in its own folder (`records`, `publication`, `redaction`, `portal`, `search`,
`progress`, `stats`, `gate`); this module only passes plain data between them, in order, and
swaps the new site in only when every stage succeeded and the leak gate found nothing.
"""
from __future__ import annotations

import contextlib
import gc

import json
import logging
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline import manifest
from pipeline.state import atomic_write
from pipeline.timing import Timings
from records.model import Problem, PublicDecision, plain

if TYPE_CHECKING:
    from pipeline.state import State

# The stages (Pelican, whoosh, matplotlib, the tagger …) are imported by `build` only when it
# has work to do: a rebuild with nothing changed stops before any of them (pipeline/manifest.py).

log = logging.getLogger(__name__)


class PublishError(Exception):
    """A problem the staff member can fix; shown as one clear sentence, never a traceback."""


@dataclass
class BuildOptions:
    exports: Path
    output: Path
    state: Path
    today: date
    strict: bool = False
    production: bool = False
    settings: dict = field(default_factory=dict)  # Pelican setting overrides
    workers: int | None = None
    cache_dir: Path | None = None  # content-addressed caches; default --state/cache
    # where redaction runs: None/'local' (this machine), 'dask' (with `scheduler`, e.g.
    # tcp://host:8786), or a `pipeline.executor.Executor` the caller made and closes
    executor: object = None
    scheduler: str | None = None
    shards: int | None = None  # how many shards to cut the work into (default: per executor)
    # start this machine's pool as the build starts, its first worker loading the redaction
    # engine and the tagger while this process reads the exports (`LocalExecutor.prepare`): for a
    # process that has not loaded them (the command line); a caller that builds again and again
    # with the tagger loaded (tests) redacts a few records faster in its own process
    early_pool: bool = False


@dataclass
class BuildReport:
    problems: list[Problem] = field(default_factory=list)
    published: int = 0
    withdrawals: int = 0
    expired: int = 0
    excluded: int = 0
    carried_forward: list[str] = field(default_factory=list)
    leaks: list = field(default_factory=list)
    events: list[dict] = field(default_factory=list)
    swapped: bool = False
    unchanged: bool = False  # nothing to do: the site online is the one these inputs make
    timings: Timings = field(default_factory=Timings)

    @property
    def ok(self) -> bool:
        return self.swapped and not self.problems


def _link_reviews(decisions: list[PublicDecision]) -> None:
    """Link each published reconsideration with the published penalty it reviewed, both ways."""
    from publication import normalise_no

    penalties = {normalise_no(d.decision_no): d for d in decisions if d.kind == "penalty"}
    for rec in sorted((d for d in decisions if d.kind == "reconsideration"), key=lambda d: (d.decided_on, d.id)):
        target = penalties.get(normalise_no(rec.original_decision_no or ""))
        if target is not None:
            rec.reviews = target.slug
            target.reviewed_by.append(rec.slug)


def _carry_forward(exports, previous: dict, public: dict, sel, today: date, report: BuildReport):
    """A decision published before whose record is unreadable in this export stays as it was."""
    from pipeline.state import public_from_plain

    kept = {}
    for did in sorted(exports.unreadable_ids):
        entry = previous.get(did)
        if entry is None or did in public:
            continue
        decision = public_from_plain(entry["decision"])
        end = entry.get("publicity_end")
        if end and today > date.fromisoformat(end):
            continue
        kept[did] = (decision, entry.get("secrets", []), end)
        report.carried_forward.append(did)
    return kept


def _gate_version() -> str:
    import hashlib
    import unicodedata

    import gate

    h = hashlib.sha256(unicodedata.unidata_version.encode())  # NFKC's tables are part of the check
    for path in sorted(Path(gate.__file__).parent.glob("*.py")):
        h.update(path.name.encode() + path.read_bytes())
    return h.hexdigest()


# The gate's child is forked during the rendering only by a build that holds less than this: the
# search child may still run then, and three processes that share the build's pages copy what the
# build writes (100k, ten new: all processes at once 4,466-4,599 MiB, against 2,956-3,229 MiB
# with the child forked at the gate). A 10k daily build holds ~300 MiB (all at once ~590 MiB).
EARLY_GATE_MAX_MIB = 1024


class GateChild:
    """One child forked as soon as every secret is known (after the progress stage, while this
    process finishes rendering; the search child, if still running, shares the other core):
    it makes the gate's secrets ready (`gate.memory.prepare_beside`). The files of the site
    online, which the swap needs (`pipeline.swap.apply`; 28,500 files in 10,000 folders at 10k:
    0.17-0.6 s), are listed by whichever process comes to them first (`pipeline.forked.Once`):
    the child once its secrets are ready, or this process when the gate first needs those
    secrets and the child is still at them (a day's new parties: the child looks for each in
    every stored line), instead of waiting idle. Only over a site online whose gate memory this
    gate can build on, only where this process may fork, and only while it holds under
    `EARLY_GATE_MAX_MIB`; otherwise the gate forks its own child as it starts, or does it all
    here (see `_gate`), and the swap walks the site. The listing is taken a moment before the
    swap instead of at it: a file put into the site by hand in that moment stays until the next
    build."""

    def __init__(self, state: State, output: Path, public_names: set[str], timed):
        self.state, self.output, self.public_names, self.timed = state, output, public_names, timed
        self.version = _gate_version()
        self.prepared = self.child = self.made_with = self.listing = self.files = None

    def may_start(self) -> bool:
        """Whether `start` would fork: one child a build, where this process may fork and holds
        under `EARLY_GATE_MAX_MIB` (else the gate forks its own child, as it starts)."""
        from pipeline import forked
        from pipeline.timing import resident_mib

        return self.child is None and forked.may_fork() and resident_mib() < EARLY_GATE_MAX_MIB

    def start(self, secrets: dict[str, list[str]], stage_secrets: dict) -> None:
        from gate.memory import prepare_beside
        from pipeline import forked

        if not self.may_start():
            return
        self.listing = forked.Once()

        def beside(fn):
            def both():
                answer, own = fn(), Timings()
                return answer, self._list_if_first(own), own  # first: the build is not waiting yet

            self.child = forked.start(both, "泄露检查的个人信息", "gate secrets")
            return _Part(self.child, 0, self._list_while_waiting)

        self.prepared = prepare_beside(secrets, self.state.load_gate_memory(self.version), self.state.gate_folder,
                                       self.version, self.public_names, beside)
        self.made_with = dict(stage_secrets)

    def _list_while_waiting(self) -> None:
        """The gate needs the child's secrets now: list the site here unless the child has."""
        self.files = self._list_if_first(self.timed)

    def _list_if_first(self, timed) -> list[str] | None:
        """The files of the site online, listed by this process (the build or the child) if it
        is the first to come to them (`pipeline.forked.Once`); else None."""
        from pipeline import swap

        if self.listing is None or not self.listing.take():
            return None
        try:
            with timed("site listing") if timed is not None else contextlib.nullcontext():
                return swap.online_files(str(self.output))
        except OSError:  # the swap walks the site itself
            return None

    def for_gate(self, stage_secrets: dict):
        """What the gate builds on, if the stages added no secret since the child started."""
        if self.prepared is not None and stage_secrets != self.made_with:
            self.close()
        return self.prepared

    def online_files(self) -> list[str] | None:
        """The files of the site online, listed by the child (None: the swap walks them)."""
        if self.child is None or self.prepared is None:
            return None
        try:
            answer = self.child.join()
        except Exception:  # the gate made its secrets here instead (with a warning)
            return self.files  # listed here, or None: the swap walks the site
        if self.timed is not None:
            self.timed.merge(answer[2])  # inside the child's own figures ("gate secrets")
        return answer[1] if answer[1] is not None else self.files

    def close(self) -> None:
        """Record the child's figures if it answered, end it if it did not."""
        if self.child is not None:
            if self.child.answered:
                if self.timed is not None:
                    self.timed.record_child(self.child)
            else:
                self.child.cancel()
        if self.listing is not None:
            self.listing.close()
        self.prepared = self.child = self.listing = None


class _Part:
    """One part of a child's answer, joined as the child (`pipeline.forked.Forked`); `before`,
    if given, is called once, when the part is first wanted (while the child may still work)."""

    def __init__(self, child, index: int, before=None):
        self.child, self.index, self.before = child, index, before

    def join(self):
        if self.before is not None:
            before, self.before = self.before, None
            before()
        return self.child.join()[self.index]

    def cancel(self) -> None:
        self.child.cancel()


def _gate(staging: Path, secrets: dict[str, list[str]], kept: set[str], state: State, public_names=(), online=None,
          kept_stamps=None, timed=None, prepared=None):
    """The leak gate. Every file written by this build is checked for every secret and pattern;
    files kept unchanged from the site `online` (`kept`, still the very files the online gate
    scanned) are checked for the secrets that gate did not know, in the lines it stored
    (gate/memory.py); a secret inside one of `public_names` (the organisations and sole
    proprietors the site names as parties) is none (gate/public_names.py). Returns the leaks and
    the memory to save once the site is online.

    Over a site online, the secrets are made ready in a forked child while this process reads
    the new files: `prepared`, started before the rendering ended (`GateChild`), or forked here
    (the other core is idle by then: the pool and the search child are done)."""
    from gate.memory import check
    from pipeline import forked

    children = []

    def beside(fn):
        children.append(forked.start(fn, "泄露检查的个人信息", "gate secrets"))
        return children[-1]

    version = _gate_version()
    if prepared is not None:
        return check(staging, secrets, kept, prepared.previous, state.gate_folder, version, public_names, online,
                     kept_stamps, prepared=prepared)
    try:
        return check(staging, secrets, kept, state.load_gate_memory(version), state.gate_folder, version,
                     public_names, online, kept_stamps, beside if online is not None and forked.may_fork() else None)
    finally:
        for child in children:
            if timed is not None and child.pid is None:  # joined: its figures are the build's
                timed.record_child(child)


def _derive_ahead(options: BuildOptions, records: list, helpers: contextlib.ExitStack):
    """The progress stage's derivations, started now in a thread (`progress.derive_ahead`); the
    build waits for them when it stops, however it stops (nothing of it outlives the build)."""
    if not records:
        return None
    from pipeline.render import pelican_settings
    from progress.config import ProgressConfigError
    from progress.publish import derive_ahead

    try:
        ahead = derive_ahead(records, Path(options.state), options.today,
                             pelican_settings(Path(options.output), None, options.production, options.settings))
    except ProgressConfigError:
        return None  # the progress stage says what is wrong with the settings
    if ahead is not None:
        helpers.callback(ahead.stop)
    return ahead


def _wait_for(results: dict, quiet: bool = False) -> None:
    """Wait for what the stages left going beside the build (`results["before_swap"]`)."""
    for wait in results.get("before_swap", []):
        try:
            wait()
        except Exception as exc:
            if not quiet:
                raise
            log.warning("work beside the build failed as the build stopped: %s", exc)


def _summary(report: BuildReport) -> dict:
    """What a rebuild with nothing changed reports again (pipeline/manifest.py)."""
    return {"published": report.published, "withdrawals": report.withdrawals, "expired": report.expired,
            "excluded": report.excluded, "carried_forward": report.carried_forward,
            "problems": [plain(p) for p in report.problems]}


def _unchanged(options: BuildOptions, report: BuildReport, saved: dict) -> BuildReport:
    report.unchanged = report.swapped = True
    report.published, report.withdrawals = saved["published"], saved["withdrawals"]
    report.expired, report.excluded = saved["expired"], saved["excluded"]
    report.carried_forward = list(saved["carried_forward"])
    report.problems = [Problem(**p) for p in saved["problems"]]
    _write_figures(options, report)
    return report


def _keep_unchanged(staging: Path, online: Path, kept: set[str]) -> None:
    """Files a stage wrote again with the very bytes of the site online (theme files, search
    shards, …) are dropped from the build's folder and kept online (pipeline/swap.py): an upload by
    size and time skips them, and the gate treats them as the pages kept unchanged (their bytes
    were scanned when first written)."""
    import os

    stack = [("", str(staging), str(online))]
    while stack:
        prefix, folder, source_folder = stack.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                rel = prefix + entry.name
                if entry.is_dir(follow_symlinks=False):
                    stack.append((rel + "/", entry.path, os.path.join(source_folder, entry.name)))
                    continue
                source = os.path.join(source_folder, entry.name)
                try:
                    if os.stat(source).st_size != entry.stat().st_size:
                        continue
                    with open(source, "rb") as a, open(entry.path, "rb") as b:
                        if a.read() != b.read():
                            continue
                    os.unlink(entry.path)
                except OSError:
                    continue
                kept.add(rel)


# `early_pool` pays where the build has work of its own before its redaction (the caches of a
# large archive: ~1.2 s at 10k) or redacts everything (a first build). A build over a small site
# reaches its redaction before a warm worker is ready and would wait for it (1k, ten new: redact
# 0.72 s in process, 0.84 s with the worker); the size is the last build's count of decisions.
EARLY_POOL_MIN = 2000


def build(options: BuildOptions) -> BuildReport:
    # one executor for the stages that hand work out: redaction, then the search indexes
    from pipeline.executor import SharedExecutor

    pool = SharedExecutor(options.executor, options.scheduler, options.workers)
    try:
        with contextlib.ExitStack() as helpers:  # processes that help the build and end with it
            return _build(options, pool, helpers)
    finally:
        pool.close()  # its workers too, however the build ended
        gc.unfreeze()  # what `_build` froze is the collector's again (a process may build again)


def _build(options: BuildOptions, pool, helpers: contextlib.ExitStack) -> BuildReport:
    report = BuildReport()
    timed = report.timings
    with timed("unchanged check"):
        exports_walk: list = []  # the exports' files as the fingerprint walked them: the loader's too
        inputs = manifest.inputs_digest(options, exports_walk)
        saved = manifest.unchanged(options, inputs)
    if saved is not None:
        return _unchanged(options, report, saved)
    last = (manifest.load(options.state) or {}).get("report") or {}
    manifest.forget(options.state)
    from pipeline.state import State
    from pipeline.warm import Warm

    state = State(options.state, options.cache_dir)
    helpers.callback(Warm(state, options.output).stop)  # over a site online: its caches and files asked for now
    if options.early_pool and last.get("published", EARLY_POOL_MIN) >= EARLY_POOL_MIN:
        from pipeline.shards import warm_redaction

        pool.prepare(warm_redaction)

    from pipeline import audit, swap
    from pipeline.memory import give_back
    from pipeline.redact_stage import redact_ahead, redact_all
    from pipeline.render import render_site
    from pipeline.state import secrets_digest
    from portal.site_data import SiteData
    from publication import select
    from records import load_exports

    today = options.today
    with timed("load"):
        parse_cache = state.load_parse_cache(options.exports)
        exports = load_exports(options.exports, parse_cache, exports_walk)
        # the new records go to the pool started ahead now: redacted while this process saves
        # the parse cache and reads the memo of all the others
        ahead = redact_ahead(exports.decisions, exports.fresh, state, pool)
        state.save_parse_cache(options.exports, parse_cache)
    # the parse cache holds every record's raw mapping (its text a second copy of the record's):
    # saved, it is not needed again in this build (measured: ~8 KB a record, held to the end)
    del parse_cache
    report.problems = exports.problems
    if options.strict and exports.problems:
        return report
    if not exports.decisions and not exports.progress and not exports.unreadable_ids:
        raise PublishError(f"{options.exports} 中没有可读的记录, 未发布任何内容 (原站点保持不变)")

    derivations = _derive_ahead(options, exports.progress, helpers)
    sel = select(exports.decisions, today)
    report.withdrawals, report.expired, report.excluded = len(sel.withdrawals), len(sel.expired), len(sel.excluded)

    # Everything is redacted, not only what is published: the personal data of a withdrawn,
    # expired or never-public decision is still data the gate must never find on the site.
    with timed("redact"):
        redacted = redact_all(exports.decisions, sel.slugs, state, options.workers, sel.ends,
                              pool, options.scheduler, options.shards, exports.tokens, ahead)
        pool.settle()  # a pool started ahead for the redaction does not outlive it
    with timed("publication"):  # what goes online: carried forward, first published, reviews
        public = {d.id: redacted[d.id].public for d in sel.public}
        # The records as exported (texts with personal data, parties) are not needed past redaction:
        # the gate needs where each came from, the audit log which expired; the rest is let go.
        where = {d.id: d.source.where(d.id) for d in exports.decisions}
        expired_ids = {d.id for d in sel.expired}
        exports.decisions, sel.public, sel.withdrawn, sel.expired, sel.excluded = [], [], [], [], []
        previous = state.load_published(exports.unreadable_ids)  # only what may be carried forward
        carried = _carry_forward(exports, previous, public, sel, today, report)

        log_events = audit.read(options.state)
        first = audit.first_publication(log_events)
        decisions = [*public.values(), *(c[0] for c in carried.values())]
        for d in decisions:
            d.first_published_on = first.get(d.id, today)
            d.reviewed_by, d.reviews = [], None
        _link_reviews(decisions)

        output = Path(options.output).resolve()  # Pelican would read a relative one from pelicanconf.py's folder
        public_names = {p.label for d in decisions for p in d.parties if p.type in ("organization", "sole_proprietor")}
        data = SiteData(timings=timed, cache_dir=state.cache_root, decisions=decisions, withdrawals=sel.withdrawals, progress=exports.progress,
                        state_dir=Path(options.state), today=today, audit=log_events,
                        previous_output=output if output.is_dir() else None,
                        render_keys=state.load_render_keys() if output.is_dir() else {},
                        progress_ahead=derivations)
        # work the stages left going beside the build (a whoosh index built apart): waited for
        # before the swap, and when the build stops otherwise (its errors then only logged)
        helpers.callback(_wait_for, data.results, quiet=True)
        staging = swap.fresh_staging(output)

        def gate_secrets() -> dict[str, list[str]]:
            secrets = {label: redacted[did].secrets for did, label in where.items()}
            for did, (_, found, _) in carried.items():
                secrets[f"上次发布 (id={did})"] = found
            secrets.update(data.results.get("secrets", {}))
            return secrets

        early = GateChild(state, output, public_names, timed) if data.previous_output is not None else None
        if early is not None:
            def secrets_known() -> None:  # called by the progress stage, the last to add secrets
                if not early.may_start():  # (100k: the secrets' dict alone is 0.2 s, made again at the gate)
                    return
                with timed("gate child start"):  # inside the progress stage's own figures
                    early.start(gate_secrets(), data.results.get("secrets", {}))

            data.secrets_known = secrets_known
    # What the build holds from here to its end (the public decisions, caches, the redactions
    # for the gate) leaves the collector's view: its full collections (give_back, and Python's own
    # during rendering) walk only what rendering makes. None of it is in a reference cycle that
    # would need the collector to go (plain records and containers), and the process ends with the build.
    gc.freeze()
    try:
        with timed("render"):
            try:
                render_site(staging, data, options.production,
                            {**options.settings, "BUILD_EXECUTOR": pool, "BUILD_SHARDS": options.shards})
            finally:
                pool.close()
        prepared = early.for_gate(data.results.get("secrets", {})) if early is not None else None
        secrets = prepared.secrets if prepared is not None else gate_secrets()
        kept = data.results.setdefault("kept_files", set())
        if not (staging / "index.html").is_file() and "index.html" not in kept:  # an empty site passes the gate: never swap it in
            raise PublishError(f"渲染结果缺少首页 ({staging / 'index.html'}); 原网站保持不变")
        if data.previous_output is not None:
            with timed("keep unchanged"):
                _keep_unchanged(staging, data.previous_output, kept)
        # What redaction and rendering let go, handed back before the gate adds its own, by a
        # process that holds 1 GiB or more (pipeline.memory: 10k cold, 620 -> 416 MiB held; 100k,
        # 2-3 GiB). Not after redaction: rendering reuses that (a trim there changed no later figure).
        with timed("give back memory"):
            give_back()
        with timed("gate"):
            report.leaks, gate_memory = _gate(staging, secrets, kept, state, public_names, data.previous_output,
                                              data.results.get("kept_stamps"), timed, prepared)
        if report.leaks:
            swap.discard(staging)
            _write_figures(options, report)
            return report
        with timed("search beside"):
            _wait_for(data.results)
        with timed("swap in"):
            state.stage_render_keys(data.results.get("render_keys", {}))
            state.forget_gate_memory()
            if data.previous_output is None:
                swap.swap_in(staging, output)
            else:
                swap.apply(staging, output, kept, early.online_files() if early is not None else None)
            state.commit_render_keys()
            state.save_gate_memory(gate_memory)
    except BaseException:
        swap.discard(staging)
        raise
    finally:
        if early is not None:
            early.close()
    report.swapped = True
    report.published = len(decisions)
    with timed("record"):
        for action in data.results.get("after_swap", []):
            action()

        # The site is in place: record what changed, then what is now public.
        now = {d.id: (d.decision_no, d.content_hash) for d in decisions}
        withdrawn = {w.decision_id: w.reason for w in sel.withdrawals}
        report.events = audit.changes(audit.replay(log_events), now, withdrawn, expired_ids, today)
        audit.append(options.state, report.events)
        entries = {}
        for d in decisions:
            if d.id in carried:
                _, found, end = carried[d.id]
                entries[d.id] = (d, found, end, secrets_digest(found))
            else:
                r = redacted[d.id]
                entries[d.id] = (d, r.secrets, sel.ends[d.id].isoformat(), r.secrets_digest)
        state.save_published(entries)
        manifest.save(options, inputs, _summary(report), gate_memory.get("files"))
    _write_figures(options, report)
    return report


def _write_figures(options: BuildOptions, report: BuildReport) -> None:
    """Per-stage figures of this build, for staff and bench/build.py (also when the gate stopped it)."""
    from pipeline.timing import worker_usage

    figures = {"today": options.today.isoformat(), "published": report.published, "swapped": report.swapped,
               "unchanged": report.unchanged, "leaks": len(report.leaks), "timings": report.timings,
               "pool_workers": worker_usage()}
    atomic_write(Path(options.state) / "logs" / "last-build.json", json.dumps(figures, indent=1).encode("utf-8"))
