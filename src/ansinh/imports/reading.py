"""Reading an uploaded file into string frames, refusing hostile or disguised files first.

XLSX is read with python-calamine (cached values of formula cells), CSV with Polars. Every cell becomes
a string (or null) so that validation parses all values one way; numbers from typed XLSX cells are
written in the Vietnamese form (decimal comma) that the parser reads back exactly.
"""

from __future__ import annotations

import datetime
import io
import os
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl
from django.conf import settings

from ansinh.imports.columns import TABLES, Column, header_map
from ansinh.imports.errors import UnreadableFile
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
    notices: list[str] = field(default_factory=list)
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
    if b"\x00" in head:
        return "binary"
    return "csv"


def check_size(path: Path) -> None:
    size = path.stat().st_size
    if size > max_upload_bytes():
        raise UnreadableFile(
            f"Tệp quá lớn ({size / 1024 / 1024:.0f} MB); giới hạn là {max_upload_bytes() // 1024 // 1024} MB."
        )
    if size == 0:
        raise UnreadableFile("Tệp rỗng.")


_FORMULA = re.compile(rb"<(?:\w+:)?f[ >/]")


def _check_zip(path: Path) -> int:
    """Refuse zip bombs and non-workbooks; return the number of formula cells found."""
    limit = _limit("IMPORT_MAX_UNCOMPRESSED_MB", 2048) * 1024 * 1024
    try:
        zf = zipfile.ZipFile(path)
    except zipfile.BadZipFile as exc:
        raise UnreadableFile("Tệp .xlsx bị hỏng hoặc không phải bảng tính Excel.") from exc
    with zf:
        infos = zf.infolist()
        names = {i.filename for i in infos}
        if "xl/workbook.xml" not in names:
            raise UnreadableFile("Tệp nén này không phải bảng tính Excel (.xlsx).")
        total = sum(i.file_size for i in infos)
        if total > limit:
            raise UnreadableFile(
                f"Tệp giải nén ra {total / 1024 / 1024:.0f} MB, vượt giới hạn {limit // 1024 // 1024} MB "
                "(có thể là tệp nén độc hại); tệp bị từ chối."
            )
        for i in infos:
            if i.file_size > 10 * 1024 * 1024 and i.file_size > 200 * max(i.compress_size, 1):
                raise UnreadableFile(
                    f"Phần {i.filename} có tỉ lệ nén bất thường ({i.file_size // max(i.compress_size, 1)}:1), "
                    "dấu hiệu của tệp nén độc hại (zip bomb); tệp bị từ chối."
                )
        formulas = 0
        for i in infos:
            if i.filename.startswith("xl/worksheets/") and i.filename.endswith(".xml"):
                with zf.open(i) as fh:
                    tail = b""
                    while chunk := fh.read(1 << 20):
                        formulas += len(_FORMULA.findall(tail + chunk))
                        tail = chunk[-8:]
        return formulas


def _table_for(headers: list[str | None]) -> str | None:
    folded = {fold(h) for h in headers if h}
    best, score = None, 0
    for name, (_sheet, cols) in TABLES.items():
        required = {fold(c.header) for c in cols if c.required} | set()
        hits = len(required & folded)
        if hits > score and (name != "households" or "ma phuong/xa" in folded or "ward_code" in folded):
            best, score = name, hits
    return best


def _columns_for(name: str, headers: list[str | None], notices: list[str], label: str) -> dict[int, str]:
    _sheet, cols = TABLES[name]
    known = header_map(cols)
    positions: dict[int, str] = {}
    for i, h in enumerate(headers):
        if not h:
            continue
        f = known.get(fold(h))
        if f is None:
            notices.append(f"{label}: cột “{h}” không thuộc mẫu nhập, đã bỏ qua.")
        elif f in positions.values():
            raise UnreadableFile(f"{label}: cột “{h}” xuất hiện hai lần.")
        else:
            positions[i] = f
    missing = [c.header for c in cols if c.required and c.field not in positions.values()]
    if missing:
        raise UnreadableFile(f"{label}: thiếu cột bắt buộc: {', '.join(missing)}.")
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
            pl.when(whole).then(s.cast(pl.Int64, strict=False).cast(pl.String))
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


def _rows_to_table(name: str, label: str, rows_iter: Any, notices: list[str]) -> RawTable:
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
            positions = _columns_for(name, header, notices, label)
            continue
        if all(v is None or v == "" for v in row):
            empty_run += 1
            if empty_run >= EMPTY_RUN_LIMIT:
                notices.append(f"{label}: dừng đọc ở dòng {n} sau {EMPTY_RUN_LIMIT:,} dòng trống liên tiếp.")
                break
            continue
        empty_run = 0
        count += 1
        if count > limit:
            raise UnreadableFile(f"{label}: quá {limit:,} dòng; hãy chia nhỏ tệp.")
        buf.append((n, list(row)))
        if len(buf) >= CHUNK_ROWS:
            parts.append(_frame(buf, positions, cols))
            buf = []
    if header is None:
        raise UnreadableFile(f"{label}: không có dòng tiêu đề.")
    parts.append(_frame(buf, positions, cols))
    return RawTable(name, pl.concat(parts), set(positions.values()))


