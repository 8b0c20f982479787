"""An export re-imports with zero changes; exports stay in the user's scope and are audited."""

from __future__ import annotations

import datetime
import io

import openpyxl
import pytest
from django.core.management import call_command

from ansinh.audit.models import AuditEvent
from ansinh.imports.export import csv_stream, export_queryset, write_xlsx
from ansinh.registry.models import Household
from tests.conftest import member_data

from .conftest import id_for


@pytest.fixture
def city(make_household, ward_a, ward_b):
    tricky = member_data(
        full_name='=HYPERLINK("http://x")', id_number=id_for("M", datetime.date(1980, 5, 17)), monthly_income=1_500_000
    )
    make_household(
        ward_a,
        code="A-1",
        members=[
            tricky,
            member_data(
                full_name="Trần Thị Bình",
                sex="F",
                date_of_birth=datetime.date(2012, 2, 29),
                relation="child",
                school_level="primary",
                schooling_status="attending",
                nutrition_status="stunted",
                employment_status="child",
                monthly_income=0,
            ),
        ],
        floor_area_m2=45.5,
        address="+84 hẻm 3",
        has_tv=True,
        other_income_monthly=2_000_000,
    )
    make_household(ward_a, code="A-2", floor_area_m2=None)
    make_household(ward_b, code="B-1")


def _report(batch):
    return {k: v for k, v in batch.report.items() if k != "audit_events"}


def test_it_reimports_a_csv_export_with_zero_changes(city, analyst, tmp_path, run_import):
    qs = export_queryset(analyst)
    paths = []
    for table in ("households", "members"):
        path = tmp_path / f"{table}.csv"
        path.write_bytes(b"".join(csv_stream(qs, table, full_ids=True)))
        paths.append(path)
    text = paths[1].read_text("utf-8-sig")
    assert "'=HYPERLINK" in text  # neutralised for spreadsheets
    assert "+84 hẻm 3" not in paths[0].read_text("utf-8-sig").replace("'+84", "")
    batch = run_import(paths, analyst, commit=True)
    assert batch.summary["errors"] == 0
    assert _report(batch) == {
        "households_added": 0,
        "households_updated": 0,
        "households_unchanged": 3,
        "members_added": 0,
        "members_updated": 0,
        "members_unchanged": 4,
    }


def test_it_reimports_an_xlsx_export_with_zero_changes(city, analyst, tmp_path, run_import):
    path = tmp_path / "export.xlsx"
    assert write_xlsx(export_queryset(analyst), path, full_ids=True) == 3
    ws = openpyxl.load_workbook(path)["Thành viên"]
    names = [c.value for c in ws["B"]]
    assert '=HYPERLINK("http://x")' in names and ws["B2"].data_type == "s"  # text, never a formula
    batch = run_import([path], analyst, commit=True)
    assert batch.summary["errors"] == 0, batch.summary
    assert _report(batch) == {
        "households_added": 0,
        "households_updated": 0,
        "households_unchanged": 3,
        "members_added": 0,
        "members_updated": 0,
        "members_unchanged": 4,
    }


def test_it_exports_only_the_officers_ward(city, officer, ward_b):
    assert set(export_queryset(officer).values_list("code", flat=True)) == {"A-1", "A-2"}
    assert not export_queryset(officer, ward_b.code).exists()
    buf = io.BytesIO()
    write_xlsx(export_queryset(officer, ward_b.code), buf, full_ids=True)
    ws = openpyxl.load_workbook(buf)["Hộ gia đình"]
    assert ws.max_row == 1  # headers only


def test_it_refuses_export_to_a_role_without_the_right(city, make_user, ward_a):
    caseworker = make_user("case_worker", wards=[ward_a])
    assert not export_queryset(caseworker).exists()


def test_it_exports_from_the_command_line_and_audits_it(city, tmp_path):
    out = tmp_path / "p.csv"
    call_command("export", "--ward", "26734", "--out", str(out))
    assert out.read_text("utf-8-sig").count("\n") == 3
    assert (tmp_path / "p.members.csv").exists()
    event = AuditEvent.objects.get(action="household.export")
    assert event.changes["households"] == [None, 2] and event.ward_code == "26734"
    assert Household.objects.count() == 3


def test_the_command_line_export_keeps_what_a_search_finds(city, tmp_path):
    out = tmp_path / "s.csv"
    call_command("export", "--search", "tran thi binh", "--out", str(out))
    lines = out.read_text("utf-8-sig").splitlines()
    assert len(lines) == 2 and lines[1].startswith("A-1,")  # the header and the household where she lives
    event = AuditEvent.objects.get(action="household.export")
    assert event.changes["search"] == [None, "tran thi binh"] and event.changes["households"] == [None, 1]
