"""The API's frame: the schema and its documentation page, problem details in two languages, authentication."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from ansinh.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_schema_is_served(client: Client) -> None:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert "/api/v1/registry/households" in schema["paths"]
    refused = schema["paths"]["/api/v1/registry/households/{code}"]["patch"]["responses"]["412"]
    assert list(refused["content"]) == ["application/problem+json"]


def test_docs_page_uses_no_cdn_and_fits_the_csp(client: Client) -> None:
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "cdn" not in html.lower() and "https://" not in html
    assert "/static/ninja/swagger-ui-bundle.js" in html
    # No inline script runs (the settings are a JSON data block): the project's CSP allows only its own files.
    assert "<script>" not in html.replace(" ", "")
    from django.contrib.staticfiles import finders

    assert finders.find("ninja/swagger-ui-bundle.js")  # shipped with django-ninja, served by the project


def test_no_credentials_is_a_problem_in_vietnamese_or_english(client: Client) -> None:
    vi = client.get("/api/v1/registry/households", headers={"Accept-Language": "vi"})
    assert vi.status_code == 401
    assert vi["Content-Type"] == "application/problem+json"
    assert vi.json()["code"] == "not_authenticated"
    en = client.get("/api/v1/registry/households", headers={"Accept-Language": "en"})
    assert en.json()["code"] == "not_authenticated"
    assert en.json()["detail"].startswith("Sign in")
    assert vi.json()["detail"] != en.json()["detail"]  # worded in Vietnamese


def test_a_token_acts_as_its_owner_narrowed(api_client: Any, token_a: str, officer: Any) -> None:
    me = api_client(token_a).get("/api/v1/me").json()
    assert me["username"] == officer.username
    assert me["wards"] == ["26734"]
    assert "household.view" in me["grants"]


def test_every_token_use_is_audited(api_client: Any, token_a: str) -> None:
    api_client(token_a).get("/api/v1/ping")
    event = AuditEvent.objects.filter(action="api_token.use").latest("id")
    assert event.changes["request"][1] == "GET /api/v1/ping"
    assert event.source == "api"


def test_refused_tokens(api_client: Any, make_token: Any, officer: Any, ward_a: Any) -> None:
    past = timezone.now() - datetime.timedelta(days=2)
    _t, expired = make_token(
        officer, ["household.view"], wards=[ward_a], valid_from=past, valid_until=past + datetime.timedelta(days=1)
    )
    _t, elsewhere = make_token(officer, ["household.view"], wards=[ward_a], addresses="203.0.113.0/24")
    _t, no_grant = make_token(officer, ["member.view"], wards=[ward_a])
    cases = [
        (expired, 401, "token_expired"),
        (elsewhere, 403, "token_address_refused"),
        ("ans_nothing_like_it", 401, "token_invalid"),
        (no_grant, 403, "forbidden"),
    ]
    for raw, status, code in cases:
        response = api_client(raw).get("/api/v1/registry/households")
        assert response.status_code == status, (code, response.content)
        assert response["Content-Type"] == "application/problem+json"
        assert response.json()["code"] == code
    assert AuditEvent.objects.filter(action="api_token.refused").count() == 3


def test_a_revoked_token_is_refused(api_client: Any, make_token: Any, officer: Any, ward_a: Any) -> None:
    from ansinh.accounts.tokens import do_revoke_token

    token, raw = make_token(officer, ["household.view"], wards=[ward_a])
    assert api_client(raw).get("/api/v1/ping").status_code == 200
    do_revoke_token(actor=None, token=token)
    assert api_client(raw).get("/api/v1/ping").json()["code"] == "token_revoked"


def test_token_is_stored_hashed(make_token: Any, officer: Any, ward_a: Any) -> None:
    token, raw = make_token(officer, ["household.view"], wards=[ward_a])
    token.refresh_from_db()
    assert raw not in json.dumps([token.token_hash, token.prefix, token.name])


def test_a_token_cannot_get_more_than_its_owner(make_token: Any, officer: Any, ward_a: Any) -> None:
    from ansinh.accounts.errors import TokenGrantRefused

    with pytest.raises(TokenGrantRefused):
        make_token(officer, ["payroll.view"], wards=[ward_a])


def test_session_needs_csrf_for_changes(officer: Any, family: Any) -> None:
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(officer)
    assert browser.get("/api/v1/registry/households").status_code == 200
    response = browser.patch(
        f"/api/v1/registry/households/{family.code}",
        "{}",
        content_type="application/json",
        headers={"If-Match": f'"{family.version}"'},
    )
    assert response.status_code == 403
    assert response.json()["code"] == "csrf_failed"


def test_tokens_from_the_command_line(officer: Any, ward_a: Any) -> None:
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command(
        "api_token", "create", "--owner", officer.username, "--name", "Cổng DVC", "--grant", "household.view",
        "--ward", "26734", "--allow", "127.0.0.1", stdout=out, stderr=io.StringIO(),
    )  # fmt: skip
    prefix, raw = out.getvalue().strip().split(": ")
    assert Client(headers={"Authorization": f"Bearer {raw}"}).get("/api/v1/ping").status_code == 200
    call_command("api_token", "revoke", prefix, stdout=io.StringIO())
    assert Client(headers={"Authorization": f"Bearer {raw}"}).get("/api/v1/ping").status_code == 401
    assert AuditEvent.objects.filter(action__in=["api_token.create", "api_token.revoke"]).count() == 2


def test_an_administrator_makes_a_token_in_the_admin(make_user: Any, province: Any, officer: Any, ward_a: Any) -> None:
    from ansinh.accounts.models import ApiToken

    administrator = make_user("administrator", province=province)
    administrator.is_staff = True
    administrator.save()
    browser = Client()
    browser.force_login(administrator)
    form = {
        "owner": officer.pk,
        "name": "Cổng DVC",
        "grant_list": ["household.view", "dossier.view"],
        "wards": [ward_a.pk],
        "valid_from_0": "2026-01-01",
        "valid_from_1": "00:00:00",
        "valid_until_0": "2099-01-01",
        "valid_until_1": "00:00:00",
        "allowed_addresses": "10.0.0.0/8",
    }
    response = browser.post("/admin/accounts/apitoken/add/", form, follow=True)
    assert response.status_code == 200
    token = ApiToken.objects.get()
    shown = [str(m) for m in response.context["messages"]]
    assert any(f"ans_{token.prefix}_" in m for m in shown)  # the secret, once
    refused = browser.post("/admin/accounts/apitoken/add/", {**form, "grant_list": ["payroll.approve"]})
    assert refused.status_code == 200 and ApiToken.objects.count() == 1  # the owner may not approve payrolls
