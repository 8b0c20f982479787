"""The import and export pages: upload, background check with progress, commit or cancel, download."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ansinh.audit.models import AuditEvent
from ansinh.imports.models import ImportBatch
from ansinh.registry.models import Household
from ansinh.tasks.actions import run_pending
from ansinh.tasks.models import Task
from tests.conftest import member_data

from .conftest import household, member


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer)
    return client


def _upload(client, files, households, members, name="f"):
    hh, mm = files(households, members, name)
    return client.post(
        reverse("import-index"),
        {
            "file": SimpleUploadedFile("households.csv", hh.read_bytes()),
            "members_file": SimpleUploadedFile("members.csv", mm.read_bytes()),
        },
    )


def test_it_checks_an_upload_in_the_background_then_commits_it(officer_client, files, ward_a):
    response = _upload(officer_client, files, [household("H1")], [member("H1")])
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("import-detail", args=[batch.pk])
    page = officer_client.get(reverse("import-detail", args=[batch.pk]))
    assert b'hx-trigger="every 1s"' in page.content  # polling while the worker has not run
    assert Task.objects.get().kind == "imports.validate"
    run_pending()
    fragment = officer_client.get(reverse("import-progress", args=[batch.pk]))
    assert fragment["HX-Refresh"] == "true"
    page = officer_client.get(reverse("import-detail", args=[batch.pk]))
    assert reverse("import-commit", args=[batch.pk]).encode() in page.content
    officer_client.post(reverse("import-commit", args=[batch.pk]))
    run_pending()
    batch.refresh_from_db()
    assert batch.status == "committed" and Household.objects.filter(code="H1").exists()
    page = officer_client.get(reverse("import-detail", args=[batch.pk]))
    assert page.status_code == 200 and batch.report["households_added"] == 1


def test_it_shows_bad_rows_offers_the_marked_file_and_cancels(officer_client, files, ward_a):
    _upload(officer_client, files, [household("H1")], [member("H1", dob="01/01/2999", with_id=False)])
    run_pending()
    batch = ImportBatch.objects.get()
    page = officer_client.get(reverse("import-detail", args=[batch.pk]))
    assert "Ngày sinh 01/01/2999 ở tương lai." in page.content.decode()
    marked = officer_client.get(reverse("import-errors", args=[batch.pk]))
    wb = openpyxl.load_workbook(io.BytesIO(b"".join(marked.streaming_content)))
    assert "Lỗi" in [c.value for c in wb["Thành viên"][1]]
    officer_client.post(reverse("import-cancel", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == "cancelled" and not Household.objects.exists()


def test_it_refuses_a_file_over_the_limit_on_the_form(officer_client, settings):
    settings.IMPORT_MAX_UPLOAD_MB = 1
    response = officer_client.post(
        reverse("import-index"), {"file": SimpleUploadedFile("big.csv", b"x" * (1024 * 1024 + 1))}
    )
    assert response.status_code == 200 and "1 MB" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_it_hides_another_users_import_and_refuses_roles_that_cannot_import(client, make_user, ward_a, officer):
    from ansinh.imports import actions

    batch = actions.create_batch(actor=officer, files=[("a.csv", b"x")])
    other = make_user("ward_officer", wards=[ward_a])
    client.force_login(other)
    assert client.get(reverse("import-detail", args=[batch.pk])).status_code == 404
    client.force_login(make_user("city_analyst", wards=[ward_a]))
    assert client.get(reverse("import-index")).status_code == 403


def test_it_serves_the_templates(officer_client):
    xlsx = officer_client.get(reverse("import-template", args=["xlsx"]))
    wb = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    assert {"Hướng dẫn", "Hộ gia đình", "Thành viên", "Danh mục"} <= set(wb.sheetnames)
    csv = officer_client.get(reverse("import-template", args=["members"]))
    assert csv.content.decode("utf-8-sig").startswith("Mã hộ,Họ và tên,Giới tính,Ngày sinh")


def test_it_streams_an_export_of_the_officers_ward_and_404s_another(officer_client, make_household, ward_a, ward_b):
    make_household(ward_a, code="A-1")
    make_household(ward_b, code="B-1")
    response = officer_client.get(reverse("export"), {"ward": ward_a.code, "format": "csv"})
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "A-1" in body and "B-1" not in body
    assert AuditEvent.objects.filter(action="household.export", ward_code=ward_a.code).exists()
    assert officer_client.get(reverse("export"), {"ward": ward_b.code, "format": "csv"}).status_code == 404
    everything = officer_client.get(reverse("export"), {"format": "csv"})
    assert "B-1" not in b"".join(everything.streaming_content).decode("utf-8-sig")
    # The workbook is written in the background, then downloaded from its task's page.
    queued = officer_client.get(reverse("export"), {"ward": ward_a.code, "format": "xlsx"})
    assert queued.status_code == 302
    run_pending()
    task = Task.objects.get(kind="imports.export_xlsx")
    xlsx = officer_client.get(reverse("export-download", args=[task.pk]))
    wb = openpyxl.load_workbook(io.BytesIO(b"".join(xlsx.streaming_content)))
    assert wb["Hộ gia đình"]["A2"].value == "A-1"


def test_it_exports_only_the_households_a_search_finds_and_audits_the_search(officer_client, make_household, ward_a):
    make_household(ward_a, code="A-1", members=[member_data(full_name="Nguyễn Văn An")])
    make_household(ward_a, code="A-2", members=[member_data(full_name="Trần Thị Bình", sex="F")])
    response = officer_client.get(reverse("export"), {"ward": ward_a.code, "q": "binh", "format": "csv"})
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "A-2" in body and "A-1" not in body
    assert "tim-kiem" in response["Content-Disposition"]
    event = AuditEvent.objects.get(action="household.export")
    assert event.changes["search"] == [None, "binh"] and event.changes["households"] == [None, 1]
    members = officer_client.get(reverse("export"), {"q": "van an", "format": "csv-members"})
    text = b"".join(members.streaming_content).decode("utf-8-sig")
    assert "Nguyễn Văn An" in text and "Trần Thị Bình" not in text


def test_the_export_page_opens_with_the_search_filled_in_and_no_errors(officer_client, ward_a):
    page = officer_client.get(reverse("export"), {"ward": ward_a.code, "q": "Nguyễn"})
    assert page.status_code == 200
    html = page.content.decode()
    assert 'value="Nguyễn"' in html and f'<option value="{ward_a.code}" selected' in html
    assert "error-summary" not in html


def test_the_search_page_links_its_results_to_the_export(officer_client, client, make_user, make_household, ward_a):
    make_household(ward_a, code="A-1", members=[member_data(full_name="Nguyễn Văn An")])
    page = officer_client.get(reverse("household-search"), {"q": "van an", "ward": ward_a.code}).content.decode()
    assert f'href="{reverse("export")}?ward={ward_a.code}&amp;q=van+an"' in page
    client.force_login(make_user("case_worker", wards=[ward_a]))  # may view households, not export them
    page = client.get(reverse("household-search"), {"q": "van an"}).content.decode()
    assert "A-1" in page and reverse("export") not in page


def test_it_speaks_vietnamese_by_default(officer_client):
    page = officer_client.get(reverse("import-index")).content.decode()
    assert "Tải lên và kiểm tra" in page and "Các lượt nhập gần đây" not in page


def test_a_validation_whose_worker_died_fails_its_batch_and_the_queue_moves_on(officer_client, files, ward_a):
    import datetime

    from ansinh.tasks import actions as task_actions

    _upload(officer_client, files, [household("H1")], [member("H1")])
    batch = ImportBatch.objects.get()
    task = task_actions.claim("host:4242")  # the worker that took it dies before finishing
    Task.objects.filter(pk=task.pk).update(heartbeat_at=task.heartbeat_at - datetime.timedelta(hours=1))
    _upload(officer_client, files, [household("H2")], [member("H2")], name="second")
    assert task_actions.reap_stale() == 1
    batch.refresh_from_db()
    task.refresh_from_db()
    assert (batch.status, task.status) == ("failed", "failed")
    assert batch.error_params["reason"] == "worker_died"
    page = officer_client.get(reverse("import-detail", args=[batch.pk])).content.decode()
    assert "upload the file again" in page or "tải tệp lên lại" in page
    run_pending()  # the next upload is not stuck behind it
    assert ImportBatch.objects.exclude(pk=batch.pk).get().status == "validated"


def test_a_supervisor_reaps_the_tasks_of_the_worker_it_saw_die_at_once(officer_client, files, ward_a):
    from ansinh.tasks import actions as task_actions

    _upload(officer_client, files, [household("H1")], [member("H1")])
    task_actions.claim("host:4242")
    assert task_actions.reap_stale(worker="host:9999") == 0
    assert task_actions.reap_stale(worker="host:4242") == 1
    assert ImportBatch.objects.get().status == "failed"
