"""Working days: holidays and adjusted working days from chinese-calendar; unknown years are approximate."""
from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar
from chinese_calendar import constants

from records.model import Penalty, PublicDecision
from stats.figures import timeliness
from stats.workdays import is_working_day, known_years, working_days_between


def penalty(decided: date, published: date) -> PublicDecision:
    return PublicDecision(kind="penalty", id="P", slug="p", decision_no="1号", decided_on=decided, organ="机关",
                          text_html="", text_plain="", parties=[], names_natural_person=False,
                          first_published_on=published, penalties=[Penalty("warning")])


def test_an_adjusted_working_weekend_counts_and_a_holiday_does_not():
    last = known_years()[1]
    saturday = min(d for d in constants.workdays if d.year == last and d.weekday() >= 5)
    holiday = min(d for d in constants.holidays if d.year == last and d.weekday() < 5)
    assert is_working_day(saturday) == (True, True)
    assert is_working_day(holiday) == (False, True)


def test_national_day_week_is_not_counted():
    # 2025-09-30 to 2025-10-10: the National Day and Mid-Autumn holidays take 1–8 October.
    days, exact = working_days_between(date(2025, 9, 30), date(2025, 10, 10))
    assert exact
    assert days == len(chinese_calendar.get_workdays(date(2025, 10, 1), date(2025, 10, 10)))
    assert days < 7


def test_the_decision_day_is_not_counted():
    monday = date(2026, 3, 2)
    assert working_days_between(monday, monday) == (0, True)
    assert working_days_between(monday, monday + timedelta(days=1)) == (1, True)


def test_a_year_the_calendar_does_not_know_falls_back_to_monday_to_friday_and_is_marked():
    unknown = known_years()[1] + 1
    start = date(unknown, 3, 1)
    days, exact = working_days_between(start, start + timedelta(days=14))
    assert not exact
    assert days == sum(1 for i in range(1, 15) if (start + timedelta(days=i)).weekday() < 5)
    figure = timeliness([penalty(date(unknown - 1, 12, 28), date(unknown, 1, 5)), penalty(date(2025, 5, 6), date(2025, 5, 7))],
                        date(unknown, 1, 5))
    assert figure["approximate"] is True and figure["approximate_decisions"] == 1
    assert figure["within_deadline"] == 2


def test_running_counts_agree_with_walking_every_day():
    import random
    from datetime import date, timedelta

    from stats.workdays import _walk, working_days_between

    r = random.Random(7)
    for _ in range(2000):  # before the anchor, across known and unknown years, empty ranges
        start = date(1998, 1, 1) + timedelta(days=r.randrange(13000))
        end = start + timedelta(days=r.randrange(-20, 800))
        assert working_days_between(start, end) == _walk(start, end), (start, end)


def test_every_day_from_2000_to_past_the_calendar_is_the_librarys_answer():
    first, last = known_years()
    day = date(2000, 1, 1)
    while day <= date(last + 2, 12, 31):
        try:
            expected = (chinese_calendar.is_workday(day), True)
        except NotImplementedError:
            expected = (day.weekday() < 5, False)
        assert is_working_day(day) == expected, day
        day += timedelta(days=1)
    assert first <= 2004 and is_working_day(date(last + 1, 1, 5))[1] is False
