"""Open data: every published decision, one row each, with only public, redacted fields.

Two files, written by the statistics stage (`stats.publish_stats`): `data/decisions.csv` (UTF-8
with a byte-order mark, so Excel opens it) and `data/decisions.json`. Withdrawn and expired
decisions are not published, so they are not here either. `FIELDS` is the reference documented
on the open-data page (content/pages/open-data.md); a test keeps the two in step.

Both files are assembled from parts: `summarise(decisions, origin)` turns one shard's decisions
into its rows, already written as CSV lines and JSON records, each with its sort key;
`merge(summaries, today)` merges the parts' rows by that key (the files' order: penalties first,
then by decision date, number and id) and joins them. Whatever the split, the bytes are those of
`csv_bytes(rows(...))` and `json_bytes(...)` over all decisions in one piece.
"""
from __future__ import annotations

import csv
import heapq
import io
import json
from datetime import date

from records.model import KIND_NAMES, OUTCOMES, PENALTY_TYPES, PublicDecision

LICENCE = {
    "name": "知识共享 署名 4.0 国际许可协议 (CC BY 4.0)",
    "url": "https://creativecommons.org/licenses/by/4.0/deed.zh-hans",
    "attribution": "行政处罚与行政复议决定公开平台",
}
# name -> meaning, in the order of the CSV columns
FIELDS = {
    "decision_no": "决定书文号",
    "kind": "决定种类代码: penalty 行政处罚决定, reconsideration 行政复议决定",
    "kind_name": "决定种类 (中文)",
    "organ": "作出决定的机关 (处罚决定为执法机关, 复议决定为复议机关)",
    "authority_code": "执法机关统一社会信用代码 (仅处罚决定)",
    "decided_on": "决定日期 (YYYY-MM-DD)",
    "served_on": "送达日期 (仅处罚决定, 可能为空)",
    "first_published_on": "本站首次公开日期 (来自审计日志)",
    "publicity_until": "导出数据载明的公示截止日期 (可能为空), 此后自本站撤下",
    "offence": "违法行为 (仅处罚决定)",
    "legal_basis": "处罚依据; CSV 中多条以“；”分隔, JSON 中为列表",
    "penalty_types": "处罚种类代码; CSV 中以“；”分隔, JSON 中为列表 (warning, fine, confiscation, suspension, revocation, detention, closure, other)",
    "penalties": "处罚内容 (中文, 如“罚款500元，行政拘留5日”); JSON 中另有结构化列表 penalty_items",
    "fine_amount": "罚款合计 (元), 无罚款为空",
    "detention_days": "行政拘留合计 (日), 无拘留为空",
    "confiscation_amount": "没收金额合计 (元), 无金额为空",
    "respondent": "被申请人 (仅复议决定)",
    "original_decision_no": "被复议的原处罚决定文号 (仅复议决定)",
    "outcome": "复议结果代码 (仅复议决定: upheld, revoked, altered, confirmed_illegal, confirmed_invalid, ordered_to_perform, dismissed)",
    "outcome_name": "复议结果 (中文)",
    "url": "本站上该决定书页面的完整地址",
}


def _sum(d: PublicDecision, kind: str, attr: str):
    values = [getattr(p, attr) for p in d.penalties if p.type == kind and getattr(p, attr) is not None]
    if not values:
        return None
    total = round(sum(values), 2)
    return int(total) if total == int(total) else total


def row(d: PublicDecision, origin: str) -> dict:
    from portal.filters import penalties_text

    return {
        "decision_no": d.decision_no,
        "kind": d.kind,
        "kind_name": KIND_NAMES[d.kind],
        "organ": d.organ,
        "authority_code": d.authority_code,
        "decided_on": d.decided_on.isoformat(),
        "served_on": d.served_on.isoformat() if d.served_on else None,
        "first_published_on": d.first_published_on.isoformat() if d.first_published_on else None,
        "publicity_until": d.publicity_until.isoformat() if d.publicity_until else None,
        "offence": d.offence,
        "legal_basis": list(d.legal_basis),
        "penalty_types": sorted({p.type for p in d.penalties}, key=list(PENALTY_TYPES).index),
        "penalties": penalties_text(d.penalties),
        "fine_amount": _sum(d, "fine", "amount"),
        "detention_days": _sum(d, "detention", "days"),
        "confiscation_amount": _sum(d, "confiscation", "amount"),
        "respondent": d.respondent,
        "original_decision_no": d.original_decision_no,
        "outcome": d.outcome,
        "outcome_name": OUTCOMES.get(d.outcome) if d.outcome else None,
        "url": f"{origin.rstrip('/')}/{d.url}",
    }


