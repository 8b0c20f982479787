"""A complete periodic round in a real browser: the ward officer (on a phone) lists, surveys, assesses,
records the meeting, posts the list, records and answers a complaint; the chairman approves and downloads
a household's certificate; an officer of another ward sees none of it."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import PASSWORD, SCREENSHOTS, fill_form_b, settled
from tests.review.conftest import deprived_member

pytestmark = pytest.mark.browser

HEAD = "Nguyễn Thị Ánh Tuyết"


def _pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    data = path.read_bytes()
    assert data.startswith(b"%PDF"), "the download is not a PDF"
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def _download(session: Any, selector: str) -> Path:
    with session.page.expect_download() as info:
        session.page.click(selector)
    download = info.value
    target = SCREENSHOTS / f"{session.name}-{download.suggested_filename}"
    download.save_as(str(target))  # kept next to the screenshots, to look at
    return target


def _submit(session: Any, selector: str = "main form[method=post] button[type=submit]") -> None:
    with session.page.expect_navigation():
        session.page.locator(selector).last.click()


def test_it_takes_a_ward_through_a_periodic_round_to_the_certificate(
    open_session: Any, make_user: Any, ward_a: Any, ward_b: Any, make_household: Any
) -> None:
    make_user("ward_officer", wards=[ward_a], username="officer-a", password=PASSWORD)
    make_user("ward_chairman", wards=[ward_a], username="chairman-a", password=PASSWORD)
    make_user("ward_officer", wards=[ward_b], username="officer-b", password=PASSWORD)
    household = make_household(
        ward_a,
        members=[deprived_member(full_name=HEAD)],
        water_source="unprotected_well",
        floor_area_m2=6.0,
        has_tv=False,
        has_internet_phone=False,
    )

    officer = open_session("officer", phone=True)
    officer.sign_in("officer-a")
    page = officer.page

    # Start the round.
    page.goto("/review/new/")
    page.select_option("#id_ward", ward_a.code)
    page.check("input[name=kind][value=periodic]")
    page.fill("#id_year", "2025")
    page.check("input[name=standards][value=vn_2022]")
    _submit(officer)
    round_url = page.url
    round_id = int(re.search(r"/review/(\d+)/", round_url).group(1))  # type: ignore[union-attr]

    # The household list: the registry screening finds the household.
    with page.expect_navigation():
        page.click("#build-list")
    row = page.locator(f"#round-households tr[data-household='{household.code}']")
    assert HEAD in row.inner_text()
    officer.shot("list")

    # Form B on the phone: an invalid answer first, linked from the error summary, then the full survey.
    with page.expect_navigation():
        row.locator("a.survey-b-link").click()
    survey_url = page.url
    page.fill("#id_household__floor_area_m2", "-3")
    page.keyboard.press("Tab")  # the answer is checked as soon as it is given, before any save
    page.wait_for_selector("#group-household__floor_area_m2.form-group--error")
    settled(page)
    _submit(officer, "button[name=save]")
    summary = page.locator("[data-module=error-summary]")
    assert summary.is_visible()
    summary.locator("a[href='#id_household__floor_area_m2']").click()
    assert page.evaluate("document.activeElement.id") == "id_household__floor_area_m2"
    officer.shot("survey-error")
    fill_form_b(page, "10/09/2025")
    officer.shot("survey-filled")
    _submit(officer, "button[name=submit]")
    # Nothing reaches the registry before the officer has seen, in words, what the survey changes.
    assert page.url.split("#")[0].endswith("/survey/B/confirm/")
    assert "Kiểm tra các thay đổi trong sổ hộ" in page.locator("h1").inner_text()
    officer.shot("survey-confirm")
    _submit(officer)
    assert page.url.split("#")[0] == round_url
    assert "Đã nộp" in page.locator(f"#round-households tr[data-household='{household.code}']").inner_text()

    # Assessment: the household becomes poor, a change from no class, highlighted.
    page.goto(f"/review/{round_id}/results/")
    with page.expect_navigation():
        page.click("#assess")
    assert page.locator("#assessment-progress").is_visible()  # queued for the background worker
    officer.shot("assessing")
    page.goto("about:blank")  # no polling while the worker shares the test database's connection
    from ansinh.tasks.actions import run_pending

    assert run_pending() == 1
    page.goto(f"/review/{round_id}/results/")
    result = page.locator(f"#results tr[data-household='{household.code}']")
    assert "row--changed" in (result.get_attribute("class") or "")
    assert "Nghèo" in result.inner_text()
    officer.shot("results")

    # The village meeting agrees (15 of 20).
    page.goto(f"/review/{round_id}/meeting/")
    page.fill("#id_held_on", "20/10/2025")
    page.fill("#id_place", "Nhà văn hóa khu phố 3")
    page.fill("#id_chaired_by", "Võ Văn Tám")
    page.fill("#id_present_count", "20")
    page.fill("#id_participants", "Bí thư chi bộ khu phố 3\nChi hội trưởng hội phụ nữ")
    page.locator("input[name^=agree_]").fill("15")
    _submit(officer)
    assert "Võ Văn Tám" in _pdf_text(_download(officer, "a[href*='/minutes.pdf']"))

    # Public posting for three working days from Monday 3 November 2025.
    page.goto(f"/review/{round_id}/posting/")
    page.fill("#id_start", "03/11/2025")
    page.fill("#id_places", "Trụ sở UBND phường; nhà văn hóa khu phố 3")
    _submit(officer)
    assert "05/11/2025" in page.locator("#posting-period").inner_text()
    assert HEAD in _pdf_text(_download(officer, "a[href$='list-vn_2022.pdf']"))

    # A complaint, answered within its deadline after a re-check.
    page.goto(f"/review/{round_id}/complaints/new/")
    page.select_option("#id_round_household", index=1)
    page.fill("#id_received_on", "04/11/2025")
    page.fill("#id_complainant", "Trần Văn Bảy")
    page.fill("#id_content", "Đề nghị xem lại thu nhập của hộ")
    _submit(officer)
    with page.expect_navigation():
        page.locator("#complaints a[href*='/complaints/']").click()
    page.fill("#id_answered_on", "05/11/2025")
    page.fill("#id_answer", "Đã phúc tra: thu nhập đúng như khảo sát")
    page.check("#id_reassess")
    _submit(officer)
    assert "Đã phúc tra" in page.locator("#complaints").inner_text()
    officer.shot("posting")
    assert officer.errors == []

    # The chairman approves after the posting and downloads the certificate.
    chairman = open_session("chairman")
    chairman.sign_in("chairman-a")
    chairman.page.goto(f"/review/{round_id}/approval/")
    chairman.page.fill("#id_number", "15/QĐ-UBND")
    chairman.page.fill("#id_date", "06/11/2025")
    _submit(chairman)
    assert "15/QĐ-UBND" in chairman.page.locator("#decision").inner_text()
    chairman.shot("approved")
    text = _pdf_text(_download(chairman, "#certificates a.certificate-link"))
    assert "GIẤY CHỨNG NHẬN HỘ NGHÈO" in text and HEAD in text and "15/QĐ-UBND" in text
    assert "Đã phê duyệt" in chairman.page.locator("#round-status").inner_text()
    assert chairman.errors == []

    # Another ward's officer: the round does not exist for them.
    outsider = open_session("outsider", phone=True)
    outsider.sign_in("officer-b")
    outsider.page.goto("/review/")
    assert ward_a.name not in outsider.page.locator("main").inner_text()
    certificate_path = chairman.page.locator("#certificates a.certificate-link").get_attribute("href")
    for path in (
        round_url,
        survey_url,
        f"/review/{round_id}/results/",
        f"/review/{round_id}/approval/",
        str(certificate_path),
    ):
        assert outsider.status_of(path) == 404, path
    outsider.shot("not-found")
