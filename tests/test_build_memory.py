"""What a build holds while it renders. The records as exported (their raw mappings from the
parse cache, a second copy of every text, and the validated records with the personal data) are
let go once redacted: at 100k decisions they were most of a gigabyte held to the end of the build.
The gate still learns where each record came from."""
from __future__ import annotations

import gc

from conftest import build, penalty, write_exports

import pipeline
import pipeline.render
from records.loader import RawRecord
from records.model import Decision


def _ours(obj) -> bool:
    if type(obj) is Decision:
        return obj.id.startswith("PEN-M-")
    if type(obj) is RawRecord:
        return str(obj.data.get("id", "")).startswith("PEN-M-")
    return False


def test_records_as_exported_are_let_go_before_rendering_and_the_gate_still_names_them(tmp_path, monkeypatch):
    records = {f"m{i}.yaml": penalty(id=f"PEN-M-{i}", decision_no=f"榕公鼓（治）行罚决字〔2026〕95{i}号") for i in range(4)}
    exports = write_exports(tmp_path / "exports", records)
    held, labels = {}, {}
    render, gate = pipeline.render.render_site, pipeline._gate

    def counting_render(*args, **kwargs):
        gc.collect()
        held["render"] = sum(1 for o in gc.get_objects() if _ours(o))
        return render(*args, **kwargs)

    def watching_gate(staging, secrets, kept, state, *rest):
        gc.collect()
        held["gate"] = sum(1 for o in gc.get_objects() if _ours(o))
        labels.update({label: found for label, found in secrets.items() if "PEN-M-" in label})
        return gate(staging, secrets, kept, state, *rest)

    monkeypatch.setattr(pipeline.render, "render_site", counting_render)
    monkeypatch.setattr(pipeline, "_gate", watching_gate)
    report = build(exports, tmp_path / "out", tmp_path / "state")
    assert report.ok and report.published == 4
    assert held == {"render": 0, "gate": 0}
    assert sorted(labels) == [f"m{i}.yaml (id=PEN-M-{i})" for i in range(4)]
    assert all("郑海涛" in found for found in labels.values())  # the offender's name, for the gate
