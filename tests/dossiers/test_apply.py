"""The citizen applies online with no account: files checked by content, stored outside the web root, handed
out as downloads only to the officer in scope or the citizen with code and secret; nothing lost on a failure."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from ansinh.dossiers.models import Attachment, Dossier

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(out, format="PNG")
    return out.getvalue()


@pytest.fixture(autouse=True)
def files_dir(settings: Any, tmp_path: Path) -> Path:
    cache.clear()
    settings.DOSSIER_FILES_DIR = tmp_path / "files"
    settings.DOSSIER_ATTACHMENT_MAX_MB = 1
    return tmp_path / "files"


def form(ward: Any, **files: Any) -> dict[str, Any]:
    return {"applicant_name": "Trần Thị Bình", "applicant_phone": "0901234567", "ward": ward.code, **files}


def stored(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file() and "staging" not in p.parts]


def test_an_online_application_gives_a_code_and_a_secret(ward_a: Any, files_dir: Path) -> None:
    page = Client().post(
        "/dossiers/public/apply/social_assistance_monthly/",
        form(
            ward_a,
            doc_form_1a=SimpleUploadedFile("to-khai.pdf", PDF),
            doc_id_card=SimpleUploadedFile("cccd.png", png()),
        ),
    )
    assert page.status_code == 200, page.content.decode()
    dossier = Dossier.objects.get()
    text = page.content.decode()
    assert dossier.code in text and 'id="receipt-secret"' in text
    assert dossier.channel == "online" and dossier.status == "received"
    assert sorted(Attachment.objects.values_list("document", "content_type")) == [
        ("form_1a", "application/pdf"),
        ("id_card", "image/png"),
    ]
    assert len(stored(files_dir)) == 2
    assert dossier.events.get().actor is None


def test_the_choice_lists_the_procedures_and_an_unknown_one_is_refused_in_vietnamese(ward_a: Any) -> None:
    assert "Trợ cấp xã hội hàng tháng" in Client().get("/dossiers/public/apply/").content.decode()
    page = Client().get("/dossiers/public/apply/no_such_thing/")
    assert page.status_code == 404 and "Không có thủ tục" in page.content.decode()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("cccd.png", b"<html><script>alert(1)</script></html>"),  # not an image whatever its name
        ("cccd.exe", PDF),  # a PDF's bytes under a name that is not a PDF's
        ("cccd.png", b"\x89PNG\r\n\x1a\n" + b"garbage" * 10),  # a PNG header on no image
        ("cccd.pdf", b"%PDF-1.4\n" + b"x" * (1024 * 1024 + 10) + b"%%EOF"),  # larger than the limit
        ("cccd.pdf", b""),  # empty
    ],
)
def test_a_bad_file_is_refused_nothing_written_and_the_form_keeps_what_was_typed(
    ward_a: Any, files_dir: Path, name: str, content: bytes
) -> None:
    client = Client()
    page = client.post(
        "/dossiers/public/apply/social_assistance_monthly/",
        form(ward_a, doc_form_1a=SimpleUploadedFile("to-khai.pdf", PDF), doc_id_card=SimpleUploadedFile(name, content)),
    )
    text = page.content.decode()
    assert page.status_code == 400
    assert "chỉ nhận tệp PDF, JPEG hoặc PNG" in text
    assert 'value="Trần Thị Bình"' in text and 'value="0901234567"' in text
    assert "to-khai.pdf" in text  # the good file is kept for the next try
    assert not Dossier.objects.exists() and not Attachment.objects.exists() and stored(files_dir) == []
    # The next try sends only the missing file: the kept one completes the dossier.
    token = text.split('name="token" value="')[1].split('"')[0]
    again = client.post(
        "/dossiers/public/apply/social_assistance_monthly/",
        {**form(ward_a), "token": token, "doc_id_card": SimpleUploadedFile("cccd.png", png())},
    )
    assert again.status_code == 200, again.content.decode()
    assert sorted(Attachment.objects.values_list("document", flat=True)) == ["form_1a", "id_card"]


def test_missing_documents_and_no_ward_are_refused_in_vietnamese(ward_a: Any) -> None:
    page = Client().post(
        "/dossiers/public/apply/social_assistance_monthly/",
        form(ward_a, doc_form_1a=SimpleUploadedFile("to-khai.pdf", PDF)),
    )
    assert page.status_code == 400 and "Hồ sơ còn thiếu giấy tờ bắt buộc" in page.content.decode()
    page = Client().post(
        "/dossiers/public/apply/poverty_review_request/",
        {**form(ward_a), "ward": "99999", "doc_form_04": SimpleUploadedFile("don.pdf", PDF)},
    )
    assert page.status_code == 400 and "Chọn phường, xã" in page.content.decode()
    page = Client().post(
        "/dossiers/public/apply/poverty_review_request/",
        {**form(ward_a), "applicant_name": " ", "doc_form_04": SimpleUploadedFile("don.pdf", PDF)},
    )
    assert page.status_code == 400 and "Nhập họ và tên người nộp" in page.content.decode()
    assert not Dossier.objects.exists()


def test_applications_are_throttled_per_address(ward_a: Any) -> None:
    client = Client()
    codes = [client.post("/dossiers/public/apply/poverty_review_request/", form(ward_a)).status_code for _ in range(11)]
    assert codes[:10] == [400] * 10 and codes[10] == 429


def apply_one(ward: Any) -> tuple[Dossier, str]:
    page = Client().post(
        "/dossiers/public/apply/poverty_review_request/",
        form(ward, doc_form_04=SimpleUploadedFile("don.pdf", PDF)),
    )
    text = page.content.decode()
    secret = text.split('id="receipt-secret">')[1].split("<")[0]
    return Dossier.objects.get(), secret


def test_files_are_downloads_for_the_officer_in_scope_only(
    officer: Any, make_user: Any, ward_a: Any, ward_b: Any
) -> None:
    dossier, _secret = apply_one(ward_a)
    row = dossier.attachments.get()
    client = Client()
    client.force_login(officer)
    response = client.get(f"/dossiers/{dossier.pk}/files/{row.pk}/")
    assert response.status_code == 200 and response.content == PDF
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff" and "sandbox" in response["Content-Security-Policy"]
    other = Client()
    other.force_login(make_user("ward_officer", wards=[ward_b]))
    assert other.get(f"/dossiers/{dossier.pk}/files/{row.pk}/").status_code == 404
    nobody = Client()
    nobody.force_login(make_user("case_worker", wards=[ward_a]))
    assert nobody.get(f"/dossiers/{dossier.pk}/files/{row.pk}/").status_code == 403
    assert Client().get(f"/dossiers/{dossier.pk}/files/{row.pk}/").status_code == 302  # to the sign-in


def test_files_are_downloads_for_the_citizen_with_the_secret(ward_a: Any) -> None:
    dossier, secret = apply_one(ward_a)
    row = dossier.attachments.get()
    citizen = Client()
    assert citizen.get(f"/dossiers/public/files/{row.pk}/").status_code == 404
    wrong = citizen.post(f"/dossiers/public/files/{row.pk}/", {"code": dossier.code, "secret": "WRONG"})
    assert wrong.status_code == 404 and "không khớp" in wrong.content.decode()
    ok = citizen.post(f"/dossiers/public/files/{row.pk}/", {"code": dossier.code, "secret": secret})
    assert ok.status_code == 200 and ok["Content-Disposition"].startswith("attachment;") and ok.content == PDF
    page = citizen.post("/dossiers/public/follow/", {"code": dossier.code, "secret": secret}).content.decode()
    assert f"/dossiers/public/files/{row.pk}/" in page


def test_the_officer_links_the_household_at_acceptance(officer: Any, ward_a: Any, family: Any) -> None:
    dossier, _secret = apply_one(ward_a)
    client = Client()
    client.force_login(officer)
    refused = client.post(f"/dossiers/{dossier.pk}/accept/", {"household_code": "NOPE"}, follow=True)
    assert "Không có hộ NOPE" in refused.content.decode()
    dossier.refresh_from_db()
    assert dossier.status == "received" and dossier.events.count() == 1
    client.post(f"/dossiers/{dossier.pk}/accept/", {"household_code": family.code})
    dossier.refresh_from_db()
    assert dossier.status == "accepted" and dossier.household_id == family.pk and dossier.review_round_id
