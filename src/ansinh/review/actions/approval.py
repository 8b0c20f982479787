"""The chairman's approval (certificates, the official list, the lock), closing statuses and corrections."""

from __future__ import annotations

import datetime as dt

import polars as pl
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ansinh import vocab
from ansinh.accounts.models import Actor, acting_user
from ansinh.accounts.permissions import can
from ansinh.accounts.scope import in_scope
from ansinh.audit.actions import record
from ansinh.geo.models import Ward
from ansinh.registry.models import Household
from ansinh.review import rules
from ansinh.review.actions.guards import check_order, open_round, require
from ansinh.review.actions.listing import new_entry
from ansinh.review.actions.moves import audit, move_round
from ansinh.review.actions.rounds import do_create_round
from ansinh.review.audit_actions import ReviewAudit
from ansinh.review.errors import (
    DecisionAfterRecording,
    IllegalTransition,
    NotAllowed,
    OpenComplaints,
    PostingNotOver,
    ReviewError,
)
from ansinh.review.models import (
    Assessment,
    Certificate,
    Complaint,
    ComplaintStatus,
    Decision,
    DecisionKind,
    HouseholdSource,
    PovertyStatus,
    Round,
    RoundHousehold,
    RoundStatus,
    StatusEnd,
)
from ansinh.tasks.actions import enqueue_on_commit


def _statuses_frame(review_round: Round) -> pl.DataFrame:
    """The final classes of the round: household_id, standard_id, class, ward_id (current residence)."""
    rows = list(
        Assessment.objects.filter(round=review_round).values_list(
            "household_id", "standard_id", "klass", "round_household_id"
        )
    )
    return pl.DataFrame(
        rows,
        schema={"household_id": pl.Int64, "standard_id": pl.String, "class": pl.String, "round_household_id": pl.Int64},
        orient="row",
    )


