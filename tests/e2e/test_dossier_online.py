"""The whole journey of a poverty-review request in a real browser, every step through the pages.

A citizen with no account applies online (a wrong file first: refused in Vietnamese, what was typed kept). The ward
officer accepts the dossier, which opens the household's regular review; the dossier cannot be decided while the
review is open. The officer goes from the dossier to the review and takes it through its own pages (form B, the
assessment, the village meeting, the posting); the chairman approves it. Back on the dossier, the review's
decision is the result: recorded and returned. The citizen follows the dossier with its code and secret,
downloads the receipt and rates the service once; a second rating (from a second tab) is refused in Vietnamese.
Nothing in the test writes a model to move a step; fixtures only make the users, units and household."""

from __future__ import annotations

import datetime as dt
import importlib
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import PASSWORD, SCREENSHOTS, fill_form_b
from tests.review.conftest import deprived_member

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def _flush_dossier_logs(transactional_db: Any) -> Iterator[None]:
    """After the test, empty the dossiers' append-only tables so the flush can run: on SQLite their triggers
    refuse the DELETE with which the flush empties them (PostgreSQL flushes by TRUNCATE, which they allow)."""
    yield
    from django.core.management.color import no_style
    from django.db import connection

    if connection.vendor != "sqlite":
        return
    steps = [
        importlib.import_module(f"ansinh.dossiers.migrations.{name}")
        for name in ("0002_append_only_triggers", "0006_feedback_append_only")
    ]
    tables = [t for t in connection.introspection.django_table_names(only_existing=True) if t.startswith("dossiers_")]
    with connection.schema_editor() as editor:
        for step in reversed(steps):
            step.drop(None, editor)
    connection.ops.execute_sql_flush(connection.ops.sql_flush(no_style(), tables, allow_cascade=True))
    with connection.schema_editor() as editor:
        for step in steps:
            step.create(None, editor)


def _submit(page: Any, selector: str = "main form[method=post] button[type=submit]") -> None:
    with page.expect_navigation():
        page.locator(selector).last.click()


def _working_day_before(day: dt.date, days: int) -> dt.date:
    """``days`` calendar days before ``day``, moved back to a weekday (the posting starts on a working day)."""
    found = day - dt.timedelta(days=days)
    while found.weekday() >= 5:
        found -= dt.timedelta(days=1)
    return found


