"""Measuring an .xlsx before a spreadsheet library reads it.

python-calamine builds a dense grid from the first to the farthest filled cell of a sheet (32 bytes a cell:
one cell at ``XFD1048576`` asks for 549 GB and aborts the process), holds every shared string and every
inline text, and openpyxl's read-only mode pads rows up to the sheet's ``<dimension>``. So before either
reads a workbook, :func:`measure` streams every part of the archive once, in bounded memory, and refuses it
(:class:`Refused`, a code and its parameters) when

* a part unpacks to more than its share (from the archive's metadata, then checked while streaming: Python's
  zip reader stops at the declared size and checks the CRC), or the whole archive to more than its limit,
  or a part's compression ratio is that of a zip bomb;
* a cell or ``<dimension>`` reference lies outside Excel's grid (``AAAAAAAA3``);
* a sheet's extent (from A1 to its farthest filled cell, found from the cells' own references, never from
  the ``<dimension>`` it declares) or its number of filled cells exceeds the cell limit;
* the text of a sheet or of the shared strings exceeds the text limit, or there are too many shared strings.

Styled but empty cells (``<c r="A5" s="1"/>``) are not filled cells: neither reader keeps them. No Django here:
the callers word the codes (``ansinh.imports.notices``).
"""

from __future__ import annotations

import html
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from itertools import repeat
from pathlib import Path
from typing import IO, Any

MAX_ROW = 1_048_576  # Excel's grid
MAX_COLUMN = 16_384  # XFD
MB = 1024 * 1024


# Refusals about one sheet: their parameter ``sheet`` is the sheet's name (``part`` elsewhere).
SHEET_CODES = frozenset({"cell_outside_grid", "sheet_too_large", "text_too_large"})


