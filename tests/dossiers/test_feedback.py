"""PAKN as its own queue: received → classified → forwarded → answered → published, deadlines from data,
complaints and denunciations redirected and not counted, handled over received; scoped like the dossiers."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.test import Client

from ansinh.dossiers import errors
from ansinh.dossiers import feedback as pakn
from ansinh.dossiers.models import Feedback, FeedbackEvent

from .conftest import at


def send(ward: Any, when: dt.datetime, subject: str = "Thủ tục cấp giấy chứng nhận hộ nghèo") -> Feedback:
    item, _secret = pakn.do_receive_feedback(
        ward=ward, sender_name="Lê Văn Cường", subject=subject, content="Đề nghị rút ngắn thời hạn.", at=when
    )
    return item


def test_deadlines_come_from_the_dated_limits_in_working_days(ward_a: Any) -> None:
    due = pakn.deadlines(at(2026, 3, 6, 9))  # a Friday morning; limits 3, 5, 20 and 25 working days
    assert due["classified"] == at(2026, 3, 11, 9) and due["forwarded"] == at(2026, 3, 13, 9)
    assert due["answered"] == at(2026, 4, 3, 9)
    assert send(ward_a, at(2026, 3, 6, 9)).answer_due == due["answered"]


def test_the_queue_moves_step_by_step_and_the_report_counts_handled_over_received(officer: Any, ward_a: Any) -> None:
    item = send(ward_a, at(2026, 3, 2, 9))
    pakn.do_classify_feedback(actor=officer, item=item, kind="petition", at=at(2026, 3, 3, 9))
    pakn.do_forward_feedback(actor=officer, item=item, unit="Phòng Văn hóa - Xã hội", at=at(2026, 3, 4, 9))
    pakn.do_answer_feedback(actor=officer, item=item, answer="Đã tiếp thu.", at=at(2026, 3, 10, 9))
    pakn.do_publish_feedback(actor=officer, item=item, at=at(2026, 3, 11, 9))
    late = send(ward_a, at(2026, 3, 2, 10))
    pakn.do_classify_feedback(actor=officer, item=late, kind="feedback", at=at(2026, 3, 3, 9))
    pakn.do_answer_feedback(actor=officer, item=late, answer="Trả lời muộn.", at=at(2026, 4, 20, 9))
    waiting = send(ward_a, at(2026, 3, 20, 9))
    complaint = send(ward_a, at(2026, 3, 5, 9))
    with pytest.raises(errors.ReasonRequired):
        pakn.do_classify_feedback(actor=officer, item=complaint, kind="complaint")
    pakn.do_classify_feedback(
        actor=officer, item=complaint, kind="complaint", note="Chuyển theo Luật Khiếu nại", at=at(2026, 3, 6, 9)
    )
    with pytest.raises(errors.IllegalFeedbackTransition):
        pakn.do_answer_feedback(actor=officer, item=complaint, answer="x")
    march = pakn.feedback_report(dt.date(2026, 3, 1), dt.date(2026, 4, 1))[-1]
    assert (march.received, march.handled, march.handled_on_time, march.redirected) == (3, 1, 1, 1)
    assert march.open == 2 and march.handled_share == pytest.approx(1 / 3)
    spring = pakn.feedback_report(dt.date(2026, 3, 1), dt.date(2026, 7, 1))[-1]
    assert (spring.received, spring.handled, spring.handled_on_time, spring.open) == (3, 2, 1, 1)
    assert waiting.status == "received"
    with transaction.atomic(), pytest.raises(IntegrityError):
        FeedbackEvent.objects.filter(feedback=item).update(note="rewritten")


def test_the_citizen_sends_and_follows_feedback_with_errors_in_vietnamese(ward_a: Any) -> None:
    cache.clear()
    citizen = Client()
    bad = citizen.post(
        "/dossiers/public/feedback/", {"sender_name": "An", "ward": ward_a.code, "subject": "", "content": "x"}
    )
    assert bad.status_code == 400 and "Nhập quy định được phản ánh" in bad.content.decode()
    assert 'value="An"' in bad.content.decode() and not Feedback.objects.exists()
    page = citizen.post(
        "/dossiers/public/feedback/",
        {"sender_name": "An", "ward": ward_a.code, "subject": "Quy định về hồ sơ", "content": "Rườm rà."},
    )
    assert page.status_code == 200
    item = Feedback.objects.get()
    secret = page.content.decode().split('id="receipt-secret">')[1].split("<")[0]
    assert citizen.post("/dossiers/public/feedback/follow/", {"code": item.code, "secret": "X"}).status_code == 404
    ok = citizen.post("/dossiers/public/feedback/follow/", {"code": item.code, "secret": secret})
    assert ok.status_code == 200 and "Quy định về hồ sơ" in ok.content.decode()


def test_the_queue_is_scoped_and_published_answers_name_no_sender(
    officer: Any, make_user: Any, ward_a: Any, ward_b: Any
) -> None:
    item = send(ward_a, at(2026, 3, 2, 9))
    mine = Client()
    mine.force_login(officer)
    assert item.code in mine.get("/dossiers/feedback/").content.decode()
    other = Client()
    other.force_login(make_user("ward_officer", wards=[ward_b]))
    assert item.code not in other.get("/dossiers/feedback/").content.decode()
    assert other.get(f"/dossiers/feedback/{item.pk}/").status_code == 404
    assert other.post(f"/dossiers/feedback/{item.pk}/classify/", {"kind": "feedback"}).status_code == 404
    viewer = Client()
    viewer.force_login(make_user("city_analyst", province=ward_a.province))
    assert viewer.get(f"/dossiers/feedback/{item.pk}/").status_code == 200
    assert viewer.post(f"/dossiers/feedback/{item.pk}/classify/", {"kind": "feedback"}).status_code == 403
    worker = Client()
    worker.force_login(make_user("case_worker", wards=[ward_a]))
    assert worker.get("/dossiers/feedback/").status_code == 403
    mine.post(f"/dossiers/feedback/{item.pk}/classify/", {"kind": ""})
    item.refresh_from_db()
    assert item.status == "received"
    mine.post(f"/dossiers/feedback/{item.pk}/classify/", {"kind": "feedback"})
    mine.post(f"/dossiers/feedback/{item.pk}/answer/", {"answer": "Đã sửa quy định."})
    mine.post(f"/dossiers/feedback/{item.pk}/publish/")
    item.refresh_from_db()
    assert item.status == "published"
    public = Client().get("/dossiers/public/feedback/published/").content.decode()
    assert "Đã sửa quy định." in public and "Lê Văn Cường" not in public
