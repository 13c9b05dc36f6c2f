"""PBKDF2-HMAC-SHA256 of many secrets with one salt and iteration count: the progress stage's
only slow work (one 600,000-iteration derivation per case, paid once and cached in --state).

Two implementations give the same bytes:

- `pbkdf2_shani.c`, built by `make setup` into `_pbkdf2_shani.so` and called through ctypes:
  the iterations on the x86 SHA extensions with the HMAC states computed once, two derivations
  side by side per thread (ctypes lets go of the GIL, so threads use every core). About 2.6x
  less CPU than OpenSSL's PBKDF2 on this project's machines (bench/progress.py).
- OpenSSL's, through `cryptography`, in a process pool: where the library is not built, the
  processor lacks the SHA extensions, or the library fails its check.

Before the library is used it must give OpenSSL's answer on a few inputs (`_check`); otherwise
it is not used and the log says why. The browser derives with WebCrypto, so a wrong byte here
would lock every receipt out: tests/test_progress_pbkdf2.py compares both ways at length.
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

log = logging.getLogger(__name__)

LIBRARY = pathlib.Path(__file__).with_name("_pbkdf2_shani.so")
LANES = 2  # derivations side by side in one thread: 2 was the best of 1-4 (bench/progress.py)
_BLOCK = 64


def _key_and_first_block(secret: bytes, salt: bytes) -> tuple[bytes, bytes]:
    """HMAC's key block (the key zero-padded; hashed first when longer than a block) and
    U_1 = HMAC(secret, salt || INT(1)), the part of PBKDF2 that is not the loop."""
    key = secret if len(secret) <= _BLOCK else hashlib.sha256(secret).digest()
    return key.ljust(_BLOCK, b"\0"), hmac.new(secret, salt + b"\0\0\0\1", hashlib.sha256).digest()


def _run(lib: ctypes.CDLL, secrets: list[bytes], salt: bytes, iterations: int) -> list[bytes]:
    keys, firsts = zip(*(_key_and_first_block(s, salt) for s in secrets))
    out = ctypes.create_string_buffer(32 * len(secrets))
    if lib.pbkdf2_shani(len(secrets), b"".join(keys), b"".join(firsts), iterations, out, LANES) != 0:
        raise OSError("pbkdf2_shani refused the call")
    return [out.raw[i : i + 32] for i in range(0, 32 * len(secrets), 32)]


def _check(lib: ctypes.CDLL) -> bool:
    """The library's answers equal OpenSSL's for secrets shorter, as long as and longer than a
    block, an odd count (a lane left over) and a few iteration counts."""
    secrets = [b"", b"A3501025000002026100045\nK7QM2XHD", b"x" * 64, "长".encode() * 30, b"\xff" * 3]
    for iterations in (1, 2, 1000):
        expected = [hashlib.pbkdf2_hmac("sha256", s, b"progress-salt-16", iterations, 32) for s in secrets]
        if _run(lib, secrets, b"progress-salt-16", iterations) != expected:
            return False
    return True


@lru_cache(maxsize=1)
def library() -> tuple[ctypes.CDLL | None, str]:
    """The checked library, or None and why not (said once in the log by `derive_many`)."""
    if not LIBRARY.exists():
        return None, f"{LIBRARY.name} is not built (make setup builds it with a C compiler)"
    try:
        lib = ctypes.CDLL(str(LIBRARY))
        lib.pbkdf2_shani.restype = ctypes.c_int
        lib.pbkdf2_shani.argtypes = [ctypes.c_size_t, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_uint32,
                                     ctypes.c_char_p, ctypes.c_int]
    except (OSError, AttributeError) as exc:
        return None, f"{LIBRARY.name} cannot be loaded ({exc})"
    if not lib.pbkdf2_shani_supported():
        return None, "this processor has no SHA extensions"
    if not _check(lib):
        return None, f"{LIBRARY.name} gave other answers than OpenSSL; not used"
    return lib, "SHA extensions"


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
        # batches of a few pairs that the threads take in turn (a thread slowed by other work on
        # the machine leaves the rest to the others); the C loop holds no GIL
        size = LANES * 4 if workers > 1 else len(secrets)
        parts = [secrets[i : i + size] for i in range(0, len(secrets), size)]
        if len(parts) == 1:
            return _run(lib, parts[0], salt, iterations)
        with ThreadPoolExecutor(max_workers=workers) as pool:
            return [m for part in pool.map(lambda p: _run(lib, p, salt, iterations), parts) for m in part]
    jobs = [(s, salt, iterations) for s in secrets]
    if workers == 1 or len(jobs) < 4:  # below that, starting processes costs more than it saves
        return [openssl(j) for j in jobs]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(openssl, jobs, chunksize=max(1, len(jobs) // (workers * 8))))
