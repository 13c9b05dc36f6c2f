"""Surnames and the shape of a Chinese personal name."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

WORDS = Path(__file__).parent / "words"


@lru_cache(maxsize=None)
def word_list(name: str) -> frozenset[str]:
    out = set()
    for line in (WORDS / name).read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        out.update(line.split())
    return frozenset(out)


def compound_surnames() -> frozenset[str]:
    return word_list("compound_surnames.txt")


def surnames() -> frozenset[str]:
    return word_list("surnames.txt")


def surname_of(name: str) -> str:
    name = name.replace(" ", "")
    if name[:2] in compound_surnames():
        return name[:2]
    return name[:1]


def given_name(name: str) -> str:
    name = name.replace(" ", "")
    return name[len(surname_of(name)):]


def is_foreign(name: str) -> bool:
    return "·" in name or "•" in name or any("A" <= c <= "z" for c in name)
