from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import reverse

from ansinh.registry import actions
from ansinh.registry.models import Member
from tests.conftest import member_data
from tests.web.conftest import parse


def member_post(**overrides: Any) -> dict[str, Any]:
    data = {
        "full_name": "Nguyễn Thị Cúc",
        "sex": "F",
        "date_of_birth": "02/03/2015",
        "relation": "child",
        "ethnicity": "kinh",
        "disability_level": "none",
        "has_health_insurance": "on",
        "schooling_status": "attending",
        "school_level": "primary",
        "education_level": "none",
        "employment_status": "child",
        "monthly_income": "0",
        "pension_monthly": "0",
        "nutrition_status": "normal",
    }
    data.update(overrides)
    return data


def test_it_adds_a_member_after_registration(officer_client, ward_a, make_household):
    hh = make_household(ward_a)
    data = {**member_post(), "event-kind": "birth", "event-on": "02/03/2015"}
    response = officer_client.post(reverse("member-add", args=[hh.pk]), data)
    assert response.status_code == 302
    assert hh.members.filter(full_name="Nguyễn Thị Cúc", relation="child").exists()


def test_it_asks_for_the_school_level_of_a_pupil(officer_client, ward_a, make_household):
    hh = make_household(ward_a)
    data = {**member_post(school_level=""), "event-kind": "birth", "event-on": "02/03/2015"}
    response = officer_client.post(reverse("member-add", args=[hh.pk]), data)
    assert response.status_code == 400
    assert 'href="#id_school_level"' in response.content.decode()


def test_it_edits_a_member_and_shows_a_conflict(officer_client, officer, make_user, ward_a, make_household):
    hh = make_household(ward_a)
    head = hh.members.get()
    colleague = make_user("ward_officer", wards=[ward_a], username="colleague")
    actions.do_update_member(
        actor=colleague, member=head, changes={"monthly_income": 5_000_000}, expected_version=head.version
    )
    data = member_post(
        full_name="Nguyễn Văn Ân",
        sex="M",
        date_of_birth="17/05/1980",
        relation="head",
        schooling_status="not_attending",
        school_level="",
        employment_status="employed",
        monthly_income="4.000.000",
        nutrition_status="",
        education_level="upper_secondary",
        version=str(head.version),
    )
    response = officer_client.post(reverse("member-edit", args=[hh.pk, head.pk]), data)
    assert response.status_code == 409
    html = response.content.decode()
    assert "5.000.000" in html and "colleague" in html
    page = parse(response)
    assert page.find("input", name="full_name", value="Nguyễn Văn Ân")
    assert page.find("input", name="monthly_income", value="5000000")
    head.refresh_from_db()
    data.update(version=str(head.version), monthly_income="5.000.000")
    assert officer_client.post(reverse("member-edit", args=[hh.pk, head.pk]), data).status_code == 302
    head.refresh_from_db()
    assert (head.full_name, head.monthly_income) == ("Nguyễn Văn Ân", 5_000_000)


def test_it_records_a_death_and_asks_for_a_new_head_when_the_head_dies(officer_client, ward_a, make_household):
    hh = make_household(
        ward_a, members=[member_data(), member_data(full_name="Trần Thị Bình", sex="F", relation="spouse")]
    )
    head = hh.members.get(relation="head")
    spouse = hh.members.get(relation="spouse")
    url = reverse("member-death", args=[hh.pk, head.pk])
    response = officer_client.post(url, {"on": "01/09/2025"})
    assert response.status_code == 400
    assert 'href="#id_new_head"' in response.content.decode()
    response = officer_client.post(url, {"on": "01/09/2025", "new_head": spouse.pk})
    assert response.status_code == 302
    head.refresh_from_db()
    spouse.refresh_from_db()
    assert head.status == "deceased" and spouse.relation == "head"


def test_it_records_a_move_out(officer_client, ward_a, make_household):
    hh = make_household(
        ward_a,
        members=[
            member_data(),
            member_data(full_name="Lê Văn Cường", relation="child", date_of_birth=datetime.date(2001, 1, 1)),
        ],
    )
    child = hh.members.get(relation="child")
    response = officer_client.post(reverse("member-move-out", args=[hh.pk, child.pk]), {"on": "01/09/2025"})
    assert response.status_code == 302
    child.refresh_from_db()
    assert child.status == "moved_out"
    assert officer_client.get(reverse("member-move-out", args=[hh.pk, child.pk])).status_code == 404


def test_it_refuses_a_date_in_the_future(officer_client, ward_a, make_household):
    hh = make_household(ward_a)
    head = hh.members.get()
    response = officer_client.post(reverse("member-death", args=[hh.pk, head.pk]), {"on": "01/01/2999"})
    assert response.status_code == 400
    assert Member.objects.get(pk=head.pk).status == "active"


def test_it_changes_the_head(officer_client, ward_a, make_household):
    hh = make_household(
        ward_a, members=[member_data(), member_data(full_name="Trần Thị Bình", sex="F", relation="spouse")]
    )
    spouse = hh.members.get(relation="spouse")
    response = officer_client.post(
        reverse("household-change-head", args=[hh.pk]),
        {"new_head": spouse.pk, "old_head_relation": "spouse", "on": "01/09/2025"},
    )
    assert response.status_code == 302
    assert hh.members.get(relation="head") == spouse
    assert hh.members.get(full_name="Nguyễn Văn An").relation == "spouse"


def test_it_does_not_reach_a_member_through_another_household(officer_client, ward_a, make_household):
    first = make_household(ward_a)
    second = make_household(ward_a)
    stranger = second.members.get()
    assert officer_client.get(reverse("member-edit", args=[first.pk, stranger.pk])).status_code == 404


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"disability_assessed_on": "01/01/2020"}, "disability_assessed_on", "Ngày xác định cần có mức độ khuyết tật."),
        (
            {"disability_level": "severe", "disability_assessed_on": "01/01/2014"},
            "disability_assessed_on",
            "Ngày xác định không thể trước ngày sinh.",
        ),
        ({"pension_monthly": "-5"}, "pension_monthly", None),
        ({"pension_monthly": "3.000.000"}, "pension_monthly", "phải đánh dấu “Hưởng lương hưu”."),
    ],
)
def test_the_benefit_attributes_are_checked_and_nothing_is_written(
    officer_client, ward_a, make_household, overrides, field, message
):
    hh = make_household(ward_a)
    data = {**member_post(**overrides), "event-kind": "birth", "event-on": "02/03/2015"}
    response = officer_client.post(reverse("member-add", args=[hh.pk]), data, HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 400
    assert field in response.context["form"].errors
    if message:
        assert message in response.content.decode()
    assert not hh.members.filter(full_name="Nguyễn Thị Cúc").exists()


def test_it_records_the_benefit_attributes(officer_client, ward_a, make_household):
    hh = make_household(ward_a)
    data = {
        **member_post(date_of_birth="02/03/1950", relation="parent", schooling_status="not_attending",
                      school_level="", employment_status="retired", nutrition_status="",
                      disability_level="severe", disability_assessed_on="05/06/2023", receives_pension="on",
                      pension_monthly="2.500.000", merit_category="war_invalid_81"),
        "event-kind": "move_in", "event-on": "02/03/2024",
    }  # fmt: skip
    response = officer_client.post(reverse("member-add", args=[hh.pk]), data)
    assert response.status_code == 302, response.context["form"].errors
    member = hh.members.get(full_name="Nguyễn Thị Cúc")
    assert (member.disability_assessed_on, member.pension_monthly, member.merit_category) == (
        datetime.date(2023, 6, 5),
        2_500_000,
        "war_invalid_81",
    )
