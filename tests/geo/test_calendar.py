"""Working days: weekends and statutory holidays off, the administrator's exceptions on top."""

from __future__ import annotations

import datetime
from typing import Any

from ansinh.geo.calendar import add_working_days, is_working_day, working_days_between
from ansinh.geo.models import CalendarException

D = datetime.date


def test_it_skips_the_tet_break(db: Any) -> None:
    # Tết Bính Ngọ: holidays.VN gives 16–20 February 2026 (eve to 4th day), between two weekends.
    friday_before = D(2026, 2, 13)
    assert not any(is_working_day(D(2026, 2, day)) for day in range(14, 23))
    assert add_working_days(friday_before, 1) == D(2026, 2, 23)
    assert working_days_between(friday_before, D(2026, 2, 23)) == 1


def test_it_counts_a_make_up_saturday_as_a_working_day(db: Any) -> None:
    # 2025: 2 May was given off in exchange for working Saturday 26 April (a swap holidays.VN knows
    # only the day-off half of).
    friday, monday = D(2025, 4, 25), D(2025, 4, 28)
    assert not is_working_day(D(2025, 4, 26))
    assert working_days_between(friday, monday) == 1
    CalendarException.objects.create(
        date=D(2025, 4, 26), kind="working_day", reason="Make-up working day for 2 May (test example)"
    )
    assert is_working_day(D(2025, 4, 26))
    assert working_days_between(friday, monday) == 2
    assert add_working_days(friday, 1) == D(2025, 4, 26)
    assert not is_working_day(D(2025, 5, 2))


def test_it_honours_an_extra_day_off(db: Any) -> None:
    tuesday = D(2026, 3, 10)
    assert is_working_day(tuesday)
    CalendarException.objects.create(date=tuesday, kind="day_off", reason="Extra day off (test example)")
    assert not is_working_day(tuesday)
    assert add_working_days(D(2026, 3, 9), 1) == D(2026, 3, 11)


def test_it_counts_backwards_and_is_consistent_with_adding(db: Any) -> None:
    start = D(2026, 1, 28)
    for n in (0, 1, 5, 22, 60, -1, -10):
        end = add_working_days(start, n)
        if n:
            assert working_days_between(start, end) == n
    assert add_working_days(D(2026, 2, 23), -1) == D(2026, 2, 13)
    assert add_working_days(D(2026, 2, 14), 0) == D(2026, 2, 23)


def test_it_sees_exceptions_far_ahead(db: Any) -> None:
    start = D(2026, 6, 1)
    last = add_working_days(start, 200)
    CalendarException.objects.create(date=last, kind="day_off", reason="Far-ahead day off (test example)")
    assert add_working_days(start, 200) == add_working_days(last, 1)


def test_it_keeps_counting_through_a_long_closure(db: Any) -> None:
    # Sixty days off in a row: longer than the span read at first for one working day.
    start = D(2026, 6, 5)
    CalendarException.objects.bulk_create(
        CalendarException(date=start + datetime.timedelta(days=i), kind="day_off", reason="closure (example)")
        for i in range(1, 61)
    )
    assert add_working_days(start, 1) == D(2026, 8, 5)  # the 61st day after 5 June, a Wednesday
