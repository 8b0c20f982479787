"""The public-sector working-day calendar: statutory holidays plus the administrator's exceptions.

A day is a working day when it is Monday to Friday and not a holiday of ``holidays.VN`` (Labour Code
2019 art. 112 and the days in lieu the package derives), unless a :class:`~ansinh.geo.models.CalendarException`
says otherwise: each year's Prime Minister / Ministry of Home Affairs notice adds days off (bridges
around Tết, 30/4, 2/9) and make-up working days, often Saturdays (policy reference §8.4). The
package does not know those notices for 2025 onwards, hence the administrator-maintained table.

Deadlines of administrative procedures count working days; how many each procedure allows is data
kept with the procedure, not here.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Iterable
from functools import lru_cache
from importlib.metadata import version

import holidays

from .models import CalendarException


@lru_cache(maxsize=64)
def _statutory_holidays(year: int) -> frozenset[datetime.date]:
    return frozenset(holidays.country_holidays("VN", years=year).keys())


class WorkingCalendar:
    """Working days between two dates, with the exceptions read once from the database.

    Use :func:`calendar_for` to get one for a span of dates; the module-level helpers build one per call.
    """

    def __init__(self, exceptions: Iterable[tuple[datetime.date, str]] = ()) -> None:
        self._exceptions = dict(exceptions)

    def is_working_day(self, d: datetime.date) -> bool:
        kind = self._exceptions.get(d)
        if kind == CalendarException.Kind.WORKING_DAY:
            return True
        if kind == CalendarException.Kind.DAY_OFF:
            return False
        return d.weekday() < 5 and d not in _statutory_holidays(d.year)

    def add_working_days(self, start: datetime.date, n: int) -> datetime.date:
        """The ``n``-th working day after ``start`` (before it, for negative ``n``); ``start`` itself never counts.

        ``n == 0`` gives ``start`` when it is a working day, else the next working day.
        """
        step = 1 if n >= 0 else -1
        d = start
        if n == 0:
            while not self.is_working_day(d):
                d += datetime.timedelta(days=1)
            return d
        remaining = abs(n)
        while remaining:
            d += datetime.timedelta(days=step)
            if self.is_working_day(d):
                remaining -= 1
        return d

    def working_days_between(self, a: datetime.date, b: datetime.date) -> int:
        """Working days in the half-open interval ``(a, b]``; negative when ``b`` is before ``a``.

        So ``working_days_between(start, add_working_days(start, n)) == n``.
        """
        if b < a:
            return -self.working_days_between(b, a)
        days = (b - a).days
        return sum(1 for i in range(1, days + 1) if self.is_working_day(a + datetime.timedelta(days=i)))


def calendar_for(start: datetime.date, end: datetime.date) -> WorkingCalendar:
    """A calendar holding the exceptions between ``start`` and ``end`` (one query)."""
    lo, hi = min(start, end), max(start, end)
    rows = CalendarException.objects.filter(date__range=(lo, hi)).values_list("date", "kind")
    return WorkingCalendar(rows)


def is_working_day(d: datetime.date) -> bool:
    return calendar_for(d, d).is_working_day(d)


def add_working_days(start: datetime.date, n: int) -> datetime.date:
    """The ``n``-th working day after ``start`` (``start`` itself does not count)."""
    # Read the exceptions of a span long enough for n working days (weekends plus a Tết break);
    # if the answer falls outside it, read a longer span and count again.
    span = datetime.timedelta(days=abs(n) * 2 + 30)
    while True:
        end = start + span if n >= 0 else start - span
        result = calendar_for(start, end).add_working_days(start, n)
        if min(start, end) <= result <= max(start, end):
            return result
        span *= 2


def working_days_between(a: datetime.date, b: datetime.date) -> int:
    """Working days in ``(a, b]`` (negative when ``b`` is before ``a``)."""
    return calendar_for(a, b).working_days_between(a, b)


def calendar_version(start: datetime.date, end: datetime.date) -> str:
    """A short name of the calendar in force between ``start`` and ``end``: the ``holidays`` release and a digest of
    the administrator's exceptions there. A clock computed at a receipt stores it, so a later edit of the table
    shows as a different version and never moves the stored appointment."""
    lo, hi = min(start, end), max(start, end)
    rows = CalendarException.objects.filter(date__range=(lo, hi)).order_by("date").values_list("date", "kind")
    digest = hashlib.sha256(";".join(f"{d.isoformat()}={k}" for d, k in rows).encode()).hexdigest()[:12]
    return f"holidays-{version('holidays')}/{digest}"
