"""Shared fixtures: small hand-written exports and real builds into temporary folders."""
from __future__ import annotations

import copy
import sys
import tempfile
from datetime import date
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TODAY = date(2026, 11, 25)

PENALTY = {
    "kind": "penalty",
    "id": "PEN-T-1",
    "decision_no": "榕公鼓（治）行罚决字〔2026〕901号",
    "case_no": "A3501025000002026100901",
    "authority": "福州市公安局鼓楼分局",
    "authority_code": "113501020036812196",
    "decided_on": "2026-10-12",
    "offence": "殴打他人",
    "legal_basis": ["《中华人民共和国治安管理处罚法》第四十三条第一款"],
    "penalties": [{"type": "fine", "amount": 500}, {"type": "detention", "days": 5}],
    "parties": [{
        "role": "offender", "type": "person", "name": "郑海涛", "id_type": "居民身份证",
        "id_number": "350102199003071238", "phone": "13805912345",
        "address": "福建省福州市鼓楼区五一北路123号华林小区5号楼302室",
    }],
    "text": (
        "违法行为人郑海涛，男，身份证号码350102199003071238，住福建省福州市鼓楼区五一北路123号华林小区5号楼302室，电话13805912345。\n\n"
        "经查，2026年9月1日，郑海涛在五一广场与被侵害人李建军发生争执，殴打李建军致其轻微伤。证人王芳证实。\n\n"
        "根据《中华人民共和国治安管理处罚法》第四十三条第一款，决定对郑海涛处罚款500元，行政拘留5日。"
    ),
}


def penalty(**changes) -> dict:
    record = copy.deepcopy(PENALTY)
    record.update(changes)
    return record


def write_exports(folder: Path, files: dict[str, object]) -> Path:
    """Write {relative name: record(s) or raw text} as export files."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            path.write_text(content, encoding="utf-8")
        elif name.endswith(".json"):
            import json

            path.write_text(json.dumps(content, ensure_ascii=False), encoding="utf-8")
        else:
            path.write_text(yaml.safe_dump(content, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return folder


# Redactions and charts are cached by content, so every test build shares one cache: a test
# pays for a redaction or a chart only the first time anything in the session needs it.
SHARED_CACHE = Path(tempfile.mkdtemp(prefix="portal-test-cache-"))


def build(exports: Path, output: Path, state: Path, today: date = TODAY, **options):
    from pipeline import BuildOptions
    from pipeline import build as run

    options.setdefault("cache_dir", SHARED_CACHE)
    return run(BuildOptions(exports=exports, output=output, state=state, today=today, **options))


def site_text(output: Path) -> str:
    """Every published byte, decoded, for assertions that something is nowhere on the site."""
    return "\n".join(p.read_bytes().decode("utf-8", "replace") for p in sorted(output.rglob("*")) if p.is_file())


@pytest.fixture(scope="session")
def demo_site(tmp_path_factory):
    """The shipped demo exports, built once for the whole session."""
    base = tmp_path_factory.mktemp("demo")
    report = build(ROOT / "samples" / "demo", base / "output", base / "state")
    assert report.swapped, [str(x) for x in report.leaks[:5]]
    return base / "output"


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium through Playwright, one for the whole session (tests/browser.py)."""
    from browser import chromium

    with chromium() as b:
        yield b
