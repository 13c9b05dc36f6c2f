"""Put a finished site in place of the old one, or leave the old one untouched.

The new site is built in a sibling folder of `--output` (same file system), checked, then
swapped in with two renames. If a previous swap was interrupted between them, the next build
first puts the old site back. The old site is then removed by a process of its own, so that
tens of thousands of unlink calls do not hold up the build (a removal cut short is finished by
the next build).
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path


def staging_dir(output: Path) -> Path:
    return output.parent / f".{output.name}.building"


def previous_dir(output: Path) -> Path:
    return output.parent / f".{output.name}.previous"


def _old_sites(output: Path) -> list[Path]:
    return sorted(output.parent.glob(f".{output.name}.old-*"))


def recover(output: Path) -> None:
    """Undo the effects of a build that died mid-swap or mid-render."""
    previous = previous_dir(output)
    if previous.exists() and not output.exists():
        os.replace(previous, output)
    shutil.rmtree(previous, ignore_errors=True)
    shutil.rmtree(staging_dir(output), ignore_errors=True)
    for old in _old_sites(output):  # a removal that did not finish
        shutil.rmtree(old, ignore_errors=True)


def _remove_later(folder: Path, output: Path) -> None:
    """Rename `folder` out of the way at once, and remove it in a detached process."""
    if not folder.exists():
        return
    old = output.parent / f".{output.name}.old-{os.getpid()}-{time.time_ns()}"
    os.replace(folder, old)
    try:
        subprocess.Popen([sys.executable, "-c", "import shutil, sys; shutil.rmtree(sys.argv[1], ignore_errors=True)", str(old)],
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                         start_new_session=True, close_fds=True)
    except OSError:
        shutil.rmtree(old, ignore_errors=True)


def fresh_staging(output: Path) -> Path:
    output.parent.mkdir(parents=True, exist_ok=True)
    recover(output)
    staging = staging_dir(output)
    staging.mkdir()
    return staging


def swap_in(staging: Path, output: Path) -> None:
    previous = previous_dir(output)
    if output.exists():
        os.replace(output, previous)
    os.replace(staging, output)
    _remove_later(previous, output)


def discard(staging: Path) -> None:
    shutil.rmtree(staging, ignore_errors=True)
