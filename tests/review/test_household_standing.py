"""The household page says where the household stands after a decision (issue 13, item 10): its class under
each standard, the decision that said so (number and date) and its certificate to download."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse


def _page(user: Any, household: Any) -> tuple[int, str]:
    client = Client()
    client.force_login(user)
    response = client.get(reverse("household-detail", args=[household.pk]))
    return response.status_code, response.content.decode()


def test_the_household_page_shows_the_status_decision_and_certificate(
    officer: Any, poor_household: Any, rich_household: Any, make_round: Any, run_round: Any
) -> None:
    from ansinh.review.actions import do_add_round_household, do_build_household_list

    review_round = make_round()
    do_build_household_list(actor=officer, review_round=review_round)
    do_add_round_household(
        actor=officer,
        review_round=review_round,
        household=rich_household,
        requested_on=review_round.period_start,
        reason="Hộ đề nghị rà soát",
    )
    review_round = run_round(review_round, number="12/QĐ-UBND")
    certificate = review_round.decision.certificates.get(household=poor_household)

    status, body = _page(officer, poor_household)
    assert status == 200
    assert "Tình trạng nghèo" in body
    assert "Hộ nghèo" in body or "Hộ cận nghèo" in body
    assert "Số 12/QĐ-UBND ngày" in body
    assert review_round.decision.date.strftime("%d/%m/%Y") in body
    certificate_url = reverse("review-certificate", args=[review_round.pk, certificate.pk])
    assert certificate_url in body
    client = Client()
    client.force_login(officer)
    pdf = client.get(certificate_url)
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"

    # A household the round reviewed and left off the lists is "not poor" by the same decision, no certificate.
    status, body = _page(officer, rich_household)
    assert "Không thuộc hộ nghèo, hộ cận nghèo" in body
    assert "Số 12/QĐ-UBND ngày" in body
    assert "/certificates/" not in body


def test_no_status_before_any_decision(
    officer: Any, poor_household: Any, rich_household: Any, make_round: Any, run_round: Any
) -> None:
    run_round(make_round(), until="posting")
    for household in (poor_household, rich_household):
        _, body = _page(officer, household)
        assert "Tình trạng nghèo" not in body


def test_a_role_without_the_review_sees_no_status(
    make_user: Any, ward_a: Any, poor_household: Any, make_round: Any, run_round: Any
) -> None:
    run_round(make_round())
    caseworker = make_user("case_worker", wards=[ward_a])
    status, body = _page(caseworker, poor_household)
    assert status == 200
    assert "Tình trạng nghèo" not in body
