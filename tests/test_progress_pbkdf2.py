"""The progress stage's PBKDF2 (progress/pbkdf2.py): the C loop on the SHA extensions gives
OpenSSL's bytes, and the build falls back to OpenSSL where the library cannot be used.

A wrong byte would lock every receipt out (the browser derives with WebCrypto), so the C path is
compared with OpenSSL over secret lengths around the HMAC block, iteration counts, batch sizes
that leave a lane over, and one or two threads."""
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


def _has_sha_extensions() -> bool:
    try:
        flags = pathlib.Path("/proc/cpuinfo").read_text()
    except OSError:
        return False
    return " sha_ni" in flags


needs_library = pytest.mark.skipif(not _has_sha_extensions(), reason="this processor has no SHA extensions")


@needs_library
def test_library_is_built_and_passes_its_check():
    # make setup and make test build it; on a processor with the SHA extensions it must be used
    lib, how = pbkdf2.library()
    assert lib is not None, how
    assert how == "SHA extensions"


@needs_library
@pytest.mark.parametrize("secret, salt, iterations, expected", RFC_7914)
def test_known_answers(secret, salt, iterations, expected):
    assert pbkdf2.derive_many([secret], salt, iterations, workers=1) == [bytes.fromhex(expected)]
    assert pbkdf2.openssl((secret, salt, iterations)).hex() == expected


@needs_library
@pytest.mark.parametrize("iterations", [1, 2, 3, 17, 1000])
@pytest.mark.parametrize("workers", [1, 2])
def test_equals_openssl(iterations, workers):
    rng = random.Random(iterations * 10 + workers)
    # lengths around the 64-byte block (a longer key is hashed first), empty, and real receipts
    lengths = [0, 1, 31, 32, 55, 56, 63, 64, 65, 100, 128, 200]
    secrets = [bytes(rng.randrange(256) for _ in range(n)) for n in lengths]
    secrets += ["A3501025000002026100045\nK7QM2XHD".encode(), "案件\n查询码".encode()]
    salt = bytes(rng.randrange(256) for _ in range(16))
    for count in (1, 2, 3, 7, len(secrets)):  # odd counts leave one lane of a pair alone
        part = secrets[:count]
        assert pbkdf2.derive_many(part, salt, iterations, workers) == \
            [hashlib.pbkdf2_hmac("sha256", s, salt, iterations, 32) for s in part]


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
    monkeypatch.setattr(pbkdf2, "_run", lambda lib, secrets, salt, it: [b"\0" * 32 for _ in secrets])
    try:
        lib, how = pbkdf2.library()
        assert lib is None and "other answers than OpenSSL" in how
    finally:
        monkeypatch.setattr(pbkdf2, "_run", real_run)
        pbkdf2.library.cache_clear()
    assert pbkdf2.library()[0] is not None


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
