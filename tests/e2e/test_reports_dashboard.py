"""The dashboard in a real Chromium with every request outside the app refused: the vendored ECharts draws
its charts (canvas elements appear), the ward tiles link to their lists, and the content-security policy
reports no violation and the console no error."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

import pytest
from django.utils import timezone

from tests.e2e.conftest import PASSWORD

pytestmark = pytest.mark.browser


def _facts(wards: list[Any]) -> None:
    """A year of figures written straight into the fact tables (what a refresh writes)."""
    from ansinh.reports.facts import derive_year_facts
    from ansinh.reports.models import Fact, FactBatch

    for n, ward in enumerate(wards, start=1):
        batch = FactBatch.objects.create(source="poverty", ward_code=ward.code, version=1, built_at=timezone.now())
        rows = [("households", "poor", 10 * n), ("households", "near_poor", 7 * n), ("flow", "escaped_poverty", n),
                ("flow", "newly_poor", 2), ("assessed_poor", "", 10 * n), ("deprived", "water", 3 * n)]  # fmt: skip
        Fact.objects.bulk_create(
            Fact(batch=batch, source="poverty", measure=m, ward_code=ward.code, year=2026, standard="hcm_2024",
                 category=c, value=v)
            for m, c, v in rows
        )  # fmt: skip
        batch = FactBatch.objects.create(source="dossier", ward_code=ward.code, version=1, built_at=timezone.now())
        Fact.objects.bulk_create(
            Fact(batch=batch, source="dossier", measure="settled", ward_code=ward.code, year=2026, month=5,
                 category=c, value=v)
            for c, v in (("early", 20), ("on_time", 5 * n), ("late", n))
        )  # fmt: skip
    derive_year_facts(list(FactBatch.objects.values_list("pk", flat=True)))  # as a refresh does


def test_the_dashboard_draws_its_charts_offline_under_the_csp(
    open_session: Any, make_user: Any, ward_a: Any, ward_b: Any
) -> None:
    make_user("city_analyst", province=ward_a.province, username="analyst-ui", password=PASSWORD)
    _facts([ward_a, ward_b])
    session = open_session("reports-desktop")
    own = urlparse(session.page.context.pages[0].url or "http://127.0.0.1").hostname
    refused: list[str] = []

    def only_the_app(route: Any) -> None:
        host = urlparse(route.request.url).hostname
        if host in ("127.0.0.1", "localhost", own):
            route.continue_()
        else:
            refused.append(route.request.url)
            route.abort()

    session.context.route("**/*", only_the_app)
    session.context.add_init_script(
        "window.__csp = []; document.addEventListener('securitypolicyviolation', "
        "function (e) { window.__csp.push(e.violatedDirective + ' ' + e.blockedURI); });"
    )
    session.sign_in("analyst-ui")
    page = session.page
    page.goto("/reports/?year=2026")
    page.wait_for_selector("[data-chart='chart-poverty'] canvas")
    page.wait_for_selector("[data-chart='chart-dossiers'] canvas")
    assert page.locator(".tile").count() == 2
    assert page.evaluate("window.__csp") == []
    assert session.errors == []
    assert refused == []
    session.shot("dashboard")
    page.hover("[data-chart='chart-poverty'] canvas")  # a tooltip draws on the canvas: still no violation
    page.wait_for_timeout(300)
    assert page.evaluate("window.__csp") == []
    page.click(".tile >> nth=0 >> .tile-name")
    page.wait_for_url("**/reports/ward/**")
    page.wait_for_selector("[data-chart='chart-poverty'] canvas")
    assert page.evaluate("window.__csp") == [] and session.errors == []
