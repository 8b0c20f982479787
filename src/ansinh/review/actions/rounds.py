"""Opening a round and moving it along its lifecycle by hand."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ansinh.accounts.models import Actor, acting_user
from ansinh.geo.models import Ward
from ansinh.review import rules
from ansinh.review.actions.guards import open_round, require
from ansinh.review.actions.moves import audit, move_round
from ansinh.review.audit_actions import ReviewAudit
from ansinh.review.errors import IllegalTransition, ReviewError
from ansinh.review.models import Round, RoundEvent, RoundKind, RoundStatus
from ansinh.standards import load_standard, standards_for


@transaction.atomic
def do_create_round(
    *,
    actor: Actor,
    ward: Ward,
    kind: str,
    year: int,
    standards: list[str] | None = None,
    period_start: dt.date | None = None,
    period_end: dt.date | None = None,
    assessed_on: dt.date | None = None,
    corrects: Round | None = None,
    note: str = "",
) -> Round:
    """Open a round for ``ward``. Periodic rounds default to the legal window of ``year``; the standards
    default to those in force for the ward's province on the reference date."""
    require(actor, ward.code, "prepare")
    if kind not in RoundKind.values:
        raise ReviewError(_("Unknown kind of review."), field="kind")
    if kind == RoundKind.PERIODIC:
        start, end = rules.periodic_window(year)
    else:
        start = period_start or dt.date(year, 1, 1)
        end = rules.regular_decision_due(start)
    period_start, period_end = period_start or start, period_end or end
    if period_end < period_start:
        raise ReviewError(_("The review cannot end before it starts."), field="period_end")
    assessed_on = assessed_on or period_start
    ids = standards or [s.id for s in standards_for(assessed_on, ward.province_id)]
    for sid in ids:
        std = load_standard(sid)
        if not std.applies_on(assessed_on):
            raise ReviewError(
                _("Standard %(s)s is not in force on %(d)s.") % {"s": sid, "d": assessed_on}, field="standards"
            )
    if corrects is not None and corrects.status != RoundStatus.APPROVED:
        raise ReviewError(_("Only an approved round can be corrected."), field="corrects")
    review_round = Round.objects.create(
        ward=ward,
        kind=kind,
        year=year,
        period_start=period_start,
        period_end=period_end,
        assessed_on=assessed_on,
        standards=list(ids),
        corrects=corrects,
        note=note,
        created_by=acting_user(actor),
        due_on=rules.regular_decision_due(period_start) if kind == RoundKind.REGULAR else None,
    )
    RoundEvent.objects.create(
        round=review_round, to_status=review_round.status, at=timezone.now(), actor=acting_user(actor)
    )
    audit(
        actor,
        ReviewAudit.ROUND_CREATE,
        review_round,
        review_round,
        {
            "ward": [None, ward.code],
            "kind": [None, kind],
            "year": [None, year],
            "standards": [None, list(ids)],
            "corrects": [None, corrects.pk if corrects else None],
        },
    )
    return review_round


@transaction.atomic
def do_move_round(*, actor: Actor, review_round: Round, to_status: str, note: str = "") -> Round:
    """Move a round one step along its lifecycle (the step actions below do this themselves).
    Approval only through ``do_approve_round``."""
    require(actor, review_round.ward_id, "prepare")
    current = open_round(review_round)
    if to_status == RoundStatus.APPROVED:
        raise IllegalTransition(_("A round"), current.status, to_status)
    return move_round(actor, current, to_status, note)
