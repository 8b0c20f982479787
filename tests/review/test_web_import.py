"""Offline surveys come back: a filled-in workbook or an ODK / KoBoToolbox JSON export becomes drafts."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from ansinh.review import actions
from ansinh.review.models import SurveyResponse


@pytest.fixture(autouse=True)
def _web_settings(settings, tmp_path_factory):
    settings.LANGUAGE_CODE = "vi"
    settings.STATIC_ROOT = str(tmp_path_factory.mktemp("static"))


@pytest.fixture
def listed(officer, make_round, poor_household):
    review_round = make_round()
    actions.do_build_household_list(actor=officer, review_round=review_round)
    return review_round, review_round.households.get()


@pytest.fixture
def officer_client(officer):
    client = Client()
    client.force_login(officer)
    return client


def filled_workbook(client, review_round, *, floor_area="12,5", income=1_200_000, water="Nước máy") -> bytes:
    """The round's offline workbook for form B, filled in the way an officer would in Excel."""
    workbook = load_workbook(io.BytesIO(client.get(reverse("review-offline", args=[review_round.pk, "B"])).content))
    households, members = workbook["Hộ"], workbook["Thành viên"]
    names = [c.value for c in households[1]]
    households.cell(row=3, column=names.index("surveyed_on") + 1, value=dt.datetime(2025, 9, 10))
    households.cell(row=3, column=names.index("floor_area_m2") + 1, value=floor_area)
    households.cell(row=3, column=names.index("has_tv") + 1, value="Không")
    households.cell(row=3, column=names.index("water_source") + 1, value=water)
    names = [c.value for c in members[1]]
    members.cell(row=3, column=names.index("monthly_income") + 1, value=income)
    members.cell(row=3, column=names.index("has_health_insurance") + 1, value="Có")
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def upload(client, review_round, name: str, data: bytes, form: str = "B"):
    return client.post(
        reverse("review-survey-import", args=[review_round.pk, form]), {"file": SimpleUploadedFile(name, data)}
    )


def test_it_imports_a_filled_in_workbook_as_a_draft_and_a_second_import_changes_nothing(
    officer_client, listed, poor_household
):
    review_round, rh = listed
    data = filled_workbook(officer_client, review_round)
    response = upload(officer_client, review_round, "phieu-b.xlsx", data)
    assert response.status_code == 302
    survey = SurveyResponse.objects.get(round_household=rh, form="B")
    member = poor_household.members.get()
    assert survey.status == "draft" and survey.source == "xlsx" and survey.surveyed_on == dt.date(2025, 9, 10)
    # The Vietnamese word chosen in the drop-down comes back as its code; the rest is what the registry held.
    household = survey.answers["household"]
    assert (household["floor_area_m2"], household["has_tv"], household["water_source"]) == (12.5, False, "piped")
    assert household["toilet_type"] == poor_household.toilet_type
    answers = survey.answers["members"][str(member.pk)]
    assert (answers["monthly_income"], answers["has_health_insurance"]) == (1_200_000, True)
    assert answers["employment_status"] == member.employment_status
    assert poor_household.members.get().monthly_income != 1_200_000  # drafts do not reach the registry
    upload(officer_client, review_round, "phieu-b.xlsx", data)
    assert SurveyResponse.objects.get(pk=survey.pk).version == survey.version


