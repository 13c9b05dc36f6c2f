"""Home addresses after their cue (住, 住址, 户籍地, 暂住...) or shaped like one (路/号/栋/室/村/组).

The span covers only what lies below county level; the operator keeps the county prefix.
Places of events that are not a home (五一广场) have no cue and no room number, so they stay.
"""
from __future__ import annotations

import re

from redaction.recognizers.base import Context, Recognizer
from redaction.span import Span
from redaction.variants import county_prefix

_CUE = r"(?:现住址|住址|住所地|住所|现住|家住|户籍地|户籍所在地|户籍地址|居住地|暂住地?|暂住于|住在|居住于|居住在|地址|籍贯|住)"
_BODY = r"[^，,。；;：:\n（）()“”]{4,60}"
_UNIT = (
    r"[\u4e00-\u9fffA-Za-z0-9\-]{1,20}?(?:路|街|巷|弄|道|大道|村|里|坊|苑|园|小区|花园|新村|公寓|大厦)"
    r"[\u4e00-\u9fffA-Za-z0-9\-#（）()]{0,20}?(?:\d+|[一二三四五六七八九十]+)\s*(?:号楼|号|栋|幢|座|单元|室|组|层|楼)"
    r"(?:[A-Za-z0-9\-#]*\s*(?:号楼|号|栋|幢|座|单元|室|组|层|楼|户))*"
)


# a flat in a complex named like a public place (福清万达广场67号606单元): the square is public,
# its building and flat number are a home
_FLAT = r"[\u4e00-\u9fffA-Za-z0-9\-]{1,20}?(?:广场|公馆|华府|中心)\d+\s*号楼?\s*\d+\s*(?:单元|室)"

_BEFORE_PLACE = re.compile(r"[在的了是被将把称说系到从]")


# a building and a bare room number, whatever the estate is called (东方名城12座1203, 名城港湾3座2101):
# a home, even where it is the place of the event
_ROOM = r"[\u4e00-\u9fffA-Za-z]{2,12}?\d{1,3}\s*(?:座|栋|幢|号楼)\s*\d{3,4}(?![\d号])"


class AddressRecognizer(Recognizer):
    ENTITY = "ADDRESS"
    _cue = re.compile(_CUE + r"[\s:：在于为是]{0,2}(?P<v>" + _BODY + ")")
    _unit = re.compile(_UNIT)
    _room = re.compile(_ROOM)
    _flat = re.compile(_FLAT)

    def analyze(self, ctx: Context) -> list[Span]:
        spans = []
        for m in self._cue.finditer(ctx.text):
            value = m.group("v")
            if not re.search(r"\d|号|村|组|栋|幢|室|小区|路|街|巷|弄|镇|乡", value):
                continue
            start = m.start("v") + len(county_prefix(value))
            end = m.end("v")
            if end - start >= 2:
                spans.append(Span(self.ENTITY, start, end, 0.95, f"{self.name}:after-cue",
                                  f"after cue {m.group().split(value)[0].strip()}; kept to county level"))
        for m in self._unit.finditer(ctx.text):
            if re.search(r"\d+\s*(?:号楼|栋|幢|单元|室|组|层|户)|[村里]\S*组", m.group()):
                # the match may start in the words before the place (违法行为人许某在福州市…村3组):
                # it starts after the last function character, so a name before it is not swallowed
                start = m.start()
                for f in _BEFORE_PLACE.finditer(ctx.text, m.start(), m.end()):
                    start = f.end()
                if m.end() - start >= 4:
                    spans.append(Span(self.ENTITY, start, m.end(), 0.8, f"{self.name}:unit",
                                      "street with building, room or group number"))
        for m in self._flat.finditer(ctx.text):
            start = m.start()
            for f in _BEFORE_PLACE.finditer(ctx.text, m.start(), m.end()):
                start = f.end()
            spans.append(Span(self.ENTITY, start, m.end(), 0.8, f"{self.name}:flat", "a flat in a named complex"))
        for m in self._room.finditer(ctx.text):
            start = m.start()
            for f in _BEFORE_PLACE.finditer(ctx.text, m.start(), m.end()):
                start = f.end()
            start += len(county_prefix(ctx.text[start:m.end()]))
            if m.end() - start >= 4:
                spans.append(Span(self.ENTITY, start, m.end(), 0.8, f"{self.name}:room",
                                  "building and room number"))
        return spans
