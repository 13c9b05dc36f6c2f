"""Numbers, accounts, dates: nothing of the value is left, not even its length."""
from __future__ import annotations


class MaskAll:
    LABELS = {
        "ID_NUMBER": "[证件号码]", "PHONE": "[电话号码]", "BANK_CARD": "[银行卡号]", "PLATE": "[车牌号码]",
        "EMAIL": "[电子邮箱]", "ACCOUNT": "[账号]", "BIRTH_DATE": "[出生日期]",
    }

    def operate(self, entity: str, text: str) -> str:
        return self.LABELS.get(entity, "[已隐去]")
