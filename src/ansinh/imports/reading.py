"""Reading an uploaded file into string frames, refusing hostile or disguised files first.

XLSX is read with python-calamine (cached values of formula cells), CSV with Polars. Every cell becomes
a string (or null) so that validation parses all values one way; numbers from typed XLSX cells are
written in the Vietnamese form (decimal comma) that the parser reads back exactly.

What reading says about the whole file (``RawFile.notices``) and why it refuses one (``UnreadableFile``) are
codes with their parameters (``notices``), worded when shown.
"""

from __future__ import annotations

import datetime
import io
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl
from django.conf import settings

from ansinh.imports.columns import TABLES, Column, header_map
from ansinh.imports.errors import UnreadableFile
from ansinh.imports.notices import Notice, in_file, in_sheet
from ansinh.lib import xlsx_measure
from ansinh.lib.text import fold

ROW = "_row"  # the row number in the user's file (header = row 1)
CHUNK_ROWS = 10_000
EMPTY_RUN_LIMIT = 10_000  # this many empty rows in a row end the table (styled but empty rows)


def _limit(name: str, default: int) -> int:
    return int(getattr(settings, name, None) or os.environ.get(name) or default)


def max_upload_bytes() -> int:
    return _limit("IMPORT_MAX_UPLOAD_MB", 100) * 1024 * 1024


def max_rows() -> int:
    return _limit("IMPORT_MAX_ROWS", 2_000_000)


@dataclass
class RawTable:
    name: str  # households | members
    frame: pl.DataFrame  # one String column per recognised field, plus ROW (Int64)
    present: set[str] = field(default_factory=set)


@dataclass
class RawFile:
    tables: dict[str, RawTable]
    notices: list[Notice] = field(default_factory=list)
    source_kind: str = "csv"


def _cell(v: Any) -> str | None:
    if v is None or v == "":
        return None
    if isinstance(v, str):
        return v
    if isinstance(v, bool):
        return "Có" if v else "Không"
    if isinstance(v, float):
        if v.is_integer():
            return str(int(v))
        return repr(v).replace(".", ",")
    if isinstance(v, datetime.datetime):
        return v.date().isoformat()
    if isinstance(v, datetime.date):
        return v.isoformat()
    return str(v)


def sniff(path: Path) -> str:
    """What the file really is, from its first bytes: ``xlsx``, ``xls``, ``csv`` or ``binary``."""
    with path.open("rb") as fh:
        head = fh.read(8192)
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "xls"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or _utf16_without_mark(head):
        return "utf16"  # text, in the encoding Excel calls "Unicode text": to be saved again as UTF-8
    if b"\x00" in head and not _text_with_stray_nuls(head):
        return "binary"
    return "csv"


