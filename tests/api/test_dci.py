"""The DCI social-registry search: idtype-value, expression and predicate queries over the page's households,
DCI's reason code for what it cannot search, and the envelope's Ed25519 signature checked with the token's key."""

from __future__ import annotations

import base64
import datetime as dt
import json
import time
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.test import Client
from django.utils import timezone

from ansinh.api import dci_signature
from tests.api.conftest import OFFICER_GRANTS
from tests.api.test_scope import world  # noqa: F401 - the fixture of two wards with an approved round each
from tests.conftest import member_data

pytestmark = pytest.mark.django_db


def _envelope(query_type: str, query: Any, *, size: int = 50) -> dict[str, Any]:
    return {
        "header": {"message_id": "m1", "message_ts": "2026-01-01T00:00:00Z", "action": "search", "sender_id": "vbsp"},
        "message": {
            "transaction_id": "t1",
            "search_request": [
                {
                    "reference_id": "r1",
                    "timestamp": "2026-01-01T00:00:00Z",
                    "search_criteria": {
                        "query_type": query_type,
                        "query": query,
                        "pagination": {"page_size": size, "page_number": 1},
                    },
                }
            ],
        },
    }


def _post(client: Client, body: dict[str, Any]) -> Any:
    typed = {} if hasattr(client, "raw") else {"content_type": "application/json"}  # the ApiClient sends JSON
    return client.post("/api/v1/registry/sync/search", json.dumps(body), **typed)


def _answer(client: Client, body: dict[str, Any]) -> dict[str, Any]:
    response = _post(client, body)
    assert response.status_code == 200, response.content
    answer: dict[str, Any] = response.json()["message"]["search_response"][0]
    return answer


