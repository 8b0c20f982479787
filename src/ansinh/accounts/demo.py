"""The demo accounts: they exist only in demo mode (ANSINH_ENV=demo)."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Case, Count, When

from ansinh.accounts.models import Role, User
from ansinh.accounts.permissions import is_staff_role
from ansinh.geo.models import Province, Ward

DEMO_PASSWORD = "demo"  # noqa: S105 - documented demo credential, refused outside demo mode


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    scope: str


def demo_ward(province: Province) -> Ward:
    """The demo ward: the urban ward of the province with the most households (else the first ward)."""
    wards = Ward.objects.filter(province=province, valid_to__isnull=True).annotate(n=Count("households"))
    ward = (
        wards.filter(n__gt=0).order_by(Case(When(kind="ward", then=0), default=1), "-n", "code").first()
        or wards.order_by("code").first()
    )
    if ward is None:
        raise RuntimeError("No wards are loaded: run `ansinh load-units` first.")
    return ward


@transaction.atomic
def ensure_demo_accounts(province_code: str = "79") -> list[DemoAccount]:
    """Create (or reset) the demo accounts; refuses outside demo mode."""
    if not settings.DEMO_MODE:
        raise RuntimeError("Demo accounts exist only in demo mode (ANSINH_ENV=demo).")
    province = Province.objects.get(code=province_code)
    ward = demo_ward(province)
    specs: list[tuple[str, str, bool]] = [
        ("demo-officer", Role.WARD_OFFICER, False),
        ("demo-chairman", Role.WARD_CHAIRMAN, False),
        ("demo-analyst", Role.CITY_ANALYST, True),
        ("demo-program", Role.PROGRAM_OFFICER, True),
        ("demo-caseworker", Role.CASE_WORKER, False),
        ("demo-admin", Role.ADMINISTRATOR, True),
    ]
    accounts = []
    for username, role, citywide in specs:
        user, _created = User.objects.get_or_create(username=username, defaults={"role": role})
        user.role = role
        user.is_demo = True
        user.is_active = True
        user.is_staff = is_staff_role(role)
        user.is_superuser = False
        user.province = province if citywide else None
        user.set_password(DEMO_PASSWORD)
        user.save()
        user.wards.set([] if citywide else [ward])
        accounts.append(DemoAccount(username, str(Role(role).label), province.name if citywide else ward.name))
    # The administrator manages reference data and accounts through Django's admin, as its role allows
    # (accounts.backends): no Django permission is given.
    return accounts
