"""Workbooks for people: the blank templates and the file handed back with its errors marked."""

from __future__ import annotations

import io
from pathlib import Path

import polars as pl
from django.utils import translation

from ansinh.imports import problems
from ansinh.imports.columns import NO, TABLES, YES, Column
from ansinh.imports.reading import ROW, read_files
from ansinh.lib.sheets import save_workbook, text_cell

ERROR_FILL = "FFC7CE"
NOTICE_FILL = "FFEB9C"
HEADER_FILL = "DDEBF7"


def _kind_vi(c: Column) -> str:
    return {
        "text": "Chữ",
        "code": "Danh mục",
        "date": "Ngày (dd/mm/yyyy)",
        "int": "Số nguyên",
        "float": "Số (dấu phẩy thập phân)",
        "bool": f"{YES}/{NO}",
        "id12": "12 chữ số",
        "id9": "9 chữ số",
    }[c.kind]


def template_xlsx() -> bytes:
    """The blank template: the two data sheets, a guide and the lists of allowed values."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    default = wb.active
    assert default is not None
    wb.remove(default)
    lists = wb.create_sheet("Danh mục")
    list_col = 1
    for _name, (sheet_name, columns) in TABLES.items():
        ws = wb.create_sheet(sheet_name, index=len(wb.sheetnames) - 1)
        for i, c in enumerate(columns, start=1):
            cell = ws.cell(row=1, column=i, value=c.header)
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
            cell.comment = Comment(f"{_kind_vi(c)}{' — bắt buộc' if c.required else ''}. Ví dụ: {c.example}", "ansinh")
            letter = cell.column_letter
            ws.column_dimensions[letter].width = max(14, min(40, len(c.header) + 4))
            if c.kind in ("text", "id12", "id9"):
                for row in ws.iter_rows(min_row=2, max_row=2, min_col=i, max_col=i):
                    row[0].number_format = "@"
                ws.column_dimensions[letter].number_format = "@"
            if c.kind == "code" and c.vocabulary:
                from openpyxl.utils import get_column_letter

                lists.cell(row=1, column=list_col, value=c.header).font = Font(bold=True)
                for r, (_code, (_en, vi)) in enumerate(c.vocabulary.items(), start=2):
                    lists.cell(row=r, column=list_col, value=vi)
                lc = get_column_letter(list_col)
                dv = DataValidation(
                    type="list",
                    allow_blank=True,
                    showErrorMessage=False,
                    formula1=f"'Danh mục'!${lc}$2:${lc}${len(c.vocabulary) + 1}",
                )
                dv.add(f"{letter}2:{letter}100000")
                ws.add_data_validation(dv)
                list_col += 1
            if c.kind == "bool":
                dv = DataValidation(type="list", allow_blank=True, showErrorMessage=False, formula1=f'"{YES},{NO}"')
                dv.add(f"{letter}2:{letter}100000")
                ws.add_data_validation(dv)
        ws.freeze_panes = "A2"
    guide = wb.create_sheet("Hướng dẫn", 0)
    guide.append(["Trang", "Cột", "Kiểu", "Bắt buộc", "Ví dụ", "Ghi chú"])
    for _name, (sheet_name, columns) in TABLES.items():
        for c in columns:
            guide.append([sheet_name, c.header, _kind_vi(c), "Có" if c.required else "", c.example, c.note])
    guide.append([])
    guide.append(["Mỗi hộ một dòng ở trang Hộ gia đình; mỗi người một dòng ở trang Thành viên, nối với hộ bằng Mã hộ."])
    guide.append(["Danh mục: ghi mã hoặc tên tiếng Việt. Ngày: dd/mm/yyyy. Số: 1.500.000 hoặc 1500000; số lẻ 45,5."])
    buf = io.BytesIO()
    save_workbook(wb, buf)
    return buf.getvalue()


def template_csv(table: str) -> bytes:
    _sheet, columns = TABLES[table]
    return ("\ufeff" + ",".join(c.header for c in columns) + "\r\n").encode("utf-8")


def error_report(paths: list[Path], issues: pl.DataFrame, target: Path | io.BufferedIOBase) -> None:
    """The uploaded rows again, with a column of reasons and the faulty cells highlighted
    (red: error, yellow: notice). Row order and columns follow the template; ``Dòng`` is the row in the
    original file, which the on-screen report also uses.

    The file is the Vietnamese import template handed back to be corrected and uploaded again (its headers,
    sheet names and the ``Lỗi``/``Lưu ý`` labels are Vietnamese), so its reasons are worded in Vietnamese too,
    whatever the language of the page or command that asked for it."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font, PatternFill

    raw = read_files(paths)
    wb = Workbook(write_only=True)
    red, yellow = PatternFill("solid", fgColor=ERROR_FILL), PatternFill("solid", fgColor=NOTICE_FILL)
    bold = Font(bold=True)
    for name, (sheet_name, columns) in TABLES.items():
        if name not in raw.tables:
            continue
        ws = wb.create_sheet(sheet_name)
        header = []
        for h in [*[c.header for c in columns], "Lỗi", "Dòng"]:
            cell = WriteOnlyCell(ws, value=h)
            cell.font = bold
            header.append(cell)
        ws.append(header)
        frame = raw.tables[name].frame
        mine = issues.filter(pl.col("table") == name) if issues.height else issues
        by_row: dict[int, list[tuple[str, str, str]]] = {}
        with translation.override("vi"):
            for r in problems.rows(mine):
                by_row.setdefault(r["row"], []).append((r["column"], r["message"], r["level"]))
        fields = [c.field for c in columns]
        headers = {c.header: i for i, c in enumerate(columns)}
        present = [pl.col(f) if f in frame.columns else pl.lit(None, dtype=pl.String).alias(f) for f in fields]
        for row in frame.select(ROW, *present).iter_rows():
            found = by_row.get(row[0], [])
            levels: dict[int, str] = {}
            for column, _message, level in found:
                i = headers.get(column)
                if i is not None and levels.get(i) != "error":
                    levels[i] = level
            out = []
            for i, v in enumerate(row[1:]):
                cell = text_cell(ws, v)
                if i in levels:
                    cell.fill = red if levels[i] == "error" else yellow
                out.append(cell)
            text = " | ".join(f"{'Lỗi' if lvl == 'error' else 'Lưu ý'} – {col}: {msg}" for col, msg, lvl in found)
            note = text_cell(ws, text or None)
            if any(lvl == "error" for _c, _m, lvl in found):
                note.fill = red
            out += [note, row[0]]
            ws.append(out)
    save_workbook(wb, target)
