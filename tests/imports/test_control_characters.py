"""A control character in an imported cell is refused by row and column before anything reads it; nothing is
written, and the marked error workbook still opens (the character shown as ``[U+001B]``)."""

from __future__ import annotations

import openpyxl
import pytest
from django.core.management import call_command

from ansinh.registry.models import Household, Member

from .conftest import household, member
from .test_validation import _issues


@pytest.mark.parametrize("character", ["\x00", "\x1b", "\x9b"])
def test_it_refuses_a_control_character_by_row_and_column(files, run_import, officer, ward_a, character):
    paths = files(
        [household("H1"), household("H2", address=f"Số 2{character}[31m, đường Lê Lợi")],
        [member("H1"), member("H2", "Trần Thị Bé", "Nữ", "01/01/1990", full_name=f"Trần{character} Thị Bé")],
    )
    batch = run_import(paths, officer)
    assert batch.status == "validated", batch.error
    errors = _issues(batch)
    code = f"U+{ord(character):04X}"
    assert (
        "households",
        3,
        "Địa chỉ",
        f"Ô chứa một ký tự điều khiển ({code}), không nhìn thấy và không được phép "
        "trong văn bản: hãy gõ lại giá trị hoặc xoá ký tự đó.",
    ) in errors
    assert [(t, r, c) for t, r, c, _m in errors if code in _m] == [
        ("households", 3, "Địa chỉ"),
        ("members", 3, "Họ và tên"),
    ]
    assert batch.summary["households_valid"] == 1


def test_nothing_is_written_when_the_whole_file_must_commit(files, officer, ward_a, tmp_path, capsys):
    hh, mm = files([household("H1", address="Số 1\x1b, Lê Lợi")], [member("H1")])
    with pytest.raises(SystemExit):
        call_command("import", str(hh), "--members", str(mm), "--commit", "--user", officer.username)
    assert not Household.objects.exists() and not Member.objects.exists()
    marked = openpyxl.load_workbook(hh.with_name(hh.stem + ".errors.xlsx"))["Hộ gia đình"]
    row = [c.value for c in marked[2]]
    assert "Số 1[U+001B], Lê Lợi" in row
    assert any("U+001B" in str(v) for v in row if v and "Lỗi" in str(v))


def test_the_valid_rest_commits_without_a_database_error(files, run_import, officer, ward_a):
    paths = files([household("H1"), household("H2", address="x\x00y")], [member("H1"), member("H2", "Lê Văn Tư")])
    batch = run_import(paths, officer, commit=True)
    assert batch.status == "committed", batch.error
    assert list(Household.objects.values_list("code", flat=True)) == ["H1"]


def test_a_workbook_cell_escaping_a_control_character_is_refused_too(tmp_path, run_import, officer, ward_a):
    """XLSX writes ESC as ``_x001B_`` (XML cannot hold it); the reader gives the character back, and it is refused."""
    import io
    import zipfile

    from ansinh.imports.columns import HOUSEHOLD_COLUMNS, HOUSEHOLD_SHEET, MEMBER_COLUMNS, MEMBER_SHEET

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = HOUSEHOLD_SHEET
    ws.append([c.header for c in HOUSEHOLD_COLUMNS])
    ws.append([household("H1", address="Số 1 ZZESC Lê Lợi").get(c.field, "") for c in HOUSEHOLD_COLUMNS])
    members = wb.create_sheet(MEMBER_SHEET)
    members.append([c.header for c in MEMBER_COLUMNS])
    members.append([member("H1").get(c.field, "") for c in MEMBER_COLUMNS])
    plain = io.BytesIO()
    wb.save(plain)
    path = tmp_path / "esc.xlsx"
    with zipfile.ZipFile(plain) as zin, zipfile.ZipFile(path, "w") as zout:
        for name in zin.namelist():
            zout.writestr(name, zin.read(name).replace(b"ZZESC", b"_x001B_"))
    batch = run_import([path], officer)
    assert [(t, r, c) for t, r, c, m in _issues(batch) if "U+001B" in m] == [("households", 2, "Địa chỉ")]
