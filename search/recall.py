"""How recall is measured: the queries citizens type, and the plain substring scan both indexes
must agree with. Used by tests/test_search*.py and bench/search.py."""
from __future__ import annotations

import random
import re

from records.model import PublicDecision
from search.analysis import squeeze
from search.document import fields_of

DISTRICTS = ["台江", "仓山", "鼓楼", "晋安", "马尾", "长乐", "福清", "闽侯", "五一北路", "五四路", "八一七中路"]


class SubstringScan:
    """Which decisions contain a string in one of their searchable fields: after the same
    normalisation as the indexes (`plain=False`), or exactly as typed (`plain=True`)."""

    def __init__(self, decisions: list[PublicDecision]):
        self.fields = {d.url: list(fields_of(d).values()) for d in decisions}
        self.squeezed = {url: [squeeze(v) for v in values] for url, values in self.fields.items()}

    def __call__(self, query: str, plain: bool = False) -> set[str]:
        if plain:
            return {u for u, values in self.fields.items() if any(query in v for v in values)}
        q = squeeze(query)
        return {u for u, values in self.squeezed.items() if any(q in v for v in values)}


def recall_queries(decisions: list[PublicDecision], listed: int = 220, pieces: int = 100, seed: int = 7) -> list[str]:
    """Districts, streets, offences, number fragments, law articles, company names, and random
    pieces (2 to 6 characters, punctuation included) of the redacted texts."""
    rng = random.Random(seed)
    qs = set(DISTRICTS)
    for d in decisions:
        qs.update(re.findall(r"[\u4e00-\u9fff]{2,4}(?:路|街|巷)", d.text_plain)[:2])
        qs.update(re.findall(r"第[一二三四五六七八九十百]+条", d.text_plain))
        qs.update(p.label for p in d.parties if p.type != "person" and p.label)
        if d.offence:
            qs.add(d.offence)
        digits = re.sub(r"\D", "", d.decision_no)
        if len(digits) >= 2:
            i = rng.randrange(len(digits) - 1)
            qs.add(digits[i : i + rng.randint(2, 4)])
        number = re.search(r"〕(\d+号)", d.decision_no)
        if number:
            qs.add(number.group(1))
    out = sorted(qs)
    rng.shuffle(out)
    out = out[:listed]
    while pieces:
        text = re.sub(r"\s", "", rng.choice(decisions).text_plain)
        i = rng.randrange(max(1, len(text) - 6))
        piece = text[i : i + rng.randint(2, 6)]
        if len(squeeze(piece)) >= 2:
            out.append(piece)
            pieces -= 1
    return out
