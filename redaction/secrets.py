"""Every spelling of every personal string of a record, for the leak gate to look for.

What deserves to be a gate secret: a string that, found anywhere on the site, can only be this
record's personal data. A full name that is not a common word (张伟, 上官慧芳), every spelling
of an ID, phone, card, account, birth date and street address is such a string. A name that is
also a common word (黎明, 高峰, 安静, 程序) and a given name alone (建华 is in 福建华安, 国文 in
中国文化) are not: they would stop every page that merely uses the word. Those are looked for
in their own context instead: the name with the characters that stood beside it in this record
(被侵害人黎明, 黎明发送), which appear on the site only if this masking failed.
"""
from __future__ import annotations

import re

from redaction.lexicon import common_word
from redaction.names import compound_surnames, given_name, is_foreign, surnames, word_list
from redaction.recognizers.known_party import person_fields
from redaction.variants import address_tail, date_strings

CONTEXT = 3  # characters of context kept on each side of a common-word name
_BREAK = re.compile(r"[\n\r]")


def number_spellings(value: str, entity: str) -> list[str]:
    if re.search("[A-WYZa-wyz]", value):
        # a passport or another certificate, or an account with letters (C02602024, found as an
        # ID or as an account after 护照号码): its letters are part of it, and its bare digits
        # (02602024) stood inside other decisions' public case numbers at 100k decisions
        # (…2026020240…), which stopped that build 70 times
        v = re.sub(r"[\s\-]", "", value)
        return sorted({v, v.upper(), v.lower()}) if len(v) >= 6 else []
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


def bare_name_ok(name: str) -> bool:
    """May this name be looked for anywhere on the site? Not when it is a common word."""
    name = name.replace(" ", "")
    return len(name) >= 2 and name not in word_list("keep.txt") and (is_foreign(name) or not common_word(name))


def _spellings(entity: str, value: str, given: frozenset = frozenset()) -> list[str]:
    value = value.strip()
    if entity == "PERSON":
        squeezed = value.replace(" ", "")
        if is_foreign(value):
            return [value, squeezed] if len(squeezed) >= 3 else []
        if squeezed in given or not bare_name_ok(squeezed):
            return []  # a given name alone, or a common word: context only
        return [value, squeezed]
    if entity in ("ID_NUMBER", "PHONE", "BANK_CARD", "ACCOUNT"):
        return number_spellings(value, entity) or ([value] if len(value) >= 5 else [])
    if entity == "BIRTH_DATE":
        # not the bare digits (19890428): at 100k decisions they stood inside other records' credit
        # codes (92350181989042834H); the ID number that holds them is a secret of its own
        return [v for v in date_strings(value) if not v.isdigit()]
    if entity == "ADDRESS":
        tail = address_tail(value)
        return [value, tail] if len(tail) >= 4 else [value]
    return [value]


def _torn_mask(name: str) -> list[str]:
    """某 before the given name: what a mask that took the surname with the character before it,
    and left the given name, puts on the page (致江犇斌 masked as 致某犇斌). A given name that is a
    common word is left out: 某 + it may be the right masking of another person's words."""
    name = name.replace(" ", "")
    if is_foreign(name):
        return []
    g = given_name(name)
    return ["某" + g] if len(g) >= 2 and g != name and not common_word(g) else []


def _in_context(text: str, span, spans) -> list[str]:
    """The masked value with the unmasked characters that stood beside it (up to CONTEXT a side)."""
    value = text[span.start:span.end]
    a = span.start
    while a > 0 and span.start - a < CONTEXT and not _BREAK.match(text[a - 1]) \
            and not any(s.start < a <= s.end for s in spans if s is not span):
        a -= 1
    b = span.end
    while b < len(text) and b - span.end < CONTEXT and not _BREAK.match(text[b]) \
            and not any(s.start <= b < s.end for s in spans if s is not span):
        b += 1
    out = []
    left, right = text[a:span.start].strip(), text[span.end:b].strip()
    if len(left) >= 2:
        out.append(left + value)
    if len(right) >= 2:
        out.append(value + right)
    return out


def _name_use(text: str, span) -> bool:
    """Is this occurrence of a common-word name used as a name? A party named 程序 has every 程序
    masked in its record, but 程序合法 there is the word, and the same words stand in every other
    decision: only occurrences a name rule found, or right after a role cue, give context secrets."""
    if not span.rule.startswith(("KnownParty", "SameName")):
        return True
    from redaction.recognizers.role_cue import CUES

    before = text[max(0, span.start - 6):span.start].rstrip(":： 为是系")
    return before.endswith(tuple(CUES)) or "given name" in span.reason


def secrets_for(known, spans, public: list[str], text: str | None = None) -> list[str]:
    """Gate secrets of one record: bare strings, plus names-in-context where a bare name would be
    a common word. `text` is the detection text the spans index (without it: bare strings only)."""
    found: set[str] = set()
    given = frozenset(given_name(v) for p in known for e, v, _ in person_fields(p) if e == "PERSON")
    for party in known:
        for entity, value, _ in person_fields(party):
            found.update(_spellings(entity, value))
            if entity == "PERSON":
                found.update(_torn_mask(value))
    for s in spans:
        if s.entity == "PERSON":
            found.update(_torn_mask(s.original))
        bare = _spellings(s.entity, s.original, given)
        found.update(bare)
        if s.entity == "PERSON" and not bare and text is not None and s.end <= len(text) and _name_use(text, s):
            found.update(_in_context(text, s, spans))
    out = []
    for v in found:
        v = v.strip()
        if len(v) < 2 or re.fullmatch(r"[\W_]+", v):
            continue
        if v in compound_surnames() or v in surnames():
            continue  # a surname alone names no one, and every pseudonym (皇甫某) carries it
        if any(v in p for p in public if p):
            continue
        out.append(v)
    return sorted(out)