@transaction.atomic
def do_approve_round(
    *,
    actor: Actor,
    review_round: Round,
    number: str,
    date: dt.date,
    note: str = "",
    recorded_on: dt.date | None = None,
) -> Decision:
    """The chairman's decision: recognises the round's classes, issues certificates to poor and near-poor
    households, updates the official list (closing earlier statuses; households leaving both lists get
    their escape date) and locks the round. A correction round's decision is linked to the one it corrects.

    ``recorded_on`` is the day the decision is entered (the page passes today; default: its ``date``): a
    decision is not dated after it, and neither is taken before the posting has ended and every complaint is
    answered (rule ``step_order``)."""
    if not can(actor, "review", "approve") or not in_scope(actor, review_round.ward_id):
        raise NotAllowed(_("You may not approve reviews of this ward."))
    roles = rules.approval_roles(date)
    approver = acting_user(actor)
    if approver is None or (not approver.is_superuser and approver.role not in roles):
        raise NotAllowed(_("The procedure in force names another role to approve."))
    current = open_round(review_round)
    if not current.allows("approve"):
        raise IllegalTransition(_("A round"), current.status, RoundStatus.APPROVED)
    open_complaints = Complaint.objects.filter(round=current, status=ComplaintStatus.OPEN).count()
    if open_complaints:
        raise OpenComplaints(open_complaints)
    recorded = recorded_on or date
    if date > recorded:
        raise DecisionAfterRecording(field="date", date=date, today=recorded)
    posting = current.postings.order_by("-end").first()
    if posting is not None and date <= posting.end:
        raise PostingNotOver(field="date", d=posting.end, next=posting.end + dt.timedelta(days=1))
    check_order(current, "approval", date, "date")
    if not number.strip():
        raise ReviewError(_("Give the decision number."), field="number")
    corrected = None
    if current.corrects_id:
        corrected = Decision.objects.filter(round_id=current.corrects_id).first()
    decision = Decision.objects.create(
        round=current,
        kind=DecisionKind.CORRECTION if corrected else DecisionKind.APPROVAL,
        number=number,
        date=date,
        approved_by=approver,
        corrects=corrected,
        note=note,
        created_at=timezone.now(),
    )
    results = _statuses_frame(current)
    Assessment.objects.filter(round=current).update(final=True)
    hh_ward = (
        dict(Household.objects.filter(pk__in=results["household_id"].unique().to_list()).values_list("pk", "ward_id"))
        if results.height < 50_000
        else dict(Household.objects.filter(ward_id=current.ward_id).values_list("pk", "ward_id"))
    )
    listed = results.filter(pl.col("class").is_in(vocab.LISTED_CLASSES))
    # Certificates: one per household and standard on a list.
    # Decision numbers repeat between wards (each ward numbers its own), so certificates number by decision.
    Certificate.objects.bulk_create(
        [
            Certificate(
                decision=decision,
                household_id=hid,
                standard_id=sid,
                klass=klass,
                # The standard as a short mark an officer can read out ("VN2022"), not its code.
                number=f"{current.ward_id}/{decision.pk}/{sid.replace('_', '').upper()}/{i:06d}",
                issued_on=date,
            )
            for i, (hid, sid, klass, _rh) in enumerate(listed.iter_rows(), start=1)
        ],
        batch_size=5000,
    )
    # The official list: close the open statuses of the round's households, then open the new ones.
    new = {(hid, sid): klass for hid, sid, klass, _rh in listed.iter_rows()}
    assessed = {(hid, sid) for hid, sid, _k, _rh in results.iter_rows()}
    open_qs = PovertyStatus.objects.current().filter(standard_id__in=current.standards)
    if results.height < 900:
        open_qs = open_qs.filter(household_id__in=results["household_id"].unique().to_list())
    else:  # every assessed household lives in the ward (the frames are read by ward)
        open_qs = open_qs.filter(household__ward_id=current.ward_id)
    open_rows = list(open_qs.values_list("pk", "household_id", "standard_id", "klass"))
    close_by_reason: dict[tuple[str, bool], list[int]] = {}
    reason: str
    end_day = date - dt.timedelta(days=1)
    for pk, hid, sid, klass in open_rows:
        if (hid, sid) not in assessed:
            continue
        after = new.get((hid, sid))
        if corrected is not None:
            reason, escaped = StatusEnd.CORRECTED, after is None
        elif after is None:
            reason, escaped = StatusEnd.ESCAPED, True
        elif after == klass:
            reason, escaped = StatusEnd.RENEWED, False
        else:
            reason, escaped = StatusEnd.RECLASSIFIED, False
        close_by_reason.setdefault((reason, escaped), []).append(pk)
    for (reason, escaped), pks in close_by_reason.items():
        for chunk in range(0, len(pks), 5000):
            PovertyStatus.objects.filter(pk__in=pks[chunk : chunk + 5000]).update(
                valid_to=end_day,
                end_reason=reason,
                ended_by=decision,
                escaped_on=date if escaped else None,
            )
    # Statuses of the ward whose household has moved away or dissolved (and was not assessed here) close too.
    if corrected is None:
        gone = (
            PovertyStatus.objects.current()
            .filter(ward_id=current.ward_id, standard_id__in=current.standards)
            .exclude(household__ward_id=current.ward_id, household__status="active")
        )
        for reason, cond in (
            (StatusEnd.DISSOLVED, Q(household__status="dissolved")),
            (StatusEnd.MOVED, ~Q(household__status="dissolved")),
        ):
            pks = list(gone.filter(cond).values_list("pk", flat=True))
            close_by_reason[(reason, False)] = pks
            for chunk in range(0, len(pks), 5000):
                PovertyStatus.objects.filter(pk__in=pks[chunk : chunk + 5000]).update(
                    valid_to=end_day, end_reason=reason, ended_by=decision
                )
    PovertyStatus.objects.bulk_create(
        [
            PovertyStatus(
                household_id=hid,
                ward_id=hh_ward.get(hid, current.ward_id),
                standard_id=sid,
                klass=klass,
                valid_from=date,
                decision=decision,
            )
            for (hid, sid), klass in new.items()
        ],
        batch_size=5000,
    )
    Round.objects.filter(pk=current.pk).update(approved_at=timezone.now(), updated_at=timezone.now())
    move_round(actor, current, RoundStatus.APPROVED, note=f"decision {number}")
    audit(
        actor,
        ReviewAudit.ROUND_APPROVE,
        current,
        decision,
        {
            "number": [None, number],
            "date": [None, date.isoformat()],
            "kind": [None, decision.kind],
            "certificates": [None, listed.height],
            "corrects": [None, corrected.pk if corrected else None],
            "closed": [None, {f"{r}{'+escaped' if e else ''}": len(p) for (r, e), p in close_by_reason.items()}],
        },
    )
    # The reports' poverty facts of the ward follow the decision (a background task, after commit).
    refresh = {"source": "poverty", "wards": [current.ward_id], "reason": f"round approved #{current.pk}"}
    enqueue_on_commit("reports.refresh_facts", refresh)
    return decision


