"""The pages offer a step exactly when its action accepts the round: for every round status, each page's
flag equals whether the action refuses the round because of its status."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from ansinh.review import actions
from ansinh.review.errors import IllegalTransition, ReviewError, RoundLocked, StepNotOpen
from ansinh.review.models import ROUND_STEPS, Complaint, Round, RoundHousehold, RoundStatus
from tests.review.conftest import YEAR


@pytest.fixture(autouse=True)
def _web_settings(settings, tmp_path_factory):
    settings.LANGUAGE_CODE = "vi"
    settings.STATIC_ROOT = str(tmp_path_factory.mktemp("static"))


class _Rollback(Exception):
    pass


def accepts(call: Callable[[], Any]) -> bool:
    """Whether the action gets past the round's status (any later refusal counts as accepted); nothing kept."""
    try:
        with transaction.atomic():
            call()
            raise _Rollback
    except (StepNotOpen, RoundLocked, IllegalTransition):
        return False
    except _Rollback:
        return True
    except ReviewError:
        return True


def flag(client: Client, url: str, name: str) -> bool:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return bool(response.context[name])


@pytest.mark.parametrize("status", RoundStatus.values)
def test_it_offers_each_step_exactly_when_its_action_accepts_the_status(
    status, make_round, officer, chairman, poor_household
):
    review_round = make_round()
    rh = actions.do_add_round_household(
        actor=officer,
        review_round=review_round,
        household=poor_household,
        requested_on=dt.date(YEAR, 9, 2),
        reason="Hộ đề nghị",
    )
    complaint = Complaint.objects.create(
        round=review_round,
        round_household=rh,
        received_on=dt.date(YEAR, 11, 4),
        content="Sai thu nhập",
        due_on=dt.date(YEAR, 11, 7),
    )
    # Test set-up: put the round (and its household, so the meeting has someone to vote on) in the status.
    RoundHousehold.objects.filter(pk=rh.pk).update(stage="assessed")
    Round.objects.filter(pk=review_round.pk).update(status=status)
    review_round.refresh_from_db()
    rh.refresh_from_db()
    officer_client, chairman_client = Client(), Client()
    officer_client.force_login(officer)
    chairman_client.force_login(chairman)
    day = dt.date(YEAR, 11, 10)

    checks: list[tuple[Client, str, str, str, Callable[[], Any]]] = [
        (
            officer_client,
            reverse("review-round", args=[review_round.pk]),
            "list_open",
            "list",
            lambda: actions.do_build_household_list(actor=officer, review_round=review_round, screening=False),
        ),
        (
            officer_client,
            reverse("review-round", args=[review_round.pk]),
            "list_open",
            "list",
            lambda: actions.do_remove_round_household(actor=officer, round_household=rh, reason="Chuyển đi"),
        ),
        (
            officer_client,
            reverse("review-round", args=[review_round.pk]),
            "survey_open",
            "survey",
            lambda: actions.do_save_survey(actor=officer, round_household=rh, form="B", answers={}),
        ),
        (
            officer_client,
            reverse("review-survey", args=[review_round.pk, rh.pk, "B"]),
            "can_edit",
            "survey",
            lambda: actions.do_save_survey(actor=officer, round_household=rh, form="B", answers={}),
        ),
        (
            officer_client,
            reverse("review-survey-import", args=[review_round.pk, "B"]),
            "can_edit",
            "survey",
            lambda: actions.do_save_survey(actor=officer, round_household=rh, form="A", answers={}),
        ),
        (
            officer_client,
            reverse("review-results", args=[review_round.pk]),
            "can_assess",
            "assess",
            lambda: actions.do_assess_round(actor=officer, review_round=review_round),
        ),
        (
            officer_client,
            reverse("review-meeting", args=[review_round.pk]),
            "can_record",
            "meeting",
            lambda: actions.do_record_meeting(
                actor=officer, review_round=review_round, held_on=day, present_count=10, votes={rh.pk: (10, 8)}
            ),
        ),
        (
            officer_client,
            reverse("review-posting", args=[review_round.pk]),
            "can_post",
            "post",
            lambda: actions.do_open_posting(actor=officer, review_round=review_round, start=day),
        ),
        (
            officer_client,
            reverse("review-posting", args=[review_round.pk]),
            "can_complain",
            "complain",
            lambda: actions.do_record_complaint(
                actor=officer, review_round=review_round, received_on=day, content="Khiếu nại"
            ),
        ),
        (
            officer_client,
            reverse("review-complaint-answer", args=[review_round.pk, complaint.pk]),
            "answerable",
            "complain",
            lambda: actions.do_answer_complaint(actor=officer, complaint=complaint, answered_on=day, answer="Đúng"),
        ),
        (
            chairman_client,
            reverse("review-approve", args=[review_round.pk]),
            "can_decide",
            "approve",
            lambda: actions.do_approve_round(actor=chairman, review_round=review_round, number="1/QĐ-UBND", date=day),
        ),
    ]
    for client, url, name, step, call in checks:
        offered, accepted = flag(client, url, name), accepts(call)
        assert offered == accepted, f"{status}: the page's {name} is {offered}, the action accepts: {accepted}"
        assert accepted == (status in ROUND_STEPS[step]) == review_round.allows(step), (status, step)


def test_it_allows_every_step_somewhere_and_nothing_once_approved():
    for step, statuses in ROUND_STEPS.items():
        assert statuses, step
        assert RoundStatus.APPROVED not in statuses, step
    assert ROUND_STEPS["approve"] == (RoundStatus.POSTING,)
