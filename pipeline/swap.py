"""Put a finished site in place of the old one, or leave the old one untouched.

The new site is built in a sibling folder of `--output` (same file system), checked, then
swapped in with two renames. If a previous swap was interrupted between them, the next build
first puts the old site back.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path


def staging_dir(output: Path) -> Path:
    return output.parent / f".{output.name}.building"


def previous_dir(output: Path) -> Path:
    return output.parent / f".{output.name}.previous"


def recover(output: Path) -> None:
    """Undo the effects of a build that died mid-swap or mid-render."""
    previous = previous_dir(output)
    if previous.exists() and not output.exists():
        os.replace(previous, output)
    shutil.rmtree(previous, ignore_errors=True)
    shutil.rmtree(staging_dir(output), ignore_errors=True)


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
    shutil.rmtree(previous, ignore_errors=True)


def discard(staging: Path) -> None:
    shutil.rmtree(staging, ignore_errors=True)
