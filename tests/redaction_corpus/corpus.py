"""The labelled corpus as Decisions, and how to tell whether an expected value survived."""
from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import yaml

from records.model import Decision, Party, Penalty, Source
from redaction.text import fold
from redaction.variants import date_spellings

HERE = Path(__file__).parent


def to_decision(raw: dict, file: str = "corpus") -> Decision:
    raw = dict(raw)
    parties = [Party(**p) for p in raw.pop("parties")]
    penalties = [Penalty(**p) for p in raw.pop("penalties", [])]
    decided = date.fromisoformat(str(raw.pop("decided_on")))
    return Decision(parties=parties, penalties=penalties, decided_on=decided, source=Source(file), **raw)


def cases() -> list[dict]:
    return yaml.safe_load((HERE / "cases.yaml").read_text(encoding="utf-8"))


def statutes() -> str:
    return (HERE / "statutes.txt").read_text(encoding="utf-8")


def squeeze(text: str) -> str:
    """Folded, digits joined across separators, plate dots and spaces gone, lower case."""
    t = fold(text)
    t = re.sub(r"(?<=[0-9A-Za-z])[ \-.·](?=[0-9A-Za-z])", "", t)
    return t.replace("·", "").lower()


def survives(entity: str, value: str, published: str) -> bool:
    """Whether any trace of an expected personal value is left in the published text."""
    if entity == "BIRTH_DATE":
        return any(re.search(p, published) for p in date_spellings(value))
    return squeeze(value) in squeeze(published)
