"""What every step checks first: the user's role and scope (``require``), and the round, locked and
in a status that allows the step (``open_round``, ``check_step``; ``ROUND_STEPS`` in the models)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Max

from ansinh.accounts.models import Actor
from ansinh.accounts.permissions import can
from ansinh.accounts.scope import in_scope
from ansinh.review import rules
from ansinh.review.errors import NotAllowed, RoundLocked, StepNotOpen, StepOutOfOrder
from ansinh.review.models import ROUND_STEPS, Complaint, Round, RoundStatus, SurveyResponse, SurveyStatus


def require(actor: Actor, ward_code: str, action: str) -> None:
    """Refuse (``NotAllowed``) a user whose role lacks ``review.<action>`` or whose scope lacks the ward."""
    if not can(actor, "review", action) or not in_scope(actor, ward_code):
        raise NotAllowed(action=action)


def open_round(review_round: Round, allowed: Iterable[str] | None = None) -> Round:
    """The round, locked for the transaction; refused when approved or not in one of ``allowed``."""
    current = Round.objects.select_for_update().get(pk=review_round.pk)
    if current.status == RoundStatus.APPROVED:
        raise RoundLocked
    if allowed is not None and current.status not in tuple(allowed):
        raise StepNotOpen(current.status)
    return current


def check_step(review_round: Round, step: str) -> None:
    """Refuse now, as the step's action would when it runs (``RoundLocked``, ``StepNotOpen``), a ``step``
    (a key of ``ROUND_STEPS``) the round's status does not allow: for work queued to run later."""
    with transaction.atomic():
        open_round(review_round, ROUND_STEPS[step])


def _step_date(review_round: Round, name: str, complaint: Complaint | None) -> dt.date | None:
    """The date of step ``name`` of the round that a later step may not precede."""
    if name == "survey":
        surveys = SurveyResponse.objects.filter(round_household__round=review_round, status=SurveyStatus.SUBMITTED)
        day: dt.date | None = surveys.aggregate(d=Max("surveyed_on"))["d"]
    elif name == "meeting":
        day = review_round.meetings.aggregate(d=Max("held_on"))["d"]
    elif name == "posting":
        day = review_round.postings.aggregate(d=Max("start"))["d"]
    elif name == "posting_over":  # the posting has ended: the day after its last (working) day
        end = review_round.postings.aggregate(d=Max("end"))["d"]
        day = end + dt.timedelta(days=1) if end else None
    elif name == "complaint":
        day = complaint.received_on if complaint else None
    elif name == "complaint_answer":
        day = review_round.complaints.aggregate(d=Max("answered_on"))["d"]
    else:
        raise ValueError(f"step_order names an unknown step {name}")
    return day


def check_order(review_round: Round, step: str, day: dt.date, field: str, complaint: Complaint | None = None) -> None:
    """Refuse a step dated before the steps the procedure in force puts before it (rule ``step_order``)."""
    previous = rules.rule("step_order", day).get(step) or []
    for name in [previous] if isinstance(previous, str) else previous:
        earliest = _step_date(review_round, name, complaint)
        if earliest is not None and day < earliest:
            raise StepOutOfOrder(field=field, day=day, previous=name, earliest=earliest)
