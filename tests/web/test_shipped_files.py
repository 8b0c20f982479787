"""Every file the app hands out to be filled in comes back in: the import templates (XLSX, CSV), the round's
offline workbooks and the XLSForms, downloaded through the pages an officer uses, are imported back
unchanged and then filled with a few valid rows, and the app accepts them."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from ansinh.imports.columns import HOUSEHOLD_COLUMNS, MEMBER_COLUMNS
from ansinh.imports.models import ImportBatch
from ansinh.registry.models import Household
from ansinh.review import actions
from ansinh.review.models import SurveyResponse
from ansinh.tasks.actions import run_pending
from tests.imports.conftest import household, member
from tests.review.conftest import make_round, poor_household  # noqa: F401 - fixtures

SHIPPED = re.compile(r'href="([^"]*/(?:template/[^"/]+/|xlsform/[AB]\.xlsx|\d+/offline/[AB]\.xlsx))"')


@pytest.fixture(autouse=True)
def _settings(settings: Any, tmp_path: Any) -> None:
    settings.LANGUAGE_CODE = "vi"
    settings.IMPORT_STAGING_DIR = str(tmp_path / "staging")


@pytest.fixture
def officer_client(officer: Any) -> Client:
    client = Client()
    client.force_login(officer)
    return client


@pytest.fixture
def listed(officer: Any, make_round: Any, poor_household: Any) -> Any:  # noqa: F811 - the fixture above
    review_round = make_round()
    actions.do_build_household_list(actor=officer, review_round=review_round)
    return review_round


def _links(client: Client, *pages: str) -> set[str]:
    found: set[str] = set()
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
        found |= set(SHIPPED.findall(response.content.decode()))
    return found


def _import(client: Client, files: dict[str, bytes], *, commit: bool = True) -> ImportBatch:
    """Upload through the import page, let the worker check it, and commit it (a blank file: nothing to commit,
    but read and checked without a refusal)."""
    uploads = [SimpleUploadedFile(name, data) for name, data in files.items()]
    form = {"file": uploads[0], **({"members_file": uploads[1]} if len(uploads) > 1 else {})}
    response = client.post(reverse("import-index"), form)
    assert response.status_code == 302, response.content.decode()[-2000:]
    run_pending()
    batch = ImportBatch.objects.latest("pk")
    assert batch.status == "validated", (batch.status, batch.error_code, batch.error_params)
    assert client.get(reverse("import-detail", args=[batch.pk])).status_code == 200
    if not commit:
        assert not batch.can_commit()
        return batch
    client.post(reverse("import-commit", args=[batch.pk]))
    run_pending()
    batch.refresh_from_db()
    assert batch.status == "committed", (batch.status, batch.report, batch.error)
    return batch


def _fill_sheet(sheet: Any, columns: Any, rows: list[dict[str, Any]]) -> None:
    headers = [c.value for c in sheet[1]]
    by_header = {c.header: c.field for c in columns}
    for r, values in enumerate(rows, start=2):
        for i, header in enumerate(headers, start=1):
            sheet.cell(row=r, column=i, value=values.get(by_header.get(header, ""), None) or None)


def _filled_households() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    households = [household("79-26734-900001"), household("79-26734-900002", floor_area_m2="")]
    members = [
        member("79-26734-900001"),
        member("79-26734-900001", name="Trần Thị Bình", sex="Nữ", dob="02/03/1985", relation="Vợ/chồng"),
        member("79-26734-900002", name="Lê Văn Cường", dob="09/09/1970"),
    ]
    return households, members


def _import_template_xlsx(client: Client, url: str) -> None:
    blank = client.get(url).content
    _import(client, {"mau-nhap-ho-gia-dinh.xlsx": blank}, commit=False)
    workbook = load_workbook(io.BytesIO(blank))
    households, members = _filled_households()
    _fill_sheet(workbook["Hộ gia đình"], HOUSEHOLD_COLUMNS, households)
    _fill_sheet(workbook["Thành viên"], MEMBER_COLUMNS, members)
    out = io.BytesIO()
    workbook.save(out)
    _import(client, {"mau-nhap-ho-gia-dinh.xlsx": out.getvalue()})
    assert Household.objects.filter(code__startswith="79-26734-9000").count() == 2


def _csv(blank: bytes, columns: Any, rows: list[dict[str, Any]]) -> bytes:
    import csv

    text = io.StringIO()
    text.write(blank.decode("utf-8"))
    writer = csv.writer(text, lineterminator="\r\n")
    for row in rows:
        writer.writerow([row.get(c.field, "") for c in columns])
    return text.getvalue().encode("utf-8")


def _import_template_csvs(client: Client, households_url: str, members_url: str) -> None:
    blank_h, blank_m = client.get(households_url).content, client.get(members_url).content
    _import(client, {"mau-ho-gia-dinh.csv": blank_h, "mau-thanh-vien.csv": blank_m}, commit=False)
    households, members = _filled_households()
    households = [dict(h, code=h["code"].replace("9000", "9100")) for h in households]
    members = [dict(m, household_code=m["household_code"].replace("9000", "9100")) for m in members]
    _import(
        client,
        {
            "mau-ho-gia-dinh.csv": _csv(blank_h, HOUSEHOLD_COLUMNS, households),
            "mau-thanh-vien.csv": _csv(blank_m, MEMBER_COLUMNS, members),
        },
    )
    assert Household.objects.filter(code__startswith="79-26734-9100").count() == 2


def _survey_upload(client: Client, review_round: Any, form: str, name: str, data: bytes) -> None:
    response = client.post(
        reverse("review-survey-import", args=[review_round.pk, form]), {"file": SimpleUploadedFile(name, data)}
    )
    assert response.status_code == 302, response.content.decode()[-3000:]


def _first_choice(workbook: Any, sheet: Any, column: int) -> Any:
    """The first value the column's drop-down offers (what an officer picks in Excel)."""
    letter = sheet.cell(row=1, column=column).column_letter
    for dv in sheet.data_validations.dataValidation:
        if dv.type == "list" and any(letter in str(r) for r in dv.sqref.ranges):
            formula = dv.formula1.strip('"')
            if "!" not in formula:
                return formula.split(",")[0]
            sheet_name, ref = formula.split("!")
            first = ref.split(":")[0].replace("$", "")
            return workbook[sheet_name.strip("'")][first].value
    return None


