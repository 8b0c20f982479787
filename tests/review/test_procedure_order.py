"""The procedure's order, from the dated procedure data: no approval before the posting has ended and every
complaint is answered, no step dated before the one it follows, and dates in refusals as dd/mm/yyyy."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from ansinh.review import actions, rules
from ansinh.review.errors import DecisionAfterRecording, OpenComplaints, PostingNotOver, StepOutOfOrder
from ansinh.review.models import Decision

from .conftest import YEAR, answers_b

ISO = re.compile(r"\d{4}-\d{2}-\d{2}")


@pytest.fixture(autouse=True)
def _vietnamese():
    with translation.override("vi"):
        yield


def test_it_keeps_the_order_of_steps_in_the_dated_procedure_data():
    order = rules.rule("step_order", dt.date(YEAR, 9, 1))
    assert order["posting"] == "meeting" and "posting_over" in order["approval"]


def test_it_refuses_a_decision_recorded_before_the_posting_ends_even_when_dated_after_it(
    make_round, poor_household, run_round, chairman
):
    review_round = run_round(make_round(), until="posting")
    posting = review_round.postings.get()
    with pytest.raises(DecisionAfterRecording) as refused:
        actions.do_approve_round(
            actor=chairman,
            review_round=review_round,
            number="1",
            date=posting.end + dt.timedelta(days=1),
            recorded_on=posting.start,
        )
    assert refused.value.field == "date" and not ISO.search(refused.value.message)
    assert posting.start.strftime("%d/%m/%Y") in refused.value.message
    assert not Decision.objects.exists()


def test_it_refuses_a_decision_dated_within_the_posting_with_the_dates_as_dd_mm_yyyy(
    make_round, poor_household, run_round, chairman
):
    review_round = run_round(make_round(), until="posting")
    posting = review_round.postings.get()
    with pytest.raises(PostingNotOver) as refused:
        actions.do_approve_round(actor=chairman, review_round=review_round, number="1", date=posting.end)
    message = refused.value.message
    assert posting.end.strftime("%d/%m/%Y") in message and not ISO.search(message)
    assert (posting.end + dt.timedelta(days=1)).strftime("%d/%m/%Y") in message
    assert message.startswith("Danh sách niêm yết đến hết ngày")
    actions.do_approve_round(
        actor=chairman, review_round=review_round, number="1", date=posting.end + dt.timedelta(days=1)
    )


def test_it_refuses_approval_while_a_complaint_is_open_and_before_its_answer(
    make_round, poor_household, run_round, officer, chairman
):
    review_round = run_round(make_round(), until="posting")
    posting = review_round.postings.get()
    complaint = actions.do_record_complaint(
        actor=officer, review_round=review_round, received_on=posting.start, content="Hộ tôi chưa đúng"
    )
    after = posting.end + dt.timedelta(days=1)
    with pytest.raises(OpenComplaints):
        actions.do_approve_round(actor=chairman, review_round=review_round, number="1", date=after)
    answered = posting.end + dt.timedelta(days=5)
    actions.do_answer_complaint(actor=officer, complaint=complaint, answered_on=answered, answer="Đã phúc tra")
    with pytest.raises(StepOutOfOrder) as refused:
        actions.do_approve_round(actor=chairman, review_round=review_round, number="1", date=after)
    assert answered.strftime("%d/%m/%Y") in refused.value.message
    actions.do_approve_round(actor=chairman, review_round=review_round, number="1", date=answered)


def test_it_refuses_each_step_dated_before_the_step_it_follows(make_round, poor_household, run_round, officer):
    review_round = make_round()
    actions.do_build_household_list(actor=officer, review_round=review_round)
    rh = review_round.households.get()
    survey = actions.do_save_survey(
        actor=officer, round_household=rh, form="B", answers=answers_b(poor_household, 900_000)
    )
    actions.do_submit_survey(actor=officer, survey=survey, surveyed_on=dt.date(YEAR, 10, 20))
    review_round = run_round(review_round, until="assessed")
    with pytest.raises(StepOutOfOrder) as refused:
        actions.do_record_meeting(
            actor=officer,
            review_round=review_round,
            held_on=dt.date(YEAR, 10, 19),
            present_count=10,
            votes={rh.pk: (10, 9)},
        )
    assert refused.value.field == "held_on" and "20/10/2025" in refused.value.message
    actions.do_record_meeting(
        actor=officer,
        review_round=review_round,
        held_on=dt.date(YEAR, 10, 22),
        present_count=10,
        votes={rh.pk: (10, 9)},
    )
    with pytest.raises(StepOutOfOrder) as refused:
        actions.do_open_posting(actor=officer, review_round=review_round, start=dt.date(YEAR, 10, 21))
    assert refused.value.field == "start" and "22/10/2025" in refused.value.message
    posting = actions.do_open_posting(actor=officer, review_round=review_round, start=dt.date(YEAR, 10, 23))
    with pytest.raises(StepOutOfOrder) as refused:
        actions.do_record_complaint(
            actor=officer, review_round=review_round, received_on=dt.date(YEAR, 10, 22), content="x"
        )
    assert refused.value.field == "received_on"
    complaint = actions.do_record_complaint(
        actor=officer, review_round=review_round, received_on=posting.start, content="x"
    )
    with pytest.raises(StepOutOfOrder) as refused:
        actions.do_answer_complaint(
            actor=officer, complaint=complaint, answered_on=posting.start - dt.timedelta(days=1), answer="y"
        )
    assert refused.value.field == "answered_on"


def test_it_refuses_on_the_page_a_decision_entered_before_the_posting_ends(
    make_round, poor_household, run_round, chairman
):
    """The reported case: posting 07/12–09/12, the chairman enters decision date 10/12 on 07/12."""
    today = timezone.localdate()
    review_round = run_round(make_round(), until="posting", posted_on=today)
    posting = review_round.postings.get()
    assert posting.end >= today
    client = Client()
    client.force_login(chairman)
    response = client.post(
        reverse("review-approve", args=[review_round.pk]),
        {"number": "9/QĐ-UBND", "date": (posting.end + dt.timedelta(days=1)).strftime("%d/%m/%Y")},
    )
    assert response.status_code == 400
    assert not Decision.objects.exists()
    assert today.strftime("%d/%m/%Y") in response.content.decode()
