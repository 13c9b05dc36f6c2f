"""Redact the decisions that may be public, with a cache in `--state` keyed by the record's
content and the redaction rules' version (a rule change re-redacts everything)."""
from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
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


def _redact_one(decision: Decision) -> dict:
    from redaction import redact

    r = redact(decision)
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


def redact_all(decisions: list[Decision], slugs: dict[str, str], state: State, workers: int | None = None,
               ends: dict | None = None) -> dict[str, Redacted]:
    from redaction import RULES_VERSION

    results: dict[str, dict] = {}
    missing: list[tuple[str, Decision]] = []
    for d in decisions:
        key = _key(d, RULES_VERSION)
        cached = state.cache_get("redaction", key)
        if cached is not None:
            results[d.id] = cached
        else:
            missing.append((key, d))
    workers = workers or min(2, os.cpu_count() or 1)
    if missing:
        with progress(len(missing), "去除个人信息") as bar:
            if len(missing) >= POOL_THRESHOLD and workers > 1:
                with ProcessPoolExecutor(workers) as pool:
                    chunk = max(1, len(missing) // (workers * 8))
                    for (key, d), data in zip(missing, pool.map(_redact_one, [d for _, d in missing], chunksize=chunk)):
                        state.cache_put("redaction", key, data)
                        results[d.id] = data
                        bar.update(1)
            else:
                for key, d in missing:
                    data = _redact_one(d)
                    state.cache_put("redaction", key, data)
                    results[d.id] = data
                    bar.update(1)
    return {
        d.id: Redacted(to_public(d, _Result(results[d.id]), slugs[d.id], (ends or {}).get(d.id)), results[d.id]["secrets"])
        for d in decisions
    }
