"""The demo city has last year's review approved (issue 13, item 10): on a first visit the round's pages, its
decision and certificates, the flows and the household pages' status have something to show."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from ansinh.review.demo import ensure_demo_round
from ansinh.review.models import ComplaintStatus, PovertyStatus
from tests.review.conftest import deprived_member
from tests.web.conftest import signed_in


def test_the_demo_approves_last_years_review_once(
    officer: Any, chairman: Any, make_household: Any, ward_a: Any, rich_household: Any
) -> None:
    poor = [make_household(ward_a, members=[deprived_member()], water_source="unprotected_well") for _ in range(3)]
    review_round = ensure_demo_round(ward_a, officer, chairman, 2025)
    assert review_round is not None
    assert review_round.status == "approved"
    decision = review_round.decision
    assert decision.certificates.filter(household__in=poor).exists()
    assert PovertyStatus.objects.filter(decision=decision).count() == decision.certificates.count()
    assert review_round.meetings.count() == 1
    assert review_round.complaints.get().status == ComplaintStatus.ANSWERED
    assert ensure_demo_round(ward_a, officer, chairman, 2025) is None

    client = signed_in(officer)
    for name in ("review-round", "review-results", "review-meeting", "review-posting", "review-approve"):
        assert client.get(reverse(name, args=[review_round.pk])).status_code == 200, name
    assert client.get(reverse("review-decision", args=[review_round.pk]))["Content-Type"] == "application/pdf"
    page = client.get(reverse("household-detail", args=[poor[0].pk])).content.decode()
    assert decision.number in page
