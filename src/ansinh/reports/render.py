"""Renderers of a report's :class:`~ansinh.reports.queries.Table`: chart options (Apache ECharts, as JSON data
the page's script reads: no inline script), XLSX (through ``lib.sheets``) and PDF (fpdf2, the embedded DejaVu
font of the review's documents). The HTML table is the template ``reports/_table.html``."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from ansinh.lib.numbers import format_number, separators
from ansinh.lib.sheets import save_workbook
from ansinh.reports.queries import Cell, Table

THOUSANDS = separators(None)[0]  # the separator ``format_number`` groups whole numbers with


def cell_text(cell: Cell) -> str:
    """A cell as an officer reads it: Vietnamese numbers, rates as percentages, changes signed."""
    if cell.kind == "text":
        return cell.text
    if cell.value is None:
        return "–"
    if type(cell.value) is int and cell.kind in ("count", "amount"):  # most cells: format_number's result, faster
        return f"{cell.value:,}".replace(",", THOUSANDS)
    if cell.kind == "rate":
        return f"{format_number(cell.value * 100, 2)} %"
    if cell.kind == "change":
        value = cell.value
        if isinstance(value, float) and abs(value) < 1:
            return ("+" if value > 0 else "") + f"{format_number(value * 100, 2)} %"
        return ("+" if value > 0 else "") + format_number(value)
    return format_number(cell.value)


def as_of_text(table: Table) -> str:
    if table.as_of is None:
        return ""
    return timezone.localtime(table.as_of).strftime("%d/%m/%Y %H:%M")


def chart(table: Table, columns: Sequence[str], *, kind: str = "bar", stack: bool = False,
          total_row: bool = False) -> dict[str, Any]:  # fmt: skip
    """ECharts options: one category per row (the first column's text; the total row left out unless asked),
    one series per column key in ``columns``. Tooltips draw on the canvas (``renderMode: richText``), so no
    HTML with style attributes is made and the content-security policy (no inline style) stays intact."""
    total = str(_("Total"))
    rows = table.rows if total_row else [r for r in table.rows if r[0].text != total]
    index = {k: i for i, k in enumerate(table.keys)}
    series = []
    for key in columns:
        i = index[key]
        series.append(
            {
                "name": str(table.columns[i]),
                "type": kind,
                **({"stack": "all"} if stack else {}),
                "data": [r[i].value if r[i].value is not None else 0 for r in rows],
            }
        )
    return {
        "aria": {"enabled": True},
        "tooltip": {"trigger": "axis", "renderMode": "richText"},
        "legend": {"type": "scroll", "bottom": 0},
        "grid": {"left": 8, "right": 8, "top": 16, "bottom": 48, "containLabel": True},
        "xAxis": {"type": "category", "data": [r[0].text for r in rows], "axisLabel": {"interval": 0, "rotate": 30}},
        "yAxis": {"type": "value"},
        "series": series,
    }


def xlsx(tables: Sequence[Table], *, title: str, subtitle: str = "") -> bytes:
    """One sheet per table: a title, the "as of", the header and the rows (numbers as numbers)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    for n, table in enumerate(tables, start=1):
        sheet = book.create_sheet(f"{n} {str(table.title)[:25]}".replace("/", "-"))
        sheet.append([title])
        sheet["A1"].font = Font(bold=True, size=13)
        sheet.append([str(table.title)])
        if subtitle:
            sheet.append([subtitle])
        if table.as_of:
            sheet.append([_("Figures as of %(when)s") % {"when": as_of_text(table)}])
        sheet.append([])
        sheet.append([str(c) for c in table.columns])
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
        for row in table.rows:
            sheet.append([_xlsx_value(c) for c in row])
        if table.note:
            sheet.append([])
            sheet.append([str(table.note)])
        sheet.column_dimensions["A"].width = 42
    if not tables:  # no figure yet (no approved round, say): one sheet that says so, never a broken file
        sheet = book.create_sheet(_("No figures"))
        sheet.append([title])
        sheet["A1"].font = Font(bold=True, size=13)
        if subtitle:
            sheet.append([subtitle])
        sheet.append([_("There are no figures for this period yet.")])
    out = io.BytesIO()
    save_workbook(book, out)
    return out.getvalue()


def _xlsx_value(cell: Cell) -> Any:
    if cell.kind == "text":
        return cell.text
    if cell.kind == "rate" and cell.value is not None:
        return round(float(cell.value) * 100, 2)
    return cell.value


def pdf(tables: Sequence[Table], *, title: str, subtitle: str = "", on: dt.date | None = None) -> bytes:
    """The tables on A4 landscape pages with the embedded font: a title, the "as of", each table's rows."""
    from fpdf import FPDF
    from fpdf.enums import XPos, YPos

    from ansinh.review.documents.pdf import FONT_DIR, nfc

    doc = FPDF(orientation="L", unit="mm", format="A4")
    doc.add_font("DejaVu", "", str(FONT_DIR / "DejaVuSans.ttf"))
    doc.add_font("DejaVu", "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
    doc.set_lang("vi")
    doc.set_creator("ansinh")
    doc.set_margins(12, 12, 12)
    doc.set_auto_page_break(auto=True, margin=12)
    doc.add_page()
    doc.set_font("DejaVu", "B", 14)
    doc.multi_cell(0, 7, nfc(title), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if subtitle:
        doc.set_font("DejaVu", "", 10)
        doc.multi_cell(0, 5, nfc(subtitle), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    for table in tables:
        doc.ln(3)
        doc.set_font("DejaVu", "B", 11)
        doc.multi_cell(0, 6, nfc(str(table.title)), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        if table.as_of:
            doc.set_font("DejaVu", "", 8)
            doc.multi_cell(0, 4, nfc(_("Figures as of %(when)s") % {"when": as_of_text(table)}),
                           new_x=XPos.LMARGIN, new_y=YPos.NEXT)  # fmt: skip
        doc.set_font("DejaVu", "", 8)
        width = doc.epw
        first = min(70.0, width * 0.35) if len(table.columns) > 2 else width * 0.6
        rest = (width - first) / max(1, len(table.columns) - 1)
        widths = [first] + [rest] * (len(table.columns) - 1)
        with doc.table(col_widths=widths, text_align=["LEFT"] + ["RIGHT"] * (len(widths) - 1),
                       line_height=4.5, first_row_as_headings=True) as grid:  # fmt: skip
            header = grid.row()
            for c in table.columns:
                header.cell(nfc(str(c)))
            for row in table.rows:
                line = grid.row()
                for c in row:
                    line.cell(nfc(cell_text(c)))
        if table.note:
            doc.ln(1)
            doc.multi_cell(0, 4, nfc(str(table.note)), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    return bytes(doc.output())


def in_layout(table: Table, columns: Sequence[tuple[str, str]]) -> Table:
    """The table with only the ``(key, heading)`` columns, in that order, under those headings (an official
    layout's)."""
    index = {k: i for i, k in enumerate(table.keys)}
    picked = [(k, h) for k, h in columns if k in index]
    return Table(
        title=table.title,
        columns=[h for _k, h in picked],
        rows=[[row[index[k]] for k, _h in picked] for row in table.rows],
        keys=[k for k, _h in picked],
        note=table.note,
        as_of=table.as_of,
        queries=table.queries,
    )
