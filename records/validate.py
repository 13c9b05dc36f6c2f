"""Turn a raw export record into a `Decision` or `ProgressRecord`, or say precisely what is wrong.

Every message names the file, the record (its id, or its position) and the field.
Fields the contract does not list are kept out of the model and ignored, never an error.
"""
from __future__ import annotations

from datetime import date, datetime

from records.loader import RawRecord
from records.model import (
    CASE_TYPES,
    OUTCOMES,
    PARTY_ROLES,
    PARTY_TYPES,
    PENALTY_TYPES,
    PROGRESS_STAGES,
    STATUSES,
    Decision,
    Party,
    Penalty,
    Problem,
    ProgressEvent,
    ProgressRecord,
    Source,
)

KINDS = ("penalty", "reconsideration", "progress")
PARTY_TEXT_FIELDS = (
    "name", "id_type", "id_number", "credit_code", "legal_representative", "gender",
    "ethnicity", "occupation", "employer", "address", "phone", "email",
)


class Invalid(Exception):
    """Raised inside validation; collected as a `Problem`."""

    def __init__(self, field: str, reason: str):
        super().__init__(reason)
        self.field, self.reason = field, reason


class _Fields:
    """Typed access to one mapping, raising `Invalid` with the field's dotted name."""

    def __init__(self, data: dict, prefix: str = ""):
        self.data, self.prefix = data, prefix

    def name(self, key: str) -> str:
        return f"{self.prefix}{key}"

    def text(self, key: str, required: bool = False) -> str | None:
        value = self.data.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                raise Invalid(self.name(key), "必填字段缺失或为空")
            return None
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise Invalid(self.name(key), f"应为文本, 实为 {type(value).__name__}")
        return str(value).strip()

    def choice(self, key: str, allowed, default: str | None = None, required: bool = False) -> str | None:
        value = self.text(key, required=required)
        if value is None:
            return default
        if value not in allowed:
            raise Invalid(self.name(key), f"取值 {value!r} 无效, 应为 {', '.join(allowed)} 之一")
        return value

    def date(self, key: str, required: bool = False) -> date | None:
        value = self.data.get(key)
        if value is None or value == "":
            if required:
                raise Invalid(self.name(key), "必填日期缺失")
            return None
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        if isinstance(value, str):
            try:
                return date.fromisoformat(value.strip()[:10]) if len(value.strip()) >= 10 else date.fromisoformat(value.strip())
            except ValueError:
                raise Invalid(self.name(key), f"日期 {value!r} 不存在或不是 ISO 8601 格式 (如 2026-10-12)") from None
        raise Invalid(self.name(key), f"日期 {value!r} 不是 ISO 8601 格式 (如 2026-10-12)")

    def time(self, key: str, required: bool = False) -> datetime | None:
        value = self.data.get(key)
        if value is None or value == "":
            if required:
                raise Invalid(self.name(key), "必填时间缺失")
            return None
        if isinstance(value, datetime):
            return value
        if isinstance(value, date):
            return datetime(value.year, value.month, value.day)
        if isinstance(value, str):
            try:
                return datetime.fromisoformat(value.strip())
            except ValueError:
                raise Invalid(self.name(key), f"时间 {value!r} 不存在或不是 ISO 8601 格式 (如 2026-10-01T09:30:00+08:00)") from None
        raise Invalid(self.name(key), f"时间 {value!r} 不是 ISO 8601 格式")

    def number(self, key: str, integer: bool = False) -> float | int | None:
        value = self.data.get(key)
        if value is None or value == "":
            return None
        if isinstance(value, bool):
            raise Invalid(self.name(key), "应为数字")
        try:
            number = float(str(value).replace(",", "").strip())
        except ValueError:
            raise Invalid(self.name(key), f"{value!r} 不是数字") from None
        if number < 0:
            raise Invalid(self.name(key), f"{value!r} 不能为负数")
        if integer:
            if number != int(number):
                raise Invalid(self.name(key), f"{value!r} 应为整数")
            return int(number)
        return int(number) if number == int(number) else number

    def boolean(self, key: str) -> bool:
        value = self.data.get(key, False)
        if isinstance(value, bool):
            return value
        if value in (None, ""):
            return False
        if isinstance(value, str) and value.strip().lower() in ("true", "yes", "是", "1"):
            return True
        if isinstance(value, str) and value.strip().lower() in ("false", "no", "否", "0"):
            return False
        raise Invalid(self.name(key), f"{value!r} 应为 true 或 false")

    def items(self, key: str, required: bool = False, allow_text: bool = False) -> list:
        value = self.data.get(key)
        if value is None or value == []:
            if required:
                raise Invalid(self.name(key), "必填列表缺失或为空")
            return []
        if allow_text and isinstance(value, str):
            return [value]
        if not isinstance(value, list):
            raise Invalid(self.name(key), "应为列表")
        return value

    def mapping(self, key: str, index: int, value) -> "_Fields":
        if not isinstance(value, dict):
            raise Invalid(f"{self.name(key)}[{index}]", "应为映射 (键: 值)")
        return _Fields(value, f"{self.name(key)}[{index}].")


