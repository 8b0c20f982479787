"""Hostile workbooks written by hand with zipfile, as an attacker would: a few kilobytes that ask a reader for
gigabytes. Shared by the tests (``test_hostile_files``) and the peak-memory benchmark (``bench/hostile.py``)."""

from __future__ import annotations

import zipfile
from pathlib import Path

from ansinh.imports.columns import HOUSEHOLD_COLUMNS, HOUSEHOLD_SHEET

NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
    'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.worksheet+xml"/></Types>'
)


def _inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def _header() -> str:
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    cells = "".join(_inline(f"{letters[i]}1", c.header) for i, c in enumerate(HOUSEHOLD_COLUMNS[:20]))
    return f'<row r="1">{cells}</row>'


def _package(path: Path, sheet_writer) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("[Content_Types].xml", CONTENT_TYPES)
        zf.writestr(
            "_rels/.rels",
            f'<Relationships xmlns="{RELS_NS}"><Relationship Id="rId1" Type="{DOC_NS}/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>',
        )
        zf.writestr(
            "xl/workbook.xml",
            f'<workbook {NS} xmlns:r="{DOC_NS}"><sheets><sheet name="{HOUSEHOLD_SHEET}" sheetId="1" '
            'r:id="rId1"/></sheets></workbook>',
        )
        zf.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<Relationships xmlns="{RELS_NS}"><Relationship Id="rId1" Type="{DOC_NS}/worksheet" '
            'Target="worksheets/sheet1.xml"/></Relationships>',
        )
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            sheet_writer(fh)
    return path


def one_cell_at(path: Path, ref: str, *, dimension: str | None = None) -> Path:
    """The households' header and one cell at ``ref`` (``XFD1048576``, ``AF1048576``, ``AAAAAAAA3``)."""
    row = "".join(ch for ch in ref if ch.isdigit())
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""

    def write(fh) -> None:
        cells = f'{_header()}<row r="{row}">{_inline(ref, "x")}</row>'
        fh.write(f"<worksheet {NS}>{dim}<sheetData>{cells}</sheetData></worksheet>".encode())

    return _package(path, write)


def expanding(path: Path, *, rows: int, references: bool = False, text: str = "Số {r} đường Lê Lợi, Bến Thành") -> Path:
    """A sheet of ``rows`` rows of 20 identical text cells. Written without cell references (as the format
    allows) it packs about 140:1, under the zip-bomb ratio: 8 MB on disk, 1.1 GB of XML (``rows=800_000``)."""

    def cell(i: int, r: int) -> str:
        ref = f' r="{chr(65 + i)}{r}"' if references else ""
        return f'<c{ref} t="inlineStr"><is><t>{text.format(r=r)}</t></is></c>'

    def write(fh) -> None:
        fh.write(f"<worksheet {NS}><sheetData>{_header()}".encode())
        block: list[str] = []
        for r in range(2, rows + 2):
            block.append(
                ("<row>" if not references else f'<row r="{r}">') + "".join(cell(i, r) for i in range(20)) + "</row>"
            )
            if len(block) == 5000:
                fh.write("".join(block).encode())
                block = []
        fh.write(("".join(block) + "</sheetData></worksheet>").encode())

    return _package(path, write)


def long_text(path: Path, *, megabytes: int) -> Path:
    """One cell holding ``megabytes`` of text."""

    def write(fh) -> None:
        fh.write(f'<worksheet {NS}><sheetData>{_header()}<row r="2"><c r="A2" t="inlineStr"><is><t>'.encode())
        for _ in range(megabytes):
            fh.write(b"a" * (1 << 20))
        fh.write(b"</t></is></c></row></sheetData></worksheet>")

    return _package(path, write)
