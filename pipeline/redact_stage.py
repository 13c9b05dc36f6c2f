"""Redact the decisions that may be public, with a cache in `--state` keyed by the record's
content and the redaction rules' version (a rule change re-redacts everything)."""
from __future__ import annotations

from dataclasses import dataclass

from pipeline.progressbar import progress
from pipeline.state import State, cache_key
from publication.public import to_public
from records.model import Decision, PublicDecision, PublicParty, plain

# Below this many records a process pool costs more than it saves (model loading per worker).
POOL_THRESHOLD = 64


@dataclass
class Redacted:
    public: PublicDecision
    secrets: list[str]
    secrets_digest: str  # pipeline.state.secrets_digest(secrets), kept with them in the memo


def redaction_data(r) -> dict:
    """What the cache keeps of a `redaction.Redaction` (spans are for the staff report only)."""
    return {
        "text_html": r.text_html,
        "text_plain": r.text_plain,
        "parties": [plain(p) for p in r.parties],
        "secrets": sorted(set(r.secrets)),
    }


class _Result:
    def __init__(self, data: dict):
        self.text_html = data["text_html"]
        self.text_plain = data["text_plain"]
        self.parties = [PublicParty(**p) for p in data["parties"]]


def _key(decision: Decision, rules_version: str) -> str:
    data = plain(decision)
    data.pop("source", None)  # moving a record to another file does not change its redaction
    return cache_key("redaction", rules_version, data)


def _memo_version(rules_version: str) -> str:
    """What a remembered result depends on besides the record: the rules, and the code that
    makes the public shape of a decision."""
    import hashlib
    from pathlib import Path

    import publication.public
    import records.model

    h = hashlib.sha256(rules_version.encode())
    for module in (publication.public, records.model, __import__(__name__, fromlist=["_"])):
        h.update(Path(module.__file__).read_bytes())
    return h.hexdigest()


# A build starts redacting its new records before it has read its caches only up to this many
# (`redact_ahead`): their answers come back when the stage collects them, with no progress bar.
AHEAD_MAX = 1000


@dataclass
class SentAhead:
    """Records whose redaction started before the stage (`redact_ahead`): answers found in the
    cache, and the shards on their way back from the pool."""
    ids: set[str]
    results: dict[str, dict]
    plan: list
    running: object | None  # pipeline.executor.Ahead


def redact_ahead(decisions: list[Decision], fresh: set[str], state: State, executor) -> SentAhead | None:
    """Send the decisions of export files read anew (`fresh`: a daily build's new records) to
    the pool started ahead now, so that its worker redacts them while this process reads the
    memo of every other record: `redact_all` collects them. None when there is no such pool,
    nothing new, or too much of it (the stage then does all, with its progress bar)."""
    from pipeline import shards as sharding

    if not fresh or len(fresh) > AHEAD_MAX or not getattr(executor, "started_ahead", False):
        return None
    new = [d for d in decisions if d.id in fresh]  # a file read anew has a new token: not in the memo
    results: dict[str, dict] = {}
    missing = [miss for d in new if (miss := _cached_or_key(d, state, results))]
    plan = _plan(missing, executor, None)
    running = executor.map_ahead(sharding.redact_shard, _shards_for_workers(plan)) if plan else None
    if plan and running is None:
        return None
    return SentAhead({d.id for d in new}, results, plan, running)


def _cached_or_key(d: Decision, state: State, results: dict) -> tuple[str, Decision] | None:
    """The decision's redaction from the content-addressed cache into `results`, or, when the
    cache has none, (its key, the decision) to send to the workers."""
    from redaction import RULES_VERSION

    key = _key(d, RULES_VERSION)
    cached = state.cache_get("redaction", key)
    if cached is None:
        return key, d
    results[d.id] = cached
    return None


def _plan(missing: list, pool, shards: int | None) -> list:
    from pipeline import shards as sharding

    if shards:
        count = shards
    elif pool.name == "local":
        count = 1 if len(missing) < POOL_THRESHOLD or pool.workers <= 1 else pool.workers * 8
    else:
        count = pool.workers * 4
    return sharding.plan(missing, lambda m: sharding.shard_key(m[1]), count)


