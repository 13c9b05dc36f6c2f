"""Ask the kernel for what a build over a site online will read, from a small process of its own.

A daily build runs once a day, and by then the kernel has often let go of what the last build
read: the caches in `--state` (the parse cache and the redaction memo, read whole in the
build's first second) and the folders and files of the site online, which the build lists and
whose stamps the gate takes (28,433 files in 10,000 folders at 10k). Read cold, one after the
other, the build waits on the disk while its other core is idle: after the baseline had run
beside it, a 10k daily build's listing of the site took 0.61-0.96 s for 0.18-0.19 s of CPU, its
load stage 0.59-0.67 s for 0.37-0.46 s.

`Warm(state, site)` starts, as the build starts, a `python -I -S` helper (no import of the
build's, a few MB) that asks for the cache files (open, `posix_fadvise` WILLNEED, close: the
reads start and the call returns), in the order the build reads them, then walks the site and
stats every file, as the listing and the gate will. It changes nothing and answers nothing: the
build reads what it reads as before, only sooner. Not threads, not a fork of the build
(`gate.scan.ReadAhead` says why). `stop()` ends it if it is still at work.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from gate.scan import ADVISE_FUNCTION


def folders(state) -> list[Path]:
    """What the build reads of its state (`pipeline.state.State`), first to last: the parse cache,
    the redaction memo, the search child's analyses and the whoosh index in use, the statistics'
    summaries (those two in the cache folder, which `BuildOptions.cache_dir` may put elsewhere), the gate's
    memory."""
    from stats.shards import summaries_folder

    # the search stage's folders are spelled here: its modules import whoosh (0.24 s), not worth
    # it at the start of a build for two paths (search/static_index.py, search/whoosh_index.py)
    return [state.parse_cache_folder, state.redaction_memo_folder, state.cache_root / "search",
            state.root / "search" / "current", summaries_folder(state.cache_root), state.gate_folder]


_HELPER = ADVISE_FUNCTION + """site, folders = sys.argv[1], sys.argv[2:]
for folder in folders:
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        continue
    for name in names:
        advise(os.path.join(folder, name))
stack = [site]
while stack:
    folder = stack.pop()
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                try:
                    if entry.is_dir(follow_symlinks=False):
                        stack.append(entry.path)
                    else:
                        entry.stat(follow_symlinks=False)
                except OSError:
                    pass
    except OSError:
        pass
"""


class Warm:
    def __init__(self, state, site: Path):
        """`state`: the build's `pipeline.state.State`; `site`: the site online."""
        self.helper = None
        if not hasattr(os, "posix_fadvise") or not Path(site).is_dir():
            return  # a first build has no caches or site to warm
        try:
            self.helper = subprocess.Popen(
                [sys.executable, "-I", "-S", "-c", _HELPER, str(site), *map(str, folders(state))],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        except OSError:  # no process to be had: the build reads as it comes
            self.helper = None

    def stop(self) -> None:
        if self.helper is not None:
            if self.helper.poll() is None:
                self.helper.kill()
            self.helper.wait()
            self.helper = None
