"""The OpenAPI 3.1 description of `/api/search`, served at `/api/openapi.json`."""
from __future__ import annotations

from server.api import PARAMS

_HIT = {
    "type": "object",
    "properties": {
        "decision_no": {"type": "string", "description": "决定书文号"},
        "kind": {"type": "string", "enum": ["penalty", "reconsideration"]},
        "kind_name": {"type": "string"},
        "organ": {"type": "string", "description": "作出机关"},
        "date": {"type": "string", "format": "date", "description": "决定日期"},
        "url": {"type": "string", "description": "决定书页面, 相对站点根目录"},
        "offence": {"type": ["string", "null"]},
        "penalty_types": {"type": "array", "items": {"type": "string"}},
        "snippet": {"type": "string", "description": "匹配处附近的文字, 匹配部分以 [[ ]] 标出"},
        "snippet_html": {"type": "string", "description": "同上, 已转义, 匹配部分以 <mark> 标出"},
        "score": {"type": "number"},
    },
}
_ERROR = {"type": "object", "properties": {"error": {"type": "string"}}, "required": ["error"]}


def openapi() -> dict:
    params = []
    for name, text in PARAMS.items():
        schema = {"type": "integer", "minimum": 1} if name == "page" else {"type": "string"}
        if name == "year":
            schema = {"type": "string", "pattern": "^[0-9]{4}$"}
        params.append({"name": name, "in": "query", "required": False, "description": text, "schema": schema})
    return {
        "openapi": "3.1.0",
        "info": {"title": "行政处罚与行政复议决定搜索接口", "version": "1",
                 "description": "只读。只检索已公开、已去除个人信息的决定书。撤回或到期的决定书不在索引中。"},
        "paths": {
            "/api/search": {
                "get": {
                    "summary": "检索已公开的决定书",
                    "parameters": params,
                    "responses": {
                        "200": {"description": "按相关度 (或日期) 排列的结果", "content": {"application/json": {"schema": {
                            "type": "object",
                            "properties": {"query": {"type": "string"}, "total": {"type": "integer"},
                                           "page": {"type": "integer"}, "pages": {"type": "integer"},
                                           "pagelen": {"type": "integer"}, "hits": {"type": "array", "items": _HIT}},
                        }}}},
                        "400": {"description": "参数有误, error 说明原因", "content": {"application/json": {"schema": _ERROR}}},
                        "503": {"description": "尚未建立搜索索引", "content": {"application/json": {"schema": _ERROR}}},
                    },
                }
            }
        },
    }
