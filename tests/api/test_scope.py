"""One scope: a crawl of every read endpoint of the schema with tokens of two wards and two roles finds nothing
of the other ward, and the counts equal the pages' for the same user."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from tests.api.conftest import OFFICER_GRANTS
from tests.conftest import member_data
from tests.review.conftest import POOR_INCOME, YEAR, deprived_member

pytestmark = pytest.mark.django_db

CHAIRMAN_GRANTS = ["household.view", "household.export", "member.view", "review.view", "enrolment.view",
                   "dossier.view", "dossier.process"]  # fmt: skip


def _approved_round(officer: Any, chairman: Any, ward: Any) -> Any:
    from ansinh.review import actions

    review_round = actions.do_create_round(actor=officer, ward=ward, kind="periodic", year=YEAR, standards=["vn_2022"])
    actions.do_build_household_list(actor=officer, review_round=review_round)
    actions.do_move_round(actor=officer, review_round=review_round, to_status="surveying")
    actions.do_assess_round(actor=officer, review_round=review_round)
    review_round.refresh_from_db()
    posted_on = dt.date(YEAR, 11, 3)
    votes = {rh.pk: (10, 8) for rh in review_round.households.exclude(stage="removed")}
    actions.do_record_meeting(
        actor=officer, review_round=review_round, held_on=posted_on - dt.timedelta(days=3), present_count=10,
        votes=votes,
    )  # fmt: skip
    actions.do_open_posting(actor=officer, review_round=review_round, start=posted_on)
    review_round.refresh_from_db()
    end = review_round.postings.get().end
    actions.do_approve_round(
        actor=chairman, review_round=review_round, number=f"{ward.code}/QĐ", date=end + dt.timedelta(days=1)
    )
    review_round.refresh_from_db()
    return review_round


@pytest.fixture
def world(make_user: Any, make_household: Any, make_token: Any, ward_a: Any, ward_b: Any) -> dict[str, Any]:
    from ansinh.api import refs
    from ansinh.dossiers.actions import do_receive_dossier
    from ansinh.programs.actions import do_enrol_person

    out: dict[str, Any] = {}
    for side, ward in (("a", ward_a), ("b", ward_b)):
        officer = make_user("ward_officer", wards=[ward])
        chairman = make_user("ward_chairman", wards=[ward])
        programs = make_user("program_officer", wards=[ward])
        poor = make_household(
            ward, members=[deprived_member()], water_source="unprotected_well", floor_area_m2=6.0, has_tv=False,
            has_internet_phone=False, on=dt.date(2023, 1, 2),
        )  # fmt: skip
        other = make_household(
            ward, members=[member_data(monthly_income=POOR_INCOME * 9, disability_level="severe")],
            on=dt.date(2023, 1, 2),
        )  # fmt: skip
        review_round = _approved_round(officer, chairman, ward)
        enrolment = do_enrol_person(
            actor=programs, member=other.members.get(), programme="social_assistance", category="disability_severe",
            start_month=dt.date(2023, 3, 1), decision_number="15/QĐ", decision_date=dt.date(2023, 2, 20),
        )  # fmt: skip
        dossier, _secret = do_receive_dossier(
            actor=officer, procedure_code="poverty_certificate", ward=ward, channel="counter", applicant_name="An",
            documents=["request", "form_04", "form_1a", "id_card", "form_01_pension", "proof"],
            at=timezone.now() - dt.timedelta(hours=1),
        )  # fmt: skip
        out[side] = {
            "ward": ward.code,
            "officer": officer,
            "households": [poor.code, other.code],
            "member": refs.ref("member", poor.members.get().pk),
            "round": refs.ref("round", review_round.pk),
            "decision": refs.ref("decision", review_round.decision.pk),
            "dossier": dossier.code,
            "enrolment": refs.ref("enrolment", enrolment.pk),
            "tokens": {
                "officer": make_token(officer, OFFICER_GRANTS, wards=[ward])[1],
                "chairman": make_token(chairman, CHAIRMAN_GRANTS, wards=[ward])[1],
            },
        }
    return out


def _identifiers(side: dict[str, Any]) -> list[str]:
    return [
        side["ward"], *side["households"], side["member"], side["round"], side["decision"], side["dossier"],
        side["enrolment"],
    ]  # fmt: skip


def _fill(path: str, side: dict[str, Any]) -> str:
    """The path with the identifiers of ``side``'s objects."""
    by_path = {
        "/units/wards/{code}": side["ward"],
        "/registry/households/{code}": side["households"][0],
        "/registry/households/{code}/members": side["households"][0],
        "/registry/members/{ref}": side["member"],
        "/review/rounds/{ref}": side["round"],
        "/review/rounds/{ref}/results": side["round"],
        "/dossiers/{code}": side["dossier"],
    }
    key = path.removeprefix("/api/v1")
    if key not in by_path:
        return ""
    return re.sub(r"\{[a-z]+\}", by_path[key], path)


