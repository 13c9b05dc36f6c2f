"""Structured fields of the record found again in the free text, in their usual variants.

Names (full, with spaces between characters, given name alone when it has two characters or
more), legal representatives and operators, ID numbers (any separators, lower-case x), phones,
emails, birth dates and addresses. Score 1.0: the record itself says these are personal.
"""
from __future__ import annotations

import re

from redaction.names import given_name, is_foreign
from redaction.recognizers.base import Context, Recognizer
from redaction.span import Span
from redaction.variants import address_tail, date_spellings, name_keep_listed


_JOINER = re.compile(r"(?<=[^ \-.\n])[ \-.](?=[^ \-.\n])")


def _squeeze(text: str) -> tuple[str, list[int]]:
    """Text with spaces, dashes and dots between two characters removed, lower-cased, and where
    each kept character came from: 1380-0138-000 and 张 三 are found by plain search."""
    pieces, where, last = [], [], 0
    for m in _JOINER.finditer(text):
        pieces.append(text[last:m.start()])
        where.extend(range(last, m.start()))
        last = m.end()
    pieces.append(text[last:])
    where.extend(range(last, len(text)))
    return "".join(pieces).lower(), where


def _find_all(flat: str, where: list[int], value: str) -> list[tuple[int, int]]:
    out = []
    if not value:
        return out
    start = flat.find(value)
    while start >= 0:
        out.append((where[start], where[start + len(value) - 1] + 1))
        start = flat.find(value, start + 1)
    return out


def person_fields(party) -> list[tuple[str, str, str]]:
    """(entity, value, field) for every personal value of a party; names carry the person key."""
    out = []
    if party.type == "person" and party.name:
        out.append(("PERSON", party.name.strip(), "name"))
    if party.legal_representative:
        out.append(("PERSON", party.legal_representative.strip(), "legal_representative"))
    if party.type != "organization" or True:
        for f, entity in (("id_number", "ID_NUMBER"), ("phone", "PHONE"), ("email", "EMAIL")):
            v = getattr(party, f, None)
            if v and party.type != "organization":
                out.append((entity, str(v).strip(), f))
        if party.address and party.type != "organization":
            out.append(("ADDRESS", party.address.strip(), "address"))
        if party.birth_date:
            out.append(("BIRTH_DATE", str(party.birth_date), "birth_date"))
    return out


class KnownPartyRecognizer(Recognizer):
    ENTITY = "PERSON"

    def analyze(self, ctx: Context) -> list[Span]:
        spans = []
        flat, where = _squeeze(ctx.text)
        places = [(a, b) for a, b, _, t in ctx.tokens if t in ("ORG", "LOC")]
        for i, party in enumerate(ctx.known):
            for entity, value, field in person_fields(party):
                key = f"party{i}:{field}" if entity == "PERSON" else None
                for variant, why in self.variants(entity, value):
                    if why.startswith("re:"):
                        hits = [m.span() for m in re.finditer(variant, ctx.text)]
                    else:
                        hits = _find_all(flat, where, re.sub(r"[ \-.]", "", variant).lower())
                    for start, end in hits:
                        if why == "given name" and any(a < start < b or a < end < b for a, b in places):
                            continue  # 建闽 inside 福建闽兴电子商务有限公司: part of a name the tagger read whole
                        spans.append(Span(entity, start, end, 1.0, f"{self.name}:{field}",
                                          f"record field {field} ({why.removeprefix('re:')})", person=key))
        return spans

    def variants(self, entity: str, value: str) -> list[tuple[str, str]]:
        if entity == "PERSON":
            out = [(value, "full name")]
            g = given_name(value)
            if not is_foreign(value) and len(g) >= 2 and not name_keep_listed(g):
                out.append((g, "given name"))
            if is_foreign(value):
                out += [(p, "part of foreign name") for p in re.split(r"[·• ]", value) if len(p) >= 2]
            return out
        if entity in ("ID_NUMBER", "PHONE"):
            d = re.sub(r"[^0-9Xx]", "", value)
            if entity == "PHONE" and d.startswith("86") and len(d) == 13:
                d = d[2:]
            return [(d, "digits")] if len(d) >= 5 else []
        if entity == "BIRTH_DATE":
            return [("re:" + p, "date spelling") for p in date_spellings(value)]
        if entity == "ADDRESS":
            out = [(value, "full address")]
            tail = address_tail(value)
            if tail and tail != value:
                out.append((tail, "street part"))
            return out
        return [(value, "exact")]
