"""Every kind of bad row is reported with its row, column and a Vietnamese reason; nothing is written."""

from __future__ import annotations

from typing import Any

import polars as pl
import pytest
from django.utils import translation

from ansinh.geo.models import FormerDistrict, FormerProvince, FormerWard, WardSuccession
from ansinh.imports import actions, problems
from ansinh.registry.models import Household, Member

from .conftest import household, id_for, member


def _issues(batch: Any, level: str = "error") -> list[tuple[str, int, str, str]]:
    frame = actions.issues(batch).filter(pl.col("level") == level)
    with translation.override("vi"):  # the Vietnamese wording, as the officer reads it by default
        return [(r["table"], r["row"], r["column"], r["message"]) for r in problems.rows(frame)]


def _one(batch: Any, table: str, row: int, level: str = "error") -> tuple[str, str]:
    found = [(c, m) for t, r, c, m in _issues(batch, level) if t == table and r == row]
    assert len(found) == 1, _issues(batch, level)
    return found[0]


@pytest.fixture
def check(files, run_import, officer, ward_a):
    def run(households: list[dict[str, Any]], members: list[dict[str, Any]]) -> Any:
        batch = run_import(files(households, members), officer)
        assert batch.status == "validated", batch.error
        return batch

    return run


def test_it_reports_an_id_number_that_disagrees_with_sex_and_birth_year(check):
    import datetime

    wrong_sex = id_for("F", datetime.date(1980, 5, 17))
    batch = check(
        [household("H1")],
        [
            member("H1", id_number=wrong_sex),
            member("H1", "Lê Thị Hoa", "Nữ", "01/01/1990", "Vợ/chồng", id_number="079185000001"),
        ],
    )
    column, message = _one(batch, "members", 2)
    assert column == "Số định danh cá nhân" and "chữ số thứ 4 là 1, phải là 0" in message
    assert "năm sinh" in _one(batch, "members", 3)[1]
    assert batch.summary["households_valid"] == 0 and batch.summary["members_valid"] == 0


def test_it_reports_a_date_of_birth_in_the_future(check):
    batch = check([household("H1")], [member("H1", dob="01/01/2999", with_id=False)])
    assert _one(batch, "members", 2) == ("Ngày sinh", "Ngày sinh 01/01/2999 ở tương lai.")


def test_it_reports_an_unknown_ward_and_a_ward_outside_the_officers_scope(check, ward_b):
    batch = check(
        [household("H1", ward="99999"), household("H2", ward=ward_b.code)],
        [member("H1"), member("H2", "Phạm Văn Bảo", dob="02/02/1960")],
    )
    assert _one(batch, "households", 2) == ("Mã phường/xã", "Mã phường/xã 99999 không tồn tại.")
    assert _one(batch, "households", 3)[1] == f"Phường/xã {ward_b.code} nằm ngoài phạm vi bạn được nhập."


def test_it_converts_a_former_ward_and_says_so(check, province, ward_a):
    fp = FormerProvince.objects.create(code="79", name="Thành phố Hồ Chí Minh")
    fd = FormerDistrict.objects.create(code="760", name="Quận 1", kind="urban_district", province=fp)
    fw = FormerWard.objects.create(code="26737", name="Phường Nguyễn Thái Bình", kind="ward", district=fd)
    WardSuccession.objects.create(former_ward=fw, ward=ward_a)
    batch = check([household("H1", ward="26737")], [member("H1")])
    assert batch.summary["errors"] == 0
    column, message = _one(batch, "households", 2, level="notice")
    assert column == "Mã phường/xã" and "26737" in message and ward_a.code in message
    actions.commit_batch(batch, actor=None)
    assert Household.objects.get(code="H1").ward_id == ward_a.code


def test_it_reports_an_id_number_twice_in_the_file_and_one_already_registered(check, make_household, ward_a):
    import datetime

    from tests.conftest import member_data

    registered = id_for("M", datetime.date(1975, 1, 1))
    make_household(
        ward_a, code="OLD-1", members=[member_data(id_number=registered, date_of_birth=datetime.date(1975, 1, 1))]
    )
    twice = id_for("M", datetime.date(1980, 5, 17))
    batch = check(
        [household("H1"), household("H2")],
        [
            member("H1", id_number=twice),
            member("H2", "Võ Văn Tài", id_number=twice),
            member("H1", "Đỗ Văn Khoa", dob="01/01/1975", relation="Con", id_number=registered),
        ],
    )
    assert "trùng trong tệp (các dòng 2, 3)" in _one(batch, "members", 2)[1]
    assert "trùng trong tệp (các dòng 2, 3)" in _one(batch, "members", 3)[1]
    assert _one(batch, "members", 4)[1] == f"Số định danh {registered} đã được đăng ký ở hộ OLD-1."


