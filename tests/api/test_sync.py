"""Sync: every list a system keeps a copy of carries a changed-at time that every write path moves, and
``updated_since`` pages through the changed rows in (changed at, id) order, stable under inserts and updates."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from tests.programs.conftest import disabled_adult, enrolled, program_officer  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db

LONG_AGO = timezone.make_aware(dt.datetime(2020, 1, 1))


def _aged(model: Any, obj: Any) -> None:
    """Set the row's changed-at long ago (as a backfilled row would be), bypassing every action."""
    model.objects.filter(pk=obj.pk).update(updated_at=LONG_AGO)


def _moved(model: Any, obj: Any) -> bool:
    return bool(model.objects.get(pk=obj.pk).updated_at > LONG_AGO)


def test_a_stop_of_an_enrolment_moves_its_changed_at(program_officer: Any, enrolled: Any) -> None:  # noqa: F811
    from ansinh.programs.actions import do_stop_enrolment
    from ansinh.programs.models import Enrolment

    _aged(Enrolment, enrolled)
    do_stop_enrolment(actor=program_officer, enrolment=enrolled, from_month=dt.date(2025, 4, 1),
                      decision_number="30/QĐ", decision_date=dt.date(2025, 3, 20), reason="death")  # fmt: skip
    assert _moved(Enrolment, enrolled)


def test_an_adjustment_moves_the_ended_enrolments_changed_at(program_officer: Any, enrolled: Any) -> None:  # noqa: F811
    from ansinh.programs.actions import do_adjust_enrolment
    from ansinh.programs.models import Enrolment

    _aged(Enrolment, enrolled)
    new = do_adjust_enrolment(
        actor=program_officer, enrolment=enrolled, category="disability_extremely_severe",
        from_month=dt.date(2025, 9, 1), decision_number="31/QĐ", decision_date=dt.date(2025, 8, 20), reason="review",
    )  # fmt: skip
    assert _moved(Enrolment, enrolled) and new.updated_at > LONG_AGO


def test_a_payrolls_move_moves_its_changed_at(program_officer: Any, enrolled: Any, ward_a: Any) -> None:  # noqa: F811
    from ansinh.payments.actions import do_compute_payroll, do_create_payroll
    from ansinh.payments.models import Payroll

    payroll = do_create_payroll(actor=program_officer, programme="social_assistance", month=dt.date(2025, 9, 1),
                                ward=ward_a)  # fmt: skip
    _aged(Payroll, payroll)
    do_compute_payroll(actor=program_officer, payroll=payroll)
    assert _moved(Payroll, payroll)


def test_a_dossiers_move_moves_its_changed_at(officer: Any, ward_a: Any) -> None:
    from ansinh.dossiers.actions import do_accept_dossier, do_receive_dossier
    from ansinh.dossiers.models import Dossier

    dossier, _secret = do_receive_dossier(
        actor=officer, procedure_code="poverty_certificate", ward=ward_a, channel="counter", applicant_name="An",
        documents=["request", "form_04", "form_1a", "id_card", "form_01_pension", "proof"],
    )  # fmt: skip
    _aged(Dossier, dossier)
    do_accept_dossier(actor=officer, dossier=dossier)
    assert _moved(Dossier, dossier)


def test_a_rounds_move_moves_its_changed_at(officer: Any, ward_a: Any) -> None:
    from ansinh.review.actions import do_create_round, do_move_round
    from ansinh.review.models import Round

    review_round = do_create_round(actor=officer, ward=ward_a, kind="periodic", year=2025, standards=["vn_2022"])
    _aged(Round, review_round)
    do_move_round(actor=officer, review_round=review_round, to_status="listing")
    assert _moved(Round, review_round)


def test_a_members_change_moves_its_changed_at(officer: Any, family: Any) -> None:
    from ansinh.registry.actions import do_update_member
    from ansinh.registry.models import Member

    member = family.members.get(relation="spouse")
    _aged(Member, member)
    do_update_member(actor=officer, member=member, changes={"full_name": "Trần Thị Bình Minh"},
                     expected_version=member.version)  # fmt: skip
    assert _moved(Member, member)


