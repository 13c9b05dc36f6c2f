"""A person's name becomes surname + 某; people sharing a surname get 甲, 乙, 丙... in order.

One person keeps one pseudonym throughout a decision. Minors get no surname (某甲). Foreign and
transliterated names keep their first letter or character only (J某, 约某).
"""
from __future__ import annotations

from redaction.names import is_foreign, surname_of

SUFFIXES = "甲乙丙丁戊己庚辛壬癸"


class Pseudonymise:
    def prefix(self, name: str, minor: bool) -> str:
        if minor:
            return ""
        name = name.strip()
        if is_foreign(name):
            return name[:1].upper()
        return surname_of(name)

    def assign(self, people: list[tuple[str, str, bool]]) -> dict[str, str]:
        """people: (key, name, minor) in order of first appearance -> key: pseudonym."""
        groups: dict[str, list[str]] = {}
        for key, name, minor in people:
            groups.setdefault(self.prefix(name, minor), []).append(key)
        out = {}
        for prefix, keys in groups.items():
            if len(keys) == 1 and prefix:
                out[keys[0]] = prefix + "某"
                continue
            for i, key in enumerate(keys):
                suffix = SUFFIXES[i % 10] + (str(i // 10 + 1) if i >= 10 else "")
                out[key] = prefix + "某" + suffix
        return out
