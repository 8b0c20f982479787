"""Browser tests: Playwright for Python driving Debian's Chromium against a live Django server.

* The browser is ``/usr/bin/chromium`` (override with ``ANSINH_CHROMIUM``); ``playwright install`` is never
  used. Without the browser or the ``playwright`` package the tests skip with the reason printed, except
  under ``CI=true`` where they fail: CI must run them.
* The server is pytest-django's ``live_server`` (a thread in this process). The tests use
  ``transactional_db``: on PostgreSQL the server thread sees committed rows; on SQLite the test database
  is in memory and Django shares the one connection with the server thread.
* Playwright's sync API runs an event loop in this thread, which makes Django refuse ORM calls from it
  ("async context"); seeding and checks run between page actions, never concurrently with them, so
  ``DJANGO_ALLOW_ASYNC_UNSAFE`` is set for these tests only.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = os.environ.get("ANSINH_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
SCREENSHOTS = Path(os.environ.get("ANSINH_SCREENSHOTS", "/tmp/ansinh-e2e"))
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
PASSWORD = "pw-for-browser-tests"


def _unavailable() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (pip install -e '.[test]')"
    if not (Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK)) and not shutil.which(CHROMIUM):
        return f"no Chromium at {CHROMIUM} (apt-get install -y chromium)"
    return None


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    """Skip the browser tests, saying why, when they cannot run, except under CI=true: there the
    ``browser`` fixture fails them instead."""
    reason = _unavailable()
    if reason is None or os.environ.get("CI", "").lower() == "true":
        return
    print(f"\nbrowser tests skipped: {reason}")
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.skip(reason=f"browser tests skipped: {reason}"))


class _Chromium:
    """One Playwright and one Chromium per test process, however many modules register the ``browser``
    fixture (``tests/web/test_browser.py`` reuses these fixtures): two sync Playwright instances cannot
    live in one process."""

    users = 0
    playwright: Any = None
    browser: Any = None

    @classmethod
    def acquire(cls) -> Any:
        if cls.browser is None:
            from playwright.sync_api import sync_playwright

            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            cls.playwright = sync_playwright().start()
            cls.browser = cls.playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        cls.users += 1
        return cls.browser

    @classmethod
    def release(cls) -> None:
        cls.users -= 1
        if cls.users == 0 and cls.browser is not None:
            cls.browser.close()
            cls.playwright.stop()
            cls.browser = cls.playwright = None
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    reason = _unavailable()
    if reason is not None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true and the browser tests cannot run: {reason}")
        pytest.skip(f"browser tests skipped: {reason}")
    chromium = _Chromium.acquire()
    try:
        yield chromium
    finally:
        _Chromium.release()


class Session:
    """One signed-in user's browser context, with helpers that keep the tests short."""

    def __init__(self, browser: Any, base_url: str, *, viewport: dict[str, int], name: str) -> None:
        self.context = browser.new_context(
            base_url=base_url, viewport=viewport, locale="vi-VN", accept_downloads=True, timezone_id="Asia/Ho_Chi_Minh"
        )
        self.context.set_default_timeout(15_000)
        self.page = self.context.new_page()
        self.name = name
        self.errors: list[str] = []
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        self.page.on("console", self._console)

    def _console(self, message: Any) -> None:
        # A form with errors answers 400 and a page outside the scope 404, on purpose; the browser logs
        # those responses as console errors. Script errors and CSP violations still count.
        expected = "Failed to load resource: the server responded with a status of 4"
        if (
            message.type == "error"
            and "favicon" not in (message.location or {}).get("url", "") + message.text
            and not message.text.startswith(expected)
        ):
            self.errors.append(message.text)

    def sign_in(self, username: str, password: str = PASSWORD) -> None:
        self.page.goto("/login/")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", password)
        with self.page.expect_navigation():
            self.page.click("main button[type=submit]")
        if "/login/" in self.page.url:
            self.shot("login-failed")
            raise AssertionError(f"{username} could not sign in: {self.page.locator('main').inner_text()[:500]}")

    def shot(self, label: str) -> Path:
        path = SCREENSHOTS / f"{self.name}-{label}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def status_of(self, path: str) -> int:
        response = self.page.goto(path)
        assert response is not None
        return int(response.status)

    def close(self) -> None:
        self.context.close()


