"""One record -> one padded, encrypted file: IV (12 bytes) || AES-256-GCM(plaintext) || tag (16).

The plaintext is UTF-8 JSON followed by spaces up to a bucket size; JSON.parse and json.loads
both ignore the trailing spaces, so no length field is needed.
"""
from __future__ import annotations

import datetime
import hashlib
import json

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from records.model import CASE_TYPES, PROGRESS_STAGES, ProgressRecord

from .secret import SiteSecret

IV_SIZE = 12
TAG_SIZE = 16
OVERHEAD = IV_SIZE + TAG_SIZE
# Every file, real or decoy, gets fresh bytes about this often even when nothing changed, on a
# schedule staggered per file: a file that changes is not thereby a real case.
REFRESH_DAYS = 14


def content(record: ProgressRecord, notes: list[str | None]) -> dict:
    """What the holder of the receipt sees: the record with labels in Chinese and redacted notes."""
    events = sorted(zip(record.events, notes), key=lambda pair: pair[0].at)
    return {
        "case_no": record.case_no,
        "case_type": CASE_TYPES.get(record.case_type, record.case_type),
        "authority": record.authority,
        "contact_phone": record.contact_phone,
        "events": [
            {"at": e.at.isoformat(), "stage": PROGRESS_STAGES.get(e.stage, e.stage), "note": note}
            for e, note in events
        ],
    }


def bucket(length: int, sizes: tuple[int, ...]) -> int:
    for size in sizes:
        if length <= size:
            return size
    largest = sizes[-1]
    return -(-length // largest) * largest


def pad(doc: dict, sizes: tuple[int, ...]) -> bytes:
    raw = json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return raw + b" " * (bucket(len(raw), sizes) - len(raw))


def epoch(name: str, today: datetime.date) -> bytes:
    """The file's refresh period. The phase comes from the (public) name: real and decoy files
    follow the same public schedule, so knowing it tells them apart no better than chance."""
    phase = int(name[:8], 16) % REFRESH_DAYS
    return str((today.toordinal() + phase) // REFRESH_DAYS).encode()


def seal(secret: SiteSecret, name: str, key: bytes, plaintext: bytes, today: datetime.date) -> bytes:
    """Encrypt; the IV changes whenever the plaintext does, and on the file's refresh day."""
    digest = hashlib.sha256(plaintext).digest()
    iv = secret.mac("progress/iv/v1", key, digest, epoch(name, today))[:IV_SIZE]
    return iv + AESGCM(key).encrypt(iv, plaintext, None)


def unseal(data: bytes, key: bytes) -> dict:
    """The record in a file, for tests and staff tools; raises InvalidTag on a wrong key."""
    plaintext = AESGCM(key).decrypt(data[:IV_SIZE], data[IV_SIZE:], None)
    return json.loads(plaintext.decode("utf-8"))