def test_the_backfill_sets_a_rows_latest_known_moment() -> None:
    from importlib import import_module

    greatest = import_module("ansinh.dossiers.migrations.0010_updated_at")._greatest
    assert greatest("postgresql", "a", "b") == "GREATEST(a, COALESCE(b, a))"
    assert greatest("sqlite", "a", "b", "c") == "MAX(a, COALESCE(b, a), COALESCE(c, a))"


def test_a_sync_pass_is_stable_under_updates_and_inserts(
    api_client: Any, token_a: str, officer: Any, ward_a: Any, make_household: Any
) -> None:
    from ansinh.registry.actions import do_update_household
    from ansinh.registry.models import Household

    made = [make_household(ward_a) for _ in range(5)]
    for n, household in enumerate(made):  # changed one second apart, in creation order
        Household.objects.filter(pk=household.pk).update(updated_at=LONG_AGO + dt.timedelta(seconds=n))
    client = api_client(token_a)
    since = {"updated_since": LONG_AGO.isoformat(), "limit": 2}
    first = client.get("/api/v1/registry/households", since).json()
    assert [h["code"] for h in first["items"]] == [made[0].code, made[1].code]
    # While the client pages: the first household changes (it comes again, later), one is inserted
    fresh = Household.objects.get(pk=made[0].pk)
    do_update_household(
        actor=officer, household=fresh, changes={"address": "12 Lê Lợi"}, expected_version=fresh.version
    )
    inserted = make_household(ward_a)
    seen = [h["code"] for h in first["items"]]
    cursor = first["next_cursor"]
    while cursor:
        page = client.get("/api/v1/registry/households", {**since, "cursor": cursor}).json()
        seen += [h["code"] for h in page["items"]]
        stamps = [h["updated_at"] for h in page["items"]]
        assert stamps == sorted(stamps)
        cursor = page["next_cursor"]
    assert seen == [*(h.code for h in made), made[0].code, inserted.code] or seen == [
        *(h.code for h in made), inserted.code, made[0].code,
    ]  # fmt: skip
    # Resuming later from the last changed-at seen gets only what changed since
    later = client.get("/api/v1/registry/households", {"updated_since": timezone.now().isoformat()}).json()
    assert later == {"items": [], "next_cursor": None}
    # A cursor of one kind is refused with the other
    by_id = client.get("/api/v1/registry/households", {"limit": 2}).json()["next_cursor"]
    refused = client.get("/api/v1/registry/households", {**since, "cursor": by_id})
    assert refused.status_code == 400 and refused.json()["code"] == "invalid_cursor"
    plain = client.get("/api/v1/registry/households", {"cursor": first["next_cursor"]})
    assert plain.status_code == 400 and plain.json()["code"] == "invalid_cursor"


@pytest.mark.parametrize(
    "path", ["/api/v1/programs/enrolments", "/api/v1/programs/payrolls", "/api/v1/dossiers/", "/api/v1/review/rounds",
             "/api/v1/review/decisions", "/api/v1/registry/members"],
)  # fmt: skip
def test_every_synced_list_takes_updated_since(api_client: Any, token_a: str, family: Any, path: str) -> None:
    client = api_client(token_a)
    assert client.get(path, {"updated_since": "2999-01-01T00:00:00Z"}).json() == {"items": [], "next_cursor": None}
    assert client.get(path, {"updated_since": "2000-01-01T00:00:00+07:00"}).status_code == 200


def test_the_members_list_syncs_the_areas_members(
    api_client: Any, token_a: str, token_b: str, family: Any, officer: Any
) -> None:
    from ansinh.registry.actions import do_update_member
    from ansinh.registry.models import Member

    Member.objects.filter(household=family).update(updated_at=LONG_AGO)
    spouse = family.members.get(relation="spouse")
    do_update_member(actor=officer, member=spouse, changes={"full_name": "Trần Thị Bình Minh"},
                     expected_version=spouse.version)  # fmt: skip
    changed = api_client(token_a).get("/api/v1/registry/members", {"updated_since": "2021-01-01T00:00:00Z"}).json()
    assert [m["full_name"] for m in changed["items"]] == ["Trần Thị Bình Minh"]
    everyone = api_client(token_a).get("/api/v1/registry/members").json()["items"]
    assert len(everyone) == 4
    assert api_client(token_b).get("/api/v1/registry/members").json()["items"] == []  # the other ward's token
