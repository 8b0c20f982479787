"""Hypothesis strategies for random households and members of the frames contract."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import strategies as st

from ansinh import vocab

ON = {
    "vn_2022": dt.date(2025, 6, 30),
    "vn_2027": dt.date(2027, 6, 30),
    "hcm_2021": dt.date(2023, 6, 30),
    "hcm_2024": dt.date(2025, 6, 30),
}


def codes(vocabulary: vocab.Vocabulary) -> st.SearchStrategy[str]:
    return st.sampled_from(sorted(vocabulary))


def households(household_id: int = 1) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {
            "household_id": st.just(household_id),
            "ward_code": st.sampled_from(["26734", "26737", "27001"]),
            "area_type": codes(vocab.AREA_TYPE),
            "floor_area_m2": st.sampled_from([4.0, 7.99, 8.0, 16.0, 24.0, 40.0, 120.0]),
            "wall_durable": st.booleans(),
            "frame_durable": st.booleans(),
            "roof_durable": st.booleans(),
            "water_source": codes(vocab.WATER_SOURCE),
            "toilet_type": codes(vocab.TOILET_TYPE),
            "uses_telecom": st.booleans(),
            "uses_internet": st.booleans(),
            "has_tv": st.booleans(),
            "has_radio": st.booleans(),
            "has_computer": st.booleans(),
            "has_internet_phone": st.booleans(),
            "uses_digital_services": st.booleans(),
            "waste_handling": codes(vocab.WASTE_HANDLING),
            "other_income_monthly": st.integers(0, 3_000_000),
        }
    )


def members(household_id: int = 1) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {
            "household_id": st.just(household_id),
            "sex": codes(vocab.SEX),
            "date_of_birth": st.dates(dt.date(1930, 1, 1), dt.date(2023, 6, 30)),
            "disability_level": codes(vocab.DISABILITY_LEVEL),
            "unable_to_work": st.booleans(),
            "has_health_insurance": st.booleans(),
            "schooling_status": codes(vocab.SCHOOLING_STATUS),
            "education_level": codes(vocab.EDUCATION_LEVEL),
            "employment_status": codes(vocab.EMPLOYMENT_STATUS),
            "has_labour_contract": st.booleans(),
            "has_social_insurance": st.booleans(),
            "receives_pension": st.booleans(),
            "monthly_income": st.sampled_from([0, 1_000_000, 1_500_000, 2_000_000, 2_800_000, 3_833_333, 6_000_000]),
            "nutrition_status": st.sampled_from([None, *sorted(vocab.NUTRITION_STATUS)]),
        }
    )


def household_with_members(household_id: int = 1) -> st.SearchStrategy[tuple[dict[str, Any], list[dict[str, Any]]]]:
    return st.tuples(households(household_id), st.lists(members(household_id), min_size=1, max_size=6))
