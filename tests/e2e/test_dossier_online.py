"""A citizen with no account applies online for a poverty review in a real browser (a wrong file first: refused
in Vietnamese, what was typed kept); the ward officer accepts it, which opens the household's regular review, is
refused the decision while the review is open, then records it once the review has decided and returns the
result; the citizen follows the dossier with its code and secret, downloads the receipt and rates the service."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import PASSWORD, SCREENSHOTS
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


def _submit(page: Any, selector: str) -> None:
    with page.expect_navigation():
        page.locator(selector).last.click()


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

    from ansinh.dossiers.models import Dossier, Rating
    from ansinh.review.models import Round, RoundStatus

    cache.clear()
    settings.DOSSIER_FILES_DIR = tmp_path / "files"
    make_user("ward_officer", wards=[ward_a], username="officer-a", password=PASSWORD)
    make_user("ward_officer", wards=[ward_b], username="officer-b", password=PASSWORD)
    household = make_household(ward_a, members=[deprived_member(full_name="Đặng Thị Hoa")])
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
    officer = open_session("officer")
    officer.sign_in("officer-a")
    op = officer.page
    op.goto(f"/dossiers/{dossier.pk}/")
    with op.expect_download() as info:
        op.click("#attachments a")
    assert Path(info.value.path()).read_bytes() == PDF
    assert op.input_value("form[action$='/accept/'] input[name=household_code]") == household.code
    _submit(op, "form[action$='/accept/'] button")
    dossier.refresh_from_db()
    assert dossier.status == "accepted" and dossier.review_round_id is not None
    op.fill("form[action$='/decide/'] input[name=reason]", "Công nhận hộ nghèo")
    _submit(op, "form[action$='/decide/'] button")
    assert "Đợt rà soát của hồ sơ chưa có quyết định" in op.locator("main").inner_text()
    officer.shot("review-open")

    # The review decides (its own pages are the review's browser test); then the dossier is decided and returned.
    Round.objects.filter(pk=dossier.review_round_id).update(status=RoundStatus.APPROVED)
    op.goto(f"/dossiers/{dossier.pk}/")
    op.fill("form[action$='/decide/'] input[name=reason]", "Công nhận hộ nghèo")
    op.fill("form[action$='/decide/'] input[name=number]", "12/QĐ-UBND")
    _submit(op, "form[action$='/decide/'] button")
    _submit(op, "form[action$='/return/'] button")
    assert op.locator("#timeliness").inner_text().startswith("early")
    officer.shot("returned")

    # The citizen follows it, downloads the receipt and rates the service once.
    page.goto(f"/dossiers/public/follow/?code={code}")
    page.fill("input[name=secret]", secret)
    _submit(page, "main form button[type=submit]")
    assert "Đã trả kết quả" in page.locator("#dossier-status").inner_text()
    with page.expect_download() as info:
        page.click("#documents form[action$='/receipt/'] button")
    assert Path(info.value.path()).read_bytes().startswith(b"%PDF")
    page.check("input[name=level][value='5']")
    _submit(page, "main form button[type=submit]")
    assert "Cảm ơn" in page.locator("main").inner_text()
    citizen.shot("rated")
    assert list(Rating.objects.filter(dossier=dossier).values_list("level", flat=True)) == [5]
    assert not citizen.errors and not officer.errors, citizen.errors + officer.errors
    assert SCREENSHOTS.exists()
