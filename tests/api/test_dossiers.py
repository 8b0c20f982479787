"""Applications through the API: a dossier received online once per key, then followed by its code."""

from __future__ import annotations

from typing import Any

import pytest

from ansinh.dossiers.models import Dossier

pytestmark = pytest.mark.django_db

APPLICATION = {
    "procedure": "poverty_certificate",
    "ward_code": "26734",
    "applicant_name": "Nguyễn Văn An",
    "documents": ["request", "form_04", "form_1a", "id_card", "form_01_pension", "proof"],
}


def test_an_application_is_received_once_and_followed(api_client: Any, token_a: str, family: Any) -> None:
    client = api_client(token_a)
    body = {**APPLICATION, "household_code": family.code}
    first = client.post("/api/v1/dossiers/", body, headers={"Idempotency-Key": "app-1"})
    assert first.status_code == 201, first.content
    again = client.post("/api/v1/dossiers/", body, headers={"Idempotency-Key": "app-1"})
    assert again.json() == first.json() and Dossier.objects.count() == 1
    code = first.json()["code"]
    assert first.json()["secret"] and first.json()["channel"] == "online"
    followed = client.get(f"/api/v1/dossiers/{code}").json()
    assert followed["status"] == "received" and followed["household_code"] == family.code
    assert [e["kind"] for e in followed["events"]] == ["received"]
    assert "secret" not in followed


def test_an_application_missing_documents_is_refused_in_words(api_client: Any, token_a: str, ward_a: Any) -> None:
    response = api_client(token_a).post(
        "/api/v1/dossiers/", {**APPLICATION, "documents": []}, headers={"Idempotency-Key": "app-2"}
    )
    assert response.status_code == 422
    assert response.json()["field"] == "documents" and response.json()["code"] != "invalid_input"
    assert not Dossier.objects.exists()


def test_no_application_in_another_ward(api_client: Any, token_a: str, ward_b: Any) -> None:
    response = api_client(token_a).post(
        "/api/v1/dossiers/", {**APPLICATION, "ward_code": ward_b.code}, headers={"Idempotency-Key": "app-3"}
    )
    assert response.status_code == 404
