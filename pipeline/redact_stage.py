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


def redact_all(decisions: list[Decision], slugs: dict[str, str], state: State, workers: int | None = None,
               ends: dict | None = None, executor=None, scheduler: str | None = None,
               shards: int | None = None, tokens: dict[str, str] | None = None) -> dict[str, Redacted]:
    """`executor`: None or 'local' (this machine), 'dask' (with `scheduler`), or an
    `pipeline.executor.Executor`. Only the cache misses leave this process, in shards of records
    of one organ and year (`pipeline.shards`); results are cached here as they come back.

    `tokens` (`records.Exports.tokens`) name each record by its file and that file's version:
    a record with the token, slug and publicity end of the last build gets that build's result
    back from the memo in `--state` (no hashing, no cache file, no public shape made again)."""
    from pipeline import shards as sharding
    from pipeline.executor import make_executor
    from pipeline.state import Buckets
    from redaction import RULES_VERSION

    ends = ends or {}
    tokens = tokens or {}
    (state.root / "cache" / "redacted.pickle").unlink(missing_ok=True)  # the one-file layout before buckets
    store = Buckets(state.root / "cache" / "redacted", _memo_version(RULES_VERSION))
    memo = store.load()
    remembered: dict[str, tuple] = {}  # id -> the memo's entry, kept as the very object loaded
    results: dict[str, dict] = {}
    missing: list[tuple[str, Decision]] = []
    for d in decisions:
        hit = memo.get(tokens.get(d.id))
        if hit is not None and hit[0] == slugs[d.id] and hit[1] == ends.get(d.id):
            remembered[d.id] = hit
            continue
        key = _key(d, RULES_VERSION)
        cached = state.cache_get("redaction", key)
        if cached is not None:
            results[d.id] = cached
        else:
            missing.append((key, d))
    if missing:
        pool, own = make_executor(executor, scheduler, workers)
        try:
            if shards:
                count = shards
            elif pool.name == "local":
                count = 1 if len(missing) < POOL_THRESHOLD or pool.workers <= 1 else pool.workers * 8
            else:
                count = pool.workers * 4
            plan = sharding.plan(missing, lambda m: sharding.shard_key(m[1]), count)
            with progress(len(missing), "去除个人信息") as bar:
                def done(i: int, answer: dict) -> None:
                    if answer["rules"] != RULES_VERSION:
                        raise RuntimeError(f"工作节点的去除规则版本 {answer['rules'][:12]} 与本机 {RULES_VERSION[:12]} 不同")
                    for (key, d), data in zip(plan[i], answer["results"]):
                        state.cache_put("redaction", key, data)
                        results[d.id] = data
                    bar.update(len(plan[i]))

                pool.map(sharding.redact_shard, [[sharding.for_worker(d) for _, d in shard] for shard in plan], done)
        finally:
            if own:
                pool.close()
    out = {
        d.id: remembered[d.id][2] if d.id in remembered
        else Redacted(to_public(d, _Result(results[d.id]), slugs[d.id], ends.get(d.id)), results[d.id]["secrets"])
        for d in decisions
    }
    # remembered before the build links and dates the public decisions (it changes them in place);
    # entries taken from the memo stay the objects loaded, so their files are not written again
    store.save({tokens[d.id]: remembered.get(d.id) or (slugs[d.id], ends.get(d.id), out[d.id])
                for d in decisions if d.id in tokens})
    return out
