"""Incremental builds: a rebuild with nothing changed stops early; any change runs the build, and
whatever path a build takes, its output is the very bytes a full build of the same exports writes."""
from __future__ import annotations

import json
import os
import shutil
from datetime import date

import pytest
from click.testing import CliRunner
from conftest import build, penalty, write_exports
from test_build import same_tree

import publish
from pipeline import audit, manifest


@pytest.fixture
def exports(tmp_path):
    return write_exports(tmp_path / "exports", {
        "a.yaml": penalty(),
        "b.yaml": penalty(id="PEN-T-2", decision_no="榕公鼓（治）行罚决字〔2026〕902号", publicity_until="2026-11-30"),
        "bad.yaml": penalty(id="BAD", decided_on="2026-02-30"),
    })


def files(folder):
    """path -> (inode, mtime, size) of every file: what an upload by size and time compares."""
    return {str(p.relative_to(folder)): (p.stat().st_ino, p.stat().st_mtime_ns, p.stat().st_size)
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_rebuild_with_nothing_changed_stops_early_and_reports_the_same(tmp_path, exports):
    out, state = tmp_path / "out", tmp_path / "state"
    first = build(exports, out, state)
    assert first.swapped and not first.unchanged and first.problems
    online, log = files(out), audit.read(state)
    second = build(exports, out, state)
    assert second.unchanged and second.swapped and not second.events
    assert (second.published, second.withdrawals, second.expired, second.excluded) == \
        (first.published, first.withdrawals, first.expired, first.excluded)
    assert [str(p) for p in second.problems] == [str(p) for p in first.problems], "the invalid record is still reported"
    assert files(out) == online and audit.read(state) == log
    figures = json.loads((state / "logs" / "last-build.json").read_text(encoding="utf-8"))
    assert figures["unchanged"] and figures["published"] == first.published


def test_the_command_still_fails_on_invalid_records_when_nothing_changed(tmp_path, exports):
    args = ["build", "--exports", exports, "--output", tmp_path / "out", "--state", tmp_path / "state", "--today", "2026-11-25"]
    for _ in range(2):
        result = CliRunner().invoke(publish.cli, [str(a) for a in args], catch_exceptions=False)
        assert result.exit_code == 1 and "bad.yaml [BAD] 字段 decided_on" in result.output


def _touch_export(exports, out, state):
    """The same content written again: the parse cache and the early exit both see a new file."""
    path = exports / "a.yaml"
    path.write_bytes(path.read_bytes())


def _same_size_and_time(exports, out, state):
    """A changed record whose file keeps its size and modification time (only ctime tells)."""
    path = exports / "a.yaml"
    st = path.stat()
    text = path.read_text(encoding="utf-8").replace("2026-10-12", "2026-10-13")
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert path.stat().st_size == st.st_size


def _new_record(exports, out, state):
    write_exports(exports, {"c.yaml": penalty(id="PEN-T-3", decision_no="榕公鼓（治）行罚决字〔2026〕903号")})


def _withdrawal(exports, out, state):
    write_exports(exports, {"a.yaml": penalty(status="revoked", status_reason="复核撤销", status_changed_on="2026-11-25")})


def _page_deleted(exports, out, state):
    (out / "decisions" / "pen-t-1" / "index.html").unlink()


def _page_edited(exports, out, state):
    page = out / "decisions" / "pen-t-1" / "index.html"
    page.write_text(page.read_text(encoding="utf-8") + "<!-- edited on the host -->", encoding="utf-8")


def _stray_file(exports, out, state):
    (out / "stray.html").write_text("not built", encoding="utf-8")


def _audit_log_gone(exports, out, state):
    audit.path_in(state).unlink()


def _published_state_gone(exports, out, state):
    shutil.rmtree(state / "published")


def _interrupted_swap(exports, out, state):
    shutil.copytree(out, out.parent / f".{out.name}.previous")


CHANGES = [_touch_export, _same_size_and_time, _new_record, _withdrawal, _page_deleted, _page_edited, _stray_file,
           _audit_log_gone, _published_state_gone, _interrupted_swap]


@pytest.mark.parametrize("change", CHANGES, ids=[c.__name__.strip("_") for c in CHANGES])
def test_any_change_runs_the_build_and_its_output_is_a_full_builds(tmp_path, exports, change):
    out, state = tmp_path / "out", tmp_path / "state"
    build(exports, out, state)
    shutil.copytree(state, tmp_path / "state-copy", symlinks=True)
    change(exports, out, state)
    report = build(exports, out, state)
    assert report.swapped and not report.unchanged
    full = tmp_path / "full"
    build(exports, full, tmp_path / "state-copy")
    assert same_tree(out, full) == []
    assert build(exports, out, state).unchanged, "and the build after it has nothing to do"
    if change is _same_size_and_time:  # the parse cache saw it too: the new date is published
        assert "2026年10月13日" in (out / "decisions" / "pen-t-1" / "index.html").read_text(encoding="utf-8")


def test_a_new_day_runs_the_build_and_expires_what_is_due(tmp_path, exports):
    out, state = tmp_path / "out", tmp_path / "state"
    build(exports, out, state, today=date(2026, 11, 30))
    assert (out / "decisions" / "pen-t-2" / "index.html").exists()
    assert build(exports, out, state, today=date(2026, 11, 30)).unchanged
    report = build(exports, out, state, today=date(2026, 12, 1))
    assert not report.unchanged and report.expired == 1
    assert not (out / "decisions" / "pen-t-2").exists()
    assert [e["event"] for e in report.events] == ["expired"]


def test_options_that_shape_the_output_are_part_of_the_fingerprint(tmp_path, exports, monkeypatch):
    from pipeline import BuildOptions

    base = dict(exports=exports, output=tmp_path / "out", state=tmp_path / "state", today=date(2026, 11, 25))
    digest = manifest.inputs_digest(BuildOptions(**base))
    assert digest == manifest.inputs_digest(BuildOptions(**base, workers=1)), "how the work is spread is not an input"
    for change in (dict(production=True), dict(strict=True), dict(settings={"PORTAL_PAGE_SIZE": 10}),
                   dict(today=date(2026, 11, 26))):
        assert manifest.inputs_digest(BuildOptions(**{**base, **change})) != digest, change
    monkeypatch.setenv("PORTAL_SITEURL", "https://elsewhere.example")
    assert manifest.inputs_digest(BuildOptions(**base)) != digest


def test_a_change_to_the_code_or_the_theme_is_a_change_of_the_inputs(tmp_path, monkeypatch):
    root = tmp_path / "root"
    for name in ("theme/templates/base.html", "portal/decisions.py", "pelicanconf.py"):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("one", encoding="utf-8")
    monkeypatch.setattr(manifest, "ROOT", root)
    before = manifest._code_digest()
    (root / "theme" / "templates" / "base.html").write_text("two", encoding="utf-8")
    assert manifest._code_digest() != before
    (root / "portal" / "__pycache__").mkdir()
    after = manifest._code_digest()
    (root / "portal" / "__pycache__" / "decisions.cpython-311.pyc").write_bytes(b"compiled")
    assert manifest._code_digest() == after, "compiled files are not sources"


def test_the_whoosh_index_updated_in_place_answers_as_one_built_from_nothing(tmp_path, exports):
    """After an addition, a withdrawal and an expiry the index is updated (documents deleted and
    added), not rebuilt; every query answers exactly as on an index built from nothing."""
    from search import search_index
    from search.whoosh_index import CONTENTS

    out, state = tmp_path / "out", tmp_path / "state"
    write_exports(exports, {"c.yaml": penalty(id="PEN-T-3", decision_no="榕公鼓（治）行罚决字〔2026〕903号", offence="赌博")})
    build(exports, out, state)
    shutil.copytree(state, tmp_path / "state-copy", symlinks=True)
    segments = {p.name for p in (state / "search" / "current").iterdir() if p.suffix == ".seg"}
    write_exports(exports, {
        "a.yaml": penalty(status="revoked", status_reason="复核撤销", status_changed_on="2026-12-01"),
        "d.yaml": penalty(id="PEN-T-4", decision_no="榕公鼓（治）行罚决字〔2026〕904号", offence="赌博", decided_on="2026-10-20"),
    })
    build(exports, out, state, today=date(2026, 12, 2))
    held = json.loads((state / "search" / "current" / CONTENTS).read_text(encoding="utf-8"))["docs"]
    assert sorted(held) == ["PEN-T-3", "PEN-T-4"], "withdrawn PEN-T-1 and expired PEN-T-2 left"
    assert segments & {p.name for p in (state / "search" / "current").iterdir()}, "updated, not rebuilt"
    shutil.rmtree(tmp_path / "state-copy" / "search")
    build(exports, tmp_path / "full", tmp_path / "state-copy", today=date(2026, 12, 2))
    for query, filters in [("殴打", {}), ("赌博", {}), ("903号", {}), ("", {"kind": "penalty"}), ("郑某", {"year": 2026})]:
        for sort in ("relevance", "newest", "oldest"):
            a = search_index(state, query, sort=sort, **filters)
            b = search_index(tmp_path / "state-copy", query, sort=sort, **filters)
            assert a == b and a.total, (query, sort)
    assert all(h.url != "decisions/pen-t-1/" for h in search_index(state, "殴打他人", pagelen=100).hits), "withdrawn"


def test_after_a_change_every_file_with_the_same_bytes_is_the_online_file(tmp_path, exports):
    """What an upload by size and time (rsync -a, aws s3 sync) compares: a file whose bytes did
    not change keeps its inode and time, whichever stage wrote it; a changed file is new."""
    out, state = tmp_path / "out", tmp_path / "state"
    build(exports, out, state)
    before = {p: (p.read_bytes(), p.stat().st_ino) for p in out.rglob("*") if p.is_file()}
    write_exports(exports, {"c.yaml": penalty(id="PEN-T-3", decision_no="榕公鼓（治）行罚决字〔2026〕903号", offence="赌博")})
    assert build(exports, out, state).swapped
    same = changed = 0
    for p in out.rglob("*"):
        if p.is_file() and p in before:
            data, ino = before[p]
            if p.read_bytes() == data:
                assert p.stat().st_ino == ino, p.relative_to(out)
                same += 1
            else:
                assert p.stat().st_ino != ino
                changed += 1
    assert same and changed
    assert any(p.is_relative_to(out / "search") for p in before), "the static search index is among them"


def test_unchanged_records_are_neither_parsed_validated_nor_redacted_again(tmp_path, exports, monkeypatch):
    import pipeline.redact_stage as stage
    import records
    import records.loader as loader

    out, state = tmp_path / "out", tmp_path / "state"
    build(exports, out, state, today=date(2026, 11, 25))
    calls = {"read": 0, "validate": 0, "public": 0}

    def counted(name, real):
        def wrapper(*args, **kwargs):
            calls[name] += 1
            return real(*args, **kwargs)
        return wrapper

    monkeypatch.setattr(loader, "read_file", counted("read", loader.read_file))
    monkeypatch.setattr(records, "validate", counted("validate", records.validate))
    monkeypatch.setattr(stage, "to_public", counted("public", stage.to_public))
    report = build(exports, out, state, today=date(2026, 11, 26))  # a new day: the build runs
    assert not report.unchanged and calls == {"read": 0, "validate": 0, "public": 0}
    write_exports(exports, {"a.yaml": penalty(offence="寻衅滋事")})
    build(exports, out, state, today=date(2026, 11, 26))
    assert calls == {"read": 1, "validate": 1, "public": 1}, "only the changed file"
    assert "寻衅滋事" in (out / "decisions" / "pen-t-1" / "index.html").read_text(encoding="utf-8")
    build(exports, out, state, today=date(2026, 12, 1))  # PEN-T-2's end passed: the rest as they were
    assert calls["public"] == 1 and not (out / "decisions" / "pen-t-2").exists()


def test_pages_rendered_again_with_the_same_bytes_are_not_rendered_again_by_the_next_build(tmp_path, exports, monkeypatch):
    """A change of code or theme that leaves a page's bytes alone gives it a new render key; the
    key must record the file the site ends up with (the online one, linked), or every later
    build renders the page once more (what it did: the stamp was of the file the link replaced)."""
    import portal.writing as writing

    out, state = tmp_path / "out", tmp_path / "state"
    build(exports, out, state)
    shutil.copytree(state, tmp_path / "state-copy", symlinks=True)
    monkeypatch.setattr(writing, "theme_version", lambda: "a new theme with the same pages")
    rendered = []
    real = writing.render_jobs
    monkeypatch.setattr(writing, "render_jobs", lambda settings, jobs, *a, **k: rendered.extend(j[0] for j in jobs)
                        or real(settings, jobs, *a, **k))
    write_exports(exports, {"c.yaml": penalty(id="PEN-T-3", decision_no="榕公鼓（治）行罚决字〔2026〕903号", offence="赌博")})
    assert build(exports, out, state).swapped
    assert "decisions/pen-t-2/index.html" in rendered, "the new key: rendered once"
    rendered.clear()
    write_exports(exports, {"d.yaml": penalty(id="PEN-T-4", decision_no="榕公鼓（治）行罚决字〔2026〕904号", offence="赌博")})
    assert build(exports, out, state).swapped
    assert "decisions/pen-t-2/index.html" not in rendered and "decisions/pen-t-4/index.html" in rendered, rendered
    full = tmp_path / "full"
    monkeypatch.undo()
    assert build(exports, full, tmp_path / "state-copy").swapped
    assert same_tree(out, full) == []


def test_templates_are_compiled_once_per_source_not_per_generator_and_build(tmp_path, exports, monkeypatch):
    """Pelican gives every generator its own Jinja environment; they share one bytecode cache in
    the state's cache folder (portal/compiled.py), so a template is compiled once, when its source
    changes, and a later build with a new record compiles nothing and writes a full build's bytes."""
    import jinja2

    compiled = []
    real = jinja2.Environment.compile

    def counted(self, source, name=None, filename=None, raw=False, defer_init=False):
        if not raw:
            compiled.append(name)
        return real(self, source, name, filename, raw, defer_init)

    monkeypatch.setattr(jinja2.Environment, "compile", counted)
    out, state, cache = tmp_path / "out", tmp_path / "state", tmp_path / "cache"
    build(exports, out, state, cache_dir=cache)
    assert compiled and len(compiled) == len(set(compiled)), "each template once, whichever generator asked"
    shutil.copytree(state, tmp_path / "state-copy", symlinks=True)
    compiled.clear()
    write_exports(exports, {"c.yaml": penalty(id="PEN-T-3", decision_no="榕公鼓（治）行罚决字〔2026〕903号")})
    build(exports, out, state, cache_dir=cache)
    assert compiled == []
    build(exports, tmp_path / "full", tmp_path / "state-copy", cache_dir=tmp_path / "other-cache")
    assert same_tree(out, tmp_path / "full") == []


def test_environments_of_other_options_do_not_share_compiled_templates(tmp_path):
    import jinja2

    from portal import compiled

    plain, trimmed = jinja2.Environment(), jinja2.Environment(trim_blocks=True)
    compiled.share(plain, tmp_path)
    compiled.share(trimmed, tmp_path)
    assert plain.bytecode_cache is not trimmed.bytecode_cache
    assert plain.bytecode_cache.directory != trimmed.bytecode_cache.directory


def test_a_damaged_compiled_template_is_compiled_again(tmp_path, exports):
    from jinja2.bccache import bc_magic

    out, state, cache = tmp_path / "out", tmp_path / "state", tmp_path / "cache"
    build(exports, out, state, cache_dir=cache)
    shutil.copytree(state, tmp_path / "state-copy", symlinks=True)
    damaged = sorted(p for p in (cache / "templates").rglob("*") if p.is_file())
    assert damaged
    for path in damaged:
        path.write_bytes(bc_magic + b"\x80")  # the header, then a pickle cut short
    write_exports(exports, {"c.yaml": penalty(id="PEN-T-3", decision_no="榕公鼓（治）行罚决字〔2026〕903号")})
    assert build(exports, out, state, cache_dir=cache).swapped
    build(exports, tmp_path / "full", tmp_path / "state-copy", cache_dir=tmp_path / "other-cache")
    assert same_tree(out, tmp_path / "full") == []


@pytest.mark.parametrize("part", [6_000, 1])
def test_a_whoosh_index_built_beside_the_build_answers_as_one_built_in_it(tmp_path, exports, monkeypatch, part):
    """A first build leaves its whoosh index, of one part or (parts of `part` decisions a writer)
    several, built in processes apart, to go on while it renders, and waits for it before the
    swap: the index in place after the build answers as one built in the build's own process,
    and no process or thread of it is left behind."""
    import multiprocessing
    import threading

    from search import search_index, whoosh_index

    monkeypatch.setattr(whoosh_index, "PART_PER_WRITER", part)
    write_exports(exports, {"c.yaml": penalty(id="PEN-T-3", decision_no="榕公鼓（治）行罚决字〔2025〕903号", decided_on="2025-12-20",
                                              case_no="A3501025000002025100903")})
    build(exports, tmp_path / "out", tmp_path / "state", settings={"SEARCH_INDEX_PROCS": 2})
    stages = json.loads((tmp_path / "state" / "logs" / "last-build.json").read_text(encoding="utf-8"))["timings"]
    assert "search beside" in stages
    assert not multiprocessing.active_children()
    assert not [t for t in threading.enumerate() if t.name.startswith("whoosh-parts")]
    parts = json.loads((tmp_path / "state" / "search" / "current" / whoosh_index.CONTENTS).read_text())["parts"]
    assert (len(parts) > 1) == (part == 1)
    build(exports, tmp_path / "out-1", tmp_path / "state-1", settings={"SEARCH_INDEX_PROCS": 1})
    for query, filters in [("殴打", {}), ("郑某", {}), ("", {"kind": "penalty"})]:
        a = search_index(tmp_path / "state", query, **filters)
        assert a == search_index(tmp_path / "state-1", query, **filters) and a.total, query
