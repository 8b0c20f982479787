"""Which households the posted list (and the decision) shows: a named query over the listed classes."""

from __future__ import annotations

import datetime as dt
import io

from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from ansinh.review import actions, queries
from ansinh.review.models import Assessment
from ansinh.vocab import LISTED_CLASSES
from tests.review.conftest import YEAR


def _assessed(officer, review_round, rich_household):
    """The screened household and a well-off one the officer adds, assessed."""
    actions.do_build_household_list(actor=officer, review_round=review_round)
    actions.do_add_round_household(
        actor=officer,
        review_round=review_round,
        household=rich_household,
        requested_on=dt.date(YEAR, 9, 1),
        reason="Kiểm tra",
    )
    actions.do_move_round(actor=officer, review_round=review_round, to_status="surveying")
    actions.do_assess_round(actor=officer, review_round=review_round)
    review_round.refresh_from_db()
    return review_round


def test_it_lists_the_poor_and_near_poor_and_those_leaving_a_list(officer, make_round, poor_household, rich_household):
    review_round = _assessed(officer, make_round(), rich_household)
    classes = dict(Assessment.objects.filter(round=review_round).values_list("household_id", "klass"))
    assert classes[poor_household.pk] in LISTED_CLASSES and classes[rich_household.pk] not in LISTED_CLASSES

    shown = set(queries.posted_list(review_round, "vn_2022").values_list("household_id", flat=True))
    assert shown == {poor_household.pk}  # a household never on a list is not posted

    Assessment.objects.filter(round=review_round, household=rich_household).update(previous_class="near_poor")
    shown = set(queries.posted_list(review_round, "vn_2022").values_list("household_id", flat=True))
    assert shown == {poor_household.pk, rich_household.pk}  # leaving the near-poor list is posted too
    assert not queries.posted_list(review_round, "hcm_2024").exists()  # one standard at a time


def test_the_posted_workbook_shows_the_households_of_the_query(officer, make_round, poor_household, rich_household):
    review_round = _assessed(officer, make_round(), rich_household)
    votes = {rh.pk: (10, 8) for rh in review_round.households.all()}
    actions.do_record_meeting(
        actor=officer, review_round=review_round, held_on=dt.date(YEAR, 10, 28), present_count=10, votes=votes
    )
    actions.do_open_posting(actor=officer, review_round=review_round, start=dt.date(YEAR, 11, 3))
    client = Client()
    client.force_login(officer)
    workbook = client.get(reverse("review-provisional-list", args=[review_round.pk, "vn_2022", "xlsx"]))
    cells = {str(c.value) for row in load_workbook(io.BytesIO(workbook.content)).active.iter_rows() for c in row}
    assert poor_household.code in cells and rich_household.code not in cells
