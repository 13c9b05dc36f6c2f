"""The recognizers that are enabled, in the order they run (later ones see earlier spans).

Adding one: a class in recognizers/<entity>.py, a line here, a row table in
tests/test_redaction_recognizers.py, and labelled cases in tests/redaction_corpus/.
"""
from __future__ import annotations

from functools import lru_cache

from redaction.recognizers.account import AccountRecognizer
from redaction.recognizers.address import AddressRecognizer
from redaction.recognizers.bank_card import BankCardRecognizer
from redaction.recognizers.birth_date import BirthDateRecognizer
from redaction.recognizers.email import EmailRecognizer
from redaction.recognizers.known_party import KnownPartyRecognizer
from redaction.recognizers.latin_alias import LatinAliasRecognizer
from redaction.recognizers.name_list import NameListRecognizer
from redaction.recognizers.phone import PhoneRecognizer
from redaction.recognizers.plate import PlateRecognizer
from redaction.recognizers.resident_id import ResidentIdRecognizer
from redaction.recognizers.role_cue import RoleCueRecognizer
from redaction.recognizers.tagged_name import TaggedNameRecognizer

ENABLED = [
    KnownPartyRecognizer,
    ResidentIdRecognizer,
    PhoneRecognizer,
    BankCardRecognizer,
    PlateRecognizer,
    EmailRecognizer,
    AccountRecognizer,
    BirthDateRecognizer,
    AddressRecognizer,
    RoleCueRecognizer,
    TaggedNameRecognizer,
    NameListRecognizer,  # propagates from the names found above
    LatinAliasRecognizer,  # 陈氏兰（TRAN THI LAN）: after every name found
]


@lru_cache(maxsize=1)
def recognizers():
    return [cls() for cls in ENABLED]
