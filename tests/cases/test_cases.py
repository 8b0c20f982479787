"""Victims' cases: the circle, the sealed sections, the read log, consent gates, clocks, statistics, bad input."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from ansinh.cases import actions
from ansinh.cases.clocks import clocks_for, plan_due
from ansinh.cases.errors import (
    ApprovalMissing,
    ApprovalNotAllowed,
    BadAttachment,
    BeforeReport,
    ConcurrentEdit,
    ConsentMissing,
    NotAgencyMember,
    ReasonRequired,
    UnknownAgency,
    ValidityTooLong,
)
from ansinh.cases.models import Case, Incident, ReadEvent, Referral
from ansinh.cases.queries import case_stage, supervisor_queue
from ansinh.cases.scope import access, visible_cases
from ansinh.cases.stats import suppress

from .conftest import at

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32


def test_it_keeps_the_confidential_sections_as_ciphertext_in_the_database(open_case, people, key_file):
    case = open_case()
    attachment = actions.do_attach(actor=people["worker_a"], case=case, section="medical", name="x.pdf", content=PDF)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT survivor_name_ct, narrative_ct, perpetrator_ct, medical_ct FROM cases_case WHERE id = %s", [case.pk]
        )
        row = [bytes(v) for v in cursor.fetchone()]
        cursor.execute("SELECT content_ct, filename_ct FROM cases_attachment WHERE id = %s", [attachment.pk])
        content, filename = (bytes(v) for v in cursor.fetchone())
    for plain, stored in zip(["Nguyễn Thị Lan", "Bị chồng đánh", "Trần Văn Hùng", "Bầm tím"], row, strict=True):
        assert plain.encode() not in stored and b"Lan" not in stored
        assert plain in Fernet(key_file.read_bytes().strip()).decrypt(stored).decode()
    assert b"%PDF" not in content and b"x.pdf" not in filename
    assert Fernet(key_file.read_bytes().strip()).decrypt(content) == PDF


def test_it_writes_exactly_one_read_event_per_page_attachment_and_export(client, open_case, people):
    worker = people["worker_a"]
    cases = [open_case() for _ in range(10)]
    files = [
        actions.do_attach(actor=worker, case=cases[0], section="medical", name=f"{i}.pdf", content=PDF)
        for i in range(3)
    ]
    client.force_login(worker)
    before = ReadEvent.objects.count()
    for case in cases:
        assert client.get(reverse("cases-detail", args=[case.pk])).status_code == 200
    for f in files:
        response = client.get(reverse("cases-attachment", args=[cases[0].pk, f.pk]))
        assert response.status_code == 200 and response.content == PDF
    response = client.post(reverse("cases-export", args=[cases[1].pk]), {"password": "mật-khẩu-dài-12"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert ReadEvent.objects.count() - before == 14
    kinds = list(ReadEvent.objects.order_by("id").values_list("kind", flat=True))[-14:]
    assert kinds == ["page"] * 10 + ["attachment"] * 3 + ["export"]
    # The export opens only with the password, which is stored nowhere.
    reader = PdfReader(io.BytesIO(response.content))
    assert reader.is_encrypted and reader.decrypt("wrong") == 0
    assert reader.decrypt("mật-khẩu-dài-12") != 0 and "Bị chồng đánh" in reader.pages[0].extract_text()
    assert not ReadEvent.objects.filter(what__icontains="mật").exists()


def test_it_shows_the_read_log_only_to_auditors_and_nobody_changes_it(client, open_case, people, make_user):
    case = open_case()
    client.force_login(people["worker_a"])
    client.get(reverse("cases-detail", args=[case.pk]))
    assert client.get(reverse("cases-read-log")).status_code == 403
    auditor = make_user("administrator")
    client.force_login(auditor)
    page = client.get(reverse("cases-read-log")).content.decode()
    assert case.code in page and "worker-a" in page
    assert "Nguyễn Thị Lan" not in page
    assert client.get(reverse("cases-detail", args=[case.pk])).status_code == 404  # the auditor reads no case
    event = ReadEvent.objects.latest("id")
    for sql in (
        "UPDATE cases_readevent SET user_name = 'x' WHERE id = %s",
        "DELETE FROM cases_readevent WHERE id = %s",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [event.pk])
    with pytest.raises(DatabaseError), transaction.atomic():
        ReadEvent.objects.filter(pk=event.pk).update(reason="x")


def test_it_keeps_each_circle_out_of_the_others_pages_searches_counts_and_exports(
    client, open_case, people, ward_b, make_household, make_user
):
    """Users of two wards and two agencies: nothing of the other circle reaches them by any path."""
    mine = open_case("worker_a", name="Lê Thị Mận")
    actions.do_attach(actor=people["worker_a"], case=mine, section="medical", name="a.png", content=PNG)
    theirs = open_case("worker_b", agency="UB-B", ward=ward_b, name="Phạm Thị Đào")
    secret_b = actions.do_attach(actor=people["worker_b"], case=theirs, section="medical", name="b.pdf", content=PDF)
    make_household(ward_b)
    markers = ["Phạm Thị Đào", theirs.code, theirs.survivor_code]
    for user in (
        people["worker_a"],
        people["supervisor_a"],
        people["chairman_a"],
        people["police"],
        people["hospital"],
    ):
        client.force_login(user)
        assert theirs not in visible_cases(user)
        assert access(user, theirs) is None
        pages = [reverse(n) for n in ("cases-list", "cases-queue", "household-search", "home")] + [
            reverse("cases-list") + "?status=closed",
            reverse("household-search") + "?q=Đào",
        ]
        for url in pages:
            response = client.get(url)
            body = response.content.decode()
            assert not any(m in body for m in markers), (user.username, url)
        for url in (
            reverse("cases-detail", args=[theirs.pk]),
            reverse("cases-edit", args=[theirs.pk]),
            reverse("cases-export", args=[theirs.pk]),
            reverse("cases-attachment", args=[theirs.pk, secret_b.pk]),
            reverse("cases-attachment", args=[mine.pk, secret_b.pk]),
        ):
            assert client.get(url).status_code in (403, 404), (user.username, url)
        response = client.post(reverse("cases-step", args=[theirs.pk, "follow_up"]), {"note": "x"})
        assert response.status_code in (403, 404)
    # Statistics: ward A's supervisor counts ward A only; the national export carries no name, no date, no B case.
    client.force_login(people["supervisor_a"])
    assert client.post(reverse("cases-national-export"), {"password": "short"}).status_code == 400
    export = client.post(reverse("cases-national-export"), {"password": "xuất-quốc-gia-2026"})
    assert export.status_code == 200
    import msoffcrypto
    from openpyxl import load_workbook

    sealed = msoffcrypto.OfficeFile(io.BytesIO(export.content))
    assert sealed.is_encrypted()
    sealed.load_key(password="xuất-quốc-gia-2026")
    plain = io.BytesIO()
    sealed.decrypt(plain)
    rows = list(load_workbook(plain).active.iter_rows(values_only=True))
    assert rows[0][:2] == ("survivor_code", "incident_id") and len(rows) == 2
    assert theirs.survivor_code not in str(rows) and "Lê Thị Mận" not in str(rows)
    # Household pages never show a case; a case worker of another ward sees no household of ward B.
    assert not any(
        m in client.get(reverse("household-search") + "?q=Mận").content.decode() for m in ["Lê Thị Mận", mine.code]
    )


def test_it_refuses_a_referral_without_consent_unless_overridden_with_a_reason(open_case, people):
    case = open_case(consents={"services": True, "referral": False, "reporting": False})
    with pytest.raises(ConsentMissing):
        actions.do_refer(actor=people["worker_a"], case=case, to_agency="NTL", sections=["services"])
    with pytest.raises(ReasonRequired):
        actions.do_refer(actor=people["supervisor_a"], case=case, to_agency="NTL", sections=["services"])
    assert not Referral.objects.exists()
    referral = actions.do_refer(
        actor=people["supervisor_a"], case=case, to_agency="NTL", sections=["services", "medical"],
        override_reason="Nguy hiểm tính mạng, cần tạm lánh ngay",
    )  # fmt: skip
    assert referral.consent_override
    from ansinh.audit.models import AuditEvent

    assert AuditEvent.objects.filter(action="case.refer_override", note__contains="tạm lánh").exists()
    # The shelter sees only the shared sections; revoking removes its access.
    seen = access(people["shelter"], case)
    assert seen is not None and seen.sections == {"services", "medical"}
    actions.do_revoke_referral(actor=people["worker_a"], referral=referral)
    assert access(people["shelter"], case) is None


def test_it_shows_a_referral_only_its_shared_sections(client, open_case, people):
    case = open_case()
    actions.do_refer(actor=people["worker_a"], case=case, to_agency="NTL", sections=["services"])
    client.force_login(people["shelter"])
    body = client.get(reverse("cases-detail", args=[case.pk])).content.decode()
    assert 'id="section-services"' in body
    for hidden in ("Nguyễn Thị Lan", "Bị chồng đánh", "Trần Văn Hùng", "Bầm tím", 'id="section-narrative"'):
        assert hidden not in body
    assert ReadEvent.objects.filter(case=case, user=people["shelter"]).latest("id").what == ["services"]
    listed = client.get(reverse("cases-list")).content.decode()
    assert case.code in listed and "N. T. L." not in listed  # no initials without the survivor section


def test_it_refuses_bad_input_with_nothing_half_written(open_case, people):
    case = open_case()
    n_cases = Case.objects.count()
    with pytest.raises(UnknownAgency) as error:
        actions.do_refer(actor=people["worker_a"], case=case, to_agency="NOPE", sections=[])
    assert "NOPE" in error.value.message
    with pytest.raises(NotAgencyMember):
        actions.do_refer(actor=people["worker_a"], case=case, to_agency="NTL", to_user="police-a", sections=[])
    with pytest.raises(ApprovalMissing):
        actions.do_close(actor=people["worker_a"], case=case)
    with pytest.raises(BeforeReport):
        actions.do_request_measure(
            actor=people["worker_a"],
            case=case,
            kind="prohibit_contact",
            requested_at=case.received_at - dt.timedelta(hours=2),
        )
    with pytest.raises(BadAttachment):
        actions.do_attach(actor=people["worker_a"], case=case, section="medical", name="x.exe", content=b"MZ\x90\x00")
    with pytest.raises(BadAttachment):
        actions.do_attach(actor=people["worker_a"], case=case, section="medical", name="x.pdf", content=PNG)
    with pytest.raises(UnknownAgency):
        actions.do_open_case(
            actor=people["worker_a"], agency_code="NOPE", kind="dv", ward=case.ward, received_at=timezone.now(),
            received_by="commune", channel="phone", survivor={"name": "A", "sex": "F", "age": 20},
        )  # fmt: skip
    assert Case.objects.count() == n_cases and not Referral.objects.exists() and not case.attachments.exists()
    assert not case.measures.exists()


def test_it_words_the_errors_in_vietnamese(client, open_case, people):
    case = open_case()
    client.force_login(people["worker_a"])
    response = client.post(reverse("cases-step", args=[case.pk, "close"]), follow=True)
    assert "chưa được" in response.content.decode() or "phê duyệt" in response.content.decode()


def test_it_derives_the_stage_and_closes_only_with_an_approved_closure(open_case, people):
    worker, supervisor = people["worker_a"], people["supervisor_a"]
    case = open_case()
    assert case_stage(case) == "new"
    actions.do_assess(actor=worker, case=case, form="dv_risk", risk_level="high")
    assert case_stage(case) == "assessment"
    actions.do_record_plan(actor=worker, case=case, goals="Tạm lánh, tư vấn pháp lý")
    assert case_stage(case) == "plan"
    actions.do_add_service(actor=worker, case=case, kind="legal_aid")
    assert case_stage(case) == "services"
    approval = actions.do_request_approval(actor=worker, case=case, kind="closure")
    with pytest.raises(PermissionDenied):
        actions.do_decide_approval(actor=worker, approval=approval, approve=True)  # not a supervisor
    own = actions.do_request_approval(actor=supervisor, case=case, kind="assessment")
    with pytest.raises(ApprovalNotAllowed):
        actions.do_decide_approval(actor=supervisor, approval=own, approve=True)  # never one's own request
    with pytest.raises(PermissionDenied):
        actions.do_decide_approval(actor=people["supervisor_b"], approval=approval, approve=True)
    actions.do_decide_approval(actor=supervisor, approval=approval, approve=True)
    actions.do_close(actor=worker, case=case)
    assert case_stage(case) == "closed"
    actions.do_reopen(actor=worker, case=case, reason="Bạo lực tái diễn")
    assert case_stage(case) == "services"
    with pytest.raises(ApprovalMissing):  # the old approval does not close the reopened case
        actions.do_close(actor=worker, case=case)


def test_it_has_the_commune_chairman_approve_a_childs_plan(open_case, people):
    case = open_case(kind="child", age=10)
    actions.do_record_plan(actor=people["worker_a"], case=case, goals="Kế hoạch hỗ trợ")
    approval = actions.do_request_approval(actor=people["worker_a"], case=case, kind="plan")
    with pytest.raises(ApprovalNotAllowed):
        actions.do_decide_approval(actor=people["supervisor_a"], approval=approval, approve=True)
    actions.do_decide_approval(actor=people["chairman_a"], approval=approval, approve=True)


def test_it_runs_the_12_hour_clock_of_a_child_at_serious_risk_and_queues_it_overdue(open_case, people):
    received = timezone.now() - dt.timedelta(hours=13)
    case = open_case(kind="child", age=8, received_at=received)
    actions.do_assess(actor=people["worker_a"], case=case, form="child_initial", risk_level="serious")
    clock = next(c for c in clocks_for([case])[case.pk] if c.key == "child_emergency_intervention")
    assert clock.due == received + dt.timedelta(hours=12)
    assert clock.state(received + dt.timedelta(hours=11)) == "running"
    assert clock.state(timezone.now()) == "overdue"
    queue = supervisor_queue(people["supervisor_a"])
    assert any(i.case == case and i.clock.key == "child_emergency_intervention" and i.overdue for i in queue)
    assert supervisor_queue(people["supervisor_b"]) == []
    assert actions.raise_clock_alerts() >= 2  # the owner and the supervisor
    assert actions.raise_clock_alerts() == 0  # once per clock and user
    assert people["supervisor_a"].case_notifications.filter(case=case, kind="clock_overdue").exists()
    assert not people["supervisor_b"].case_notifications.exists()
    service = actions.do_add_service(actor=people["worker_a"], case=case, kind="emergency_intervention")
    actions.do_implement_service(actor=people["worker_a"], service=service)
    clock = next(c for c in clocks_for([case])[case.pk] if c.key == "child_emergency_intervention")
    assert clock.state(timezone.now()) == "late"


def test_it_counts_the_plan_in_working_days_on_the_calendar(db):
    # Received Friday 25/04/2025 at 10:00: 30/04, 01/05 and 02/05 (the 2025 bridge) are days off, weekends too.
    due, dated = plan_due(at(2025, 4, 25, 10, 0))
    assert timezone.localtime(due).replace(tzinfo=None) == dt.datetime(2025, 5, 7, 10, 0)
    assert dated.value == 5 and dated.verified
    # Received after closing on a Friday: the clock starts on Monday morning.
    due, _ = plan_due(at(2026, 3, 6, 18, 0))
    assert timezone.localtime(due).replace(tzinfo=None) == dt.datetime(2026, 3, 13, 17, 0)


def test_it_decides_a_prohibit_contact_request_within_12_hours_for_at_most_3_days(open_case, people):
    case = open_case(kind="dv")
    measure = actions.do_request_measure(actor=people["worker_a"], case=case, kind="prohibit_contact")
    clock = next(c for c in clocks_for([case])[case.pk] if c.key == "dv_prohibit_contact_decision")
    assert clock.due == measure.requested_at + dt.timedelta(hours=12)
    with pytest.raises(ApprovalNotAllowed):  # the commune chairman's decision
        actions.do_decide_measure(actor=people["supervisor_a"], measure=measure, granted=True)
    with pytest.raises(ValidityTooLong):
        actions.do_decide_measure(
            actor=people["chairman_a"], measure=measure, granted=True, valid_until=timezone.now() + dt.timedelta(days=4)
        )
    decided = actions.do_decide_measure(actor=people["chairman_a"], measure=measure, granted=True)
    assert decided.valid_until - decided.decided_at == dt.timedelta(days=3)


def test_it_refuses_a_concurrent_edit_and_shows_the_other_users_changes(client, open_case, people):
    case = open_case()
    version = case.version
    actions.do_update_case(
        actor=people["supervisor_a"], case=case, changes={"narrative": "Bản của giám sát"}, expected_version=version
    )
    with pytest.raises(ConcurrentEdit):
        actions.do_update_case(
            actor=people["worker_a"], case=case, changes={"narrative": "x"}, expected_version=version
        )
    client.force_login(people["worker_a"])
    response = client.post(
        reverse("cases-edit", args=[case.pk]),
        {"version": version, "narrative": "Bản của tôi", "survivor_name": "Nguyễn Thị Lan",
         "survivor_address": "Số 5 đường Lê Lợi", "perpetrator": "Trần Văn Hùng, chồng, 35 tuổi.",
         "medical": "Bầm tím cánh tay trái."},
    )  # fmt: skip
    body = response.content.decode()
    assert response.status_code == 409 and "Bản của giám sát" in body and "Bản của tôi" in body and "sup-a" in body


def test_it_transfers_the_owner_and_keeps_the_previous_one_on_record(open_case, people):
    case = open_case()
    actions.do_transfer(actor=people["worker_a"], case=case, to_agency="BV", to_user="doctor")
    case.refresh_from_db()
    assert case.owner == people["hospital"] and case.transfers.get().from_user == people["worker_a"]
    assert access(people["worker_a"], case) is None


def test_it_lets_a_supervisor_break_the_glass_only_with_a_reason(client, open_case, people, ward_b):
    case = open_case("worker_b", agency="UB-B", ward=ward_b)
    supervisor = people["supervisor_a"]
    with pytest.raises(ReasonRequired):
        actions.do_break_glass(actor=supervisor, case=case, reason=" ")
    with pytest.raises(PermissionDenied):
        actions.do_break_glass(actor=people["worker_a"], case=case, reason="x")
    client.force_login(supervisor)
    assert client.get(reverse("cases-detail", args=[case.pk])).status_code == 404
    response = client.post(reverse("cases-break-glass"), {"code": case.code, "reason": "Trẻ mất tích, cần liên hệ"})
    assert response.status_code == 302
    assert client.get(reverse("cases-detail", args=[case.pk])).status_code == 200
    assert ReadEvent.objects.filter(case=case, kind="break_glass", reason__contains="mất tích").exists()
    assert people["worker_b"].case_notifications.filter(case=case, kind="break_glass").exists()
    # Breaking the glass reads; it changes nothing.
    response = client.post(reverse("cases-step", args=[case.pk, "follow_up"]), {"note": "x"})
    assert response.status_code == 403 and not case.follow_ups.exists()


def test_it_hides_names_in_lists_unless_revealed_and_logs_each_reveal(client, open_case, people):
    case = open_case(name="Hoàng Thị Yến")
    client.force_login(people["worker_a"])
    assert "Hoàng Thị Yến" not in client.get(reverse("cases-list")).content.decode()
    assert client.post(reverse("cases-list"), {"reveal": "1"}).status_code == 403
    client.force_login(people["supervisor_a"])
    assert "Hoàng Thị Yến" in client.post(reverse("cases-list"), {"reveal": "1"}).content.decode()
    assert ReadEvent.objects.filter(case=case, kind="reveal", user=people["supervisor_a"]).count() == 1


def test_it_suppresses_small_cells_and_their_complements():
    mask = suppress([[3, 10], [12, 20]], 5)
    # 3 is hidden, so its row and column each hide another cell, and the 20 closes the last line.
    assert mask[0][0] and mask[0][1] and mask[1][0] and mask[1][1]
    assert not any(mask[2]) and not mask[0][2] and not mask[1][2]
    mask = suppress([[7, 10], [12, 20]], 5)
    assert not any(any(row) for row in mask)
    mask = suppress([[2], [20]], 5)  # a one-column table: the row total 2 is hidden too
    assert mask[0][0] and mask[0][1] and mask[1][0] and mask[1][1]
    for cells in ([[1, 9, 9], [9, 9, 9], [9, 9, 4]], [[0, 4, 30], [6, 0, 7]]):
        mask = suppress(cells, 5)
        lines = [[mask[i][j] for j in range(len(mask[0]))] for i in range(len(mask))]
        lines += [[mask[i][j] for i in range(len(mask))] for j in range(len(mask[0]))]
        assert all(sum(line) != 1 for line in lines)


def test_it_counts_only_consenting_cases_in_the_statistics(client, open_case, people):
    for _ in range(6):
        open_case()
    open_case(consents={"services": True, "referral": True, "reporting": False})
    client.force_login(people["supervisor_a"])
    body = client.get(reverse("cases-statistics") + "?rows=kind&columns=incident_type").content.decode()
    assert '<td class="num">6</td>' in body
    assert Incident.objects.count() == 7


def test_it_links_a_survivor_to_a_registry_member_only_with_consent_and_only_in_the_circle(
    client, open_case, people, family
):
    case = open_case()
    member = family.members.first()
    with pytest.raises(ConsentMissing):
        actions.do_link_member(actor=people["worker_a"], case=case, member_id=member.pk)
    actions.do_record_consent(actor=people["worker_a"], case=case, kind="registry_link", given=True)
    actions.do_link_member(actor=people["worker_a"], case=case, member_id=member.pk)
    case.refresh_from_db()
    assert case.linked_member == member
    client.force_login(people["worker_a"])
    assert member.full_name in client.get(reverse("cases-detail", args=[case.pk])).content.decode()
    # The household's page, even for the case's owner, says nothing of the case.
    household_page = client.get(reverse("household-detail", args=[family.pk])).content.decode()
    assert case.code not in household_page and "cases" not in household_page.split("<main", 1)[1].lower()
    # Withdrawing the consent removes the link.
    actions.do_record_consent(actor=people["worker_a"], case=case, kind="registry_link", given=False)
    case.refresh_from_db()
    assert case.linked_member is None


def test_it_answers_403_inside_the_circle_without_the_permission_and_404_outside(client, open_case, people, make_user):
    case = open_case()
    client.force_login(people["chairman_a"])  # in the circle (approver of the owning agency), may not refer
    assert client.get(reverse("cases-detail", args=[case.pk])).status_code == 200
    response = client.post(reverse("cases-step", args=[case.pk, "refer"]), {"to_agency": "NTL", "sections": ["plan"]})
    assert response.status_code == 403 and not Referral.objects.exists()
    client.force_login(people["worker_a"])
    assert client.get(reverse("cases-statistics")).status_code == 403
    assert client.get(reverse("cases-break-glass")).status_code == 403
    client.force_login(make_user("city_analyst"))
    assert client.get(reverse("cases-list")).status_code == 403
    assert client.get(reverse("cases-detail", args=[case.pk])).status_code == 404
    client.force_login(people["worker_b"])
    assert client.get(reverse("cases-detail", args=[case.pk])).status_code == 404


def test_it_keeps_the_audit_trail_free_of_confidential_values(client, open_case, people, make_user):
    case = open_case(name="Đỗ Thị Sen")
    actions.do_update_case(
        actor=people["worker_a"], case=case, changes={"narrative": "Chi tiết mới"}, expected_version=case.version
    )
    client.force_login(make_user("administrator"))
    page = client.get(reverse("audit-search"))
    body = page.content.decode()
    assert page.status_code == 200
    for secret in ("Đỗ Thị Sen", "Chi tiết mới", "Bị chồng đánh", "Trần Văn Hùng"):
        assert secret not in body


def test_it_alerts_the_owner_when_a_clock_ran_out_as_soon_as_they_open_their_cases(client, open_case, people):
    case = open_case(kind="child", age=7, received_at=timezone.now() - dt.timedelta(hours=20))
    actions.do_assess(actor=people["worker_a"], case=case, form="child_initial", risk_level="serious")
    client.force_login(people["worker_a"])
    body = client.get(reverse("cases-list")).content.decode()
    assert 'id="alerts"' in body and case.code in body
    assert people["worker_a"].case_notifications.filter(case=case, kind="clock_overdue").count() == 1
    client.get(reverse("cases-list"))
    assert people["worker_a"].case_notifications.filter(case=case, kind="clock_overdue").count() == 1
