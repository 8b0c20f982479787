"""Named reads of dossiers. Timeliness is computed here from the events, never read from a field.

Early, on time and late compare the local date of the end of processing (the decision, or a withdrawal) with the
local date of the appointment, as the one-stop practice does (dossiers reference §4: date granularity): before
it is early, on it on time, after it late. An open dossier is in time or overdue at a given instant.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from ansinh.accounts.scope import get_in_area
from ansinh.dossiers.models import OPEN, Dossier, DossierEvent, EventKind
from ansinh.dossiers.procedures import local

END_KINDS = (EventKind.DECIDED, EventKind.WITHDRAWN)


def last_event(dossier: Dossier) -> DossierEvent | None:
    return DossierEvent.objects.filter(dossier=dossier).order_by("-seq").first()


def current_appointment(dossier: Dossier) -> dt.datetime:
    """The due instant now: the appointment of the dossier's last event that set or moved it."""
    event = (
        DossierEvent.objects.filter(dossier=dossier, appointment__isnull=False).order_by("-seq").only("appointment")
    ).first()
    if event is None or event.appointment is None:
        raise LookupError(f"dossier {dossier.pk} has no appointment (not accepted)")
    return event.appointment


@dataclass(frozen=True)
class Timeliness:
    """Derived, never stored: ``kind`` is early | on_time | late (closed) or in_time | overdue (open) or
    paused | none (no clock: refused, not yet accepted); ``adjusted`` when a correction moved the appointment."""

    kind: str
    due: dt.datetime | None
    ended: dt.datetime | None
    adjusted: bool


def classify(due: dt.date, ended: dt.date) -> str:
    """>>> classify(dt.date(2026, 3, 13), dt.date(2026, 3, 12)), classify(dt.date(2026, 3, 13), dt.date(2026, 3, 14))
    ('early', 'late')"""
    if ended < due:
        return "early"
    return "on_time" if ended == due else "late"


def timeliness(dossier: Dossier, now: dt.datetime) -> Timeliness:
    """The dossier's timeliness from its events as of ``now``."""
    events = list(DossierEvent.objects.filter(dossier=dossier, at__lte=now).order_by("seq"))
    due = next((e.appointment for e in reversed(events) if e.appointment is not None), None)
    adjusted = any(e.kind == EventKind.CORRECTED for e in events)
    ended = next((e.at for e in events if e.kind in END_KINDS), None)
    if due is None:
        return Timeliness("none", None, ended, adjusted)
    if ended is not None:
        return Timeliness(classify(local(due).date(), local(ended).date()), due, ended, adjusted)
    if (events and events[-1].status not in OPEN) or events[-1].status == "supplement":
        return Timeliness("paused", due, None, adjusted)
    return Timeliness("overdue" if local(now).date() > local(due).date() else "in_time", due, None, adjusted)


def dossiers_for(user: Any, action: str = "view") -> QuerySet[Dossier]:
    return Dossier.objects.scoped(user, action).select_related("ward")


def get_dossier_for(user: Any, pk: int, action: str = "view") -> Dossier:
    """The dossier by the one rule for refusals: 404 outside the user's wards, 403 inside without the action."""
    found: Dossier = get_in_area(user, Dossier.objects.select_related("ward"), resource="dossier", action=action, pk=pk)
    return found


def due_soon_and_overdue(user: Any, now: dt.datetime, days: int = 2) -> list[tuple[Dossier, dt.datetime]]:
    """The officer's list: open dossiers in the user's scope whose appointment is past or within ``days``
    calendar days of ``now``, soonest first (one query for the appointments)."""
    from django.db.models import OuterRef, Subquery

    latest = (
        DossierEvent.objects.filter(dossier=OuterRef("pk"), appointment__isnull=False)
        .order_by("-seq")
        .values("appointment")[:1]
    )
    rows = (
        dossiers_for(user)
        .filter(status__in=[s for s in OPEN if s != "supplement"])
        .annotate(due=Subquery(latest))
        .filter(due__lte=now + dt.timedelta(days=days))
        .order_by("due")
    )
    return [(d, d.due) for d in rows]


def latest_acceptance(wards: list[str] | None) -> dt.datetime | None:
    """When the latest dossier of ``wards`` (every ward: ``None``) was accepted."""
    from django.db.models import Max

    events = DossierEvent.objects.filter(kind=EventKind.ACCEPTED)
    if wards is not None:
        events = events.filter(dossier__ward_id__in=wards)
    found: dt.datetime | None = events.aggregate(latest=Max("at"))["latest"]
    return found
