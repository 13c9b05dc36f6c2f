"""The redaction rules' version: a digest of this package's code, word lists and settings.

Kept apart from the engine so that what only needs the version (the build's caches, which it
keys) does not import the engine and its tagger: at the build's start that import cost the
staff process ~0.5 s that a worker now spends instead (pipeline/executor.py, `prepare`).
"""
from __future__ import annotations

import hashlib
from pathlib import Path


def _rules_version() -> str:
    root = Path(__file__).parent
    h = hashlib.sha256()
    for p in sorted(root.rglob("*")):
        if p.suffix in (".py", ".txt", ".yaml") and "__pycache__" not in p.parts and p.name != "review.py":
            h.update(str(p.relative_to(root)).encode())
            h.update(p.read_bytes())
    return h.hexdigest()[:16]


RULES_VERSION = _rules_version()
