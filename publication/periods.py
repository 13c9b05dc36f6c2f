"""How long a decision may stay public: its own `publicity_until`, else the configured table."""
from __future__ import annotations

import calendar
from datetime import date
from functools import lru_cache
from pathlib import Path

import yaml

from records.model import Decision

PERIODS_FILE = Path(__file__).with_name("periods.yaml")


@lru_cache(maxsize=4)
def load_periods(path: str = str(PERIODS_FILE)) -> dict:
    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f)


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def publicity_end(decision: Decision, periods: dict | None = None) -> date:
    """The last day the decision may stay public."""
    if decision.publicity_until:
        return decision.publicity_until
    periods = periods or load_periods()
    if decision.kind == "reconsideration":
        months = periods["reconsideration_months"]
    else:
        table = periods["penalty_months"]
        months = max((table.get(p.type, table["other"]) for p in decision.penalties), default=table["other"])
    return add_months(decision.decided_on, months)
