"""Decisions as Vietnamese PDFs; the certified lists (health-insurance support of the near-poor, preferential
loans) as XLSX and PDF, scoped to the user's wards."""

from __future__ import annotations

import datetime as dt
import io

from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from ansinh.review.models import Decision as ReviewDecision
from ansinh.review.models import PovertyStatus, Round
from tests.conftest import member_data

D = dt.date


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _text(content: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_a_grant_decision_is_a_vietnamese_pdf_naming_the_amount_and_its_law(program_officer, enrolled):
    decision = enrolled.decisions.get()
    response = _client(program_officer).get(reverse("decision-pdf", args=[decision.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(_text(response.content).split())
    assert "QUYẾT ĐỊNH" in text and "Trần Thị Bình" in text and "15/QĐ-UBND" in text
    assert "540.000 đồng/tháng" in text and "Nghị định 20/2021/NĐ-CP" in text and "03/2023" in text


def test_a_decision_outside_the_area_is_not_found(make_user, ward_b, enrolled):
    other = _client(make_user("program_officer", wards=[ward_b]))
    assert other.get(reverse("decision-pdf", args=[enrolled.decisions.get().pk])).status_code == 404


def _near_poor(household, ward, approver):
    review_round = Round.objects.create(ward=ward, kind="annual", year=2025, period_start=D(2025, 9, 1),
                                        period_end=D(2025, 12, 15), assessed_on=D(2025, 9, 1),
                                        standards=["vn_2022"])  # fmt: skip
    decision = ReviewDecision.objects.create(round=review_round, number="5/QĐ-UBND", date=D(2025, 12, 20),
                                             approved_by=approver, created_at=timezone.now())  # fmt: skip
    PovertyStatus.objects.create(household=household, ward=ward, standard_id="vn_2022", klass="near_poor",
                                 valid_from=D(2026, 1, 1), decision=decision)  # fmt: skip


def test_the_certified_lists_carry_the_support_rate_and_the_legal_basis(program_officer, officer, make_household,
                                                                        ward_a, ward_b):  # fmt: skip
    household = make_household(ward_a, members=[member_data(full_name="Phạm Văn Cận", date_of_birth=D(1970, 1, 1))])
    _near_poor(household, ward_a, program_officer)
    client = _client(officer)
    assert ward_a.name in client.get(reverse("certified-lists")).content.decode()
    xlsx = client.get(reverse("certified-list", args=["hi_support", ward_a.code, "xlsx"]))
    rows = list(load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True))
    assert rows[0][0].startswith("DANH SÁCH NGƯỜI THUỘC HỘ CẬN NGHÈO")
    assert rows[3][1] == "Phạm Văn Cận" and rows[3][6] == "70%" and rows[3][7] == "Nghị định 188/2025/NĐ-CP"
    loans = client.get(reverse("certified-list", args=["loans", ward_a.code, "pdf"]))
    text = " ".join(_text(loans.content).split())
    assert "Phạm Văn Cận" in text and "Hộ cận nghèo" in text and "Quyết định 15/2013/QĐ-TTg" in text
    assert client.get(reverse("certified-list", args=["loans", ward_b.code, "pdf"])).status_code == 404


def test_the_certified_lists_need_the_export_permission(make_user, ward_a):
    analyst_without_export = _client(make_user("case_worker", wards=[ward_a]))
    assert analyst_without_export.get(reverse("certified-lists")).status_code == 403
    url = reverse("certified-list", args=["hi_support", ward_a.code, "xlsx"])
    assert analyst_without_export.get(url).status_code == 403
