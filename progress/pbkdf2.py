"""PBKDF2-HMAC-SHA256 of many secrets with one salt and iteration count: the progress stage's
only slow work (one 600,000-iteration derivation per case, paid once and cached in --state).

Three implementations give the same bytes:

- `pbkdf2_avx512.c`, in `_pbkdf2.so` (built by `make setup`, called through ctypes): 16
  derivations at once, a word of each in a lane of an AVX-512 vector, with the HMAC states
  computed once. A pass of 16 costs as much as 16 derivations, so fewer than `WIDE_FROM` go to
  the next loop where the processor has it. ctypes lets go of the GIL, so threads use every core.
- `pbkdf2_shani.c`, in the same library: the iterations on the x86 SHA extensions, two
  derivations side by side per thread. About 2.6x less CPU than OpenSSL's PBKDF2, and the
  AVX-512 loop about 2.3x less again, on this project's machines (bench/progress.py).
- OpenSSL's, through `cryptography`, in a process pool: where the library is not built, the
  processor has neither AVX-512 nor the SHA extensions, or the library fails its check.

Before a loop of the library is used it must give OpenSSL's answer on a few inputs (`_check`);
otherwise it is not used and the log says why. The browser derives with WebCrypto, so a wrong
byte here would lock every receipt out: tests/test_progress_pbkdf2.py compares every way at length.
"""
from __future__ import annotations

import ctypes
import hashlib
import hmac
import logging
import os
import pathlib
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from functools import lru_cache
from typing import NamedTuple

log = logging.getLogger(__name__)

LIBRARY = pathlib.Path(__file__).with_name("_pbkdf2.so")
LANES = 2  # derivations side by side in one thread on the SHA extensions: 2 was the best of 1-4 (bench/progress.py)
WIDE = 16  # derivations in one AVX-512 pass
# fewer go to the SHA extensions where the processor has them: a pass of 16 took the CPU of ~7
# derivations there (15.3 against 35.7 ms a derivation, 2026-12-08)
WIDE_FROM = 8
_BLOCK = 64


def _key_and_first_block(secret: bytes, salt: bytes) -> tuple[bytes, bytes]:
    """HMAC's key block (the key zero-padded; hashed first when longer than a block) and
    U_1 = HMAC(secret, salt || INT(1)), the part of PBKDF2 that is not the loop."""
    key = secret if len(secret) <= _BLOCK else hashlib.sha256(secret).digest()
    return key.ljust(_BLOCK, b"\0"), hmac.new(secret, salt + b"\0\0\0\1", hashlib.sha256).digest()


class Library(NamedTuple):
    """The library and which of its loops this processor runs and checked out."""
    lib: ctypes.CDLL
    wide: bool  # the AVX-512 loop
    sha: bool  # the loop on the SHA extensions


def _run(lib: ctypes.CDLL, wide: bool, secrets: list[bytes], salt: bytes, iterations: int) -> list[bytes]:
    """The library's AVX-512 loop (`wide`) or its loop on the SHA extensions, on `secrets`."""
    keys, firsts = zip(*(_key_and_first_block(s, salt) for s in secrets))
    out = ctypes.create_string_buffer(32 * len(secrets))
    args = (len(secrets), b"".join(keys), b"".join(firsts), iterations, out)
    if (lib.pbkdf2_avx512(*args) if wide else lib.pbkdf2_shani(*args, LANES)) != 0:
        raise OSError(f"{'pbkdf2_avx512' if wide else 'pbkdf2_shani'} refused the call")
    return [out.raw[i : i + 32] for i in range(0, 32 * len(secrets), 32)]


def _derive(library: Library, secrets: list[bytes], salt: bytes, iterations: int) -> list[bytes]:
    wide = library.wide and (len(secrets) >= WIDE_FROM or not library.sha)
    return _run(library.lib, wide, secrets, salt, iterations)


