"""The one place cells leave the app for a spreadsheet: every workbook is saved, and every CSV column made
safe, here.

A spreadsheet runs a cell as a formula when it starts with ``=`` (and, in a CSV, ``+``, ``-``, ``@``, a tab or a
carriage return): a head of household named ``=HYPERLINK(…)`` would become a live link in an officer's Excel.
So:

* :func:`save_workbook` saves an openpyxl workbook after turning every formula cell into a text cell with the
  same characters (openpyxl makes a formula of any string starting with ``=``); a write-only workbook's cells
  are made by :func:`text_cell`, which does the same as each cell is written;
* :func:`neutralise_csv` gives a CSV cell that would run a leading apostrophe (the import removes it).

A control character (ESC, NUL, …) cannot be held in a workbook's XML at all (openpyxl refuses the cell, and
the whole file fails): text that enters is refused if it holds one (``lib.text``), and a cell that still
carries one (a value stored before that check, an uploaded cell handed back in the marked error workbook) is
written with the character shown as ``[U+001B]`` by :func:`text_cell`; :data:`RISKY` finds the cells that
need it.

The app writes no formula of its own into a cell (validation lists and the like are not cells). A test
(``tests/lib/test_sheets.py``) finds any workbook saved or CSV written elsewhere.
"""

from __future__ import annotations

from typing import IO, Any

import polars as pl

from ansinh.lib.text import CONTROL_CHARACTERS, CONTROL_REGEX, visible_controls

FORMULA_START = r"^[=+\-@\t\r]"
# A text cell that must go through ``text_cell``: it would run as a formula, or holds a control character.
RISKY = FORMULA_START + "|" + CONTROL_REGEX


def _texts_only(workbook: Any) -> None:
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"


def save_workbook(workbook: Any, target: str | IO[bytes] | Any) -> None:
    """Save ``workbook`` to ``target`` (a path or a binary file) with no cell that runs as a formula."""
    if not getattr(workbook, "write_only", False):
        _texts_only(workbook)
    workbook.save(target)


def text_cell(sheet: Any, value: Any) -> Any:
    """A cell of a write-only sheet holding ``value``; a string stays text whatever it starts with."""
    from openpyxl.cell import WriteOnlyCell

    if isinstance(value, str) and CONTROL_CHARACTERS.search(value):
        value = visible_controls(value)
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
    return cell


def neutralise_csv(expr: pl.Expr) -> pl.Expr:
    """A CSV cell that a spreadsheet would run as a formula gets a leading apostrophe (the import removes it)."""
    return pl.when(expr.str.contains(FORMULA_START)).then(pl.lit("'") + expr).otherwise(expr)


def csv_bytes(frame: pl.DataFrame) -> bytes:
    """``frame`` as a UTF-8 CSV, each text cell neutralised (:func:`neutralise_csv`): the one place a file's CSV
    is written (a payment file, a results file)."""
    import io

    text = frame.with_columns(neutralise_csv(pl.col(c)).alias(c) for c, t in frame.schema.items() if t == pl.String)
    buffer = io.BytesIO()
    text.write_csv(buffer)
    return buffer.getvalue()
