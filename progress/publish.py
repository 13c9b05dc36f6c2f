"""The progress stage: records -> site_dir/progress/{params.json, <name>.bin...}."""
from __future__ import annotations

import base64
import datetime
import gc
import json
import logging
import os
import pathlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from records.model import ProgressRecord

from . import decoys, derive, reuse, seal
from .cache import DerivationCache, cache_key
from .config import ProgressConfig
from .expiry import closed_on
from .notes import MIN_NOTE_SECRET, NoteRedactor, note_key
from .reuse import DECOY, Fingerprinter, Written
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
    kept: list[str] = field(default_factory=list)  # files of the site online kept unchanged, relative to the site
    # With a site online, what to do once this build's files are in it (pipeline/swap.py): record
    # the folder they are in, now that nothing more is written there.
    after_swap: object = None


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


def _latest_per_key(records: list[tuple[bytes, ProgressRecord]], quiet: bool = False) -> dict[bytes, ProgressRecord]:
    """One record per (case, code) as normalised (keyed by their derivation cache key); a later
    export or later event wins."""
    chosen: dict[bytes, ProgressRecord] = {}

    def rank(r: ProgressRecord):
        exported = r.source.exported_at.timestamp() if r.source.exported_at else float("-inf")
        latest = max((e.at.timestamp() for e in r.events), default=float("-inf"))
        return exported, latest

    for key, r in records:
        if key in chosen:
            if not quiet:
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


def _place_batch(batch: list[tuple[str, bytes | None, int | None]]) -> list[int]:
    inodes = []
    for path, data, inode in batch:
        if data is None:  # the file online stays
            inodes.append(inode)
            continue
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            os.write(fd, data)
            inodes.append(os.fstat(fd).st_ino)
        finally:
            os.close(fd)
    return inodes


def _place(out: pathlib.Path, jobs, batch_size: int = 512) -> list[int]:
    """Write (name, bytes) pairs under `out`, or keep (name, None, inode) where it is online;
    return the inode of each file. Creating files is most of a build that seals little, so threads
    share it; everything else (sealing, HMACs) is done before, so they never wait for the GIL."""
    folder = str(out)
    batches, batch = [], []
    for name, data, inode in jobs:
        batch.append((os.path.join(folder, name), data, inode))
        if len(batch) == batch_size:
            batches.append(batch)
            batch = []
    batches.append(batch)
    with ThreadPoolExecutor(max_workers=4) as pool:
        return [inode for inodes in pool.map(_place_batch, batches) for inode in inodes]


def _same(folder: pathlib.Path | None, name: str, data: bytes) -> bool:
    """Whether the site online holds these bytes under this name: then that file is kept, as the
    build would keep it later anyway (replacing a file there would change the folder's identity,
    which warm builds check; see reuse.py)."""
    try:
        return folder is not None and (folder / name).read_bytes() == data
    except OSError:
        return False


def _job(online: pathlib.Path | None, file: str, data: bytes) -> tuple:
    """(file, bytes, None) to write, or (file, None, inode) when the site online holds these very
    bytes: kept, as `_same` does for params.json. Written, the build kept the online file afterwards
    (pipeline._keep_unchanged), which changed this folder once its identity was saved, so the next
    build trusted no file, sealed every one again and left the folder changed again: after any
    build that could not trust the folder (a site restored or copied), every later build wrote
    and then kept every progress file (10k decisions: 10,200 files, ~1.5 s a build)."""
    if online is not None:
        try:
            st = os.stat(online / file)
            if st.st_size == len(data) and (online / file).read_bytes() == data:
                return (file, None, st.st_ino)
        except OSError:
            pass
    return (file, data, None)


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
    online: pathlib.Path | None = None,
    ahead: "Ahead | None" = None,
) -> ProgressResult:
    """Write site_dir/progress. `online` is the site now online (the build's previous output), if
    any: its files that hold exactly the bytes wanted now are kept (`ProgressResult.kept`), not
    written, and the build's folder holds only the files that change."""
    # The stage makes a few short-lived objects per record, freed by reference counting (no
    # cycles). Inside a build whose heap holds the whole site, the collections they would trigger
    # walk all of it: measured, they took more than half of a warm 10k run of this stage.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _publish(records, site_dir, state_dir, today, settings, online, ahead)
    finally:
        if collecting:
            gc.enable()


