"""Working days in China: public holidays and adjusted working days (调休) from `chinese-calendar`.

The library knows each year once the State Council has announced its holidays (usually in
November of the year before). For a day in a year it does not know, we count Monday to Friday
as working days and say so: every figure that used such a day is marked approximate.
"""
from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

# 行政处罚决定公示: 自作出决定之日起七个工作日内 (the credit-publicity rule).
DEADLINE_WORKING_DAYS = 7


@lru_cache(maxsize=1)
def _calendar() -> tuple[int, int, dict, dict]:
    """The years the installed calendar knows, its adjusted working days and its holidays."""
    from chinese_calendar.constants import holidays, workdays

    return min(holidays).year, max(holidays).year, workdays, holidays


def is_working_day(day: date) -> tuple[bool, bool]:
    """(is a working day, known from the calendar). Unknown years fall back to Monday–Friday.

    `chinese_calendar.is_workday`'s rule, with the known years found once: the library finds
    them again on every call (min and max over every holiday), and the running counts below
    ask for every day since 2000 (0.3-0.7 s of each build that summarised a shard)."""
    first, last, workdays, holidays = _calendar()
    if first <= day.year <= last:
        return day in workdays or (day.weekday() <= 4 and day not in holidays), True
    return day.weekday() < 5, False


_ANCHOR = date(2000, 1, 1)
_running: list[tuple[int, int]] = [(0, 0)]  # k -> (working days, unknown days) in (anchor, anchor + k]


def _upto(day: date) -> tuple[int, int]:
    k = (day - _ANCHOR).days
    while len(_running) <= k:
        working, known = is_working_day(_ANCHOR + timedelta(days=len(_running)))
        last = _running[-1]
        _running.append((last[0] + working, last[1] + (not known)))
    return _running[k]


def working_days_between(start: date, end: date) -> tuple[int, bool]:
    """Working days after `start` up to and including `end` (the first day is not counted, as in
    the law's reckoning of periods), and whether every day was known to the calendar.

    Running counts from 2000-01-01 make it two look-ups, not a walk over every day between
    (once per decision and figure on every build)."""
    if end <= start:
        return 0, True
    if start < _ANCHOR:
        return _walk(start, end)
    (w0, u0), (w1, u1) = _upto(start), _upto(end)
    return w1 - w0, u1 == u0


def _walk(start: date, end: date) -> tuple[int, bool]:
    count, exact = 0, True
    day = start + timedelta(days=1)
    while day <= end:
        working, known = is_working_day(day)
        count += working
        exact = exact and known
        day += timedelta(days=1)
    return count, exact


def known_years() -> tuple[int, int]:
    """The first and last year the installed calendar knows."""
    from chinese_calendar import constants

    years = [d.year for d in constants.holidays]
    return min(years), max(years)
