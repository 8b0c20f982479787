"""The one reader of dated legal data: dated lookups, refusals, a province's layer, the fields it reports."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from ansinh.lib import legal
from ansinh.review import rules
from ansinh.standards import all_standards

SCENARIOS = yaml.safe_load((Path(__file__).with_name("legal_scenarios.yaml")).read_text(encoding="utf-8"))
NATIONAL = legal.read(SCENARIOS["national"], "national")
LAYERS = {
    "national": NATIONAL,
    "province_79": legal.read(SCENARIOS["province_79"], "province 79", jurisdiction="79", base=NATIONAL),
}


@pytest.mark.parametrize(
    "case", SCENARIOS["lookups"], ids=[f"{c['layer']}:{c['path']}@{c['date']}" for c in SCENARIOS["lookups"]]
)
def test_it_finds_the_value_in_force_on_each_date(case):
    data = LAYERS[case["layer"]]
    if case.get("refused"):
        with pytest.raises(legal.LegalDataError) as refused:
            data.value_at(case["path"], case["date"])
        assert case["path"] in refused.value.message
        if case["path"] in data:
            assert isinstance(refused.value, legal.NoValue)
            assert refused.value.params["on"] == case["date"].isoformat()
            assert case["date"].isoformat() in refused.value.message
    else:
        assert data.value_at(case["path"], case["date"]) == case["value"]


def test_it_refuses_a_date_without_a_value_naming_the_parameter_and_the_date():
    with pytest.raises(legal.NoValue) as refused:
        NATIONAL.value_at("social_assistance.base_level", dt.date(2020, 1, 1))
    assert refused.value.code == "legal_no_value"
    assert refused.value.params["path"] == "social_assistance.base_level"
    assert str(refused.value) == "social_assistance.base_level has no value on 2020-01-01 (national)"


def test_a_province_layer_reports_whose_value_applies():
    city = LAYERS["province_79"]
    assert city.lookup("dossier.answer_working_days", dt.date(2025, 3, 1)).jurisdiction == "79"
    assert city.lookup("dossier.answer_working_days", dt.date(2024, 3, 1)).jurisdiction == ""
    assert city.lookup("dossier.answer_working_days", dt.date(2024, 3, 1)).reference == "INVENTED"


def test_it_reports_every_field_of_the_value_in_force():
    found = NATIONAL.lookup("social_assistance.base_level", dt.date(2025, 1, 1))
    assert found == legal.Dated(
        path="social_assistance.base_level",
        value=500000,
        unit="VND/month",
        valid_from=dt.date(2024, 7, 1),
        reference="INVENTED, shaped like Decree 20/2021/NĐ-CP Art. 4 and Decree 76/2024/NĐ-CP",
        verified=False,
        last_value_still_valid_on=dt.date(2026, 11, 30),
        description="Base level of social assistance (mức chuẩn trợ giúp xã hội)",
    )


def test_it_flags_the_values_not_verified_against_the_official_text():
    assert [p.path for p in NATIONAL.unverified()] == ["social_assistance.base_level"]
    # The city verified its own base level; the national one it falls back on is still flagged.
    assert [p.path for p in LAYERS["province_79"].unverified()] == ["social_assistance.base_level"]
    assert LAYERS["province_79"].parameter("social_assistance.base_level").verified


def test_it_reads_the_rows_of_an_appendix_table_keyed_by_category():
    rows = NATIONAL.table("social_assistance.coefficient", dt.date(2025, 1, 1))
    assert rows == {"orphan_under_4": 2.5, "elderly_alone": 1.5}
    assert NATIONAL.table("social_assistance.coefficient", dt.date(2026, 1, 1)) == {"orphan_under_4": 2.5}


@pytest.mark.parametrize(
    ("node", "problem"),
    [
        ({"unit": "count", "reference": "x", "verified": True, "values": {"2020-01-01": 1}}, "lacks 'description'"),
        ({"description": "d", "unit": "furlongs", "reference": "x", "verified": True, "values": {"2020-01-01": 1}},
         "unknown unit"),
        ({"description": "d", "unit": "count", "reference": "x", "verified": True, "last_checked": "2020-01-01",
          "values": {"2020-01-01": 1}}, "unknown field 'last_checked'"),
        ({"description": "d", "unit": "count", "reference": "x", "verified": "yes", "values": {"2020-01-01": 1}},
         "verified must be true or false"),
        ({"description": "d", "unit": "count", "reference": "x", "verified": True, "values": {"2020-01-01": "many"}},
         "is not a value in count"),
    ],
)  # fmt: skip
def test_it_refuses_a_parameter_without_the_shared_fields(node, problem):
    with pytest.raises(legal.LegalDataError, match=problem):
        legal.read({"p": node}, "test")


def test_standards_and_the_review_procedure_are_read_by_the_one_reader():
    procedure = rules.rules()
    assert isinstance(procedure, legal.LegalData)
    assert procedure.lookup("posting_working_days", dt.date(2025, 10, 1)).last_value_still_valid_on == dt.date(
        2026, 11, 25
    )
    assert {p.path for p in procedure.unverified()} >= {"posting_working_days", "approval_roles"}
    for standard in all_standards():
        assert all(isinstance(p, legal.Parameter) for p in standard.parameters.values())


def test_a_repealed_procedure_rule_is_refused_not_read_as_none():
    data = legal.read(
        {"r": {"description": "d", "unit": "working_days", "reference": "x", "verified": True,
               "values": {"2020-01-01": 3, "2024-01-01": None}}},
        "test",
    )  # fmt: skip
    assert data.parameter("r").in_force(dt.date(2024, 1, 1)) is None
    with pytest.raises(legal.NoValue, match="r has no value on 2024-01-01"):
        data.value_at("r", dt.date(2024, 1, 1))


def test_a_dated_value_set_by_a_later_instrument_reports_that_instruments_reference():
    data = legal.read(
        {"base": {"description": "d", "unit": "VND/month", "reference": "Decree 20/2021/NĐ-CP Art. 4.2",
                  "verified": True, "values": {"2021-07-01": 360000,
                                               "2024-07-01": {"value": 500000, "reference": "Decree 76/2024/NĐ-CP"}}}},
        "test",
    )  # fmt: skip
    assert data.lookup("base", dt.date(2024, 6, 30)).reference == "Decree 20/2021/NĐ-CP Art. 4.2"
    july = data.lookup("base", dt.date(2024, 7, 1))
    assert (july.value, july.reference) == (500000, "Decree 76/2024/NĐ-CP")


def test_it_refuses_a_dated_value_with_fields_it_does_not_know():
    node = {"description": "d", "unit": "count", "reference": "x", "verified": True,
            "values": {"2020-01-01": {"value": 1, "source": "?"}}}  # fmt: skip
    with pytest.raises(legal.BadFile, match="only 'value' and 'reference'"):
        legal.read({"p": node}, "test")