def test_it_saves_nothing_when_one_row_is_wrong_and_says_which(officer_client, listed):
    review_round, _rh = listed
    response = upload(
        officer_client, review_round, "phieu-b.xlsx", filled_workbook(officer_client, review_round, floor_area="-4")
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Trang Hộ, dòng 3, cột Tổng diện tích nhà ở (m²)" in html and 'id="import-problems"' in html
    assert "floor_area_m2" not in html and "household." not in html
    assert not SurveyResponse.objects.exists()


def test_the_workbook_offers_vietnamese_words_and_takes_the_codes_of_older_workbooks_too(
    officer_client, listed, poor_household
):
    review_round, rh = listed
    content = officer_client.get(reverse("review-offline", args=[review_round.pk, "B"])).content
    workbook = load_workbook(io.BytesIO(content))
    lists = [c.value for row in workbook["Danh mục"].iter_rows() for c in row if c.value]
    assert "Nước máy" in lists and "Có việc làm" in lists
    assert "piped" not in lists and "employed" not in lists
    members = workbook["Thành viên"]
    names = [c.value for c in members[1]]
    assert members.cell(row=3, column=names.index("employment_status") + 1).value == "Có việc làm"  # from the registry
    response = upload(
        officer_client, review_round, "phieu-b.xlsx", filled_workbook(officer_client, review_round, water="piped")
    )
    assert response.status_code == 302
    assert SurveyResponse.objects.get(round_household=rh).answers["household"]["water_source"] == "piped"


def test_a_member_answer_that_is_not_a_choice_is_named_by_sheet_row_and_column(officer_client, listed):
    review_round, _rh = listed
    workbook = load_workbook(io.BytesIO(filled_workbook(officer_client, review_round)))
    members = workbook["Thành viên"]
    names = [c.value for c in members[1]]
    members.cell(row=3, column=names.index("employment_status") + 1, value="Làm thuê")
    out = io.BytesIO()
    workbook.save(out)
    html = upload(officer_client, review_round, "phieu-b.xlsx", out.getvalue()).content.decode()
    assert "Trang Thành viên, dòng 3, cột Tình trạng việc làm" in html
    assert "members." not in html and "employment_status" not in html


def test_it_imports_a_kobotoolbox_json_export_with_the_members_repeat(officer_client, listed, poor_household):
    review_round, rh = listed
    member = poor_household.members.get()
    export = {
        "results": [
            {
                "household_code": poor_household.code,
                "surveyed_on": "2025-09-12",
                "household/has_tv": "yes",
                "household/other_income_monthly": "0",
                "members": [
                    {
                        "members/member_id": str(member.pk),
                        "members/member_name": member.full_name,
                        "members/employment_status": member.employment_status,
                        "members/monthly_income": "900000",
                    }
                ],
                "_uuid": "ignored",
            }
        ]
    }
    response = upload(officer_client, review_round, "kobo.json", json.dumps(export).encode())
    assert response.status_code == 302
    survey = SurveyResponse.objects.get(round_household=rh)
    assert survey.source == "xlsform" and survey.surveyed_on == dt.date(2025, 9, 12)
    assert survey.answers["household"] == {"has_tv": True, "other_income_monthly": 0}
    assert survey.answers["members"][str(member.pk)]["monthly_income"] == 900_000


def test_it_refuses_households_and_members_that_are_not_on_the_list(officer_client, listed, rich_household):
    review_round, _rh = listed
    export = [
        {"household_code": rich_household.code, "household-has_tv": "no"},
        {
            "household_code": review_round.households.get().household.code,
            "members": [{"member_id": "999999", "monthly_income": "1"}],
        },
    ]
    response = upload(officer_client, review_round, "central.json", json.dumps(export).encode())
    html = response.content.decode()
    assert response.status_code == 400
    assert rich_household.code in html and "999999" in html
    assert not SurveyResponse.objects.exists()


def test_it_hides_the_import_from_another_wards_officer_and_the_chairman(listed, officer_b, chairman):
    review_round, _rh = listed
    outsider, boss = Client(), Client()
    outsider.force_login(officer_b)
    boss.force_login(chairman)
    assert outsider.get(reverse("review-survey-import", args=[review_round.pk, "B"])).status_code == 404
    assert boss.get(reverse("review-survey-import", args=[review_round.pk, "B"])).status_code == 403


def test_it_refuses_a_workbook_with_a_stray_cell_far_away_before_reading_it(officer_client, listed, tmp_path):
    from tests.imports import hostile

    review_round, _entry = listed
    path = hostile.one_cell_at(tmp_path / "far.xlsx", "XFD1048576")
    response = upload(officer_client, review_round, "far.xlsx", path.read_bytes())
    assert response.status_code == 400
    assert "XFD1048576" in response.content.decode()
    assert not SurveyResponse.objects.exists()


def test_it_reads_a_workbook_whose_declared_dimension_is_false(officer_client, listed, tmp_path):
    import re
    import zipfile

    review_round, _entry = listed
    data = filled_workbook(officer_client, review_round)
    src, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            part = src.read(info)
            if info.filename.startswith("xl/worksheets/"):
                part = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', part)
            dst.writestr(info.filename, part)
    response = upload(officer_client, review_round, "filled.xlsx", out.getvalue())
    assert response.status_code in (200, 302)
    assert SurveyResponse.objects.count() == 1


def test_the_offline_workbook_and_the_provisional_list_keep_a_hostile_name_as_text(officer_client, listed):
    import zipfile

    from ansinh.lib.sheets import save_workbook
    from ansinh.registry.models import Member
    from ansinh.review.documents import xlsx

    injection = '=HYPERLINK("http://evil.example/","Bấm vào đây")'
    review_round, _rh = listed
    Member.objects.update(full_name=injection)  # as if registered so: the name is the attacker's
    data = officer_client.get(reverse("review-offline", args=[review_round.pk, "B"])).content
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        sheets = b"".join(zf.read(n) for n in zf.namelist() if n.startswith("xl/worksheets/"))
    assert b"<f>" not in sheets and b"<f " not in sheets
    assert load_workbook(io.BytesIO(data))["Thành viên"].cell(row=3, column=3).value == injection
    assert xlsx.save_workbook is save_workbook  # the provisional list is saved by the one writer too


def test_an_odk_answer_that_is_not_a_choice_is_named_by_record_and_question(officer_client, listed, poor_household):
    review_round, _rh = listed
    member = poor_household.members.get()
    export = [
        {
            "household_code": poor_household.code,
            "members": [{"member_id": str(member.pk), "employment_status": "freelance"}],
        }
    ]
    html = upload(officer_client, review_round, "central.json", json.dumps(export).encode()).content.decode()
    assert "bản ghi 1 (hộ" in html and "câu hỏi Tình trạng việc làm" in html
    assert "members." not in html and "employment_status" not in html
