"""Generated from every cell of the permission matrix: role × resource × action, in and out of scope."""

from __future__ import annotations

import pytest

from ansinh.accounts.models import Role
from ansinh.accounts.permissions import ACTIONS, RESOURCES, can, matrix
from ansinh.accounts.scope import is_ward_scope, scoped_wards
from ansinh.registry.models import Household, Member

CELLS = [(role, resource, action) for role in Role.values for resource in RESOURCES for action in ACTIONS]


@pytest.mark.parametrize(("role", "resource", "action"), CELLS)
def test_it_allows_exactly_what_the_matrix_grants(make_user, ward_a, role, resource, action):
    user = make_user(role, wards=[ward_a])
    expected = action in matrix().get(role, {}).get(resource, frozenset())
    assert can(user, resource, action) is expected


SCOPED = [(role, action) for role in Role.values for action in ("view", "change", "export")]


@pytest.mark.parametrize(("role", "action"), SCOPED)
def test_it_limits_households_to_the_users_wards(make_user, make_household, ward_a, ward_b, role, action):
    inside = make_household(ward_a)
    outside = make_household(ward_b)
    user = make_user(role, wards=[ward_a])
    visible = set(Household.objects.scoped(user, action).values_list("pk", flat=True))
    if can(user, "household", action):
        assert visible == {inside.pk}
        assert outside.pk not in visible
    else:
        assert visible == set()


@pytest.mark.parametrize("role", Role.values)
def test_it_gives_a_province_scope_every_ward_of_that_province_only(
    make_user, make_household, province, other_province, ward_a, ward_b, role
):
    from ansinh.geo.models import Ward

    a, b = make_household(ward_a), make_household(ward_b)
    far = make_household(Ward.objects.get(code="00004"))
    user = make_user(role, province=province)
    assert set(scoped_wards(user).values_list("code", flat=True)) == {ward_a.code, ward_b.code}
    visible = set(Household.objects.scoped(user).values_list("pk", flat=True))
    members = set(Member.objects.scoped(user).values_list("household_id", flat=True))
    if can(user, "household", "view"):
        assert visible == {a.pk, b.pk} and far.pk not in visible
        assert members == {a.pk, b.pk}
    else:
        assert visible == set() and members == set()


def test_it_gives_a_user_without_scope_nothing(make_user, make_household, ward_a):
    make_household(ward_a)
    user = make_user("city_analyst")
    assert not Household.objects.scoped(user).exists()


def test_it_tells_a_scope_of_wards_from_a_province_or_everything(make_user, province, ward_a, ward_b):
    """A search reads a ward scope's own members rather than look a name up across the city."""
    assert is_ward_scope(make_user("ward_officer", wards=[ward_a, ward_b]))
    assert not is_ward_scope(make_user("city_analyst", province=province))
    assert not is_ward_scope(make_user("administrator", wards=[ward_a], province=province))
    superuser = make_user("administrator")
    superuser.is_superuser = True
    assert not is_ward_scope(superuser)


def test_it_gives_an_inactive_user_nothing(make_user, make_household, ward_a):
    make_household(ward_a)
    user = make_user("ward_officer", wards=[ward_a])
    user.is_active = False
    user.save()
    assert not Household.objects.scoped(user).exists()


def test_it_rejects_a_matrix_naming_an_unknown_role(monkeypatch, tmp_path):
    import ansinh.accounts.permissions as perms

    bad = tmp_path / "permissions.yaml"
    bad.write_text("wizard:\n  household: [view]\n", encoding="utf-8")
    monkeypatch.setattr(perms, "__file__", str(bad))
    perms.matrix.cache_clear()
    try:
        with pytest.raises(ValueError, match="unknown role"):
            perms.matrix()
    finally:
        monkeypatch.undo()
        perms.matrix.cache_clear()
