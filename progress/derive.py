"""The one slow derivation: (case number, query code) -> file name and AES key.

    master = PBKDF2-HMAC-SHA256(normalise(case_no) + "\\n" + normalise(code), salt, iterations, 32)
    name   = HKDF-SHA256(master, salt="", info=NAME_INFO, 16 bytes), as 32 hex digits
    key    = HKDF-SHA256(master, salt="", info=KEY_INFO, 32 bytes)

Both come from the same master, so testing a guess against the published file names costs a
full PBKDF2 run (progress/pbkdf2.py computes it). theme/static/js/lookup.js does the same with WebCrypto; keep the two in step
(tests/test_progress_browser.py checks that they agree).
"""
from __future__ import annotations

import re
import unicodedata

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from .pbkdf2 import openssl

NAME_INFO = b"progress/name/v1"
KEY_INFO = b"progress/key/v1"

# What people type between the characters of a receipt: spaces of every width, and dashes.
# The same class is spelt out in lookup.js; after NFKC most exotic spaces are already U+0020.
_IGNORED = re.compile(
    "[ \t\n\r\f\v\u00a0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff"
    "\\-\u2010-\u2015\u2212\u2e3a\u2e3b\ufe58\ufe63\uff0d]"
)


def normalise(text: str) -> str:
    """NFKC, upper case, no spaces or dashes: '  ab-c１２ ' -> 'ABC12'."""
    if text.isascii() and text.isalnum():  # the usual case: NFKC and the pattern would change nothing
        return text.upper()
    return _IGNORED.sub("", unicodedata.normalize("NFKC", text).upper())


def secret_input(case_no: str, query_code: str) -> bytes:
    return (normalise(case_no) + "\n" + normalise(query_code)).encode("utf-8")


def derive_master(case_no: str, query_code: str, salt: bytes, iterations: int) -> bytes:
    """One master by OpenSSL: the reference the tests open files with. A build derives its
    masters with progress.pbkdf2.derive_many (the same bytes, on the SHA extensions where it can)."""
    return openssl((secret_input(case_no, query_code), salt, iterations))


def _expand(master: bytes, info: bytes, length: int) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=b"", info=info).derive(master)


def file_name(master: bytes) -> str:
    return _expand(master, NAME_INFO, 16).hex()


def aes_key(master: bytes) -> bytes:
    return _expand(master, KEY_INFO, 32)
