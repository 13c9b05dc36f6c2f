"""Strings that must stay public: organs, organisations, numbers of decisions and cases, law
citations, law firms, places and ordinary words. A guessed name overlapping one is dropped;
a value the record itself marks as personal still wins.
"""
from __future__ import annotations

import re
from bisect import bisect_left

from redaction.names import word_list

_NOT_IN_ORG = r"系在于到与和及从向对把被将让给的了称说是为等、，。；：:,;\s（）()“”\"《》"
_ORG = re.compile(
    rf"[^{_NOT_IN_ORG}]{{2,24}}?"
    r"(?:公安局|分局|派出所|大队|支队|中队|人民政府|政府|人民法院|法院|检察院|司法局|律师事务所|"
    r"有限责任公司|股份有限公司|有限公司|公司|集团|医院|卫生院|学校|中学|小学|大学|学院|幼儿园|银行|支行|分行|"
    r"委员会|居委会|村委会|管委会|办事处|中心|协会|商行|商店|超市|酒店|宾馆|饭店|网吧|酒吧|KTV|ktv|会所|工作室|"
    r"经营部|门市部|加工厂|厂|店|馆|所|站|局|处|院)"
)
_PATTERNS = [
    re.compile(r"《[^《》\n]{1,60}》(?:第[一二三四五六七八九十百零〇\d]+条)?(?:第[一二三四五六七八九十百零〇\d]+款)?(?:第[（(][一二三四五六七八九十\d]+[)）]项)?"),
    re.compile(r"第[一二三四五六七八九十百零〇\d]+条(?:之一)?(?:第[一二三四五六七八九十百零〇\d]+款)?(?:第[（(][一二三四五六七八九十\d]+[)）]项)?"),
    re.compile(r"[\u4e00-\u9fff]{1,12}[（(][\u4e00-\u9fff]{1,6}[)）][\u4e00-\u9fff]{0,8}字?[〔\[【(（]\d{4}[〕\]】)）]\s*第?\d+号"),
    re.compile(r"(?<![0-9A-Za-z])[A-Z]\d{15,25}(?![0-9A-Za-z])"),  # 案件编号
    re.compile(r"(?<![0-9A-Za-z])[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}(?![0-9A-Za-z])"),  # credit code
    _ORG,
    re.compile(r"[^\W\d_在于到从的和与及是被将把对向称说系伙同、]{1,6}(?:大道|路|街|巷|弄)\d+号"),  # 则徐大道378号: a place
]


_PLACE_LEVELS = ("省", "市", "县", "区", "镇", "乡")


def protected_spans(text: str, public: list[str], tokens: list | None = None) -> list[tuple[int, int, str]]:
    """(start, end, why) of every stretch that must stay as it is."""
    out = []
    for value in public:
        value = (value or "").strip()
        if len(value) < 2:
            continue
        start = text.find(value)
        while start >= 0:
            out.append((start, start + len(value), "public field"))
            start = text.find(value, start + 1)
    people = sorted(a for a, b, _, t in tokens or () if t == "PER")
    for rx in _PATTERNS:
        for m in rx.finditer(text):
            k = bisect_left(people, m.start())
            if rx is _ORG and k < len(people) and people[k] < m.end() \
                    and not text[m.start():people[k]].endswith(_PLACE_LEVELS):
                # 张三通过银行: a name and a verb before the suffix, not an organisation; but in
                # 福清市阿陈客栈 the "name" follows a place and is the business's own name
                continue
            out.append((m.start(), m.end(), "public pattern"))
    keep = word_list("keep.txt")
    for start, end, word, tag in tokens or ():
        if tag in ("LOC", "ORG") or word in keep:
            out.append((start, end, f"tagger {tag}" if tag in ("LOC", "ORG") else "keep list"))
    return out
