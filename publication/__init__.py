"""Stage 2, decide what may be public.

Entry point: `select(decisions, today)`. Only effective, general-procedure decisions whose
offender is not a minor and whose publicity period has not ended are published. A decision
revoked, altered, confirmed illegal or invalid (by its own status, or by a reconsideration)
leaves the site with a public `Withdrawal` notice (行政处罚法 第四十八条); one whose period
ended leaves silently.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date

from publication.periods import load_periods, publicity_end
from records.model import OUTCOMES, STATUSES, URL_PREFIX, WITHDRAWING_OUTCOMES, Decision, Withdrawal


@dataclass
class Selection:
    public: list[Decision] = field(default_factory=list)
    withdrawals: list[Withdrawal] = field(default_factory=list)
    withdrawn: list[Decision] = field(default_factory=list)  # the records behind the notices
    expired: list[Decision] = field(default_factory=list)
    excluded: list[tuple[Decision, str]] = field(default_factory=list)  # never public, and why
    slugs: dict[str, str] = field(default_factory=dict)  # decision id -> slug
    ends: dict[str, date] = field(default_factory=dict)  # decision id -> last public day


# made once: `select` normalises and slugs every record of the archive on every build
_BRACKETS = str.maketrans({"(": "（", ")": "）", "[": "〔", "]": "〕", "［": "〔", "］": "〕"})
_SPACES = re.compile(r"\s+")
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def normalise_no(number: str) -> str:
    """Decision numbers as typed by different systems: no spaces, one style of brackets."""
    return _SPACES.sub("", number).translate(_BRACKETS)


def slug_for(record_id: str) -> str:
    """A URL segment from the source system's id: stable, never a name, never pinyin."""
    slug = _NOT_SLUG.sub("-", record_id.lower()).strip("-")
    if not slug or slug != record_id.lower().replace("_", "-").strip("-"):
        # ids with other characters get a short digest so that no text of the id leaks into URLs
        digest = hashlib.sha256(record_id.encode("utf-8")).hexdigest()[:12]
        slug = f"{slug[:40]}-{digest}" if slug else f"d-{digest}"
    return slug


def url_for(kind: str, slug: str) -> str:
    return f"{URL_PREFIX[kind]}/{slug}/"


def _never_public(decision: Decision, today: date) -> str | None:
    if decision.kind == "penalty" and decision.procedure == "summary":
        return "简易程序决定不予公开"
    if decision.has_minor_offender:
        return "违法行为人或申请人为未成年人, 不予公开"
    if decision.decided_on > today:
        return "决定日期晚于今天"
    return None


def _assign_slugs(decisions: list[Decision]) -> dict[str, str]:
    slugs: dict[str, str] = {}
    taken: set[str] = set()
    for d in sorted(decisions, key=lambda d: d.id):
        slug = slug_for(d.id)
        if slug in taken:  # two ids that differ only in punctuation or case
            slug = f"{slug}-{hashlib.sha256(d.id.encode()).hexdigest()[:8]}"
        taken.add(slug)
        slugs[d.id] = slug
    return slugs


def select(decisions: list[Decision], today: date, periods: dict | None = None) -> Selection:
    periods = periods or load_periods()
    sel = Selection(slugs=_assign_slugs(decisions))
    penalties_by_no = {normalise_no(d.decision_no): d for d in decisions if d.kind == "penalty"}

    # Reconsiderations that take a penalty down, by the penalty's id (the latest such decision wins).
    overturned: dict[str, Decision] = {}
    for rec in sorted((d for d in decisions if d.kind == "reconsideration"), key=lambda d: (d.decided_on, d.id)):
        if rec.status != "effective" or rec.outcome not in WITHDRAWING_OUTCOMES or not rec.original_decision_no:
            continue
        if rec.decided_on > today:
            continue
        target = penalties_by_no.get(normalise_no(rec.original_decision_no))
        if target is not None:
            overturned[target.id] = rec

    for d in sorted(decisions, key=lambda d: (d.decided_on, d.id)):
        end = publicity_end(d, periods)
        sel.ends[d.id] = end
        reason = _never_public(d, today)
        if reason:
            sel.excluded.append((d, reason))
            continue
        withdrawal = _withdrawal(d, overturned.get(d.id), sel.slugs)
        if withdrawal is not None:
            if withdrawal.withdrawn_on <= end:  # it was public when it was withdrawn: explain
                sel.withdrawals.append(withdrawal)
                sel.withdrawn.append(d)
            else:
                sel.expired.append(d)
            continue
        if today > end:
            sel.expired.append(d)
            continue
        sel.public.append(d)
    return sel


def _withdrawal(d: Decision, overturning: Decision | None, slugs: dict[str, str]) -> Withdrawal | None:
    if d.status != "effective":
        reason = d.status_reason or f"该决定{STATUSES[d.status]}"
        return Withdrawal(
            decision_id=d.id, slug=slugs[d.id], decision_no=d.decision_no, organ=d.deciding_organ,
            withdrawn_on=d.status_changed_on or d.decided_on, reason=reason, status=d.status, kind=d.kind,
        )
    if overturning is not None:
        word = OUTCOMES[overturning.outcome]
        status = {"revoked": "revoked", "altered": "altered", "confirmed_illegal": "confirmed_illegal"}.get(
            overturning.outcome, "invalid"
        )
        return Withdrawal(
            decision_id=d.id, slug=slugs[d.id], decision_no=d.decision_no, organ=d.deciding_organ,
            withdrawn_on=overturning.decided_on,
            reason=f"{overturning.organ}以{overturning.decision_no}行政复议决定{word}该处罚决定",
            status=status,
            reconsideration_slug=slugs[overturning.id], reconsideration_no=overturning.decision_no,
        )
    return None
