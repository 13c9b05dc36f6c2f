"""What of a published decision is searchable: its public fields and its redacted text, nothing else.

Both indexes (the static one for the site, whoosh for staff and the API) take their text from
here, so they search exactly the same strings; the recall tests scan the same strings too.
"""
from __future__ import annotations

from dataclasses import dataclass

from portal.filters import penalty_text
from records.model import KIND_NAMES, OUTCOMES, PENALTY_TYPES, PublicDecision


@dataclass(frozen=True)
class SearchDocument:
    decision: PublicDecision
    fields: dict[str, str]  # field name -> text, in display order

    @property
    def penalty_types(self) -> list[str]:
        return sorted({p.type for p in self.decision.penalties if p.type in PENALTY_TYPES})


def fields_of(d: PublicDecision) -> dict[str, str]:
    return {
        "decision_no": d.decision_no,
        "kind": KIND_NAMES.get(d.kind, d.kind),
        "organ": d.organ,
        "date": f"{d.decided_on.year}年{d.decided_on.month}月{d.decided_on.day}日",
        "offence": d.offence or "",
        "legal_basis": "；".join(d.legal_basis),
        "penalties": "，".join(penalty_text(p) for p in d.penalties),
        "parties": "；".join(p.label for p in d.parties if p.type != "person"),
        "other": "；".join(x for x in (d.case_no, d.respondent, d.original_decision_no,
                                        OUTCOMES.get(d.outcome or "", "")) if x),
        "text": d.text_plain,
    }


def document(d: PublicDecision) -> SearchDocument:
    return SearchDocument(d, fields_of(d))


def searchable_text(d: PublicDecision) -> str:
    """Every searchable string of a decision, one per line (for a plain substring scan)."""
    return "\n".join(v for v in fields_of(d).values() if v)
