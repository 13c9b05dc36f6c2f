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
