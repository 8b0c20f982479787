"""Fixtures of the cases' tests: a key file of their own, two agencies in two wards and their users."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone


@pytest.fixture(autouse=True)
def key_file(tmp_path: Any, settings: Any) -> Any:
    """Every test encrypts with a throw-away key file outside the database and the repository."""
    from ansinh.cases.crypto import make_key_file

    settings.CASES_KEY_FILE = make_key_file(tmp_path / "keys" / "cases.key")
    return settings.CASES_KEY_FILE


def at(*args: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime(*args))


@pytest.fixture
def agencies(db: Any, ward_a: Any, ward_b: Any) -> dict[str, Any]:
    from ansinh.cases.models import Agency

    def make(code: str, kind: str, ward: Any) -> Any:
        return Agency.objects.create(code=code, name=f"Agency {code}", kind=kind, ward=ward)

    return {
        "commune_a": make("UB-A", "commune", ward_a),
        "commune_b": make("UB-B", "commune", ward_b),
        "hospital": make("BV", "hospital_centre", None),
        "police_a": make("CA-A", "police", ward_a),
        "shelter": make("NTL", "shelter", None),
    }


@pytest.fixture
def member_of(make_user: Any) -> Callable[..., Any]:
    from ansinh.cases.models import AgencyMember

    def make(agency: Any, role: str = "case_worker", **kw: Any) -> Any:
        user = make_user(role, **kw)
        AgencyMember.objects.create(agency=agency, user=user)
        return user

    return make


@pytest.fixture
def people(agencies: Any, member_of: Any, ward_a: Any, ward_b: Any) -> dict[str, Any]:
    return {
        "worker_a": member_of(agencies["commune_a"], wards=[ward_a], username="worker-a"),
        "supervisor_a": member_of(agencies["commune_a"], "case_supervisor", wards=[ward_a], username="sup-a"),
        "chairman_a": member_of(agencies["commune_a"], "ward_chairman", wards=[ward_a], username="chair-a"),
        "worker_b": member_of(agencies["commune_b"], wards=[ward_b], username="worker-b"),
        "supervisor_b": member_of(agencies["commune_b"], "case_supervisor", wards=[ward_b], username="sup-b"),
        "hospital": member_of(agencies["hospital"], username="doctor"),
        "police": member_of(agencies["police_a"], wards=[ward_a], username="police-a"),
        "shelter": member_of(agencies["shelter"], username="shelter"),
    }


@pytest.fixture
def open_case(people: Any, ward_a: Any) -> Callable[..., Any]:
    from ansinh.cases.actions import do_open_case

    def make(
        owner: str = "worker_a",
        *,
        kind: str = "dv",
        agency: str = "UB-A",
        ward: Any = None,
        received_at: dt.datetime | None = None,
        consents: dict[str, bool] | None = None,
        name: str = "Nguyễn Thị Lan",
        age: int = 30,
    ) -> Any:
        return do_open_case(
            actor=people[owner],
            agency_code=agency,
            kind=kind,
            ward=ward or ward_a,
            received_at=received_at or timezone.now() - dt.timedelta(hours=1),
            received_by="commune",
            channel="in_person",
            survivor={"name": name, "sex": "F", "age": age, "address": "Số 5 đường Lê Lợi"},
            narrative="Bị chồng đánh nhiều lần, lần gần nhất tối qua.",
            perpetrator="Trần Văn Hùng, chồng, 35 tuổi.",
            medical="Bầm tím cánh tay trái.",
            incident={
                "occurred_on": timezone.localdate() - dt.timedelta(days=1),
                "kind": "physical_assault",
                "location_type": "home",
                "perpetrator_relation": "partner",
            },
            consents=consents if consents is not None else {"services": True, "referral": True, "reporting": True},
        )

    return make
