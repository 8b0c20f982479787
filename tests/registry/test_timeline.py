"""Time is consistent in the registry: no event before a person's birth or after their death, a birth on the
date of birth, an adult head unless no adult remains (then a recorded reason), values that fit the age. Each
refusal names the field and the reason with dates as dd/mm/yyyy, in the reader's language."""

from __future__ import annotations

import datetime as dt
import re

import polars as pl
import pytest
from django.utils import translation

from ansinh.imports.reading import ROW, RawFile, RawTable
from ansinh.imports.validation import Context, validate
from ansinh.registry import actions
from ansinh.registry.errors import RegistryError
from ansinh.registry.models import HouseholdEvent
from tests.conftest import member_data

D = dt.date
ISO = re.compile(r"\d{4}-\d{2}-\d{2}")


@pytest.fixture(autouse=True)
def _vietnamese():
    with translation.override("vi"):
        yield


def _refused(call, field: str) -> str:
    with pytest.raises(RegistryError) as refused:
        call()
    assert refused.value.field == field, refused.value.message
    assert not ISO.search(refused.value.message)
    return refused.value.message


def test_it_refuses_a_death_dated_before_the_birth(officer, ward_a, make_household):
    hh = make_household(ward_a, members=[member_data(), member_data(full_name="Lê Bình", relation="child")])
    child = hh.members.get(relation="child")
    message = _refused(lambda: actions.do_record_death(actor=officer, member=child, on=D(1979, 1, 1)), "date")
    assert message == "Ngày 01/01/1979 trước ngày sinh của Lê Bình (17/05/1980)."


def test_it_refuses_a_move_dated_before_the_birth(officer, ward_a, make_household):
    hh = make_household(ward_a, members=[member_data(), member_data(full_name="Lê Bình", relation="child")])
    child = hh.members.get(relation="child")
    _refused(lambda: actions.do_move_out(actor=officer, member=child, on=D(1970, 3, 2)), "date")


def test_it_refuses_a_birth_event_not_on_the_date_of_birth(officer, ward_a, make_household):
    hh = make_household(ward_a)
    adult = member_data(full_name="Trần Văn Cả", relation="child", date_of_birth=D(1990, 4, 2))
    message = _refused(
        lambda: actions.do_add_member(actor=officer, household=hh, data=adult, on=D(2025, 9, 1), kind="birth"),
        "date",
    )
    assert "02/04/1990" in message and "01/09/2025" in message
    baby = member_data(
        full_name="Trần Bé", relation="child", date_of_birth=D(2025, 9, 1), employment_status="", monthly_income=0
    )
    member = actions.do_add_member(actor=officer, household=hh, data=baby, on=D(2025, 9, 1), kind="birth")
    assert member.employment_status == "child"  # the default follows the age


def test_it_refuses_a_newborn_recorded_as_employed(officer, ward_a, make_household):
    hh = make_household(ward_a)
    baby = member_data(full_name="Trần Bé", relation="child", date_of_birth=D(2025, 9, 1), employment_status="employed")
    message = _refused(
        lambda: actions.do_add_member(actor=officer, household=hh, data=baby, on=D(2025, 9, 1), kind="birth"),
        "employment_status",
    )
    assert "01/09/2025" in message
    adult = hh.members.get()
    _refused(
        lambda: actions.do_update_member(
            actor=officer,
            member=adult,
            changes={"date_of_birth": D(2020, 1, 1), "id_number": None},
            expected_version=adult.version,
        ),
        "employment_status",
    )


def test_it_refuses_a_six_day_old_head_of_a_split_off_household_without_a_reason(officer, ward_a, make_household):
    hh = make_household(ward_a)
    baby = actions.do_add_member(
        actor=officer,
        household=hh,
        data=member_data(full_name="Trần Bé", relation="child", date_of_birth=D(2025, 9, 1), employment_status="child"),
        on=D(2025, 9, 1),
        kind="birth",
    )

    def split(reason: str = ""):
        return actions.do_split_household(
            actor=officer,
            household=hh,
            members=[baby],
            head=baby,
            code="26734-SPLIT",
            address="Số 2",
            on=D(2025, 9, 7),
            head_reason=reason,
        )

    message = _refused(split, "head_reason")
    assert "01/09/2025" in message and "hãy ghi lý do" in message
    new = split("Cha mẹ đã mất; người giám hộ ở hộ khác")
    assert HouseholdEvent.objects.get(household=new, kind="split").note.startswith("Cha mẹ")


