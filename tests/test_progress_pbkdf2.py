"""The progress stage's PBKDF2 (progress/pbkdf2.py): the C loops, in AVX-512 vectors and on the
SHA extensions, give OpenSSL's bytes, and the build falls back to OpenSSL where the library
cannot be used.

A wrong byte would lock every receipt out (the browser derives with WebCrypto), so each C loop is
compared with OpenSSL over secret lengths around the HMAC block, iteration counts, batch sizes
that leave lanes over, and one or two threads."""
from __future__ import annotations

import hashlib
import os
import pathlib
import random

import pytest

from progress import pbkdf2
from progress.cache import DerivationCache, cache_key
from progress.derive import aes_key, derive_master, file_name

# RFC 7914, section 11: PBKDF2-HMAC-SHA256 test vectors (the first 32 bytes: dkLen here is 32)
RFC_7914 = [
    (b"passwd", b"salt", 1, "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"),
    (b"Password", b"NaCl", 80000, "4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34ab56"),
]


def _cpu_flags() -> set[str]:
    try:
        text = pathlib.Path("/proc/cpuinfo").read_text()
    except OSError:
        return set()
    return {f for line in text.splitlines() if line.startswith("flags") for f in line.split(":", 1)[1].split()}


FLAGS = _cpu_flags()
LOOPS = [wide for wide, flag in ((True, "avx512f"), (False, "sha_ni")) if flag in FLAGS]
needs_library = pytest.mark.skipif(not LOOPS, reason="this processor has neither AVX-512 nor the SHA extensions")


@needs_library
def test_library_is_built_and_passes_its_check():
    # make setup and make test build it; every loop this processor runs must be used
    lib, how = pbkdf2.library()
    assert lib is not None, how
    assert (lib.wide, lib.sha) == ("avx512f" in FLAGS, "sha_ni" in FLAGS), how
    assert how == " and ".join(n for n, f in (("AVX-512", "avx512f"), ("SHA extensions", "sha_ni")) if f in FLAGS)


@needs_library
@pytest.mark.parametrize("secret, salt, iterations, expected", RFC_7914)
def test_known_answers(secret, salt, iterations, expected):
    assert pbkdf2.derive_many([secret], salt, iterations, workers=1) == [bytes.fromhex(expected)]
    assert pbkdf2.openssl((secret, salt, iterations)).hex() == expected


@needs_library
@pytest.mark.parametrize("iterations", [1, 2, 3, 17, 1000])
@pytest.mark.parametrize("workers", [1, 2])
def test_equals_openssl(iterations, workers):
    # each loop on its own, then as derive_many shares the work out
    lib = pbkdf2.library()[0]
    rng = random.Random(iterations * 10 + workers)
    # lengths around the 64-byte block (a longer key is hashed first), empty, and real receipts
    lengths = [0, 1, 31, 32, 55, 56, 63, 64, 65, 100, 128, 200]
    secrets = [bytes(rng.randrange(256) for _ in range(n)) for n in lengths]
    secrets += ["A3501025000002026100045\nK7QM2XHD".encode(), "案件\n查询码".encode()]
    salt = bytes(rng.randrange(256) for _ in range(16))
    secrets = secrets * 3  # 42: more than two passes of 16
    for count in (1, 2, 3, 7, 8, 14, 16, 17, len(secrets)):  # lanes of a pair or of a pass left over
        part = secrets[:count]
        expected = [hashlib.pbkdf2_hmac("sha256", s, salt, iterations, 32) for s in part]
        for wide in LOOPS:
            assert pbkdf2._run(lib.lib, wide, part, salt, iterations) == expected, ("AVX-512" if wide else "SHA", count)
        assert pbkdf2.derive_many(part, salt, iterations, workers) == expected


@needs_library
def test_many_batches_keep_their_order():
    salt = os.urandom(16)
    secrets = [f"A35010250000020261{i:05d}\nCODE{i}".encode() for i in range(37)]
    assert pbkdf2.derive_many(secrets, salt, 50, workers=2) == \
        [hashlib.pbkdf2_hmac("sha256", s, salt, 50, 32) for s in secrets]


