"""The registry's actions check the actor's role and area themselves, whatever their caller checked: a
change outside the actor's wards, or one their role does not allow, is refused and leaves nothing behind."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from ansinh.audit.models import AuditEvent
from ansinh.registry import actions
from ansinh.registry.models import Household, Member
from tests.conftest import member_data

ON = datetime.date(2025, 9, 1)


@pytest.fixture
def home(ward_a: Any, make_household: Any) -> Any:
    return make_household(
        ward_a, members=[member_data(), member_data(full_name="Trần Thị Bình", relation="spouse", sex="F")]
    )


@pytest.fixture
def elsewhere(ward_b: Any, make_household: Any) -> Any:
    return make_household(ward_b)


def _unchanged(household: Any, audit_before: int) -> None:
    fresh = Household.objects.get(pk=household.pk)
    assert fresh.version == household.version
    assert AuditEvent.objects.count() == audit_before


def test_an_officer_of_another_ward_cannot_change_a_household(make_user: Any, ward_b: Any, home: Any) -> None:
    stranger = make_user("ward_officer", wards=[ward_b])
    before = AuditEvent.objects.count()
    with pytest.raises(PermissionDenied):
        actions.do_update_household(
            actor=stranger, household=home, changes={"address": "Số 9"}, expected_version=home.version
        )
    with pytest.raises(PermissionDenied):
        actions.do_add_member(
            actor=stranger, household=home, data=member_data(full_name="Lê Văn C", relation="child"), on=ON
        )
    member = home.members.get(relation="spouse")
    with pytest.raises(PermissionDenied):
        actions.do_update_member(
            actor=stranger, member=member, changes={"monthly_income": 1}, expected_version=member.version
        )
    with pytest.raises(PermissionDenied):
        actions.do_record_death(actor=stranger, member=member, on=ON)
    _unchanged(home, before)
    assert Member.objects.get(pk=member.pk).status == "active"


def test_a_role_without_change_cannot_change_a_household_of_its_own_ward(
    make_user: Any, ward_a: Any, home: Any
) -> None:
    chairman = make_user("ward_chairman", wards=[ward_a])
    before = AuditEvent.objects.count()
    with pytest.raises(PermissionDenied):
        actions.do_update_household(
            actor=chairman, household=home, changes={"address": "Số 9"}, expected_version=home.version
        )
    with pytest.raises(PermissionDenied):
        actions.do_register_household(
            actor=chairman, household={"code": "NEW-1", "ward": ward_a, "address": "x"}, members=[member_data()], on=ON
        )
    with pytest.raises(PermissionDenied):
        actions.do_update_household(
            actor=AnonymousUser(), household=home, changes={"address": "Số 9"}, expected_version=home.version
        )
    _unchanged(home, before)
    assert not Household.objects.filter(code="NEW-1").exists()


def test_an_officer_cannot_reach_into_another_ward(officer: Any, ward_b: Any, home: Any, elsewhere: Any) -> None:
    before = AuditEvent.objects.count()
    with pytest.raises(PermissionDenied):
        actions.do_register_household(
            actor=officer, household={"code": "NEW-2", "ward": ward_b, "address": "x"}, members=[member_data()], on=ON
        )
    with pytest.raises(PermissionDenied):  # moving its own household into another ward
        actions.do_update_household(
            actor=officer, household=home, changes={"ward": ward_b}, expected_version=home.version
        )
    member = home.members.get(relation="spouse")
    with pytest.raises(PermissionDenied):
        actions.do_move_out(actor=officer, member=member, on=ON, to_household=elsewhere, relation="spouse")
    with pytest.raises(PermissionDenied):
        actions.do_merge_households(actor=officer, source=home, target=elsewhere, on=ON)
    _unchanged(home, before)
    assert Member.objects.get(pk=member.pk).household_id == home.pk
    assert not Household.objects.filter(code="NEW-2").exists()


def test_the_officer_of_the_ward_the_system_and_a_superuser_may(
    officer: Any, make_user: Any, home: Any, elsewhere: Any
) -> None:
    home = actions.do_update_household(
        actor=officer, household=home, changes={"address": "Số 10"}, expected_version=home.version
    )
    assert home.address == "Số 10"
    home = actions.do_update_household(
        actor=None, household=home, changes={"address": "Số 11"}, expected_version=home.version
    )
    admin = make_user("administrator")
    admin.is_superuser = True
    admin.save()
    member = home.members.get(relation="spouse")
    actions.do_move_out(actor=admin, member=member, on=ON, to_household=elsewhere, relation="spouse")
    assert Member.objects.get(pk=member.pk).household_id == elsewhere.pk
