"""Every step is scoped: the officer prepares in their ward, the chairman approves, the analyst reads."""

from __future__ import annotations

import datetime as dt

import pytest
from django.http import Http404

from ansinh.review import actions, queries
from ansinh.review.errors import NotAllowed
from tests.review.conftest import YEAR


def test_it_refuses_an_officer_of_another_ward_at_every_step(make_round, officer_b, poor_household, run_round):
    review_round = make_round()
    with pytest.raises(NotAllowed):
        actions.do_build_household_list(actor=officer_b, review_round=review_round)
    with pytest.raises(NotAllowed):
        actions.do_create_round(actor=officer_b, ward=review_round.ward, kind="periodic", year=YEAR)
    with pytest.raises(NotAllowed):
        actions.do_record_request(
            actor=officer_b, household=poor_household, form="form_04", received_on=dt.date(YEAR, 3, 2)
        )
    review_round = run_round(review_round, until="assessed")
    with pytest.raises(NotAllowed):
        actions.do_assess_round(actor=officer_b, review_round=review_round)


def test_it_hides_the_round_from_an_officer_of_another_ward(make_round, officer, officer_b):
    review_round = make_round()
    assert list(queries.rounds_for(officer)) == [review_round]
    assert not queries.rounds_for(officer_b).exists()
    with pytest.raises(Http404):
        queries.get_round_for(officer_b, review_round.pk)
    rh_ids = list(review_round.households.values_list("pk", flat=True))
    for pk in rh_ids:
        with pytest.raises(Http404):
            queries.get_round_household_for(officer_b, pk)


def test_it_lets_the_city_analyst_read_every_ward_and_change_nothing(make_round, analyst, ward_b, officer_b):
    a = make_round()
    b = make_round(ward=ward_b, actor=officer_b)
    assert set(queries.rounds_for(analyst)) == {a, b}
    with pytest.raises(NotAllowed):
        actions.do_build_household_list(actor=analyst, review_round=a)


def test_it_refuses_the_chairman_the_officers_steps(make_round, chairman):
    with pytest.raises(NotAllowed):
        actions.do_build_household_list(actor=chairman, review_round=make_round())


def test_it_gives_a_user_without_review_rights_nothing(make_round, make_user, ward_a):
    make_round()
    worker = make_user("case_worker", wards=[ward_a])
    assert not queries.rounds_for(worker).exists()