def test_it_reports_a_household_without_a_head_and_one_with_two(check):
    batch = check(
        [household("H1"), household("H2")],
        [member("H1", relation="Con"), member("H2"), member("H2", "Ngô Văn Lộc", dob="03/03/1950")],
    )
    assert "không có chủ hộ" in _one(batch, "households", 2)[1]
    assert _one(batch, "members", 3)[1] == "Hộ có nhiều hơn một chủ hộ."
    assert _one(batch, "members", 4)[1] == "Hộ có nhiều hơn một chủ hộ."


def test_it_reports_a_member_without_a_household(check):
    batch = check([household("H1")], [member("H1"), member("NOWHERE", "Lý Văn Nam", dob="04/04/1944")])
    column, message = _one(batch, "members", 3)
    assert column == "Mã hộ" and "không thuộc hộ nào" in message


def test_it_reports_unreadable_numbers_dates_codes_and_missing_values(check):
    batch = check(
        [household("H1", floor_area_m2="bốn mươi", other_income_monthly="1,2,3", water_source="suối")],
        [member("H1", monthly_income="abc", full_name="", dob="31/02/1980", sex="?")],
    )
    errors = {(t, r, c): m for t, r, c, m in _issues(batch)}
    assert "không đọc được" in errors[("households", 2, "Diện tích nhà ở (m²)")]
    assert "không đọc được" in errors[("households", 2, "Thu nhập khác của hộ (đồng/tháng)")]
    assert "không có trong danh mục" in errors[("households", 2, "Nguồn nước sinh hoạt")]
    assert "không đọc được" in errors[("members", 2, "Thu nhập hằng tháng (đồng)")]
    assert errors[("members", 2, "Họ và tên")] == "Thiếu giá trị bắt buộc ở cột “Họ và tên”."
    assert "31/02/1980" in errors[("members", 2, "Ngày sinh")]
    assert "không có trong danh mục" in errors[("members", 2, "Giới tính")]


def test_it_accepts_codes_labels_iso_dates_and_vietnamese_numbers(check):
    batch = check(
        [
            household(
                "H1",
                water_source="drilled_well",
                other_income_monthly="1.500.000",
                floor_area_m2="45,5",
                has_tv="x",
                roof_durable="Không",
            )
        ],
        [member("H1", dob="1980-05-17", sex="M", relation="head", ethnicity="Chăm")],
    )
    assert batch.summary["errors"] == 0, _issues(batch)
    actions.commit_batch(batch, actor=None)
    h = Household.objects.get(code="H1")
    assert (h.water_source, h.other_income_monthly, h.floor_area_m2, h.has_tv, h.roof_durable) == (
        "drilled_well",
        1_500_000,
        45.5,
        True,
        False,
    )
    assert Member.objects.get().ethnicity == "cham"


def test_it_holds_back_a_whole_household_when_one_member_is_bad_and_writes_nothing_on_validation(check):
    batch = check(
        [household("H1"), household("H2")],
        [
            member("H1"),
            member("H1", "Bad Date", dob="hôm qua", relation="Con", with_id=False),
            member("H2", "Đinh Văn Sơn", dob="05/05/1955"),
        ],
    )
    assert batch.summary["households_valid"] == 1 and batch.summary["members_valid"] == 1
    assert ("members", 2) in {(t, r) for t, r, _c, _m in _issues(batch, "notice")}
    assert not Household.objects.exists() and not Member.objects.exists()
    actions.commit_batch(batch, actor=None)
    assert list(Household.objects.values_list("code", flat=True)) == ["H2"]


def test_it_refuses_an_officer_importing_over_a_household_of_another_ward(check, make_household, ward_b):
    make_household(ward_b, code="FOREIGN-1")
    batch = check([household("FOREIGN-1")], [member("FOREIGN-1")])
    assert "ngoài phạm vi" in _one(batch, "households", 2)[1]
    assert batch.summary["households_valid"] == 0
