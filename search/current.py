"""Which whoosh index the server reads: `current`, a link swapped in one atomic rename.

Apart from the index's code so that the build's own process, which only swaps a finished index
in (made by a forked child, `portal.beside`), does not import whoosh for it (~0.05 s a build)."""
from __future__ import annotations

import os
import shutil
from pathlib import Path


def put_in_place(staging: Path) -> None:
    """Point `current` at `staging` with one atomic rename, then remove the older indexes."""
    base = staging.parent
    link = base / "current"
    tmp = base / f".current-{os.getpid()}"
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    name = f"index-{staging.name.removeprefix('staging-')}"
    os.replace(staging, base / name)
    os.symlink(name, tmp)
    os.replace(tmp, link)
    for old in base.glob("index-*"):
        if old.name != name:
            shutil.rmtree(old, ignore_errors=True)
