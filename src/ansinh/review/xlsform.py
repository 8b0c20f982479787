"""Offline survey: an XLSForm for ODK / KoBoToolbox and an XLSX workbook of a ward's list, from the form definitions.

Both are generated from ``review/forms/phieu_*.yaml`` (``ansinh.review.survey.load_form``), the same
definition that renders the web form, so the three never disagree on names, types, choices or limits.

* :func:`build_xlsform` writes the ``survey`` / ``choices`` / ``settings`` sheets of the XLSForm standard
  (https://xlsform.org). Field names are the definition's names; the household and member identifiers
  come first so that a submission (CSV or JSON export) can be matched to the round's list on import.
* :func:`build_offline_workbook` writes one row per listed household (and, for form B, one row per
  member) with the identifiers filled in and one column per field, with drop-down validation for
  choices and yes/no, to be filled in without a connection and imported back through the staged import.
"""

from __future__ import annotations

import datetime
import hashlib
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from ansinh.lib.dates import format_date, parse_date
from ansinh.lib.numbers import normalise_number
from ansinh.lib.sheets import save_workbook
from ansinh.review.survey import FILES, FORMS_DIR, Field, FormDefinition, load_form

YES_NO = "yes_no"
YES_NO_CHOICES = (("yes", "Có", "Yes"), ("no", "Không", "No"))
# Identifier columns shared by the XLSForm, the offline workbook and the import of either.
HOUSEHOLD_KEY = "household_code"
MEMBER_KEY = "member_id"
SURVEY_DATE = "surveyed_on"

SURVEY_COLUMNS = (
    "type",
    "name",
    "label::Tiếng Việt (vi)",
    "label::English (en)",
    "hint::Tiếng Việt (vi)",
    "required",
    "constraint",
    "constraint_message::Tiếng Việt (vi)",
    "default",
    "appearance",
)
CHOICE_COLUMNS = ("list_name", "name", "label::Tiếng Việt (vi)", "label::English (en)")


def _label(node: Any, lang: str) -> str:
    return str((node or {}).get(lang) or (node or {}).get("vi") or "")


def _list_name(f: Field) -> str:
    if f.type == "boolean":
        return YES_NO
    return (f.vocab or f.name).lower()


def _xls_type(f: Field) -> str:
    if f.type in ("boolean", "choice"):
        return f"select_one {_list_name(f)}"
    return {"integer": "integer", "number": "decimal", "date": "date", "text": "text"}[f.type]


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _constraint(f: Field) -> tuple[str, str]:
    parts, words = [], []
    if f.min is not None:
        parts.append(f". >= {_num(f.min)}")
        words.append(f"từ {_num(f.min)}")
    if f.max is not None:
        parts.append(f". <= {_num(f.max)}")
        words.append(f"đến {_num(f.max)}")
    if not parts:
        return "", ""
    return " and ".join(parts), "Giá trị phải " + " ".join(words)


def form_version(form: str) -> str:
    """A version string that changes whenever the definition file changes (ODK refuses a changed form
    with the same version)."""
    digest = hashlib.sha256((FORMS_DIR / FILES[form]).read_bytes()).hexdigest()
    return str(int(digest[:8], 16))


def _survey_row(**values: str) -> dict[str, str]:
    return values


