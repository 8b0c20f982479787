"""Standards as data: selection by date and jurisdiction, dated values, units, overrides."""

from __future__ import annotations

import datetime as dt

import pytest

from ansinh.standards import StandardError, all_standards, load_standard, standards_for


def test_it_selects_national_and_city_standards_by_date_and_province() -> None:
    assert [s.id for s in standards_for(dt.date(2023, 5, 1), "79")] == ["vn_2022", "hcm_2021"]
    assert [s.id for s in standards_for(dt.date(2024, 10, 1), "79")] == ["vn_2022", "hcm_2024"]
    assert [s.id for s in standards_for(dt.date(2024, 9, 30), "79")] == ["vn_2022", "hcm_2021"]
    assert [s.id for s in standards_for(dt.date(2026, 12, 31), "79")] == ["vn_2022", "hcm_2024"]
    assert [s.id for s in standards_for(dt.date(2027, 1, 1), "79")] == ["vn_2027", "hcm_2024"]
    assert [s.id for s in standards_for(dt.date(2027, 1, 1), "01")] == ["vn_2027"]


def test_it_reads_the_value_in_force_on_the_date() -> None:
    vn = load_standard("vn_2022")
    assert vn.value("working_age.retirement_male", dt.date(2023, 12, 31)) == 729
    assert vn.value("working_age.retirement_male", dt.date(2024, 1, 1)) == 732
    assert load_standard("vn_2027").value("income_line.rural", dt.date(2027, 1, 1)) == 2_200_000
    assert load_standard("vn_2027").value("average_living_line.urban", dt.date(2027, 1, 1)) is None


def test_it_keeps_city_lines_per_year_with_their_unit() -> None:
    hcm = load_standard("hcm_2024")
    line = hcm.parameters["income_line"]
    assert line.unit == "VND/person/year"
    assert hcm.value("income_line", dt.date(2025, 1, 1)) == 46_000_000


def test_it_marks_unverified_values_and_keeps_verified_ones() -> None:
    vn = load_standard("vn_2022")
    unverified = {p.path for p in vn.unverified()}
    assert "average_living_line.rural" in unverified
    assert "income_line.urban" not in unverified
    assert "near_poor_rule" in {p.path for p in load_standard("hcm_2024").unverified()}


def test_it_exposes_the_indicator_to_dimension_map() -> None:
    dims = load_standard("vn_2022").dimensions
    assert len(dims) == 12 and len(set(dims.values())) == 6
    assert dims["telecom"] == dims["information_devices"] == "information"
    vn27 = load_standard("vn_2027").dimensions
    assert "information_devices" not in vn27 and {"digital_services", "waste"} <= set(vn27)
    assert len(load_standard("hcm_2021").dimensions) == 10
    assert len(load_standard("hcm_2024").dimensions) == 13


def test_it_applies_overrides_without_touching_the_stored_standard() -> None:
    vn = load_standard("vn_2022")
    changed = vn.with_overrides({"income_line.urban": "2500000", "deprivation_cutoff": "4"})
    on = dt.date(2025, 1, 1)
    assert changed.value("income_line.urban", on) == 2_500_000
    assert changed.value("deprivation_cutoff", on) == 4
    assert vn.value("income_line.urban", on) == 2_000_000
    assert changed.version.startswith(vn.version + "+") and changed.version != vn.version
    both = vn.with_overrides({"income_line": 1_800_000})
    assert both.value("income_line.rural", on) == both.value("income_line.urban", on) == 1_800_000


def test_it_refuses_unknown_parameters_and_bad_values() -> None:
    vn = load_standard("vn_2022")
    with pytest.raises(StandardError, match="no parameter 'income_lin'"):
        vn.with_overrides({"income_lin": 1})
    with pytest.raises(StandardError, match="near_poor_rule"):
        vn.with_overrides({"near_poor_rule": "coin_toss"})
    with pytest.raises(StandardError, match="unknown standard"):
        load_standard("vn_1999")


def test_it_gives_every_parameter_a_unit_reference_and_dated_values() -> None:
    for standard in all_standards():
        assert standard.version and len(standard.version) == 12
        for parameter in standard.parameters.values():
            assert parameter.reference and parameter.description and parameter.values
