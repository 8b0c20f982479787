"""Payroll actions: create, compute, freeze, submit, approve, reject, abort. Each is one transaction, one
audit event and one lifecycle event; compute and freeze read the inputs in one query and hand them to the
engine as one frame, and store the lines in bulk."""

from __future__ import annotations

import datetime as dt
import hashlib
from functools import cache
from typing import Any

import polars as pl
from django.db import IntegrityError, transaction
from django.utils import timezone

from ansinh.accounts.models import Actor, acting_user
from ansinh.audit.actions import record
from ansinh.dbframes import insert_model_frame
from ansinh.engine.benefits import PAID, month_lines
from ansinh.geo.models import Ward
from ansinh.payments import errors
from ansinh.payments.audit_actions import PAYROLL_MOVED, PaymentsAudit
from ansinh.payments.models import PAYROLL_LIFECYCLE, Payroll, PayrollEvent, PayrollLine, PayrollStatus
from ansinh.payments.queries import payroll_inputs
from ansinh.programs.actions import require_in_area
from ansinh.programs.rules import RULES_DIR, legal_rules, programmes
from ansinh.tasks.actions import enqueue_on_commit

S = PayrollStatus
PERSON_COLUMNS = ["member_id", "date_of_birth", "date_of_death", "ward_code"]
ENROLMENT_COLUMNS = ["enrolment_id", "member_id", "category", "start_month", "end_month"]


