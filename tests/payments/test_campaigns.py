"""A Tết campaign as a one-off payroll over its groups: one gift per person at the highest group, and the
report of everyone found in several groups."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from django.test import Client
from django.urls import reverse

from ansinh.engine.benefits import campaign_duplicates
from ansinh.payments import errors
from ansinh.payments.actions import do_compute_payroll, do_create_campaign_payroll
from ansinh.payments.queries import campaign_lines_frame
from ansinh.programs.actions import do_enrol_person
from tests.conftest import member_data

D = dt.date


@pytest.fixture
def merit_people(make_household, ward_a, program_officer):
    household = make_household(ward_a, members=[
        member_data(full_name="Nguyễn Văn Hùng", date_of_birth=D(1948, 3, 3), merit_category="war_invalid_81"),
        member_data(full_name="Lê Thị Mẹ", date_of_birth=D(1930, 1, 1), relation="parent", sex="F",
                    merit_category="heroic_mother", employment_status="retired", monthly_income=0),
    ], on=D(2023, 1, 2))  # fmt: skip
    invalid, mother = household.members.order_by("pk")
    for number, (person, category) in enumerate(
        [(invalid, "war_invalid_81"), (invalid, "home_convalescence"), (mother, "heroic_mother")], start=1
    ):
        do_enrol_person(actor=program_officer, member=person, programme="merit", category=category,
                        start_month=D(2025, 1, 1), decision_number=f"{number}/QĐ-UBND",
                        decision_date=D(2024, 12, 20))  # fmt: skip
    return invalid, mother


def test_a_person_in_two_groups_gets_one_gift_at_the_highest_and_is_reported(program_officer, ward_a, merit_people):
    invalid, mother = merit_people
    payroll = do_create_campaign_payroll(actor=program_officer, campaign="tet_2026_president", ward=ward_a)
    payroll = do_compute_payroll(actor=program_officer, payroll=payroll)
    assert (payroll.kind, payroll.month, payroll.total_amount, payroll.paid_count) == (
        "campaign",
        D(2026, 2, 1),
        1_200_000,
        2,
    )
    lines = {(line.member_id, line.category): line for line in payroll.lines.all()}
    assert lines[(invalid.pk, "severe_war_invalids")].amount == 600_000
    assert lines[(invalid.pk, "convalescence")].status == "higher_category_paid"
    assert lines[(invalid.pk, "convalescence")].paid_category == "severe_war_invalids"
    assert lines[(mother.pk, "heroic_mothers")].explanation_vi == (
        "Quà Bà mẹ Việt Nam Anh hùng: 600.000 đồng (Quyết định 01/QĐ-CTN năm 2026)"
    )
    report = campaign_duplicates(campaign_lines_frame(payroll.pk))
    assert report.select("member_id", "groups", "paid_group").to_dicts() == [
        {"member_id": invalid.pk, "groups": ["severe_war_invalids", "convalescence"],
         "paid_group": "severe_war_invalids"}
    ]  # fmt: skip
    # Σ(group size × amount) after one gift per person equals the total.
    paid = pl.DataFrame([(line.category, line.amount) for line in payroll.lines.filter(status="paid")],
                        schema=["group", "amount"], orient="row")  # fmt: skip
    assert int(paid.group_by("group").agg(pl.len() * pl.col("amount").first()).sum()[0, 1]) == payroll.total_amount


def test_a_second_campaign_payroll_for_the_same_people_is_refused(program_officer, ward_a, merit_people):
    first = do_create_campaign_payroll(actor=program_officer, campaign="tet_2026_president", ward=ward_a)
    do_compute_payroll(actor=program_officer, payroll=first)
    second = do_create_campaign_payroll(actor=program_officer, campaign="tet_2026_president", ward=ward_a)
    with pytest.raises(errors.AlreadyOnPayroll) as refused:
        do_compute_payroll(actor=program_officer, payroll=second)
    assert refused.value.params["payroll"] == first.pk


def test_an_unknown_campaign_is_refused(program_officer, ward_a):
    with pytest.raises(errors.UnknownProgramme):
        do_create_campaign_payroll(actor=program_officer, campaign="tet_1999", ward=ward_a)


def test_the_campaign_page_shows_the_duplicate_report(program_officer, ward_a, merit_people):
    client = Client()
    client.force_login(program_officer)
    response = client.post(reverse("payroll-list"), {"programme": "tet_2026_president", "month": "2026-02-01",
                                                     "ward": ward_a.code})  # fmt: skip
    assert response.status_code == 302
    detail = client.post(response["Location"].replace("/payrolls/", "/payrolls/", 1) + "do/compute/", follow=True)
    page = detail.content.decode()
    assert "Nguyễn Văn Hùng" in page and "Người có công đang hưởng điều dưỡng tại gia đình" in page
    assert "1.200.000" in page