def test_openssl_fallback_gives_the_same_bytes(monkeypatch, caplog):
    salt = os.urandom(16)
    secrets = [f"case-{i}\ncode-{i}".encode() for i in range(6)]
    expected = [hashlib.pbkdf2_hmac("sha256", s, salt, 100, 32) for s in secrets]
    monkeypatch.setattr(pbkdf2, "library", lambda: (None, "not built for this test"))
    with caplog.at_level("WARNING", logger="progress.pbkdf2"):
        assert pbkdf2.derive_many(secrets, salt, 100, workers=2) == expected  # the process pool
        assert pbkdf2.derive_many(secrets[:2], salt, 100, workers=2) == expected[:2]  # in this process
    assert "OpenSSL (not built for this test)" in caplog.text


def test_a_library_with_other_answers_is_not_used(monkeypatch):
    if pbkdf2.library()[0] is None:
        pytest.skip("no library to test here")
    pbkdf2.library.cache_clear()
    real_run = pbkdf2._run
    monkeypatch.setattr(pbkdf2, "_run", lambda lib, wide, secrets, salt, it: [b"\0" * 32 for _ in secrets])
    try:
        lib, how = pbkdf2.library()
        assert lib is None and "other answers than OpenSSL" in how
        if len(LOOPS) == 2:  # one loop wrong: the other is used alone
            pbkdf2.library.cache_clear()
            monkeypatch.setattr(pbkdf2, "_run", lambda lib, wide, secrets, salt, it:
                                [b"\0" * 32 for _ in secrets] if wide else real_run(lib, wide, secrets, salt, it))
            lib, how = pbkdf2.library()
            assert (lib.wide, lib.sha, how) == (False, True, "SHA extensions")
    finally:
        monkeypatch.setattr(pbkdf2, "_run", real_run)
        pbkdf2.library.cache_clear()
    assert pbkdf2.library()[0] is not None


@pytest.mark.skipif(len(LOOPS) < 2, reason="needs both AVX-512 and the SHA extensions")
def test_a_few_derivations_go_to_the_sha_extensions_and_a_pass_of_16_to_avx512(monkeypatch):
    """A pass of 16 costs as much CPU for one derivation as for 16; the SHA loop takes fewer than
    WIDE_FROM, and the threads of derive_many take passes of 16."""
    used = []
    real_run = pbkdf2._run
    monkeypatch.setattr(pbkdf2, "_run", lambda lib, wide, secrets, salt, it:
                        used.append((wide, len(secrets))) or real_run(lib, wide, secrets, salt, it))
    secrets = [f"case-{i}\ncode".encode() for i in range(37)]
    salt = os.urandom(16)
    expected = [hashlib.pbkdf2_hmac("sha256", s, salt, 10, 32) for s in secrets]
    assert pbkdf2.derive_many(secrets, salt, 10, workers=2) == expected
    assert sorted(used) == [(False, 5), (True, 16), (True, 16)]
    used.clear()
    assert pbkdf2.derive_many(secrets[:pbkdf2.WIDE_FROM - 1], salt, 10, workers=1) == expected[:pbkdf2.WIDE_FROM - 1]
    assert pbkdf2.derive_many(secrets[:pbkdf2.WIDE_FROM], salt, 10, workers=1) == expected[:pbkdf2.WIDE_FROM]
    assert used == [(False, pbkdf2.WIDE_FROM - 1), (True, pbkdf2.WIDE_FROM)]


def test_cache_derives_what_derive_master_derives(tmp_path):
    """The cache's names and keys (derive_many) are those of the reference (OpenSSL, one by one)."""
    salt = os.urandom(16)
    pairs = [(f"A3501025000002026{i:06d}", f"k7qm-{i:04d}") for i in range(5)] + [("Ａ３５０ １", "ｋ７ｑｍ")]
    cache = DerivationCache(tmp_path / "cache")
    derived = cache.derive(pairs, salt, 1000, workers=2)
    assert cache.cold == len(pairs)
    for (case_no, code), (name, key) in zip(pairs, derived):
        master = derive_master(case_no, code, salt, 1000)
        assert (name, key) == (file_name(master), aes_key(master))
    cache.save()
    again = DerivationCache(tmp_path / "cache").load()
    assert again.derive(pairs, salt, 1000) == derived and again.cold == 0
    assert set(again.entries) == {cache_key(salt, 1000, c, q) for c, q in pairs}
