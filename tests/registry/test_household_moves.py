"""The rules of splitting, merging and moving members between households, as the actions enforce them."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from ansinh.audit.models import AuditEvent
from ansinh.registry import actions
from ansinh.registry.errors import IllegalTransition, RegistryError
from ansinh.registry.models import Household, HouseholdEvent, Member, Membership
from tests.conftest import member_data

D = datetime.date


def person(household, name):
    return Member.objects.get(household=household, full_name=name)


def refused(call, field):
    before = (
        Household.objects.count(),
        AuditEvent.objects.count(),
        HouseholdEvent.objects.count(),
        Membership.objects.count(),
    )
    with pytest.raises(RegistryError) as err:
        call()
    assert err.value.field == field
    after = (
        Household.objects.count(),
        AuditEvent.objects.count(),
        HouseholdEvent.objects.count(),
        Membership.objects.count(),
    )
    assert after == before  # nothing half-written
    return err.value


def test_it_refuses_a_split_where_every_member_leaves(officer, family):
    everyone = list(family.members.all())
    error = refused(
        lambda: actions.do_split_household(
            actor=officer,
            household=family,
            members=everyone,
            head=everyone[0],
            code="26734-NEW",
            address="Số 1",
            on=D(2025, 11, 1),
        ),
        "members",
    )
    assert "must stay" in error.message


def test_it_refuses_a_split_without_members_or_with_a_stranger(officer, ward_a, family, make_household):
    stranger = make_household(ward_a, members=[member_data(full_name="Lê Văn Lạ")]).members.get()
    refused(
        lambda: actions.do_split_household(
            actor=officer,
            household=family,
            members=[],
            head=stranger,
            code="26734-NEW",
            address="Số 1",
            on=D(2025, 11, 1),
        ),
        "members",
    )
    son = person(family, "Nguyễn Văn Cả")
    refused(
        lambda: actions.do_split_household(
            actor=officer,
            household=family,
            members=[son, stranger],
            head=son,
            code="26734-NEW",
            address="Số 1",
            on=D(2025, 11, 1),
        ),
        "members",
    )


def test_it_refuses_a_split_whose_head_stays_or_whose_code_is_taken(officer, family):
    son, dil = person(family, "Nguyễn Văn Cả"), person(family, "Phạm Thị Dâu")
    spouse = person(family, "Trần Thị Bình")
    refused(
        lambda: actions.do_split_household(
            actor=officer,
            household=family,
            members=[son],
            head=spouse,
            code="26734-NEW",
            address="Số 1",
            on=D(2025, 11, 1),
        ),
        "head",
    )
    refused(
        lambda: actions.do_split_household(
            actor=officer,
            household=family,
            members=[son, dil],
            head=son,
            code=family.code,
            address="Số 1",
            on=D(2025, 11, 1),
        ),
        "code",
    )


def test_it_refuses_a_split_dated_in_the_future_or_before_a_member_joined(officer, family):
    son = person(family, "Nguyễn Văn Cả")
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    refused(
        lambda: actions.do_split_household(
            actor=officer, household=family, members=[son], head=son, code="26734-NEW", address="Số 1", on=tomorrow
        ),
        "date",
    )
    error = refused(
        lambda: actions.do_split_household(
            actor=officer, household=family, members=[son], head=son, code="26734-NEW", address="Số 1", on=D(2025, 7, 1)
        ),
        "date",
    )
    assert "Nguyễn Văn Cả" in error.message and "01/08/2025" in error.message


def test_it_asks_who_heads_the_household_that_stays_when_the_head_leaves(officer, family):
    head, son = person(family, "Nguyễn Văn An"), person(family, "Nguyễn Văn Cả")
    spouse, dil = person(family, "Trần Thị Bình"), person(family, "Phạm Thị Dâu")
    refused(
        lambda: actions.do_split_household(
            actor=officer,
            household=family,
            members=[head, son],
            head=son,
            code="26734-NEW",
            address="Số 1",
            on=D(2025, 11, 1),
        ),
        "remaining_head",
    )
    refused(
        lambda: actions.do_split_household(
            actor=officer,
            household=family,
            members=[head, son],
            head=son,
            remaining_head=head,
            code="26734-NEW",
            address="Số 1",
            on=D(2025, 11, 1),
        ),
        "remaining_head",
    )
    new = actions.do_split_household(
        actor=officer,
        household=family,
        members=[head, son],
        head=son,
        remaining_head=dil,
        code="26734-NEW",
        address="Số 1",
        on=D(2025, 11, 1),
    )
    assert Member.objects.get(pk=dil.pk).relation == "head"
    assert Member.objects.get(pk=spouse.pk).household_id == family.pk
    assert dict(new.members.values_list("full_name", "relation")) == {
        "Nguyễn Văn Cả": "head",
        "Nguyễn Văn An": "other_relative",
    }
    assert HouseholdEvent.objects.filter(household=family, kind="head_change", member=dil).exists()


def test_it_makes_the_only_member_who_stays_the_head(officer, ward_a, make_household):
    hh = make_household(
        ward_a,
        members=[
            member_data(),
            member_data(full_name="Trần Thị Bình", sex="F", relation="spouse"),
        ],
    )
    head, spouse = hh.members.get(relation="head"), hh.members.get(relation="spouse")
    actions.do_split_household(
        actor=officer, household=hh, members=[head], head=head, code="26734-NEW", address="Số 1", on=D(2025, 11, 1)
    )
    assert Member.objects.get(pk=spouse.pk).relation == "head"
    assert Household.objects.get(pk=hh.pk).status == "active"


def test_it_refuses_to_merge_into_itself_or_a_dissolved_household(officer, ward_a, family, make_household):
    refused(
        lambda: actions.do_merge_households(actor=officer, source=family, target=family, on=D(2025, 11, 1)), "target"
    )
    gone = make_household(ward_a)
    actions.do_move_out(actor=officer, member=gone.members.get(), on=D(2025, 9, 1))
    gone.refresh_from_db()
    error = refused(
        lambda: actions.do_merge_households(actor=officer, source=family, target=gone, on=D(2025, 11, 1)), "target"
    )
    assert "dissolved" in error.message
    with pytest.raises(IllegalTransition):
        actions.do_merge_households(actor=officer, source=gone, target=family, on=D(2025, 11, 1))


def test_it_merges_keeping_the_targets_head_and_auditing_the_relation(officer, ward_a, family, make_household):
    target = make_household(ward_a, members=[member_data(full_name="Lê Văn Chủ", date_of_birth=D(1950, 1, 1))])
    version = target.version
    actions.do_merge_households(actor=officer, source=family, target=target, on=D(2025, 11, 1))
    assert target.members.filter(status="active", relation="head").get().full_name == "Lê Văn Chủ"
    an = Member.objects.get(full_name="Nguyễn Văn An")
    assert an.relation == "other_relative"
    audit = AuditEvent.objects.filter(action="member.update", object_id=str(an.pk)).get()
    assert audit.changes == {"household": [family.code, target.code], "relation": ["head", "other_relative"]}
    assert Household.objects.get(pk=target.pk).version == version + 1


def test_it_refuses_a_move_into_the_same_or_a_dissolved_household(officer, ward_a, family, make_household):
    son = person(family, "Nguyễn Văn Cả")
    refused(
        lambda: actions.do_move_out(
            actor=officer, member=son, on=D(2025, 11, 1), to_household=family, relation="child"
        ),
        "to_household",
    )
    gone = make_household(ward_a)
    actions.do_record_death(actor=officer, member=gone.members.get(), on=D(2025, 9, 1))
    gone.refresh_from_db()
    refused(
        lambda: actions.do_move_out(actor=officer, member=son, on=D(2025, 11, 1), to_household=gone, relation="child"),
        "to_household",
    )


def test_it_refuses_a_second_head_in_the_receiving_household(officer, ward_a, family, make_household):
    other = make_household(ward_a, members=[member_data(full_name="Lê Văn Chủ")])
    son = person(family, "Nguyễn Văn Cả")
    refused(
        lambda: actions.do_move_out(actor=officer, member=son, on=D(2025, 11, 1), to_household=other, relation="head"),
        "relation",
    )
    refused(
        lambda: actions.do_move_out(
            actor=officer, member=son, on=D(2025, 11, 1), to_household=other, relation="neighbour"
        ),
        "relation",
    )  # not in the vocabulary
    actions.do_move_out(actor=officer, member=son, on=D(2025, 11, 1), to_household=other, relation="grandchild")
    assert Member.objects.get(pk=son.pk).relation == "grandchild"


# Relations to the head of the household members join


def test_it_applies_and_audits_the_relations_chosen_for_a_merge(officer, ward_a, family, make_household):
    target = make_household(ward_a, members=[member_data(full_name="Lê Văn Chủ", date_of_birth=D(1950, 1, 1))])
    head, spouse = person(family, "Nguyễn Văn An"), person(family, "Trần Thị Bình")
    son, dil = person(family, "Nguyễn Văn Cả"), person(family, "Phạm Thị Dâu")
    actions.do_merge_households(
        actor=officer,
        source=family,
        target=target,
        on=D(2025, 11, 1),
        relations={head.pk: "child", spouse.pk: "child_in_law", son.pk: "grandchild"},
    )
    assert dict(target.members.filter(status="active").values_list("full_name", "relation")) == {
        "Lê Văn Chủ": "head",
        "Nguyễn Văn An": "child",
        "Trần Thị Bình": "child_in_law",
        "Nguyễn Văn Cả": "grandchild",
        "Phạm Thị Dâu": "child_in_law",
    }  # not given: kept
    changes = dict(AuditEvent.objects.filter(action="member.update").values_list("object_id", "changes"))
    moved = [family.code, target.code]
    assert changes == {
        str(head.pk): {"household": moved, "relation": ["head", "child"]},
        str(spouse.pk): {"household": moved, "relation": ["spouse", "child_in_law"]},
        str(son.pk): {"household": moved, "relation": ["child", "grandchild"]},
        str(dil.pk): {"household": moved},
    }


@pytest.mark.parametrize(
    ("relation", "member", "field", "text"),
    [
        ("head", "Trần Thị Bình", "relation_", "cannot join as head"),
        ("cousin", "Trần Thị Bình", "relation_", "from the list"),
        ("child", "stranger", "relations", "can only be given"),
    ],
    ids=["head", "unknown-relation", "unknown-member"],
)
def test_it_refuses_a_merge_with_a_wrong_relation_and_writes_nothing(
    officer, ward_a, family, make_household, relation, member, field, text
):
    target = make_household(ward_a, members=[member_data(full_name="Lê Văn Chủ", date_of_birth=D(1950, 1, 1))])
    stranger = make_household(ward_a, members=[member_data(full_name="Lê Văn Lạ")]).members.get()
    who = stranger if member == "stranger" else person(family, member)
    relations = {person(family, "Nguyễn Văn Cả").pk: "grandchild", who.pk: relation}
    expected = field + (str(who.pk) if field == "relation_" else "")
    error = refused(
        lambda: actions.do_merge_households(
            actor=officer, source=family, target=target, on=D(2025, 11, 1), relations=relations
        ),
        expected,
    )
    assert text in error.message
    assert Household.objects.get(pk=family.pk).status == "active"
    assert dict(family.members.values_list("full_name", "relation")) == {
        "Nguyễn Văn An": "head",
        "Trần Thị Bình": "spouse",
        "Nguyễn Văn Cả": "child",
        "Phạm Thị Dâu": "child_in_law",
    }


def test_it_applies_and_audits_the_relations_chosen_for_a_split(officer, family):
    head, spouse = person(family, "Nguyễn Văn An"), person(family, "Trần Thị Bình")
    son, dil = person(family, "Nguyễn Văn Cả"), person(family, "Phạm Thị Dâu")
    new = actions.do_split_household(
        actor=officer,
        household=family,
        members=[head, spouse, son],
        head=son,
        remaining_head=dil,
        code="26734-NEW",
        address="Số 1",
        on=D(2025, 11, 1),
        relations={head.pk: "parent"},
    )
    assert dict(new.members.values_list("full_name", "relation")) == {
        "Nguyễn Văn Cả": "head",
        "Nguyễn Văn An": "parent",
        "Trần Thị Bình": "other_relative",
    }
    moves = AuditEvent.objects.filter(action="member.update", changes__has_key="household")
    relations = {a.object_id: a.changes["relation"] for a in moves}
    assert relations == {
        str(head.pk): ["other_relative", "parent"],  # the change of head came first
        str(spouse.pk): ["spouse", "other_relative"],
        str(son.pk): ["child", "head"],
    }


@pytest.mark.parametrize(
    ("who", "relation", "field", "text"),
    [
        ("Phạm Thị Dâu", "head", "relation_", "cannot join as head"),
        ("Phạm Thị Dâu", "", "relation_", "from the list"),
        ("Trần Thị Bình", "spouse", "relations", "can only be given"),  # she stays
        ("Nguyễn Văn Cả", "child", "relations", "can only be given"),  # the new head is its head
    ],
    ids=["head", "blank-relation", "member-who-stays", "new-head"],
)
def test_it_refuses_a_split_with_a_wrong_relation_and_writes_nothing(officer, family, who, relation, field, text):
    son, dil = person(family, "Nguyễn Văn Cả"), person(family, "Phạm Thị Dâu")
    member = person(family, who)
    expected = field + (str(member.pk) if field == "relation_" else "")
    error = refused(
        lambda: actions.do_split_household(
            actor=officer,
            household=family,
            members=[son, dil],
            head=son,
            code="26734-NEW",
            address="Số 1",
            on=D(2025, 11, 1),
            relations={member.pk: relation},
        ),
        expected,
    )
    assert text in error.message
    assert not Household.objects.filter(code="26734-NEW").exists()
    assert family.members.filter(status="active").count() == 4
