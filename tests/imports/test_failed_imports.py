"""A failed import looks like a failure and offers to upload again (issue 13, item 10)."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ansinh.imports.models import ImportBatch
from ansinh.tasks.actions import run_pending


def test_a_failed_import_is_marked_red_and_offers_to_upload_again(client, officer, ward_a):
    client.force_login(officer)
    client.post(reverse("import-index"), {"file": SimpleUploadedFile("ho.xlsx", b"PK\x03\x04 not a workbook")})
    run_pending()
    batch = ImportBatch.objects.get()
    assert batch.status == "failed"

    page = client.get(reverse("import-detail", args=[batch.pk])).content.decode()
    assert 'class="tag tag--red" data-status="failed"' in page
    assert "Nhập dữ liệu không thành công" in page
    assert 'id="upload-again"' in page and reverse("import-index") + "#upload" in page
    listing = client.get(reverse("import-index")).content.decode()
    assert 'class="tag tag--red" data-status="failed"' in listing
    assert 'id="upload"' in listing


def test_a_committed_import_is_marked_green_and_offers_no_upload_again(client, officer, ward_a, files):
    from .conftest import household, member

    client.force_login(officer)
    hh, mm = files([household("H1")], [member("H1")], "ok")
    client.post(
        reverse("import-index"),
        {
            "file": SimpleUploadedFile("households.csv", hh.read_bytes()),
            "members_file": SimpleUploadedFile("members.csv", mm.read_bytes()),
        },
    )
    run_pending()
    batch = ImportBatch.objects.get()
    client.post(reverse("import-commit", args=[batch.pk]))
    run_pending()
    page = client.get(reverse("import-detail", args=[batch.pk])).content.decode()
    assert 'class="tag tag--green" data-status="committed"' in page
    assert 'id="upload-again"' not in page


def test_a_checked_file_with_no_valid_row_offers_to_upload_again(client, officer, ward_a, files):
    from .conftest import household

    client.force_login(officer)
    hh, _mm = files([household("H1", ward="99999")], [], "bad")  # a ward outside the officer's area
    client.post(reverse("import-index"), {"file": SimpleUploadedFile("households.csv", hh.read_bytes())})
    run_pending()
    batch = ImportBatch.objects.get()
    assert batch.status == "validated" and not batch.can_commit()
    page = client.get(reverse("import-detail", args=[batch.pk])).content.decode()
    assert 'id="upload-again"' in page
