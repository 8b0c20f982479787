"""``do_import_surveys``: offline surveys (an ODK / KoBoToolbox export, a filled-in workbook) become drafts
through one action, all or nothing, and a second import of the same file changes nothing."""

from __future__ import annotations

import json

import pytest

from ansinh.audit.models import AuditEvent
from ansinh.review import actions
from ansinh.review.errors import NotAllowed
from ansinh.review.models import SurveyResponse


@pytest.fixture
def listed(officer, make_round, poor_household):
    review_round = make_round()
    actions.do_build_household_list(actor=officer, review_round=review_round)
    return review_round, review_round.households.get()


def _export(household, member, income: str = "900000", code: str | None = None) -> bytes:
    row = {
        "household_code": code or household.code,
        "surveyed_on": "2025-09-12",
        "household/has_tv": "yes",
        "members": [{"members/member_id": str(member.pk), "members/monthly_income": income}],
    }
    return json.dumps({"results": [row]}).encode()


def test_it_saves_each_row_as_a_draft_and_skips_it_the_second_time(officer, listed, poor_household):
    review_round, rh = listed
    member = poor_household.members.get()
    data = _export(poor_household, member)
    first = actions.do_import_surveys(
        actor=officer, review_round=review_round, form="B", content=data, file_name="kobo.json"
    )
    assert (first.saved, first.skipped, first.problems) == (1, 0, [])
    survey = SurveyResponse.objects.get(round_household=rh, form="B")
    assert survey.status == "draft" and survey.source == "xlsform"
    assert survey.answers["members"][str(member.pk)]["monthly_income"] == 900_000
    assert AuditEvent.objects.filter(action="review.survey.save_b").count() == 1
    again = actions.do_import_surveys(
        actor=officer, review_round=review_round, form="B", content=data, file_name="kobo.json"
    )
    assert (again.saved, again.skipped) == (0, 1)
    assert SurveyResponse.objects.get(pk=survey.pk).version == survey.version


def test_it_saves_nothing_and_returns_the_problems_when_one_row_is_wrong(
    officer, listed, poor_household, rich_household
):
    review_round, _rh = listed
    member = poor_household.members.get()
    good = json.loads(_export(poor_household, member))["results"][0]
    outside = {"household_code": rich_household.code, "household/has_tv": "no"}
    data = json.dumps([good, outside]).encode()
    result = actions.do_import_surveys(
        actor=officer, review_round=review_round, form="B", content=data, file_name="central.json"
    )
    assert result.saved == 0 and len(result.problems) == 1 and rich_household.code in result.problems[0]
    assert not SurveyResponse.objects.exists()


def test_it_refuses_an_officer_of_another_ward(officer_b, listed, poor_household):
    review_round, _rh = listed
    data = _export(poor_household, poor_household.members.get())
    with pytest.raises(NotAllowed):
        actions.do_import_surveys(
            actor=officer_b, review_round=review_round, form="B", content=data, file_name="kobo.json"
        )
    assert not SurveyResponse.objects.exists()


def test_it_refuses_an_answer_holding_a_control_character_by_row_and_field(officer, listed, poor_household):
    from django.utils import translation

    review_round, rh = listed
    member = poor_household.members.get()
    with translation.override("vi"):
        result = actions.do_import_surveys(
            actor=officer,
            review_round=review_round,
            form="B",
            content=_export(poor_household, member, income="900\x1b000"),
            file_name="kobo.json",
        )
    assert len(result.problems) == 1 and result.saved == 0
    assert "Thu nhập bình quân tháng" in result.problems[0]  # the question as the officer sees it, not its path
    assert "ký tự điều khiển" in result.problems[0]
    assert not SurveyResponse.objects.filter(round_household=rh).exists()