def _text_with_stray_nuls(head: bytes) -> bool:
    """UTF-8 text with a NUL here and there (pasted into a cell): read as a CSV, so that validation names the
    row and column of each (a binary file is not valid UTF-8, or is full of NULs)."""
    if head.count(b"\x00") > max(16, len(head) // 100):
        return False
    for cut in range(4):  # the sample may end inside a character
        try:
            head[: len(head) - cut].decode("utf-8")
        except UnicodeDecodeError:
            continue
        return True
    return False


def _utf16_without_mark(head: bytes) -> bool:
    """Text in UTF-16 without a byte-order mark: most of every other byte is a NUL (Latin letters, digits and
    punctuation), the others almost never."""
    sample = head[: len(head) // 2 * 2]
    if len(sample) < 8:
        return False
    even, odd = sample[0::2], sample[1::2]
    return (odd.count(0) > 0.6 * len(odd) and even.count(0) < 0.05 * len(even)) or (
        even.count(0) > 0.6 * len(even) and odd.count(0) < 0.05 * len(odd)
    )


def check_size(path: Path) -> None:
    size = path.stat().st_size
    if size > max_upload_bytes():
        raise UnreadableFile("file_too_big", size=round(size / 1024 / 1024), limit=max_upload_bytes() // 1024 // 1024)
    if size == 0:
        raise UnreadableFile("file_empty")


def limits() -> xlsx_measure.Limits:
    """What a workbook may hold before it is read (``lib.xlsx_measure``); each an environment setting."""
    default = xlsx_measure.Limits()
    return xlsx_measure.Limits(
        cells=_limit("IMPORT_MAX_CELLS", default.cells),
        text_mb=_limit("IMPORT_MAX_TEXT_MB", default.text_mb),
        shared_strings=_limit("IMPORT_MAX_SHARED_STRINGS", default.shared_strings),
        part_mb=default.part_mb,
        total_mb=_limit("IMPORT_MAX_UNCOMPRESSED_MB", default.total_mb),
        bomb_ratio=default.bomb_ratio,
    )


def _check_zip(path: Path) -> int:
    """Measure the workbook before calamine reads it (hostile, bombs, non-workbooks refused); return the
    number of formula cells found."""
    try:
        return xlsx_measure.measure(path, limits()).formulas
    except xlsx_measure.Refused as exc:
        raise UnreadableFile(exc.code, **exc.params) from exc


# The columns that make a header row a table's: a household sheet names the ward, a member sheet the
# household. Other required headers alone do not: the template's own «Danh mục» sheet heads its lists with
# column names (Giới tính, Quan hệ với chủ hộ) and is no member sheet.
_KEYS = {"households": "ward_code", "members": "household_code"}


def _table_for(headers: list[str | None]) -> str | None:
    """The table the headers are of: among the tables whose key column is there, or all of whose required
    columns but one are (a households file missing its ward column is still the households file, reported as
    missing that column), the one whose columns the headers name most; the key column breaks a tie. A sheet of
    lists (the template's "Danh mục": some coded columns' headers) is of no table."""
    folded = {fold(h) for h in headers if h}
    best, score = None, (0, False)
    for name, (_sheet, cols) in TABLES.items():
        known = header_map(cols)
        fields = {known[h] for h in folded if h in known}
        required = {c.field for c in cols if c.required}
        keyed = _KEYS[name] in fields
        if not keyed and len(required - fields) > 1:
            continue
        candidate = (len(fields), keyed)
        if candidate > score:
            best, score = name, candidate
    return best


def _columns_for(name: str, headers: list[str | None], notices: list[Notice], place: dict[str, str]) -> dict[int, str]:
    _sheet, cols = TABLES[name]
    known = header_map(cols)
    positions: dict[int, str] = {}
    for i, h in enumerate(headers):
        if not h:
            continue
        f = known.get(fold(h))
        if f is None:
            notices.append(Notice("column_ignored", {"place": place, "column": h}))
        elif f in positions.values():
            raise UnreadableFile("column_twice", place=place, column=h)
        else:
            positions[i] = f
    missing = [c.header for c in cols if c.required and c.field not in positions.values()]
    if missing:
        raise UnreadableFile("columns_missing", place=place, columns=", ".join(missing))
    return positions


def _column(values: tuple[Any, ...] | list[Any]) -> pl.Series:
    """One column of cells as strings. A column of one type (the usual case) is converted by Polars in one
    go; a column mixing types falls back to converting cell by cell."""
    vals = [None if v == "" else v for v in values]
    try:
        s = pl.Series(vals, strict=True)
    except (TypeError, ValueError, OverflowError, pl.exceptions.PolarsError):
        return pl.Series([_cell(v) for v in vals], dtype=pl.String)
    dtype = s.dtype
    if dtype == pl.String:
        return s
    if dtype == pl.Null:
        return s.cast(pl.String)
    if dtype == pl.Boolean:
        return pl.select(pl.when(s).then(pl.lit("Có")).when(~s).then(pl.lit("Không"))).to_series()
    if dtype.is_integer():
        return s.cast(pl.String)
    if dtype.is_float():
        whole = (s.round(0) == s) & (s.abs() < 1e15)
        return pl.select(
            pl.when(whole)
            .then(s.cast(pl.Int64, strict=False).cast(pl.String))
            .otherwise(s.cast(pl.String).str.replace(".", ",", literal=True))
        ).to_series()
    if dtype == pl.Date or isinstance(dtype, pl.Datetime):
        return s.dt.strftime("%Y-%m-%d")
    return pl.Series([_cell(v) for v in vals], dtype=pl.String)


def _frame(rows: list[tuple[int, list[Any]]], positions: dict[int, str], cols: tuple[Column, ...]) -> pl.DataFrame:
    width = max(positions) + 1 if positions else 0
    padded = [(v + [None] * (width - len(v))) if len(v) < width else v for _, v in rows]
    columns = list(zip(*padded, strict=True)) if padded else [() for _ in range(width)]
    data: dict[str, Any] = {ROW: pl.Series([r for r, _ in rows], dtype=pl.Int64)}
    for i, f in positions.items():
        data[f] = _column(columns[i]).alias(f) if padded else pl.Series(f, [], dtype=pl.String)
    return pl.DataFrame(data, schema={ROW: pl.Int64, **{f: pl.String for f in positions.values()}})


def _rows_to_table(name: str, place: dict[str, str], rows_iter: Any, notices: list[Notice]) -> RawTable:
    header: list[str | None] | None = None
    positions: dict[int, str] = {}
    parts: list[pl.DataFrame] = []
    buf: list[tuple[int, list[Any]]] = []
    empty_run = 0
    count = 0
    _sheet, cols = TABLES[name]
    limit = max_rows()
    for n, row in enumerate(rows_iter, start=1):
        if header is None:
            header = [_cell(h) for h in row]
            positions = _columns_for(name, header, notices, place)
            continue
        if all(v is None or v == "" for v in row):
            empty_run += 1
            if empty_run >= EMPTY_RUN_LIMIT:
                notices.append(Notice("empty_rows_stop", {"place": place, "row": str(n), "empty": EMPTY_RUN_LIMIT}))
                break
            continue
        empty_run = 0
        count += 1
        if count > limit:
            raise UnreadableFile("too_many_rows", place=place, limit=limit)
        buf.append((n, list(row)))
        if len(buf) >= CHUNK_ROWS:
            parts.append(_frame(buf, positions, cols))
            buf = []
    if header is None:
        raise UnreadableFile("no_header", place=place)
    parts.append(_frame(buf, positions, cols))
    return RawTable(name, pl.concat(parts), set(positions.values()))


def read_xlsx(path: Path) -> RawFile:
    from python_calamine import CalamineError, CalamineWorkbook

    notices: list[Notice] = []
    formulas = _check_zip(path)
    if formulas:
        notices.append(Notice("formula_cells", {"count": formulas}))
    tables: dict[str, RawTable] = {}
    try:
        wb = CalamineWorkbook.from_path(str(path))
        for sheet_name in wb.sheet_names:
            sheet = wb.get_sheet_by_name(sheet_name)
            rows = sheet.iter_rows()
            first = next(rows, None)
            if first is None:
                continue
            name = _table_for([_cell(h) for h in first])
            if name is None:
                if fold(sheet_name) not in ("huong dan", "danh muc"):
                    notices.append(Notice("sheet_ignored", {"sheet": sheet_name}))
                continue
            if name in tables:
                raise UnreadableFile("two_household_sheets" if name == "households" else "two_member_sheets")

            def chained(first: Any = first, rows: Any = rows) -> Any:
                yield first
                yield from rows

            tables[name] = _rows_to_table(name, in_sheet(sheet_name), chained(), notices)
    except CalamineError as exc:
        raise UnreadableFile("workbook_unreadable", detail=str(exc)) from exc
    if not tables:
        raise UnreadableFile("no_data_sheet")
    return RawFile(tables, notices, "xlsx")


def read_csv(path: Path, place: dict[str, str] | None = None) -> tuple[str, RawTable, list[Notice]]:
    place = place or in_file(path.name)
    raw = path.read_bytes()
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UnreadableFile("not_utf8", place=place) from exc
    first_line = raw.split(b"\n", 1)[0]
    sep = ";" if first_line.count(b";") > first_line.count(b",") else ","
    try:
        frame = pl.read_csv(
            io.BytesIO(raw), separator=sep, infer_schema=False, has_header=False, truncate_ragged_lines=True
        )
    except (pl.exceptions.ComputeError, pl.exceptions.NoDataError) as exc:
        raise UnreadableFile("csv_unreadable", place=place, detail=str(exc)) from exc
    if frame.height == 0:
        raise UnreadableFile("no_header", place=place)
    notices: list[Notice] = []
    headers = [None if v is None else str(v) for v in frame.row(0)]
    name = _table_for(headers)
    if name is None:
        raise UnreadableFile("csv_headers_unknown", place=place)
    positions = _columns_for(name, headers, notices, place)
    body = frame.slice(1).with_row_index(ROW, offset=2).with_columns(pl.col(ROW).cast(pl.Int64))
    cols = frame.columns
    body = body.select(ROW, *[pl.col(cols[i]).str.strip_chars().alias(f) for i, f in positions.items()])
    non_empty = pl.any_horizontal([pl.col(f).is_not_null() & (pl.col(f) != "") for f in positions.values()])
    body = body.filter(non_empty)
    if body.height > max_rows():
        raise UnreadableFile("too_many_rows", place=place, limit=max_rows())
    return name, RawTable(name, body, set(positions.values())), notices


def read_files(paths: list[Path], names: list[str] | None = None) -> RawFile:
    """Read one XLSX (both sheets) or one/two CSV files (households, members) after the safety checks.
    ``names``: the files' names as the user knows them (the uploads are stored as ``upload-<n>``), for the
    notices and refusals."""
    shown = dict(zip(paths, names, strict=True)) if names else {p: p.name for p in paths}
    for p in paths:
        check_size(p)
    kinds = [sniff(p) for p in paths]
    for p, k in zip(paths, kinds, strict=True):
        claimed = p.suffix.lower()
        if claimed == ".xlsx" and k != "xlsx":
            raise UnreadableFile("xlsx_renamed_csv" if k == "csv" else "xlsx_not_workbook", file=shown[p])
        if k == "xls":
            raise UnreadableFile("old_xls", file=shown[p])
        if k == "utf16":
            raise UnreadableFile("not_utf8", place=in_file(shown[p]))
        if k == "binary":
            raise UnreadableFile("binary_file", file=shown[p])
        if claimed == ".csv" and k == "xlsx":
            raise UnreadableFile("csv_is_xlsx", file=shown[p])
    if "xlsx" in kinds:
        if len(paths) != 1:
            raise UnreadableFile("xlsx_with_others")
        return read_xlsx(paths[0])
    tables: dict[str, RawTable] = {}
    notices: list[Notice] = []
    for p in paths:
        name, table, more = read_csv(p, in_file(shown[p]))
        if name in tables:
            raise UnreadableFile("two_household_csvs" if name == "households" else "two_member_csvs")
        tables[name] = table
        notices += more
    return RawFile(tables, notices, "csv")