def _party(f: _Fields) -> Party:
    values = {key: f.text(key) for key in PARTY_TEXT_FIELDS}
    party = Party(
        role=f.choice("role", PARTY_ROLES, required=True),
        type=f.choice("type", PARTY_TYPES, default="person"),
        birth_date=(d.isoformat() if (d := f.date("birth_date")) else None),
        minor=f.boolean("minor"),
        **values,
    )
    if not party.name:
        raise Invalid(f.name("name"), "当事人姓名或名称缺失")
    return party


def _parties(f: _Fields) -> list[Party]:
    return [_party(f.mapping("parties", i, p)) for i, p in enumerate(f.items("parties", required=True))]


def _penalty(f: _Fields) -> Penalty:
    penalty = Penalty(
        type=f.choice("type", PENALTY_TYPES, required=True),
        amount=f.number("amount"),
        days=f.number("days", integer=True),
        item=f.text("item"),
    )
    if penalty.type == "fine" and penalty.amount is None:
        raise Invalid(f.name("amount"), "罚款须注明金额 (元)")
    if penalty.type == "detention" and penalty.days is None:
        raise Invalid(f.name("days"), "行政拘留须注明天数")
    return penalty


def _common(f: _Fields, kind: str, source: Source) -> dict:
    record_id = f.text("id", required=True)
    return dict(
        kind=kind,
        id=record_id,
        decision_no=f.text("decision_no", required=True),
        decided_on=f.date("decided_on", required=True),
        text=f.text("text", required=True),
        status=f.choice("status", STATUSES, default="effective"),
        status_reason=f.text("status_reason"),
        status_changed_on=f.date("status_changed_on"),
        publicity_until=f.date("publicity_until"),
        source=source,
    )


def _penalty_decision(f: _Fields, source: Source) -> Decision:
    common = _common(f, "penalty", source)
    return Decision(
        **common,
        parties=_parties(f),
        case_no=f.text("case_no"),
        authority=f.text("authority", required=True),
        authority_code=f.text("authority_code"),
        procedure=f.choice("procedure", ("general", "summary"), default="general"),
        served_on=f.date("served_on"),
        offence=f.text("offence", required=True),
        legal_basis=[
            _citation(f, i, c) for i, c in enumerate(f.items("legal_basis", required=True, allow_text=True))
        ],
        penalties=[_penalty(f.mapping("penalties", i, p)) for i, p in enumerate(f.items("penalties", required=True))],
    )


def _citation(f: _Fields, index: int, value) -> str:
    if not isinstance(value, str) or not value.strip():
        raise Invalid(f"{f.name('legal_basis')}[{index}]", "法律依据应为非空文本")
    return value.strip()


def _reconsideration(f: _Fields, source: Source) -> Decision:
    common = _common(f, "reconsideration", source)
    return Decision(
        **common,
        parties=_parties(f),
        organ=f.text("organ", required=True),
        respondent=f.text("respondent", required=True),
        original_decision_no=f.text("original_decision_no"),
        outcome=f.choice("outcome", OUTCOMES, required=True),
    )


def _progress(f: _Fields, source: Source) -> ProgressRecord:
    events = []
    for i, raw in enumerate(f.items("events", required=True)):
        e = f.mapping("events", i, raw)
        events.append(ProgressEvent(at=e.time("at", required=True), stage=e.choice("stage", PROGRESS_STAGES, required=True), note=e.text("note")))
    return ProgressRecord(
        case_no=f.text("case_no", required=True),
        query_code=f.text("query_code", required=True),
        case_type=f.choice("case_type", CASE_TYPES, required=True),
        authority=f.text("authority", required=True),
        contact_phone=f.text("contact_phone"),
        events=events,
        source=source,
    )


BUILDERS = {"penalty": _penalty_decision, "reconsideration": _reconsideration, "progress": _progress}


def record_label(raw: RawRecord) -> str:
    """How a message names a record: its id (or case number), else its position in the file."""
    data = raw.data
    for key in ("id", "case_no"):
        value = data.get(key)
        if isinstance(value, (str, int)) and str(value).strip():
            return f"{key}={value}" if key != "id" else str(value)
    return f"第{(raw.source.index or 0) + 1}条"


def validate(raw: RawRecord) -> tuple[Decision | ProgressRecord | None, Problem | None]:
    """One record in, the typed record or the first problem with it out."""
    f = _Fields(raw.data)
    try:
        kind = f.text("kind", required=True)
        if kind not in BUILDERS:
            raise Invalid("kind", f"未知的记录类型 {kind!r}, 应为 {', '.join(KINDS)} 之一")
        exported_at = f.time("exported_at")
        source = Source(raw.source.file, raw.source.index, exported_at)
        return BUILDERS[kind](f, source), None
    except Invalid as exc:
        return None, Problem(raw.source.file, record_label(raw), exc.field, exc.reason)
