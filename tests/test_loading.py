"""Loading and validating exports: every contract record loads; every bad one is named precisely."""
from __future__ import annotations

from datetime import date

import pytest
from conftest import ROOT, penalty, write_exports

from records import load_exports


def messages(exports) -> list[str]:
    return [str(p) for p in exports.problems]


def test_yaml_json_single_and_list_any_depth(tmp_path):
    write_exports(tmp_path, {
        "one.yaml": penalty(id="A"),
        "deep/er/two.yml": [penalty(id="B"), penalty(id="C", decided_on=date(2026, 1, 2))],
        "x/three.json": [penalty(id="D")],
        "notes.txt": "not an export",
    })
    loaded = load_exports(tmp_path)
    assert sorted(d.id for d in loaded.decisions) == ["A", "B", "C", "D"]
    assert loaded.problems == []
    c = next(d for d in loaded.decisions if d.id == "C")
    assert c.decided_on == date(2026, 1, 2)  # unquoted YAML date and quoted string both load


def test_the_files_the_fingerprint_walked_are_the_files_the_loader_finds(tmp_path):
    """The build hands the loader what its fingerprint's walk of the exports found
    (`pipeline.manifest`), instead of a second walk: the same files, stats and order, whatever
    links, hidden files and other names the folder holds."""
    import os

    from pipeline import manifest
    from records.loader import _export_entries

    exports = write_exports(tmp_path / "exports", {
        "b/one.yaml": penalty(id="A"), "a/two.json": [penalty(id="B")], ".hidden.yaml": penalty(id="H"),
        "notes.txt": "not an export", "a/.x/three.YML": penalty(id="C"),
    })
    elsewhere = write_exports(tmp_path / "elsewhere", {"four.yaml": penalty(id="D"), "sub/five.yaml": penalty(id="E")})
    os.symlink(elsewhere / "four.yaml", exports / "linked.yaml")  # a file linked to counts
    os.symlink(elsewhere / "sub", exports / "linked-folder")  # a folder linked to is not entered
    os.symlink(tmp_path / "missing.yaml", exports / "dangling.yaml")
    os.mkfifo(exports / "pipe.yaml")
    walked: list = []
    manifest.tree_digest(exports, ctime=True, files=walked)
    found = _export_entries(exports)
    assert [label for label, _, _ in found] == ["a/.x/three.YML", "a/two.json", "b/one.yaml", "linked.yaml"]
    assert _export_entries(exports, walked) == found
    assert sorted(d.id for d in load_exports(exports, walked=walked).decisions) == ["A", "B", "C", "D"]


def test_demo_exports_load_without_problems():
    loaded = load_exports(ROOT / "samples" / "demo")
    assert loaded.problems == []
    assert {d.kind for d in loaded.decisions} == {"penalty", "reconsideration"}
    assert loaded.progress


def test_unknown_fields_are_ignored(tmp_path):
    write_exports(tmp_path, {"a.yaml": penalty(extra_field="whatever", parties=[{**penalty()["parties"][0], "nationality": "中国"}])})
    assert load_exports(tmp_path).problems == []


