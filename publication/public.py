"""The public shape of a decision: only fields that may be published, text already redacted."""
from __future__ import annotations

import hashlib
import json

from records.model import Decision, PublicDecision, plain


def to_public(decision: Decision, redaction, slug: str, publicity_until=None) -> PublicDecision:
    """Combine a decision's public fields with its redaction (`redaction.Redaction`).

    `publicity_until` is the last public day the publication stage worked out (the record's own
    date, or the default period of its penalty types), so readers see when it will come down.
    """
    public = PublicDecision(
        kind=decision.kind,
        id=decision.id,
        slug=slug,
        decision_no=decision.decision_no,
        decided_on=decision.decided_on,
        organ=decision.deciding_organ,
        text_html=redaction.text_html,
        text_plain=redaction.text_plain,
        parties=list(redaction.parties),
        names_natural_person=any(p.type != "organization" for p in decision.parties),
        publicity_until=publicity_until or decision.publicity_until,
        case_no=decision.case_no,
        authority_code=decision.authority_code,
        served_on=decision.served_on,
        offence=decision.offence,
        legal_basis=list(decision.legal_basis),
        penalties=list(decision.penalties),
        respondent=decision.respondent,
        original_decision_no=decision.original_decision_no,
        outcome=decision.outcome,
    )
    public.content_hash = content_hash(public)
    return public


def content_hash(public: PublicDecision) -> str:
    """A digest of what the public sees of a decision (links and dates of publication excluded)."""
    data = plain(public)
    for key in ("content_hash", "first_published_on", "reviewed_by", "reviews"):
        data.pop(key, None)
    blob = json.dumps(data, ensure_ascii=False, sort_keys=True).encode("utf-8")
    return hashlib.sha256(blob).hexdigest()
