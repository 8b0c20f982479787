"""What the screen masks, the certificates mask: a role that sees the last three digits of ID numbers on the
household page gets them masked in the certificate PDFs too; a role that sees them whole gets them whole."""

from __future__ import annotations

from django.urls import reverse

from ansinh.registry.models import Member
from tests.review.test_documents import text_of
from tests.web.conftest import signed_in

ID = "079080001234"


def test_a_certificate_masks_the_id_number_for_a_role_the_screen_masks_it_for(
    officer, chairman, make_round, poor_household, run_round
):
    Member.objects.filter(household=poor_household).update(id_number=ID)
    review_round = run_round(make_round())
    certificate = review_round.decision.certificates.get()
    urls = [
        reverse("review-certificate", args=[review_round.pk, certificate.pk]),
        reverse("review-certificates", args=[review_round.pk]),
    ]
    page = reverse("household-detail", args=[poor_household.pk])
    for url in urls:
        whole, masked = signed_in(officer).get(url), signed_in(chairman).get(url)
        assert whole.status_code == masked.status_code == 200
        assert ID in text_of(whole.content)
        assert ID not in text_of(masked.content) and "•••••••••234" in text_of(masked.content)
    # ... as the household page does for the same two roles.
    assert ID in signed_in(officer).get(page).content.decode()
    assert ID not in signed_in(chairman).get(page).content.decode()