@pytest.fixture(scope="session")
def _static_root(tmp_path_factory: Any) -> Iterator[None]:
    """WhiteNoise warns (an error under pytest) when STATIC_ROOT does not exist; the live server would be
    the first to build the middleware, so point it at an empty directory (files come from the finders)."""
    from django.conf import settings

    previous = settings.STATIC_ROOT
    settings.STATIC_ROOT = tmp_path_factory.mktemp("static")
    yield
    settings.STATIC_ROOT = previous


@pytest.fixture
def _unlock_approved_rounds_on_teardown(transactional_db: Any) -> Iterator[None]:
    """After a browser test, empty the review tables so the database flush can run.

    An approved round is locked by database triggers (review migrations 0002 and 0003) against every path,
    including the ``DELETE``/``TRUNCATE`` with which pytest-django flushes a transactional test's data.
    Test teardown only: drop the triggers, empty the review tables, put the triggers back.
    """
    yield
    import importlib

    from django.core.management.color import no_style
    from django.db import connection

    # The lock as the migrations leave it: 0002's triggers, replaced on PostgreSQL by 0003's statement
    # triggers. Undone newest first and redone in order, exactly as the migrations would (redoing 0002 alone
    # would leave its row trigger beside 0003's).
    steps = [
        importlib.import_module(f"ansinh.review.migrations.{name}")
        for name in ("0002_lock_triggers", "0003_assessment_statement_triggers")
    ]
    tables = [t for t in connection.introspection.django_table_names(only_existing=True) if t.startswith("review_")]
    with connection.schema_editor() as editor:
        for step in reversed(steps):
            step.drop(None, editor)
    connection.ops.execute_sql_flush(connection.ops.sql_flush(no_style(), tables, allow_cascade=True))
    with connection.schema_editor() as editor:
        for step in steps:
            step.create(None, editor)


@pytest.fixture
def open_session(
    _static_root: None, browser: Any, live_server: Any, transactional_db: Any, _unlock_approved_rounds_on_teardown: None
) -> Iterator[Any]:
    sessions: list[Session] = []

    def open_(name: str, *, phone: bool = False) -> Session:
        session = Session(browser, live_server.url, viewport=PHONE if phone else DESKTOP, name=name)
        sessions.append(session)
        return session

    yield open_
    for session in sessions:
        session.close()


def settled(page: Any) -> None:
    """Wait until the answer just given has been checked (htmx). One request at a time also keeps the
    live server's in-memory SQLite, one connection shared by its threads, from locking the session table."""
    from playwright.sync_api import expect

    expect(page.locator(".htmx-request")).to_have_count(0)


def fill_form_b(page: Any, surveyed_on: str) -> None:
    """Form B on the officer's phone, every question answered: the survey date (dd/mm/yyyy), a small floor
    area, no other income, "no" to every yes/no question, the first choice of every list and 1.000.000 đồng a
    month for each member."""
    page.fill("#id_surveyed_on", surveyed_on)
    page.fill("#id_household__floor_area_m2", "6,5")
    page.keyboard.press("Tab")
    settled(page)
    page.fill("#id_household__other_income_monthly", "0")
    page.keyboard.press("Tab")
    settled(page)
    for radio in page.locator("#survey-form input[type=radio][value=no]").all():
        radio.check()
        settled(page)
    for select in page.locator("#survey-form select").all():
        select.select_option(index=1)
        settled(page)
    for income in page.locator("#survey-form input[name$='__monthly_income']").all():
        income.fill("1.000.000")
        income.press("Tab")
        settled(page)
