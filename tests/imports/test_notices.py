"""What reading says about a whole file (notices above a batch's issues) and why it refuses a file are stored as
codes with their parameters and worded when shown, in the reader's language. Batches staged before the codes
still show their stored text. They name the files as the user uploaded them, not as they are staged."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from ansinh.imports import notices
from ansinh.imports.columns import HOUSEHOLD_COLUMNS, HOUSEHOLD_SHEET, MEMBER_COLUMNS, MEMBER_SHEET
from ansinh.imports.models import BatchStatus, ErrorCode, ImportBatch

from .conftest import household, member, write_csv

IGNORED_VI = "Tệp f-households.csv: cột “Ghi chú riêng” không thuộc mẫu nhập, đã bỏ qua."
IGNORED_EN = "File f-households.csv: the column “Ghi chú riêng” is not in the import template and was ignored."
SHEET_VI = "Trang “Tổng hợp” không có tiêu đề của mẫu nhập, đã bỏ qua."
SHEET_EN = "The sheet “Tổng hợp” has no headers of the import template and was ignored."
FORMULA_VI = "Tệp có 1 ô chứa công thức: hệ thống dùng giá trị đã tính lưu trong tệp"
FORMULA_EN = "Cells with a formula in the file: 1. The system uses the values computed and saved in the file"
XLS_VI = "old.xls là bảng tính Excel cũ (.xls); hãy lưu lại dưới dạng .xlsx."
XLS_EN = "old.xls is an old Excel workbook (.xls); save it again as .xlsx."
UTF8_VI = "Tệp households.csv không phải văn bản UTF-8; hãy lưu lại với mã hoá UTF-8."
UTF8_EN = "File households.csv is not UTF-8 text; save it again with the UTF-8 encoding."


def _page(client, name: str, language: str, *args) -> str:
    client.post("/i18n/setlang/", {"language": language, "next": "/"})
    return client.get(reverse(name, args=args)).content.decode()


def _extra_column(tmp_path: Path) -> list[Path]:
    columns = (*HOUSEHOLD_COLUMNS, type(HOUSEHOLD_COLUMNS[0])("note", "Ghi chú riêng", "text"))
    hh = write_csv(tmp_path / "f-households.csv", columns, [household("H1", note="x")])
    return [hh, write_csv(tmp_path / "f-members.csv", MEMBER_COLUMNS, [member("H1")])]


def _workbook(tmp_path: Path) -> Path:
    """The template's two sheets, one formula cell (never computed) and a sheet that is not data."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for sheet, cols, row in (
        (HOUSEHOLD_SHEET, HOUSEHOLD_COLUMNS, household("H1")),
        (MEMBER_SHEET, MEMBER_COLUMNS, member("H1", monthly_income="=2000*1000")),
    ):
        ws = wb.create_sheet(sheet)
        ws.append([c.header for c in cols])
        ws.append([row.get(c.field) or None for c in cols])
    wb.create_sheet("Tổng hợp").append(["Tổng", 1])
    path = tmp_path / "f.xlsx"
    wb.save(path)
    return path


def _old_xls(tmp_path: Path) -> Path:
    path = tmp_path / "old.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    return path


def test_the_batch_page_shows_the_notices_in_the_readers_language(client, tmp_path, run_import, officer, ward_a):
    csv_batch = run_import(_extra_column(tmp_path), officer)
    xlsx_batch = run_import([_workbook(tmp_path)], officer)
    assert csv_batch.status == xlsx_batch.status == BatchStatus.VALIDATED
    client.force_login(officer)

    vi = _page(client, "import-detail", "vi", csv_batch.pk) + _page(client, "import-detail", "vi", xlsx_batch.pk)
    en = _page(client, "import-detail", "en", csv_batch.pk) + _page(client, "import-detail", "en", xlsx_batch.pk)

    for wording_vi, wording_en in ((IGNORED_VI, IGNORED_EN), (SHEET_VI, SHEET_EN), (FORMULA_VI, FORMULA_EN)):
        assert wording_vi in vi and wording_en not in vi
        assert wording_en in en and wording_vi not in en


