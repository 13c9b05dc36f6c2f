"""Statistics and open data from per-shard summaries: any split, merged, gives the bytes of one piece;
the local build keeps each shard's summary and summarises again only the shards that changed."""
from __future__ import annotations

import dataclasses
import json
import pickle
import random
from datetime import timedelta

import pytest
from conftest import TODAY, build, penalty, write_exports

import samples
from opendata import csv_bytes, json_bytes, rows
from publication import select
from records import load_exports
from records.model import PublicDecision
from stats import merge_shards, shard_of, summaries, summarise_shard
from stats.shards import FORMAT, group

ORIGIN = "https://example.gov.cn/"


def public(decision, slug, published) -> PublicDecision:
    return PublicDecision(
        kind=decision.kind, id=decision.id, slug=slug, decision_no=decision.decision_no, decided_on=decision.decided_on,
        organ=decision.deciding_organ, text_html="", text_plain="", parties=[], names_natural_person=False,
        first_published_on=published, authority_code=decision.authority_code, offence=decision.offence,
        legal_basis=decision.legal_basis, penalties=decision.penalties, respondent=decision.respondent,
        original_decision_no=decision.original_decision_no, outcome=decision.outcome, served_on=decision.served_on,
        publicity_until=decision.publicity_until,
    )


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    """~400 generated decisions (both kinds, several organs and years) and their withdrawals; some
    first published late, some not yet (published by this build: counted as TODAY)."""
    folder = tmp_path_factory.mktemp("sample")
    samples.write_exports(400, folder / "exports", seed=3, today=TODAY)
    sel = select(load_exports(folder / "exports").decisions, TODAY)
    rng = random.Random(5)
    decisions = []
    for d in sel.public:
        published = rng.choice([None, TODAY, d.decided_on + timedelta(days=rng.randrange(0, 60))])
        decisions.append(public(d, sel.slugs[d.id], published))
    # what makes order matter: an organ with two codes (the first by id counts), one reconsideration
    # number published twice in other years and spellings (the first by date counts), fines in fen
    penalties = [d for d in decisions if d.kind == "penalty"]
    for d in penalties[::7]:
        d.authority_code = f"9135{d.id[-6:]:0>14}"
    for d in penalties[::5]:
        d.penalties = [dataclasses.replace(p, amount=p.amount + 0.35) if p.amount else p for p in d.penalties]
    for d in penalties[::11]:
        d.offence = None
    reviews = [d for d in decisions if d.kind == "reconsideration" and d.outcome]
    for i, d in enumerate(reviews[:6]):
        decisions.append(dataclasses.replace(
            d, id=f"{d.id}-AGAIN", slug=f"{d.slug}-again", decision_no=d.decision_no.replace("〔", "[").replace("〕", "]"),
            decided_on=d.decided_on.replace(year=d.decided_on.year - 1 + 2 * (i % 2)),
            outcome=["upheld", "revoked", "dismissed"][i % 3], respondent=reviews[-1 - i].respondent))
    audit = [{"event": "published", "date": "2026-03-01"}, {"event": "withdrawn", "date": "2025-01-01"}]
    assert len({shard_of(d) for d in decisions}) > 5 and sel.withdrawals
    assert {d.kind for d in decisions} == {"penalty", "reconsideration"}
    return decisions, sel.withdrawals, audit


class Recorder:
    """What the stage writes: raw files as bytes, pages as their template and data."""

    settings = {"PORTAL_SITE_ORIGIN": ORIGIN}

    def __init__(self):
        self.files: dict[str, bytes] = {}

    def raw(self, relative, data):
        self.files[relative] = data.encode("utf-8") if isinstance(data, str) else data

    def page(self, relative, template, **context):
        charts = {name: [c.width, c.height, c.alt] for name, c in context.pop("charts").items()}
        self.files[relative] = json.dumps([template, context, charts], ensure_ascii=False, sort_keys=True,
                                          default=str).encode("utf-8")


def written(merged, tmp_path) -> dict[str, bytes]:
    from stats import publish_merged

    out = Recorder()
    publish_merged(merged, out, tmp_path / "state", tmp_path / "cache")
    return out.files


def split(decisions, rng) -> list[list]:
    """A random split: by shard, or decision by decision into a random number of parts."""
    if rng.random() < 0.3:
        parts = [list(g) for g in group(decisions).values()]
    else:
        parts = [[] for _ in range(rng.randint(2, 12))]
        for d in decisions:
            parts[rng.randrange(len(parts))].append(d)
    rng.shuffle(parts)
    return parts


