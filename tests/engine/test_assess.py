"""assess: one row per household with indicators, count, income against the line, class and versions."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from ansinh.engine import FrameError, assess
from ansinh.standards import StandardError, load_standard
from tests.engine.builders import frames, one

ON = dt.date(2025, 6, 30)


def test_it_classifies_a_poor_household_with_three_deprivations_below_the_line() -> None:
    hh, mm = one(
        {"floor_area_m2": 7.0, "water_source": "surface", "toilet_type": "none"},
        {"monthly_income": 2_000_000},
    )
    row = assess(hh, mm, "vn_2022", ON).row(0, named=True)
    assert (row["ind_floor_area"], row["ind_water"], row["ind_toilet"]) == (1, 1, 1)
    assert row["deprivation_count"] == 3
    assert row["income_per_person"] == 2_000_000 and row["income_line"] == 2_000_000
    assert row["class"] == "poor"
    assert row["standard_id"] == "vn_2022"
    assert row["parameter_version"] == load_standard("vn_2022").version


def test_it_returns_one_row_per_household_in_id_order_with_int8_indicators() -> None:
    hh, mm = frames(
        [{"household_id": 7}, {"household_id": 3, "area_type": "rural"}],
        [{"household_id": 3}, {"household_id": 7}, {"household_id": 3}],
    )
    result = assess(hh, mm, "vn_2022", ON)
    assert result["household_id"].to_list() == [3, 7]
    assert result["members"].to_list() == [2, 1]
    assert result["income_line"].to_list() == [1_500_000, 2_000_000]
    assert all(result[c].dtype == pl.Int8 for c in result.columns if c.startswith("ind_"))
    assert len([c for c in result.columns if c.startswith("ind_")]) == 12


def test_it_compares_yearly_city_lines_exactly() -> None:
    # 46,000,000 VND/person/year is 3,833,333.33…/month: a household at exactly 46M/year is at the line.
    hh, mm = one(
        {"other_income_monthly": 0},
        {"monthly_income": 3_833_333},
        {"monthly_income": 3_833_334},
        {"monthly_income": 3_833_333},
    )
    row = assess(hh, mm, "hcm_2024", ON).row(0, named=True)
    assert row["at_or_below_line"] == 1 and row["class"] == "near_poor"
    hh2, mm2 = one(
        {"other_income_monthly": 1},
        {"monthly_income": 3_833_333},
        {"monthly_income": 3_833_334},
        {"monthly_income": 3_833_333},
    )
    assert assess(hh2, mm2, "hcm_2024", ON)["class"][0] == "average_living"


def test_it_lets_the_city_choose_the_near_poor_rule() -> None:
    hh, mm = one({}, {"monthly_income": 4_200_000})  # 50.4M/year: between 46M and 54M
    assert assess(hh, mm, "hcm_2024", ON)["class"][0] == "average_living"
    assert assess(hh, mm, "hcm_2024", ON, {"near_poor_rule": "income_band"})["class"][0] == "near_poor"


def test_it_refuses_a_standard_outside_its_validity() -> None:
    hh, mm = one()
    with pytest.raises(StandardError, match="not in force"):
        assess(hh, mm, "vn_2027", ON)


def test_it_names_the_rows_of_a_member_without_household_and_a_household_without_members() -> None:
    hh, mm = frames([{"household_id": 1}, {"household_id": 2}], [{"household_id": 1}, {"household_id": 9}])
    with pytest.raises(FrameError) as err:
        assess(hh, mm, "vn_2022", ON)
    text = str(err.value)
    assert "members without a household" in text and "member_id 2 (household_id 9)" in text
    assert "households without members" in text and "household_id 2" in text
