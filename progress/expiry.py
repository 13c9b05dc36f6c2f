"""When a progress record closed: it is published until that day + PROGRESS_KEEP_CLOSED_DAYS
(the comparison is in publish.py, on the day's ordinal kept from the last build)."""
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
