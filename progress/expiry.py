"""Whether a progress record is still published on a given day."""
from __future__ import annotations

import datetime

from records.model import ProgressRecord

CLOSING_STAGES = {"closed", "dropped"}  # 结案, 撤案


def closed_on(record: ProgressRecord) -> datetime.date | None:
    """The day of the closing event, when the latest event closes the case; None while it is open."""
    if not record.events:
        return None
    last = max(record.events, key=lambda e: e.at)
    return last.at.date() if last.stage in CLOSING_STAGES else None


def still_published(record: ProgressRecord, today: datetime.date, keep_closed_days: int) -> bool:
    closed = closed_on(record)
    return closed is None or today <= closed + datetime.timedelta(days=keep_closed_days)
