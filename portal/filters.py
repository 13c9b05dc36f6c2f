"""Jinja filters for the theme: Chinese wording of dates, penalties, outcomes and statuses."""
from __future__ import annotations

from datetime import date, datetime

from records.model import CASE_TYPES, KIND_NAMES, OUTCOMES, PARTY_ROLES, PARTY_TYPES, PENALTY_TYPES, STATUSES


def cn_date(value) -> str:
    if not value:
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    if isinstance(value, datetime):
        return f"{value.year}年{value.month}月{value.day}日 {value.hour:02d}:{value.minute:02d}"
    return f"{value.year}年{value.month}月{value.day}日"


def amount(value) -> str:
    if value is None:
        return ""
    if float(value) == int(value):
        return f"{int(value):,}元"
    return f"{value:,.2f}元"


def penalty_text(p) -> str:
    """One penalty in the words of a decision: 罚款500元, 行政拘留10日, 吊销驾驶证."""
    name = PENALTY_TYPES.get(p.type, p.type)
    if p.type == "fine":
        return f"罚款{amount(p.amount)}"
    if p.type == "detention":
        return f"行政拘留{p.days}日"
    if p.type == "suspension":
        text = f"暂扣{p.item or '许可证件'}"
        return f"{text}{p.days}日" if p.days else text
    if p.type == "revocation":
        return f"吊销{p.item or '许可证件'}"
    if p.type == "confiscation":
        text = f"没收{p.item or '违法所得、非法财物'}"
        return f"{text}({amount(p.amount)})" if p.amount else text
    if p.type == "closure":
        return f"{name}" + (f"{p.days}日" if p.days else "")
    if p.type == "other" and p.item:
        return p.item
    return name


def penalties_text(penalties) -> str:
    return "，".join(penalty_text(p) for p in penalties)


FILTERS = {
    "cn_date": cn_date,
    "amount": amount,
    "penalty_text": penalty_text,
    "penalties_text": penalties_text,
    "outcome_name": lambda v: OUTCOMES.get(v, v or ""),
    "status_name": lambda v: STATUSES.get(v, v or ""),
    "role_name": lambda v: PARTY_ROLES.get(v, v or ""),
    "party_type_name": lambda v: PARTY_TYPES.get(v, v or ""),
    "kind_name": lambda v: KIND_NAMES.get(v, v or ""),
    "case_type_name": lambda v: CASE_TYPES.get(v, v or ""),
}
