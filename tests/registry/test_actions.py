from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from ansinh.audit.models import AuditEvent
from ansinh.registry import actions
from ansinh.registry.errors import ConcurrentEdit, DuplicateIdNumber, InvalidIdNumber, RegistryError
from ansinh.registry.models import DuplicateFlag, Household, HouseholdEvent, Member
from ansinh.registry.queries import members_on
from tests.conftest import member_data

D = datetime.date


def test_it_registers_a_household_with_members_events_and_audit(officer, ward_a, make_household):
    hh = make_household(
        ward_a,
        actor=officer,
        members=[
            member_data(),
            member_data(full_name="Trần Thị Bình", sex="F", relation="spouse"),
        ],
    )
    assert hh.area_type == "urban"  # from the ward
    assert hh.members.count() == 2
    assert HouseholdEvent.objects.filter(household=hh, kind="registered").count() == 1
    created = AuditEvent.objects.filter(household_id=hh.pk, action="household.create").get()
    assert created.actor == officer
    assert created.changes["address"][0] is None
    assert AuditEvent.objects.filter(household_id=hh.pk, action="member.create").count() == 2


def test_it_refuses_a_household_without_exactly_one_head(ward_a, make_household):
    with pytest.raises(RegistryError, match="exactly one head"):
        make_household(ward_a, members=[member_data(relation="spouse")])
    with pytest.raises(RegistryError, match="exactly one head"):
        make_household(ward_a, members=[member_data(), member_data(full_name="B")])
    assert not Household.objects.exists()


def test_it_refuses_an_id_number_used_in_another_household_naming_it(ward_a, make_household):
    first = make_household(ward_a, members=[member_data(id_number="079080001234")])
    with pytest.raises(DuplicateIdNumber) as err:
        make_household(ward_a, members=[member_data(full_name="Lê Văn C", id_number="079080001234")])
    assert first.code in err.value.message
    assert Household.objects.count() == 1  # nothing half-written


def test_it_refuses_an_id_number_that_disagrees_with_sex_or_birth_year(ward_a, make_household):
    with pytest.raises(InvalidIdNumber, match="4th digit"):
        make_household(ward_a, members=[member_data(id_number="079180001234")])  # 1 = female, 1900s
    with pytest.raises(InvalidIdNumber, match="year of birth"):
        make_household(ward_a, members=[member_data(id_number="079081001234")])


def test_it_refuses_a_birth_date_in_the_future(ward_a, make_household):
    with pytest.raises(RegistryError, match="future"):
        make_household(ward_a, members=[member_data(date_of_birth=D(2999, 1, 1))])


def test_it_updates_with_the_version_read_and_audits_old_and_new(officer, ward_a, make_household):
    hh = make_household(ward_a)
    updated = actions.do_update_household(
        actor=officer, household=hh, changes={"floor_area_m2": 18.5}, expected_version=hh.version
    )
    assert updated.floor_area_m2 == 18.5
    assert updated.version == hh.version + 1
    event = AuditEvent.objects.filter(action="household.update").get()
    assert event.changes["floor_area_m2"] == [40.0, 18.5]
    assert event.actor_name == officer.username


def test_it_refuses_a_stale_save_and_shows_the_other_change(officer, make_user, ward_a, make_household):
    hh = make_household(ward_a)
    other = make_user("ward_officer", wards=[ward_a])
    opened_version = hh.version
    actions.do_update_household(
        actor=other, household=hh, changes={"address": "Số 9, đường Mới"}, expected_version=opened_version
    )
    with pytest.raises(ConcurrentEdit) as err:
        actions.do_update_household(
            actor=officer, household=hh, changes={"floor_area_m2": 10.0}, expected_version=opened_version
        )
    assert err.value.current.address == "Số 9, đường Mới"
    assert [e.actor_name for e in err.value.their_changes] == [other.username]
    assert Household.objects.get(pk=hh.pk).floor_area_m2 == 40.0  # the stale change was not written


