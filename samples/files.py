"""Lay records out as files the way real exports look: YAML mostly, some JSON, some lists."""
from __future__ import annotations

import json
import random
import shutil
from datetime import date
from pathlib import Path

import yaml

from .organs import ORGANS

DATE_FIELDS = ("decided_on", "served_on", "status_changed_on", "publicity_until")
SHORT = {o.name: o.short for o in ORGANS}
KIND_DIRS = ("penalty", "reconsideration", "progress")


class _Dumper(yaml.SafeDumper):
    pass


def _str(dumper: yaml.SafeDumper, value: str):
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def _yaml_ready(record: dict) -> dict:
    """Top-level dates as YAML dates (unquoted), the way the upstream system writes them."""
    return {k: date.fromisoformat(v) if k in DATE_FIELDS and isinstance(v, str) else v
            for k, v in record.items()}


def dump_yaml(data) -> str:
    if isinstance(data, list):
        data = [_yaml_ready(r) for r in data]
    else:
        data = _yaml_ready(data)
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False,
                     default_flow_style=False, width=4096)


def dump_json(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def batches_progress(batches: dict) -> list[str]:
    return [k for k in batches if k.startswith("progress/")]


def layout(records: list[dict], seed: int) -> dict[str, str]:
    """Relative path -> file content, for every record."""
    rng = random.Random(f"samples-files-{seed}")
    files: dict[str, object] = {}
    batches: dict[str, list] = {}
    fmt: dict[str, str] = {}
    progress: list[dict] = []
    for rec in records:
        kind = rec["kind"]
        if kind == "penalty":
            folder = f"penalty/{rec['decided_on'][:4]}/{SHORT[rec['authority']]}"
            r = rng.random()
            if r < 0.78:
                files[f"{folder}/{rec['id']}.yaml"] = rec
            elif r < 0.81:
                files[f"{folder}/{rec['id']}.yml"] = rec
            elif r < 0.9:
                files[f"{folder}/{rec['id']}.json"] = rec
            else:
                key = f"{folder}/batch-{rec['decided_on'][:7]}"
                batches.setdefault(key, []).append(rec)
                fmt.setdefault(key, "json" if rng.random() < 0.25 else "yaml")
        elif kind == "reconsideration":
            ext = "json" if rng.random() < 0.15 else "yaml"
            files[f"reconsideration/{rec['decided_on'][:4]}/{rec['id']}.{ext}"] = rec
        else:
            progress.append(rec)
    i = 0
    while i < len(progress):
        size = rng.randint(8, 20)
        batches[f"progress/batch-{len(batches_progress(batches)) + 1:03d}"] = progress[i:i + size]
        i += size
    progress_keys = sorted(k for k in batches if k.startswith("progress/"))
    for i, key in enumerate(progress_keys):
        fmt[key] = "json" if i == len(progress_keys) - 1 and len(progress_keys) > 1 else "yaml"
    for key, recs in batches.items():
        files[f"{key}.{fmt[key]}"] = recs
    out = {}
    for path in sorted(files):
        data = files[path]
        out[path] = dump_json(data) if path.endswith(".json") else dump_yaml(data)
    return out


def write(records: list[dict], output: Path, seed: int) -> int:
    """Write the export under `output`, replacing its penalty/, reconsideration/ and progress/ folders."""
    output.mkdir(parents=True, exist_ok=True)
    for sub in KIND_DIRS:
        if (output / sub).is_dir():
            shutil.rmtree(output / sub)
    contents = layout(records, seed)
    for rel, text in contents.items():
        path = output / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
    return len(contents)