def test_the_notices_are_stored_as_codes_and_parameters(tmp_path, run_import, officer, ward_a):
    batch = ImportBatch.objects.get(pk=run_import(_extra_column(tmp_path), officer).pk)

    assert batch.notices == []
    assert batch.notice_codes == [
        {"code": "column_ignored", "params": {"place": {"file": "f-households.csv"}, "column": "Ghi chú riêng"}}
    ]
    assert batch.summary["notices"] == 1


def _not_utf8(tmp_path: Path) -> Path:
    path = tmp_path / "households.csv"
    path.write_bytes("Mã hộ,Mã phường/xã,Địa chỉ\nH1,26734,Số 1\n".encode("cp1258", errors="replace"))
    return path


@pytest.mark.parametrize(
    ("make", "wording_vi", "wording_en"),
    [
        (_old_xls, XLS_VI, XLS_EN),
        (_not_utf8, UTF8_VI, UTF8_EN),
    ],
    ids=["xls", "not-utf8"],
)
def test_an_unreadable_files_refusal_is_shown_in_the_readers_language(
    client, tmp_path, run_import, officer, make, wording_vi, wording_en
):
    batch = run_import([make(tmp_path)], officer)
    assert batch.status == BatchStatus.FAILED
    assert batch.error == "" and batch.error_code == ErrorCode.UNREADABLE
    client.force_login(officer)

    vi = _page(client, "import-detail", "vi", batch.pk)
    en = _page(client, "import-detail", "en", batch.pk)

    assert wording_vi in vi and wording_en not in vi
    assert wording_en in en and wording_vi not in en


def test_a_refusal_is_stored_as_its_code_and_parameters(tmp_path, run_import, officer):
    batch = run_import([_old_xls(tmp_path)], officer)

    assert batch.error_params == {"reason": "old_xls", "params": {"file": "old.xls"}}


def test_a_batch_staged_with_text_only_still_shows_it(client, officer):
    failed = ImportBatch.objects.create(
        created_by=officer, status=BatchStatus.FAILED, error="Tệp rỗng (lưu trước khi có mã)."
    )
    validated = ImportBatch.objects.create(
        created_by=officer,
        status=BatchStatus.VALIDATED,
        files_purged_at="2026-01-01T00:00:00Z",
        summary={"households": 0, "households_valid": 0, "members": 0, "members_valid": 0, "errors": 0},
        notices=["Trang “A”: cột “B” không thuộc mẫu nhập, đã bỏ qua (cũ)."],
    )
    client.force_login(officer)

    for language in ("vi", "en"):
        assert "Tệp rỗng (lưu trước khi có mã)." in _page(client, "import-detail", language, failed.pk)
        assert "cột “B” không thuộc mẫu nhập, đã bỏ qua (cũ)." in _page(client, "import-detail", language, validated.pk)


def test_the_import_command_says_the_notices_and_refusals_in_the_active_language(tmp_path, officer, ward_a):
    paths = _extra_column(tmp_path)
    out, refused = {}, {}
    for language in ("vi", "en"):
        stdout = io.StringIO()
        with translation.override(language):
            call_command("import", str(paths[0]), "--members", str(paths[1]), "--user", officer.username, stdout=stdout)
            with pytest.raises(CommandError) as exc:
                call_command("import", str(_old_xls(tmp_path)), "--user", officer.username)
        out[language], refused[language] = stdout.getvalue(), str(exc.value)

    assert IGNORED_VI in out["vi"] and IGNORED_EN in out["en"] and IGNORED_VI not in out["en"]
    assert refused == {"vi": XLS_VI, "en": XLS_EN}


def test_numbers_are_grouped_as_the_language_writes_them():
    params = {"place": notices.in_sheet("Thành viên"), "limit": 2_000_000}

    with translation.override("vi"):
        assert notices.word("too_many_rows", params) == "Trang “Thành viên”: quá 2.000.000 dòng; hãy chia nhỏ tệp."
    with translation.override("en"):
        assert notices.word("too_many_rows", params) == "Sheet “Thành viên”: more than 2,000,000 rows; split the file."


def test_every_notice_and_refusal_has_its_vietnamese_wording():
    wordings = [*notices.MESSAGES.values(), *notices.PLACES.values()]
    with translation.override("vi"):
        untranslated = [w for w in wordings if translation.gettext(w) == w]
    assert untranslated == []