def _publish(records, site_dir, state_dir, today, settings, online, ahead) -> ProgressResult:
    cfg = ProgressConfig.from_settings(settings)
    site_dir, state_dir = pathlib.Path(site_dir), pathlib.Path(state_dir)
    secret = SiteSecret.load_or_create(state_dir)
    salt = secret.salt
    notes = NoteRedactor(state_dir / "progress" / "notes")
    if any(e.note for r in records for e in r.events):
        notes.load()
    out = site_dir / "progress"
    online_dir = pathlib.Path(online) / "progress" if online is not None else None
    if online_dir is not None and online_dir.resolve() == out.resolve():
        online_dir = None  # rebuilt in place: nothing to keep from
    written = Written(state_dir / "progress" / "written", reuse.context(salt, cfg.iterations, cfg.sizes, notes.rules),
                      online_dir).load()
    fingerprint = Fingerprinter(secret.mac("progress/fingerprint/v1"))

    # What each record is: from the last build when its fingerprint is known, else worked out.
    # Which records are published follows from their events alone, so the slow derivations start
    # first (if `derive_ahead` has not started them already), in a thread beside the redaction of
    # new records' notes here (a cold 10k build ran its ~3 s of notes on one core before deriving).
    result = ProgressResult(files=0, decoys=0)
    fingerprints, misses, keyed = {}, [], []
    previous, now = written.records, written.records_now
    for r in records:
        fp = fingerprint(r)
        fingerprints[id(r)] = fp
        info = previous.get(fp)
        if info is None:
            keyed.append(_key_and_closed(r, salt, cfg.iterations) + (r,))
            misses.append(keyed[-1])
        else:
            now[fp] = info
            keyed.append((info[0], info[1], r))
    live = _live(keyed, today, cfg)
    result.expired = len(records) - len(live)
    chosen = _latest_per_key(live)

    cache = ahead.cache if ahead is not None else DerivationCache(state_dir / "progress" / "cache").load()

    def derive() -> list[tuple[str, bytes]]:
        if ahead is not None:
            ahead.wait()  # then its cache holds what it derived: only what it could not know is left
        return _derive(cache, chosen, salt, cfg)

    with ThreadPoolExecutor(1) as beside:
        deriving = beside.submit(derive)
        for key, closed, r in misses:
            now[fingerprints[id(r)]] = _work_out(r, notes, key, closed)
        derived = deriving.result()
    for r in records:  # every record's strings, published or not: a stale copy must not leak either
        label, strings = _label(r), now[fingerprints[id(r)]][2]
        strings = strings.split("\0") if isinstance(strings, str) else strings
        if label in result.secrets:  # two records at one place: only a damaged export does that
            strings = sorted({*result.secrets[label], *strings})
        result.secrets[label] = strings
    result.derived = cache.cold  # by this stage or by the ahead

    jobs, real_sizes = [], []  # jobs: (file, bytes, None) to write or (file, None, inode) to keep
    for record, (name, key) in zip(chosen.values(), derived):
        fp = fingerprints[id(record)]
        file, epoch = name + EXT, seal.epoch(name, today).decode()
        size = written.reusable(file, fp, epoch)
        if size is None:
            published_notes = [notes.redact(event.note)[0] for event in record.events]
            plaintext = seal.pad(seal.content(record, published_notes), cfg.sizes)
            size = len(plaintext)
            jobs.append(_job(online_dir, file, seal.seal(secret, name, key, plaintext, today)))
        else:
            jobs.append((file, None, written.inodes[file]))
        real_sizes.append(size)
        written.files_now[file] = (fp, epoch, size)
    result.files = len(jobs)

    for size, count in decoys.plan(real_sizes, cfg.sizes, cfg.min_files).items():
        for i in range(count):
            name = decoys.name(secret, size, i)
            file, epoch = name + EXT, seal.epoch(name, today).decode()
            if written.reusable(file, DECOY, epoch) == size:
                jobs.append((file, None, written.inodes[file]))
            else:
                jobs.append(_job(online_dir, file, decoys.data(secret, size, i, name, today)))
            written.files_now[file] = (DECOY, epoch, size)
    result.decoys = len(jobs) - result.files

    out.mkdir(parents=True, exist_ok=True)
    _clear(out)
    for (file, _, _), inode in zip(jobs, _place(out, jobs)):
        written.files_now[file] += (inode,)
    public = json.dumps(params(salt, cfg.iterations), sort_keys=True, indent=1).encode() + b"\n"
    fixed = [(name, None if _same(online_dir, name, data) else data, None)
             for name, data in (("params.json", public), ("index.html", _INDEX))]
    _place(out, fixed)
    result.kept = sorted(f"progress/{file}" for file, data, _ in [*jobs, *fixed] if data is None)
    cache.save()
    if misses or notes.new or now.keys() != previous.keys():
        for info in now.values():  # the notes of records worked out afresh are marked already
            notes.keep(info[3][i : i + 64] for i in range(0, len(info[3]), 64))
        notes.save()  # keeps only this build's notes: those of records gone leave the state too
    # else: the same records as last time, so the notes file holds exactly their notes already
    if online_dir is None:  # this folder is the one that goes online (the swap renames it)
        written.save(out)
    else:  # this build's files join the folder online
        result.after_swap = lambda: written.save(online_dir)
    log.info("progress: %d records published (%d files kept from the site online), %d expired, %d decoys, "
             "%d derivations paid", result.files, len(result.kept), result.expired, result.decoys, result.derived)
    return result


