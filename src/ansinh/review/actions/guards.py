"""What every step checks first: the user's role and scope (``require``), and the round, locked and
in a status that allows the step (``open_round``, ``check_step``; ``ROUND_STEPS`` in the models)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from ansinh.accounts.models import Actor
from ansinh.accounts.permissions import can
from ansinh.accounts.scope import in_scope
from ansinh.review.errors import NotAllowed, RoundLocked, StepNotOpen
from ansinh.review.models import ROUND_STEPS, Round, RoundStatus


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
