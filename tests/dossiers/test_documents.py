"""The one-stop documents as Vietnamese PDFs from layouts held as data, marked unverified; scoped like the dossier."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.core.cache import cache
from django.test import Client
from pypdf import PdfReader

from ansinh.dossiers import actions as a
from ansinh.dossiers import documents

from .conftest import at


def text(data: bytes) -> str:
    assert data.startswith(b"%PDF-")
    return " ".join(" ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(data)).pages)


def late_dossier(officer: Any, receive: Any) -> Any:
    dossier = receive(at(2026, 3, 6, 9))  # 5 working days: due Friday 13/03/2026 09:00
    a.do_hand_off_dossier(actor=officer, dossier=dossier, unit="Công chức văn hóa - xã hội", at=at(2026, 3, 9, 10))
    a.do_request_supplement(actor=officer, dossier=dossier, reason="Thiếu bản sao CCCD", at=at(2026, 3, 10, 9))
    a.do_receive_supplement(actor=officer, dossier=dossier, at=at(2026, 3, 11, 9))
    a.do_decide_dossier(actor=officer, dossier=dossier, result="Cấp giấy", at=at(2026, 3, 20, 9))
    a.do_send_apology(
        actor=officer,
        dossier=dossier,
        reason="Chờ xác minh",
        new_date=dt.date(2026, 3, 23),
        sent_by="sms",
        at=at(2026, 3, 20, 10),
    )
    a.do_return_dossier(actor=officer, dossier=dossier, at=at(2026, 3, 23, 9))
    return dossier


def test_each_document_is_a_vietnamese_pdf_marked_unverified(officer: Any, receive: Any) -> None:
    dossier = late_dossier(officer, receive)
    assert documents.available(dossier) == ["receipt", "supplement", "apology", "control"]
    receipt = text(documents.build(dossier, "receipt"))
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in receipt and dossier.code in receipt
    assert "Nguyễn Văn An" in receipt and "09:00 ngày 13/03/2026" in receipt
    assert "chưa được đối chiếu" in receipt
    supplement = text(documents.build(dossier, "supplement"))
    assert "BỔ SUNG" in supplement and "Thiếu bản sao CCCD" in supplement
    apology = text(documents.build(dossier, "apology"))
    assert "XIN LỖI" in apology and "23/03/2026" in apology and "Chờ xác minh" in apology


def test_the_control_sheet_marks_each_hand_off_from_the_events(officer: Any, receive: Any) -> None:
    dossier = late_dossier(officer, receive)
    lay = documents.layout()
    rows = documents.control_rows(list(dossier.events.order_by("seq")), lay)
    marks = {r["step"]: r["mark"] for r in rows}
    assert marks["Chuyển xử lý"] == "Trước hạn"  # handed off on 09/03, due 13/03
    assert marks["Có kết quả"] == "Quá hạn"  # decided on 20/03, due 16/03 after the pause
    assert [r["to_unit"] for r in rows if r["step"] == "Chuyển xử lý"] == ["Công chức văn hóa - xã hội"]
    sheet = text(documents.build(dossier, "control"))
    assert "PHIẾU KIỂM SOÁT" in sheet and "Quá hạn" in sheet


def test_a_refusal_and_the_register(officer: Any, receive: Any, ward_a: Any) -> None:
    refused = receive(at(2026, 3, 6, 9), accept=False)
    a.do_refuse_dossier(actor=officer, dossier=refused, reason="Không thuộc thẩm quyền", at=at(2026, 3, 6, 10))
    assert documents.available(refused) == ["refusal"]
    assert "Không thuộc thẩm quyền" in text(documents.build(refused, "refusal"))
    late = late_dossier(officer, receive)
    client = Client()
    client.force_login(officer)
    page = client.get(f"/dossiers/register/?ward={ward_a.code}&month=2026-03")
    assert page.status_code == 200 and page["Content-Disposition"].startswith("attachment;")
    register = text(page.content)
    assert "SỔ THEO DÕI HỒ SƠ" in register and late.code in register and refused.code in register


def test_documents_are_scoped_for_officers_and_citizens(
    officer: Any, receive: Any, make_user: Any, ward_a: Any, ward_b: Any
) -> None:
    cache.clear()
    dossier = late_dossier(officer, receive)
    mine = Client()
    mine.force_login(officer)
    assert mine.get(f"/dossiers/{dossier.pk}/documents/control/").status_code == 200
    assert mine.get(f"/dossiers/{dossier.pk}/documents/refusal/").status_code == 404  # no such event
    other = Client()
    other.force_login(make_user("ward_officer", wards=[ward_b]))
    assert other.get(f"/dossiers/{dossier.pk}/documents/receipt/").status_code == 404
    assert other.get(f"/dossiers/register/?ward={ward_a.code}&month=2026-03").status_code == 404
    worker = Client()
    worker.force_login(make_user("case_worker", wards=[ward_a]))
    assert worker.get(f"/dossiers/register/?ward={ward_a.code}&month=2026-03").status_code == 403
    citizen = Client()
    wrong = citizen.post("/dossiers/public/documents/receipt/", {"code": dossier.code, "secret": "WRONG"})
    assert wrong.status_code == 404
    ok = citizen.post("/dossiers/public/documents/receipt/", {"code": dossier.code, "secret": dossier.secret})
    assert ok.status_code == 200 and dossier.code in text(ok.content)
    assert (
        citizen.post(
            "/dossiers/public/documents/control/", {"code": dossier.code, "secret": dossier.secret}
        ).status_code
        == 404
    )