def xlsform_rows(definition: FormDefinition) -> tuple[list[dict[str, str]], list[tuple[str, str, str, str]]]:
    """The ``survey`` rows and the ``choices`` rows of the XLSForm (exposed for tests and the docs)."""
    survey: list[dict[str, str]] = [
        _survey_row(
            type="text",
            name=HOUSEHOLD_KEY,
            required="yes",
            **{
                "label::Tiếng Việt (vi)": "Mã hộ",
                "label::English (en)": "Household code",
                "hint::Tiếng Việt (vi)": "Mã hộ in trên danh sách rà soát của phường",
            },
        ),
        _survey_row(
            type="date",
            name=SURVEY_DATE,
            required="yes",
            default="today()",
            **{"label::Tiếng Việt (vi)": "Ngày rà soát", "label::English (en)": "Survey date"},
        ),
    ]
    choices: list[tuple[str, str, str, str]] = []
    lists: set[str] = set()
    for section in definition.sections:
        group = "repeat" if section.repeat else "group"
        survey.append(
            _survey_row(
                type=f"begin_{group}",
                name=section.name,
                **{
                    "label::Tiếng Việt (vi)": _label(section.label, "vi"),
                    "label::English (en)": _label(section.label, "en"),
                    "appearance": "field-list" if not section.repeat else "",
                },
            )
        )
        if section.repeat:
            survey.append(
                _survey_row(
                    type="integer",
                    name=MEMBER_KEY,
                    required="yes",
                    **{
                        "label::Tiếng Việt (vi)": "Mã thành viên",
                        "label::English (en)": "Member id",
                        "hint::Tiếng Việt (vi)": "Số in trên danh sách thành viên của hộ",
                    },
                )
            )
            survey.append(
                _survey_row(
                    type="text",
                    name="member_name",
                    **{"label::Tiếng Việt (vi)": "Họ và tên", "label::English (en)": "Full name"},
                )
            )
        for f in section.fields:
            constraint, message = _constraint(f)
            survey.append(
                _survey_row(
                    type=_xls_type(f),
                    name=f.name,
                    required="yes" if f.required else "",
                    constraint=constraint,
                    **{
                        "label::Tiếng Việt (vi)": _label(f.label, "vi"),
                        "label::English (en)": _label(f.label, "en"),
                        "constraint_message::Tiếng Việt (vi)": message,
                    },
                )
            )
            name = _list_name(f)
            if f.type in ("boolean", "choice") and name not in lists:
                lists.add(name)
                if f.type == "boolean":
                    choices.extend((YES_NO, code, vi, en) for code, vi, en in YES_NO_CHOICES)
                else:
                    english = _english_labels(f)
                    choices.extend((name, code, vi, english.get(code, vi)) for code, vi in f.choices)
        survey.append(_survey_row(type=f"end_{group}", name=section.name))
    return survey, choices


def _english_labels(f: Field) -> dict[str, str]:
    from ansinh import vocab

    if f.vocab:
        return {code: en for code, (en, _vi) in vocab.VOCABULARIES[f.vocab.lower()].items()}
    return {}


