"""Birth dates in any spelling, after 出生/生于/出生日期 or before 出生/生."""
from __future__ import annotations

from redaction.recognizers.base import Recognizer

_CN = "〇零O○一二三四五六七八九十"
_DATE = (
    r"(?:\d{4}\s*[年\-./]\s*\d{1,2}\s*[月\-./]\s*\d{1,2}\s*[日号]?|\d{4}\s*年\s*\d{1,2}\s*月|\d{8}"
    rf"|[{_CN}]{{4}}年[{_CN}]{{1,2}}月(?:[{_CN}]{{1,3}}[日号])?)"
)


class BirthDateRecognizer(Recognizer):
    ENTITY = "BIRTH_DATE"
    PATTERNS = [
        ("after-cue", r"(?:出生日期|出生年月日?|出生于|生于|生日|出生)[\s:：为是]{0,3}(?P<v>" + _DATE + ")", 0.95),
        ("before-cue", r"(?P<v>" + _DATE + r")\s*(?:出生|生人|生)(?!产|活|意|效)", 0.95),
    ]