@cache
def rules_version() -> str:
    """A hash of every programme rule file: the rule version a frozen payroll records."""
    digest = hashlib.sha256()
    for path in sorted(RULES_DIR.glob("*.yaml")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def inputs_hash(payroll: Payroll, inputs: pl.DataFrame) -> str:
    """The content hash of a payroll's inputs: its programme, month, ward, the rules version and every input
    row (sorted), so any change to an enrolment or a person's dates changes it."""
    digest = hashlib.sha256(f"{payroll.programme}|{payroll.month}|{payroll.ward_id}|{rules_version()}".encode())
    digest.update(inputs.sort("enrolment_id").write_ndjson().encode())
    return digest.hexdigest()


def _move(payroll: Payroll, new: str, actor: Actor, reason: str = "", **fields: Any) -> None:
    PAYROLL_LIFECYCLE.move(payroll, payroll.status, new)
    old = payroll.status
    payroll.status = new
    for name, value in fields.items():
        setattr(payroll, name, value)
    Payroll.objects.filter(pk=payroll.pk).update(status=new, **fields)
    PayrollEvent.objects.create(
        payroll=payroll, old=old, new=new, reason=reason, actor=acting_user(actor),
        at=timezone.now(),
    )  # fmt: skip
    record(
        actor=actor, action=PAYROLL_MOVED[new], object_type="payroll", object_id=payroll.pk,
        changes={"status": [old, new]}, ward_code=payroll.ward_id, note=reason,
    )  # fmt: skip


def _locked(payroll: Payroll) -> Payroll:
    return Payroll.objects.select_for_update().get(pk=payroll.pk)


@transaction.atomic
def do_create_payroll(*, actor: Actor, programme: str, month: dt.date, ward: Ward) -> Payroll:
    """A draft payroll for ``programme`` in ``month`` in ``ward``. Refuses an unknown programme and a month
    that has not begun."""
    require_in_area(actor, "payroll", "prepare", ward.code)
    if programme not in programmes():
        raise errors.UnknownProgramme(programme=programme)
    month = month.replace(day=1)
    if month > timezone.localdate().replace(day=1):
        raise errors.FutureMonth(month=f"{month:%m/%Y}")
    payroll = Payroll.objects.create(programme=programme, month=month, ward=ward, created_by=acting_user(actor))
    record(actor=actor, action=PaymentsAudit.PAYROLL_CREATE, object_type="payroll", object_id=payroll.pk,
           changes={"programme": programme, "month": month.isoformat()}, ward_code=ward.code)  # fmt: skip
    return payroll


def _compute(payroll: Payroll) -> tuple[pl.DataFrame, str]:
    inputs = payroll_inputs(payroll.programme, payroll.month, payroll.ward_id)
    people = inputs.select(PERSON_COLUMNS).unique("member_id")
    rules = legal_rules(str(payroll.ward.province_id))
    lines = month_lines(inputs.select(ENROLMENT_COLUMNS), people, programmes()[payroll.programme], rules, payroll.month)
    return lines, inputs_hash(payroll, inputs)


def _refuse_paid_elsewhere(payroll: Payroll, lines: pl.DataFrame) -> None:
    paid = lines.filter(pl.col("status") == PAID)["member_id"].to_list()
    elsewhere = (
        PayrollLine.objects.filter(programme=payroll.programme, month=payroll.month, status=PAID, member_id__in=paid)
        .exclude(payroll=payroll)
        .order_by("member_id")
    )
    first = elsewhere.select_related("member").first()
    if first is not None:
        raise errors.AlreadyOnPayroll(
            name=first.member.full_name,
            count=elsewhere.count(),
            month=f"{payroll.month:%m/%Y}",
            payroll=first.payroll_id,
        )


@transaction.atomic
def do_compute_payroll(*, actor: Actor, payroll: Payroll) -> Payroll:
    """Compute the payroll's lines from the enrolments and the rules in force in its month, replacing any
    earlier computation. Refuses a person already paid for the month by another payroll (naming it) and a
    month with no rule in force (naming the parameter)."""
    payroll = _locked(payroll)
    require_in_area(actor, "payroll", "prepare", payroll.ward_id)
    PAYROLL_LIFECYCLE.check(payroll.status, S.COMPUTED)
    lines, digest = _compute(payroll)
    _refuse_paid_elsewhere(payroll, lines)
    PayrollLine.objects.filter(payroll=payroll).delete()
    stored = lines.with_columns(
        pl.lit(payroll.pk, dtype=pl.Int64).alias("payroll_id"),
        pl.lit(payroll.programme).alias("programme"),
        pl.lit(payroll.month).alias("month"),
    )
    try:
        with transaction.atomic():
            insert_model_frame(PayrollLine, stored)
    except IntegrityError:  # a concurrent payroll paid someone between the check and the insert
        _refuse_paid_elsewhere(payroll, lines)
        raise
    paid = lines.filter(pl.col("status") == PAID)
    _move(
        payroll, S.COMPUTED, actor, inputs_hash=digest, rules_version=rules_version(),
        total_amount=int(paid["amount"].sum() or 0), line_count=lines.height, paid_count=paid.height,
        computed_by=acting_user(actor), computed_at=timezone.now(),
    )  # fmt: skip
    return payroll


@transaction.atomic
def do_freeze_payroll(*, actor: Actor, payroll: Payroll) -> Payroll:
    """Freeze a computed payroll: its inputs are read again and must hash as when it was computed (eligibility
    re-checked at freeze); from now on nothing changes its lines or totals."""
    payroll = _locked(payroll)
    require_in_area(actor, "payroll", "prepare", payroll.ward_id)
    PAYROLL_LIFECYCLE.check(payroll.status, S.FROZEN)
    _, digest = _compute(payroll)
    if digest != payroll.inputs_hash or payroll.rules_version != rules_version():
        raise errors.InputsChanged()
    _move(payroll, S.FROZEN, actor, frozen_at=timezone.now())
    _facts_changed(payroll, "frozen")
    return payroll


@transaction.atomic
def do_submit_payroll(*, actor: Actor, payroll: Payroll) -> Payroll:
    payroll = _locked(payroll)
    require_in_area(actor, "payroll", "prepare", payroll.ward_id)
    _move(payroll, S.IN_APPROVAL, actor)
    return payroll


@transaction.atomic
def do_approve_payroll(*, actor: Actor, payroll: Payroll) -> Payroll:
    """Approve a payroll in approval; the user who computed it cannot."""
    payroll = _locked(payroll)
    require_in_area(actor, "payroll", "approve", payroll.ward_id)
    if actor is not None and payroll.computed_by_id == actor.pk:
        raise errors.ApproverComputed()
    _move(payroll, S.APPROVED, actor, approved_by=acting_user(actor),
          approved_at=timezone.now())  # fmt: skip
    return payroll


@transaction.atomic
def do_reject_payroll(*, actor: Actor, payroll: Payroll, reason: str) -> Payroll:
    """Send a payroll in approval back to draft, with the reason."""
    payroll = _locked(payroll)
    require_in_area(actor, "payroll", "approve", payroll.ward_id)
    if not reason.strip():
        raise errors.ReasonRequired()
    _move(payroll, S.DRAFT, actor, reason=reason.strip())
    return payroll


@transaction.atomic
def do_abort_payroll(*, actor: Actor, payroll: Payroll, reason: str) -> Payroll:
    """Abort a payroll not yet approved; its lines are removed so its people can be paid by another."""
    payroll = _locked(payroll)
    require_in_area(actor, "payroll", "prepare", payroll.ward_id)
    if not reason.strip():
        raise errors.ReasonRequired()
    was_locked = payroll.locked
    _move(payroll, S.ABORTED, actor, reason=reason.strip())
    PayrollLine.objects.filter(payroll=payroll).delete()
    if was_locked:
        _facts_changed(payroll, "aborted")
    return payroll


def _facts_changed(payroll: Payroll, what: str) -> None:
    """The reports' payroll facts of the ward follow a frozen (or aborted frozen) payroll, after commit."""
    refresh = {"source": "payroll", "wards": [payroll.ward_id], "reason": f"payroll {what} #{payroll.pk}"}
    enqueue_on_commit("reports.refresh_facts", refresh)
