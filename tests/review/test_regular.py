"""A household's request starts a regular review with its legal deadline; the officer's due list."""

from __future__ import annotations

import datetime as dt

from ansinh.review import actions, queries
from ansinh.review.models import Round


def test_it_starts_a_regular_review_on_the_next_15th_with_a_15_day_deadline(officer, poor_household):
    req = actions.do_record_request(
        actor=officer,
        household=poor_household,
        form="form_04",
        received_on=dt.date(2025, 3, 20),
        channel="post",
        reason="Thoát nghèo",
    )
    review_round = req.round_household.round
    assert (review_round.kind, review_round.period_start, review_round.due_on) == (
        "regular",
        dt.date(2025, 4, 15),
        dt.date(2025, 4, 30),
    )
    assert review_round.status == "listing"
    assert (req.round_household.source, req.round_household.channel) == ("form_04", "post")


def test_it_gathers_the_months_requests_in_one_regular_round(officer, poor_household, rich_household):
    for household, day in ((poor_household, dt.date(2025, 3, 16)), (rich_household, dt.date(2025, 4, 15))):
        actions.do_record_request(actor=officer, household=household, form="form_04", received_on=day)
    assert Round.objects.count() == 1
    assert Round.objects.get().households.count() == 2


def test_it_keeps_a_form_01_request_for_the_periodic_list(officer, poor_household):
    req = actions.do_record_request(
        actor=officer, household=poor_household, form="form_01", received_on=dt.date(2025, 8, 1)
    )
    assert req.round_household is None and not Round.objects.exists()


def test_it_lists_what_is_due_and_overdue_in_working_days(officer, poor_household, officer_b, make_household, ward_b):
    actions.do_record_request(actor=officer, household=poor_household, form="form_04", received_on=dt.date(2025, 3, 20))
    actions.do_record_request(
        actor=officer_b, household=make_household(ward_b), form="form_04", received_on=dt.date(2025, 3, 20)
    )
    on_time = queries.due_list(officer, dt.date(2025, 4, 25))
    assert [(i.kind, i.due_on, i.working_days_left, i.overdue) for i in on_time] == [
        ("regular_decision", dt.date(2025, 4, 30), 2, False)  # 28 and 29 April; 30/4 is a holiday
    ]
    late = queries.due_list(officer, dt.date(2025, 5, 6))
    assert [(i.kind, i.overdue) for i in late] == [("regular_decision", True)]
    assert late[0].working_days_left == -2  # 1/5 and 2/5 are days off; 5 and 6 May are late
