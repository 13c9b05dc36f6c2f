"""Both search indexes built per shard (organ-years), as a sharded build makes them, against the
same indexes built in one piece: the static files byte for byte, the whoosh answers hit for hit.

The executor here is `LocalExecutor(1)`, which runs each shard's task in this process through the
same `map` a Dask cluster gets (the shard results still travel as the plain data a worker sends
back: postings, and a whoosh part as {file name: bytes}); tests/test_distributed.py builds a
whole site on a `LocalCluster` of 2 workers.
"""
from __future__ import annotations

import json
import os

import pytest
from test_build import same_tree

from pipeline.executor import LocalExecutor
from search import search_index
from search.analysis import squeeze
from search.recall import recall_queries
from search.sample_site import shared_sample_site
from search.static_index import build_static_index, index_part
from search.whoosh_index import CONTENTS, build_whoosh_index, put_in_place


@pytest.fixture(scope="module")
def sample():
    return shared_sample_site()


@pytest.mark.parametrize("shards", [2, 7, 500])
def test_static_index_from_shards_is_byte_identical(sample, tmp_path, shards):
    _, _, decisions = sample
    one = build_static_index(decisions, tmp_path / "one")
    assert one["parts"] == 1
    sharded = build_static_index(decisions, tmp_path / "sharded", LocalExecutor(1), shards)
    assert sharded["parts"] > 1 and (shards < 100 or sharded["parts"] == len(decisions))
    assert same_tree(tmp_path / "one", tmp_path / "sharded") == []
    assert {k: v for k, v in one.items() if k != "parts" and not k.endswith("_s")} == \
        {k: v for k, v in sharded.items() if k != "parts" and not k.endswith("_s")}


def test_a_part_holds_the_analyses_of_its_decisions_in_order(sample):
    _, _, decisions = sample
    part = index_part(decisions[:5])
    assert [card[0] for _, card, _ in part] == [d.decision_no for d in decisions[:5]]
    assert all(joined.split("\0")[0] == squeeze(d.decision_no) for (joined, _, _), d in zip(part, decisions))


def answers(state, queries):
    out = {}
    for q in queries:
        for sort in ("relevance", "newest"):
            r = search_index(state, q, sort=sort, pagelen=100)
            out[q, sort] = (r.total, [(h.url, h.score, h.snippet) for h in r.hits])
    return out


def test_whoosh_parts_answer_as_one_index_and_unchanged_parts_are_linked(sample, tmp_path):
    _, state, decisions = sample  # the sample's own index: one part, built in one piece
    queries = recall_queries(decisions)[::4] + ["罚款", "台江", "决定"]
    want = answers(state, queries)
    sharded = tmp_path / "state"
    put_in_place(build_whoosh_index(decisions, sharded, executor=LocalExecutor(1), shards=5))
    current = sharded / "search" / "current"
    parts = json.loads((current / CONTENTS).read_text(encoding="utf-8"))["parts"]
    assert len(parts) >= 4 and sorted(i for ids in parts.values() for i in ids) == sorted(d.id for d in decisions)
    assert answers(sharded, queries) == want

    # one decision leaves: its part is updated, the others are linked as they were
    gone = decisions[len(decisions) // 2]
    rest = [d for d in decisions if d is not gone]
    before = {p.name: os.stat(p).st_ino for p in current.iterdir() if p.suffix == ".seg"}
    put_in_place(build_whoosh_index(rest, sharded, executor=LocalExecutor(1), shards=5))
    after = {p.name: os.stat(p).st_ino for p in current.iterdir() if p.suffix == ".seg"}
    kept = {name for name in before if after.get(name) == before[name]}
    assert len(kept) >= len(before) - 1, "only the part that lost a decision is written again"
    assert gone.url not in {h.url for h in search_index(sharded, gone.decision_no, pagelen=100).hits}
    fresh = tmp_path / "fresh"
    put_in_place(build_whoosh_index(rest, fresh))
    assert answers(sharded, queries) == answers(fresh, queries)


def test_whoosh_built_by_several_processes_apart_answers_as_one_process(sample, tmp_path):
    """procs > 1 (a build of more than 2,000 decisions): whoosh's writers run in a spawned process
    of their own, not forked from the build's; the index answers as the one built here."""
    _, state, decisions = sample
    queries = recall_queries(decisions)[::6] + ["罚款", "台江"]
    apart = tmp_path / "state"
    put_in_place(build_whoosh_index(decisions, apart, procs=2))
    assert answers(apart, queries) == answers(state, queries)


def test_an_index_too_large_for_one_writer_is_built_in_parts_that_answer_as_one(sample, tmp_path, monkeypatch):
    """A one-process build of more decisions than a writer's posting pool holds (PART_PER_WRITER
    each) makes several parts instead of one that spills to disk; they answer as the one piece."""
    from search import whoosh_index

    _, state, decisions = sample
    queries = recall_queries(decisions)[::5] + ["罚款", "台江", "决定"]
    monkeypatch.setattr(whoosh_index, "PART_PER_WRITER", len(decisions) // 3)
    parted = tmp_path / "state"
    put_in_place(build_whoosh_index(decisions, parted))
    parts = json.loads((parted / "search" / "current" / CONTENTS).read_text(encoding="utf-8"))["parts"]
    assert len(parts) >= 3
    assert all(len(ids) <= len(decisions) // 3 + 1 for ids in parts.values())
    assert sorted(i for ids in parts.values() for i in ids) == sorted(d.id for d in decisions)
    assert answers(parted, queries) == answers(state, queries)
    # ten fewer decisions: the parts are kept and updated, not built again from nothing
    before = {p.name: os.stat(p).st_ino for p in (parted / "search" / "current").iterdir()}
    put_in_place(build_whoosh_index(decisions[10:], parted))
    after = {p.name: os.stat(p).st_ino for p in (parted / "search" / "current").iterdir()}
    assert set(before) & set(after) and any(after.get(n) == i for n, i in before.items())
    fresh = tmp_path / "fresh"
    put_in_place(build_whoosh_index(decisions[10:], fresh))
    assert answers(parted, queries) == answers(fresh, queries)
