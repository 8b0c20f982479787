"""Enrolment by decision: a grant, an adjustment (a new category from a month) and a stop are each one
action, one transaction, one audit event. The signer's role is the one the rules name for the decision date."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from ansinh.accounts.models import Actor, acting_user
from ansinh.audit.actions import record
from ansinh.programs import errors
from ansinh.programs.audit_actions import ProgramsAudit
from ansinh.programs.models import Decision, DecisionKind, Enrolment
from ansinh.programs.rules import legal_rules, programmes
from ansinh.registry.actions import require_in_area
from ansinh.registry.models import Member


def month_of(day: dt.date) -> dt.date:
    return day.replace(day=1)


def previous_month(month: dt.date) -> dt.date:
    return (month.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def _check_category(programme: str, category: str) -> None:
    known = programmes()
    if programme not in known:
        raise errors.UnknownProgramme(programme=programme)
    if category not in known[programme].categories:
        raise errors.UnknownCategory(programme=programme, category=category)


def _decide(
    actor: Actor,
    enrolment: Enrolment,
    kind: str,
    number: str,
    date: dt.date,
    month: dt.date,
    signer_name: str,
    reason: str,
) -> Decision:
    return Decision.objects.create(
        enrolment=enrolment,
        kind=kind,
        number=number,
        date=date,
        signer_role=str(legal_rules().value_at("decision.signer_role", date)),
        signer_name=signer_name,
        effective_month=month,
        reason=reason,
        recorded_by=acting_user(actor),
        recorded_at=timezone.now(),
    )


def _audit(actor: Actor, action: ProgramsAudit, enrolment: Enrolment, changes: dict[str, Any]) -> None:
    record(
        actor=actor,
        action=action,
        object_type="enrolment",
        object_id=enrolment.pk,
        changes=changes,
        household_id=enrolment.member.household_id,
        ward_code=enrolment.member.household.ward_id,
    )


@transaction.atomic
def do_enrol_person(
    *,
    actor: Actor,
    member: Member,
    programme: str,
    category: str,
    start_month: dt.date,
    decision_number: str,
    decision_date: dt.date,
    signer_name: str = "",
) -> Enrolment:
    """Grant ``member`` the ``category`` of ``programme`` from ``start_month`` by a decision. Refuses an unknown
    programme or category, a deceased person and a person already enrolled in the category."""
    member = Member.objects.select_related("household").select_for_update().get(pk=member.pk)
    require_in_area(actor, "enrolment", "create", member.household.ward_id)
    _check_category(programme, category)
    if member.status == "deceased":
        raise errors.PersonDied(name=member.full_name)
    start_month = month_of(start_month)
    other = (
        Enrolment.objects.filter(member=member, programme=programme, category=category)
        .filter(end_month__isnull=True)
        .first()
    )
    if other is None:
        other = (
            Enrolment.objects.filter(member=member, programme=programme, category=category, end_month__gte=start_month)
            .order_by("-end_month")
            .first()
        )
    if other is not None:
        first = other.decisions.order_by("id").first()
        raise errors.AlreadyEnrolled(
            name=member.full_name, programme=programme, category=category, decision=first.number if first else "—"
        )
    enrolment = Enrolment.objects.create(member=member, programme=programme, category=category, start_month=start_month)
    _decide(actor, enrolment, DecisionKind.GRANT, decision_number, decision_date, start_month, signer_name, "")
    changes = {"programme": programme, "category": category, "start_month": start_month.isoformat()}
    _audit(actor, ProgramsAudit.ENROLMENT_GRANT, enrolment, {**changes, "decision": decision_number})
    return enrolment


def _in_force(enrolment: Enrolment, month: dt.date, number: str) -> Enrolment:
    enrolment = Enrolment.objects.select_related("member__household").select_for_update().get(pk=enrolment.pk)
    if enrolment.end_month is not None:
        raise errors.NotInForce()
    later = enrolment.decisions.filter(effective_month__gt=month).order_by("effective_month").first()
    if later is None and month < enrolment.start_month:
        later = enrolment.decisions.order_by("id").first()
    if later is not None:
        raise errors.OverlappingDecision(
            number=number, month=month.isoformat(), other=later.number, other_month=later.effective_month.isoformat()
        )
    return enrolment


@transaction.atomic
def do_stop_enrolment(
    *, actor: Actor, enrolment: Enrolment, from_month: dt.date, decision_number: str, decision_date: dt.date,
    reason: str, signer_name: str = "",
) -> Enrolment:  # fmt: skip
    """Stop paying from ``from_month`` (the last month paid is the one before) by a decision."""
    from_month = month_of(from_month)
    enrolment = _in_force(enrolment, from_month, decision_number)
    require_in_area(actor, "enrolment", "change", enrolment.member.household.ward_id)
    enrolment.end_month = previous_month(from_month)
    enrolment.updated_at = timezone.now()
    Enrolment.objects.filter(pk=enrolment.pk).update(end_month=enrolment.end_month, updated_at=enrolment.updated_at)
    _decide(actor, enrolment, DecisionKind.STOP, decision_number, decision_date, from_month, signer_name, reason)
    _audit(actor, ProgramsAudit.ENROLMENT_STOP, enrolment, {"end_month": [None, enrolment.end_month.isoformat()],
                                                "decision": decision_number, "reason": reason})  # fmt: skip
    return enrolment


@transaction.atomic
def do_adjust_enrolment(
    *, actor: Actor, enrolment: Enrolment, category: str, from_month: dt.date, decision_number: str,
    decision_date: dt.date, reason: str, signer_name: str = "",
) -> Enrolment:  # fmt: skip
    """Move a person to another category of the same programme from ``from_month``: the current enrolment ends
    the month before, a new one starts, both linked by the adjusting decision."""
    from_month = month_of(from_month)
    enrolment = _in_force(enrolment, from_month, decision_number)
    require_in_area(actor, "enrolment", "change", enrolment.member.household.ward_id)
    _check_category(enrolment.programme, category)
    Enrolment.objects.filter(pk=enrolment.pk).update(end_month=previous_month(from_month), updated_at=timezone.now())
    _decide(actor, enrolment, DecisionKind.STOP, decision_number, decision_date, from_month, signer_name, reason)
    new = Enrolment.objects.create(
        member=enrolment.member, programme=enrolment.programme, category=category, start_month=from_month
    )
    _decide(actor, new, DecisionKind.ADJUST, decision_number, decision_date, from_month, signer_name, reason)
    changes = {"category": [enrolment.category, category], "replaces": enrolment.pk, "decision": decision_number}
    _audit(actor, ProgramsAudit.ENROLMENT_ADJUST, new, changes)
    return new
