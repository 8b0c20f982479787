"""Working time: the working-day calendar in working hours, for statutory clocks that run in hours.

A statutory limit of *n* working days runs for *n* full working days of working time: a dossier received at
16:30 on a Friday, with 30 minutes left before closing, is due at 16:30 on the fifth working day after; one
received after closing starts the next working morning. Which days are working days is the calendar's
(:class:`ansinh.geo.calendar.WorkingCalendar`); the windows of a day are data (``hours(day)``), read by the
caller from dated legal data. Local, naive datetimes (the unit's own clock time); no Django, no database.

>>> import datetime as dt
>>> class Weekdays:
...     def is_working_day(self, d): return d.weekday() < 5
>>> clock = WorkingClock(Weekdays(), lambda d: [(dt.time(7), dt.time(11, 30)), (dt.time(13, 30), dt.time(17))])
>>> clock.add(dt.datetime(2026, 3, 6, 16, 30), clock.day_seconds(dt.date(2026, 3, 6)) * 5)
datetime.datetime(2026, 3, 13, 16, 30)
>>> clock.start(dt.datetime(2026, 3, 6, 18, 0))
datetime.datetime(2026, 3, 9, 7, 0)
>>> clock.between(dt.datetime(2026, 3, 6, 16, 30), dt.datetime(2026, 3, 9, 8, 0)) // 60
90
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from typing import Protocol

Window = tuple[dt.time, dt.time]
# Longest stretch searched for working time: a year and more covers any limit with any break.
HORIZON_DAYS = 800


class DayCalendar(Protocol):
    def is_working_day(self, d: dt.date) -> bool: ...


class WorkingClock:
    """Working time on ``calendar``'s working days, in the windows ``hours(day)`` gives for each day."""

    def __init__(self, calendar: DayCalendar, hours: Callable[[dt.date], Sequence[Window]]) -> None:
        self.calendar = calendar
        self.hours = hours

    def windows(self, day: dt.date) -> list[tuple[dt.datetime, dt.datetime]]:
        """The working windows of ``day`` (none on a day off)."""
        if not self.calendar.is_working_day(day):
            return []
        return [(dt.datetime.combine(day, a), dt.datetime.combine(day, b)) for a, b in self.hours(day)]

    def day_seconds(self, day: dt.date) -> int:
        """The working seconds of a full working day in force on ``day`` (8 hours with the usual windows)."""
        return sum(
            int((dt.datetime.combine(day, b) - dt.datetime.combine(day, a)).total_seconds()) for a, b in self.hours(day)
        )

    def _spans(self, at: dt.datetime) -> Iterator[tuple[dt.datetime, dt.datetime]]:
        """The working windows from ``at`` on, the first one cut at ``at``."""
        for offset in range(HORIZON_DAYS):
            for a, b in self.windows(at.date() + dt.timedelta(days=offset)):
                if b > at:
                    yield max(a, at), b
        raise ValueError(f"no working time within {HORIZON_DAYS} days of {at.isoformat()}")

    def start(self, at: dt.datetime) -> dt.datetime:
        """The first working instant at or after ``at``: a receipt after closing counts from the next working
        morning, one in the lunch break from the afternoon's opening."""
        return next(iter(self._spans(at)))[0]

    def add(self, at: dt.datetime, seconds: int) -> dt.datetime:
        """The instant when ``seconds`` of working time have run from ``at``. A limit that ends exactly at a
        closing time ends then (17:00), not at the next opening."""
        remaining = seconds
        for a, b in self._spans(at):
            available = int((b - a).total_seconds())
            if remaining <= available:
                return a + dt.timedelta(seconds=remaining)
            remaining -= available
        raise AssertionError("unreachable")  # pragma: no cover - _spans raises first

    def between(self, a: dt.datetime, b: dt.datetime) -> int:
        """Working seconds in ``[a, b)`` (0 when ``b`` is not after ``a``)."""
        total = 0
        for lo, hi in self._spans(a):
            if lo >= b:
                break
            total += int((min(hi, b) - lo).total_seconds())
        return total
