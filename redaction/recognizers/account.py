"""Accounts named by their cue word: 微信号, QQ, 支付宝, 护照号码, 港澳通行证, 抖音号..."""
from __future__ import annotations

import re

from redaction.recognizers.base import Recognizer

_CUES = r"(?:微信号码?|微信|QQ号码?|QQ|qq号?|支付宝账号|支付宝账户|支付宝|护照号码|护照号|护照|通行证号码|通行证|抖音号|快手号|微博|账号|帐号|用户名|昵称)"


class AccountRecognizer(Recognizer):
    ENTITY = "ACCOUNT"
    PATTERNS = [
        ("after-cue", _CUES + r"[\s:：为是（(]{0,3}(?:号码?[:：]?)?(?P<v>[A-Za-z0-9][A-Za-z0-9_\-.@]{4,39})", 0.9),
        ("passport", r"(?<![A-Za-z0-9])(?:[EGDSP]\d{8}|E[A-HJ-NP-Z]\d{7})(?![A-Za-z0-9])", 0.6),
    ]
    CONTEXT = ["护照", "证件"]

    def invalidate_result(self, value: str) -> bool:
        return bool(re.fullmatch(r"\d{4}", value))