def test_it_refuses_a_minor_as_head_while_an_adult_remains(officer, ward_a, make_household):
    hh = make_household(
        ward_a,
        members=[
            member_data(),
            member_data(full_name="Lê Nhỏ", relation="child", date_of_birth=D(2015, 2, 3), employment_status="child"),
        ],
    )
    child = hh.members.get(relation="child")
    message = _refused(
        lambda: actions.do_change_head(actor=officer, household=hh, new_head=child, on=D(2025, 9, 1)), "new_head"
    )
    assert "03/02/2015" in message
    with pytest.raises(RegistryError):
        actions.do_register_household(
            actor=officer,
            household={"code": "26734-MINOR", "ward": ward_a, "address": "Số 3"},
            members=[
                member_data(relation="head", date_of_birth=D(2015, 2, 3), employment_status="child"),
                member_data(full_name="Lê Lớn", relation="spouse"),
            ],
            on=D(2025, 9, 1),
        )


def _raw(households: list[dict], members: list[dict]) -> RawFile:
    def table(name: str, rows: list[dict]) -> RawTable:
        frame = pl.DataFrame(rows).with_row_index(ROW, offset=2).with_columns(pl.col(ROW).cast(pl.Int64))
        return RawTable(name, frame, set(rows[0]))

    return RawFile({"households": table("households", households), "members": table("members", members)})


def test_it_refuses_in_an_import_a_child_employed_and_a_minor_head_beside_an_adult(ward_a):
    raw = _raw(
        [{"code": "H1", "ward_code": ward_a.code, "address": "Số 1"}],
        [
            {
                "household_code": "H1",
                "full_name": "Lê Nhỏ",
                "sex": "Nam",
                "date_of_birth": "03/02/2020",
                "relation": "Chủ hộ",
                "employment_status": "Có việc làm",
            },
            {
                "household_code": "H1",
                "full_name": "Lê Lớn",
                "sex": "Nữ",
                "date_of_birth": "03/02/1980",
                "relation": "Vợ/chồng",
                "employment_status": "Có việc làm",
            },
        ],
    )
    ctx = Context(
        today=D(2025, 9, 1),
        wards=pl.DataFrame({"ward_code": [ward_a.code], "ward_name": [ward_a.name], "ward_area_type": ["urban"]}),
        successions=pl.DataFrame(schema={"former_code": pl.String, "ward_code": pl.String, "ward_name": pl.String}),
        allowed_wards=None,
    )
    result = validate(raw, ctx)
    errors = result.issues.filter(pl.col("level") == "error").select("row", "code").rows()
    assert (2, "employment_too_young") in errors and (2, "head_not_adult") in errors
    assert all(row == 2 for row, _code in errors)


@pytest.mark.parametrize(
    ("born", "schooling", "level", "employment"),
    [
        (D(2026, 12, 1), "not_attending", None, "child"),  # a newborn: a child, not at school, not employed
        (D(2018, 1, 1), "attending", "primary", "child"),  # 8 years old
        (D(2014, 1, 1), "attending", "lower_secondary", "child"),  # 12
        (D(2010, 1, 1), "attending", "upper_secondary", None),  # 16: of working age, the status is the officer's
        (D(1990, 1, 1), "not_attending", None, None),
    ],
)
def test_schooling_and_employment_default_to_what_the_age_says(born, schooling, level, employment):
    from ansinh.registry import timeline

    values = timeline.defaults({"date_of_birth": born}, D(2026, 12, 6))
    assert values["schooling_status"] == schooling
    assert values.get("school_level") == level
    assert values.get("employment_status") == employment
    # What the officer gives is kept.
    given = timeline.defaults({"date_of_birth": born, "schooling_status": "training"}, D(2026, 12, 6))
    assert given["schooling_status"] == "training"
    # The column form gives the same answers.
    frame = pl.DataFrame(
        {"s": [None], "l": [None], "b": [born]}, schema={"s": pl.String, "l": pl.String, "b": pl.Date}
    ).select(timeline.default_schooling_exprs(pl.col("s"), pl.col("l"), pl.col("b"), D(2026, 12, 6)))
    assert frame.row(0) == (schooling, level)


def test_a_child_added_without_schooling_attends_the_level_of_the_age(officer, ward_a, make_household):
    household = make_household(ward_a, members=[member_data()])
    data = member_data(
        full_name="Lê Bé Na", date_of_birth=D(2017, 3, 1), relation="child", employment_status="", monthly_income=0
    )
    data.pop("schooling_status", None)
    data.pop("school_level", None)
    member = actions.do_add_member(actor=officer, household=household, data=data, on=D(2026, 12, 6))
    assert (member.schooling_status, member.school_level, member.employment_status) == (
        "attending",
        "primary",
        "child",
    )