def _import_offline_workbook(client: Client, review_round: Any, form: str, url: str) -> None:
    blank = client.get(url).content
    _survey_upload(client, review_round, form, f"phieu-{form}.xlsx", blank)
    workbook = load_workbook(io.BytesIO(blank))
    filled_any = False
    for sheet_name in ("Hộ", "Thành viên"):
        if sheet_name not in workbook.sheetnames:
            continue
        sheet = workbook[sheet_name]
        names = [c.value for c in sheet[1]]
        for row in range(3, sheet.max_row + 1):
            for column, name in enumerate(names, start=1):
                if name == "surveyed_on":
                    sheet.cell(row=row, column=column, value=dt.datetime(2025, 9, 10))
                value = _first_choice(workbook, sheet, column)
                if value is not None:
                    sheet.cell(row=row, column=column, value=value)
                    filled_any = True
    assert filled_any
    out = io.BytesIO()
    workbook.save(out)
    _survey_upload(client, review_round, form, f"phieu-{form}.xlsx", out.getvalue())
    survey = SurveyResponse.objects.get(round_household__round=review_round, form=form)
    assert any(survey.answers.values())


def _import_xlsform(client: Client, review_round: Any, form: str, url: str) -> None:
    """The XLSForm is read back as ODK would read it; a submission made from its names and choices imports."""
    workbook = load_workbook(io.BytesIO(client.get(url).content))
    assert {"survey", "choices", "settings"} <= set(workbook.sheetnames)
    survey = list(workbook["survey"].iter_rows(values_only=True))
    head = list(survey[0])
    choices: dict[str, str] = {}
    for list_name, name, *_labels in list(workbook["choices"].iter_rows(values_only=True))[1:]:
        choices.setdefault(str(list_name), str(name))
    listed = review_round.households.get()
    member_ids = [str(m.pk) for m in listed.household.members.all()]
    record: dict[str, Any] = {}
    repeat: dict[str, Any] | None = None
    group = ""
    for row in survey[1:]:
        cells = dict(zip(head, row, strict=False))
        kind, name = str(cells["type"] or ""), str(cells["name"] or "")
        if kind in ("begin_group", "begin group"):
            group = name
            continue
        if kind in ("begin_repeat", "begin repeat"):
            repeat = {}
            continue
        if kind in ("end_repeat", "end repeat"):
            record[name or "members"] = [dict(repeat or {}, member_id=m) for m in member_ids]
            repeat = None
            continue
        if kind.startswith("end"):
            group = ""
            continue
        value: Any = {"text": "x", "integer": "1", "decimal": "20.5", "date": "2025-09-10"}.get(kind)
        if kind.startswith("select_one "):
            value = choices[kind.split(" ", 1)[1]]
        if name == "household_code":
            value = listed.household.code
        if name in ("member_id", "member_name") or value is None:
            continue
        if repeat is not None:
            repeat[name] = value
        else:
            record[f"{group}/{name}" if group else name] = value
    _survey_upload(client, review_round, form, f"odk-{form}.json", json.dumps({"results": [record]}).encode())


