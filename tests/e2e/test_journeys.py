"""Each demo role's everyday journeys (docs/journeys.md) in a real browser, at desktop and at phone width, on a
small demo city built the way ``ansinh demo`` builds it: the demo accounts, last year's approved review of the
demo ward, last month's payrolls and last year's dossiers.

On every page of every journey: no server error, no script error, no sideways scrolling on a phone.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from tests.e2e.conftest import SCREENSHOTS

pytestmark = pytest.mark.browser

HOUSEHOLDS = 240
EMPTY_WARDS = 30  # a city-wide home page of more wards than one page holds


@pytest.fixture
def _empty_locked_tables(transactional_db: Any) -> Iterator[None]:
    """After the journey, empty every table with the database's locks lifted, so the flush can run: the demo
    city has a frozen payroll and append-only dossier events besides the approved round (whose lock the shared
    fixture lifts). Test teardown only: SQLite's triggers are dropped and made again from their own text;
    PostgreSQL's are skipped for this session (``session_replication_role``)."""
    yield
    from django.core.management.color import no_style
    from django.db import connection

    tables = connection.introspection.django_table_names(only_existing=True)
    if connection.vendor == "sqlite":
        with connection.cursor() as cur:
            cur.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
            triggers = cur.fetchall()
            for name, _sql in triggers:
                cur.execute(f'DROP TRIGGER "{name}"')
        connection.ops.execute_sql_flush(connection.ops.sql_flush(no_style(), tables, allow_cascade=True))
        with connection.cursor() as cur:
            for _name, sql in triggers:
                cur.execute(sql)
    else:
        with connection.cursor() as cur:
            cur.execute("SET session_replication_role = replica")
        try:
            connection.ops.execute_sql_flush(connection.ops.sql_flush(no_style(), tables, allow_cascade=True))
        finally:
            with connection.cursor() as cur:
                cur.execute("SET session_replication_role = DEFAULT")


@pytest.fixture
def demo_city(settings: Any, province: Any, _empty_locked_tables: None) -> dict[str, Any]:
    from ansinh.accounts.demo import DEMO_PASSWORD, demo_ward, ensure_demo_accounts
    from ansinh.accounts.models import User
    from ansinh.dossiers.synth import build_year
    from ansinh.geo.models import Ward
    from ansinh.payments.demo import ensure_demo_enrolments, ensure_demo_payrolls
    from ansinh.review.demo import ensure_demo_round
    from ansinh.review.models import Certificate

    for i in range(1, 4):
        Ward.objects.create(
            code=f"9{i:04d}", name=f"Phường Demo {i}", kind="ward", province=province, area_type="urban"
        )
    for i in range(EMPTY_WARDS):
        Ward.objects.create(code=f"95{i:03d}", name=f"Xã Trống {i:02d}", kind="commune", province=province)
    call_command("seed", households=HOUSEHOLDS, province="79", wards=3, seed=13, stdout=io.StringIO())
    settings.DEMO_MODE = True
    ensure_demo_accounts("79")
    ward = demo_ward(province)
    today = timezone.localdate()
    review_round = ensure_demo_round(
        ward, User.objects.get(username="demo-officer"), User.objects.get(username="demo-chairman"), today.year - 1
    )
    assert review_round is not None
    ensure_demo_enrolments("79", today)
    ensure_demo_payrolls(ward, (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1))
    build_year([ward.code], year=today.year - 1, total=30, early_or_on_time=29)
    certificate = Certificate.objects.filter(decision__round=review_round).select_related("household").first()
    assert certificate is not None
    head = certificate.household.members.filter(relation="head").first()
    return {
        "password": DEMO_PASSWORD,
        "ward": ward,
        "round": review_round,
        "certified": certificate.household,
        "head": head.full_name if head else "",
    }


class Walk:
    """A signed-in role's browser, with the checks every page of a journey must pass."""

    def __init__(self, session: Any, phone: bool) -> None:
        self.session = session
        self.page = session.page
        self.phone = phone
        self.server_errors: list[str] = []
        self.page.on(
            "response", lambda r: self.server_errors.append(f"{r.status} {r.url}") if r.status >= 500 else None
        )

    def visit(self, path: str, expect_status: int = 200) -> None:
        response = self.page.goto(path)
        assert response is not None and response.status == expect_status, f"{path}: {response and response.status}"
        self.check(path)

    def check(self, where: str) -> None:
        if self.phone:
            wide = self.page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert wide <= 1, f"{where}: the phone must scroll {wide} px sideways"
        assert self.server_errors == [], self.server_errors
        assert self.session.errors == [], self.session.errors

    def text(self) -> str:
        return str(self.page.locator("main").inner_text())

    def download(self, selector: str) -> bytes:
        with self.page.expect_download() as info:
            self.page.locator(selector).first.click()
        path = info.value.path()
        assert path is not None
        data = Path(path).read_bytes()
        (SCREENSHOTS / f"{self.session.name}-{info.value.suggested_filename}").write_bytes(data)
        return data


def _walk(open_session: Any, demo: dict[str, Any], username: str, journey: Callable[[Walk, dict[str, Any]], None]):
    for phone in (False, True):
        session = open_session(f"journey-{username}-{'phone' if phone else 'desktop'}", phone=phone)
        session.sign_in(username, demo["password"])
        walk = Walk(session, phone)
        walk.check("home")
        try:
            journey(walk, demo)
        finally:
            session.shot("end")
        walk.check("the end of the journey")


