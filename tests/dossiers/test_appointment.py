"""The appointment: the procedure's limit counted on the working-day calendar in working hours (07:00–11:30,
13:30–17:00 by the data). Each expected value is a hand computation written beside it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from ansinh.dossiers.procedures import appointment, moved_by_pause, procedure
from ansinh.geo.models import CalendarException


def at(*args: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime(*args))


def test_a_friday_1630_receipt_with_five_working_days(db: Any) -> None:
    certificate = procedure("poverty_certificate", dt.date(2026, 3, 6))
    assert certificate.limit_working_days == 5
    # 5 days = 40 working hours. Fri 6 Mar 16:30–17:00: 0.5 h; Mon 9 – Thu 12: 4 × 8 = 32 h (32.5);
    # Fri 13: 07:00–11:30 4.5 h (37), then 3 h from 13:30 → 16:30.
    got = appointment(certificate, at(2026, 3, 6, 16, 30))
    assert got.due == at(2026, 3, 13, 16, 30)
    assert got.started == at(2026, 3, 6, 16, 30)


def test_a_receipt_after_closing_counts_from_the_next_working_morning(db: Any) -> None:
    certificate = procedure("poverty_certificate", dt.date(2026, 3, 6))
    # Fri 6 Mar 17:45 is after closing: the clock starts Mon 9 at 07:00; 40 h = Mon–Fri full → Fri 13 17:00.
    got = appointment(certificate, at(2026, 3, 6, 17, 45))
    assert got.started == at(2026, 3, 9, 7, 0)
    assert got.due == at(2026, 3, 13, 17, 0)
    # In the lunch break: from 13:30. Tue 10 13:30–17:00 3.5 h; Wed 11 – Mon 16: 4 × 8 = 32 h (35.5);
    # Tue 17 07:00–11:30 the last 4.5 h: due at 11:30, the end of a window, not the next opening.
    got = appointment(certificate, at(2026, 3, 10, 12, 0))
    assert got.started == at(2026, 3, 10, 13, 30)
    assert got.due == at(2026, 3, 17, 11, 30)


def test_a_limit_spanning_tet_and_a_make_up_saturday(db: Any) -> None:
    # Test examples of an official notice: Mon 23 Feb 2026 off, Sat 28 Feb a make-up working day.
    CalendarException.objects.create(date=dt.date(2026, 2, 23), kind="day_off", reason="test example")
    CalendarException.objects.create(date=dt.date(2026, 2, 28), kind="working_day", reason="test example")
    pension = procedure("social_pension", dt.date(2026, 2, 11))
    assert pension.limit_working_days == 10
    # 80 h from Wed 11 Feb 09:00: Wed 2.5 + 3.5 = 6 h; Thu 12: 14; Fri 13: 22; Sat 14 – Mon 23 off (weekend,
    # Tết 16–20 from holidays.VN, weekend, the notice's day off); Tue 24: 30; Wed 25: 38; Thu 26: 46;
    # Fri 27: 54; Sat 28 (make-up): 62; Mon 2 Mar: 70; Tue 3: 78; Wed 4: 2 h from 07:00 → 09:00.
    assert appointment(pension, at(2026, 2, 11, 9, 0)).due == at(2026, 3, 4, 9, 0)
    # Without the make-up Saturday the last two hours fall on Thu 5 Mar.
    CalendarException.objects.filter(date=dt.date(2026, 2, 28)).delete()
    assert appointment(pension, at(2026, 2, 11, 9, 0)).due == at(2026, 3, 5, 9, 0)


def test_a_supplement_requested_on_day_2_and_answered_on_day_6(db: Any) -> None:
    certificate = procedure("poverty_certificate", dt.date(2026, 3, 9))
    # Received Mon 9 Mar (day 1) 08:00: 40 h → Mon 16 Mar 08:00.
    due = appointment(certificate, at(2026, 3, 9, 8, 0)).due
    assert due == at(2026, 3, 16, 8, 0)
    # Paused Tue 10 (day 2) 10:00, answered Mon 16 (day 6) 14:00. Paused working time: Tue 1.5 + 3.5 = 5 h,
    # Wed–Fri 24 h, Mon 4.5 + 0.5 h = 34 h. Left at the pause: 5 + 24 + 1 = 30 h, from Mon 16 14:00:
    # Mon 3 h, Tue 17: 11, Wed 18: 19, Thu 19: 27, Fri 20: 3 h from 07:00 → 10:00 (= old due + 34 h).
    new_due, paused = moved_by_pause(due, at(2026, 3, 10, 10, 0), at(2026, 3, 16, 14, 0))
    assert paused == 34 * 3600
    assert new_due == at(2026, 3, 20, 10, 0)


def test_form_04_is_due_at_the_regular_reviews_deadline(db: Any) -> None:
    request = procedure("poverty_review_request", dt.date(2026, 3, 3))
    # Received 3 Mar: the regular review starts on the 15th, the decision within 15 days → 30 Mar, at closing.
    assert appointment(request, at(2026, 3, 3, 9, 0)).due == at(2026, 3, 30, 17, 0)
