"""Phone numbers: mobiles (1[3-9] + 9 digits, +86, separators) and landlines with area codes."""
from __future__ import annotations

from redaction.recognizers.base import NO_ALNUM_AFTER, Recognizer

_B = r"(?<![0-9A-Za-z+])"
_S = r"[ \-.]?"


class PhoneRecognizer(Recognizer):
    ENTITY = "PHONE"
    PATTERNS = [
        ("mobile", _B + r"(?:(?:\+|00)?86[ \-]?)?1[3-9]\d" + _S + r"\d{4}" + _S + r"\d{4}" + NO_ALNUM_AFTER, 0.9),
        ("mobile-split", _B + r"1[3-9]\d(?:[ \-.]?\d){8}" + NO_ALNUM_AFTER, 0.85),
        ("landline", _B + r"(?:(?:\+|00)?86[ \-]?)?[(（]?0\d{2,3}[)）]?[ \-]?[2-9]\d{2,3}[ \-]?\d{4}" + NO_ALNUM_AFTER, 0.85),
        ("local-after-cue", r"(?:电话|手机|联系方式|号码|座机|致电|拨打)[^\d\n]{0,6}(?P<v>[2-9]\d{3}[ \-]?\d{3,4})" + NO_ALNUM_AFTER, 0.7),
    ]
    CONTEXT = ["电话", "手机", "联系", "号码", "拨打", "致电", "座机", "Tel", "tel"]
