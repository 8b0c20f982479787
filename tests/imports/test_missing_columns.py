"""A file missing a required column is reported as missing that column, in the table it is."""

from __future__ import annotations

from ansinh.imports.columns import HOUSEHOLD_COLUMNS, MEMBER_COLUMNS
from ansinh.imports.models import BatchStatus

from .conftest import household, member, write_csv


def test_a_households_csv_without_its_ward_column_is_said_to_miss_the_ward_column(tmp_path, run_import, officer):
    columns = tuple(c for c in HOUSEHOLD_COLUMNS if c.field != "ward_code")
    hh = write_csv(tmp_path / "ho.csv", columns, [household("H1")])
    mm = write_csv(tmp_path / "tv.csv", MEMBER_COLUMNS, [member("H1")])
    batch = run_import([hh, mm], officer)
    assert batch.status == BatchStatus.FAILED
    assert batch.error_params == {
        "reason": "columns_missing",
        "params": {"place": {"file": "ho.csv"}, "columns": "Mã phường/xã"},
    }, batch.error_params


def test_a_members_csv_without_the_relation_is_still_the_members_file(tmp_path, run_import, officer):
    hh = write_csv(tmp_path / "ho.csv", HOUSEHOLD_COLUMNS, [household("H1")])
    columns = tuple(c for c in MEMBER_COLUMNS if c.field != "relation")
    mm = write_csv(tmp_path / "tv.csv", columns, [member("H1")])
    batch = run_import([hh, mm], officer)
    assert batch.error_params["reason"] == "columns_missing"
    assert batch.error_params["params"]["columns"] == "Quan hệ với chủ hộ"
