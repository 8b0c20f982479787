"""The API's interactive documentation renders in Chromium from the project's own files, within the site's CSP
(no CDN, no inline script), and a signed-in officer's "Try it out" reaches the API with the session."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_the_api_docs_render_under_the_csp(open_session: Any, make_user: Any, ward_a: Any, family: Any) -> None:
    from playwright.sync_api import expect

    make_user("ward_officer", wards=[ward_a], username="officer-docs", password=PASSWORD)
    session = open_session("api-docs")
    requested: list[str] = []
    session.page.on("request", lambda r: requested.append(r.url))
    session.sign_in("officer-docs")
    session.page.goto("/api/v1/docs")
    title = session.page.locator(".swagger-ui .info .title")
    expect(title).to_contain_text("ansinh API", timeout=60_000)  # 1.5 MB of script on a busy machine
    expect(session.page.locator(".opblock-summary-path").first).to_be_visible(timeout=30_000)
    session.shot("docs")
    base = session.page.url.split("/api/")[0]
    assert all(url.startswith((base, "data:")) for url in requested), requested
    answer = session.page.request.get(f"/api/v1/registry/households/{family.code}")
    assert answer.status == 200 and answer.json()["code"] == family.code
    assert session.errors == []
