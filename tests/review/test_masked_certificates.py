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


def _text(response) -> str:
    import io

    import openpyxl

    body = b"".join(response.streaming_content) if response.streaming else response.content
    if body.startswith(b"%PDF"):
        return text_of(body)
    book = openpyxl.load_workbook(io.BytesIO(body))
    return " ".join(str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value)


def test_the_rounds_other_files_hold_no_id_number_for_any_role(
    officer, chairman, make_round, poor_household, run_round
):
    """The lists, the decision, the minutes, the summary and the survey workbooks name households by code and
    head, never by ID number: nothing for the mask to miss."""
    Member.objects.filter(household=poor_household).update(id_number=ID)
    review_round = run_round(make_round())
    meeting = review_round.meetings.get()
    standard = review_round.standards[0]
    urls = [
        reverse("review-provisional-list", args=[review_round.pk, standard, "pdf"]),
        reverse("review-provisional-list", args=[review_round.pk, standard, "xlsx"]),
        reverse("review-decision", args=[review_round.pk]),
        reverse("review-minutes", args=[review_round.pk, meeting.pk]),
        reverse("review-summary-xlsx", args=[review_round.pk]),
        reverse("review-offline", args=[review_round.pk, "A"]),
        reverse("review-offline", args=[review_round.pk, "B"]),
    ]
    for user in (officer, chairman):
        client = signed_in(user)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            text = _text(response)
            assert len(text) > 100, url  # read, not an empty file
            assert ID not in text, url
