"""Patterns that must never survive in a built site, with their validation."""
from __future__ import annotations

import re

from redaction.recognizers.bank_card import luhn_valid
from redaction.recognizers.resident_id import valid_id18

# No pattern reads across a line break (none consumes "\n", and a look-around treats "\n" like
# the end of the text), so a text can be checked line by line (gate/memory.py relies on it).
PATTERNS = {
    # the look-behind comes after the first character so that the regex engine can skip to
    # candidates (a leading look-behind is tried at every position); same matches as
    # (?<![0-9A-Za-z])\d{17}… and (?<![0-9A-Za-z])1[3-9]…
    "resident_id": re.compile(r"\d(?<![0-9A-Za-z]\d)\d{16}[\dXx](?![0-9A-Za-z])"),
    "mobile": re.compile(r"1(?<![0-9A-Za-z]1)[3-9]\d[ \-]?\d{4}[ \-]?\d{4}(?![0-9A-Za-z])"),
    "bank_card": re.compile(r"(?:银行卡|卡号|银行账号|账号|账户|储蓄卡|信用卡|借记卡)[^\d\n<]{0,8}(\d(?:[ \-]?\d){15,18})(?![0-9A-Za-z])"),
    "plate": re.compile(r"[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][A-HJ-NP-Z][·• ]?(?=[A-HJ-NP-Z0-9]{5,6}(?![A-Za-z0-9]))[A-HJ-NP-Z]*\d[A-HJ-NP-Z0-9]*"),
}


def validate(kind: str, value: str) -> bool:
    digits = re.sub(r"[^0-9Xx]", "", value)
    if kind == "resident_id":
        return valid_id18(digits)
    if kind == "mobile":
        return len(digits) == 11
    if kind == "bank_card":
        return 16 <= len(digits) <= 19 and luhn_valid(digits)
    if kind == "plate":
        return True
    return False


def find_patterns(text: str):
    """(kind, start, end) of every validating pattern in text."""
    for kind, rx in PATTERNS.items():
        for m in rx.finditer(text):
            g = 1 if rx.groups else 0
            if validate(kind, m.group(g)):
                yield kind, m.start(g), m.end(g)