def _shards_for_workers(plan: list) -> list:
    from pipeline import shards as sharding

    return [[sharding.for_worker(d) for _, d in shard] for shard in plan]


def _receive(plan: list, state: State, results: dict, bar) -> callable:
    """What to do with the answer of shard i: check the rules, cache and keep each redaction."""
    from redaction import RULES_VERSION

    def done(i: int, answer: dict) -> None:
        if answer["rules"] != RULES_VERSION:
            raise RuntimeError(f"工作节点的去除规则版本 {answer['rules'][:12]} 与本机 {RULES_VERSION[:12]} 不同")
        for (key, d), data in zip(plan[i], answer["results"]):
            state.cache_put("redaction", key, data)
            results[d.id] = data
        bar.update(len(plan[i]))
    return done


def redact_all(decisions: list[Decision], slugs: dict[str, str], state: State, workers: int | None = None,
               ends: dict | None = None, executor=None, scheduler: str | None = None,
               shards: int | None = None, tokens: dict[str, str] | None = None,
               ahead: SentAhead | None = None) -> dict[str, Redacted]:
    """`executor`: None or 'local' (this machine), 'dask' (with `scheduler`), or an
    `pipeline.executor.Executor`. Only the cache misses leave this process, in shards of records
    of one organ and year (`pipeline.shards`); results are cached here as they come back.

    `tokens` (`records.Exports.tokens`) name each record by its file and that file's version:
    a record with the token, slug and publicity end of the last build gets that build's result
    back from the memo in `--state` (no hashing, no cache file, no public shape made again).
    `ahead`: the records `redact_ahead` started on, collected here."""
    from pipeline import shards as sharding
    from pipeline.executor import make_executor
    from pipeline.state import Buckets, secrets_digest
    from redaction import RULES_VERSION

    ends = ends or {}
    tokens = tokens or {}
    (state.root / "cache" / "redacted.pickle").unlink(missing_ok=True)  # the one-file layout before buckets
    store = Buckets(state.redaction_memo_folder, _memo_version(RULES_VERSION))
    memo = store.load()
    remembered: dict[str, tuple] = {}  # id -> the memo's entry, kept as the very object loaded
    results: dict[str, dict] = dict(ahead.results) if ahead else {}
    started = ahead.ids if ahead else set()
    missing: list[tuple[str, Decision]] = []
    for d in decisions:
        if d.id in started:
            continue
        hit = memo.get(tokens.get(d.id))
        if hit is not None and hit[0] == slugs[d.id] and hit[1] == ends.get(d.id):
            remembered[d.id] = hit
            continue
        miss = _cached_or_key(d, state, results)
        if miss:
            missing.append(miss)
    if ahead and ahead.running is not None:
        try:
            answers = ahead.running.wait()
        except Exception as exc:  # the pool broke (a worker died): those records go with the rest
            import logging

            logging.getLogger(__name__).warning("预先发出的去除个人信息任务失败, 重新处理 %d 份: %s",
                                                sum(map(len, ahead.plan)), exc)
            missing = [m for shard in ahead.plan for m in shard] + missing
        else:
            with progress(len(ahead.ids), "去除个人信息") as bar:
                receive = _receive(ahead.plan, state, results, bar)  # a result of other rules still stops the build
                for i, answer in enumerate(answers):
                    receive(i, answer)
    if missing:
        pool, own = make_executor(executor, scheduler, workers)
        try:
            plan = _plan(missing, pool, shards)
            with progress(len(missing), "去除个人信息") as bar:
                pool.map(sharding.redact_shard, _shards_for_workers(plan), _receive(plan, state, results, bar))
        finally:
            if own:
                pool.close()
    out = {
        d.id: remembered[d.id][2] if d.id in remembered
        else Redacted(to_public(d, _Result(results[d.id]), slugs[d.id], ends.get(d.id)), results[d.id]["secrets"],
                      secrets_digest(results[d.id]["secrets"]))
        for d in decisions
    }
    # remembered before the build links and dates the public decisions (it changes them in place);
    # entries taken from the memo stay the objects loaded, so their files are not written again
    store.save({tokens[d.id]: remembered.get(d.id) or (slugs[d.id], ends.get(d.id), out[d.id])
                for d in decisions if d.id in tokens})
    return out