def _write(sheet: Worksheet, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    sheet.append(list(header))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(list(row))
    for i, _ in enumerate(header, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = 22


def build_xlsform(form: str) -> bytes:
    """The XLSForm of form ``"A"`` or ``"B"`` as XLSX bytes."""
    definition = load_form(form)
    survey, choices = xlsform_rows(definition)
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "survey"
    _write(sheet, SURVEY_COLUMNS, [[row.get(c, "") for c in SURVEY_COLUMNS] for row in survey])
    _write(workbook.create_sheet("choices"), CHOICE_COLUMNS, choices)
    _write(
        workbook.create_sheet("settings"),
        ("form_title", "form_id", "version", "default_language", "instance_name"),
        [
            (
                _label(definition.title, "vi"),
                f"ansinh_phieu_{form.lower()}",
                form_version(form),
                "Tiếng Việt (vi)",
                f"concat(${{{HOUSEHOLD_KEY}}}, ' ', ${{{SURVEY_DATE}}})",
            )
        ],
    )
    buffer = io.BytesIO()
    save_workbook(workbook, buffer)
    return buffer.getvalue()


# -- the ward's list as a workbook to fill in ------------------------------------------------------


@dataclass(frozen=True)
class OfflineMember:
    member_id: int
    full_name: str


@dataclass(frozen=True)
class OfflineHousehold:
    code: str
    head_name: str
    address: str
    members: list[OfflineMember] = field(default_factory=list)
    answers: dict[str, Any] = field(default_factory=dict)
    """Answers already saved (a draft), in the definition's shape, prefilled in the workbook."""


_FILL = PatternFill("solid", fgColor="EBEBEB")


def _cell_value(f: Field, value: Any) -> Any:
    """A stored answer as the workbook shows it: yes/no and codes as their Vietnamese words."""
    if value is None:
        return None
    if f.type == "boolean":
        return "Có" if value else "Không"
    if f.type == "choice":
        return dict(f.choices).get(str(value), value)
    return value


def _validation(
    sheet: Worksheet, f: Field, column: int, rows: int, lists: Worksheet, list_columns: dict[str, int]
) -> None:
    letter = get_column_letter(column)
    if f.type in ("boolean", "choice"):
        name = _list_name(f)
        if name not in list_columns:
            col = len(list_columns) + 1
            list_columns[name] = col
            # The drop-downs offer the Vietnamese words; the import reads them (and the codes of older workbooks).
            values = ["Có", "Không"] if f.type == "boolean" else [vi for _code, vi in f.choices]
            lists.cell(row=1, column=col, value=_label(f.label, "vi")).font = Font(bold=True)
            for r, value in enumerate(values, start=2):
                lists.cell(row=r, column=col, value=value)
        col = list_columns[name]
        count = 2 if f.type == "boolean" else len(f.choices)
        ref = f"'{lists.title}'!${get_column_letter(col)}$2:${get_column_letter(col)}${count + 1}"
        dv = DataValidation(type="list", formula1=ref, allow_blank=not f.required)
    elif f.type in ("integer", "number"):
        dv = DataValidation(
            type="whole" if f.type == "integer" else "decimal",
            operator="between",
            formula1=str(f.min if f.min is not None else -1e15),
            formula2=str(f.max if f.max is not None else 1e15),
            allow_blank=True,
        )
    elif f.type == "date":
        dv = DataValidation(type="date", operator="greaterThan", formula1="1", allow_blank=True)
    else:
        return
    dv.error = "Giá trị không hợp lệ"
    dv.showErrorMessage = True
    sheet.add_data_validation(dv)
    dv.add(f"{letter}3:{letter}{max(rows, 1) + 2}")


def build_offline_workbook(
    form: str,
    *,
    ward: str,
    round_label: str,
    households: Sequence[OfflineHousehold],
    printed_on: datetime.date | None = None,
) -> bytes:
    """A workbook of the round's households (and members, for form B) with one column per field."""
    definition = load_form(form)
    workbook = Workbook()
    info = workbook.active
    assert info is not None
    info.title = "Hướng dẫn"
    info.append([_label(definition.title, "vi")])
    info["A1"].font = Font(bold=True, size=13)
    info.append([f"{ward} — {round_label}"])
    if printed_on:
        info.append([f"Xuất ngày {format_date(printed_on)}"])
    info.append([])
    info.append(["Điền mỗi hộ trên một dòng của trang «Hộ», mỗi thành viên trên một dòng của trang «Thành viên»."])
    info.append(["Không sửa các cột có nền xám (mã hộ, mã thành viên, họ tên, địa chỉ): chúng dùng để nhập lại."])
    info.append(["Cột «Ngày rà soát»: ngày đến hộ khảo sát (ngày/tháng/năm)."])
    info.append(["Các ô có danh sách chọn: chọn một dòng trong danh sách (chữ tiếng Việt); mã cũ vẫn được chấp nhận."])
    info.append(["Nhập lại tệp qua chức năng nhập dữ liệu theo lô (xem trước, chỉ ghi khi toàn bộ tệp hợp lệ)."])
    info.column_dimensions["A"].width = 110
    lists = workbook.create_sheet("Danh mục")
    list_columns: dict[str, int] = {}

    for section in definition.sections:
        if section.repeat:
            sheet = workbook.create_sheet("Thành viên")
            ids = [HOUSEHOLD_KEY, MEMBER_KEY, "member_name"]
            titles = ["Mã hộ", "Mã thành viên", "Họ và tên"]
            rows: list[list[Any]] = []
            for hh in households:
                given = hh.answers.get(section.name) or {}
                for m in hh.members:
                    answers = given.get(str(m.member_id)) or {}
                    rows.append(
                        [
                            hh.code,
                            m.member_id,
                            m.full_name,
                            *[_cell_value(f, answers.get(f.name)) for f in section.fields],
                        ]
                    )
        else:
            sheet = workbook.create_sheet("Hộ" if section.name == "household" else section.name[:31])
            ids = [HOUSEHOLD_KEY, "head_name", "address", SURVEY_DATE]
            titles = ["Mã hộ", "Chủ hộ", "Địa chỉ", "Ngày rà soát"]
            rows = []
            for hh in households:
                answers = hh.answers.get(section.name) or {}
                rows.append(
                    [
                        hh.code,
                        hh.head_name,
                        hh.address,
                        None,
                        *[_cell_value(f, answers.get(f.name)) for f in section.fields],
                    ]
                )
        # Row 1: the machine names read by the import; the labels go in the header comments row below.
        header = ids + [f.name for f in section.fields]
        sheet.append(header)
        sheet.append(titles + [_label(f.label, "vi") + (" *" if f.required else "") for f in section.fields])
        for cell in sheet[1]:
            cell.font = Font(bold=True, color="555555", size=8)
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append(row)
        for i in range(1, len(header) + 1):
            sheet.column_dimensions[get_column_letter(i)].width = 18 if i > len(ids) else 24
            if i <= len(ids) - (1 if not section.repeat else 0):
                for r in range(3, len(rows) + 3):
                    sheet.cell(row=r, column=i).fill = _FILL
        sheet.freeze_panes = sheet.cell(row=3, column=len(ids) + 1)
        for i, f in enumerate(section.fields, start=len(ids) + 1):
            _validation(sheet, f, i, len(rows), lists, list_columns)
    buffer = io.BytesIO()
    save_workbook(workbook, buffer)
    return buffer.getvalue()


# -- reading filled-in workbooks and ODK / KoBoToolbox exports back ---------------------------------------


@dataclass
class Submission:
    """One household's answers read from a file, in the definition's shape, with where they came from."""

    household_code: str
    answers: dict[str, Any]
    surveyed_on: datetime.date | None = None
    row: str = ""
    cells: dict[str, Cell] = field(default_factory=dict)
    """Where each answer was read (``household.floor_area_m2``, ``members.<id>.<field>``, ``members.<id>``):
    the sheet, row and column as the officer sees them, so an error names the cell to correct."""


@dataclass(frozen=True)
class Cell:
    """A place in a filled-in workbook as the officer sees it: the sheet's name, the row's number and the
    column's heading (empty for a whole row)."""

    sheet: str
    row: int
    column: str = ""


@dataclass
class ReadResult:
    submissions: list[Submission] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _survey_date(value: Any) -> datetime.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    day = parse_date(str(value))
    if day is None:
        raise ValueError(str(value))
    return day


def _keep(value: Any) -> bool:
    return value is not None and not (isinstance(value, str) and value.strip() == "")


def read_offline_workbook(data: bytes, form: str) -> ReadResult:
    """The answers of a workbook made by :func:`build_offline_workbook` (row 1: field names; row 2: labels)."""
    from django.utils import translation
    from openpyxl import load_workbook

    from ansinh.imports.notices import word
    from ansinh.imports.reading import limits
    from ansinh.lib.xlsx_measure import Refused, measure

    definition = load_form(form)
    result = ReadResult()
    try:  # measured before openpyxl reads it: a stray far cell or a bomb is refused, not read
        measure(io.BytesIO(data), limits())
    except Refused as refused:
        with translation.override("vi"):
            result.errors.append(word(refused.code, refused.params))
        return result
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # any unreadable upload is one message, not a traceback
        result.errors.append("Tệp không phải bảng tính XLSX đọc được.")
        return result
    by_code: dict[str, Submission] = {}
    for section in definition.sections:
        sheet_name = "Thành viên" if section.repeat else ("Hộ" if section.name == "household" else section.name[:31])
        if sheet_name not in workbook.sheetnames:
            result.errors.append(f"Thiếu trang «{sheet_name}».")
            continue
        sheet = workbook[sheet_name]
        sheet.reset_dimensions()  # its declared <dimension> is not trusted: rows end where the cells do
        rows = sheet.iter_rows(values_only=True)
        header = [_text(h) for h in next(rows, ())]
        known = {f.name for f in section.fields}
        types = {f.name: f.type for f in section.fields}
        for number, values in enumerate(rows, start=2):
            if number == 2:
                continue  # the labels
            cells = dict(zip(header, values, strict=False))
            code = _text(cells.get(HOUSEHOLD_KEY))
            if not code:
                if any(_keep(v) for v in values):
                    result.errors.append(f"{sheet_name}, dòng {number}: thiếu mã hộ.")
                continue
            sub = by_code.setdefault(
                code, Submission(code, {s.name: {} for s in definition.sections}, row=f"{sheet_name}, dòng {number}")
            )
            answers = {k: _vietnamese_number(types[k], v) for k, v in cells.items() if k in known and _keep(v)}
            if section.repeat:
                member = _text(cells.get(MEMBER_KEY))
                if not member.isdigit():
                    result.errors.append(f"{sheet_name}, dòng {number}: thiếu mã thành viên.")
                    continue
                sub.answers[section.name][member] = answers
                prefix = f"{section.name}.{member}"
                sub.cells[prefix] = Cell(sheet_name, number)
            else:
                sub.answers[section.name] = answers
                prefix = section.name
            for f in section.fields:
                sub.cells[f"{prefix}.{f.name}"] = Cell(sheet_name, number, _label(f.label, "vi"))
                try:
                    sub.surveyed_on = _survey_date(cells.get(SURVEY_DATE)) or sub.surveyed_on
                except ValueError:
                    result.errors.append(f"{sheet_name}, dòng {number}: ngày rà soát không hợp lệ.")
    result.submissions = list(by_code.values())
    return result


def _vietnamese_number(kind: str, value: Any) -> Any:
    """A number typed as text in the workbook is read the Vietnamese way (``12,5``, ``1.500.000``)."""
    if kind in ("integer", "number") and isinstance(value, str):
        return normalise_number(value, "vi")
    return value


def _leaf(key: str) -> str:
    """``household/floor_area_m2`` (KoBoToolbox) or ``household-floor_area_m2`` (ODK Central) → the field name."""
    return key.replace("-", "/").rsplit("/", 1)[-1]


def read_xlsform_json(data: bytes, form: str) -> ReadResult:
    """Submissions exported as JSON by KoBoToolbox (``{"results": [...]}``) or ODK Central (``{"value": [...]}``
    or a list), with groups as path prefixes or nested objects and the members as a repeat list."""
    import json

    definition = load_form(form)
    result = ReadResult()
    try:
        payload = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        result.errors.append("Tệp không phải JSON đọc được.")
        return result
    records = (payload.get("results") or payload.get("value") or []) if isinstance(payload, dict) else payload
    repeat = next((s for s in definition.sections if s.repeat), None)
    plain = {f.name: s.name for s in definition.sections if not s.repeat for f in s.fields}

    def flatten(node: Any, out: dict[str, Any]) -> dict[str, Any]:
        for key, value in (node or {}).items():
            leaf = _leaf(key)
            if isinstance(value, dict):
                flatten(value, out)
            elif isinstance(value, list) and repeat is not None and leaf == repeat.name:
                out[repeat.name] = value
            else:
                out[leaf] = value
        return out

    for number, record in enumerate(records if isinstance(records, list) else [], start=1):
        flat = flatten(record, {})
        code = _text(flat.get(HOUSEHOLD_KEY))
        if not code:
            result.errors.append(f"Bản ghi {number}: thiếu mã hộ.")
            continue
        answers: dict[str, Any] = {s.name: {} for s in definition.sections}
        for name, value in flat.items():
            if name in plain and _keep(value):
                answers[plain[name]][name] = value
        if repeat is not None:
            names = {f.name for f in repeat.fields}
            for item in flat.get(repeat.name) or []:
                row = flatten(item, {})
                member = _text(row.get(MEMBER_KEY))
                if not member.isdigit():
                    result.errors.append(f"Bản ghi {number}: thiếu mã thành viên.")
                    continue
                answers[repeat.name][member] = {k: v for k, v in row.items() if k in names and _keep(v)}
        try:
            surveyed_on = _survey_date(flat.get(SURVEY_DATE))
        except ValueError:
            result.errors.append(f"Bản ghi {number}: ngày rà soát không hợp lệ.")
            surveyed_on = None
        result.submissions.append(Submission(code, answers, surveyed_on, row=f"bản ghi {number}"))
    return result


def read_submissions(data: bytes, filename: str, form: str) -> ReadResult:
    """Read a filled-in offline workbook (.xlsx) or an ODK / KoBoToolbox JSON export."""
    if filename.lower().endswith(".json"):
        return read_xlsform_json(data, form)
    return read_offline_workbook(data, form)
