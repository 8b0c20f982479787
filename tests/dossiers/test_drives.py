"""A form-04 dossier opens the household's regular review and is decided only when the review has decided."""

from __future__ import annotations

from typing import Any

import pytest

from ansinh.dossiers import actions as a
from ansinh.dossiers import errors
from ansinh.review.models import Round, RoundStatus

from .conftest import at


def test_a_form_04_dossier_opens_a_regular_review_with_its_deadline(officer: Any, receive: Any, family: Any) -> None:
    dossier = receive(at(2026, 3, 3, 9), procedure="poverty_review_request", household=family)
    review = Round.objects.get(pk=dossier.review_round_id)
    assert review.kind == "regular" and review.ward_id == family.ward_id
    assert str(review.due_on) == "2026-03-30"  # the review's legal deadline is the dossier's appointment day
    assert dossier.events.get(kind="accepted").appointment == at(2026, 3, 30, 17, 0)
    with pytest.raises(errors.ReviewStillOpen):
        a.do_decide_dossier(actor=officer, dossier=dossier, result="x", at=at(2026, 3, 20))
    Round.objects.filter(pk=review.pk).update(status=RoundStatus.APPROVED)
    a.do_decide_dossier(actor=officer, dossier=dossier, result="Quyết định công nhận", at=at(2026, 3, 25))