def test_it_takes_back_every_file_it_ships_unchanged_and_filled(officer_client: Client, listed: Any) -> None:
    review_round = listed
    links = _links(
        officer_client,
        reverse("import-index"),
        reverse("review-rounds"),
        reverse("review-round", args=[review_round.pk]),
    )
    expected = {
        reverse("import-template", args=["xlsx"]),
        reverse("import-template", args=["households"]),
        reverse("import-template", args=["members"]),
        reverse("review-xlsform", args=["A"]),
        reverse("review-xlsform", args=["B"]),
        reverse("review-offline", args=[review_round.pk, "A"]),
        reverse("review-offline", args=[review_round.pk, "B"]),
    }
    assert links == expected  # a new file handed out needs its round trip below
    _import_template_xlsx(officer_client, reverse("import-template", args=["xlsx"]))
    _import_template_csvs(
        officer_client, reverse("import-template", args=["households"]), reverse("import-template", args=["members"])
    )
    for form in ("A", "B"):
        _import_offline_workbook(
            officer_client, review_round, form, reverse("review-offline", args=[review_round.pk, form])
        )
    SurveyResponse.objects.all().delete()
    for form in ("A", "B"):
        _import_xlsform(officer_client, review_round, form, reverse("review-xlsform", args=[form]))
    assert set(SurveyResponse.objects.values_list("form", flat=True)) == {"A", "B"}


def test_it_reads_a_workbook_whose_list_sheet_has_member_headers(officer_client: Client, ward_a: Any) -> None:
    """The template's «Danh mục» sheet heads its lists with the columns' names (Giới tính, Quan hệ với chủ hộ):
    a sheet of lists is not a second member sheet."""
    workbook = Workbook()
    lists = workbook.active
    assert lists is not None
    lists.title = "Danh sách chọn"
    lists.append(["Giới tính", "Quan hệ với chủ hộ", "Họ và tên"])
    lists.append(["Nam", "Chủ hộ", ""])
    households, members = _filled_households()
    h = workbook.create_sheet("Hộ gia đình")
    h.append([c.header for c in HOUSEHOLD_COLUMNS])
    m = workbook.create_sheet("Thành viên")
    m.append([c.header for c in MEMBER_COLUMNS])
    _fill_sheet(h, HOUSEHOLD_COLUMNS, households)
    _fill_sheet(m, MEMBER_COLUMNS, members)
    out = io.BytesIO()
    workbook.save(out)
    _import(officer_client, {"ho.xlsx": out.getvalue()})
    assert Household.objects.filter(code__startswith="79-26734-9000").count() == 2
