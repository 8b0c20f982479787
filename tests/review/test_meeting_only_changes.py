"""A second meeting votes only on what changed (issue 13, item 10): assessing the round again keeps the
agreement of every household whose class is the same under every standard; only a household whose result
changed goes back to the meeting."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse

from ansinh.registry.models import Member
from ansinh.review import actions
from tests.review.conftest import RICH_INCOME
from tests.web.conftest import signed_in


def test_assessing_again_keeps_the_agreements_whose_result_did_not_change(
    officer: Any, poor_household: Any, make_household: Any, ward_a: Any, make_round: Any, run_round: Any
) -> None:
    from tests.review.conftest import deprived_member

    other = make_household(ward_a, members=[deprived_member()], water_source="unprotected_well", floor_area_m2=6.0)
    review_round = run_round(make_round(), until="meeting")
    stages = dict(review_round.households.values_list("household_id", "stage"))
    assert stages[poor_household.pk] == stages[other.pk] == "agreed"

    # Nothing changed: assessing again leaves both agreed, and the meeting page asks for no vote.
    actions.do_assess_round(actor=officer, review_round=review_round)
    assert set(review_round.households.values_list("stage", flat=True)) == {"agreed"}
    page = signed_in(officer).get(reverse("review-meeting", args=[review_round.pk])).content.decode()
    assert 'name="agree_' not in page

    # One household's income rises well above the line: only it goes back to the meeting.
    Member.objects.filter(household=other).update(monthly_income=RICH_INCOME * 3)
    actions.do_assess_round(actor=officer, review_round=review_round)
    stages = dict(review_round.households.values_list("household_id", "stage"))
    assert stages == {poor_household.pk: "agreed", other.pk: "assessed"}
    page = signed_in(officer).get(reverse("review-meeting", args=[review_round.pk])).content.decode()
    assert other.code in page
    assert poor_household.code not in page.split("<form", 1)[-1].split("</form>", 1)[0]

    # The second meeting records that one vote, and the round can be posted.
    rh = review_round.households.get(household=other)
    actions.do_record_meeting(
        actor=officer, review_round=review_round, held_on=dt.date(2025, 11, 1), present_count=10, votes={rh.pk: (10, 9)}
    )
    assert set(review_round.households.values_list("stage", flat=True)) == {"agreed"}