def read_xlsx(path: Path) -> RawFile:
    from python_calamine import CalamineError, CalamineWorkbook

    notices: list[str] = []
    formulas = _check_zip(path)
    if formulas:
        notices.append(
            f"Tệp có {formulas:,} ô chứa công thức: hệ thống dùng giá trị đã tính lưu trong tệp, "
            "không tính lại công thức. Ô công thức chưa từng được tính được coi là trống."
        )
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
                    notices.append(f"Trang “{sheet_name}” không có tiêu đề của mẫu nhập, đã bỏ qua.")
                continue
            if name in tables:
                raise UnreadableFile(f"Có hai trang dữ liệu {TABLES[name][0]}.")

            def chained(first: Any = first, rows: Any = rows) -> Any:
                yield first
                yield from rows

            tables[name] = _rows_to_table(name, f"Trang “{sheet_name}”", chained(), notices)
    except CalamineError as exc:
        raise UnreadableFile(f"Không đọc được bảng tính: {exc}") from exc
    if not tables:
        raise UnreadableFile("Không tìm thấy trang dữ liệu hộ gia đình hoặc thành viên theo mẫu.")
    return RawFile(tables, notices, "xlsx")


def read_csv(path: Path, label: str = "Tệp CSV") -> tuple[str, RawTable, list[str]]:
    raw = path.read_bytes()
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UnreadableFile(f"{label} không phải văn bản UTF-8; hãy lưu lại với mã hoá UTF-8.") from exc
    first_line = raw.split(b"\n", 1)[0]
    sep = ";" if first_line.count(b";") > first_line.count(b",") else ","
    try:
        frame = pl.read_csv(io.BytesIO(raw), separator=sep, infer_schema=False, has_header=False,
                            truncate_ragged_lines=True)
    except (pl.exceptions.ComputeError, pl.exceptions.NoDataError) as exc:
        raise UnreadableFile(f"{label}: không đọc được CSV ({exc}).") from exc
    if frame.height == 0:
        raise UnreadableFile(f"{label}: không có dòng tiêu đề.")
    notices: list[str] = []
    headers = [None if v is None else str(v) for v in frame.row(0)]
    name = _table_for(headers)
    if name is None:
        raise UnreadableFile(f"{label}: tiêu đề không khớp mẫu hộ gia đình hay thành viên.")
    positions = _columns_for(name, headers, notices, label)
    body = frame.slice(1).with_row_index(ROW, offset=2).with_columns(pl.col(ROW).cast(pl.Int64))
    cols = frame.columns
    body = body.select(ROW, *[pl.col(cols[i]).str.strip_chars().alias(f) for i, f in positions.items()])
    non_empty = pl.any_horizontal([pl.col(f).is_not_null() & (pl.col(f) != "") for f in positions.values()])
    body = body.filter(non_empty)
    if body.height > max_rows():
        raise UnreadableFile(f"{label}: quá {max_rows():,} dòng; hãy chia nhỏ tệp.")
    return name, RawTable(name, body, set(positions.values())), notices


def read_files(paths: list[Path]) -> RawFile:
    """Read one XLSX (both sheets) or one/two CSV files (households, members) after the safety checks."""
    for p in paths:
        check_size(p)
    kinds = [sniff(p) for p in paths]
    for p, k in zip(paths, kinds, strict=True):
        claimed = p.suffix.lower()
        if claimed == ".xlsx" and k != "xlsx":
            raise UnreadableFile(
                f"{p.name} mang đuôi .xlsx nhưng không phải bảng tính Excel"
                + (" (có vẻ là tệp văn bản/CSV đổi đuôi)." if k == "csv" else ".")
            )
        if k == "xls":
            raise UnreadableFile(f"{p.name} là bảng tính Excel cũ (.xls); hãy lưu lại dưới dạng .xlsx.")
        if k == "binary":
            raise UnreadableFile(f"{p.name} không phải bảng tính hay tệp CSV.")
        if claimed == ".csv" and k == "xlsx":
            raise UnreadableFile(f"{p.name} mang đuôi .csv nhưng là bảng tính Excel; hãy đổi đuôi thành .xlsx.")
    if "xlsx" in kinds:
        if len(paths) != 1:
            raise UnreadableFile("Với Excel, hãy tải lên một tệp .xlsx có hai trang: hộ gia đình và thành viên.")
        return read_xlsx(paths[0])
    tables: dict[str, RawTable] = {}
    notices: list[str] = []
    for p in paths:
        name, table, more = read_csv(p, f"Tệp {p.name}")
        if name in tables:
            raise UnreadableFile(f"Hai tệp CSV cùng là danh sách {TABLES[name][0].lower()}.")
        tables[name] = table
        notices += more
    return RawFile(tables, notices, "csv")
