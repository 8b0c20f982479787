from __future__ import annotations

import datetime

import polars as pl

from ansinh.engine import assess
from ansinh.registry import actions
from ansinh.registry.queries import HOUSEHOLD_SCHEMA, MEMBER_SCHEMA, registry_frames
from tests.conftest import member_data


def test_it_reads_the_registry_as_engine_frames_linking_members_to_their_household(
    officer, ward_a, ward_b, make_household
):
    first = make_household(
        ward_a,
        members=[
            member_data(),
            member_data(full_name="Trần Thị Bình", sex="F", relation="spouse"),
        ],
    )
    second = make_household(ward_b, members=[member_data(full_name="Lê Văn Cường")], floor_area_m2=12.5)
    gone = first.members.get(relation="spouse")
    actions.do_move_out(actor=officer, member=gone, on=datetime.date(2025, 10, 1))

    households, members = registry_frames()
    assert dict(households.schema) == HOUSEHOLD_SCHEMA
    assert dict(members.schema) == MEMBER_SCHEMA
    assert households["household_id"].to_list() == [first.pk, second.pk]
    assert households.filter(pl.col("household_id") == second.pk)["floor_area_m2"].item() == 12.5
    assert households["ward_code"].to_list() == [ward_a.code, ward_b.code]
    # Only current members, each with the id of the household it belongs to.
    assert sorted(members.select("household_id", "full_name").rows()) == sorted(
        [(first.pk, "Nguyễn Văn An"), (second.pk, "Lê Văn Cường")]
    )
    assert members["date_of_birth"].to_list() == [datetime.date(1980, 5, 17)] * 2
    assert members["has_health_insurance"].dtype == pl.Boolean

    only_a, members_a = registry_frames(ward_codes=[ward_a.code])
    assert only_a["household_id"].to_list() == [first.pk]
    assert members_a["household_id"].unique().to_list() == [first.pk]
    empty, no_members = registry_frames(ward_codes=[])
    assert empty.is_empty() and no_members.is_empty()


def test_it_feeds_the_engine_directly(ward_a, make_household):
    poor = make_household(
        ward_a,
        members=[member_data(monthly_income=500_000)],
        floor_area_m2=5.0,
        water_source="surface",
        toilet_type="none",
        wall_durable=False,
        roof_durable=False,
    )
    make_household(ward_a, members=[member_data(full_name="Phạm Văn Giàu", monthly_income=30_000_000)])
    households, members = registry_frames()
    result = assess(households, members, "vn_2022", datetime.date(2025, 12, 1))
    classes = dict(result.select("household_id", "class").rows())
    assert classes[poor.pk] == "poor"
    assert len(classes) == 2


def test_it_reads_only_the_columns_the_engine_needs_when_asked(ward_a, make_household):
    from ansinh.engine.frames import HOUSEHOLD_COLUMNS, MEMBER_COLUMNS

    second = make_household(
        ward_a, members=[member_data(full_name="Lê Văn Cường"), member_data(full_name="Lê Thị Dung", relation="spouse")]
    )
    first = make_household(ward_a, members=[member_data(monthly_income=500_000)])
    full_hh, full_mm = registry_frames()
    households, members = registry_frames(engine_only=True)
    assert households.columns == [c for c in HOUSEHOLD_SCHEMA if HOUSEHOLD_COLUMNS[c].required]
    assert members.columns == [c for c in MEMBER_SCHEMA if MEMBER_COLUMNS[c].required]
    assert "full_name" not in members.columns and "code" not in households.columns
    assert households.equals(full_hh.select(households.columns))
    assert members.equals(full_mm.select(members.columns))
    # Members come grouped by household, in household order, whatever order the server returned them in.
    assert members["household_id"].to_list() == sorted([first.pk, second.pk, second.pk])
    on = datetime.date(2025, 12, 1)
    assert assess(households, members, "vn_2022", on).equals(assess(full_hh, full_mm, "vn_2022", on))


def test_it_raises_the_database_error_of_a_bad_read_and_keeps_the_connection_usable(ward_a, make_household):
    import pytest
    from django.db import transaction

    from ansinh.dbframes import read_frame
    from ansinh.registry.models import Household

    make_household(ward_a, members=[member_data()])
    with pytest.raises(Exception, match="nope"), transaction.atomic():
        assert Household.objects.count() == 1  # inside a transaction: the read goes through libpq directly
        read_frame("SELECT t.nope FROM registry_household t", [], {"nope": pl.Int64})
    assert Household.objects.count() == 1
    with transaction.atomic():
        frame = read_frame(
            "SELECT t.id AS household_id FROM registry_household t WHERE t.ward_id = %s",
            [ward_a.code],
            {"household_id": pl.Int64},
        )
    assert frame["household_id"].to_list() == list(Household.objects.values_list("pk", flat=True))
