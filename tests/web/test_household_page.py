from __future__ import annotations

import datetime

from django.urls import reverse

from ansinh.registry import actions
from tests.conftest import member_data


def test_it_shows_attributes_members_and_history(officer_client, officer, ward_a, make_household):
    hh = make_household(
        ward_a,
        actor=officer,
        other_income_monthly=1_500_000,
        members=[
            member_data(full_name="Nguyễn Văn An", date_of_birth=datetime.date(1980, 5, 17)),
            member_data(full_name="Trần Thị Bình", sex="F", relation="spouse"),
        ],
    )
    actions.do_update_household(
        actor=officer, household=hh, changes={"address": "99 Đồng Khởi"}, expected_version=hh.version
    )
    html = officer_client.get(reverse("household-detail", args=[hh.pk])).content.decode()
    assert "Nguyễn Văn An" in html and "Trần Thị Bình" in html
    assert "17/05/1980" in html
    assert "1.500.000" in html
    assert "Chủ hộ" in html  # relation label, translated
    assert "99 Đồng Khởi" in html
    assert "Số " in html and "→" in html  # old → new address in the history
    assert officer.username in html


def test_it_shows_full_id_numbers_to_officers_and_masks_them_for_analysts(
    officer_client, analyst_client, ward_a, make_household
):
    hh = make_household(ward_a, members=[member_data(id_number="079080001234")])
    assert "079080001234" in officer_client.get(reverse("household-detail", args=[hh.pk])).content.decode()
    masked = analyst_client.get(reverse("household-detail", args=[hh.pk])).content.decode()
    assert "079080001234" not in masked
    assert "•••••••••234" in masked


def test_it_answers_404_for_a_household_outside_the_scope(officer_client, ward_b, make_household):
    hh = make_household(ward_b)
    for name in ("household-detail", "household-edit", "member-add", "household-change-head"):
        assert officer_client.get(reverse(name, args=[hh.pk])).status_code == 404, name


def test_it_offers_changes_only_to_roles_that_may_change(officer_client, analyst_client, ward_a, make_household):
    hh = make_household(ward_a)
    assert (
        reverse("household-edit", args=[hh.pk])
        in officer_client.get(reverse("household-detail", args=[hh.pk])).content.decode()
    )
    analyst_page = analyst_client.get(reverse("household-detail", args=[hh.pk])).content.decode()
    assert reverse("household-edit", args=[hh.pk]) not in analyst_page
    # Inside the analyst's area, without household.change: refused (403), by the one rule for refusals.
    assert analyst_client.get(reverse("household-edit", args=[hh.pk])).status_code == 403


def test_it_answers_who_belonged_to_the_household_on_a_date(officer_client, officer, ward_a, make_household):
    hh = make_household(
        ward_a,
        members=[
            member_data(),
            member_data(full_name="Lê Văn Cường", relation="child", date_of_birth=datetime.date(2001, 1, 1)),
        ],
    )
    child = hh.members.get(relation="child")
    actions.do_move_out(actor=officer, member=child, on=datetime.date(2025, 9, 1))
    url = reverse("household-detail", args=[hh.pk])
    before = officer_client.get(url, {"on": "15/08/2025"}).content.decode()
    assert "Thành viên vào ngày 15/08/2025" in before
    assert before.count("Lê Văn Cường (01/01/2001)") == 2  # in the answer and among former members
    after = officer_client.get(url, {"on": "15/09/2025"}).content.decode()
    assert after.count("Lê Văn Cường (01/01/2001)") == 1
    assert "Nhập một ngày có thật" in officer_client.get(url, {"on": "31/02/2025"}).content.decode()
