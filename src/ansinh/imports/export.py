"""Exporting the registry in the import format, within the user's scope, without holding it in memory.

Households are read in keyset-paginated chunks (by id) with their active members; each chunk is
formatted column-wise and written out (CSV text, or rows of an openpyxl write-only workbook) before the
next is read. An export re-imports with zero changes.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import polars as pl
from django.db.models import QuerySet

from ansinh.accounts.scope import is_ward_scope
from ansinh.audit.actions import record
from ansinh.dbframes import read_frame
from ansinh.imports.audit_actions import ImportAudit
from ansinh.imports.columns import HOUSEHOLD_COLUMNS, HOUSEHOLD_SHEET, MEMBER_COLUMNS, MEMBER_SHEET, Column
from ansinh.imports.commit import HOUSEHOLD_DB, MEMBER_DB
from ansinh.imports.formatting import format_column
from ansinh.lib.sheets import RISKY, neutralise_csv, save_workbook, text_cell
from ansinh.registry import idnumber
from ansinh.registry.models import Household, Member
from ansinh.registry.queries import matching

CHUNK = 5000
ID_COLUMNS = ("id_number", "legacy_id_number")


def export_queryset(user: Any, ward_code: str | None = None, q: str = "") -> QuerySet[Household]:
    """The active households the user may export, optionally in one ward (others simply are not there) and
    only those the household search finds for ``q`` (the search page's "export these households")."""
    qs = Household.objects.scoped(user, "export").filter(status="active")
    if ward_code:
        qs = qs.filter(ward_id=ward_code)
    return matching(qs, q, few_wards=bool(ward_code) or is_ward_scope(user))


def record_export(user: Any, *, ward_code: str | None, fmt: str, count: int, q: str = "") -> None:
    changes = {"ward": [None, ward_code or ""], "format": [None, fmt], "households": [None, count]}
    if q:
        changes["search"] = [None, q]
    record(
        actor=user,
        action=ImportAudit.EXPORT,
        object_type="export",
        object_id=ward_code or "*",
        changes=changes,
        ward_code=ward_code or "",
    )


def chunks(
    qs: QuerySet[Household], size: int = CHUNK, *, full_ids: bool
) -> Iterator[tuple[pl.DataFrame, pl.DataFrame]]:
    """(households, members) frames of registry values, ``size`` households at a time; without ``full_ids``
    the ID numbers are masked as the screen masks them (``accounts.permissions.shows_full_ids``)."""
    hh_fields = ["id", "code", "ward_id", *[f for f in HOUSEHOLD_DB if f != "ward_code"]]
    h_schema = {"id": pl.Int64, "code": pl.String, **HOUSEHOLD_DB}
    m_schema_db = {"household_id": pl.Int64, "household__code": pl.String, **MEMBER_DB}
    # As the SQL names its columns (the ward's key and the household's code), renamed once read.
    h_schema_db = {
        "id": pl.Int64,
        "code": pl.String,
        "ward_id": pl.String,
        **{k: v for k, v in h_schema.items() if k not in ("id", "code", "ward_code")},
    }
    last = 0
    while True:
        page = qs.filter(pk__gt=last).order_by("pk").values_list(*hh_fields)[:size]
        h = read_frame(*page.query.sql_with_params(), schema=h_schema_db).rename({"ward_id": "ward_code"})
        if h.height == 0:
            return
        last = h["id"][-1]
        members = (
            Member.objects.filter(household_id__in=h["id"].to_list(), status="active")
            .order_by("household_id", "id")
            .values_list("household_id", "household__code", *MEMBER_DB)
        )
        m = read_frame(*members.query.sql_with_params(), schema=m_schema_db).rename(
            {"household__code": "household_code"}
        )
        if not full_ids:
            m = m.with_columns([idnumber.mask_expr(pl.col(c)).alias(c) for c in ID_COLUMNS if c in m.columns])
        yield h, m


def _formatted(frame: pl.DataFrame, columns: tuple[Column, ...]) -> pl.DataFrame:
    return frame.select([format_column(c, pl.col(c.field), frame.schema[c.field]).alias(c.field) for c in columns])


def csv_stream(qs: QuerySet[Household], table: str, *, full_ids: bool) -> Iterator[bytes]:
    """One table (``households`` or ``members``) as UTF-8 CSV with a BOM (Excel opens it as UTF-8)."""
    columns = HOUSEHOLD_COLUMNS if table == "households" else MEMBER_COLUMNS
    yield ("\ufeff" + ",".join(c.header for c in columns) + "\r\n").encode("utf-8")
    for h, m in chunks(qs, full_ids=full_ids):
        frame = _formatted(h if table == "households" else m, columns)
        frame = frame.with_columns([neutralise_csv(pl.col(c)).alias(c) for c in frame.columns])
        buf = io.BytesIO()
        frame.write_csv(buf, include_header=False, line_terminator="\r\n")
        yield buf.getvalue()


def _xlsx_cells(frame: pl.DataFrame, raw: pl.DataFrame, columns: tuple[Column, ...]) -> pl.DataFrame:
    """Labels for codes and booleans; numbers and dates stay typed cells; texts stay text."""
    out = []
    for c in columns:
        if c.kind in ("code", "bool"):
            out.append(format_column(c, pl.col(c.field), raw.schema[c.field]).alias(c.field))
        elif c.kind == "text" or c.kind.startswith("id"):
            out.append(pl.when(pl.col(c.field) == "").then(None).otherwise(pl.col(c.field)).alias(c.field))
        else:
            out.append(pl.col(c.field))
    return raw.select(out)


def write_xlsx(
    qs: QuerySet[Household],
    target: Path | io.BufferedIOBase,
    progress: Callable[[int], None] | None = None,
    *,
    full_ids: bool,
) -> int:
    """Both sheets into an openpyxl write-only workbook; returns the number of households. ``progress`` is told
    how many households are written after each chunk (a background export shows it)."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    sheets = {"households": wb.create_sheet(HOUSEHOLD_SHEET), "members": wb.create_sheet(MEMBER_SHEET)}
    tables = {"households": HOUSEHOLD_COLUMNS, "members": MEMBER_COLUMNS}
    for name, ws in sheets.items():
        ws.append([c.header for c in tables[name]])
    text_cols = {
        name: [i for i, c in enumerate(cols) if c.kind in ("text", "code", "id12", "id9")]
        for name, cols in tables.items()
    }
    count = 0
    for h, m in chunks(qs, full_ids=full_ids):
        count += h.height
        for name, frame in (("households", h), ("members", m)):
            ws = sheets[name]
            cells = _xlsx_cells(frame, frame, tables[name])
            risky = cells.select(
                pl.any_horizontal(
                    [pl.col(cells.columns[i]).str.contains(RISKY).fill_null(False) for i in text_cols[name]]
                ).alias("r")
            )["r"]
            for row, is_risky in zip(cells.iter_rows(), risky, strict=True):
                if not is_risky:
                    ws.append(row)
                    continue
                ws.append([text_cell(ws, v) for v in row])  # never a formula, never a control character
        if progress is not None:
            progress(count)
    save_workbook(wb, target)
    return count