def _officer(walk: Walk, demo: dict[str, Any]) -> None:
    from ansinh.lib.text import fold

    assert demo["ward"].name in walk.text()
    walk.visit(reverse("household-search"))
    walk.page.fill("input[name=q]", fold(demo["head"]))
    walk.page.keyboard.press("Enter")
    walk.page.locator("#results").get_by_text(demo["certified"].code).first.wait_for()
    walk.visit(reverse("household-detail", args=[demo["certified"].pk]))
    assert demo["round"].decision.number in walk.text()
    assert walk.download("#poverty-status a[download]").startswith(b"%PDF")
    walk.visit(reverse("review-rounds"))
    walk.visit(reverse("review-round", args=[demo["round"].pk]))
    if walk.page.locator(".pagination a[rel=next]").count():
        walk.page.locator(".pagination a[rel=next]").first.click()
        walk.page.wait_for_load_state()
        walk.check("the round's next page")
    walk.page.select_option("#id_stage", "agreed")
    with walk.page.expect_navigation():
        walk.page.locator("#round-filters button[type=submit]").click()
    walk.check("the round filtered by stage")
    assert "stage=agreed" in walk.page.url
    walk.visit(reverse("review-results", args=[demo["round"].pk]))
    walk.visit(reverse("review-meeting", args=[demo["round"].pk]))
    walk.visit(reverse("import-index"))


def _chairman(walk: Walk, demo: dict[str, Any]) -> None:
    walk.visit(reverse("review-rounds"))
    walk.page.locator(f"a[href='{reverse('review-round', args=[demo['round'].pk])}']").first.click()
    walk.page.wait_for_load_state()
    walk.check("the round")
    walk.visit(reverse("review-approve", args=[demo["round"].pk]))
    assert demo["round"].decision.number in walk.text()
    assert walk.download(f"a[href='{reverse('review-decision', args=[demo['round'].pk])}']").startswith(b"%PDF")
    walk.visit(reverse("household-detail", args=[demo["certified"].pk]))
    assert walk.download("#poverty-status a[download]").startswith(b"%PDF")


def _analyst(walk: Walk, demo: dict[str, Any]) -> None:
    from ansinh.tasks.actions import run_pending
    from ansinh.tasks.models import Task

    assert demo["ward"].name in walk.text()
    walk.page.locator(".pagination a[rel=next]").first.click()
    walk.page.wait_for_load_state()
    walk.check("the second page of wards")
    assert "Xã Trống" in walk.text()
    walk.visit(reverse("review-round", args=[demo["round"].pk]))
    walk.visit(reverse("review-summary", args=[demo["round"].pk]))
    walk.visit(reverse("export") + f"?ward={demo['ward'].code}")
    walk.page.select_option("#id_format", "xlsx")
    with walk.page.expect_navigation():
        walk.page.locator("main form button[type=submit]").click()
    walk.check("the export's progress")
    task_url = walk.page.url
    assert walk.page.locator("#export-progress progress").count() == 1
    # The worker writes the workbook (no page is open meanwhile: the live server shares its database connection).
    walk.page.goto("about:blank")
    run_pending()
    assert Task.objects.filter(kind="imports.export_xlsx").latest("pk").status == "done"
    walk.visit(task_url)
    assert walk.download("#export-download").startswith(b"PK")


def _program(walk: Walk, demo: dict[str, Any]) -> None:
    walk.visit(reverse("payroll-list"))
    walk.page.locator("main a[href^='/payrolls/']").first.click()
    walk.page.wait_for_load_state()
    walk.check("a payroll")
    walk.page.locator("main a[href*='/lines/']").first.click()
    walk.page.wait_for_load_state()
    walk.check("the payroll's lines")
    walk.visit(reverse("enrolment-list"))


def _caseworker(walk: Walk, demo: dict[str, Any]) -> None:
    walk.visit(reverse("household-search") + f"?q={demo['certified'].code}")
    walk.visit(reverse("household-detail", args=[demo["certified"].pk]))
    assert walk.page.locator("#poverty-status").count() == 0
    walk.visit(reverse("review-round", args=[demo["round"].pk]), expect_status=403)
    text = walk.text()
    assert "Bạn không thể thực hiện việc này" in text and "You cannot do this" in text


def _admin(walk: Walk, demo: dict[str, Any]) -> None:
    walk.visit(reverse("audit-search") + "?q=")
    walk.visit(reverse("import-index"))
    response = walk.page.goto(reverse("admin:index"))
    assert response is not None and response.status == 200
    assert walk.server_errors == []


JOURNEYS = {
    "demo-officer": _officer,
    "demo-chairman": _chairman,
    "demo-analyst": _analyst,
    "demo-program": _program,
    "demo-caseworker": _caseworker,
    "demo-admin": _admin,
}


@pytest.mark.parametrize("username", list(JOURNEYS))
def test_each_demo_role_walks_its_everyday_journeys(open_session: Any, demo_city: dict[str, Any], username: str):
    _walk(open_session, demo_city, username, JOURNEYS[username])
