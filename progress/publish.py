"""The progress stage: records -> site_dir/progress/{params.json, <name>.bin...}."""
from __future__ import annotations

import base64
import datetime
import json
import logging
import os
import pathlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from records.model import ProgressRecord

from . import decoys, derive, seal
from .cache import DerivationCache
from .config import ProgressConfig
from .expiry import still_published
from .notes import MIN_NOTE_SECRET, NoteRedactor
from .secret import SiteSecret

log = logging.getLogger(__name__)
EXT = ".bin"


@dataclass
class ProgressResult:
    files: int  # real records published
    decoys: int
    secrets: dict[str, list[str]] = field(default_factory=dict)
    expired: int = 0
    derived: int = 0  # derivations paid for in this build (the rest came from the cache)


def code_spellings(code: str) -> list[str]:
    """The ways a query code may be written: as exported, normalised, either case, in groups of 4."""
    norm = derive.normalise(code)
    groups = [norm[i : i + 4] for i in range(0, len(norm), 4)]
    out = {code, code.strip(), code.upper(), code.lower(), norm, norm.lower()}
    for sep in ("-", " "):
        out |= {sep.join(groups), sep.join(groups).lower()}
    return sorted(s for s in out if s)


def _label(record: ProgressRecord) -> str:
    return f"{record.source.where()} (case_no={record.case_no})"


def _record_secrets(record: ProgressRecord) -> list[str]:
    raw_notes = [e.note for e in record.events if e.note and len(e.note) >= MIN_NOTE_SECRET]
    return [record.case_no, *code_spellings(record.query_code), *raw_notes]


def _latest_per_key(records: list[ProgressRecord]) -> dict[tuple[str, str], ProgressRecord]:
    """One record per (case, code) as normalised; a later export or later event wins."""
    chosen: dict[tuple[str, str], ProgressRecord] = {}

    def rank(r: ProgressRecord):
        exported = r.source.exported_at.timestamp() if r.source.exported_at else float("-inf")
        latest = max((e.at.timestamp() for e in r.events), default=float("-inf"))
        return exported, latest

    for r in records:
        key = (derive.normalise(r.case_no), derive.normalise(r.query_code))
        if key in chosen:
            log.warning("progress: %s and %s share a case number and code; keeping the later",
                        chosen[key].source.where(), r.source.where())
            if rank(r) < rank(chosen[key]):
                continue
        chosen[key] = r
    return chosen


def _clear(out: pathlib.Path) -> None:
    """Remove what an earlier build wrote here, so a dropped record leaves no file behind."""
    for path in out.iterdir():
        if path.suffix == EXT or path.name in ("params.json", "index.html"):
            path.unlink()


def _write(path: str, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        os.write(fd, data)
    finally:
        os.close(fd)


def _write_batch(batch: list[tuple[str, bytes]]) -> None:
    for path, data in batch:
        _write(path, data)


def _write_all(out: pathlib.Path, files, batch_size: int = 256) -> int:
    """Write (name, bytes) pairs under `out`; creating files is most of a warm build, so threads share it."""
    folder, count, batch = str(out), 0, []
    with ThreadPoolExecutor(max_workers=4) as pool:
        pending = []
        for name, data in files:
            batch.append((os.path.join(folder, name), data))
            count += 1
            if len(batch) == batch_size:
                pending.append(pool.submit(_write_batch, batch))
                batch = []
        pending.append(pool.submit(_write_batch, batch))
        for job in pending:
            job.result()
    return count


def params(salt: bytes, iterations: int) -> dict:
    """What a browser needs to derive: public, and the same for every record. No count."""
    return {
        "version": 1,
        "kdf": "PBKDF2-HMAC-SHA256",
        "salt": base64.b64encode(salt).decode("ascii"),
        "iterations": iterations,
        "expand": "HKDF-SHA256",
        "name_info": derive.NAME_INFO.decode(),
        "key_info": derive.KEY_INFO.decode(),
        "cipher": "AES-256-GCM",
        "ext": EXT,
    }


_INDEX = (
    '<!doctype html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
    '<meta name="robots" content="noindex"><title>案件办理进度</title></head><body></body></html>\n'
).encode()


def publish_progress(
    records: list[ProgressRecord],
    site_dir: pathlib.Path,
    state_dir: pathlib.Path,
    *,
    today: datetime.date,
    settings: dict,
) -> ProgressResult:
    cfg = ProgressConfig.from_settings(settings)
    site_dir, state_dir = pathlib.Path(site_dir), pathlib.Path(state_dir)
    secret = SiteSecret.load_or_create(state_dir)
    salt = secret.salt

    result = ProgressResult(files=0, decoys=0)
    for r in records:  # every record's strings, published or not: a stale copy must not leak either
        result.secrets.setdefault(_label(r), []).extend(_record_secrets(r))
    live = [r for r in records if still_published(r, today, cfg.keep_closed_days)]
    result.expired = len(records) - len(live)
    chosen = list(_latest_per_key(live).values())

    cache = DerivationCache(state_dir / "progress" / "cache").load()
    derived = cache.derive([(r.case_no, r.query_code) for r in chosen], salt, cfg.iterations, cfg.workers)
    result.derived = cache.cold
    notes = NoteRedactor(state_dir / "progress" / "notes")
    if any(e.note for r in chosen for e in r.events):
        notes.load()

    out = site_dir / "progress"
    out.mkdir(parents=True, exist_ok=True)
    _clear(out)
    real_sizes = []

    def sealed():
        for record, (name, key) in zip(chosen, derived):
            published_notes = []
            for event in record.events:
                text, found = notes.redact(event.note)
                published_notes.append(text)
                result.secrets[_label(record)].extend(found)
            plaintext = seal.pad(seal.content(record, published_notes), cfg.sizes)
            real_sizes.append(len(plaintext))
            yield name + EXT, seal.seal(secret, name, key, plaintext, today)

    def decoy_files():
        for size, count in decoys.plan(real_sizes, cfg.sizes, cfg.min_files).items():
            for decoy in decoys.decoys(secret, size, count, today):
                yield decoy.name + EXT, decoy.data

    result.files = _write_all(out, sealed())
    result.decoys = _write_all(out, decoy_files())
    public = json.dumps(params(salt, cfg.iterations), sort_keys=True, indent=1).encode() + b"\n"
    _write_all(out, [("params.json", public), ("index.html", _INDEX)])
    cache.save()
    notes.save()  # keeps only this build's notes: those of records gone leave the state too
    result.secrets = {label: sorted(set(values)) for label, values in result.secrets.items()}
    log.info("progress: %d records published, %d expired, %d decoys, %d derivations paid",
             result.files, result.expired, result.decoys, result.derived)
    return result