@pytest.mark.parametrize("seed", range(6))
def test_summaries_merged_in_any_split_give_the_bytes_of_one_piece(sample, tmp_path, seed):
    decisions, withdrawals, audit = sample
    one = merge_shards([summarise_shard(decisions, ORIGIN, TODAY)], withdrawals, audit, TODAY)
    rng = random.Random(seed)
    parts = split(decisions, rng)
    made = [summarise_shard(p, ORIGIN, TODAY) for p in parts]
    # what a worker sends back survives JSON and pickle unchanged
    made = [json.loads(json.dumps(s, ensure_ascii=False)) if i % 2 else pickle.loads(pickle.dumps(s))
            for i, s in enumerate(made)]
    merged = merge_shards(made, withdrawals, audit, TODAY)
    assert merged.csv == one.csv and merged.json == one.json
    assert json.dumps(merged.stats, ensure_ascii=False) == json.dumps(one.stats, ensure_ascii=False)
    assert written(merged, tmp_path / "a") == written(one, tmp_path / "b")


def test_one_piece_is_the_open_data_written_decision_by_decision(sample):
    decisions, withdrawals, audit = sample
    merged = merge_shards([summarise_shard(decisions, ORIGIN, TODAY)], withdrawals, audit, TODAY)
    assert merged.csv == csv_bytes(rows(decisions, ORIGIN))
    assert merged.json == json_bytes(decisions, ORIGIN, TODAY)
    assert json.loads(merged.json)["count"] == len(decisions)
    empty = merge_shards([summarise_shard([], ORIGIN, TODAY)], [], [], TODAY)
    assert empty.json == json_bytes([], ORIGIN, TODAY) and empty.csv == csv_bytes([])
    assert empty.stats["totals"]["decisions"] == 0 and empty.stats["scorecards"] == []


def test_a_summary_is_small_plain_data(sample):
    decisions, _, _ = sample
    shard = max(group(decisions).values(), key=len)
    summary = summarise_shard(shard, ORIGIN, TODAY)
    assert json.loads(json.dumps(summary)) == summary
    figures = len(json.dumps(summary["stats"], ensure_ascii=False).encode("utf-8"))
    assert figures < 400 * len(shard) + 4000, "the figures are counts, not the decisions"
    assert len(summary["open_data"]["rows"]) == len(shard)


def test_summaries_of_other_code_are_refused(sample):
    decisions, withdrawals, audit = sample
    summary = summarise_shard(decisions[:5], ORIGIN, TODAY)
    with pytest.raises(ValueError, match="另一版本"):
        merge_shards([{**summary, "code": "0" * 64}], withdrawals, audit, TODAY)
    with pytest.raises(ValueError, match="另一版本"):
        merge_shards([{**summary, "format": FORMAT + 1}], withdrawals, audit, TODAY)
    with pytest.raises(ValueError, match="网站地址"):
        merge_shards([summary, summarise_shard(decisions[5:], "https://other/", TODAY)], withdrawals, audit, TODAY)


def test_only_the_shards_that_changed_are_summarised_again(sample, tmp_path):
    decisions, withdrawals, audit = sample
    calls: list[int] = []

    def counted(parts):
        calls.append(len(parts))
        return [summarise_shard(p, ORIGIN, TODAY) for p in parts]

    shards = group(decisions)
    first = summaries(decisions, ORIGIN, TODAY, tmp_path, counted)
    assert calls == [len(shards)]
    assert summaries(decisions, ORIGIN, TODAY, tmp_path, counted) == first and calls == [len(shards)]
    # ten new penalties, all in one organ's year
    template = next(d for d in decisions if d.kind == "penalty")
    new = [dataclasses.replace(template, id=f"NEW-{i}", slug=f"new-{i}", decision_no=f"新{i}号", content_hash="",
                               decided_on=template.decided_on + timedelta(days=i % 3), first_published_on=TODAY)
           for i in range(10)]
    assert len({shard_of(d) for d in new}) == 1
    more = decisions + new
    again = summaries(more, ORIGIN, TODAY, tmp_path, counted)
    assert calls[-1] == 1
    fresh = [summarise_shard(g, ORIGIN, TODAY) for g in group(more).values()]
    assert again == fresh
    assert merge_shards(again, withdrawals, audit, TODAY).json == json_bytes(more, ORIGIN, TODAY)
    # a decision's content or its first publication date is part of its shard's key
    changed = [dataclasses.replace(d, first_published_on=TODAY - timedelta(days=1)) if d.id == "NEW-3" else d
               for d in more]
    summaries(changed, ORIGIN, TODAY, tmp_path, counted)
    assert calls[-1] == 1
    # another origin changes every row's url
    summaries(changed, "https://other.example/", TODAY, tmp_path, counted)
    assert calls[-1] == len(group(changed))


