from __future__ import annotations

from django.urls import reverse

from ansinh.registry import actions


def test_it_shows_the_trail_to_an_administrator_with_filters(admin_client, officer, ward_a, make_household):
    hh = make_household(ward_a, actor=officer)
    other = make_household(ward_a, actor=officer)
    actions.do_update_household(
        actor=officer, household=hh, changes={"address": "99 Đồng Khởi"}, expected_version=hh.version
    )
    html = admin_client.get(reverse("audit-search")).content.decode()
    assert "99 Đồng Khởi" in html and officer.username in html
    filtered = admin_client.get(
        reverse("audit-search"), {"household_code": hh.code, "action": "household.update"}
    ).content.decode()
    assert "99 Đồng Khởi" in filtered
    assert f"household #{other.pk}<" not in filtered
    assert "Hiển thị 1–1 trong số 1 bản ghi" in filtered


def test_it_filters_by_user_and_date(admin_client, officer, ward_a, make_household):
    make_household(ward_a, actor=officer)
    assert "Không có bản ghi nào" in admin_client.get(reverse("audit-search"), {"username": "nobody"}).content.decode()
    assert (
        "Không có bản ghi nào" in admin_client.get(reverse("audit-search"), {"date_to": "01/01/2000"}).content.decode()
    )
    assert (
        officer.username in admin_client.get(reverse("audit-search"), {"username": officer.username}).content.decode()
    )


def test_it_rejects_a_date_range_that_ends_before_it_starts(admin_client):
    html = admin_client.get(
        reverse("audit-search"), {"date_from": "02/01/2025", "date_to": "01/01/2025"}
    ).content.decode()
    assert 'href="#id_date_to"' in html


def test_it_keeps_the_trail_from_officers(officer_client):
    assert officer_client.get(reverse("audit-search")).status_code == 403
