"""The recognizers that are enabled, in the order they run (later ones see earlier spans)."""
from __future__ import annotations

from functools import lru_cache

from redaction.recognizers.bank_card import BankCardRecognizer
from redaction.recognizers.known_party import KnownPartyRecognizer
from redaction.recognizers.phone import PhoneRecognizer
from redaction.recognizers.resident_id import ResidentIdRecognizer

ENABLED = [
    KnownPartyRecognizer,
    ResidentIdRecognizer,
    PhoneRecognizer,
    BankCardRecognizer,
]


@lru_cache(maxsize=1)
def recognizers():
    return [cls() for cls in ENABLED]