def test_a_shard_summarised_again_takes_the_rows_of_its_unchanged_decisions_from_its_last_summary(
        sample, tmp_path, monkeypatch):
    import opendata

    decisions, withdrawals, audit = sample
    summaries(decisions, ORIGIN, TODAY, tmp_path)
    made: list[str] = []
    row = opendata.row

    def counted(d, origin):
        made.append(d.id)
        return row(d, origin)

    monkeypatch.setattr(opendata, "row", counted)
    template = next(d for d in decisions if d.kind == "penalty")
    new = [dataclasses.replace(template, id=f"NEW-{i}", slug=f"new-{i}", decision_no=f"新{i}号", content_hash="",
                               first_published_on=TODAY) for i in range(3)]
    more = decisions + new
    again = summaries(more, ORIGIN, TODAY, tmp_path)
    assert sorted(made) == ["NEW-0", "NEW-1", "NEW-2"]  # only the new rows are written
    fresh = [summarise_shard(g, ORIGIN, TODAY) for g in group(more).values()]
    assert again == fresh
    assert merge_shards(again, withdrawals, audit, TODAY).csv == csv_bytes(rows(more, ORIGIN))
    # a decision corrected, or first published on another day: its row is written again
    corrected = [dataclasses.replace(d, offence=(d.offence or "") + "（更正）", content_hash="") if d.id == template.id
                 else dataclasses.replace(d, first_published_on=TODAY - timedelta(days=1)) if d.id == "NEW-1" else d
                 for d in more]
    made.clear()
    again = summaries(corrected, ORIGIN, TODAY, tmp_path)
    assert sorted(made) == sorted([template.id, "NEW-1"])
    assert merge_shards(again, withdrawals, audit, TODAY).json == json_bytes(corrected, ORIGIN, TODAY)
    # another origin: every row of the shards summarised again is written again
    made.clear()
    again = summaries(corrected, "https://other.example/", TODAY, tmp_path)
    assert len(made) == len(corrected)
    assert merge_shards(again, withdrawals, audit, TODAY).json == json_bytes(corrected, "https://other.example/", TODAY)


def test_a_damaged_cached_summary_is_made_again(sample, tmp_path):
    decisions, _, _ = sample
    first = summaries(decisions, ORIGIN, TODAY, tmp_path)
    for path in (tmp_path / "stats-shards").glob("*.pickle"):
        path.write_bytes(b"not a pickle")
    assert summaries(decisions, ORIGIN, TODAY, tmp_path) == first


def test_ten_new_decisions_give_the_statistics_and_open_data_of_a_full_build(tmp_path, monkeypatch):
    """A build that publishes new decisions into a built site writes stats/ and data/ byte for byte
    as a full build with an empty cache, and summarises only the shards the new decisions are in."""
    import stats.shards

    records = {f"p{i}.yaml": penalty(id=f"PEN-S-{i}", decision_no=f"榕公鼓（治）行罚决字〔2026〕{300 + i}号",
                                     decided_on=f"2026-0{1 + i % 9}-1{i % 10}", case_no=None,
                                     authority=["福州市公安局鼓楼分局", "福州市公安局台江分局"][i % 2],
                                     authority_code=["113501020036812196", "11350103003681220X"][i % 2])
               for i in range(6)}
    exports = write_exports(tmp_path / "exports", records)
    out, state, cache = tmp_path / "out", tmp_path / "state", tmp_path / "cache"
    assert build(exports, out, state, cache_dir=cache).swapped
    made = []
    real = stats.shards.summarise_shard
    monkeypatch.setattr(stats.shards, "summarise_shard", lambda ds, *a: made.append(len(ds)) or real(ds, *a))
    write_exports(exports, {f"new{i}.yaml": penalty(id=f"NEW-S-{i}", decision_no=f"榕公鼓（治）行罚决字〔2026〕{500 + i}号",
                                                    decided_on=f"2026-11-0{1 + i % 9}", case_no=None)
                            for i in range(10)})
    assert build(exports, out, state, cache_dir=cache).swapped
    assert made == [13], "one shard: 鼓楼分局's 2026 (3 old decisions and 10 new)"
    monkeypatch.setattr(stats.shards, "summarise_shard", real)
    full = tmp_path / "full"
    assert build(exports, full, tmp_path / "state-full", cache_dir=tmp_path / "cache-full").swapped
    for folder in ("stats", "data"):
        ours = sorted(p.relative_to(out) for p in (out / folder).rglob("*") if p.is_file())
        theirs = sorted(p.relative_to(full) for p in (full / folder).rglob("*") if p.is_file())
        assert ours == theirs
        for rel in ours:
            assert (out / rel).read_bytes() == (full / rel).read_bytes(), rel
    assert json.loads((out / "data" / "stats.json").read_text(encoding="utf-8"))["totals"]["penalties"] == 16
