"""Event notes, redacted like decisions (redaction.redact_note), and remembered between builds.

A note is free text from the case-handling system and may name people. It is published only
after `redact_note`, and only inside an encrypted file. The personal data the redaction found and
the note itself go to the leak gate's list. Results are kept in state_dir/progress/notes, keyed
by the note and by the redaction rules' version (`redaction.RULES_VERSION`, as the decisions'
redaction memo), so that a changed rule set re-redacts every note (a warm rebuild of unchanged
notes does not run the redaction at all).
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import pathlib

log = logging.getLogger(__name__)
# A note shorter than this is a phrase like "已受案" that may well appear elsewhere on the site;
# listing it for the leak gate would only raise false alarms. Its personal data is still listed.
MIN_NOTE_SECRET = 8


def rules_hash() -> str:
    """The redaction rules' version: the digest of the package's code, word lists and settings
    that keys the decisions' redaction memo too. (A digest of every file of the package, as
    before, counted its README and the C Viterbi's library: an edit of the README sealed every
    progress file again on the next build, 2.2 s at 10k.)"""
    from redaction import RULES_VERSION

    return RULES_VERSION


def note_key(note: str) -> str:
    return hashlib.sha256(note.encode("utf-8")).hexdigest()


class NoteRedactor:
    def __init__(self, path: pathlib.Path):
        self.path = path
        self.rules = ""
        self.seen: dict[str, list] = {}
        self.used: dict[str, list] = {}
        self._on_disk: set[str] | None = None  # the keys the file holds, when it is of these rules
        self._redact = None
        self._read_done = False
        self.new = 0  # notes redacted by this build (not found in the file)

    def load(self) -> "NoteRedactor":
        """The rules' digest; the file is read, and the redaction engine imported, on first use
        (a warm build of unchanged records may need neither)."""
        self.rules = rules_hash()
        return self

    def _read(self) -> None:
        if self._read_done:
            return
        self._read_done = True
        try:
            data = json.loads(self.path.read_text("utf-8"))
            if data.get("rules") == self.rules:
                self.seen = data["notes"]
                self._on_disk = set(self.seen)
        except FileNotFoundError:
            pass
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.warning("progress note cache %s unreadable (%s); starting empty", self.path, exc)

    def redact(self, note: str | None) -> tuple[str | None, list[str]]:
        """The note as published, and the strings the leak gate must never find in clear."""
        if not note:
            return note, []
        self._read()
        key = note_key(note)
        if key not in self.seen:
            if self._redact is None:
                from redaction import redact_note  # fail closed: no redaction, no progress files

                self._redact = redact_note
            self.new += 1
            text, _spans, found = self._redact(note)
            secrets = set(found)  # what it masked, in the spellings the gate should look for
            if len(note) >= MIN_NOTE_SECRET:
                secrets.add(note)
            self.seen[key] = [text, sorted(s for s in secrets if s and s.strip())]
        self.used[key] = self.seen[key]
        text, secrets = self.used[key]
        return text, list(secrets)

    def keep(self, keys) -> None:
        """Notes of a record that did not change: kept for this build without being looked at."""
        self._read()
        for key in keys:
            if key in self.seen:
                self.used[key] = self.seen[key]

    def save(self) -> None:
        self._read()
        if self._on_disk is not None and self.used.keys() == self._on_disk:
            return  # the same notes as the file holds: nothing to rewrite
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(self.path.name + ".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as f:  # json.dumps: the C encoder (json.dump would run the Python one)
            f.write(json.dumps({"rules": self.rules, "notes": self.used}, ensure_ascii=False).encode("utf-8"))
        os.replace(tmp, self.path)
