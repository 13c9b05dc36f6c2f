"""Give memory the build no longer uses back to the system between stages.

Python frees a stage's objects when the build lets them go, but the C allocator keeps the pages
they lived in for later use: the build's resident size stays at its highest point, and the next
stage (the leak gate above all) adds its own on top. `give_back` asks glibc to return every free
page (`malloc_trim(0)`, which also releases free pages inside the heap, not only at its top).
Elsewhere (another C library, another system) it does nothing: only the figures change, never
the site.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import gc

_trim = None


def _malloc_trim():
    global _trim
    if _trim is None:
        try:
            _trim = ctypes.CDLL(ctypes.util.find_library("c") or None).malloc_trim
            _trim.argtypes, _trim.restype = [ctypes.c_size_t], ctypes.c_int
        except (OSError, AttributeError):  # not glibc
            _trim = False
    return _trim


# Below this much held, nothing is handed back: memory is the limit only for a large archive (a
# 100k build holds 2-3 GiB before its gate), while a daily build at 10k holds ~300 MiB and the
# collection and trim cost it 0.09 s of 3.3 s, and more in pages touched again by the gate.
GIVE_BACK_MIN_MIB = 1024


def give_back(min_mib: float = GIVE_BACK_MIN_MIB) -> bool:
    """Collect cycles and return free pages to the system, if the process holds `min_mib` or
    more; whether it did."""
    from pipeline.timing import resident_mib

    held = resident_mib()
    if held and held < min_mib:
        return False
    gc.collect()  # objects in reference cycles (Pelican's, Jinja's) go now, not at some later stage
    trim = _malloc_trim()
    if trim:
        trim(0)
    return True
