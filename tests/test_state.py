"""The private state's bucketed caches: a save writes only what changed, and never trusts
files of another version or damaged ones."""
from __future__ import annotations

from pipeline.state import Buckets


def _mtimes(folder):
    return {p.name: p.stat().st_mtime_ns for p in folder.glob("*.pickle")}


def test_a_save_rewrites_only_the_buckets_whose_entries_changed(tmp_path):
    folder = tmp_path / "memo"
    first = Buckets(folder, "v1")
    first.load()
    data = {f"record-{i}": ("slug", i, [i]) for i in range(2000)}
    first.save(data)
    files = _mtimes(folder)
    assert len(files) == Buckets.COUNT  # 2000 keys fill every bucket

    again = Buckets(folder, "v1")
    loaded = again.load()
    assert loaded == data
    loaded["record-7"] = ("slug", 7, [7])  # equal, but a new object: its bucket is written again
    loaded["new-record"] = ("slug", -1, [])
    del loaded["record-9"]
    again.save(loaded)
    changed = {name for name, t in _mtimes(folder).items() if files.get(name) != t}
    expected = {f"{Buckets.bucket(k):03d}.pickle" for k in ("record-7", "new-record", "record-9")}
    assert changed == expected
    assert Buckets(folder, "v1").load() == loaded


def test_files_of_another_version_or_damaged_are_ignored(tmp_path):
    folder = tmp_path / "memo"
    store = Buckets(folder, "v1")
    store.load()
    store.save({"a": 1, "b": 2, "c": 3})
    assert Buckets(folder, "v2").load() == {}
    damaged = folder / f"{Buckets.bucket('a'):03d}.pickle"
    damaged.write_bytes(b"not a pickle")
    rest = Buckets(folder, "v1").load()
    assert "a" not in rest and rest == {k: v for k, v in {"b": 2, "c": 3}.items() if Buckets.bucket(k) != Buckets.bucket("a")}


def test_an_emptied_bucket_leaves_no_file(tmp_path):
    folder = tmp_path / "memo"
    store = Buckets(folder, "v1")
    store.load()
    store.save({"only": 1})
    assert len(list(folder.glob("*.pickle"))) == 1
    store.save({})
    assert list(folder.glob("*.pickle")) == []


def test_published_entries_are_rewritten_only_where_they_changed_and_read_by_id(tmp_path):
    from datetime import date

    from pipeline.state import State, published_entries, secrets_digest
    from records.model import PublicDecision

    def decision(i, text="正文"):
        return PublicDecision(kind="penalty", id=f"P-{i}", slug=f"p-{i}", decision_no=f"第{i}号", decided_on=date(2026, 1, 1),
                              organ="某机关", text_html=text, text_plain=text, parties=[], names_natural_person=False,
                              content_hash=f"h{i}{text}")

    def entry(d, secrets, end):
        return d, secrets, end, secrets_digest(secrets)

    state = State(tmp_path / "state")
    records = {f"P-{i}": entry(decision(i), [f"张{i}"], "2027-01-01") for i in range(600)}
    state.save_published(records)
    files = _mtimes_json(state.published_dir)
    assert published_entries(tmp_path / "state")["P-5"]["secrets"] == ["张5"]

    records["P-7"] = entry(decision(7, "改过的正文"), ["张7"], "2027-01-01")
    del records["P-9"]
    state.save_published(records)
    changed = {name for name, t in _mtimes_json(state.published_dir).items() if files.get(name) != t}
    assert changed == {f"{Buckets.bucket('P-7'):03d}.json", f"{Buckets.bucket('P-9'):03d}.json", "index.json"}
    assert state.load_published({"P-7", "P-9"}) == {"P-7": published_entries(state.root)["P-7"]}
    assert published_entries(state.root)["P-7"]["decision"]["text_html"] == "改过的正文"
    assert len(published_entries(state.root)) == 599


def test_published_json_of_an_older_build_is_read_and_replaced(tmp_path):
    import json

    from pipeline.state import State

    state = State(tmp_path / "state")
    old = {"P-1": {"decision": {"id": "P-1"}, "secrets": ["张三"], "publicity_end": None}}
    (state.root / "published.json").write_text(json.dumps(old), encoding="utf-8")
    assert state.load_published({"P-1"}) == old
    assert state.load_published() == old


def _mtimes_json(folder):
    return {p.name: p.stat().st_mtime_ns for p in folder.glob("*.json")}


