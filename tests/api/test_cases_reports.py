"""The report facts and the victims' cases through the API: scoped as their pages, cases only in their circle,
every case read in the read log."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from ansinh.vocab import POOR
from tests.cases.conftest import agencies, key_file, member_of, open_case, people

# The cases' fixtures (a key file of its own, two agencies in two wards, their users, an open case), used here.
CASE_FIXTURES = (agencies, key_file, member_of, open_case, people)

FACTS = "/api/v1/reports/facts"


def _bearer(raw: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {raw}"})


# --- report facts ------------------------------------------------------------------------------------------


def _facts(ward: str, poor: int, year: int = 2026) -> None:
    from ansinh.reports.facts import derive_year_facts
    from ansinh.reports.models import Fact, FactBatch

    batch = FactBatch.objects.create(
        source="poverty", ward_code=ward, version=1, current=True, built_at=timezone.now(), rows=2
    )
    for category, value in ((POOR, poor), ("near_poor", poor + 1)):
        Fact.objects.create(
            batch=batch, source="poverty", measure="households", ward_code=ward, year=year, month=0,
            standard="vn_2022", category=category, value=value,
        )  # fmt: skip
    derive_year_facts([batch.pk])  # what a refresh writes with its facts: the year rows the dashboards read


@pytest.fixture
def figures(db: Any, ward_a: Any, ward_b: Any) -> None:
    _facts(ward_a.code, 7)
    _facts(ward_b.code, 11)


def test_facts_of_a_ward_a_token_hold_nothing_of_ward_b(
    figures: None, make_token: Any, make_user: Any, ward_a: Any, ward_b: Any, province: Any
) -> None:
    officer = make_user("ward_officer", wards=[ward_a])
    # Without review.view the token sees no poverty figure, even though its owner does.
    assert _bearer(make_token(officer, ["report.view"], wards=[ward_a])[1]).get(FACTS).json()["items"] == []
    client = _bearer(make_token(officer, ["report.view", "review.view"], wards=[ward_a])[1])
    items = client.get(FACTS).json()["items"]
    assert {i["ward_code"] for i in items} == {ward_a.code}
    assert all(i["as_of"] for i in items)
    assert client.get(FACTS, {"ward": ward_b.code}).status_code == 404
    assert client.get(FACTS, {"ward": ward_b.code}).json()["code"] == "not_found"
    assert client.get(FACTS, {"source": "payroll"}).status_code == 403  # a ward officer does not see payrolls
    # Without report.view (the token does not grant it): 403.
    bare = _bearer(make_token(officer, ["household.view"], wards=[ward_a])[1])
    assert bare.get(FACTS).status_code == 403
    # An analyst of the city with a token narrowed to ward A: still nothing of B.
    analyst = make_user("city_analyst", province=province)
    narrowed = _bearer(make_token(analyst, ["report.view", "review.view"], wards=[ward_a])[1])
    assert {i["ward_code"] for i in narrowed.get(FACTS).json()["items"]} == {ward_a.code}


def test_fact_figures_equal_the_dashboard(figures: None, make_token: Any, make_user: Any, province: Any) -> None:
    analyst = make_user("city_analyst", province=province, password="pw-for-tests")
    page = Client()
    page.force_login(analyst)
    tiles = {t["code"]: t["value"] for t in page.get("/reports/", {"year": 2026}).context["tiles"]}
    client = _bearer(make_token(analyst, ["report.view", "review.view"], province=province)[1])
    rows = client.get(FACTS, {"source": "poverty", "measure": "households", "year": "2026"}).json()["items"]
    api: dict[str, int] = {}
    for r in rows:
        if r["category"] == POOR and r["standard"] == "vn_2022":
            api[r["ward_code"]] = api.get(r["ward_code"], 0) + r["value"]
    assert tiles == api == {"26734": 7, "27553": 11}


def test_facts_page_with_a_cursor(figures: None, make_token: Any, make_user: Any, province: Any) -> None:
    analyst = make_user("city_analyst", province=province)
    client = _bearer(make_token(analyst, ["report.view", "review.view"], province=province)[1])
    first = client.get(FACTS, {"limit": 3}).json()
    assert len(first["items"]) == 3 and first["next_cursor"]
    rest = client.get(FACTS, {"limit": 3, "cursor": first["next_cursor"]}).json()
    assert len(rest["items"]) == 1 and rest["next_cursor"] is None
    assert client.get(FACTS, {"cursor": "forged"}).status_code == 400


def test_facts_updated_since_gives_the_slices_built_since(
    figures: None, make_token: Any, make_user: Any, province: Any, ward_a: Any
) -> None:
    from ansinh.reports.models import FactBatch

    FactBatch.objects.filter(ward_code=ward_a.code).update(built_at=timezone.now() - timedelta(days=30))
    analyst = make_user("city_analyst", province=province)
    client = _bearer(make_token(analyst, ["report.view", "review.view"], province=province)[1])
    since = (timezone.now() - timedelta(days=1)).isoformat()
    fresh = client.get(FACTS, {"updated_since": since}).json()["items"]
    assert {i["ward_code"] for i in fresh} == {"27553"} and len(fresh) == 2  # the whole slice rebuilt since
    assert len(client.get(FACTS).json()["items"]) == 4


# --- cases -------------------------------------------------------------------------------------------------


def _events(case: Any) -> int:
    from ansinh.cases.models import ReadEvent

    return ReadEvent.objects.filter(case=case).count()


def test_cases_only_in_the_circle_and_each_read_logged(
    open_case: Any,
    people: dict[str, Any],
    make_token: Any,
    ward_a: Any,
    ward_b: Any,
) -> None:
    case = open_case()
    other = open_case("worker_b", agency="UB-B", ward=ward_b, name="Lê Thị Hoa")
    mine = _bearer(make_token(people["worker_a"], ["case.view"], wards=[ward_a])[1])
    theirs = _bearer(make_token(people["worker_b"], ["case.view"], wards=[ward_b])[1])

    listed = mine.get("/api/v1/cases/").json()["items"]
    assert [c["code"] for c in listed] == [case.code]
    assert listed[0]["name"] == "N. T. L."  # hidden as on the page
    assert "Nguyễn" not in mine.get("/api/v1/cases/").content.decode()
    before = _events(case)
    detail = mine.get(f"/api/v1/cases/{case.code}")
    assert detail.status_code == 200
    assert detail.json()["survivor_name"] == "Nguyễn Thị Lan"
    assert _events(case) == before + 1  # exactly one read event, as the page writes

    # Another agency's worker (another ward): nothing of this circle, from the list or the detail.
    text = theirs.get("/api/v1/cases/").content.decode()
    assert case.code not in text and other.code in text
    refused = theirs.get(f"/api/v1/cases/{case.code}")
    assert refused.status_code == 404 and refused.json()["code"] == "not_found"
    assert mine.get(f"/api/v1/cases/{other.code}").status_code == 404
    assert _events(case) == before + 1  # a refusal reads nothing

    # A token without case.view sees nothing even though its owner is in the circle.
    bare = _bearer(make_token(people["worker_a"], ["household.view"], wards=[ward_a])[1])
    assert bare.get("/api/v1/cases/").json()["items"] == []
    assert bare.get(f"/api/v1/cases/{case.code}").status_code == 404
    assert _events(case) == before + 1


def test_reveal_needs_the_permission_and_is_logged(
    open_case: Any,
    people: dict[str, Any],
    make_token: Any,
    ward_a: Any,
) -> None:
    from ansinh.cases.models import ReadEvent, ReadKind

    case = open_case()
    worker = _bearer(make_token(people["worker_a"], ["case.view"], wards=[ward_a])[1])
    assert worker.get("/api/v1/cases/", {"reveal": "true"}).status_code == 403
    grants = ["case.view", "case.reveal", "case.approve"]
    supervisor = _bearer(make_token(people["supervisor_a"], grants, wards=[ward_a])[1])
    rows = supervisor.get("/api/v1/cases/", {"reveal": "true"}).json()["items"]
    assert [r["name"] for r in rows] == ["Nguyễn Thị Lan"]
    assert ReadEvent.objects.filter(case=case, kind=ReadKind.REVEAL).count() == 1
