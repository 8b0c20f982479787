"""XLSX documents of the review (openpyxl): the provisional list and the round's summary with its flows."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ansinh.lib.dates import format_date
from ansinh.lib.sheets import save_workbook

from . import layouts
from .data import ProvisionalList
from .pdf import list_values, nfc

_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEAD_FILL = PatternFill("solid", fgColor="EBEBEB")


def _save(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    save_workbook(workbook, buffer)
    return buffer.getvalue()


def _title(sheet: Worksheet, row: int, text: str, width: int, *, bold: bool = True, size: int = 12) -> None:
    sheet.cell(row=row, column=1, value=nfc(text)).font = Font(bold=bold, size=size)
    sheet.cell(row=row, column=1).alignment = Alignment(horizontal="center", wrap_text=True)
    if width > 1:
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)


def write_table(sheet: Worksheet, top: int, columns: Sequence[dict[str, Any]], rows: Sequence[dict[str, Any]]) -> int:
    """Header row at ``top`` then the rows; returns the next free row. Widths come from the layout (mm → chars)."""
    for col, column in enumerate(columns, start=1):
        cell = sheet.cell(row=top, column=col, value=nfc(column.get("title", "")))
        cell.font = Font(bold=True)
        cell.fill = _HEAD_FILL
        cell.border = _BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        sheet.column_dimensions[get_column_letter(col)].width = max(6.0, float(column.get("width", 20)) * 0.55)
    for r, values in enumerate(rows, start=top + 1):
        for col, column in enumerate(columns, start=1):
            value = values.get(column["key"], "")
            cell = sheet.cell(row=r, column=col, value=nfc(value) if isinstance(value, str) else value)
            cell.border = _BORDER
            cell.alignment = Alignment(
                horizontal={"C": "center", "R": "right"}.get(str(column.get("align", "L")), "left"),
                vertical="top",
                wrap_text=True,
            )
    sheet.freeze_panes = sheet.cell(row=top + 1, column=1)
    return top + 1 + len(rows)


def build_provisional_list(doc: ProvisionalList) -> bytes:
    """The provisional list as a workbook with the same title, columns and rows as the PDF."""
    layout = layouts.load("provisional_list")
    common = layouts.load("common")
    values = {
        "ward": doc.issuer.ward,
        "ward_upper": doc.issuer.ward.upper(),
        "year": doc.year,
        "standard": doc.standard,
        "start": format_date(doc.start) or "……",
        "end": format_date(doc.end) or "……",
        "places": doc.places,
    }
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = str(layout.get("sheet_name", "Danh sách"))[:31]
    columns = layout["columns"]
    width = len(columns)
    _title(sheet, 1, f"{common['issuer_line']} {doc.issuer.ward.upper()}", width, size=11)
    _title(sheet, 2, layouts.fill(layout["title"], **values), width, size=13)
    _title(sheet, 3, layouts.fill(layout["subtitle"], **values), width, bold=False, size=11)
    next_row = 4
    if doc.places:
        _title(sheet, 4, layouts.fill(layout["places_line"], **values), width, bold=False, size=10)
        next_row = 5
    end = write_table(sheet, next_row + 1, columns, list_values(doc.rows))
    sheet.cell(row=end + 1, column=1, value=nfc(layouts.fill(layout["closing"], **values)))
    return _save(workbook)


# -- round summary ---------------------------------------------------------------------------------

FLOW_COLUMNS: tuple[tuple[str, str], ...] = (
    ("ward", "Phường/xã"),
    ("standard", "Chuẩn"),
    ("start_poor", "Hộ nghèo đầu kỳ"),
    ("start_near_poor", "Hộ cận nghèo đầu kỳ"),
    ("escaped_poverty", "Thoát nghèo"),
    ("escaped_near_poverty", "Thoát cận nghèo"),
    ("near_poor_to_poor", "Cận nghèo chuyển thành nghèo"),
    ("newly_poor", "Nghèo phát sinh"),
    ("re_poor", "Tái nghèo"),
    ("newly_near_poor", "Cận nghèo phát sinh"),
    ("moved_in_poor", "Hộ nghèo chuyển đến"),
    ("moved_in_near_poor", "Hộ cận nghèo chuyển đến"),
    ("moved_out_poor", "Hộ nghèo chuyển đi"),
    ("moved_out_near_poor", "Hộ cận nghèo chuyển đi"),
    ("end_poor", "Hộ nghèo cuối kỳ"),
    ("end_near_poor", "Hộ cận nghèo cuối kỳ"),
    ("identity_ok", "Cân đối (đầu kỳ + vào − ra = cuối kỳ)"),
)


@dataclass(frozen=True)
class RoundSummary:
    """The summary of one or more rounds: flow rows by ward and standard, deprivations, mismatches."""

    title: str
    flows: list[dict[str, Any]]
    """Keys of ``FLOW_COLUMNS`` (missing keys are left blank)."""
    deprivations: list[dict[str, Any]] = field(default_factory=list)
    """``{"ward", "standard", "indicator", "households", "share"}`` among poor households."""
    mismatches: list[dict[str, Any]] = field(default_factory=list)
    """``{"ward", "standard", "household", "detail"}``: households that break the identity."""


def build_summary(summary: RoundSummary) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Biến động"
    columns = [
        {"key": k, "title": t, "width": 40 if k == "ward" else 22, "align": "L" if k == "ward" else "R"}
        for k, t in FLOW_COLUMNS
    ]
    _title(sheet, 1, summary.title, len(columns))
    rows = [
        {**row, "identity_ok": ("Đúng" if row.get("identity_ok") else "Sai") if "identity_ok" in row else ""}
        for row in summary.flows
    ]
    write_table(sheet, 3, columns, rows)

    sheet = workbook.create_sheet("Thiếu hụt")
    columns = [
        {"key": "ward", "title": "Phường/xã", "width": 40},
        {"key": "standard", "title": "Chuẩn", "width": 20},
        {"key": "indicator", "title": "Chỉ số thiếu hụt", "width": 50},
        {"key": "households", "title": "Số hộ nghèo thiếu hụt", "width": 24, "align": "R"},
        {"key": "share", "title": "Tỷ lệ (%)", "width": 16, "align": "R"},
    ]
    _title(sheet, 1, "Các chỉ số thiếu hụt chủ yếu của hộ nghèo", len(columns))
    rows = [{**row, "share": round(float(row.get("share") or 0) * 100, 1)} for row in summary.deprivations]
    write_table(sheet, 3, columns, rows)

    sheet = workbook.create_sheet("Sai lệch")
    columns = [
        {"key": "ward", "title": "Phường/xã", "width": 40},
        {"key": "standard", "title": "Chuẩn", "width": 20},
        {"key": "household", "title": "Mã hộ", "width": 26},
        {"key": "detail", "title": "Chi tiết", "width": 80},
    ]
    _title(sheet, 1, "Các hộ làm sai lệch cân đối đầu kỳ + vào − ra = cuối kỳ", len(columns))
    write_table(sheet, 3, columns, summary.mismatches)
    return _save(workbook)
