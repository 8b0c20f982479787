"""The department's procedures and the statutory clock, read from ``rules/*.yaml`` by effective date.

A procedure is dated data (``rules/procedures.yaml``): its code, names, forms, required documents, the deadline
rule and the action its result drives; its processing limit is a number of working days, counted on the
working-day calendar (``ansinh.geo.calendar``) in the working hours of ``rules/working_hours.yaml``
(``ansinh.geo.clock``). Nothing here reads the clock of the machine.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from django.utils import timezone

from ansinh.dossiers.errors import UnknownProcedure
from ansinh.geo.calendar import calendar_for, calendar_version
from ansinh.geo.clock import Window, WorkingClock
from ansinh.lib.legal import LegalData, NoValue, UnknownParameter, read_files

RULES_DIR = Path(__file__).with_name("rules")


@cache
def rules() -> LegalData:
    """The dossiers' dated rules (every ``rules/*.yaml``), read by the one reader of legal data."""
    return read_files(sorted(RULES_DIR.glob("*.yaml")), "dossier rules")


@dataclass(frozen=True)
class Procedure:
    """One procedure as in force on a date."""

    code: str
    national_code: str | None
    name_vi: str
    name_en: str
    forms: tuple[str, ...]
    documents: dict[str, str]
    deadline: str  # working_days | regular_review
    drives: str
    programme: str | None
    limit_working_days: int | None
    reference: str
    verified: bool


def procedure_codes() -> list[str]:
    return sorted({p.split(".")[0] for p in rules().paths() if p.endswith(".definition")})


def procedure(code: str, on: dt.date) -> Procedure:
    """The procedure ``code`` in force on ``on``; refuses an unknown one or one not in force."""
    try:
        found = rules().lookup(f"{code}.definition", on)
    except (NoValue, UnknownParameter):
        raise UnknownProcedure(procedure=code, on=on.isoformat(), field="procedure") from None
    d: dict[str, Any] = found.value
    limit = None
    verified = found.verified
    if d["deadline"] == "working_days":
        dated_limit = rules().lookup(f"{code}.limit", on)
        limit, verified = int(dated_limit.value), verified and dated_limit.verified
    return Procedure(
        code=code,
        national_code=d.get("national_code"),
        name_vi=str(d["name_vi"]),
        name_en=str(d["name_en"]),
        forms=tuple(d.get("forms") or ()),
        documents=dict(d.get("documents") or {}),
        deadline=str(d["deadline"]),
        drives=str(d["drives"]),
        programme=d.get("programme"),
        limit_working_days=limit,
        reference=found.reference,
        verified=verified,
    )


@dataclass(frozen=True)
class RatingCriteria:
    """The per-dossier criteria of the citizen's rating in force on a date: code → words, score → words."""

    criteria: dict[str, dict[str, str]]
    scores: dict[str, dict[str, str]]


def rating_criteria(on: dt.date) -> RatingCriteria:
    found = rules().value_at("rating_criteria", on)
    return RatingCriteria(criteria=dict(found["criteria"]), scores=dict(found["scores"]))


def working_hours(day: dt.date) -> list[Window]:
    """The working windows in force on ``day``."""
    windows = rules().value_at("working_hours", day)["windows"]
    return [(dt.time.fromisoformat(a), dt.time.fromisoformat(b)) for a, b in windows]


def clock(start: dt.date, days: int) -> WorkingClock:
    """A working clock holding the calendar's exceptions from ``start`` over a span long enough for ``days``
    working days (weekends and a Tết break included)."""
    return WorkingClock(calendar_for(start, start + dt.timedelta(days=days * 2 + 40)), working_hours)


def local(at: dt.datetime) -> dt.datetime:
    """``at`` as the unit's naive local clock time."""
    return timezone.localtime(at).replace(tzinfo=None)


def aware(at: dt.datetime) -> dt.datetime:
    return timezone.make_aware(at)


@dataclass(frozen=True)
class Appointment:
    """The appointment computed at a receipt, with the calendar it used (stored in the receipt's event)."""

    due: dt.datetime
    started: dt.datetime
    calendar: str


def appointment(proc: Procedure, accepted_at: dt.datetime) -> Appointment:
    """When the result of a dossier of ``proc`` accepted at ``accepted_at`` is due.

    Working days: the limit runs in working hours from the first working instant at or after the receipt (after
    closing: the next working morning). The regular review (form 04): the review's own deadline, the
    regular-review start after the request plus its decision days (``review.rules``), at that day's closing.
    """
    at = local(accepted_at)
    if proc.deadline == "regular_review":
        from ansinh.review.rules import regular_decision_due, regular_review_start

        due_day = regular_decision_due(regular_review_start(at.date()))
        closing = max(b for _a, b in working_hours(due_day))
        work = clock(at.date(), (due_day - at.date()).days)
        started = work.start(at)
        due = max(dt.datetime.combine(due_day, closing), started)
        version = calendar_version(at.date(), due_day)
    else:
        assert proc.limit_working_days is not None
        work = clock(at.date(), proc.limit_working_days)
        started = work.start(at)
        due = work.add(started, proc.limit_working_days * work.day_seconds(started.date()))
        version = calendar_version(at.date(), due.date())
    return Appointment(due=aware(due), started=aware(started), calendar=version)


def moved_by_pause(due: dt.datetime, paused_at: dt.datetime, resumed_at: dt.datetime) -> tuple[dt.datetime, int]:
    """The appointment after a supplement pause: the working time left at the pause runs again from the
    resumption, so the appointment moves by the paused working time. Returns the new due and the paused working
    seconds."""
    a, b, d = local(paused_at), local(resumed_at), local(due)
    span = max((d - a).days, (b - a).days, 0) + 30
    work = WorkingClock(calendar_for(a.date(), b.date() + dt.timedelta(days=span * 2 + 40)), working_hours)
    left = work.between(a, d)
    new_due = work.add(work.start(b), left)
    return aware(new_due), work.between(a, b)
