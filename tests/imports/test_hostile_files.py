"""Files that are not what they claim are refused (or neutralised) with a clear message, before any row is read."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

from ansinh.imports import actions
from ansinh.imports.columns import HOUSEHOLD_COLUMNS, HOUSEHOLD_SHEET, MEMBER_COLUMNS, MEMBER_SHEET
from ansinh.registry.models import Household, Member

from . import hostile
from .conftest import household, member


def _workbook(tmp_path: Path, households: list[dict], members: list[dict], name: str = "f.xlsx") -> Path:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    tables = ((HOUSEHOLD_SHEET, HOUSEHOLD_COLUMNS, households), (MEMBER_SHEET, MEMBER_COLUMNS, members))
    for sheet, cols, rows in tables:
        ws = wb.create_sheet(sheet)
        ws.append([c.header for c in cols])
        for r in rows:
            ws.append([r.get(c.field) or None for c in cols])
    path = tmp_path / name
    wb.save(path)
    return path


def _rewrite(path: Path, member: str, change) -> None:
    """Rewrite one part of a zip (an .xlsx) in place."""
    with zipfile.ZipFile(path) as zf:
        parts = {i.filename: zf.read(i) for i in zf.infolist()}
    parts[member] = change(parts[member])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)


def _failed(run_import, paths, user) -> str:
    batch = run_import(paths, user)
    assert batch.status == "failed"
    return batch.error_message()  # in LANGUAGE_CODE (Vietnamese)


def test_it_refuses_a_csv_renamed_xlsx(tmp_path, files, run_import, analyst):
    csv_path = files([household("H1")], [member("H1")])[0]
    disguised = tmp_path / "households.xlsx"
    disguised.write_bytes(csv_path.read_bytes())
    assert "không phải bảng tính Excel" in _failed(run_import, [disguised], analyst)


def test_it_refuses_an_old_xls_and_a_binary_file(tmp_path, run_import, analyst):
    xls = tmp_path / "old.xls"
    xls.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    assert ".xls" in _failed(run_import, [xls], analyst)
    blob = tmp_path / "x.csv"
    blob.write_bytes(b"\x00\x01\x02" * 100)
    assert "không phải bảng tính hay tệp CSV" in _failed(run_import, [blob], analyst)


def test_it_refuses_a_csv_that_is_not_utf8(tmp_path, run_import, analyst):
    path = tmp_path / "households.csv"
    path.write_bytes(("Mã hộ,Mã phường/xã,Địa chỉ\nH1,26734,Số 1 đường Lê Lợi\n").encode("cp1258", errors="replace"))
    assert "UTF-8" in _failed(run_import, [path], analyst)


def test_it_refuses_a_zip_bomb(tmp_path, run_import, analyst):
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/workbook.xml", "<workbook/>")
        with zf.open("xl/worksheets/sheet1.xml", "w") as fh:
            for _ in range(40):
                fh.write(b"\0" * (1 << 20))
    assert path.stat().st_size < 1_000_000
    assert "zip bomb" in _failed(run_import, [path], analyst)


def test_it_refuses_a_file_over_the_upload_limit(tmp_path, run_import, analyst, settings):
    settings.IMPORT_MAX_UPLOAD_MB = 1
    path = tmp_path / "households.csv"
    path.write_text("Mã hộ,Mã phường/xã,Địa chỉ\n" + "H1,26734,x\n" * 200_000, encoding="utf-8")
    assert "giới hạn là 1 MB" in _failed(run_import, [path], analyst)


def test_it_reads_a_workbook_with_a_million_styled_empty_rows(tmp_path, run_import, analyst, ward_a):
    path = _workbook(tmp_path, [household("H1")], [member("H1")])
    empty = "".join(f'<row r="{n}"><c r="A{n}" s="1"/><c r="B{n}" s="1"/></row>' for n in range(3, 1_000_003))

    def pad(xml: bytes) -> bytes:
        text = xml.decode()
        text = re.sub(r'<dimension ref="[^"]+"/>', '<dimension ref="A1:T1000002"/>', text)
        return text.replace("</sheetData>", empty + "</sheetData>").encode()

    _rewrite(path, "xl/worksheets/sheet1.xml", pad)
    batch = run_import([path], analyst, commit=True)
    assert batch.status == "committed", batch.error_message() or batch.summary
    assert batch.summary["households"] == 1 and Household.objects.count() == 1


def test_it_uses_cached_formula_values_and_says_so(tmp_path, run_import, analyst, ward_a):
    path = _workbook(tmp_path, [household("H1")], [member("H1", monthly_income="=2000*1000")])

    def cache(xml: bytes) -> bytes:  # as Excel saves it: the formula and its last computed value
        return re.sub(rb"<f>2000\*1000</f><v\s*/?>(</v>)?", b"<f>2000*1000</f><v>2000000</v>", xml)

    _rewrite(path, "xl/worksheets/sheet2.xml", cache)
    batch = run_import([path], analyst, commit=True)
    assert batch.status == "committed", batch.summary
    assert any("công thức" in n and "giá trị đã tính" in n for n in batch.notice_messages())
    assert Member.objects.get().monthly_income == 2_000_000


def test_it_hands_back_the_file_with_errors_marked(tmp_path, run_import, analyst, ward_a):
    from ansinh.imports.workbooks import error_report

    path = _workbook(tmp_path, [household("H1")], [member("H1", dob="01/01/2999", with_id=False)])
    batch = run_import([path], analyst)
    out = io.BytesIO()
    error_report(actions.uploads(batch), actions.issues(batch), out)
    ws = openpyxl.load_workbook(out)[MEMBER_SHEET]
    headers = [c.value for c in ws[1]]
    assert headers[-2:] == ["Lỗi", "Dòng"]
    dob = ws.cell(row=2, column=headers.index("Ngày sinh") + 1)
    assert dob.fill.fgColor.rgb.endswith("FFC7CE")
    assert "ở tương lai" in ws.cell(row=2, column=len(headers) - 1).value


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_it_refuses_an_empty_file(tmp_path, run_import, analyst, suffix):
    path = tmp_path / f"empty{suffix}"
    path.write_bytes(b"")
    assert "rỗng" in _failed(run_import, [path], analyst)


# Workbooks that ask the reader for gigabytes: measured and refused before python-calamine allocates
# (bench/hostile.py measures the peak memory of reading each of them).


@pytest.mark.parametrize("ref", ["XFD1048576", "AF1048576"])
def test_it_refuses_one_stray_cell_far_away_before_reading(tmp_path, run_import, analyst, ref):
    path = hostile.one_cell_at(tmp_path / "far.xlsx", ref)
    assert path.stat().st_size < 3000
    batch = run_import([path], analyst)
    assert batch.status == "failed"
    assert batch.error_params["reason"] == "sheet_too_large"
    assert batch.error_params["params"]["cell"] == ref
    assert batch.error_params["params"]["sheet"] == HOUSEHOLD_SHEET
    assert ref in batch.error_message()


def test_it_refuses_a_reference_outside_the_excel_grid(tmp_path, run_import, analyst):
    batch = run_import([hostile.one_cell_at(tmp_path / "grid.xlsx", "AAAAAAAA3")], analyst)
    assert batch.status == "failed"
    assert batch.error_params["reason"] == "cell_outside_grid"
    assert "AAAAAAAA3" in batch.error_message()


def test_it_refuses_a_dimension_outside_the_grid_and_ignores_a_false_one(tmp_path, run_import, analyst):
    forged = hostile.one_cell_at(tmp_path / "forged.xlsx", "B2", dimension="A1:ZZZZ99999999")
    assert run_import([forged], analyst).error_params["reason"] == "cell_outside_grid"
    # A large declared dimension over a small sheet is not trusted either way: the cells are measured.
    wide = hostile.one_cell_at(tmp_path / "wide.xlsx", "B2", dimension="A1:XFD1048576")
    batch = run_import([wide], analyst)
    assert batch.error_params.get("reason") != "sheet_too_large"


def test_it_refuses_a_workbook_that_expands_past_the_cell_limit(tmp_path, run_import, analyst, settings):
    settings.IMPORT_MAX_CELLS = 100_000  # the same file shape as the 8 MB → 1.1 GB one, scaled down
    path = hostile.expanding(tmp_path / "expands.xlsx", rows=6_000)
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo("xl/worksheets/sheet1.xml")
        assert info.file_size < 200 * info.compress_size  # not a zip bomb by ratio
    batch = run_import([path], analyst)
    assert batch.status == "failed"
    assert batch.error_params["reason"] == "sheet_too_large"


def test_it_refuses_a_sheet_holding_too_much_text(tmp_path, run_import, analyst, settings):
    settings.IMPORT_MAX_TEXT_MB = 2
    batch = run_import([hostile.long_text(tmp_path / "text.xlsx", megabytes=3)], analyst)
    assert batch.status == "failed"
    assert batch.error_params["reason"] == "text_too_large"


def test_it_fails_the_batch_with_a_reason_whatever_breaks_while_reading(
    tmp_path, files, run_import, analyst, monkeypatch
):
    def broken(*args, **kwargs):
        raise RuntimeError("the reader broke")

    monkeypatch.setattr(actions, "read_files", broken)
    batch = run_import(files([household("H1")], [member("H1")]), analyst)
    assert batch.status == "failed"
    assert batch.error_params == {"reason": "read_failed", "params": {"detail": "RuntimeError: the reader broke"}}
    assert "the reader broke" in batch.error_message()


def test_the_cli_reports_a_hostile_workbook_without_a_traceback(tmp_path, analyst):
    from django.core.management import CommandError, call_command

    path = hostile.one_cell_at(tmp_path / "far.xlsx", "XFD1048576")
    with pytest.raises(CommandError, match="XFD1048576"):
        call_command("import", str(path))


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le"])
def test_it_asks_for_utf8_when_a_csv_is_saved_as_utf16(tmp_path, run_import, analyst, encoding):
    path = tmp_path / "households.csv"
    path.write_bytes("Mã hộ,Mã phường/xã,Địa chỉ\nH1,26734,Số 1 đường Lê Lợi\n".encode(encoding))
    batch = run_import([path], analyst)
    assert batch.status == "failed" and batch.error_params["reason"] == "not_utf8"
    assert "UTF-8" in batch.error_message()
