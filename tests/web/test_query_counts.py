"""Pages read with a fixed number of queries, however many rows they show (no N+1)."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import member_data


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


def test_it_lists_and_shows_households_with_a_constant_number_of_queries(
    officer_client, officer, ward_a, make_household
):
    def add(n):
        hh = None
        for _ in range(n):
            hh = make_household(
                ward_a,
                actor=officer,
                members=[member_data(), member_data(full_name="Trần Thị Bình", sex="F", relation="spouse")],
            )
        return hh

    first = add(2)
    few = (
        _count(officer_client, reverse("household-search")),
        _count(officer_client, reverse("household-detail", args=[first.pk])),
    )
    more = add(6)
    from ansinh.registry import actions

    actions.do_add_member(
        actor=officer,
        household=more,
        data=member_data(full_name="Lê Văn Cường", relation="child"),
        on=more.created_at.date(),
        kind="member_added",  # an adult missed at registration (a birth is dated on the date of birth)
    )
    many = (
        _count(officer_client, reverse("household-search")),
        _count(officer_client, reverse("household-detail", args=[more.pk])),
    )
    assert many == few
