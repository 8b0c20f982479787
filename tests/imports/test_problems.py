"""The problems found in an import's rows are stored as a code and its parameters and worded when shown: in the
reader's language on the pages, in Vietnamese in the marked-up file (the Vietnamese template handed back).
Batches staged before the codes still show their stored text."""

from __future__ import annotations

import io

import openpyxl
import polars as pl
import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from ansinh.imports import actions, problems
from ansinh.imports.columns import MEMBER_SHEET
from ansinh.imports.models import BatchStatus

from .conftest import household, member

FUTURE_VI = "Ngày sinh 01/01/2999 ở tương lai."
FUTURE_EN = "The date of birth 01/01/2999 is in the future."
WARD_VI = "Mã phường/xã 99999 không tồn tại."
WARD_EN = "The ward code 99999 does not exist."
HELD_VI = "Không nhập vì hộ hoặc thành viên khác của hộ bị lỗi."
HELD_EN = "Not imported because the household or another of its members has errors."


@pytest.fixture
def bad_batch(run_import, files, officer, ward_a):
    batch = run_import(
        files(
            [household("H1"), household("H2", ward="99999")],
            [
                member("H1", dob="01/01/2999", with_id=False),
                member("H1", "Lê Thị Hoa", "Nữ", "01/01/1982", "Vợ/chồng"),
                member("H2", "Phạm Văn Bảo", dob="02/02/1960"),
            ],
        ),
        officer,
    )
    assert batch.status == BatchStatus.VALIDATED
    return batch


def _detail(client, batch, language: str) -> str:
    client.post("/i18n/setlang/", {"language": language, "next": "/"})
    return client.get(reverse("import-detail", args=[batch.pk])).content.decode()


def test_the_batch_page_shows_the_problems_in_the_readers_language(client, officer, bad_batch):
    client.force_login(officer)

    vi = _detail(client, bad_batch, "vi")
    en = _detail(client, bad_batch, "en")

    assert FUTURE_VI in vi and WARD_VI in vi and HELD_VI in vi
    assert FUTURE_EN in en and WARD_EN in en and HELD_EN in en
    assert FUTURE_VI not in en and WARD_VI not in en and HELD_VI not in en
    assert "Ngày sinh" in en  # the column is named as in the officer's file


def test_the_issues_file_holds_codes_and_parameters_not_text(bad_batch):
    frame = pl.read_parquet(bad_batch.directory / "issues.parquet")

    assert "message" not in frame.columns
    future = frame.filter(pl.col("code") == "birth_in_future")
    assert future.select("table", "row", "column", "params", "level").rows() == [
        ("members", 2, "Ngày sinh", ["01/01/2999"], "error")
    ]


def test_an_import_staged_with_text_only_problems_still_shows_them(client, officer, bad_batch):
    old = pl.DataFrame(
        {
            "table": ["members"],
            "row": [2],
            "column": ["Ngày sinh"],
            "value": ["01/01/2999"],
            "message": ["Ngày sinh 01/01/2999 ở tương lai (cũ)."],
            "level": ["error"],
        }
    )
    old.write_parquet(bad_batch.directory / "issues.parquet")
    client.force_login(officer)

    for language in ("vi", "en"):
        assert "Ngày sinh 01/01/2999 ở tương lai (cũ)." in _detail(client, bad_batch, language)
    with translation.override("en"):
        assert problems.rows(actions.issues(bad_batch))[0]["message"] == "Ngày sinh 01/01/2999 ở tương lai (cũ)."


def test_the_marked_file_keeps_its_vietnamese_reasons_when_asked_for_in_english(client, officer, bad_batch):
    client.force_login(officer)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})

    response = client.get(reverse("import-errors", args=[bad_batch.pk]))

    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    ws = workbook[MEMBER_SHEET]
    headers = [c.value for c in ws[1]]
    note = ws.cell(row=2, column=headers.index("Lỗi") + 1).value
    assert note == f"Lỗi – Ngày sinh: {FUTURE_VI}"
    assert HELD_VI in ws.cell(row=3, column=headers.index("Lỗi") + 1).value


def test_the_import_command_prints_the_problems_in_the_active_language(files, officer, ward_a):
    paths = files([household("H1")], [member("H1", dob="01/01/2999", with_id=False)])
    out = {}
    for language in ("vi", "en"):
        stdout = io.StringIO()
        with translation.override(language), pytest.raises(SystemExit):
            call_command("import", str(paths[0]), "--members", str(paths[1]), "--user", officer.username, stdout=stdout)
        out[language] = stdout.getvalue()

    assert FUTURE_VI in out["vi"] and FUTURE_EN in out["en"] and FUTURE_VI not in out["en"]


def test_every_problem_has_its_vietnamese_wording():
    with translation.override("vi"):
        untranslated = [
            code for code, (wording, _names) in problems.MESSAGES.items() if translation.gettext(wording) == wording
        ]
    assert untranslated == []


def test_a_problem_with_a_missing_parameter_is_no_problem_as_the_text_it_replaced_was():
    frame = pl.DataFrame({"v": ["x", None]})

    found = frame.select(
        problems.problem("bad_date", pl.col("v")).alias("p"), pl.format("Ngày “{}”", pl.col("v")).alias("text")
    )

    assert found["p"].is_null().to_list() == found["text"].is_null().to_list() == [False, True]
