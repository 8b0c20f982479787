"""Browser smoke test: an officer signs in and searches the registry without typing accents (issue 2's UI)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import member_data
from tests.e2e.conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_it_finds_households_by_a_name_typed_without_accents(
    open_session: Any, make_user: Any, ward_a: Any, make_household: Any
) -> None:
    from playwright.sync_api import expect

    make_user("ward_officer", wards=[ward_a], username="officer-smoke", password=PASSWORD)
    make_household(ward_a, members=[member_data(full_name="Nguyễn Thị Ánh Tuyết")])
    make_household(ward_a, members=[member_data(full_name="Trần Văn Bảy")])

    for phone in (False, True):
        session = open_session("smoke-phone" if phone else "smoke-desktop", phone=phone)
        session.sign_in("officer-smoke")
        session.page.goto("/households/")
        session.page.fill("input[name=q]", "nguyen")
        session.page.keyboard.press("Enter")
        results = session.page.locator("#results")
        # The results change in place (htmx) or by a new page: wait until they are the searched ones.
        expect(results).not_to_contain_text("Trần Văn Bảy")
        expect(results).to_contain_text("Nguyễn Thị Ánh Tuyết")
        session.shot("search")
        assert session.errors == []