def test_a_crawl_of_every_read_finds_nothing_of_the_other_ward(world: dict[str, Any]) -> None:
    schema = Client().get("/api/v1/openapi.json").json()
    reads = [p for p, ops in schema["paths"].items() if "get" in ops and "download" not in p]
    assert len(reads) >= 15
    crawled = 0
    for mine, theirs in (("a", "b"), ("b", "a")):
        foreign = _identifiers(world[theirs])
        for role, raw in world[mine]["tokens"].items():
            client = Client(headers={"Authorization": f"Bearer {raw}"})
            for path in reads:
                if "{" not in path:
                    response = client.get(path)
                    assert response.status_code in (200, 403), (path, response.content)
                    text = response.content.decode()
                    assert not [f for f in foreign if f in text], (mine, role, path)
                    crawled += 1
                    continue
                own, other = _fill(path, world[mine]), _fill(path, world[theirs])
                if not own:
                    continue
                assert client.get(own).status_code in (200, 403), (role, own)
                refused = client.get(other)
                assert refused.status_code == 404, (role, other, refused.status_code)
                assert refused.json()["code"] == "not_found"
                crawled += 1
            # Searches, counts and filters naming the other ward.
            for asked in (
                {"ward": world[theirs]["ward"]},
                {"q": world[theirs]["households"][0]},
            ):
                listed = client.get("/api/v1/registry/households", asked).json()
                assert listed["items"] == []
                assert client.get("/api/v1/registry/households/count", asked).json() == {"count": 0}
            export = client.post(
                "/api/v1/registry/exports", {"ward": world[theirs]["ward"]}, content_type="application/json",
                headers={"Idempotency-Key": f"{mine}{role}"},
            )  # fmt: skip
            assert export.status_code in (403, 404)
    assert crawled > 40


def test_counts_equal_the_pages(world: dict[str, Any], ward_a: Any, make_household: Any) -> None:
    for _ in range(3):
        make_household(ward_a)
    officer = world["a"]["officer"]
    page = Client()
    page.force_login(officer)
    api = Client(headers={"Authorization": f"Bearer {world['a']['tokens']['officer']}"})
    for asked in ({}, {"q": "nguyen"}, {"ward": "26734"}, {"q": world["a"]["households"][0]}):
        shown = page.get("/households/", asked).context["page_obj"].paginator.count
        assert api.get("/api/v1/registry/households/count", asked).json()["count"] == shown, asked


def _dci(ward: str, *predicates: tuple[str, str]) -> dict[str, Any]:
    query = [
        {"seq_num": n, "expression1": {"attribute_name": name, "operator": "eq", "attribute_value": value}}
        for n, (name, value) in enumerate((("ward_code", ward), *predicates), start=1)
    ]
    return {
        "header": {"message_id": "m1", "message_ts": "2026-01-01T00:00:00Z", "action": "search", "sender_id": "vbsp"},
        "message": {
            "transaction_id": "t1",
            "search_request": [
                {
                    "reference_id": "r1",
                    "timestamp": "2026-01-01T00:00:00Z",
                    "search_criteria": {"query_type": "predicate", "query": query},
                }
            ],
        },
    }


def test_dci_search_counts_as_the_pages(world: dict[str, Any]) -> None:
    from ansinh.review.models import PovertyStatus

    api = Client(headers={"Authorization": f"Bearer {world['a']['tokens']['officer']}"})
    page = Client()
    page.force_login(world["a"]["officer"])

    def search(body: dict[str, Any]) -> dict[str, Any]:
        response = api.post("/api/v1/registry/sync/search", json.dumps(body), content_type="application/json")
        assert response.status_code == 200, response.content
        return response.json()["message"]["search_response"][0]

    everyone = search(_dci("26734"))
    shown = page.get("/households/", {"ward": "26734"}).context["page_obj"].paginator.count
    assert everyone["pagination"]["total_count"] == shown == 2
    poor = search(_dci("26734", ("poverty_class", "poor"), ("poverty_standard", "vn_2022")))
    listed = PovertyStatus.objects.current().filter(ward_id="26734", standard_id="vn_2022", klass="poor").count()
    assert poor["pagination"]["total_count"] == listed >= 1
    assert [r["poverty"]["vn_2022"] for r in poor["data"]["reg_records"]] == ["poor"] * listed
    assert search(_dci("27553"))["pagination"]["total_count"] == 0  # the other ward: nothing
