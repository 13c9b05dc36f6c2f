"""Synthetic sample exports for development, tests and the demo site.

    from samples import write_exports, generate
    write_exports(300, Path("samples/demo"), seed=2026, today=date(2026, 11, 25))

`generate` returns the records as plain dicts, exactly as the export contract
(/work/shared/export-format.md) describes them (dates as ISO strings). `write_exports`
lays them out as a real export looks:

    penalty/<year>/<organ-short>/<id>.yaml     one record (some .yml, some .json)
    penalty/<year>/<organ-short>/batch-<yyyy-mm>.yaml|json   a list of records
    reconsideration/<year>/<id>.yaml|json
    progress/batch-NNN.yaml|json               lists of up to 20 progress records

Everything depends on (count, seed, today) only: the same arguments give byte-identical
files. All people, numbers and codes are made up (but carry valid check digits).
Command line: `python -m samples OUTPUT --count 300 --seed 2026 --today 2026-11-25`.
"""
from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

from .files import write
from .generate import generate

DEMO_ARGS = {"count": 300, "seed": 2026, "today": date(2026, 11, 25)}
DEMO_DIR = Path(__file__).parent / "demo"

__all__ = ["generate", "write_exports", "DEMO_ARGS", "DEMO_DIR"]


def write_exports(count: int, output: Path, seed: int = 1, today: date = date(2026, 11, 25)) -> dict:
    """Write a sample export under `output` (its penalty/, reconsideration/ and progress/
    folders are replaced). Returns counts by kind, plus the number of files written."""
    records = generate(count, seed, today)
    files = write(records, Path(output), seed)
    summary = dict(sorted(Counter(r["kind"] for r in records).items()))
    summary["files"] = files
    return summary