@pytest.mark.parametrize(
    "files, expected",
    [
        ({"broken.yaml": "kind: penalty\nid: [unclosed\n"}, ["broken.yaml", "整个文件", "YAML 格式错误", "第"]),
        ({"broken.json": "[{\"kind\": }]"}, ["broken.json", "JSON 格式错误"]),
        ({"a.yaml": penalty(id="NO-NUMBER", decision_no=None)}, ["a.yaml", "[NO-NUMBER]", "decision_no", "必填"]),
        ({"a.yaml": penalty(id="BAD-DATE", decided_on="2026-02-30")}, ["[BAD-DATE]", "decided_on", "2026-02-30", "不存在"]),
        ({"a.yaml": penalty(id="WHAT", kind="verdict")}, ["[WHAT]", "kind", "verdict", "未知"]),
        ({"l.yaml": [penalty(id="OK"), {"kind": "penalty"}]}, ["l.yaml", "第2条", "id"]),
        ({"a.yaml": penalty(id="P", penalties=[{"type": "fine"}])}, ["[P]", "penalties[0].amount"]),
        ({"a.yaml": penalty(id="Q", penalties=[{"type": "flogging"}])}, ["[Q]", "penalties[0].type", "flogging"]),
        ({"a.yaml": penalty(id="R", parties=[{"role": "offender", "type": "person"}])}, ["[R]", "parties[0].name"]),
        ({"a.yaml": penalty(id="S", status="cancelled")}, ["[S]", "status"]),
        ({"e.yaml": ""}, ["e.yaml", "为空"]),
        ({"s.yaml": "just a string\n"}, ["s.yaml", "映射"]),
        ({"p.yaml": {"kind": "progress", "case_no": "A1", "query_code": "X", "case_type": "administrative",
                     "authority": "某局", "events": [{"at": "2026-13-01T00:00:00+08:00", "stage": "received"}]}},
         ["case_no=A1", "events[0].at"]),
    ],
)
def test_each_problem_names_file_record_and_field(tmp_path, files, expected):
    write_exports(tmp_path, {**files, "good.yaml": penalty(id="GOOD")})
    loaded = load_exports(tmp_path)
    text = "\n".join(messages(loaded))
    for part in expected:
        assert part in text, text
    assert [d.id for d in loaded.decisions if d.id == "GOOD"] == ["GOOD"], "the valid rest still loads"


def test_duplicate_id_keeps_the_newer_export(tmp_path):
    write_exports(tmp_path, {
        "old.yaml": penalty(id="DUP", offence="旧", exported_at="2026-10-01T09:00:00+08:00"),
        "new.yaml": penalty(id="DUP", offence="新", exported_at="2026-10-02T09:00:00+08:00"),
    })
    loaded = load_exports(tmp_path)
    assert [d.offence for d in loaded.decisions] == ["新"]
    assert loaded.problems == []


def test_duplicate_id_without_export_time_is_an_error_naming_both_files(tmp_path):
    write_exports(tmp_path, {"a.yaml": penalty(id="DUP"), "b.yaml": penalty(id="DUP")})
    loaded = load_exports(tmp_path)
    assert loaded.decisions == []
    (problem,) = loaded.problems
    assert "a.yaml" in str(problem) and "b.yaml" in str(problem) and "DUP" in str(problem)


def test_missing_folder_is_a_problem_not_a_crash(tmp_path):
    loaded = load_exports(tmp_path / "nope")
    assert "不存在" in str(loaded.problems[0])


def test_export_files_are_found_and_ordered_as_sorted_paths(tmp_path):
    """The loader walks the exports with scandir (one stat a file); it finds and orders them as
    `sorted(Path.rglob("*"))` did: part by part (a/b before a-b/c), hidden folders entered, hidden
    files and other suffixes left out, files linked to read, folders linked to not entered."""
    import os

    from records.loader import EXPORT_SUFFIXES, export_files

    for rel in ["a/b.yaml", "a-b/c.yaml", "a.b/x.JSON", "A/z.yml", ".h/y.yaml", "a/.x.yaml", "a/n.txt", "ab.yaml",
                "a/b/c/d.json"]:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x", encoding="utf-8")
    os.symlink(tmp_path / "a", tmp_path / "linked")
    os.symlink(tmp_path / "ab.yaml", tmp_path / "l.yaml")
    os.symlink(tmp_path / "missing.yaml", tmp_path / "dangling.yaml")
    expected = sorted(p for p in tmp_path.rglob("*")
                      if p.is_file() and p.suffix.lower() in EXPORT_SUFFIXES and not p.name.startswith("."))
    assert export_files(tmp_path) == expected
    assert [p.relative_to(tmp_path).as_posix() for p in expected] == [
        ".h/y.yaml", "A/z.yml", "a/b/c/d.json", "a/b.yaml", "a-b/c.yaml", "a.b/x.JSON", "ab.yaml", "l.yaml"]
