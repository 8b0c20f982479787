"""Browser checks of the web layer under its CSP: live search through htmx, the error summary's focus,
the language switch. Uses the Playwright harness of ``tests/e2e`` (Debian's Chromium, never
``playwright install``); skips with the reason printed when Chromium is absent, fails under ``CI=true``."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import member_data
from tests.e2e.conftest import PASSWORD, _static_root, browser, open_session  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser


@pytest.fixture
def officer_session(open_session: Any, make_user: Any, ward_a: Any, make_household: Any) -> Any:  # noqa: F811
    make_user("ward_officer", wards=[ward_a], username="officer-ui", password=PASSWORD)
    make_household(ward_a, members=[member_data(full_name="Nguyễn Văn A")])
    make_household(ward_a, members=[member_data(full_name="Trần Thị Bé")])
    session = open_session("web-phone", phone=True)
    session.sign_in("officer-ui")
    return session


def test_it_updates_search_results_live_without_a_page_load(officer_session: Any) -> None:
    page = officer_session.page
    page.goto("/households/")
    page.evaluate("window.__samePage = true")
    page.locator("#id_q").press_sequentially("nguyen van a", delay=20)
    page.wait_for_url("**/households/?q=nguyen*")
    page.wait_for_function("!document.querySelector('#results').innerText.includes('Trần Thị Bé')")
    results = page.locator("#results").inner_text()
    assert "Nguyễn Văn A" in results
    assert page.evaluate("window.__samePage === true")  # swapped by htmx, not reloaded
    assert "1–1" in page.locator("#search-status").inner_text()
    officer_session.shot("live-search")
    assert officer_session.errors == []  # no CSP violation, no script error


def test_it_moves_focus_to_the_error_summary(officer_session: Any) -> None:
    page = officer_session.page
    page.goto("/households/new/")
    page.click("main form button[type=submit]")
    page.wait_for_selector(".error-summary")
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    page.click(".error-summary a[href='#id_address']")
    assert page.evaluate("location.hash") == "#id_address"
    officer_session.shot("error-summary")
    # The form with errors answers 400 on purpose; Chromium logs that status, nothing else may appear.
    assert [e for e in officer_session.errors if "status of 400" not in e] == []


def test_it_switches_to_english_and_back(officer_session: Any) -> None:
    page = officer_session.page
    page.goto("/households/")
    page.click("button[name=language][value=en]")
    page.wait_for_selector("html[lang=en]")
    assert "Households" in page.locator("h1").inner_text()
    page.click("button[name=language][value=vi]")
    page.wait_for_selector("html[lang=vi]")
    assert page.locator("h1").inner_text() == "Hộ gia đình"
