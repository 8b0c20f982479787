"""What a dossier drives: a form-04 request opens the household's regular review (with its legal deadline) and
the dossier is decided only when that review has decided (dossiers reference §10.2). The next step is called
explicitly from the actions, never through a signal."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from ansinh.accounts.models import Actor
from ansinh.dossiers.models import Dossier
from ansinh.dossiers.procedures import Procedure


def open_driven_action(*, actor: Actor, dossier: Dossier, proc: Procedure, on: dt.date) -> None:
    """Start the action the procedure drives, if the registry household is known."""
    if proc.drives == "regular_review" and dossier.household is not None:
        from ansinh.review.actions import do_record_request

        request = do_record_request(
            actor=actor,
            household=dossier.household,
            form="form_04",
            received_on=on,
            channel=dossier.channel,
            reason=f"dossier {dossier.code}",
        )
        if request.round_household is not None:
            round_id = request.round_household.round_id
            Dossier.objects.filter(pk=dossier.pk).update(review_round_id=round_id, updated_at=timezone.now())
            dossier.review_round_id = round_id


def review_decision(dossier: Dossier) -> Any | None:
    """The decision of the review the dossier opened once its round is approved (the dossier's result), else
    ``None``."""
    from ansinh.review.models import Decision, RoundStatus

    if dossier.review_round_id is None:
        return None
    return (
        Decision.objects.filter(round_id=dossier.review_round_id, round__status=RoundStatus.APPROVED)
        .select_related("round")
        .first()
    )


def review_decided(dossier: Dossier) -> bool:
    """Whether the review the dossier opened has decided (its round approved); true when it opened none."""
    from ansinh.review.models import Round, RoundStatus

    if dossier.review_round_id is None:
        return True
    return Round.objects.filter(pk=dossier.review_round_id, status=RoundStatus.APPROVED).exists()
