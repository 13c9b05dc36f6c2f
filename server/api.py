"""The read-only JSON search endpoint: parameters in, whoosh results out, a 400 for anything else.

`answer(query_string, state_dir)` returns (status, body); the HTTP layer only sends it. Every
parameter is checked here, so no input reaches whoosh unchecked and no bad input becomes a 500.
"""
from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from urllib.parse import parse_qs

from search import SearchError, search_index

PARAMS = {
    "q": "查询词: 两个或更多汉字、数字或字母; 多个词用空格分开, 须同时出现",
    "organ": "作出机关的全称, 如 福州市公安局台江分局",
    "year": "决定年份, 如 2026",
    "offence": "违法行为的名称, 如 赌博",
    "kind": "文书类型: penalty (行政处罚决定书) 或 reconsideration (行政复议决定书)",
    "penalty": "处罚种类: warning, fine, confiscation, suspension, revocation, detention, closure, other",
    "sort": "relevance (默认, 完全匹配在前), newest 或 oldest",
    "page": "页码, 从 1 开始 (每页 10 条)",
}
MAX_LENGTH = 200


class BadRequest(ValueError):
    pass


def parse(query_string: str) -> dict:
    try:
        raw = parse_qs(query_string, keep_blank_values=True, strict_parsing=False, max_num_fields=20,
                       errors="strict")
    except (ValueError, UnicodeDecodeError):
        raise BadRequest("查询参数无法解析 (须为 UTF-8 编码的 URL 查询串)") from None
    unknown = sorted(set(raw) - set(PARAMS))
    if unknown:
        raise BadRequest(f"未知参数: {', '.join(unknown)}; 可用参数: {', '.join(PARAMS)}")
    args = {}
    for name, values in raw.items():
        if len(values) > 1:
            raise BadRequest(f"参数 {name} 只能出现一次")
        value = values[0].strip()
        if len(value) > MAX_LENGTH:
            raise BadRequest(f"参数 {name} 过长 (最多 {MAX_LENGTH} 个字符)")
        if value:
            args[name] = value
    if "page" in args:
        if not args["page"].isascii() or not args["page"].isdigit():
            raise BadRequest("page 必须是正整数")
        args["page"] = int(args["page"])
    if "year" in args and not (args["year"].isascii() and args["year"].isdigit() and len(args["year"]) == 4):
        raise BadRequest("year 必须是四位年份, 如 2026")
    return args


def answer(query_string: str, state_dir: Path) -> tuple[int, dict]:
    try:
        args = parse(query_string)
        results = search_index(state_dir, args.pop("q", ""), **args)
    except (BadRequest, SearchError) as exc:
        status = 503 if "没有搜索索引" in str(exc) else 400
        return status, {"error": str(exc)}
    return 200, {
        "query": results.query,
        "total": results.total,
        "page": results.page,
        "pages": results.pages,
        "pagelen": results.pagelen,
        "hits": [asdict(h) for h in results.hits],
    }
