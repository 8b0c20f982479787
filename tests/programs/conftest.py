"""Fixtures for programmes and payrolls: program officers of ward A and a severely disabled adult."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.conftest import member_data


@pytest.fixture
def program_officer(make_user: Any, ward_a: Any) -> Any:
    return make_user("program_officer", wards=[ward_a])


@pytest.fixture
def second_officer(make_user: Any, ward_a: Any) -> Any:
    return make_user("program_officer", wards=[ward_a])


@pytest.fixture
def disabled_adult(make_household: Any, ward_a: Any) -> Any:
    household = make_household(
        ward_a, members=[member_data(full_name="Trần Thị Bình", date_of_birth=dt.date(1980, 5, 5),
                                     disability_level="severe")],
        on=dt.date(2023, 1, 2),  # registered before the enrolment of 2023 and the deaths the tests record in 2025
    )  # fmt: skip
    return household.members.get()


@pytest.fixture
def enrolled(program_officer: Any, disabled_adult: Any) -> Any:
    from ansinh.programs.actions import do_enrol_person

    return do_enrol_person(
        actor=program_officer, member=disabled_adult, programme="social_assistance", category="disability_severe",
        start_month=dt.date(2023, 3, 1), decision_number="15/QĐ-UBND", decision_date=dt.date(2023, 2, 20),
    )  # fmt: skip
