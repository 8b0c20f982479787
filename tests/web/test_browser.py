"""Browser checks of the web layer under its CSP: live search through htmx, the error summary's focus,
the language switch, two officers editing one household. Uses the Playwright harness of ``tests/e2e``
(Debian's Chromium, never ``playwright install``); skips with the reason printed when Chromium is absent,
fails under ``CI=true``."""

from __future__ import annotations

from typing import Any

import pytest

import tests.e2e.conftest as e2e
from tests.conftest import member_data

PASSWORD = e2e.PASSWORD
# The browser harness lives in tests/e2e; its fixtures (whatever they are now) are reused here.
globals().update(
    {
        name: f
        for name, f in vars(e2e).items()
        if type(f).__name__ == "FixtureFunctionDefinition"
        or hasattr(f, "_pytestfixturefunction")  # pytest ≥8.4 / older
    }
)

pytestmark = pytest.mark.browser


@pytest.fixture
def officer_session(open_session: Any, make_user: Any, ward_a: Any, make_household: Any) -> Any:
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
    page.wait_for_url("**/households/?s=*")  # the search is kept under a token, never in the address
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


def test_it_keeps_both_users_intent_when_they_edit_the_same_household(
    open_session: Any, make_user: Any, ward_a: Any, make_household: Any
) -> None:
    from ansinh.registry.models import Household

    make_user("ward_officer", wards=[ward_a], username="officer-one", password=PASSWORD)
    make_user("ward_officer", wards=[ward_a], username="officer-two", password=PASSWORD)
    household = make_household(ward_a, toilet_type="septic", water_source="piped")
    one, two = open_session("conflict-one"), open_session("conflict-two", phone=True)
    one.sign_in("officer-one")
    two.sign_in("officer-two")
    edit = f"/households/{household.pk}/edit/"
    one.page.goto(edit)
    two.page.goto(edit)
    one.page.select_option("#id_toilet_type", "semi_septic")
    with one.page.expect_navigation():
        one.page.click("main form button[type=submit]")
    two.page.fill("#id_address", "99 Đồng Khởi")
    with two.page.expect_navigation():
        two.page.click("main form button[type=submit]")
    conflict = two.page.locator("#conflict").inner_text()
    assert "officer-one" in conflict and "Bán tự hoại" in conflict
    assert two.page.input_value("#id_address") == "99 Đồng Khởi"
    assert two.page.input_value("#id_toilet_type") == "semi_septic"
    two.shot("conflict")
    with two.page.expect_navigation():
        two.page.click("main form button[type=submit]")
    household.refresh_from_db()
    assert (household.address, household.toilet_type) == ("99 Đồng Khởi", "semi_septic")
    assert isinstance(household, Household)


def test_it_splits_a_household_with_the_keyboard_alone(
    open_session: Any, make_user: Any, ward_a: Any, family: Any
) -> None:
    from ansinh.registry.models import Household

    make_user("ward_officer", wards=[ward_a], username="officer-keys", password=PASSWORD)
    session = open_session("split-keyboard")
    session.sign_in("officer-keys")
    page = session.page
    page.on("dialog", lambda dialog: dialog.accept())  # the form asks before an irreversible split
    page.goto(f"/households/{family.pk}/split/")
    page.fill("#id_code", "26734-KEY")
    page.fill("#id_address", "Số 9, hẻm 1")
    with page.expect_navigation():
        page.press("#id_address", "Enter")  # submitted without choosing anyone
    page.wait_for_selector(".error-summary")
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    links = page.eval_on_selector_all(".error-summary a", "links => links.map(a => a.getAttribute('href'))")
    assert links[:2] == ["#id_members_0", "#id_head"]
    assert page.input_value("#id_code") == "26734-KEY"  # what was typed is kept
    page.keyboard.press("Tab")  # from the focused summary to its first link
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#id_members_0"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#id_members_0"
    focused = "document.activeElement.id"
    assert page.evaluate(focused) == "id_members_0"  # the link lands on the first checkbox
    assert page.evaluate("document.querySelector('main form').action").endswith(f"/households/{family.pk}/split/")
    session.shot("errors")
    # Members are listed oldest first: the head, the spouse, the son, the daughter-in-law. Son and
    # daughter-in-law leave; the son heads the new household and she is his spouse there.
    for key in ("Tab", "Tab", "Space", "Tab", "Space"):
        page.keyboard.press(key)
    assert page.evaluate("[...document.querySelectorAll('[name=members]:checked')].map(c => c.id)") == [
        "id_members_2",
        "id_members_3",
    ]
    page.keyboard.press("Tab")
    assert page.evaluate(focused) == "id_head"
    for _ in range(3):
        page.keyboard.press("ArrowDown")  # past "Choose a member", the head and the spouse
    son, dil = (family.members.get(full_name=name) for name in ("Nguyễn Văn Cả", "Phạm Thị Dâu"))
    assert page.input_value("#id_head") == str(son.pk)
    for _ in range(4):
        page.keyboard.press("Tab")
    assert page.evaluate(focused) == f"id_relation_{dil.pk}"
    page.keyboard.press("Home")
    assert page.input_value(f"#id_relation_{dil.pk}") == "spouse"
    for _ in range(10):  # on through the other fields to the button
        if page.evaluate("document.activeElement.type") == "submit":
            break
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Tách hộ"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    new = Household.objects.get(code="26734-KEY")
    # The error-summary link left "#id_members_0" on the split page; the new household's page must not inherit it.
    assert page.url.endswith(f"/households/{new.pk}/"), page.url
    assert page.evaluate("location.hash") == ""
    assert dict(new.members.values_list("full_name", "relation")) == {"Nguyễn Văn Cả": "head", "Phạm Thị Dâu": "spouse"}
    session.shot("done")
    assert session.errors == []
