"""A former (three-tier) address converts to the current ward(s)."""

from __future__ import annotations

from typing import Any

import pytest

from ansinh.geo.loading import load_units
from ansinh.geo.queries import (
    AmbiguousFormerUnit,
    FormerUnitNotFound,
    convert_former_address,
    resolve_former_ward,
)


@pytest.fixture
def hcmc(db: Any) -> None:
    load_units(province="79")


def names(result: list[tuple[Any, bool]]) -> list[tuple[str, bool]]:
    return [(ward.name, partial) for ward, partial in result]


def test_it_converts_an_old_hcmc_address(hcmc: None) -> None:
    assert names(convert_former_address("Thành phố Hồ Chí Minh", "Quận 3", "Phường 5")) == [("Phường Bàn Cờ", False)]


def test_it_ignores_diacritics_case_and_type_prefixes(hcmc: None) -> None:
    expected = [("Phường Sài Gòn", False)]
    assert names(convert_former_address("Thành phố Hồ Chí Minh", "Quận 1", "Phường Bến Nghé")) == expected
    assert names(convert_former_address("tp hcm", "quan 1", "ben nghe")) == expected
    assert names(convert_former_address("HO CHI MINH", "Q.1", "P. BẾN NGHÉ")) == expected


def test_it_accepts_nso_codes(hcmc: None) -> None:
    assert names(convert_former_address("79", "760", "Bến Nghé")) == [("Phường Sài Gòn", False)]
    assert names(convert_former_address(None, None, "26734")) == [("Phường Tân Định", False)]


def test_it_converts_an_old_binh_duong_address_to_hcmc(hcmc: None) -> None:
    [(ward, partial)] = convert_former_address("Tỉnh Bình Dương", "Thành phố Thủ Dầu Một", "Phường Phú Cường")
    assert (ward.name, ward.province.code, partial) == ("Phường Thủ Dầu Một", "79", False)


def test_it_converts_an_old_ba_ria_vung_tau_address(hcmc: None) -> None:
    assert names(convert_former_address("Bà Rịa - Vũng Tàu", "Thành phố Vũng Tàu", "Phường 1")) == [
        ("Phường Vũng Tàu", False)
    ]


def test_it_converts_an_island_district_without_wards_to_its_special_zone(hcmc: None) -> None:
    assert names(convert_former_address("Bà Rịa – Vũng Tàu", "Huyện Côn Đảo", "")) == [("Đặc khu Côn Đảo", False)]


def test_it_returns_every_part_of_a_divided_ward(hcmc: None) -> None:
    result = convert_former_address("Bình Dương", "Thủ Dầu Một", "Hiệp Thành")
    assert sorted(names(result)) == [("Phường Phú Lợi", True), ("Phường Thủ Dầu Một", True)]


def test_it_finds_the_ward_when_only_one_of_two_like_named_districts_has_it(db: Any) -> None:
    load_units(province="92")  # Cần Thơ took in Hậu Giang: "Long Mỹ" was both a huyện and a thị xã
    assert names(convert_former_address("Hậu Giang", "Long Mỹ", "Xà Phiên")) == [("Xã Xà Phiên", False)]


def test_it_explains_an_ambiguous_or_unknown_address(hcmc: None) -> None:
    with pytest.raises(AmbiguousFormerUnit, match="Phường 1"):
        resolve_former_ward("Hồ Chí Minh", None, "Phường 1")
    with pytest.raises(FormerUnitNotFound, match="Nowhere"):
        resolve_former_ward("Bình Dương", "Thủ Dầu Một", "Nowhere")
    assert convert_former_address("Hồ Chí Minh", None, "Phường 1") == []
    assert convert_former_address("Atlantis", "Quận 1", "Bến Nghé") == []
