"""The round's household list is shown a page at a time: a ward's list runs to thousands of households."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from ansinh.review.models import RoundHousehold
from tests.web.conftest import signed_in


def test_the_round_page_shows_25_households_a_page_and_counts_them_all(officer, make_round, make_household, ward_a):
    review_round = make_round()
    households = [make_household(ward_a, code=f"P-{i:03d}") for i in range(27)]
    RoundHousehold.objects.bulk_create(
        RoundHousehold(
            round=review_round,
            household=h,
            source="screening",
            requested_on=dt.date(2025, 9, 1),
            added_at=timezone.now(),
        )
        for h in households
    )
    client = signed_in(officer)
    first = client.get(reverse("review-round", args=[review_round.pk])).content.decode()
    assert first.count('data-household="P-') == 25 and "Danh sách có 27 hộ." in first
    second = client.get(reverse("review-round", args=[review_round.pk]), {"page": 2}).content.decode()
    assert second.count('data-household="P-') == 2 and 'data-household="P-026"' in second