def order(d: PublicDecision) -> tuple:
    return (d.kind != "penalty", d.decided_on, d.decision_no, d.id)


def ordered(decisions: list[PublicDecision]) -> list[PublicDecision]:
    return sorted(decisions, key=order)


def rows(decisions: list[PublicDecision], origin: str) -> list[dict]:
    return [row(d, origin) for d in ordered(decisions)]


def csv_bytes(table: list[dict]) -> bytes:
    return _csv_file([csv_line(r) for r in table])


def _csv_file(lines: list[str]) -> bytes:
    return "\ufeff".encode("utf-8") + (_line(list(FIELDS)) + "".join(lines)).encode("utf-8")


def _line(cells: list[str]) -> str:
    buf = io.StringIO(newline="")
    csv.writer(buf, lineterminator="\r\n").writerow(cells)
    return buf.getvalue()


def csv_line(r: dict) -> str:
    """One row of decisions.csv, with its line end (csv quoting is per row: lines join as one file)."""
    return _line([_cell(r[name]) for name in FIELDS])


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "；".join(value)
    return str(value)


def penalty_items(d: PublicDecision) -> list[dict]:
    return [{"type": p.type, "type_name": PENALTY_TYPES.get(p.type, p.type), "amount": p.amount, "days": p.days,
             "item": p.item} for p in d.penalties]


def record(d: PublicDecision, origin: str) -> dict:
    return {**row(d, origin), "penalty_items": penalty_items(d)}


def json_bytes(decisions: list[PublicDecision], origin: str, today: date) -> bytes:
    return _json_file([json_record(record(d, origin)) for d in ordered(decisions)], today)


def json_record(value: dict) -> str:
    """One record as it stands in decisions.json: indented two levels (document, list)."""
    return "  " + json.dumps(value, ensure_ascii=False, indent=1).replace("\n", "\n  ")


def _json_file(records: list[str], today: date) -> bytes:
    head = {"generated_on": today.isoformat(), "licence": LICENCE, "count": len(records), "fields": FIELDS}
    if not records:
        return (json.dumps({**head, "decisions": []}, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
    text = json.dumps({**head, "decisions": [0]}, ensure_ascii=False, indent=1)
    cut = text.rindex("  0\n ]\n}")  # the one placeholder record, at the end of the document
    return (text[:cut] + ",\n".join(records) + text[cut + 3:] + "\n").encode("utf-8")


def summarise(decisions: list[PublicDecision], origin: str, earlier: dict | None = None) -> dict:
    """One part's rows: {"origin": origin, "rows": [[sort key, CSV line, JSON record, identity],
    ...]} in the files' order (plain data; the sort key is [0 penalty / 1 reconsideration, date,
    number, id]; the identity is what the row is made from, `identity(d)`). `earlier`: an earlier
    summary of the same part, whose rows are taken again for the decisions whose identity and
    origin are unchanged (a daily build's shard: 10k, ten new decisions in three shards, 1,481
    rows written again, 0.31 s of JSON and CSV)."""
    reuse = ({r[3]: r for r in earlier["rows"] if len(r) > 3}
             if earlier is not None and earlier.get("origin") == origin else {})
    rows_ = []
    for d in ordered(decisions):
        made = identity(d)
        old = reuse.get(made)
        if old is not None:
            rows_.append(old)
            continue
        r = row(d, origin)
        rows_.append([[int(d.kind != "penalty"), d.decided_on.isoformat(), d.decision_no, d.id], csv_line(r),
                      json_record({**r, "penalty_items": penalty_items(d)}), made])
    return {"origin": origin, "rows": rows_}


def identity(d: PublicDecision) -> str:
    """What a decision's row is made of besides the origin: its id, what the public sees of it
    (`content_hash`; its page's address is part of it) and its first publication date."""
    from publication.public import content_hash

    published = d.first_published_on.isoformat() if d.first_published_on else ""
    return f"{d.id}\t{d.content_hash or content_hash(d)}\t{published}"


def merge(summaries: list[dict], today: date) -> tuple[bytes, bytes]:
    """(decisions.csv, decisions.json) of the union of the parts."""
    origins = {s["origin"] for s in summaries}
    if len(origins) > 1:
        raise ValueError(f"开放数据的各部分使用了不同的网站地址: {sorted(origins)}")
    merged = list(heapq.merge(*(s["rows"] for s in summaries), key=lambda r: r[0]))
    return _csv_file([r[1] for r in merged]), _json_file([r[2] for r in merged], today)