class Refused(Exception):
    """The workbook is refused before it is read: ``code`` and ``params`` say why."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code, params)
        self.code = code
        self.params = params


@dataclass(frozen=True)
class Limits:
    cells: int = 8_000_000  # per sheet: the extent from A1 and the filled cells
    text_mb: int = 128  # per sheet, and for the shared strings
    shared_strings: int = 2_000_000
    part_mb: int = 64  # any part other than a sheet or the shared strings
    total_mb: int = 2048  # the whole archive unpacked
    bomb_ratio: int = 200  # a part over 10 MB packed more than this


@dataclass
class SheetMeasure:
    part: str
    rows: int = 0  # the farthest filled row
    columns: int = 0  # the farthest filled column
    cells: int = 0  # filled cells
    text_bytes: int = 0
    dimension: str = ""  # as declared, not trusted

    @property
    def extent(self) -> int:
        return self.rows * self.columns


@dataclass
class Measure:
    sheets: list[SheetMeasure] = field(default_factory=list)
    shared_strings: int = 0
    formulas: int = 0


# Chunks laid out otherwise than ``<row r=…><c r=…>`` (a prefix, other white space, a cell or row without a
# reference first) are measured tag by tag.
_UNUSUAL_CELL = re.compile(rb"<c[\t\n\r/>]")
_UNUSUAL_ROW = re.compile(rb"<row[\t\n\r/>]")
_FILLED = re.compile(rb'<c r="([A-Za-z]+)([0-9]+)"[^>]*(?<!/)>')  # not a styled empty cell (``…/>``)
_FORMULA = re.compile(rb"<(?:\w+:)?f[ >/]")
# A cell's opening tag: its reference (if any), and whether it closes at once (a styled empty cell).
_CELL_OR_ROW = re.compile(rb"<(?:\w+:)?(row|c)(?=[\s>/])([^>]*?)(/?)>")
_REF = re.compile(rb'\br="([A-Za-z]*)([0-9]*)"')
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s[^>]*?ref="([^"]*)"')
_SHARED = re.compile(rb"<(?:\w+:)?si[\s>/]")
_CELL_REF = re.compile(r"\$?([A-Za-z]{1,10})\$?([0-9]{1,10})")


def column_number(letters: str | bytes) -> int:
    """``A`` → 1, ``XFD`` → 16384."""
    n = 0
    for ch in letters.upper() if isinstance(letters, str) else letters.upper().decode("ascii"):
        n = n * 26 + ord(ch) - 64
    return n


def _outside(ref: str) -> bool:
    m = _CELL_REF.fullmatch(ref)
    return m is None or column_number(m.group(1)) > MAX_COLUMN or int(m.group(2)) > MAX_ROW


def _check_dimension(part: str, value: bytes) -> str:
    text = value.decode("ascii", "replace")
    if any(_outside(ref) for ref in text.split(":")):
        raise Refused("cell_outside_grid", part=part, cell=text[:40])
    return text


def _chunks(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> Any:
    """The part's bytes in chunks that end at a tag's end (a tag never straddles two chunks)."""
    with zf.open(info) as fh:
        carry = b""
        while block := fh.read(1 << 20):
            block = carry + block
            cut = block.rfind(b">") + 1
            if cut == 0 and len(block) > (1 << 22):
                cut = len(block)  # no tag in 4 MB: text, measured as it is
            carry = block[cut:]
            if cut:
                yield block[:cut]
        if carry:
            yield carry


class _Sheet:
    """Follows the farthest row and column of a sheet's cells. Cells written with their reference (every
    writer does) are measured in bulk; a chunk with a cell or row without one is followed tag by tag as the
    readers number them: the next column, the next row."""

    def __init__(self, part: str, limits: Limits) -> None:
        self.m = SheetMeasure(part)
        self.limits = limits
        self.row = 0  # the current row's number (tag-by-tag path)
        self.column = 0  # the current column in that row

    def _grid(self, letters: set[bytes], rows: int) -> None:
        """The farthest filled cells given their columns' letters and the largest row number."""
        m = self.m
        long = [x for x in letters if len(x) > 3]
        columns = max((column_number(x) for x in letters if len(x) <= 3), default=0)
        if long or columns > MAX_COLUMN or rows > MAX_ROW:
            cell = (long[0] if long else b"").decode("ascii", "replace")
            raise Refused("cell_outside_grid", part=m.part, cell=(cell or _letters(columns)) + str(rows))
        m.columns = max(m.columns, columns)
        m.rows = max(m.rows, rows)

    def _bulk(self, chunk: bytes) -> bool:
        """The usual layout (``<row r="5" …><c r="B5" …>…</c>``, unprefixed, the reference first) measured
        with byte counts and one literal-led pattern; ``False`` for any other layout."""
        if b":c" in chunk or b":row" in chunk or _UNUSUAL_CELL.search(chunk):
            return False
        if b' r="' not in chunk and not _UNUSUAL_ROW.search(chunk.replace(b"<row>", b"")):
            return self._unreferenced(chunk)
        if _UNUSUAL_ROW.search(chunk):
            return False
        if chunk.count(b'<c r="') != chunk.count(b"<c ") or chunk.count(b'<row r="') != chunk.count(b"<row "):
            return False
        filled = _FILLED.findall(chunk)
        if filled:
            digits = [d for _letters_, d in filled]
            if any(len(d) > 7 for d in digits):
                raise Refused("cell_outside_grid", part=self.m.part, cell=max(digits, key=len).decode()[:40])
            self._grid({x for x, _d in filled}, max(map(int, digits)))
        self.m.cells += len(filled)
        return True

    def _unreferenced(self, chunk: bytes) -> bool:
        """Rows and cells without references (``<row><c t="s"><v>1</v></c>…``): each cell the next column,
        each row the next row; counted per row, an upper bound of the farthest filled cell."""
        pieces = chunk.split(b"<row")  # the first piece goes on with the current row
        widths = list(map(bytes.count, pieces, repeat(b"<c")))
        widths[0] += self.column
        self.row += len(pieces) - 1
        self.column = widths[-1]
        filled = chunk.count(b"</c>")
        if filled:
            widest = max(widths)
            self._grid({_letters(widest).encode() if widest <= MAX_COLUMN else b"XFDA"}, max(self.row, 1))
        self.m.cells += filled
        return True

    def _by_tag(self, chunk: bytes) -> None:
        for tag in _CELL_OR_ROW.finditer(chunk):
            kind, attrs, empty = tag.group(1), tag.group(2), tag.group(3)
            ref = _REF.search(attrs)
            if kind == b"row":
                self.row = int(ref.group(2)[:8]) if ref and ref.group(2) else self.row + 1
                self.column = 0
                continue
            if ref and ref.group(1):
                letters, digits = ref.group(1), ref.group(2)
                self.column = column_number(letters) if len(letters) <= 3 else MAX_COLUMN + 1
                self.row = int(digits[:8]) if digits else self.row
            else:
                self.column += 1
            if not empty:
                self.m.cells += 1
                letters_ = _letters(self.column).encode() if self.column <= MAX_COLUMN else b"XFDA"
                self._grid({letters_}, self.row)

    def feed(self, chunk: bytes) -> None:
        m = self.m
        if not m.dimension and (dim := _DIMENSION.search(chunk)):
            m.dimension = _check_dimension(m.part, dim.group(1))
        if not self._bulk(chunk):
            self._by_tag(chunk)
        if m.cells > self.limits.cells or m.extent > self.limits.cells:
            raise Refused(
                "sheet_too_large",
                part=m.part,
                cell=_letters(m.columns) + str(m.rows),
                cells=max(m.cells, m.extent),
                limit=self.limits.cells,
            )
        m.text_bytes += _text_bytes(chunk)
        if m.text_bytes > self.limits.text_mb * MB:
            raise Refused("text_too_large", part=m.part, limit=self.limits.text_mb)


