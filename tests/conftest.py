"""Fixtures shared by the whole suite: a small province, wards, users of every role, households."""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

# Timing is not behaviour: no per-example deadline (CI machines are shared and slow at times).
hypothesis_settings.register_profile("ansinh", deadline=None, suppress_health_check=[HealthCheck.too_slow])
hypothesis_settings.load_profile("ansinh")

_seq = itertools.count(1)


def pytest_configure(config: pytest.Config) -> None:
    """WhiteNoise warns (an error under pytest) when STATIC_ROOT does not exist yet."""
    from pathlib import Path

    from django.conf import settings

    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)


@pytest.fixture
def province(db: Any) -> Any:
    from ansinh.geo.models import Province

    return Province.objects.create(code="79", name="Thành phố Hồ Chí Minh", kind="city")


# Fixture wards carry real names but stand-in codes; tests that load the real unit data use load-units.
@pytest.fixture
def ward_a(province: Any) -> Any:
    from ansinh.geo.models import Ward

    return Ward.objects.create(
        code="26734",
        name="Phường Bến Thành",
        name_folded="phuong ben thanh",
        kind="ward",
        province=province,
        area_type="urban",
    )


@pytest.fixture
def ward_b(province: Any) -> Any:
    from ansinh.geo.models import Ward

    return Ward.objects.create(
        code="27553",
        name="Xã Bình Chánh",
        name_folded="xa binh chanh",
        kind="commune",
        province=province,
        area_type="rural",
    )


@pytest.fixture
def other_province(db: Any) -> Any:
    from ansinh.geo.models import Province, Ward

    p = Province.objects.create(code="01", name="Thành phố Hà Nội", kind="city")
    Ward.objects.create(
        code="00004", name="Phường Ba Đình", name_folded="phuong ba dinh", kind="ward", province=p, area_type="urban"
    )
    return p


@pytest.fixture
def make_user(db: Any) -> Callable[..., Any]:
    from ansinh.accounts.models import User

    def make(
        role: str,
        *,
        wards: list[Any] = (),
        province: Any = None,
        username: str | None = None,
        password: str = "pw-for-tests",
    ) -> Any:
        user = User.objects.create_user(
            username=username or f"{role}-{next(_seq)}", password=password, role=role, province=province
        )
        if wards:
            user.wards.set(wards)
        return user

    return make


@pytest.fixture
def officer(make_user: Any, ward_a: Any) -> Any:
    return make_user("ward_officer", wards=[ward_a])


@pytest.fixture
def analyst(make_user: Any, province: Any) -> Any:
    return make_user("city_analyst", province=province)


def member_data(**overrides: Any) -> dict[str, Any]:
    """A valid adult head; pass fields to override."""
    data: dict[str, Any] = {
        "full_name": "Nguyễn Văn An",
        "sex": "M",
        "date_of_birth": datetime.date(1980, 5, 17),
        "id_number": None,
        "relation": "head",
        "education_level": "upper_secondary",
        "employment_status": "employed",
        "monthly_income": 4_000_000,
    }
    data.update(overrides)
    return data


@pytest.fixture
def make_household(db: Any) -> Callable[..., Any]:
    from ansinh.registry.actions import do_register_household

    def make(
        ward: Any,
        *,
        actor: Any = None,
        code: str | None = None,
        members: list[dict[str, Any]] | None = None,
        on: datetime.date = datetime.date(2025, 8, 1),
        **fields: Any,
    ) -> Any:
        n = next(_seq)
        household = {
            "code": code or f"{ward.code}-{n:06d}",
            "ward": ward,
            "address": f"Số {n}, đường Lê Lợi",
            "floor_area_m2": 40.0,
            **fields,
        }
        return do_register_household(
            actor=actor,
            household=household,
            members=members or [member_data()],
            on=on,
        )

    return make


@pytest.fixture
def family(ward_a: Any, make_household: Any) -> Any:
    """A household of four in ward A (code 26734-FAM): the head, a spouse, a child and a child-in-law."""
    d = datetime.date
    return make_household(
        ward_a,
        code="26734-FAM",
        members=[
            member_data(),
            member_data(full_name="Trần Thị Bình", sex="F", relation="spouse", date_of_birth=d(1982, 2, 2)),
            member_data(full_name="Nguyễn Văn Cả", relation="child", date_of_birth=d(2000, 1, 1)),
            member_data(full_name="Phạm Thị Dâu", sex="F", relation="child_in_law", date_of_birth=d(2001, 1, 1)),
        ],
    )
