"""The review procedure's dates, deadlines and thresholds, read from ``rules/*.yaml`` by effective date.

Every value is dated and carries its legal reference; nothing here reads the clock.

>>> import datetime as dt
>>> rule("posting_working_days", dt.date(2025, 10, 1))
3
>>> periodic_window(2025)
(datetime.date(2025, 9, 1), datetime.date(2025, 12, 14))
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

RULES_DIR = Path(__file__).with_name("rules")


class RuleError(LookupError):
    """A rule that does not exist or has no value on the date asked."""


@dataclass(frozen=True)
class Rule:
    name: str
    description: str
    unit: str
    reference: str
    verified: bool
    values: tuple[tuple[dt.date, Any], ...]

    def at(self, on: dt.date) -> Any:
        current: Any = None
        found = False
        for start, value in self.values:
            if start <= on:
                current, found = value, True
        if not found or current is None:
            raise RuleError(f"review rule {self.name} has no value on {on.isoformat()}")
        return current


@cache
def rules() -> dict[str, Rule]:
    result: dict[str, Rule] = {}
    for path in sorted(RULES_DIR.glob("*.yaml")):
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for name, node in raw.items():
            values = sorted(
                (
                    (d if isinstance(d, dt.date) else dt.date.fromisoformat(str(d)), v)
                    for d, v in node["values"].items()
                ),
                key=lambda item: item[0],
            )
            result[name] = Rule(
                name=name,
                description=str(node.get("description", "")).strip(),
                unit=str(node["unit"]),
                reference=str(node["reference"]),
                verified=bool(node.get("verified", False)),
                values=tuple(values),
            )
    return result


def rule(name: str, on: dt.date) -> Any:
    """The value of rule ``name`` in force on ``on``."""
    try:
        return rules()[name].at(on)
    except KeyError:
        raise RuleError(f"no review rule named {name}") from None


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
