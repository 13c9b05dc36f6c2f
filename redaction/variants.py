"""Spellings of one personal value: dates in any form, an address's part below county level."""
from __future__ import annotations

import re

from redaction.names import word_list

_CN = "〇一二三四五六七八九"
_LEVEL = re.compile(
    r"[^\d\s,，。;；:：、省市区县旗盟路街道号村镇乡巷弄栋幢室组]{1,9}?"
    r"(?:特别行政区|自治区|自治州|自治县|自治旗|地区|新区|省|市|盟|县|区|旗)"
)
_NOT_LEVEL = ("小区", "社区", "园区", "景区", "校区", "厂区", "营区", "街区", "片区", "住宅区", "生活区", "宿舍区")


def county_prefix(address: str) -> str:
    """The part of an address down to county level: 福建省福州市鼓楼区 of 福建省福州市鼓楼区五四路88号."""
    pos = 0
    for _ in range(4):
        m = _LEVEL.match(address, pos)
        if not m or m.group().endswith(_NOT_LEVEL):
            break
        pos = m.end()
    return address[:pos]


def address_tail(address: str) -> str:
    return address[len(county_prefix(address)):].strip()


def _cn_year(y: str) -> str:
    return "".join(_CN[int(c)] for c in y)


def _cn_num(n: int) -> str:
    if n < 10:
        return _CN[n] if n else "〇"
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _CN[tens]) + "十" + (_CN[ones] if ones else "")


def date_spellings(value: str) -> list[str]:
    """Regexes matching one date in its usual spellings (1990年5月12日, 1990-05-12, 19900512, 一九九〇年五月十二日)."""
    m = re.match(r"(\d{4})\D?(\d{1,2})\D?(\d{1,2})", value.strip())
    if not m:
        return []
    y, mo, d = m.group(1), int(m.group(2)), int(m.group(3))
    sep = r"\s*[年\-./]\s*"
    out = [
        rf"(?<!\d){y}{sep}0?{mo}\s*[月\-./]\s*0?{d}(?:日|号)?(?!\d)",
        rf"(?<!\d){y}{mo:02d}{d:02d}(?!\d)",
        rf"{_cn_year(y).replace('〇', '[〇零O○0]')}年{_cn_num(mo)}月{_cn_num(d)}[日号]",
    ]
    return out


def date_strings(value: str) -> list[str]:
    """Literal spellings of a date, for the leak gate."""
    m = re.match(r"(\d{4})\D?(\d{1,2})\D?(\d{1,2})", value.strip())
    if not m:
        return []
    y, mo, d = m.group(1), int(m.group(2)), int(m.group(3))
    return [
        f"{y}年{mo}月{d}日", f"{y}年{mo:02d}月{d:02d}日", f"{y}-{mo:02d}-{d:02d}", f"{y}.{mo:02d}.{d:02d}",
        f"{y}/{mo:02d}/{d:02d}", f"{y}{mo:02d}{d:02d}", f"{_cn_year(y)}年{_cn_num(mo)}月{_cn_num(d)}日",
    ]


def name_keep_listed(word: str) -> bool:
    """An ordinary word or place that merely looks like a name (文明, 石家庄)."""
    return word in word_list("keep.txt")
