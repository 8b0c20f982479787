"""A workbook is measured from its cells' own references, whatever layout it is written in."""

from __future__ import annotations

import io
import zipfile

import pytest

from ansinh.lib.xlsx_measure import Limits, Refused, measure


def _book(sheet: str, *, part: str = "xl/worksheets/sheet1.xml") -> io.BytesIO:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(
            "xl/workbook.xml", '<workbook><sheets><sheet name="Hộ" sheetId="1" r:id="rId1"/></sheets></workbook>'
        )
        zf.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<Relationships><Relationship Id="rId1" Target="{part.removeprefix("xl/")}"/></Relationships>',
        )
        zf.writestr(part, f"<worksheet><sheetData>{sheet}</sheetData></worksheet>")
    buf.seek(0)
    return buf


def test_it_measures_the_farthest_filled_cell_and_ignores_styled_empty_ones():
    m = measure(
        _book('<row r="1"><c r="A1"><v>1</v></c><c r="C1"><v>2</v></c></row><row r="9"><c r="Z9" s="1"/></row>')
    )
    (sheet,) = m.sheets
    assert (sheet.rows, sheet.columns, sheet.cells) == (1, 3, 2)


def test_it_follows_cells_and_rows_written_without_references():
    m = measure(_book("<row><c><v>1</v></c><c><v>2</v></c></row><row><c/><c><v>3</v></c></row>"))
    assert (m.sheets[0].rows, m.sheets[0].columns, m.sheets[0].cells) == (2, 2, 3)


def test_it_measures_a_prefixed_sheet_stored_under_another_name():
    sheet = '<x:row r="4"><x:c r="D4"><x:v>1</x:v></x:c></x:row>'
    with pytest.raises(Refused) as refused:
        measure(_book(sheet, part="xl/other/data.xml"), Limits(cells=15))
    assert refused.value.code == "sheet_too_large"
    assert refused.value.params["cell"] == "D4"
    assert refused.value.params["sheet"] == "Hộ"


def test_it_refuses_too_many_filled_cells_at_the_same_place():
    with pytest.raises(Refused, match="sheet_too_large"):
        measure(_book('<row r="1">' + '<c r="A1"><v>1</v></c>' * 50 + "</row>"), Limits(cells=10))


def test_it_refuses_a_damaged_archive():
    with pytest.raises(Refused, match="xlsx_damaged"):
        measure(io.BytesIO(b"PK\x03\x04 not really a zip"))
