"""The officer's pages (scoped to the ward) and the citizen's page (code and secret, no account, throttled)."""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.test import Client

from ansinh.dossiers import actions as a
from ansinh.dossiers.models import Rating

from .conftest import at


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_officer_sees_due_dossiers_and_processes_one(officer: Any, receive: Any) -> None:
    dossier = receive(at(2026, 3, 6, 9))
    fresh = receive(at(2026, 3, 6, 9), accept=False)
    client = signed_in(officer)
    page = client.get("/dossiers/").content.decode()
    assert dossier.code in page and 'id="due-dossiers"' in page
    assert client.post(f"/dossiers/{fresh.pk}/accept/").status_code == 302
    fresh.refresh_from_db()
    assert fresh.status == "accepted"
    detail = client.get(f"/dossiers/{fresh.pk}/").content.decode()
    assert "timeliness" in detail and 'name="timeliness"' not in detail
    # A return before the decision is refused in Vietnamese, nothing written.
    response = client.post(f"/dossiers/{fresh.pk}/return/", follow=True)
    assert "Chưa thể trả kết quả trước khi có quyết định" in response.content.decode()
    assert fresh.events.count() == 2


def test_an_officer_of_another_ward_gets_a_404(make_user: Any, receive: Any, ward_b: Any) -> None:
    dossier = receive(at(2026, 3, 6, 9))
    other = signed_in(make_user("ward_officer", wards=[ward_b]))
    assert other.get(f"/dossiers/{dossier.pk}/").status_code == 404
    assert other.post(f"/dossiers/{dossier.pk}/decide/", {"reason": "x"}).status_code == 404
    assert dossier.events.count() == 2


def test_the_citizen_follows_and_rates_once_without_an_account(officer: Any, receive: Any) -> None:
    cache.clear()
    dossier = receive(at(2026, 3, 6, 9))
    citizen = Client()
    wrong = citizen.post("/dossiers/public/follow/", {"code": dossier.code, "secret": "NOTRIGHT"})
    assert wrong.status_code == 404 and "không khớp" in wrong.content.decode()
    page = citizen.post("/dossiers/public/follow/", {"code": dossier.code, "secret": dossier.secret})
    assert page.status_code == 200 and "Đã tiếp nhận" in page.content.decode()
    a.do_decide_dossier(actor=officer, dossier=dossier, result="x", at=at(2026, 3, 10, 9))
    a.do_return_dossier(actor=officer, dossier=dossier, at=at(2026, 3, 10, 10))
    citizen.post("/dossiers/public/follow/", {"code": dossier.code, "secret": dossier.secret, "level": "5"})
    again = citizen.post("/dossiers/public/follow/", {"code": dossier.code, "secret": dossier.secret, "level": "1"})
    assert "đã được đánh giá" in again.content.decode()
    assert list(Rating.objects.values_list("level", flat=True)) == [5]


def test_the_citizens_page_is_throttled(receive: Any) -> None:
    cache.clear()
    dossier = receive(at(2026, 3, 6, 9))
    citizen = Client()
    codes = [
        citizen.post("/dossiers/public/follow/", {"code": dossier.code, "secret": "X"}).status_code for _ in range(21)
    ]
    assert codes[:20] == [404] * 20 and codes[20] == 429


def test_the_citizens_page_is_throttled_per_code_from_any_address(receive: Any) -> None:
    cache.clear()
    dossier = receive(at(2026, 3, 6, 9))
    codes = [
        Client(REMOTE_ADDR=f"203.0.113.{i}").post("/dossiers/public/follow/", {"code": dossier.code, "secret": "X"})
        for i in range(21)
    ]
    assert [c.status_code for c in codes[:20]] == [404] * 20 and codes[20].status_code == 429
    assert "Thử quá nhiều lần" in codes[20].content.decode()