def test_a_citizen_applies_the_officer_settles_through_the_review_and_the_citizen_rates(
    open_session: Any,
    _flush_dossier_logs: None,
    make_user: Any,
    ward_a: Any,
    ward_b: Any,
    make_household: Any,
    tmp_path: Path,
    settings: Any,
) -> None:
    from django.core.cache import cache
    from django.utils import timezone

    from ansinh.dossiers.models import Dossier, Rating
    from ansinh.review.models import PovertyStatus
    from ansinh.tasks.actions import run_pending

    cache.clear()
    settings.DOSSIER_FILES_DIR = tmp_path / "files"
    make_user("ward_officer", wards=[ward_a], username="officer-a", password=PASSWORD)
    make_user("ward_chairman", wards=[ward_a], username="chairman-a", password=PASSWORD)
    make_user("ward_officer", wards=[ward_b], username="officer-b", password=PASSWORD)
    household = make_household(
        ward_a,
        members=[deprived_member(full_name="Đặng Thị Hoa")],
        water_source="unprotected_well",
        floor_area_m2=6.0,
        has_tv=False,
        has_internet_phone=False,
    )
    good, bad = tmp_path / "giay-de-nghi.pdf", tmp_path / "trang.pdf"
    good.write_bytes(PDF)
    bad.write_bytes(b"<html><script>alert(1)</script></html>")

    # The citizen, no account, on a phone.
    citizen = open_session("citizen", phone=True)
    page = citizen.page
    page.goto("/dossiers/public/apply/")
    _submit(page, "#procedures a[href*='poverty_review_request']")
    page.fill("#id_applicant_name", "Đặng Thị Hoa")
    page.fill("#id_applicant_phone", "0912345678")
    page.select_option("#id_ward", ward_a.code)
    page.fill("#id_household_code", household.code)
    page.set_input_files("#id_doc_form_04", str(bad))
    _submit(page, "#apply-form button[type=submit]")
    assert "chỉ nhận tệp PDF, JPEG hoặc PNG" in page.locator("#apply-errors").inner_text()
    assert page.input_value("#id_applicant_name") == "Đặng Thị Hoa"
    assert page.input_value("#id_household_code") == household.code
    citizen.shot("apply-refused")
    page.set_input_files("#id_doc_form_04", str(good))
    _submit(page, "#apply-form button[type=submit]")
    code = page.locator("#receipt-code").inner_text().strip()
    secret = page.locator("#receipt-secret").inner_text().strip()
    citizen.shot("applied")
    dossier = Dossier.objects.get(code=code)
    assert dossier.channel == "online" and dossier.attachments.count() == 1

    # An officer of another ward does not see it.
    stranger = open_session("officer-b")
    stranger.sign_in("officer-b")
    assert stranger.status_of(f"/dossiers/{dossier.pk}/") == 404

    # The ward officer accepts it (the household code the citizen gave is offered), which opens the review.
    officer = open_session("officer", phone=True)
    officer.sign_in("officer-a")
    op = officer.page
    op.goto(f"/dossiers/{dossier.pk}/")
    with op.expect_download() as info:
        op.click("#attachments a")
    assert Path(info.value.path()).read_bytes() == PDF
    assert op.input_value("form[action$='/accept/'] input[name=household_code]") == household.code
    _submit(op, "form[action$='/accept/'] button")
    assert op.locator("#review-round a").is_visible()
    op.fill("form[action$='/decide/'] input[name=reason]", "Công nhận hộ nghèo")
    _submit(op, "form[action$='/decide/'] button")
    assert "Đợt rà soát của hồ sơ chưa có quyết định" in op.locator("main").inner_text()
    officer.shot("review-open")

    # From the dossier to the regular review it opened, the household already on its list.
    _submit(op, "#review-round a")
    round_url = op.url
    round_id = int(re.search(r"/review/(\d+)/", round_url).group(1))  # type: ignore[union-attr]
    row = op.locator(f"#round-households tr[data-household='{household.code}']")
    assert "Đặng Thị Hoa" in row.inner_text()

    # The review's steps, dated as they happened: the survey, the meeting, three working days of posting, then
    # the chairman's decision today (a decision is dated neither after the day it is entered nor within the
    # posting).
    today = timezone.localdate()
    posting = _working_day_before(today, 10)
    meeting, surveyed = posting - dt.timedelta(days=2), posting - dt.timedelta(days=4)
    _submit(op, f"#round-households tr[data-household='{household.code}'] a.survey-b-link")
    fill_form_b(op, f"{surveyed:%d/%m/%Y}")
    officer.shot("survey")
    _submit(op, "button[name=submit]")
    assert op.url.split("#")[0].endswith("/survey/B/confirm/")
    _submit(op)
    assert op.url.split("#")[0] == round_url
    op.goto(f"/review/{round_id}/results/")
    _submit(op, "#assess")
    op.goto("about:blank")  # no polling while the worker shares the test database's connection
    assert run_pending() == 1  # the background worker runs the queued assessment
    op.goto(f"/review/{round_id}/results/")
    assert "Nghèo" in op.locator(f"#results tr[data-household='{household.code}']").inner_text()
    op.goto(f"/review/{round_id}/meeting/")
    op.fill("#id_held_on", f"{meeting:%d/%m/%Y}")
    op.fill("#id_place", "Nhà văn hóa khu phố 3")
    op.fill("#id_chaired_by", "Võ Văn Tám")
    op.fill("#id_present_count", "20")
    op.locator("input[name^=agree_]").fill("15")
    _submit(op)
    op.goto(f"/review/{round_id}/posting/")
    op.fill("#id_start", f"{posting:%d/%m/%Y}")
    op.fill("#id_places", "Trụ sở UBND phường")
    _submit(op)
    assert op.locator("#posting-period").is_visible()
    officer.shot("posting")

    chairman = open_session("chairman")
    chairman.sign_in("chairman-a")
    chairman.page.goto(f"/review/{round_id}/approval/")
    chairman.page.fill("#id_number", "15/QĐ-UBND")
    chairman.page.fill("#id_date", f"{today:%d/%m/%Y}")
    _submit(chairman.page)
    assert "15/QĐ-UBND" in chairman.page.locator("#decision").inner_text()
    chairman.shot("approved")
    assert PovertyStatus.objects.current().filter(household=household).exists()

    # Back on the dossier: the review's decision is its result, recorded and returned.
    op.goto(f"/dossiers/{dossier.pk}/")
    assert "15/QĐ-UBND" in op.locator("#review-round").inner_text()
    assert op.input_value("form[action$='/decide/'] input[name=number]") == "15/QĐ-UBND"
    op.fill("form[action$='/decide/'] input[name=reason]", "Công nhận hộ nghèo")
    _submit(op, "form[action$='/decide/'] button")
    _submit(op, "form[action$='/return/'] button")
    assert op.locator("#timeliness").get_attribute("data-kind") == "early"
    assert op.locator("#timeliness").inner_text().startswith("Trước hạn")
    decided = dossier.events.get(kind="decided")
    assert decided.data["number"] == "15/QĐ-UBND" and decided.data["review_decision"]
    officer.shot("returned")

    # The citizen follows it, downloads the receipt and rates the service once; a second tab's rating is refused.
    def follow(tab: Any) -> None:
        tab.goto(f"/dossiers/public/follow/?code={code}")
        tab.fill("input[name=secret]", secret)
        _submit(tab, "main form button[type=submit]")

    follow(page)
    assert "Đã trả kết quả" in page.locator("#dossier-status").inner_text()
    with page.expect_download() as info:
        page.click("#documents form[action$='/receipt/'] button")
    assert Path(info.value.path()).read_bytes().startswith(b"%PDF")
    second = citizen.context.new_page()
    follow(second)
    page.check("input[name=level][value='5']")
    page.check("#rating-criteria input[name=criterion_1][value='2']")
    page.check("#rating-criteria input[name=criterion_7][value='1']")
    _submit(page, "main form button[type=submit]")
    assert "Cảm ơn" in page.locator("main").inner_text()
    citizen.shot("rated")
    second.check("input[name=level][value='1']")
    _submit(second, "main form button[type=submit]")
    assert "Hồ sơ này đã được đánh giá." in second.locator("main [role=alert]").inner_text()
    follow(page)
    assert page.locator("input[name=level]").count() == 0
    assert list(Rating.objects.filter(dossier=dossier).values_list("level", "criteria")) == [(5, {"1": 2, "7": 1})]
    assert not citizen.errors and not officer.errors and not chairman.errors, (
        citizen.errors + officer.errors + chairman.errors
    )
    assert SCREENSHOTS.exists()
