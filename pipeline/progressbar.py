"""A progress bar on a terminal for long work; nothing in CI or when output is piped."""
from __future__ import annotations

import os
import sys
from contextlib import contextmanager


class _Silent:
    def update(self, n: int = 1) -> None:
        pass


def interactive() -> bool:
    return sys.stderr.isatty() and not os.environ.get("CI")


@contextmanager
def progress(total: int, label: str):
    if total < 50 or not interactive():
        yield _Silent()
        return
    from tqdm import tqdm

    with tqdm(total=total, desc=label, unit="份", leave=False, file=sys.stderr) as bar:
        yield bar
