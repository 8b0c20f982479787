"""Households and members through the API: the registry's actions, external codes, ETags and idempotency keys."""

from __future__ import annotations

import itertools
import json
from typing import Any

import pytest

from ansinh.audit.models import AuditEvent
from ansinh.registry.models import Household

pytestmark = pytest.mark.django_db

HEAD = {
    "full_name": "Lê Văn Tám",
    "sex": "M",
    "date_of_birth": "1975-03-04",
    "relation": "head",
    "education_level": "upper_secondary",
    "employment_status": "employed",
    "monthly_income": 5000000,
}


def registration(code: str = "26734-API1", **household: Any) -> dict[str, Any]:
    return {
        "household": {"code": code, "ward_code": "26734", "address": "Số 1, Lê Lợi", **household},
        "head": HEAD,
        "registered_on": "2025-08-01",
    }


def test_read_by_code_never_by_id(api_client: Any, token_a: str, family: Any) -> None:
    response = api_client(token_a).get(f"/api/v1/registry/households/{family.code}")
    assert response.status_code == 200
    body = response.json()
    assert body["code"] == family.code and body["ward_code"] == "26734"
    assert response["ETag"] == f'"{family.version}"'
    assert "id" not in body and all("id" not in m for m in body["members"])
    ref = body["members"][0]["ref"]
    pks = sorted(family.members.values_list("pk", flat=True))
    from ansinh.api import refs

    assert ref.startswith("m-") and refs.pk_of("member", ref) in pks and ref.removeprefix("m-") not in map(str, pks)
    member = api_client(token_a).get(f"/api/v1/registry/members/{ref}")
    assert member.status_code == 200 and member.json()["household_code"] == family.code


def test_create_twice_with_one_key_makes_one_household(api_client: Any, token_a: str, ward_a: Any) -> None:
    client = api_client(token_a)
    first = client.post("/api/v1/registry/households", registration(), headers={"Idempotency-Key": "k-1"})
    assert first.status_code == 201, first.content
    again = client.post("/api/v1/registry/households", registration(), headers={"Idempotency-Key": "k-1"})
    assert again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert Household.objects.filter(code="26734-API1").count() == 1
    assert AuditEvent.objects.filter(action="household.create").count() == 1  # the same audited action as the page
    other = client.post("/api/v1/registry/households", registration("26734-API2"), headers={"Idempotency-Key": "k-1"})
    assert other.status_code == 422 and other.json()["code"] == "idempotency_key_reused"
    assert not Household.objects.filter(code="26734-API2").exists()


def test_create_without_a_key_is_refused(api_client: Any, token_a: str, ward_a: Any) -> None:
    response = api_client(token_a).post("/api/v1/registry/households", registration())
    assert response.status_code == 428 and response.json()["code"] == "idempotency_key_required"
    assert not Household.objects.exists()


def test_a_refused_creation_frees_its_key(api_client: Any, token_a: str, family: Any) -> None:
    client = api_client(token_a)
    clash = client.post("/api/v1/registry/households", registration(family.code), headers={"Idempotency-Key": "k"})
    assert clash.status_code == 422 and clash.json()["code"] == "household_code_in_use"
    fixed = client.post("/api/v1/registry/households", registration(), headers={"Idempotency-Key": "k"})
    assert fixed.status_code == 201


def test_change_needs_the_current_version(api_client: Any, token_a: str, family: Any) -> None:
    client = api_client(token_a)
    url = f"/api/v1/registry/households/{family.code}"
    missing = client.patch(url, {"address": "Số 9"})
    assert missing.status_code == 428 and missing.json()["code"] == "if_match_required"
    stale = client.patch(url, {"address": "Số 9"}, headers={"If-Match": f'"{family.version - 1}"'})
    assert stale.status_code == 412 and stale.json()["code"] == "version_stale"
    ok = client.patch(url, {"address": "Số 9"}, headers={"If-Match": f'"{family.version}"'})
    assert ok.status_code == 200, ok.content
    assert ok["ETag"] == f'"{family.version + 1}"'
    assert AuditEvent.objects.filter(action="household.update", household_id=family.pk).count() == 1


def test_of_two_changes_from_one_version_exactly_one_succeeds(api_client: Any, token_a: str, family: Any) -> None:
    url = f"/api/v1/registry/households/{family.code}"
    seen = f'"{family.version}"'
    answers = [
        api_client(token_a).patch(url, {"address": f"Số {n}"}, headers={"If-Match": seen}).status_code for n in (1, 2)
    ]
    assert sorted(answers) == [200, 412]
    family.refresh_from_db()
    assert family.address == "Số 1"


def test_member_change_and_addition(api_client: Any, token_a: str, family: Any) -> None:
    client = api_client(token_a)
    ref = client.get(f"/api/v1/registry/households/{family.code}").json()["members"][0]["ref"]
    member = client.get(f"/api/v1/registry/members/{ref}")
    changed = client.patch(
        f"/api/v1/registry/members/{ref}", {"monthly_income": 4200000}, headers={"If-Match": member["ETag"]}
    )
    assert changed.status_code == 200 and changed.json()["monthly_income"] == 4200000
    baby = {
        **HEAD,
        "full_name": "Nguyễn Văn Bé",
        "relation": "grandchild",
        "date_of_birth": "2025-09-01",
        "employment_status": "child",
        "education_level": "none",
        "monthly_income": 0,
    }
    added = client.post(
        f"/api/v1/registry/households/{family.code}/members",
        {"member": baby, "on": "2025-09-01", "reason": "birth"},
        headers={"Idempotency-Key": "baby"},
    )
    assert added.status_code == 201, added.content
    assert len(client.get(f"/api/v1/registry/households/{family.code}/members").json()) == 5


