"""Properties of the classification that must hold for any household (hypothesis)."""

from __future__ import annotations

from typing import Any

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ansinh.engine import CLASSES, assess
from tests.engine.builders import frames
from tests.engine.strategies import ON, household_with_members

RANK = {c: i for i, c in enumerate(CLASSES)}  # poor < near_poor < average_living < not_poor
STANDARDS = st.sampled_from(
    [
        ("vn_2022", None),
        ("vn_2027", None),
        ("hcm_2021", None),
        ("hcm_2024", None),
        ("hcm_2024", {"near_poor_rule": "income_band"}),
    ]
)
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Changes that add a deprivation to one household-level or one-member indicator and touch nothing else.
DEPRIVE = {
    "water": {"water_source": "surface"},
    "toilet": {"toilet_type": "none"},
    "housing_quality": {"wall_durable": False, "frame_durable": False},
    "telecom": {"uses_telecom": False, "uses_internet": False, "uses_digital_services": False},
    "information_devices": {"has_tv": False, "has_radio": False, "has_computer": False, "has_internet_phone": False},
    "waste": {"waste_handling": "dumped"},
    "floor_area": {"floor_area_m2": 1.0},
}


def classify(household: dict[str, Any], members: list[dict[str, Any]], standard: str, overrides: Any) -> dict[str, Any]:
    hh, mm = frames([household], members)
    row: dict[str, Any] = assess(hh, mm, standard, ON[standard], overrides).row(0, named=True)
    return row


@SETTINGS
@given(household_with_members(), STANDARDS, st.integers(1, 20_000_000))
def test_it_never_worsens_the_class_when_income_rises(data: Any, standard: Any, more: int) -> None:
    household, members = data
    before = classify(household, members, *standard)
    richer = {**household, "other_income_monthly": household["other_income_monthly"] + more}
    after = classify(richer, members, *standard)
    assert RANK[after["class"]] >= RANK[before["class"]]
    assert after["deprivation_count"] == before["deprivation_count"]


@SETTINGS
@given(household_with_members(), STANDARDS, st.sampled_from(sorted(DEPRIVE)), st.data())
def test_it_never_lowers_the_count_when_a_deprivation_is_added(
    data: Any, standard: Any, change: str, draw: st.DataObject
) -> None:
    household, members = data
    before = classify(household, members, *standard)
    after = classify({**household, **DEPRIVE[change]}, members, *standard)
    assert after["deprivation_count"] >= before["deprivation_count"]
    # One member losing health insurance (a member-level deprivation) never lowers it either.
    who = draw.draw(st.integers(0, len(members) - 1))
    uninsured = [dict(m, has_health_insurance=False) if i == who else m for i, m in enumerate(members)]
    assert classify(household, uninsured, *standard)["deprivation_count"] >= before["deprivation_count"]
    assert RANK[classify({**household, **DEPRIVE[change]}, members, *standard)["class"]] <= RANK[before["class"]]


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(household_with_members(), min_size=2, max_size=8), STANDARDS)
def test_it_gives_one_household_alone_the_row_it_has_in_the_whole_population(data: Any, standard: Any) -> None:
    households, members = [], []
    for number, (household, roster) in enumerate(data, start=1):
        households.append({**household, "household_id": number})
        members.extend({**m, "household_id": number} for m in roster)
    hh, mm = frames(households, members)
    whole = assess(hh, mm, standard[0], ON[standard[0]], standard[1])
    for number in range(1, len(data) + 1):
        alone = assess(
            hh.filter(pl.col("household_id") == number),
            mm.filter(pl.col("household_id") == number),
            standard[0],
            ON[standard[0]],
            standard[1],
        )
        assert alone.row(0, named=True) == whole.filter(pl.col("household_id") == number).row(0, named=True)
