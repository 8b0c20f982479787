"""Friendly error pages (issue 13, item 10): the demo runs with DEBUG off, so a user sees a 404, 403 or 500 page
in Vietnamese with English below it, never Django's technical page or a traceback; static files are still
served (WhiteNoise from the finders)."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import include, path, reverse


def _boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug")


urlpatterns = [path("boom/", _boom), path("", include("ansinh.config.urls"))]


def test_the_demo_runs_with_debug_off(tmp_path: Any) -> None:
    env = {**os.environ, "ANSINH_ENV": "demo", "ANSINH_DATA_DIR": str(tmp_path)}
    env.pop("DEBUG", None)
    out = subprocess.run(
        [sys.executable, "-c", "from ansinh.config import settings; print(settings.DEBUG)"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == "False"


def test_a_missing_page_is_friendly_in_vietnamese_and_english(settings: Any, officer_client: Client) -> None:
    settings.DEBUG = False
    response = officer_client.get("/households/999999999/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "Không tìm thấy trang" in body and "Page not found" in body
    assert reverse("home") in body
    assert "Traceback" not in body and "URLconf" not in body


def test_a_refusal_is_friendly_in_vietnamese_and_english(settings: Any, analyst_client: Client) -> None:
    settings.DEBUG = False
    response = analyst_client.get(reverse("household-create"))
    assert response.status_code == 403
    body = response.content.decode()
    assert "Bạn không thể thực hiện việc này" in body and "You cannot do this" in body


@pytest.mark.urls("tests.web.test_error_pages")
def test_a_server_error_is_friendly_and_shows_no_traceback(settings: Any, officer: Any) -> None:
    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    client.force_login(officer)
    response = client.get("/boom/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "Đã xảy ra lỗi" in body and "Something went wrong" in body
    assert "a bug" not in body and "Traceback" not in body


def test_static_files_are_served_with_debug_off(settings: Any, client: Client) -> None:
    settings.DEBUG = False
    response = client.get("/static/ansinh/app.css")
    assert response.status_code == 200
    assert b"error-other-language" in b"".join(response.streaming_content)  # type: ignore[attr-defined]
