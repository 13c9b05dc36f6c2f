"""Vehicle plates: 闽A12345, 闽A·12345, 闽A D12345 (new energy), trailers (挂) and learner plates (学)."""
from __future__ import annotations

from redaction.recognizers.base import Recognizer

PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"


class PlateRecognizer(Recognizer):
    ENTITY = "PLATE"
    PATTERNS = [
        ("plate", rf"[{PROVINCES}][A-HJ-NP-Z][·•・.\- ]?(?=[A-HJ-NP-Z0-9]{{5,6}}(?![A-Za-z0-9]))"
                  r"(?=[A-Z]*\d)[A-HJ-NP-Z0-9]{5,6}[挂学警]?", 0.9),
        # the dotted form is a plate whatever its five characters are (闽A·VQCRM)
        ("plate_dot", rf"[{PROVINCES}][A-HJ-NP-Z][·•・][A-HJ-NP-Z0-9]{{5,6}}(?![A-Za-z0-9])[挂学警]?", 0.9),
    ]
    CONTEXT = ["车牌", "号牌", "牌号", "驾驶", "车辆", "轿车", "货车", "摩托"]
