"""The recognizer contract: a declaration of scored patterns and cue words, plus two hooks.

Like Presidio's PatternRecognizer: `PATTERNS` are (name, regex, score); `CONTEXT` words seen
shortly before a match raise its score; `validate_result` (a checksum) may confirm or reject a
match; `invalidate_result` drops known fakes. Every span carries its rule and reason.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from redaction.span import Span


@dataclass
class Context:
    """What a recognizer may look at besides the text."""

    text: str  # folded (half-width) text, same length as the original
    known: list = field(default_factory=list)  # records.model.Party of this record
    tokens: list = field(default_factory=list)  # tagger output: (start, end, word, tag)
    found: list = field(default_factory=list)  # spans of recognizers that ran earlier


class Recognizer:
    ENTITY = ""
    PATTERNS: list[tuple[str, str, float]] = []
    CONTEXT: list[str] = []
    CONTEXT_WINDOW = 12
    CONTEXT_BOOST = 0.35
    MIN_SCORE = 0.5  # spans scoring less are not masked, but still listed for review

    def __init__(self) -> None:
        self._compiled = [(n, re.compile(p), s) for n, p, s in self.PATTERNS]

    @property
    def name(self) -> str:
        return type(self).__name__

    def analyze(self, ctx: Context) -> list[Span]:
        spans = []
        for pname, rx, score in self._compiled:
            for m in rx.finditer(ctx.text):
                start, end = m.span("v") if "v" in rx.groupindex else m.span()
                value = ctx.text[start:end]
                if self.invalidate_result(value):
                    continue
                valid = self.validate_result(value)
                if valid is False:
                    continue
                s, why = score, [f"pattern {pname}"]
                if valid:
                    s, why = 1.0, why + ["checksum valid"]
                cue = self.cue_before(ctx.text, start)
                if cue:
                    s, why = min(1.0, s + self.CONTEXT_BOOST), why + [f"cue {cue}"]
                spans.append(Span(self.ENTITY, start, end, s, f"{self.name}:{pname}", "; ".join(why)))
        return spans

    def cue_before(self, text: str, start: int) -> str | None:
        window = text[max(0, start - self.CONTEXT_WINDOW):start]
        for word in self.CONTEXT:
            if word in window:
                return word
        return None

    def validate_result(self, value: str) -> bool | None:
        """True: confirmed (score 1.0); False: reject; None: no opinion."""
        return None

    def invalidate_result(self, value: str) -> bool:
        return False


def digit_run(n: int, last: str = r"\d") -> str:
    """n digits that may be split by single spaces, dashes or dots: 1380 0138 000."""
    return r"\d(?:[ \-.]?\d){%d}" % (n - 2) + r"[ \-.]?" + last if n > 1 else last


NO_ALNUM_BEFORE = r"(?<![0-9A-Za-z])"
NO_ALNUM_AFTER = r"(?![0-9A-Za-z])"