def _api(raw: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {raw}"})


def test_an_expression_finds_the_poor_of_a_ward_as_the_official_list_and_the_page(world: dict[str, Any]) -> None:  # noqa: F811
    from ansinh.review.models import PovertyStatus

    api = _api(world["a"]["tokens"]["officer"])
    page = Client()
    page.force_login(world["a"]["officer"])
    everyone = _answer(api, _envelope("expression", {"ward_code": "26734"}))
    shown = page.get("/households/", {"ward": "26734"}).context["page_obj"].paginator.count
    assert everyone["pagination"]["total_count"] == shown == len(everyone["data"]["reg_records"]) == 2

    poor_query = {"$and": [{"ward_code": {"$eq": "26734"}}, {"poverty_class": "poor", "poverty_standard": "vn_2022"}]}
    wrapped = {"type": "expression", "value": {"expression": {"query": poor_query}}}
    poor = _answer(api, _envelope("expression", wrapped))
    listed = PovertyStatus.objects.current().filter(ward_id="26734", standard_id="vn_2022", klass="poor").count()
    assert poor["pagination"]["total_count"] == len(poor["data"]["reg_records"]) == listed >= 1
    assert {r["poverty"]["vn_2022"] for r in poor["data"]["reg_records"]} == {"poor"}
    # ne: the others of the ward; or: both together again
    others = _answer(api, _envelope("expression", {"ward_code": "26734", "poverty_class": {"ne": "poor"}}))
    assert others["pagination"]["total_count"] == 2 - listed
    either = _answer(api, _envelope("expression", {"$or": [{"poverty_class": "poor"}, {"status": "active"}]}))
    assert either["pagination"]["total_count"] == 2
    # the other ward's households are not found, whatever the query names
    assert _answer(api, _envelope("expression", {"ward_code": "27553"}))["pagination"]["total_count"] == 0
    assert _answer(api, _envelope("expression", {"ward_code": ["26734", "27553"]}))["pagination"]["total_count"] == 2


def test_members_by_age_and_sex_hold_for_one_member(
    api_client: Any, token_a: str, ward_a: Any, make_household: Any, family: Any
) -> None:
    today = timezone.localdate()
    born = today.replace(year=today.year - 60)  # sixty today
    elder = make_household(ward_a, members=[member_data(sex="F", date_of_birth=born)])
    api = api_client(token_a)

    def codes(query: Any) -> list[str]:
        answer = _answer(api, _envelope("expression", query))
        assert answer["status"] == "succ", answer
        return sorted(r["household_code"] for r in answer["data"]["reg_records"])

    assert codes({"member_age": {"ge": 60}}) == [elder.code]
    assert codes({"member_age": {"gt": 60}}) == []
    assert codes({"member_age": 60}) == [elder.code]
    assert codes({"member_age": {"lt": 60, "ge": 40}}) == [family.code]
    assert codes({"member_age": {"le": 25}}) == [family.code]  # the children of 2000 and 2001
    # one member both a woman and under 30 (the child-in-law), not a woman and under 20
    assert codes({"member_sex": "F", "member_age": {"lt": 30}}) == [family.code]
    assert codes({"member_sex": "F", "member_age": {"lt": 20}}) == []
    assert codes({"member_relation": {"in": ["spouse"]}}) == [family.code]
    # predicates: the same attributes and operators
    predicate = [
        {"expression1": {"attribute_name": "member_age", "operator": "ge", "attribute_value": 60}},
        {
            "expression1": {"attribute_name": "ward_code", "operator": "eq", "attribute_value": "26734"},
            "condition": "or",
            "expression2": {"attribute_name": "household_code", "operator": "eq", "attribute_value": "x"},
        },
    ]
    answer = _answer(api, _envelope("predicate", predicate))
    assert [r["household_code"] for r in answer["data"]["reg_records"]] == [elder.code]


def test_idtype_value_finds_a_household_by_its_code_or_a_members_id_number(
    api_client: Any, token_a: str, token_b: str, ward_a: Any, make_household: Any
) -> None:
    found = make_household(ward_a, members=[member_data(id_number="079080001234")])
    api = api_client(token_a)
    by_code = _answer(api, _envelope("idtype-value", {"type": "household_code", "value": found.code}))
    by_id = _answer(api, _envelope("idtype-value", {"type": "id_number", "value": "079080001234"}))
    assert [r["household_code"] for r in by_code["data"]["reg_records"]] == [found.code]
    assert [r["household_code"] for r in by_id["data"]["reg_records"]] == [found.code]
    other_ward = _answer(api_client(token_b), _envelope("idtype-value", {"type": "id_number", "value": "079080001234"}))
    assert other_ward["pagination"]["total_count"] == 0


@pytest.mark.parametrize(
    ("query_type", "query", "named"),
    [
        ("expression", {"income": {"gt": 1}}, "income"),
        ("expression", {"ward_code": {"lt": "26734"}}, "lt"),
        ("expression", {"member_age": {"like": 3}}, "like"),
        ("expression", {"member_age": "sixty"}, "member_age"),
        (
            "predicate",
            [{"expression1": {"attribute_name": "salary", "operator": "eq", "attribute_value": "1"}}],
            "salary",
        ),
        ("predicate", [{"expression1": {"attribute_name": "status", "operator": "ge", "attribute_value": "a"}}], "ge"),
        ("idtype-value", {"type": "passport", "value": "1"}, "passport"),
        ("predicate", {"ward_code": "26734"}, "predicate"),
    ],
)
def test_what_it_cannot_search_is_refused_with_dcis_reason_code(
    api_client: Any, token_a: str, ward_a: Any, query_type: str, query: Any, named: str
) -> None:
    answer = _answer(api_client(token_a), _envelope(query_type, query))
    assert answer["status"] == "rjct"
    assert answer["status_reason_code"] == "rjct.search_criteria.invalid"
    assert named in answer["status_reason_message"]


# --- the signature ---------------------------------------------------------------------------------------------


@pytest.fixture
def signer(make_token: Any, officer: Any, ward_a: Any) -> tuple[Any, Ed25519PrivateKey, str]:
    from ansinh.accounts.tokens import do_create_token

    key = Ed25519PrivateKey.generate()
    public = base64.b64encode(key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)).decode()
    token, raw = do_create_token(
        actor=None, owner=officer, name="signed system", grants=OFFICER_GRANTS, wards=[ward_a],
        valid_until=timezone.now() + dt.timedelta(days=1), allowed_addresses="0.0.0.0/0",
        signing_key=public, signature_required=True,
    )  # fmt: skip
    return token, key, raw


