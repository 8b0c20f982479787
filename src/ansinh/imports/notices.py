"""What reading a file says about the whole batch: the notices shown above its issues (columns or sheets
ignored, formula cells, a stop at empty rows) and the refusals of a file that cannot be read. Each is a stable
code and its parameters, stored on the batch (``ImportBatch.notice_codes``; a refusal in ``error_code`` /
``error_params``) and worded only when shown, in the reader's language (English source, Vietnamese in the
imports catalog). The problems of single rows are in ``problems``.

A parameter ``place`` names where in the upload: ``{"sheet": name}`` or ``{"file": name}``, worded too.
Whole numbers are grouped the way the active language writes them. Batches staged before the codes keep their
Vietnamese text (``ImportBatch.notices``, ``ImportBatch.error``) and show it as it is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


def gettext_noop(message: str) -> str:
    """Marks a wording for the catalog without reading the settings (``reading`` needs no translation)."""
    return message


PLACES: dict[str, str] = {
    "sheet": gettext_noop("Sheet “%(name)s”"),
    "file": gettext_noop("File %(name)s"),
}

# code → English wording. Stored in batches: rename none, only add.
MESSAGES: dict[str, str] = {
    # Notices: the batch is read all the same.
    "column_ignored": gettext_noop("%(place)s: the column “%(column)s” is not in the import template and was ignored."),
    "empty_rows_stop": gettext_noop("%(place)s: reading stopped at row %(row)s after %(empty)s empty rows in a row."),
    "formula_cells": gettext_noop(
        "Cells with a formula in the file: %(count)s. The system uses the values computed and saved in the "
        "file and does not compute the formulas again; a formula cell never computed counts as empty."
    ),
    "sheet_ignored": gettext_noop("The sheet “%(sheet)s” has no headers of the import template and was ignored."),
    # Refusals: the file is not read (``errors.UnreadableFile``).
    "file_too_big": gettext_noop("The file is too big (%(size)s MB); the limit is %(limit)s MB."),
    "file_empty": gettext_noop("The file is empty."),
    "xlsx_damaged": gettext_noop("The .xlsx file is damaged or is not an Excel workbook."),
    "zip_not_workbook": gettext_noop("This compressed file is not an Excel workbook (.xlsx)."),
    "zip_too_big": gettext_noop(
        "The file unpacks to %(size)s MB, over the limit of %(limit)s MB (it may be a "
        "malicious compressed file); the file was refused."
    ),
    "zip_bomb": gettext_noop(
        "The part %(part)s has an abnormal compression ratio (%(ratio)s:1), the sign of a "
        "malicious compressed file (zip bomb); the file was refused."
    ),
    "cell_outside_grid": gettext_noop(
        "The sheet “%(sheet)s” refers to the cell %(cell)s, outside any Excel sheet: the file is damaged or "
        "forged; the file was refused."
    ),
    "sheet_too_large": gettext_noop(
        "The sheet “%(sheet)s” reaches the cell %(cell)s: %(cells)s cells from A1, over the limit of %(limit)s. "
        "Delete the stray cells beyond the data (or split the file) and upload it again."
    ),
    "text_too_large": gettext_noop(
        "The sheet “%(sheet)s” holds more than %(limit)s MB of text; split the file and upload the parts."
    ),
    "strings_too_large": gettext_noop(
        "The workbook's list of texts holds more than %(limit)s MB; split the file and upload the parts."
    ),
    "too_many_strings": gettext_noop(
        "The workbook holds more than %(limit)s different texts; split the file and upload the parts."
    ),
    "part_too_big": gettext_noop(
        "The part %(part)s of the workbook unpacks to %(size)s MB, over the limit of %(limit)s MB; the file was "
        "refused."
    ),
    "read_failed": gettext_noop(
        "The file could not be read (%(detail)s). Nothing was written to the registry; check the file, or "
        "send it to the system administrator."
    ),
    "worker_died": gettext_noop(
        "The background worker stopped while reading this file. Nothing was written to the registry; you can "
        "upload the file again, and if it fails again, send it to the system administrator."
    ),
    "column_twice": gettext_noop("%(place)s: the column “%(column)s” appears twice."),
    "columns_missing": gettext_noop("%(place)s: required columns are missing: %(columns)s."),
    "too_many_rows": gettext_noop("%(place)s: more than %(limit)s rows; split the file."),
    "no_header": gettext_noop("%(place)s: there is no header row."),
    "two_household_sheets": gettext_noop("There are two sheets of household data."),
    "two_member_sheets": gettext_noop("There are two sheets of member data."),
    "workbook_unreadable": gettext_noop("The workbook cannot be read: %(detail)s"),
    "no_data_sheet": gettext_noop("No sheet of households or members laid out as in the template was found."),
    "not_utf8": gettext_noop("%(place)s is not UTF-8 text; save it again with the UTF-8 encoding."),
    "csv_unreadable": gettext_noop("%(place)s: the CSV cannot be read (%(detail)s)."),
    "csv_headers_unknown": gettext_noop(
        "%(place)s: the headers match neither the households template nor the members template."
    ),
    "xlsx_renamed_csv": gettext_noop(
        "%(file)s has the .xlsx extension but is not an Excel workbook (it looks like a text/CSV file renamed)."
    ),
    "xlsx_not_workbook": gettext_noop("%(file)s has the .xlsx extension but is not an Excel workbook."),
    "old_xls": gettext_noop("%(file)s is an old Excel workbook (.xls); save it again as .xlsx."),
    "binary_file": gettext_noop("%(file)s is neither a workbook nor a CSV file."),
    "csv_is_xlsx": gettext_noop(
        "%(file)s has the .csv extension but is an Excel workbook; change the extension to .xlsx."
    ),
    "xlsx_with_others": gettext_noop("With Excel, upload one .xlsx file with two sheets: households and members."),
    "two_household_csvs": gettext_noop("Two CSV files are both lists of households."),
    "two_member_csvs": gettext_noop("Two CSV files are both lists of members."),
}


def in_sheet(name: str) -> dict[str, str]:
    """The ``place`` parameter of a sheet of the workbook."""
    return {"sheet": name}


def in_file(name: str) -> dict[str, str]:
    """The ``place`` parameter of an uploaded file."""
    return {"file": name}


def _value(value: Any) -> str:
    from django.utils.translation import get_language, gettext

    from ansinh.lib.numbers import format_number

    if isinstance(value, dict) and len(value) == 1:
        ((kind, name),) = value.items()
        if kind in PLACES:
            return gettext(PLACES[kind]) % {"name": name}
    if isinstance(value, int) and not isinstance(value, bool):
        return format_number(value, lang=get_language())
    return "" if value is None else str(value)


def word(code: str, params: dict[str, Any] | None = None) -> str:
    """The notice or refusal ``code`` in the active language; an unknown code as it is."""
    from django.utils.translation import gettext

    wording = MESSAGES.get(code)
    if wording is None:
        return code
    return gettext(wording) % {name: _value(v) for name, v in (params or {}).items()}


@dataclass(frozen=True)
class Notice:
    code: str
    params: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        assert self.code in MESSAGES, self.code

    def as_json(self) -> dict[str, Any]:
        """As stored in ``ImportBatch.notice_codes``."""
        return {"code": self.code, "params": self.params}

    def __str__(self) -> str:
        return word(self.code, self.params)
