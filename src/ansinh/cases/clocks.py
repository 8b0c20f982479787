"""The statutory clocks of cases, derived from dated law (``rules/clocks.yaml``) and what has been recorded.

No clock is stored: each is computed from its start event, the duration in force on the start date and the
event that stops it.

* ``child_emergency_intervention``: a child case whose initial assessment (form 02) found serious risk; from the
  receipt of the information, elapsed hours; stopped by the first emergency-intervention service implemented.
* ``child_support_plan``: every child case; from the receipt, working days on the working-day calendar
  (``ansinh.geo.calendar``) in the working hours of ``working_hours`` (``ansinh.geo.clock``); stopped by the
  first plan drafted.
* ``dv_prohibit_contact_decision``: every prohibit-contact request; from the request, elapsed hours; stopped by
  the decision.

The cases of a list are read in one query per kind of event (never a query per case).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ansinh.cases.models import Assessment, Case, Measure, Plan, Service
from ansinh.geo.calendar import calendar_for
from ansinh.geo.clock import Window, WorkingClock
from ansinh.lib.legal import Dated, LegalData, read_files

RULES_DIR = Path(__file__).with_name("rules")
EMERGENCY_SERVICES = ("emergency_intervention",)
LABELS = {
    "child_emergency_intervention": _("Emergency intervention (child at serious risk)"),
    "child_support_plan": _("Support and intervention plan"),
    "dv_prohibit_contact_decision": _("Decision on the prohibit-contact request"),
}


@cache
def rules() -> LegalData:
    """The cases' dated rules (every ``rules/*.yaml``), read by the one reader of legal data."""
    return read_files(sorted(RULES_DIR.glob("*.yaml")), "case rules")


def rule(key: str, on: dt.date) -> Dated:
    return rules().lookup(key, on)


def working_hours(day: dt.date) -> list[Window]:
    windows = rules().value_at("working_hours", day)["windows"]
    return [(dt.time.fromisoformat(a), dt.time.fromisoformat(b)) for a, b in windows]


def local(at: dt.datetime) -> dt.datetime:
    return timezone.localtime(at).replace(tzinfo=None)


def working_clock(first: dt.date, last: dt.date) -> WorkingClock:
    """A working clock holding the calendar's exceptions from ``first`` to well after ``last`` (one query)."""
    return WorkingClock(calendar_for(first, last + dt.timedelta(days=90)), working_hours)


def plan_due(received_at: dt.datetime, clock: WorkingClock | None = None) -> tuple[dt.datetime, Dated]:
    """When the plan of a child case received at ``received_at`` is due: n working days of working time from
    the first working instant at or after the receipt (after closing: the next working morning)."""
    start = local(received_at)
    dated = rule("child_support_plan", start.date())
    days = int(dated.value)
    clock = clock or working_clock(start.date(), start.date())
    begun = clock.start(start)
    due = clock.add(begun, clock.day_seconds(begun.date()) * days)
    return timezone.make_aware(due), dated


def hours_due(key: str, start: dt.datetime) -> tuple[dt.datetime, Dated]:
    dated = rule(key, local(start).date())
    return start + dt.timedelta(hours=int(dated.value)), dated


@dataclass(frozen=True)
class Clock:
    key: str
    case_id: int
    started: dt.datetime
    due: dt.datetime
    stopped: dt.datetime | None
    reference: str
    verified: bool

    @property
    def label(self) -> Any:
        return LABELS[self.key]

    def state(self, now: dt.datetime) -> str:
        """``met``, ``late`` (stopped after the due time), ``running`` or ``overdue``."""
        if self.stopped is not None:
            return "met" if self.stopped <= self.due else "late"
        return "running" if now <= self.due else "overdue"

    def open(self) -> bool:
        return self.stopped is None


def clocks_for(cases: Iterable[Case]) -> dict[int, list[Clock]]:
    """Every clock of each case, by case id (one query per kind of event)."""
    by_id = {c.pk: c for c in cases}
    result: dict[int, list[Clock]] = defaultdict(list)
    if not by_id:
        return result
    ids = list(by_id)
    serious = set(
        Assessment.objects.filter(case_id__in=ids, form="child_initial", risk_level="serious").values_list(
            "case_id", flat=True
        )
    )
    emergency: dict[int, dt.datetime | None] = {}
    for case_id, at in (
        Service.objects.filter(case_id__in=ids, kind__in=EMERGENCY_SERVICES, implemented_at__isnull=False)
        .order_by("implemented_at")
        .values_list("case_id", "implemented_at")
    ):
        emergency.setdefault(case_id, at)
    first_plan: dict[int, dt.datetime | None] = {}
    for case_id, at in Plan.objects.filter(case_id__in=ids).order_by("drafted_at").values_list("case_id", "drafted_at"):
        first_plan.setdefault(case_id, at)
    starts = [local(c.received_at).date() for c in by_id.values()]
    clock = working_clock(min(starts), max(starts))
    for case in by_id.values():
        if case.kind != "child":
            continue
        if case.pk in serious:
            due, dated = hours_due("child_emergency_intervention", case.received_at)
            result[case.pk].append(
                Clock("child_emergency_intervention", case.pk, case.received_at, due, emergency.get(case.pk),
                      dated.reference, dated.verified)
            )  # fmt: skip
        due, dated = plan_due(case.received_at, clock)
        result[case.pk].append(
            Clock("child_support_plan", case.pk, case.received_at, due, first_plan.get(case.pk), dated.reference,
                  dated.verified)
        )  # fmt: skip
    for m in Measure.objects.filter(case_id__in=ids, kind="prohibit_contact").order_by("requested_at"):
        due, dated = hours_due("dv_prohibit_contact_decision", m.requested_at)
        result[m.case_id].append(
            Clock("dv_prohibit_contact_decision", m.case_id, m.requested_at, due, m.decided_at, dated.reference,
                  dated.verified)
        )  # fmt: skip
    return result