def _signed(body: dict[str, Any], key: Ed25519PrivateKey, token: Any, *, created: int | None = None) -> dict[str, Any]:
    created = int(time.time()) if created is None else created
    body["signature"] = dci_signature.sign(body, key, key_id=token.prefix, created=created, expires=created + 600)
    return body


def _refusal(response: Any) -> str:
    assert response.status_code == 401, response.content
    header = response.json()["header"]
    assert header["status"] == "rjct" and header["action"] == "on-search"
    return str(header["status_reason_code"])


def test_a_signed_envelope_is_answered_and_a_bad_or_missing_one_refused_and_audited(
    signer: tuple[Any, Ed25519PrivateKey, str], ward_a: Any, make_household: Any
) -> None:
    from ansinh.audit.models import AuditEvent

    make_household(ward_a)
    token, key, raw = signer
    api = _api(raw)
    good = _post(api, _signed(_envelope("expression", {"ward_code": "26734"}), key, token))
    assert good.status_code == 200 and good.json()["message"]["search_response"][0]["pagination"]["total_count"] == 1

    assert _refusal(_post(api, _envelope("expression", {"ward_code": "26734"}))) == "err.signature.missing"
    tampered = _signed(_envelope("expression", {"ward_code": "26734"}), key, token)
    tampered["message"]["search_request"][0]["search_criteria"]["query"] = {"ward_code": "27553"}
    assert _refusal(_post(api, tampered)) == "err.signature.invalid"
    stranger = _signed(_envelope("expression", {"ward_code": "26734"}), Ed25519PrivateKey.generate(), token)
    assert _refusal(_post(api, stranger)) == "err.signature.invalid"
    old = _signed(_envelope("expression", {"ward_code": "26734"}), key, token, created=int(time.time()) - 7200)
    assert _refusal(_post(api, old)) == "err.signature.expired"
    refused = AuditEvent.objects.filter(action="api_token.signature_refused", object_id=token.prefix)
    assert sorted(e.changes["code"][1] for e in refused) == sorted(
        ["err.signature.missing", "err.signature.invalid", "err.signature.invalid", "err.signature.expired"]
    )


def test_a_signed_envelope_is_answered_once_and_its_replay_refused(
    signer: tuple[Any, Ed25519PrivateKey, str], ward_a: Any
) -> None:
    token, key, raw = signer
    api = _api(raw)
    envelope = _signed(_envelope("expression", {"ward_code": "26734"}), key, token)
    assert _post(api, envelope).status_code == 200
    assert _refusal(_post(api, envelope)) == "err.signature.invalid"  # the same bytes again: a replay
    fresh = _envelope("expression", {"ward_code": "26734"})
    fresh["header"]["message_id"] = "m2"
    assert _post(api, _signed(fresh, key, token)).status_code == 200  # another message is answered


def test_a_token_without_a_key_answers_unsigned_envelopes(api_client: Any, token_a: str, ward_a: Any) -> None:
    response = _post(api_client(token_a), _envelope("expression", {"ward_code": "26734"}))
    assert response.status_code == 200


def test_a_token_cannot_require_a_signature_without_a_key(make_token: Any, officer: Any, ward_a: Any) -> None:
    from ansinh.accounts.errors import TokenSetupInvalid
    from ansinh.accounts.tokens import do_create_token

    with pytest.raises(TokenSetupInvalid):
        do_create_token(
            actor=None, owner=officer, name="x", grants=["household.view"], wards=[ward_a],
            valid_until=timezone.now() + dt.timedelta(days=1), allowed_addresses="0.0.0.0/0",
            signature_required=True,
        )  # fmt: skip
    with pytest.raises(TokenSetupInvalid):
        do_create_token(
            actor=None, owner=officer, name="x", grants=["household.view"], wards=[ward_a],
            valid_until=timezone.now() + dt.timedelta(days=1), allowed_addresses="0.0.0.0/0", signing_key="nope",
        )  # fmt: skip
