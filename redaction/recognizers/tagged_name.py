"""People named with no cue at all ("李建军与王芳发生争执"): Baidu LAC's PER tag, with whole-name spans."""
from __future__ import annotations

from redaction.names import compound_surnames, surnames, word_list
from redaction.recognizers.base import Context, Recognizer
from redaction.recognizers.name_shape import STOP
from redaction.recognizers.role_cue import CUES
from redaction.span import Span


# a role word is never a name, though the tagger may read one as PER (证人 before the rare 罗燊)
ROLE_WORDS = frozenset(CUES)


class TaggedNameRecognizer(Recognizer):
    ENTITY = "PERSON"
    SCORE = 0.85

    def analyze(self, ctx: Context) -> list[Span]:
        text, spans, keep = ctx.text, [], word_list("keep.txt")
        toks = ctx.tokens
        for n, (a, b, word, tag) in enumerate(toks):
            if tag != "PER":
                continue
            why = ["tagger PER"]
            # a compound surname split off by the tagger: 上官 / 慧芳
            if text[a - 2:a] in compound_surnames() and text[a:a + 2] not in compound_surnames():
                a, why = a - 2, why + ["compound surname joined"]
            elif text[a - 1:a + 1] in compound_surnames():
                a, why = a - 1, why + ["compound surname joined"]
            # a lone surname followed by its given name as another token: 郑 / 海涛, 皇甫 / 火然
            lone = b - a == 1 or text[a:b] in compound_surnames()
            if lone and n + 1 < len(toks) and toks[n + 1][0] == b and toks[n + 1][1] - toks[n + 1][0] <= 2:
                nxt = toks[n + 1]
                if all("\u4e00" <= c <= "\u9fff" and c not in STOP for c in nxt[2]):
                    b, why = nxt[1], why + ["given name joined"]
            elif lone:  # the given name swallowed by the next token: take one or two name characters
                end = b
                while end < len(text) and end - b < 2 and "\u4e00" <= text[end] <= "\u9fff" and text[end] not in STOP and text[end] != "某":
                    end += 1
                if end > b:
                    b, why = end, why + ["given name cut from the next word"]
            # a function character absorbed at the end: 彭宇称
            while b - a > 2 and text[b - 1] in STOP:
                b, why = b - 1, why + ["trailing function character dropped"]
            name = text[a:b]
            if name in keep or name in ROLE_WORDS or "某" in name or any(c.isdigit() for c in name) or len(name) < 2:
                continue
            score = self.SCORE
            if name[:1] not in surnames() and name[:2] not in compound_surnames() and "·" not in name:
                score, why = 0.6, why + ["no known surname"]
            if len(name) > 4 and "·" not in name:
                score, why = 0.55, why + ["unusually long"]
            spans.append(Span(self.ENTITY, a, b, score, f"{self.name}:lac", "; ".join(why)))
        return spans
