from __future__ import annotations

import pytest

from ansinh.accounts.demo import DEMO_PASSWORD, ensure_demo_accounts
from ansinh.accounts.models import User


def test_it_refuses_to_create_demo_accounts_outside_demo_mode(settings, province, ward_a):
    settings.DEMO_MODE = False
    with pytest.raises(RuntimeError, match="demo mode"):
        ensure_demo_accounts("79")
    assert not User.objects.filter(is_demo=True).exists()


def test_it_creates_every_demo_account_with_its_scope(settings, province, ward_a, ward_b, make_household):
    settings.DEMO_MODE = True
    make_household(ward_a)  # the demo ward is a seeded urban ward
    accounts = ensure_demo_accounts("79")
    assert [a.username for a in accounts] == [
        "demo-officer",
        "demo-chairman",
        "demo-analyst",
        "demo-program",
        "demo-caseworker",
        "demo-admin",
    ]
    officer = User.objects.get(username="demo-officer")
    assert officer.check_password(DEMO_PASSWORD)
    assert officer.role == "ward_officer" and officer.province is None
    assert list(officer.wards.values_list("code", flat=True)) == [ward_a.code]
    analyst = User.objects.get(username="demo-analyst")
    assert analyst.province == province and not analyst.wards.exists()
    assert User.objects.get(username="demo-admin").is_staff
    # Running it again resets rather than duplicates.
    ensure_demo_accounts("79")
    assert User.objects.filter(is_demo=True).count() == 6
