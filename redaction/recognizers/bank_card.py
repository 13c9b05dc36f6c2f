"""Bank card numbers: 16-19 digits passing Luhn, or 12-19 digits after a card/account cue."""
from __future__ import annotations

import re

from redaction.recognizers.base import NO_ALNUM_AFTER, NO_ALNUM_BEFORE, Recognizer


def luhn_valid(number: str) -> bool:
    d = [int(c) for c in re.sub(r"\D", "", number)]
    if not d:
        return False
    total = 0
    for i, n in enumerate(reversed(d)):
        if i % 2:
            n *= 2
            if n > 9:
                n -= 9
        total += n
    return total % 10 == 0


_CUE = r"(?:银行卡|卡号|银行账号|账号|账户|帐号|帐户|储蓄卡|信用卡|借记卡|收款账户|转账至)"


class BankCardRecognizer(Recognizer):
    ENTITY = "BANK_CARD"
    PATTERNS = [
        ("luhn16-19", NO_ALNUM_BEFORE + r"[3-9]\d{3}(?:[ \-]?\d){12,15}" + NO_ALNUM_AFTER, 0.45),
        ("after-cue", _CUE + r"[^\d\n]{0,10}?(?P<v>\d(?:[ \-]?\d){9,22})" + NO_ALNUM_AFTER, 0.9),
    ]
    CONTEXT = ["银行", "卡号", "账号", "账户", "帐号", "转账", "信用卡", "储蓄卡"]

    def validate_result(self, value: str) -> bool | None:
        n = len(re.sub(r"\D", "", value))
        if 16 <= n <= 19 and luhn_valid(value):
            return True
        return None