def test_it_answers_who_belonged_to_a_household_on_a_date(officer, ward_a, make_household):
    hh = make_household(
        ward_a, members=[member_data(), member_data(full_name="Trần Thị Bình", sex="F", relation="spouse")]
    )
    spouse = hh.members.get(relation="spouse")
    baby = actions.do_add_member(
        actor=officer,
        household=hh,
        on=D(2025, 9, 10),
        kind="birth",
        data=member_data(
            full_name="Nguyễn Văn Bé",
            relation="child",
            date_of_birth=D(2025, 9, 10),
            employment_status="child",
            education_level="none",
            monthly_income=0,
        ),
    )
    actions.do_move_out(actor=officer, member=spouse, on=D(2025, 10, 1))
    names = lambda day: sorted(m.full_name for m in members_on(hh, day))  # noqa: E731
    assert names(D(2025, 8, 15)) == ["Nguyễn Văn An", "Trần Thị Bình"]
    assert names(D(2025, 9, 20)) == ["Nguyễn Văn An", "Nguyễn Văn Bé", "Trần Thị Bình"]
    assert names(D(2025, 10, 2)) == ["Nguyễn Văn An", "Nguyễn Văn Bé"]
    assert Member.objects.get(pk=spouse.pk).status == "moved_out"
    kinds = set(HouseholdEvent.objects.filter(household=hh).values_list("kind", flat=True))
    assert {"registered", "birth", "move_out"} <= kinds
    assert baby.status == "active"


def test_it_requires_a_new_head_when_the_head_dies(officer, ward_a, make_household):
    hh = make_household(
        ward_a, members=[member_data(), member_data(full_name="Trần Thị Bình", sex="F", relation="spouse")]
    )
    head = hh.members.get(relation="head")
    spouse = hh.members.get(relation="spouse")
    with pytest.raises(RegistryError, match="new head"):
        actions.do_record_death(actor=officer, member=head, on=D(2025, 9, 1))
    actions.do_record_death(actor=officer, member=head, on=D(2025, 9, 1), new_head=spouse)
    assert Member.objects.get(pk=spouse.pk).relation == "head"
    assert Member.objects.get(pk=head.pk).status == "deceased"


def test_it_dissolves_a_household_whose_last_member_leaves(officer, ward_a, make_household):
    hh = make_household(ward_a)
    actions.do_record_death(actor=officer, member=hh.members.get(), on=D(2025, 9, 1))
    hh.refresh_from_db()
    assert hh.status == "dissolved" and hh.dissolved_on == D(2025, 9, 1)


def test_it_splits_and_merges_households_keeping_history(officer, ward_a, make_household):
    hh = make_household(
        ward_a,
        members=[
            member_data(),
            member_data(full_name="Nguyễn Văn Cả", relation="child", date_of_birth=D(2000, 1, 1)),
            member_data(full_name="Phạm Thị Dâu", sex="F", relation="child_in_law", date_of_birth=D(2001, 1, 1)),
        ],
    )
    son = hh.members.get(full_name="Nguyễn Văn Cả")
    wife = hh.members.get(full_name="Phạm Thị Dâu")
    new = actions.do_split_household(
        actor=officer,
        household=hh,
        members=[son, wife],
        head=son,
        code="26734-SPLIT1",
        address="Số 3, hẻm 5",
        on=D(2025, 11, 1),
    )
    assert sorted(new.members.values_list("relation", flat=True)) == ["head", "other_relative"]
    assert [m.full_name for m in members_on(hh, D(2025, 11, 2))] == ["Nguyễn Văn An"]
    assert len(members_on(hh, D(2025, 10, 30))) == 3
    actions.do_merge_households(actor=officer, source=new, target=hh, on=D(2025, 12, 1))
    new.refresh_from_db()
    assert new.status == "dissolved"
    assert hh.members.filter(status="active", relation="head").count() == 1
    assert hh.members.filter(status="active").count() == 3


def test_it_flags_likely_duplicates_with_diacritics_folded(officer, make_user, ward_a, ward_b, make_household):
    make_household(ward_a, members=[member_data(full_name="Nguyễn Văn An")])
    make_household(ward_b, members=[member_data(full_name="nguyen van an")])
    flag = DuplicateFlag.objects.get()
    assert flag.status == "open"
    with pytest.raises(PermissionDenied):  # one of the two lives outside the officer's ward
        actions.do_resolve_duplicate(actor=officer, flag=flag, status="different")
    assert DuplicateFlag.objects.get().status == "open"
    both = make_user("ward_officer", wards=[ward_a, ward_b])
    actions.do_resolve_duplicate(actor=both, flag=flag, status="different")
    assert DuplicateFlag.objects.get().status == "different"
    assert actions.flag_likely_duplicates() == 0  # resolved pairs are not flagged again


def test_it_keeps_legacy_nine_digit_numbers_apart(ward_a, make_household):
    hh = make_household(ward_a, members=[member_data(legacy_id_number="023456789")])
    assert hh.members.get().legacy_id_number == "023456789"
    with pytest.raises(RegistryError, match="9 digits"):
        make_household(ward_a, members=[member_data(full_name="X", legacy_id_number="12345")])