def test_domain_errors_are_problems_with_their_code(api_client: Any, token_a: str, family: Any) -> None:
    body = registration()
    body["head"] = {**HEAD, "date_of_birth": "2999-01-01"}
    response = api_client(token_a).post(
        "/api/v1/registry/households", body, headers={"Idempotency-Key": "x", "Accept-Language": "en"}
    )
    assert response.status_code == 422
    problem = response.json()
    assert problem["type"].startswith("urn:ansinh:problem:")
    assert problem["field"] == "date_of_birth"


def test_invalid_input_names_the_field(api_client: Any, token_a: str, ward_a: Any) -> None:
    body = registration()
    body["household"]["water_source"] = "champagne"
    response = api_client(token_a).post("/api/v1/registry/households", body, headers={"Idempotency-Key": "y"})
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_input"
    assert any(e["field"].endswith("water_source") for e in response.json()["errors"])


def test_cursor_pages_are_stable_under_inserts(api_client: Any, token_a: str, ward_a: Any, make_household: Any) -> None:
    for _ in range(5):
        make_household(ward_a)
    client = api_client(token_a)
    first = client.get("/api/v1/registry/households", {"limit": 2}).json()
    make_household(ward_a)  # inserted while the client pages
    seen = [h["code"] for h in first["items"]]
    cursor = first["next_cursor"]
    while cursor:
        page = client.get("/api/v1/registry/households", {"limit": 2, "cursor": cursor}).json()
        seen += [h["code"] for h in page["items"]]
        cursor = page["next_cursor"]
    assert len(seen) == len(set(seen)) == 6
    bad = client.get("/api/v1/registry/households", {"cursor": "forged"})
    assert bad.status_code == 400 and bad.json()["code"] == "invalid_cursor"


def test_updated_since(api_client: Any, token_a: str, ward_a: Any, make_household: Any) -> None:
    old = make_household(ward_a)
    Household.objects.filter(pk=old.pk).update(updated_at="2020-01-01T00:00:00Z")
    new = make_household(ward_a)
    page = api_client(token_a).get("/api/v1/registry/households", {"updated_since": "2024-01-01T00:00:00Z"}).json()
    assert [h["code"] for h in page["items"]] == [new.code]


def test_rate_limit_per_token(api_client: Any, token_a: str, settings: Any) -> None:
    settings.API_RATE_LIMIT = 3
    client = api_client(token_a)
    answers = [client.get("/api/v1/ping") for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert int(answers[-1]["Retry-After"]) >= 1
    assert answers[-1].json()["code"] == "rate_limited"


def test_rate_limit_per_address(api_client: Any, token_a: str, token_b: str, settings: Any) -> None:
    settings.API_ADDRESS_RATE_LIMIT = 2
    assert api_client(token_a).get("/api/v1/ping").status_code == 200
    assert api_client(token_b).get("/api/v1/ping").status_code == 200
    assert api_client(None).get("/api/v1/ping").status_code == 429  # same address, whoever it claims to be


def test_export_is_a_background_job_with_a_signed_link(
    api_client: Any, token_a: str, family: Any, ward_b: Any, make_household: Any
) -> None:
    from ansinh.tasks.actions import run_pending

    make_household(ward_b)
    client = api_client(token_a)
    job = client.post("/api/v1/registry/exports", {"table": "households"}, headers={"Idempotency-Key": "e1"})
    assert job.status_code == 202, job.content
    run_pending()
    done = client.get(f"/api/v1/registry/exports/{job.json()['ref']}").json()
    assert done["status"] == "done" and done["rows"] == 1
    link = done["download_url"]
    from django.test import Client

    download = Client().get(link.replace("http://testserver", ""))  # the signed link alone is the authorisation
    assert download.status_code == 200
    text = b"".join(download.streaming_content).decode("utf-8-sig")
    assert family.code in text and "27553" not in text
    forged = Client().get("/api/v1/exports/download/forged")
    assert forged.status_code == 410
    assert json.loads(forged.content)["code"] == "download_expired"


def test_references_are_opaque_stable_and_of_one_kind() -> None:
    from ansinh.api import refs
    from ansinh.api.errors import NotFound

    made = [refs.ref("member", pk) for pk in range(1, 2001)]
    assert len(set(made)) == 2000
    assert [refs.pk_of("member", r) for r in made] == list(range(1, 2001))
    assert made == [refs.ref("member", pk) for pk in range(1, 2001)]  # stable
    # Neighbours look unrelated: no shared leading characters beyond chance.
    assert sum(a[:4] == b[:4] for a, b in itertools.pairwise(made)) < 20
    for wrong in (made[0].replace("m-", "r-"), "m-zz", "m-0123456!", "42"):
        with pytest.raises(NotFound):
            refs.pk_of("member", wrong)


def test_members_only_with_member_view(
    api_client: Any, make_token: Any, officer: Any, ward_a: Any, family: Any
) -> None:
    _t, raw = make_token(officer, ["household.view"], wards=[ward_a])
    body = api_client(raw).get(f"/api/v1/registry/households/{family.code}").json()
    assert body["code"] == family.code and body["members"] == []
    ref = api_client(raw).get("/api/v1/registry/households", {"q": family.code}).json()["items"][0]["code"]
    assert ref == family.code


def test_a_control_character_in_a_json_body_is_refused_as_problem_details(
    api_client: Any, token_a: str, ward_a: Any
) -> None:
    """The API's JSON bodies pass the one place text enters, as forms do: nothing is written."""
    client = api_client(token_a)
    body = registration("26734-API9", address="Số 1\u001b[2J đường Lê Lợi")
    response = client.post("/api/v1/registry/households", body, headers={"Idempotency-Key": "k-ctl"})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["code"] == "control_character" and problem["field"] == "household.address"
    assert not Household.objects.filter(code="26734-API9").exists()
