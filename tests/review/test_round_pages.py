"""The round page lists its households a page at a time, with its filters kept from page to page (issue 13,
item 10): a city ward's list of hundreds of households no longer draws one 16,000-pixel page."""

from __future__ import annotations

import re
from typing import Any

from django.test import Client
from django.urls import reverse

from ansinh.review.actions import do_add_round_household
from tests.web.conftest import signed_in


def _codes(body: str) -> list[str]:
    return re.findall(r'data-household="([^"]+)"', body)


def test_the_round_page_is_paged_and_keeps_its_filters(
    officer: Any, ward_a: Any, make_household: Any, make_round: Any
) -> None:
    review_round = make_round()
    households = [make_household(ward_a, address=f"Số {n}, hẻm Đặng Tất") for n in range(40)]
    for household in households:
        do_add_round_household(
            actor=officer,
            review_round=review_round,
            household=household,
            requested_on=review_round.period_start,
            reason="Đề nghị rà soát",
        )
    client: Client = signed_in(officer)
    url = reverse("review-round", args=[review_round.pk])

    first = client.get(url).content.decode()
    assert len(_codes(first)) == 25
    assert "Danh sách có 40 hộ." in first
    second = client.get(url, {"page": 2}).content.decode()
    assert len(_codes(second)) == 15
    assert set(_codes(first)).isdisjoint(_codes(second))

    # A search without accents finds by address; the next page's link keeps the search.
    searched = client.get(url, {"q": "dang tat"}).content.decode()
    assert len(_codes(searched)) == 25
    assert "q=dang+tat&amp;page=2" in searched or "page=2&amp;q=dang+tat" in searched
    one = client.get(url, {"q": households[7].code}).content.decode()
    assert _codes(one) == [households[7].code]
    by_stage = client.get(url, {"stage": "removed"}).content.decode()
    assert _codes(by_stage) == []
    assert "Không có hộ nào trong danh sách phù hợp." in by_stage


def test_the_round_page_stays_out_of_reach_outside_the_ward(officer_b: Any, make_round: Any) -> None:
    review_round = make_round()
    assert signed_in(officer_b).get(reverse("review-round", args=[review_round.pk])).status_code == 404


def test_the_results_page_is_paged_too(
    officer: Any, ward_a: Any, make_household: Any, make_round: Any, run_round: Any
) -> None:
    review_round = make_round()
    for _ in range(30):
        do_add_round_household(
            actor=officer,
            review_round=review_round,
            household=make_household(ward_a),
            requested_on=review_round.period_start,
            reason="Đề nghị rà soát",
        )
    run_round(review_round, until="assessed")
    client = signed_in(officer)
    url = reverse("review-results", args=[review_round.pk])
    first = client.get(url, {"standard": "vn_2022"}).content.decode()
    assert len(_codes(first)) == 25
    assert "standard=vn_2022&amp;page=2" in first
    assert len(_codes(client.get(url, {"standard": "vn_2022", "page": 2}).content.decode())) == 5
