"""Names listed next to a name already found: 张三、李四和王五 (list propagation)."""
from __future__ import annotations

import re

from redaction.lexicon import common_word
from redaction.recognizers.base import Context, Recognizer
from redaction.recognizers.name_shape import name_end, token_starts
from redaction.span import Span

_JOIN = re.compile(r"[、,，]|和|与|及|跟|同|以及|或")


class NameListRecognizer(Recognizer):
    ENTITY = "PERSON"
    SCORE = 0.8

    def analyze(self, ctx: Context) -> list[Span]:
        text, spans, starts = ctx.text, [], token_starts(ctx.tokens)
        # a listed party named 程序 has every 程序 of its record masked, but 告知程序，申请人… is the
        # word: an occurrence of a common-word name found only as that string starts no list
        people = sorted((s for s in ctx.found if s.entity == "PERSON" and s.score >= 0.5
                         and not (s.rule.startswith(("KnownParty", "SameName")) and common_word(text[s.start:s.end]))),
                        key=lambda s: s.start)
        frontier = list(people)
        # a name the tagger alone read may still be dropped (高|英国 against the place 英国): the
        # list's own reading of the same characters stands beside it
        seen = {(s.start, s.end) for s in people if not s.rule.startswith("TaggedName")}
        while frontier:
            s = frontier.pop()
            m = _JOIN.match(text, s.end)
            if not m:
                continue
            # after a comma a new clause is as likely as a list: an ordinary word there is the word
            # after 、 between people a list goes on: an ordinary word ended there is a name too
            # (伙同王洋、冯远、夏天在…)
            end = name_end(text, m.end(), starts, keep_ok=m.group() not in ",，", boundary_ok=m.group() == "、")
            if end is None or (m.end(), end) in seen:
                continue
            new = Span(self.ENTITY, m.end(), end, self.SCORE, f"{self.name}:after",
                       f"listed after {text[s.start:s.end]}")
            seen.add((new.start, new.end))
            spans.append(new)
            frontier.append(new)
        for s in people:  # backwards: 李四、张三 with 张三 known
            for k in (4, 3, 2):
                a = s.start - 1 - k
                if a < 0 or text[s.start - 1:s.start] not in "、和与及跟同":
                    continue
                if name_end(text, a, starts, keep_ok=True) == s.start - 1 and (a, s.start - 1) not in seen:
                    seen.add((a, s.start - 1))
                    spans.append(Span(self.ENTITY, a, s.start - 1, self.SCORE, f"{self.name}:before",
                                      f"listed before {text[s.start:s.end]}"))
                    break
        return spans
