"""What the last build made of each record and wrote for it, so that a warm build redoes nothing.

A file's bytes are a pure function of the site secret, the derivation (name, key), the plaintext,
the bucket and the file's refresh period (seal.epoch): sealing an unchanged record again in the
same refresh period gives the same bytes. So for a record whose content did not change a build
needs to know only whether the site online already holds exactly those bytes; if so, it
keeps that file (no sealing, no writing: the very file stays online, so uploads skip it, and the
gate knows it). A changed record, or one whose refresh day came, is sealed afresh.

state_dir/progress/written (0600, never published; marshal format) holds, under one `context`
(salt, hence the secret; iterations; bucket sizes; the redaction rules; the code of this package
and of the record model), for each record by its fingerprint (keyed BLAKE2b of every field the
file or the gate's list depends on, raw notes included):

    records[fingerprint] = (derivation cache key, closed on (ordinal, or 0 while open),
                            the record's strings for the gate ("\\0"-joined), its notes' keys (joined))
    files[name]          = (fingerprint or b"decoy", refresh period, plaintext size, inode)

It holds the records' query codes and notes' personal data (the gate's list), so it is as
private as the notes cache next to it. A file online is reused only when its inode is the one
recorded and only when the folder online is the one the last build wrote, untouched since (its
inode and modification time, recorded after the last file was written): so the files of a build
that never went online (the gate stopped it), or a folder where somebody added, removed or
replaced a file, are sealed afresh. Inodes come from the directory listing (no stat per file);
a kept file keeps its inode from build to build, and a new one keeps the inode it was written
with when the build moves it online. The folder's identity is recorded once this build's files
are in it (after the swap). Like the pages kept by portal/writing.py, a file
edited in place online is trusted. Any doubt (another context, a damaged state file) means
sealing everything, which gives the same bytes, only slower.
"""
from __future__ import annotations

import hashlib
import json
import logging
import marshal
import os
import pathlib

log = logging.getLogger(__name__)
_VERSION = 3
DECOY = b"decoy"


def code_version() -> str:
    """Digest of what shapes a file besides the data: this package and the record model (labels)."""
    import records.model

    h = hashlib.sha256()
    here = pathlib.Path(__file__).parent
    for path in [*sorted(here.glob("*.py")), pathlib.Path(records.model.__file__)]:
        h.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def context(salt: bytes, iterations: int, sizes: tuple[int, ...], rules: str) -> str:
    return hashlib.sha256(json.dumps([salt.hex(), iterations, list(sizes), rules, code_version()]).encode()).hexdigest()


class Fingerprinter:
    """Keyed BLAKE2b over every field of a record but its place in the exports, as a flat
    marshalled list (unambiguous, and a fraction of the cost of building its JSON). An event's
    time enters as datetime's own state (local fields) and its UTC offset, which fix its
    isoformat() as published, at a fifth of the cost of formatting it."""

    def __init__(self, key: bytes):
        self.key = key[:64]

    def __call__(self, record) -> bytes:
        parts = [record.case_no, record.query_code, record.case_type, record.authority, record.contact_phone]
        for event in record.events:
            offset = event.at.utcoffset()
            parts += (event.at.__reduce__()[1][0], None if offset is None else (offset.days, offset.seconds, offset.microseconds),
                      event.stage, event.note)
        return hashlib.blake2b(marshal.dumps(parts, 4), key=self.key, digest_size=16).digest()


class Written:
    """The records and files of the last build (from --state) and the inodes of the site online."""

    def __init__(self, path: pathlib.Path, ctx: str, online: pathlib.Path | None):
        self.path = path
        self.context = ctx
        self.online = online
        self.records: dict[str, tuple] = {}
        self.files: dict[str, tuple] = {}
        self.inodes: dict[str, int] = {}
        self.records_now: dict[str, tuple] = {}
        self.files_now: dict[str, tuple] = {}

    def load(self) -> "Written":
        folder = None
        try:
            version, ctx, folder, records, files = marshal.loads(self.path.read_bytes())
            if version == _VERSION and ctx == self.context and isinstance(records, dict) and isinstance(files, dict):
                self.records, self.files = records, files
        except FileNotFoundError:
            pass
        except (OSError, ValueError, EOFError, TypeError) as exc:
            log.warning("progress: %s unreadable (%s); every record is worked out afresh", self.path, exc)
        if self.files and self.online is not None and folder == _identity(self.online):
            with os.scandir(self.online) as entries:
                self.inodes = {e.name: e.inode() for e in entries}
        return self

    def reusable(self, file: str, fingerprint: str, epoch: str) -> int | None:
        """The plaintext size of `file` when the site online holds exactly the bytes wanted now."""
        entry = self.files.get(file)
        if entry is None or entry[0] != fingerprint or entry[1] != epoch or self.inodes.get(file) != entry[3]:
            return None
        return entry[2]

    def save(self, out: pathlib.Path) -> None:
        """This build's records and files only (what left the site leaves the state too), and the
        identity of the folder `out` they were written to, now that nothing more is written there."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(self.path.name + ".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(marshal.dumps((_VERSION, self.context, _identity(out), self.records_now, self.files_now), 4))
        os.replace(tmp, self.path)


def _identity(folder: pathlib.Path) -> tuple[int, int, int] | None:
    """A folder's inode and modification time: any file created, removed or renamed in it since
    changes the time (the swap renames the site around it, which leaves it as it is)."""
    try:
        st = os.stat(folder)
    except OSError:
        return None
    return st.st_dev, st.st_ino, st.st_mtime_ns
