"""居民身份证号码: 18 digits with the GB 11643 check digit, or the old 15-digit form."""
from __future__ import annotations

import re
from datetime import date

from redaction.recognizers.base import NO_ALNUM_AFTER, NO_ALNUM_BEFORE, Recognizer, digit_run

_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
_CHECK = "10X98765432"


def check_digit(first17: str) -> str:
    return _CHECK[sum(int(c) * w for c, w in zip(first17, _WEIGHTS)) % 11]


def valid_id18(value: str) -> bool:
    v = re.sub(r"[^0-9Xx]", "", value).upper()
    if len(v) != 18 or not v[:17].isdigit():
        return False
    try:
        date(int(v[6:10]), int(v[10:12]), int(v[12:14]))
    except ValueError:
        return False
    return check_digit(v[:17]) == v[17]


def valid_id15(value: str) -> bool:
    v = re.sub(r"\D", "", value)
    if len(v) != 15:
        return False
    try:
        date(1900 + int(v[6:8]), int(v[8:10]), int(v[10:12]))
    except ValueError:
        return False
    return v[0] in "123456789"


class ResidentIdRecognizer(Recognizer):
    ENTITY = "ID_NUMBER"
    PATTERNS = [
        ("id18", NO_ALNUM_BEFORE + digit_run(18, r"[\dXx]") + NO_ALNUM_AFTER, 0.4),
        ("id15", NO_ALNUM_BEFORE + digit_run(15) + NO_ALNUM_AFTER, 0.3),
    ]
    CONTEXT = ["身份证", "公民身份号码", "身份号码", "证件号", "证号"]

    def validate_result(self, value: str) -> bool | None:
        n = len(re.sub(r"[^0-9Xx]", "", value))
        if n == 18:
            return True if valid_id18(value) else None
        if n == 15:
            return True if valid_id15(value) else None
        return None
