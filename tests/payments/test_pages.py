"""The program officer's pages: create and compute a payroll, drill from a total to its lines and from a line
to its explanation, approve by another officer; other roles and areas see nothing."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from ansinh.payments.models import Payroll


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _computed_payroll(client, ward):
    response = client.post(
        reverse("payroll-list"), {"programme": "social_assistance", "month": "2024-07-01", "ward": ward.code}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    payroll = Payroll.objects.get()
    client.post(reverse("payroll-step", args=[payroll.pk, "compute"]))
    payroll.refresh_from_db()
    return payroll


def test_a_program_officer_drills_from_a_total_to_a_line_and_its_explanation(program_officer, ward_a, enrolled):
    client = _client(program_officer)
    payroll = _computed_payroll(client, ward_a)
    assert (payroll.status, payroll.total_amount) == ("computed", 750000)
    detail = client.get(reverse("payroll-detail", args=[payroll.pk])).content.decode()
    assert "750.000" in detail and "Người khuyết tật nặng" in detail
    lines = client.get(
        reverse("payroll-lines", args=[payroll.pk]), {"ward": ward_a.code, "category": "disability_severe"}
    )
    assert "Trần Thị Bình" in lines.content.decode()
    line = payroll.lines.get()
    page = client.get(reverse("payroll-line", args=[payroll.pk, line.pk])).content.decode()
    assert "500.000 × 1,5 (Nghị định 76/2024/NĐ-CP" in page
    assert "Điều 5 khoản 6" in page


def test_the_officer_who_computed_cannot_approve_through_the_page_and_another_can(
    program_officer, second_officer, ward_a, enrolled
):
    client = _client(program_officer)
    payroll = _computed_payroll(client, ward_a)
    client.post(reverse("payroll-step", args=[payroll.pk, "freeze"]))
    client.post(reverse("payroll-step", args=[payroll.pk, "submit"]))
    response = client.post(reverse("payroll-step", args=[payroll.pk, "approve"]), follow=True)
    assert "không được phê duyệt" in response.content.decode()
    payroll.refresh_from_db()
    assert payroll.status == "in_approval"
    _client(second_officer).post(reverse("payroll-step", args=[payroll.pk, "approve"]))
    payroll.refresh_from_db()
    assert payroll.status == "approved"


def test_a_rejection_through_the_page_keeps_its_reason(program_officer, second_officer, ward_a, enrolled):
    client = _client(program_officer)
    payroll = _computed_payroll(client, ward_a)
    client.post(reverse("payroll-step", args=[payroll.pk, "freeze"]))
    client.post(reverse("payroll-step", args=[payroll.pk, "submit"]))
    _client(second_officer).post(reverse("payroll-step", args=[payroll.pk, "reject"]), {"reason": "Sai danh sách"})
    payroll.refresh_from_db()
    assert payroll.status == "draft"
    assert payroll.events.last().reason == "Sai danh sách"


def test_a_ward_officer_cannot_open_payrolls(officer, program_officer, ward_a, enrolled):
    payroll = _computed_payroll(_client(program_officer), ward_a)
    client = _client(officer)
    assert client.get(reverse("payroll-list")).status_code == 403
    # Inside the officer's ward, without payroll.view: refused (403), by the one rule for refusals.
    assert client.get(reverse("payroll-detail", args=[payroll.pk])).status_code == 403


def test_a_program_officer_of_another_ward_does_not_see_the_payroll(
    make_user, ward_b, program_officer, ward_a, enrolled
):
    payroll = _computed_payroll(_client(program_officer), ward_a)
    other = _client(make_user("program_officer", wards=[ward_b]))
    assert other.get(reverse("payroll-detail", args=[payroll.pk])).status_code == 404
    assert other.post(reverse("payroll-step", args=[payroll.pk, "compute"])).status_code == 404


def test_the_enrolment_list_names_the_category(program_officer, enrolled):
    page = _client(program_officer).get(reverse("enrolment-list")).content.decode()
    assert "Trần Thị Bình" in page and "Người khuyết tật nặng" in page


def test_the_household_page_shows_each_members_benefits(program_officer, ward_a, enrolled):
    client = _client(program_officer)
    payroll = _computed_payroll(client, ward_a)
    page = client.get(reverse("household-detail", args=[enrolled.member.household_id])).content.decode()
    assert "750.000" in page
    assert reverse("payroll-line", args=[payroll.pk, payroll.lines.get().pk]) in page


def _approved_payroll(client, approver, ward):
    payroll = _computed_payroll(client, ward)
    client.post(reverse("payroll-step", args=[payroll.pk, "freeze"]))
    client.post(reverse("payroll-step", args=[payroll.pk, "submit"]))
    _client(approver).post(reverse("payroll-step", args=[payroll.pk, "approve"]))
    payroll.refresh_from_db()
    return payroll


def test_the_officer_downloads_the_payment_file_imports_results_and_verifies(
    program_officer, second_officer, ward_a, enrolled
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = _client(program_officer)
    payroll = _approved_payroll(client, second_officer, ward_a)
    detail = client.get(reverse("payroll-detail", args=[payroll.pk])).content.decode()
    assert "Danh sách chi trả qua bưu điện" in detail
    response = client.post(reverse("payroll-file", args=[payroll.pk, "bank"]))
    assert response["Content-Disposition"].endswith('.csv"') and b"TRAN THI BINH" in response.content
    line = payroll.lines.get()
    bad = f"Mã dòng chi trả,Kết quả,Số tiền đã chi\n{line.pk},Đã chi,900.000\n".encode()
    client.post(reverse("payroll-results", args=[payroll.pk]), {"file": SimpleUploadedFile("kq.csv", bad)})
    page = client.get(reverse("payroll-detail", args=[payroll.pk])).content.decode()
    assert "Số tiền đã chi lớn hơn số tiền được hưởng" in page
    payroll.refresh_from_db()
    assert payroll.status == "exported"
    good = f"Mã dòng chi trả,Kết quả,Số tiền đã chi\n{line.pk},Đã chi,750.000\n".encode()
    client.post(reverse("payroll-results", args=[payroll.pk]), {"file": SimpleUploadedFile("kq.csv", good)})
    payroll.refresh_from_db()
    assert payroll.status == "reconciled"
    response = client.post(reverse("payroll-step", args=[payroll.pk, "verify"]))
    plan = payroll.verifications.get()
    assert response["Location"] == reverse("payroll-verification", args=[payroll.pk, plan.pk])
    check = plan.checks.get()
    client.post(response["Location"], {"check": check.pk, "answer": "not_received", "note": "Không nhận được"})
    page = client.get(response["Location"]).content.decode()
    assert "Không nhận được" in page and "khiếu nại" in page.lower()


def test_the_paying_pages_refuse_other_areas_and_roles_without_the_permission(
    make_user, ward_b, program_officer, second_officer, ward_a, enrolled
):
    payroll = _approved_payroll(_client(program_officer), second_officer, ward_a)
    other = _client(make_user("program_officer", wards=[ward_b]))
    assert other.post(reverse("payroll-file", args=[payroll.pk, "bank"])).status_code == 404
    assert other.post(reverse("payroll-results", args=[payroll.pk])).status_code == 404
    analyst = _client(make_user("city_analyst", wards=[ward_a]))
    assert analyst.get(reverse("payroll-detail", args=[payroll.pk])).status_code == 200
    assert analyst.post(reverse("payroll-file", args=[payroll.pk, "bank"])).status_code == 403
    payroll.refresh_from_db()
    assert payroll.status == "approved"


def test_the_enrolment_list_links_only_to_pages_the_role_may_open(make_user, ward_a):
    from django.test import Client
    from django.urls import reverse

    for role, shown in (("ward_officer", False), ("program_officer", True)):
        client = Client()
        client.force_login(make_user(role, wards=[ward_a]))
        page = client.get(reverse("enrolment-list")).content.decode()
        assert (reverse("enrolment-new") in page) is shown
