"""What the screen masks, the exports mask: a role that sees only the last three digits of ID numbers on screen
(no ``member.change``) gets the same in the XLSX and CSV exports, from the web and from the command line."""

from __future__ import annotations

import datetime

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse

from ansinh.tasks.actions import run_pending
from ansinh.tasks.models import Task
from tests.conftest import member_data
from tests.web.conftest import signed_in

from .conftest import id_for

ID = id_for("M", datetime.date(1980, 5, 17))
MASKED = "•••••••••" + ID[-3:]


@pytest.fixture
def registered(make_household, ward_a):
    return make_household(ward_a, code="A-1", members=[member_data(id_number=ID, legacy_id_number="123456789")])


@pytest.fixture
def chairman(make_user, ward_a):
    return make_user("ward_chairman", wards=[ward_a])


def _xlsx(client, tmp_path) -> list[str]:
    # The workbook is written by the worker (a background export), then downloaded by the one who asked.
    queued = client.get(reverse("export"), {"format": "xlsx", "ward": ""})
    assert queued.status_code == 302
    run_pending()
    task = Task.objects.filter(kind="imports.export_xlsx").latest("pk")
    response = client.get(reverse("export-download", args=[task.pk]))
    assert response.status_code == 200
    path = tmp_path / "e.xlsx"
    path.write_bytes(b"".join(response.streaming_content))
    return [str(c.value) for row in openpyxl.load_workbook(path)["Thành viên"].iter_rows() for c in row]


def _csv(client) -> str:
    response = client.get(reverse("export"), {"format": "csv-members", "ward": ""})
    assert response.status_code == 200
    return b"".join(response.streaming_content).decode("utf-8-sig")


def test_the_export_masks_what_the_screen_masks(registered, officer, chairman, tmp_path):
    whole, masked = signed_in(officer), signed_in(chairman)
    assert ID in _xlsx(whole, tmp_path) and "123456789" in _xlsx(whole, tmp_path)
    cells = _xlsx(masked, tmp_path)
    assert ID not in cells and MASKED in cells and "••••••789" in cells
    assert ID in _csv(whole)
    text = _csv(masked)
    assert ID not in text and MASKED in text and "123456789" not in text
    # The household page, for the same two roles.
    page = reverse("household-detail", args=[registered.pk])
    assert ID in whole.get(page).content.decode() and ID not in masked.get(page).content.decode()


def test_the_command_line_export_masks_for_a_user_who_sees_masked_numbers(registered, chairman, officer, tmp_path):
    for user, expected, absent in ((chairman, MASKED, ID), (officer, ID, MASKED)):
        out = tmp_path / f"{user.username}.csv"
        call_command("export", "--user", user.username, "--out", str(out))
        text = (tmp_path / f"{user.username}.members.csv").read_text("utf-8-sig")
        assert expected in text and absent not in text