def _key_and_closed(record: ProgressRecord, salt: bytes, iterations: int) -> tuple[bytes, int]:
    """The record's derivation cache key, and the day it closed as an ordinal (0 while open)."""
    closed = closed_on(record)
    return cache_key(salt, iterations, record.case_no, record.query_code), closed.toordinal() if closed else 0


def _live(keyed: list[tuple[bytes, int, ProgressRecord]], today: datetime.date,
          cfg: ProgressConfig) -> list[tuple[bytes, ProgressRecord]]:
    """(derivation key, record) of the records still published: open, or closed within the days kept."""
    return [(key, r) for key, closed, r in keyed if not closed or today.toordinal() <= closed + cfg.keep_closed_days]


def _derive(cache: DerivationCache, chosen: dict[bytes, ProgressRecord], salt: bytes,
            cfg: ProgressConfig) -> list[tuple[str, bytes]]:
    """(file name, AES key) of each chosen record, deriving what the cache lacks."""
    return cache.derive([(r.case_no, r.query_code) for r in chosen.values()], salt, cfg.iterations, cfg.workers,
                        keys=list(chosen))


class Ahead:
    """Derivations started before the progress stage, in a thread beside the build (`derive_ahead`)."""

    def __init__(self, cache: DerivationCache, future, pool: ThreadPoolExecutor):
        self.cache, self._future, self._pool = cache, future, pool

    def wait(self) -> None:
        try:
            self._future.result()
        finally:
            self._pool.shutdown()

    def stop(self) -> None:
        """Wait, as the build stops: a failure here was the stage's to report, or no longer matters."""
        try:
            self.wait()
        except Exception as exc:
            log.warning("progress: derivations started ahead failed: %s", exc)


def derive_ahead(records: list[ProgressRecord], state_dir: pathlib.Path, today: datetime.date,
                 settings: dict) -> Ahead | None:
    """Start deriving the (file name, key) of every record the progress stage will publish, in a
    thread, as soon as the exports are read: the C loops hold no GIL, so the derivations take
    the core that the build leaves idle while Pelican renders on one (5-9 s of a cold 10k build
    before the progress stage), and the rest of the cores' time as the build goes. The stage
    waits for it (`publish_progress(ahead=)`) before it derives what is left. None when there is
    nothing to derive."""
    cfg = ProgressConfig.from_settings(settings)
    state_dir = pathlib.Path(state_dir)
    salt = SiteSecret.load_or_create(state_dir).salt
    keyed = [_key_and_closed(r, salt, cfg.iterations) + (r,) for r in records]
    chosen = _latest_per_key(_live(keyed, today, cfg), quiet=True)
    cache = DerivationCache(state_dir / "progress" / "cache").load()
    if all(key in cache.entries for key in chosen):
        return None
    pool = ThreadPoolExecutor(1, thread_name_prefix="progress-ahead")
    return Ahead(cache, pool.submit(_derive, cache, chosen, salt, cfg), pool)


def _work_out(record: ProgressRecord, notes: NoteRedactor, key: bytes, closed: int) -> tuple:
    """(derivation cache key, day it closed as an ordinal or 0: `_key_and_closed`'s, its strings
    for the gate, its notes' keys)."""
    strings = set(_record_secrets(record))
    for event in record.events:
        strings.update(notes.redact(event.note)[1])
    joined = sorted(strings)
    if not any("\0" in s for s in joined):
        joined = "\0".join(joined)  # one string: a tenth of the objects to load next time
    return key, closed, joined, "".join(note_key(e.note) for e in record.events if e.note)
