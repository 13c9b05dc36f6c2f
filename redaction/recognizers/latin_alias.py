"""A foreigner's name in Latin letters right after the Chinese one: 陈氏兰（TRAN THI LAN）."""
from __future__ import annotations

import re

from redaction.recognizers.base import Context, Recognizer
from redaction.span import Span

_ALIAS = re.compile(r"\s*[（(]\s*(?P<v>[A-Z][A-Za-z'\-]*(?:[ .·][A-Z][A-Za-z'\-]*)*)\s*[）)]")


class LatinAliasRecognizer(Recognizer):
    ENTITY = "PERSON"
    SCORE = 0.95

    def analyze(self, ctx: Context) -> list[Span]:
        spans = []
        for s in ctx.found:
            if s.entity != "PERSON" or s.score < 0.5:
                continue
            m = _ALIAS.match(ctx.text, s.end)
            if m:
                spans.append(Span(self.ENTITY, m.start("v"), m.end("v"), self.SCORE, f"{self.name}:paren",
                                  f"Latin spelling after the name {ctx.text[s.start:s.end]}", person=s.person))
        return spans