def test_a_cache_file_cut_short_by_a_crash_is_read_as_missing(tmp_path):
    # the content-addressed caches are written without fsync: what a crash can leave behind (an
    # empty file, half a file) must cost only the work of making the entry again
    from pipeline.state import State

    state = State(tmp_path / "state")
    state.cache_put("redaction", "ab12", {"text": "张某甲", "secrets": ["张三"]})
    assert state.cache_get("redaction", "ab12") == {"text": "张某甲", "secrets": ["张三"]}
    path = state.cache_path("redaction", "ab12")
    whole = path.read_bytes()
    for cut in (b"", whole[: len(whole) // 2]):
        path.write_bytes(cut)
        assert state.cache_get("redaction", "ab12") is None
    state.cache_put("redaction", "ab12", {"text": "again"})
    assert state.cache_get("redaction", "ab12") == {"text": "again"}


def test_a_published_entry_s_signature_is_the_cache_key_of_its_parts():
    """`_signature` spells out cache_key without `plain` (it runs for every decision of every
    build), with the secrets as their digest, made when they were found; a change of any part,
    of one secret too, changes it."""
    from datetime import date
    from types import SimpleNamespace

    from pipeline.state import _signature, cache_key, secrets_digest

    secrets = ["张三", "13912345678", "福州市鼓楼区五一路 8 号"]
    assert secrets_digest(secrets) == cache_key(secrets)
    seen = set()
    for reviewed_by, reviews, end in ((["fy-1", "fy-2"], None, "2027-01-01"), ([], "pen-3", None)):
        d = SimpleNamespace(content_hash="c0ffee", first_published_on=date(2026, 11, 2), reviewed_by=reviewed_by,
                            reviews=reviews, id="PEN-1")
        for found in (secrets, secrets[:2], [*secrets[:2], "福州市鼓楼区五一路 9 号"]):
            signature = _signature(d, secrets_digest(found), end)
            assert signature == cache_key(d.content_hash, d.first_published_on, d.reviewed_by, d.reviews, d.id,
                                          secrets_digest(found), end)
            seen.add(signature)
    assert len(seen) == 6


def test_the_gate_memory_reads_back_and_a_damaged_or_other_one_is_no_memory(tmp_path):
    from pipeline.state import State

    state = State(tmp_path / "state")
    assert state.load_gate_memory("v1") is None
    memory = {"version": "v1", "secrets": ["张三", "13800138000"], "files": {"index.html": "1:2:3:4"},
              "chunks": [{"name": "t-00", "kind": "t", "chars": 12}], "base_chars": 12}
    state.save_gate_memory(memory)
    assert state.load_gate_memory("v1") == memory
    assert state.load_gate_memory("v2") is None  # another gate's code: scan everything
    state.gate_memory_path.write_bytes(state.gate_memory_path.read_bytes()[:20])  # cut short
    assert state.load_gate_memory("v1") is None
    state.forget_gate_memory()
    assert not state.gate_memory_path.exists()


def test_what_a_load_unpickles_is_left_out_of_the_collectors_young_generations(tmp_path):
    """The collector's next pass after a load would walk every object unpickled (they still
    count as new): they are frozen instead, and a build unfreezes them as it ends."""
    import gc

    folder = tmp_path / "memo"
    store = Buckets(folder, "v1")
    store.load()
    store.save({f"record-{i}": ("slug", i, [i], {"n": [i]}) for i in range(5000)})
    gc.collect()
    try:
        frozen = gc.get_freeze_count()
        loaded = Buckets(folder, "v1").load()
        assert gc.get_freeze_count() - frozen >= 10_000  # each entry's list and dict at least
        assert gc.get_count()[0] < 1000
        assert len(loaded) == 5000
    finally:
        gc.unfreeze()


def test_a_build_leaves_nothing_frozen(tmp_path):
    import gc

    from conftest import build, penalty, write_exports

    exports = write_exports(tmp_path / "exports", {"a.yaml": penalty()})
    gc.unfreeze()
    assert build(exports, tmp_path / "out", tmp_path / "state").swapped
    write_exports(exports, {"b.yaml": penalty(id="PEN-T-2", decision_no="榕公鼓（治）行罚决字〔2026〕902号")})
    assert build(exports, tmp_path / "out", tmp_path / "state").swapped  # loads both caches
    assert gc.get_freeze_count() == 0


def test_memory_is_handed_back_only_by_a_process_that_holds_much():
    """`give_back` collects and trims only above its threshold: below it, the time is all it
    would cost (a daily build at 10k holds ~300 MiB)."""
    from pipeline.memory import give_back
    from pipeline.timing import resident_mib

    held = resident_mib()
    assert held > 0
    assert give_back(min_mib=held * 4) is False
    assert give_back(min_mib=1) is True


def test_a_record_s_small_parts_are_pickled_as_their_fields_and_older_pickles_still_read():
    """Slots dataclasses are unpickled by calling the class (records/model.py
    `_unpickled_by_init`): the same objects, and a cache written the way Python pickles a slots
    dataclass by itself (a new object, then its state through `__setstate__`) is still read."""
    import copyreg
    import io
    import pickle
    from datetime import datetime

    from records.model import Penalty, ProgressEvent, PublicParty, Source

    objects = [Source("penalty/a.yaml", 2, datetime(2026, 11, 20, 8)), Source("b.json"), Penalty("fine", 500.0),
               Penalty("detention", days=5, item="x"), ProgressEvent(datetime(2026, 11, 2), "受理", "已受理"),
               PublicParty("party", "person", "张某甲"), PublicParty("party", "organization", "某公司", "91350100M000100Y43")]
    assert pickle.loads(pickle.dumps(objects, protocol=pickle.HIGHEST_PROTOCOL)) == objects

    class Older(pickle.Pickler):
        def reducer_override(self, obj):
            if type(obj) in {Source, Penalty, ProgressEvent, PublicParty}:
                return copyreg.__newobj__, (type(obj),), obj.__getstate__()
            return NotImplemented

    buffer = io.BytesIO()
    Older(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(objects)
    assert buffer.getvalue() != pickle.dumps(objects, protocol=pickle.HIGHEST_PROTOCOL)
    assert pickle.loads(buffer.getvalue()) == objects
