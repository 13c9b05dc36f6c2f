"""Plain data passed from stage to stage.

`records.load_exports` produces these from the export files; `publication` decides which
may be public; `redaction` turns a `Decision` into a `PublicDecision` (the only shape any
public stage ever sees); `portal`, `search`, `stats`, `progress` and `gate` consume them.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

PENALTY_TYPES = {
    "warning": "警告",
    "fine": "罚款",
    "confiscation": "没收违法所得、非法财物",
    "suspension": "暂扣许可证件",
    "revocation": "吊销许可证件",
    "detention": "行政拘留",
    "closure": "责令停产停业、关闭",
    "other": "其他",
}
OUTCOMES = {
    "upheld": "维持",
    "revoked": "撤销",
    "altered": "变更",
    "confirmed_illegal": "确认违法",
    "confirmed_invalid": "确认无效",
    "ordered_to_perform": "责令履行",
    "dismissed": "驳回",
}
# Outcomes of a reconsideration that take the reviewed penalty off the site (行政处罚法 第四十八条).
WITHDRAWING_OUTCOMES = {"revoked", "altered", "confirmed_illegal", "confirmed_invalid"}
STATUSES = {
    "effective": "有效",
    "revoked": "已撤销",
    "altered": "已变更",
    "confirmed_illegal": "被确认违法",
    "invalid": "被确认无效",
    "withdrawn": "已撤回",
}
PARTY_ROLES = {
    "offender": "违法行为人",
    "victim": "被侵害人",
    "witness": "证人",
    "applicant": "申请人",
    "third_party": "第三人",
    "agent": "代理人",
    "legal_representative": "法定代表人",
}
PARTY_TYPES = {"person": "自然人", "organization": "单位", "sole_proprietor": "个体工商户"}
PROGRESS_STAGES = {
    "received": "接报",
    "accepted": "受案",
    "not_accepted": "不予受案",
    "filed": "立案",
    "not_filed": "不予立案",
    "investigating": "调查取证",
    "notified": "告知拟处罚",
    "decided": "作出决定",
    "served": "送达",
    "executed": "执行",
    "transferred": "移送",
    "closed": "结案",
    "dropped": "撤案",
}
CASE_TYPES = {"administrative": "行政案件", "criminal": "刑事案件"}
KIND_NAMES = {"penalty": "行政处罚决定书", "reconsideration": "行政复议决定书"}
# Where each kind of decision lives on the site: <prefix>/<slug>/
URL_PREFIX = {"penalty": "decisions", "reconsideration": "reconsiderations"}


# Classes with many instances (one or more per record) have __slots__: no per-object dict, and
# none made when the object is pickled into a cache (Python 3.11 makes one then and keeps it).
@dataclass(frozen=True, slots=True)
class Source:
    """Where a record came from: the export file and its position in that file."""

    file: str
    index: int | None = None  # position in a list; None when the file holds one record
    exported_at: datetime | None = None

    def where(self, record_id: str | None = None) -> str:
        place = self.file
        if self.index is not None:
            place += f" 第{self.index + 1}条"
        if record_id:
            place += f" (id={record_id})"
        return place


@dataclass
class Party:
    role: str
    type: str
    name: str | None = None
    id_type: str | None = None
    id_number: str | None = None
    credit_code: str | None = None
    legal_representative: str | None = None
    gender: str | None = None
    birth_date: str | None = None
    ethnicity: str | None = None
    occupation: str | None = None
    employer: str | None = None
    address: str | None = None
    phone: str | None = None
    email: str | None = None
    minor: bool = False

    @property
    def is_person(self) -> bool:
        return self.type == "person"


@dataclass(slots=True)
class Penalty:
    type: str
    amount: float | None = None  # yuan
    days: int | None = None
    item: str | None = None


def _texts_kept_encoded(cls, *names: str):
    """The long texts of a record class (`names`) are pickled as UTF-8 bytes and decoded when
    first read. A build loads every record of the archive from its caches (the parsed exports,
    the redaction memo) and reads the texts of only the few it parses, redacts or renders again:
    decoding the others' texts was half the memo's loading (10k decisions, 44 MB: 0.16-0.28 s,
    0.09-0.13 s without the texts). Pickled copies (the caches, a pool's tasks) hold bytes; the
    record itself, its fields, equality and `plain` are unchanged."""
    def attribute(name: str) -> property:
        slot = "_" + name

        def read(self):
            try:
                value = self.__dict__[slot]
            except KeyError:  # pickled before the texts were kept so (every cache holding one is versioned by this file)
                value = self.__dict__[slot] = self.__dict__.pop(name)
            if type(value) is bytes:
                value = self.__dict__[slot] = value.decode("utf-8", "surrogatepass")
            return value

        def write(self, value) -> None:
            self.__dict__[slot] = value

        return property(read, write)

    def __getstate__(self):
        state = dict(self.__dict__)
        for name in names:
            value = state.get("_" + name)
            if type(value) is str:
                state["_" + name] = value.encode("utf-8", "surrogatepass")
        return state

    for name in names:
        setattr(cls, name, attribute(name))
    cls.__getstate__ = __getstate__
    return cls


@dataclass
class Decision:
    """A 行政处罚决定书 (kind 'penalty') or a 行政复议决定书 (kind 'reconsideration'), as exported."""

    kind: str
    id: str
    decision_no: str
    decided_on: date
    text: str
    parties: list[Party]
    source: Source
    status: str = "effective"
    status_reason: str | None = None
    status_changed_on: date | None = None
    publicity_until: date | None = None
    # penalty
    case_no: str | None = None
    authority: str | None = None
    authority_code: str | None = None
    procedure: str = "general"
    served_on: date | None = None
    offence: str | None = None
    legal_basis: list[str] = field(default_factory=list)
    penalties: list[Penalty] = field(default_factory=list)
    # reconsideration
    organ: str | None = None
    respondent: str | None = None
    original_decision_no: str | None = None
    outcome: str | None = None

    @property
    def deciding_organ(self) -> str:
        return (self.authority if self.kind == "penalty" else self.organ) or ""

    @property
    def has_minor_offender(self) -> bool:
        return any(p.minor and p.role in ("offender", "applicant") for p in self.parties)


_texts_kept_encoded(Decision, "text")


@dataclass(slots=True)
class ProgressEvent:
    at: datetime
    stage: str
    note: str | None = None


@dataclass
class ProgressRecord:
    case_no: str
    query_code: str
    case_type: str
    authority: str
    events: list[ProgressEvent]
    source: Source
    contact_phone: str | None = None


def _unpickled_by_init(*classes) -> None:
    """Slots dataclasses pickled as their class and field values and unpickled by calling the
    class. Python 3.11 unpickles a slots dataclass with its `__setstate__`, which asks
    `dataclasses.fields()` again for every object: a 10k build unpickles ~25,000 of them (a
    `Source` and `Penalty` or two per record), and both caches loaded in 0.48 s this way against
    0.63 s (medians of 12 loads, interleaved). A cache pickled before is still read (the
    `__setstate__` stays), and every cache holding these is versioned by this file."""
    from dataclasses import fields

    for cls in classes:
        def __reduce__(self, cls=cls, names=tuple(f.name for f in fields(cls) if f.init)):
            return cls, tuple(getattr(self, name) for name in names)

        cls.__reduce__ = __reduce__


_unpickled_by_init(Source, Penalty, ProgressEvent)


@dataclass
class Problem:
    """One thing wrong with the input, phrased for the staff member who must fix it."""

    file: str
    record: str  # the record's id, or its position ("第3条") when it has none
    field: str | None
    reason: str

    def __str__(self) -> str:
        where = f"{self.file} [{self.record}]"
        if self.field:
            where += f" 字段 {self.field}"
        return f"{where}: {self.reason}"


@dataclass(slots=True)
class PublicParty:
    """What the public may see of a party: a pseudonym for a person, the name of an organisation."""

    role: str
    type: str
    label: str  # 张某甲 for a person; the organisation's name otherwise
    credit_code: str | None = None


_unpickled_by_init(PublicParty)


@dataclass
class PublicDecision:
    """A decision after redaction: every field here may be published."""

    kind: str
    id: str
    slug: str  # stable, derived from the id: never a name, never pinyin
    decision_no: str
    decided_on: date
    organ: str  # the deciding organ (authority of a penalty, organ of a reconsideration)
    text_html: str  # redacted and sanitised
    text_plain: str  # the same text without markup, for search and open data
    parties: list[PublicParty]
    names_natural_person: bool  # a person is a party: pages carry noindex by default
    publicity_until: date | None = None
    first_published_on: date | None = None
    # penalty
    case_no: str | None = None
    authority_code: str | None = None
    served_on: date | None = None
    offence: str | None = None
    legal_basis: list[str] = field(default_factory=list)
    penalties: list[Penalty] = field(default_factory=list)
    # reconsideration
    respondent: str | None = None
    original_decision_no: str | None = None
    outcome: str | None = None
    # links filled in by publication (both ways between a penalty and its reconsiderations)
    reviewed_by: list[str] = field(default_factory=list)  # slugs of reconsiderations
    reviews: str | None = None  # slug of the reviewed penalty, when published
    content_hash: str = ""

    @property
    def title(self) -> str:
        return self.decision_no

    @property
    def url(self) -> str:
        return f"{URL_PREFIX[self.kind]}/{self.slug}/"

    @property
    def year(self) -> int:
        return self.decided_on.year


_texts_kept_encoded(PublicDecision, "text_html", "text_plain")


@dataclass
class Withdrawal:
    """A public notice that a decision left the site before its time, and why (行政处罚法 第四十八条)."""

    decision_id: str
    slug: str
    decision_no: str
    organ: str
    withdrawn_on: date  # the date the status changed, or the reconsideration's date
    reason: str
    status: str  # revoked / altered / confirmed_illegal / invalid / withdrawn
    reconsideration_slug: str | None = None
    reconsideration_no: str | None = None
    kind: str = "penalty"

    @property
    def url(self) -> str:
        """The notice takes the withdrawn decision's place, so old links explain what happened."""
        return f"{URL_PREFIX[self.kind]}/{self.slug}/"


_FIELDS: dict[type, tuple[str, ...]] = {}


def plain(value: Any) -> Any:
    """A JSON-friendly copy of a record (dates as ISO strings).

    The same result as `dataclasses.asdict` followed by the conversion of dates, without its deep
    copies of every leaf: called for every record of every build (cache keys, content hashes)."""
    if value is None or isinstance(value, (str, int, float)):
        return value
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    names = _FIELDS.get(type(value))
    if names is None:
        from dataclasses import fields, is_dataclass

        if not is_dataclass(value) or isinstance(value, type):
            return value
        names = _FIELDS[type(value)] = tuple(f.name for f in fields(value))
    return {name: plain(getattr(value, name)) for name in names}