@transaction.atomic
def do_close_statuses(*, actor: Actor, household: Household, on: dt.date, reason: str, decision: Decision) -> int:
    """Close a household's open statuses because it moved away or no longer exists (``reason`` is
    ``moved`` or ``dissolved``), under the decision that records it. Returns how many were closed."""
    require(actor, household.ward_id, "prepare")
    if reason not in (StatusEnd.MOVED, StatusEnd.DISSOLVED):
        raise ReviewError(_("Statuses close here only for a move or a dissolution."), field="reason")
    n = (
        PovertyStatus.objects.current()
        .filter(household=household)
        .update(
            valid_to=on,
            end_reason=reason,
            ended_by=decision,
        )
    )
    record(
        actor=actor,
        action=ReviewAudit.STATUS_CLOSE,
        object_type="household",
        object_id=household.pk,
        changes={"reason": [None, reason], "on": [None, on.isoformat()], "closed": [None, n]},
        household_id=household.pk,
        ward_code=household.ward_id,
    )
    return n


@transaction.atomic
def do_create_correction(
    *,
    actor: Actor,
    review_round: Round,
    households: list[Household],
    reason: str,
    on: dt.date,
) -> Round:
    """Start a correction of an approved round for some of its households: a new round linked to the old
    one, whose approval is a new decision linked to the old decision. The old round stays as it was."""
    require(actor, review_round.ward_id, "prepare")
    if review_round.status != RoundStatus.APPROVED:
        raise ReviewError(_("Only an approved round can be corrected."))
    if not reason.strip():
        raise ReviewError(_("Give the reason for the correction."), field="reason")
    on_old = set(RoundHousehold.objects.filter(round=review_round).values_list("household_id", flat=True))
    if any(h.pk not in on_old for h in households):
        raise ReviewError(_("Only households of the corrected round can be corrected."), field="households")
    correction = do_create_round(
        actor=actor,
        ward=review_round.ward,
        kind=review_round.kind,
        year=review_round.year,
        standards=list(review_round.standards),
        period_start=on,
        period_end=on,
        assessed_on=review_round.assessed_on,
        corrects=review_round,
        note=reason,
    )
    for h in households:
        new_entry(actor, correction, h.pk, HouseholdSource.OFFICER, on, "", reason)
    return move_round(actor, Round.objects.select_for_update().get(pk=correction.pk), RoundStatus.LISTING, reason)


def next_decision_number(ward: Ward, year: int) -> str:
    """A suggestion for the next decision number of the ward in ``year`` (``<n>/QĐ-UBND``)."""
    return f"{Decision.objects.filter(round__ward=ward, date__year=year).count() + 1}/QĐ-UBND"
