"""What the household search box finds (``search_households``, and ``matching`` under the export by search).

Runs on SQLite and PostgreSQL: the query's shape serves PostgreSQL's indexes, the answers must not depend on it.
"""

from __future__ import annotations

from typing import Any

import pytest

from ansinh.registry.models import Household
from ansinh.registry.queries import matching, search_households
from tests.conftest import member_data

pytestmark = pytest.mark.django_db


def _codes(user: Any, q: str) -> set[str]:
    return set(search_households(user, q=q).values_list("code", flat=True))


def test_it_finds_a_household_by_its_code_in_any_case(officer: Any, ward_a: Any, make_household: Any) -> None:
    make_household(ward_a, code="HCM-ABC-001")
    make_household(ward_a, code="HCM-ABD-002")
    assert _codes(officer, "HCM-ABC-001") == {"HCM-ABC-001"}
    assert _codes(officer, "hcm-aBc-001") == {"HCM-ABC-001"}


def test_it_finds_the_households_whose_code_starts_with_the_query_in_any_case(
    officer: Any, ward_a: Any, make_household: Any
) -> None:
    for code in ("HCM-ABC-001", "hcm-abc-002", "HCM-ABD-003", "X-HCM-ABC-004"):
        make_household(ward_a, code=code)
    assert _codes(officer, "hcm-abc") == {"HCM-ABC-001", "hcm-abc-002"}
    assert _codes(officer, "HCM-AB") == {"HCM-ABC-001", "hcm-abc-002", "HCM-ABD-003"}


def test_it_finds_any_part_of_an_address_typed_with_or_without_diacritics(
    officer: Any, ward_a: Any, make_household: Any
) -> None:
    hh = make_household(ward_a, address="12 Hẻm Lý Tự Trọng")
    other = make_household(ward_a, address="14 Đường Lê Lợi")
    for q in ("Lý Tự Trọng", "ly tu TRONG", "hem ly", "  Hẻm   Lý  "):
        assert _codes(officer, q) == {hh.code}, q
    assert _codes(officer, "14 đường lê") == {other.code}


def test_it_finds_a_household_by_any_members_name(officer: Any, ward_a: Any, make_household: Any) -> None:
    hh = make_household(
        ward_a,
        members=[
            member_data(full_name="Nguyễn Văn An"),
            member_data(full_name="Trần Thị Bình", sex="F", relation="spouse"),
        ],
    )
    make_household(ward_a, members=[member_data(full_name="Phạm Văn Cường")])
    for q in ("tran thi binh", "Trần Thị", "THI BINH"):
        assert _codes(officer, q) == {hh.code}, q


def test_it_finds_a_household_by_a_12_or_9_digit_id_number(officer: Any, ward_a: Any, make_household: Any) -> None:
    hh = make_household(ward_a, members=[member_data(id_number="079080001234", legacy_id_number="023456789")])
    make_household(ward_a, members=[member_data(id_number="079080009999")])
    assert _codes(officer, "079080001234") == {hh.code}
    assert _codes(officer, "023456789") == {hh.code}
    assert _codes(officer, "07908000123") == set()  # 11 digits: neither kind of number, and no code or name


def test_it_finds_every_household_that_any_test_matches(officer: Any, ward_a: Any, make_household: Any) -> None:
    by_code = make_household(ward_a, code="TAN-001")
    by_address = make_household(ward_a, address="3 Đường Tân Hương")
    by_name = make_household(ward_a, members=[member_data(full_name="Lê Văn Tân")])
    make_household(ward_a, members=[member_data(full_name="Lê Văn Tám")])
    assert _codes(officer, "tan") == {by_code.code, by_address.code, by_name.code}


def test_it_takes_wildcards_in_the_query_literally(officer: Any, ward_a: Any, make_household: Any) -> None:
    make_household(ward_a, code="AB-001")
    percent = make_household(ward_a, code="AB%-002", address="Lô 5%B")
    assert _codes(officer, "%") == {percent.code}
    assert _codes(officer, "A_") == set()
    assert _codes(officer, "ab%") == {percent.code}


def test_it_finds_nothing_outside_the_users_scope(
    officer: Any, analyst: Any, ward_a: Any, ward_b: Any, make_household: Any
) -> None:
    outside = make_household(
        ward_b, code="OUT-001", address="9 Hẻm Ngoài", members=[member_data(full_name="Lê Văn Ngoài")]
    )
    inside = make_household(ward_a, code="IN-001")
    for q in ("out-001", "OUT", "hem ngoai", "le van ngoai"):
        assert _codes(officer, q) == set(), q
        assert _codes(analyst, q) == {outside.code}, q
    assert _codes(analyst, "in-0") == {inside.code}


def test_it_narrows_only_the_households_it_is_given(ward_a: Any, ward_b: Any, make_household: Any) -> None:
    """The export by search passes a queryset already narrowed (a ward, the active households)."""
    in_a = make_household(ward_a, members=[member_data(full_name="Võ Thị Hoa")])
    make_household(ward_b, members=[member_data(full_name="Võ Thị Hoa")])
    for few_wards in (False, True):  # members looked up across the city, or among those of the given households
        found = matching(Household.objects.filter(ward=ward_a, status="active"), "vo thi hoa", few_wards=few_wards)
        assert list(found.values_list("code", flat=True)) == [in_a.code]
        assert matching(Household.objects.filter(ward=ward_a), "", few_wards=few_wards).count() == 1


def test_it_finds_only_in_the_ward_chosen(analyst: Any, ward_a: Any, ward_b: Any, make_household: Any) -> None:
    in_a = make_household(ward_a, members=[member_data(full_name="Võ Thị Hoa")])
    in_b = make_household(ward_b, address="5 Hẻm Võ Thị Hoa", members=[member_data(full_name="Võ Thị Hoa")])
    for ward, household in ((ward_a, in_a), (ward_b, in_b)):
        found = search_households(analyst, q="vo thi hoa", ward_code=ward.code)
        assert set(found.values_list("code", flat=True)) == {household.code}
