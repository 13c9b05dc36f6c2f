"""Every spelling of every personal string of a record, for the leak gate to look for."""
from __future__ import annotations

import re

from redaction.names import given_name, is_foreign, word_list
from redaction.recognizers.known_party import person_fields
from redaction.variants import address_tail, date_strings


def number_spellings(value: str, entity: str) -> list[str]:
    d = re.sub(r"[^0-9Xx]", "", value)
    if len(d) < 6:
        return []
    out = {d, d.upper(), d.lower()}
    if entity == "PHONE":
        if d.startswith("86") and len(d) == 13:
            d = d[2:]
            out.add(d)
        if len(d) == 11:
            for sep in (" ", "-"):
                out.add(sep.join((d[:3], d[3:7], d[7:])))
            out.add("+86" + d)
    if entity == "ID_NUMBER" and len(d) == 18:
        for sep in (" ", "-"):
            out.add(sep.join((d[:6], d[6:14], d[14:])).upper())
            out.add(sep.join((d[:6], d[6:14], d[14:])).lower())
    return list(out)


def _spellings(entity: str, value: str) -> list[str]:
    value = value.strip()
    if entity == "PERSON":
        out = [value, value.replace(" ", "")]
        g = given_name(value)
        if not is_foreign(value) and len(g) >= 2 and g not in word_list("keep.txt"):
            out.append(g)
        return out
    if entity in ("ID_NUMBER", "PHONE", "BANK_CARD", "ACCOUNT"):
        return number_spellings(value, entity) or ([value] if len(value) >= 5 else [])
    if entity == "BIRTH_DATE":
        return date_strings(value)
    if entity == "ADDRESS":
        tail = address_tail(value)
        return [value, tail] if len(tail) >= 4 else [value]
    return [value]


def secrets_for(known, spans, public: list[str]) -> list[str]:
    found: set[str] = set()
    for party in known:
        for entity, value, _ in person_fields(party):
            found.update(_spellings(entity, value))
    for s in spans:
        found.update(_spellings(s.entity, s.original))
    keep = word_list("keep.txt")
    out = []
    for v in found:
        v = v.strip()
        if len(v) < 2 or v in keep or re.fullmatch(r"[\W_]+", v):
            continue
        if any(v in p for p in public if p):
            continue
        out.append(v)
    return sorted(out)