def _check(lib: ctypes.CDLL, wide: bool) -> bool:
    """The loop's answers equal OpenSSL's for secrets shorter, as long as and longer than a
    block, counts that leave lanes over, and a few iteration counts."""
    secrets = [b"", b"A3501025000002026100045\nK7QM2XHD", b"x" * 64, "长".encode() * 30, b"\xff" * 3]
    for iterations in (1, 2, 1000):
        expected = [hashlib.pbkdf2_hmac("sha256", s, b"progress-salt-16", iterations, 32) for s in secrets]
        for count in (1, len(secrets)):
            if _run(lib, wide, secrets[:count], b"progress-salt-16", iterations) != expected[:count]:
                return False
    return True


@lru_cache(maxsize=1)
def library() -> tuple[Library | None, str]:
    """The checked library, or None; and how it derives, or why not (said once in the log by
    `derive_many`)."""
    if not LIBRARY.exists():
        return None, f"{LIBRARY.name} is not built (make setup builds it with a C compiler)"
    try:
        lib = ctypes.CDLL(str(LIBRARY))
        lib.pbkdf2_shani.restype = lib.pbkdf2_avx512.restype = ctypes.c_int
        common = [ctypes.c_size_t, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_uint32, ctypes.c_char_p]
        lib.pbkdf2_shani.argtypes = common + [ctypes.c_int]
        lib.pbkdf2_avx512.argtypes = common
    except (OSError, AttributeError) as exc:
        return None, f"{LIBRARY.name} cannot be loaded ({exc})"
    names = {True: "AVX-512", False: "SHA extensions"}
    has = {True: bool(lib.pbkdf2_avx512_supported()), False: bool(lib.pbkdf2_shani_supported())}
    if not any(has.values()):
        return None, "this processor has neither AVX-512 nor the SHA extensions"
    ok = {wide: has[wide] and _check(lib, wide) for wide in names}
    for wide in names:
        if has[wide] and not ok[wide]:
            log.warning("progress: the %s loop of %s gave other answers than OpenSSL; not used", names[wide], LIBRARY.name)
    if not any(ok.values()):
        return None, f"{LIBRARY.name} gave other answers than OpenSSL; not used"
    return Library(lib, ok[True], ok[False]), " and ".join(names[wide] for wide in names if ok[wide])


def openssl(job: tuple[bytes, bytes, int]) -> bytes:
    """PBKDF2-HMAC-SHA256 of (secret, salt, iterations) by OpenSSL, 32 bytes."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

    secret, salt, iterations = job
    return PBKDF2HMAC(algorithm=hashes.SHA256(), length=32, salt=salt, iterations=iterations).derive(secret)


_said: set[str] = set()


def derive_many(secrets: list[bytes], salt: bytes, iterations: int, workers: int | None = None) -> list[bytes]:
    """PBKDF2-HMAC-SHA256(secret, salt, iterations, 32 bytes) of each secret, in order, on
    `workers` cores (default: all)."""
    if not secrets:
        return []
    workers = max(1, min(workers or os.cpu_count() or 1, len(secrets)))
    lib, how = library()
    if how not in _said:
        _said.add(how)
        (log.info if lib else log.warning)("progress: PBKDF2 by %s", how if lib else f"OpenSSL ({how})")
    if lib is not None:
        # batches that the threads take in turn (a thread slowed by other work on the machine
        # leaves the rest to the others): one AVX-512 pass, or a few pairs on the SHA extensions;
        # the C loops hold no GIL
        size = (WIDE if lib.wide else LANES * 4) if workers > 1 else len(secrets)
        parts = [secrets[i : i + size] for i in range(0, len(secrets), size)]
        if len(parts) == 1:
            return _derive(lib, parts[0], salt, iterations)
        with ThreadPoolExecutor(max_workers=workers) as pool:
            return [m for part in pool.map(lambda p: _derive(lib, p, salt, iterations), parts) for m in part]
    jobs = [(s, salt, iterations) for s in secrets]
    if workers == 1 or len(jobs) < 4:  # below that, starting processes costs more than it saves
        return [openssl(j) for j in jobs]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(openssl, jobs, chunksize=max(1, len(jobs) // (workers * 8))))
