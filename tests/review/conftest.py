"""Fixtures for the review: users of each review role, a ward with households, rounds at each step."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from tests.conftest import member_data

YEAR = 2025
# Households whose income puts them under vn_2022's urban line (2,000,000 VND/person/month) or well above.
POOR_INCOME = 1_000_000
RICH_INCOME = 9_000_000


def deprived_member(**overrides: Any) -> dict[str, Any]:
    """An adult head with no health insurance, no contract (deprivations for employment and insurance)."""
    data = member_data(
        has_health_insurance=False,
        employment_status="employed",
        has_labour_contract=False,
        education_level="none",
        monthly_income=POOR_INCOME,
    )
    data.update(overrides)
    return data


@pytest.fixture
def chairman(make_user: Any, ward_a: Any) -> Any:
    return make_user("ward_chairman", wards=[ward_a])


@pytest.fixture
def officer_b(make_user: Any, ward_b: Any) -> Any:
    return make_user("ward_officer", wards=[ward_b])


@pytest.fixture
def chairman_b(make_user: Any, ward_b: Any) -> Any:
    return make_user("ward_chairman", wards=[ward_b])


@pytest.fixture
def poor_household(make_household: Any, ward_a: Any) -> Any:
    return make_household(
        ward_a,
        members=[deprived_member()],
        water_source="unprotected_well",
        floor_area_m2=6.0,
        has_tv=False,
        has_internet_phone=False,
    )


@pytest.fixture
def rich_household(make_household: Any, ward_a: Any) -> Any:
    return make_household(
        ward_a, members=[member_data(monthly_income=RICH_INCOME, has_labour_contract=True, has_social_insurance=True)]
    )


@pytest.fixture
def make_round(officer: Any, ward_a: Any) -> Callable[..., Any]:
    from ansinh.review.actions import do_create_round

    def make(**kw: Any) -> Any:
        kw.setdefault("ward", ward_a)
        kw.setdefault("kind", "periodic")
        kw.setdefault("year", YEAR)
        kw.setdefault("standards", ["vn_2022"])
        return do_create_round(actor=kw.pop("actor", officer), **kw)

    return make


def answers_b(household: Any, income: int) -> dict[str, Any]:
    """Complete form-B answers for ``household`` with every member earning ``income``."""
    from ansinh.registry.models import Member

    return {
        "household": {
            "floor_area_m2": household.floor_area_m2,
            "wall_durable": True,
            "frame_durable": True,
            "roof_durable": True,
            "water_source": household.water_source,
            "toilet_type": household.toilet_type,
            "uses_telecom": True,
            "uses_internet": True,
            "has_tv": household.has_tv,
            "has_radio": False,
            "has_computer": False,
            "has_internet_phone": household.has_internet_phone,
            "other_income_monthly": 0,
        },
        "members": {
            str(m.pk): {
                "employment_status": m.employment_status,
                "has_labour_contract": m.has_labour_contract,
                "has_social_insurance": m.has_social_insurance,
                "has_health_insurance": m.has_health_insurance,
                "unable_to_work": m.unable_to_work,
                "schooling_status": m.schooling_status,
                "school_level": m.school_level or None,
                "education_level": m.education_level,
                "nutrition_status": m.nutrition_status or None,
                "monthly_income": income,
            }
            for m in Member.objects.filter(household=household, status="active")
        },
    }


@pytest.fixture
def run_round(officer: Any, chairman: Any) -> Callable[..., Any]:
    """Drive a round from draft to the step named ``until`` (assessed, meeting, posting, approved)."""
    from ansinh.review import actions

    def run(
        review_round: Any,
        *,
        until: str = "approved",
        number: str = "12/QĐ-UBND",
        posted_on: dt.date = dt.date(YEAR, 11, 3),
    ) -> Any:
        review_round.refresh_from_db()
        if review_round.status in ("draft", "listing"):
            if review_round.corrects_id is None:
                actions.do_build_household_list(actor=officer, review_round=review_round)
            actions.do_move_round(actor=officer, review_round=review_round, to_status="surveying")
        actions.do_assess_round(actor=officer, review_round=review_round)
        review_round.refresh_from_db()
        if until == "assessed":
            return review_round
        votes = {rh.pk: (10, 8) for rh in review_round.households.exclude(stage="removed")}
        actions.do_record_meeting(
            actor=officer,
            review_round=review_round,
            held_on=posted_on - dt.timedelta(days=3),
            present_count=10,
            votes=votes,
        )
        review_round.refresh_from_db()
        if until == "meeting":
            return review_round
        actions.do_open_posting(actor=officer, review_round=review_round, start=posted_on)
        review_round.refresh_from_db()
        if until == "posting":
            return review_round
        end = review_round.postings.get().end
        actions.do_approve_round(
            actor=chairman, review_round=review_round, number=number, date=end + dt.timedelta(days=1)
        )
        review_round.refresh_from_db()
        return review_round

    return run