def _text_bytes(chunk: bytes) -> int:
    """The bytes between tags (what a reader keeps as text), counted without a per-tag Python loop."""
    pieces = chunk.split(b">")  # each "text<tag…" but the last, text alone
    return max(0, sum(map(bytes.find, pieces[:-1], repeat(b"<")))) + len(pieces[-1])


def _formulas(chunk: bytes) -> int:
    if b":f" in chunk:
        return len(_FORMULA.findall(chunk))
    return chunk.count(b"<f>") + chunk.count(b"<f ") + chunk.count(b"<f/")


def _letters(n: int) -> str:
    out = ""
    while n > 0:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out or "A"


def _is_sheet(name: str, chunk: bytes) -> bool:
    return name.startswith("xl/worksheets/") or b"<sheetData" in chunk or b":sheetData" in chunk


_ELEMENT = re.compile(rb"<(?:\w+:)?(?:sheet|Relationship)\s([^>]*)>")
_ATTRIBUTE = re.compile(rb'([\w:]+)="([^"]*)"')


def sheet_names(zf: zipfile.ZipFile) -> dict[str, str]:
    """Part → the sheet's name as the user sees it (from the workbook and its relationships)."""
    try:
        book = zf.read("xl/workbook.xml")[: 4 * MB]
        rels = zf.read("xl/_rels/workbook.xml.rels")[: 4 * MB]
    except (KeyError, zipfile.BadZipFile, OSError, ValueError):
        return {}
    targets = {}
    for element in _ELEMENT.finditer(rels):
        attrs = {k.split(b":")[-1]: v for k, v in _ATTRIBUTE.findall(element.group(1))}
        if b"Id" in attrs and b"Target" in attrs:
            target = attrs[b"Target"].decode("utf-8", "replace").lstrip("/")
            targets[attrs[b"Id"]] = target if target.startswith("xl/") else f"xl/{target}"
    names = {}
    for element in _ELEMENT.finditer(book):
        attrs = {k.split(b":")[-1]: v for k, v in _ATTRIBUTE.findall(element.group(1))}
        if b"name" in attrs and attrs.get(b"id") in targets:
            names[targets[attrs[b"id"]]] = html.unescape(attrs[b"name"].decode("utf-8", "replace"))
    return names


def measure(source: Path | IO[bytes], limits: Limits | None = None) -> Measure:
    """Measure the workbook ``source``; raise :class:`Refused` at the first limit it exceeds."""
    limits = limits or Limits()
    try:
        zf = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError) as exc:
        raise Refused("xlsx_damaged") from exc
    result = Measure()
    with zf:
        infos = zf.infolist()
        if "xl/workbook.xml" not in {i.filename for i in infos}:
            raise Refused("zip_not_workbook")
        total = sum(i.file_size for i in infos)
        if total > limits.total_mb * MB:
            raise Refused("zip_too_big", size=round(total / MB), limit=limits.total_mb)
        for i in infos:
            if i.file_size > 10 * MB and i.file_size > limits.bomb_ratio * max(i.compress_size, 1):
                raise Refused("zip_bomb", part=i.filename, ratio=str(i.file_size // max(i.compress_size, 1)))
        names = sheet_names(zf)
        try:
            for i in infos:
                _measure_part(zf, i, limits, result)
        except Refused as exc:
            if exc.code in SHEET_CODES:  # named as the user knows the sheet
                part = exc.params.pop("part")
                exc.params["sheet"] = names.get(part, part)
            raise
        except (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError, zlib.error) as exc:
            raise Refused("xlsx_damaged") from exc
    return result


def _measure_part(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits, result: Measure) -> None:
    name = info.filename
    if name.endswith("/") or name.startswith(("xl/media/", "docProps/thumbnail")):
        return
    sheet: _Sheet | None = None
    shared = name.endswith("sharedStrings.xml")
    text = 0
    for chunk in _chunks(zf, info):
        if sheet is None and not shared and _is_sheet(name, chunk):
            sheet = _Sheet(name, limits)
            result.sheets.append(sheet.m)
        if sheet is not None:
            sheet.feed(chunk)
            result.formulas += _formulas(chunk)
            continue
        if shared:
            result.shared_strings += len(_SHARED.findall(chunk))
            text += _text_bytes(chunk)
            if result.shared_strings > limits.shared_strings:
                raise Refused("too_many_strings", count=result.shared_strings, limit=limits.shared_strings)
            if text > limits.text_mb * MB:
                raise Refused("strings_too_large", limit=limits.text_mb)
        elif info.file_size > limits.part_mb * MB:
            raise Refused("part_too_big", part=name, size=round(info.file_size / MB), limit=limits.part_mb)
