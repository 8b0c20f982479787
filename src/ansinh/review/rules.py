"""The review procedure's dates, deadlines and thresholds, read from ``rules/*.yaml`` by effective date.

Every value is dated and carries its legal reference (the fields of every legal number, read by
``ansinh.lib.legal``); nothing here reads the clock.

>>> import datetime as dt
>>> rule("posting_working_days", dt.date(2025, 10, 1))
3
>>> periodic_window(2025)
(datetime.date(2025, 9, 1), datetime.date(2025, 12, 14))
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path
from typing import Any

from ansinh.lib.legal import LegalData, read_files

RULES_DIR = Path(__file__).with_name("rules")


@cache
def rules() -> LegalData:
    """The procedure's dated rules (every ``rules/*.yaml``), read by the one reader of legal data."""
    return read_files(sorted(RULES_DIR.glob("*.yaml")), "review rules")


def rule(name: str, on: dt.date) -> Any:
    """The value of rule ``name`` in force on ``on``; refuses when none is (``ansinh.lib.legal.NoValue``, or
    ``UnknownParameter`` for a rule nobody wrote)."""
    return rules().value_at(name, on)


def periodic_window(year: int) -> tuple[dt.date, dt.date]:
    """First and last day of the periodic review of ``year``."""
    on = dt.date(year, 9, 1)
    window = rule("periodic_window", on)
    start_m, start_d = (int(x) for x in window["start"].split("-"))
    end_m, end_d = (int(x) for x in window["end"].split("-"))
    return dt.date(year, start_m, start_d), dt.date(year, end_m, end_d)


def regular_review_start(requested_on: dt.date) -> dt.date:
    """The start of the regular review that takes a request received on ``requested_on``: the next
    monthly start day on or after it."""
    day = int(rule("regular_start_day", requested_on))
    if requested_on.day <= day:
        return requested_on.replace(day=day)
    nxt = (requested_on.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    return nxt.replace(day=day)


def regular_decision_due(start: dt.date) -> dt.date:
    """The last day for the decision of a regular review that started on ``start``."""
    return start + dt.timedelta(days=int(rule("regular_decision_days", start)))


def approval_roles(on: dt.date) -> list[str]:
    return list(rule("approval_roles", on)["roles"])


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus whole months, clamped to the month's end (31 Jan + 1 month = 28/29 Feb)."""
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    return min(day.replace(year=year, month=month, day=1) + dt.timedelta(days=day.day - 1), nxt - dt.timedelta(days=1))
