"""A workbook's grid measured from its XML before anything expands it, and refused at its cell when too large.

A few kilobytes of workbook can describe billions of cells. openpyxl pads
every row out to its last cell, so a row holding one cell in column XFD is
16,384 cells, and the reader builds a reference for each: a 48 KB .xlsx took
222 s and a 545 KB one wanted 13 GB (issue 21). In an OpenDocument
spreadsheet, `table:number-columns-repeated` and `table:number-rows-repeated`
on a cell with a value, and `text:s`'s count of spaces, ask pandas for as
many copies as they say: an 806-byte .ods took 93 s. Counting what the
archive holds (`archive_refusal`'s bytes) bounds none of this, since a
repeat is one attribute and padding is no bytes at all.

So before openpyxl or odfpy is given the file, each part is read once by
expat, the parser both of them use (an encoding, a character reference or a
namespace prefix reads here as it will there), counting elements and depth;
and each sheet's grid is worked out as openpyxl or pandas would build it,
repeats multiplied out as numbers and never as cells: the highest column,
the rows, the cells with the blanks padded in, and their text. Past a bound
the workbook is refused at the sheet and cell that crosses it
(`Streams!XFD30`), which is where a finance lead looks to delete it.

The bounds are far above any scenario's: the largest benchmark area (1,000
streams) writes 17,834 cells, 0.9 MB unpacked, and the widest sheet of a
scenario of 50 years (the most it may have) is the Variants sheet's 121
columns. Each bound was set so that a file just inside it loads in under
5 s of CPU and 250 MB (the fuzz harness's grid bombs, `tests/fuzz/bombs.py`).
"""

from __future__ import annotations

import io
import warnings
import zipfile
from dataclasses import dataclass, field
from typing import Any
from xml.parsers import expat

from laa.models.cells import MAX_CELL_CHARS
from openpyxl.reader.excel import ExcelReader
from openpyxl.utils.cell import coordinate_to_tuple
from openpyxl.xml.constants import SHARED_STRINGS

MAX_COLUMNS = 1_024  # column AMJ
MAX_ROWS = 100_000
LAST_EXCEL_ROW = 1_048_576
# cells in all the sheets, the blanks before each row's last cell included: an .xlsx cell costs the
# reader about 15 µs; an .ods cell twice that and more, since it is written to an .xlsx and read again
MAX_CELLS = 250_000
MAX_ODS_CELLS = 100_000
MAX_TEXT_CHARS = 16 * 1024 * 1024  # in all the cells, a shared or repeated text counted each time it is used
# odfpy keeps every element as a Python object and pandas walks them again (about 30 µs an element in
# all), where openpyxl streams an .xlsx's rows
MAX_XLSX_ELEMENTS = 1_000_000
MAX_ODS_ELEMENTS = 150_000
# a workbook nests about 8 deep; pandas reads an .ods cell's text by recursion, one level a level
MAX_XML_DEPTH = 100

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_CHUNK = 1 << 20


@dataclass(frozen=True)
class Refusal:
    """Why a workbook is refused before it is read, and the cell (`Streams!XFD30`) or None for the file."""

    message: str
    cell: str | None = None


class _Refused(Exception):
    def __init__(self, refusal: Refusal):
        super().__init__(refusal.message)
        self.refusal = refusal


def column_letters(column: int) -> str:
    """A column's letters as a spreadsheet shows them (16,384 is XFD), for any column however far."""
    letters = ""
    while column > 0:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def xlsx_refusal(raw: bytes) -> Refusal | None:
    """Why the .xlsx's sheets are too large to read, or None; the zip was checked (`archive_refusal`)."""
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            _count_elements(archive, MAX_XLSX_ELEMENTS)
            parts = _xlsx_parts(raw)
            if parts is None:
                return None  # openpyxl cannot find its sheets either, and says why
            sheets, strings_part = parts
            strings = _SharedStrings()
            if strings_part is not None:
                _parse(archive, strings_part, strings)
            budget = _Budget(MAX_CELLS)
            for title, part in sheets:
                _parse(archive, part, _SheetGrid(title, budget, strings.lengths))
    except _Refused as refused:
        return refused.refusal
    return None


def ods_refusal(raw: bytes) -> Refusal | None:
    """Why the .ods's tables are too large for pandas to read, or None; the zip was checked before."""
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            _count_elements(archive, MAX_ODS_ELEMENTS)
            budget = _Budget(MAX_ODS_CELLS)
            for info in archive.infolist():
                _parse(archive, info.filename, _TableGrid(budget))
    except _Refused as refused:
        return refused.refusal
    return None


def _xlsx_parts(raw: bytes) -> tuple[list[tuple[str, str]], str | None] | None:
    """The worksheets openpyxl will read, as (title, part), and its shared strings' part.

    openpyxl's own reader finds them, so the sheets bounded here are the sheets
    it reads. None when it cannot read the workbook's own parts: it fails the
    same way when it reads the file, and the reader says why.
    """
    names = set()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = ExcelReader(io.BytesIO(raw), read_only=True, keep_links=False)
            reader.read_manifest()
            reader.read_workbook()
            names = set(reader.valid_files)
            found = list(reader.parser.find_sheets())
            strings = reader.package.find(SHARED_STRINGS)
    except Exception:  # whatever openpyxl fails on here, it fails on again reading the file
        return None
    sheets = [
        (s.name, rel.target) for s, rel in found if rel.target in names and "chartsheet" not in rel.Type
    ]
    part = strings.PartName[1:] if strings is not None else None
    return sheets, part if part in names else None


@dataclass
class _Budget:
    """What the sheets read so far have asked for, in all of them."""

    cell_limit: int
    cells: int = 0
    text: int = 0
    tables: dict[str, int] = field(default_factory=dict)  # an .ods table's cells, by its name


class _Scan:
    """What one pass over a part does with its elements; the base does nothing."""

    wants_text = False

    def start(self, name: str, attrs: dict[str, str], depth: int) -> None:
        """An element opens at `depth` (the part's root is 1); `name` is `namespace local`."""

    def end(self, name: str, depth: int) -> None:
        """An element closes."""

    def text(self, data: str) -> None:
        """Character data (only when `wants_text`)."""


def _parse(archive: zipfile.ZipFile, part: str, scan: _Scan) -> None:
    """Feed the part through expat to `scan`; where a part stops being XML, its reading stops, unrefused."""
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.buffer_text = True
    depth = 0

    def start(name: str, attrs: dict[str, str]) -> None:
        nonlocal depth
        depth += 1
        if depth > MAX_XML_DEPTH:
            nested = f"part {part} nests XML elements over {MAX_XML_DEPTH} deep"
            raise _Refused(Refusal(f"{nested}; a workbook nests about 8; refused before parsing"))
        scan.start(name, attrs, depth)

    def end(name: str) -> None:
        nonlocal depth
        scan.end(name, depth)
        depth -= 1

    def doctype(*_: Any) -> None:
        raise _Refused(Refusal(f"part {part} declares a DTD, which no Excel workbook has; refused"))

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.StartDoctypeDeclHandler = doctype
    if scan.wants_text:
        parser.CharacterDataHandler = scan.text
    try:
        with archive.open(part) as member:
            while chunk := member.read(_CHUNK):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except expat.ExpatError:
        return  # not XML (an image), or damaged there: openpyxl or odfpy stops there too, and says so


class _Elements(_Scan):
    """The elements of every part, in all, against a limit: each is a Python object to the readers."""

    def __init__(self, limit: int):
        self.limit = limit
        self.count = 0
        self.part = ""

    def start(self, name: str, attrs: dict[str, str], depth: int) -> None:
        self.count += 1
        if self.count > self.limit:
            many = f"part {self.part}: the workbook holds over {self.limit:,} XML elements by here"
            raise _Refused(Refusal(f"{many}; a scenario workbook holds far fewer"))


def _count_elements(archive: zipfile.ZipFile, limit: int) -> None:
    elements = _Elements(limit)
    for info in archive.infolist():
        elements.part = info.filename
        _parse(archive, info.filename, elements)


def _number(text: str | None, default: int) -> int | None:
    """A count or index as Python's `int` reads it (as openpyxl and pandas do); None when it is not one."""
    if text is None:
        return default
    try:
        return int(text)
    except ValueError:
        return None


class _SharedStrings(_Scan):
    """Each shared string's length, by its index, as a cell of type `s` uses it."""

    wants_text = True

    def __init__(self) -> None:
        self.lengths: list[int] = []
        self._inside = 0  # the depth of the open `si`, 0 outside one

    def start(self, name: str, attrs: dict[str, str], depth: int) -> None:
        if name == f"{MAIN} si" and not self._inside:
            self._inside = depth
            self.lengths.append(0)

    def end(self, name: str, depth: int) -> None:
        if depth == self._inside:
            self._inside = 0

    def text(self, data: str) -> None:
        if self._inside:
            self.lengths[-1] += len(data)


@dataclass
class _Row:
    depth: int
    column: int = 0  # the last cell's column so far


class _SheetGrid(_Scan):
    """A worksheet's rows at least as large as openpyxl's read-only reader builds them.

    A row is a `row` element anywhere; each element directly inside it is a
    cell, at the column its `r` names or the one after the cell before, and
    the row is padded with blanks to its last cell's column. A row's number is
    its `r`, or the one after the row before; Excel's sheets end at row
    1,048,576, and a row past it (`r="99999999999"`) would have the reader step
    through every empty row between. openpyxl empties some elements before
    their row ends (a row inside a row, `extLst`), and an emptied one has no
    `r`: so a cell's column is counted as the higher of its `r` and the one
    after the cell before, which is never less than openpyxl's and is the same
    for every workbook a spreadsheet program writes. A row's number likewise.
    A cell of type `s` holds its shared string's index in its `v`.
    """

    wants_text = True

    def __init__(self, title: str, budget: _Budget, strings: list[int]):
        self.title = title
        self.budget = budget
        self.strings = strings
        self.row = 0  # the last row's number
        self.open: list[_Row] = []  # rows open, innermost last
        self.cell_depth = 0  # the open cell's, when it holds a shared string
        self.value_depth = 0  # its `v`'s, which holds the index
        self.index = ""

    def start(self, name: str, attrs: dict[str, str], depth: int) -> None:
        if self.open and depth == self.open[-1].depth + 1:  # a cell
            row = self.open[-1]
            row.column = max(_coordinate_column(attrs.get("r")), row.column + 1)
            if attrs.get("t") == "s":
                self.cell_depth, self.index = depth, ""
        elif self.cell_depth and depth == self.cell_depth + 1 and name == f"{MAIN} v":
            self.value_depth = depth
        if name == f"{MAIN} row":
            self.row = max(_row_number(attrs.get("r")), self.row + 1)
            if self.row > LAST_EXCEL_ROW:
                past = f"row {self.row:,} is past Excel's last row, {LAST_EXCEL_ROW:,}"
                where = f"{self.title}!{self.row}:{self.row}"
                self._refuse(where, f"{past}; a scenario sheet is far shorter")
            self.open.append(_Row(depth))

    def end(self, name: str, depth: int) -> None:
        if depth == self.value_depth:
            self.value_depth = 0
            index = _number(self.index, -1)
            if index is not None and 0 <= index < len(self.strings):
                self._text(self.strings[index], self.open[-1].column)
        elif depth == self.cell_depth:
            self.cell_depth = 0
        if self.open and depth == self.open[-1].depth:
            width = self.open.pop().column
            if width > MAX_COLUMNS:
                self._refuse(self._cell(width), _too_wide(f"a cell in column {column_letters(width)}", width))
            self.budget.cells += width
            if self.budget.cells > self.budget.cell_limit:
                self._refuse(self._cell(width), _too_many_cells(self.budget.cell_limit))

    def text(self, data: str) -> None:
        if not self.open:
            return
        if self.value_depth and len(self.index) < 40:
            self.index += data[:40]
        self._text(len(data), self.open[-1].column)

    def _text(self, length: int, column: int) -> None:
        self.budget.text += length
        if self.budget.text > MAX_TEXT_CHARS:
            self._refuse(self._cell(column), _too_much_text())

    def _cell(self, column: int) -> str:
        return f"{self.title}!{column_letters(max(column, 1))}{self.row}"

    @staticmethod
    def _refuse(cell: str, message: str) -> None:
        raise _Refused(Refusal(message, cell))


def _coordinate_column(r: str | None) -> int:
    """The column a cell's `r` names (`XFD7`: 16,384); 0 when it names none."""
    if not r:
        return 0
    try:
        return coordinate_to_tuple(r)[1]
    except ValueError:
        return 0


def _row_number(r: str | None) -> int:
    """The number a row's `r` gives, as openpyxl reads it (an integer, or a float that is one); 0 for none."""
    number = _number(r, 0)
    if number is not None:
        return number
    try:
        whole = float(r or "")
    except ValueError:
        return 0
    return int(whole) if whole.is_integer() else 0


class _TableGrid(_Scan):
    """An OpenDocument part's tables as pandas builds them (`pandas.io.excel._odfreader`).

    A table's rows are the `table:table-row` elements anywhere inside it; a
    row's cells are the `table:table-cell` and `table:covered-table-cell`
    elements directly inside it. A cell with no value type reads as blank
    (one with any text is counted as holding a value: pandas reads `#N/A` so).
    Blanks after a row's last value, and blank rows after a table's last
    value, are not built; all others are, each repeat a copy; and every row is
    padded to the table's widest. pandas reads the first table of a name once
    for each table of that name. A table or a row inside a cell is refused:
    LibreOffice writes neither, and pandas would read its rows twice.
    """

    wants_text = True

    def __init__(self, budget: _Budget):
        self.budget = budget
        self.table: str | None = None
        self.table_depth = 0
        self.rows = 0  # rows built
        self.seen = 0  # rows so far, blank or not, as LibreOffice numbers them
        self.blank_rows = 0  # blank rows not yet built
        self.width = 0
        self.row_depth = 0
        self.row_repeat = 1
        self.built = 0  # the open row's cells built
        self.blank_cells = 0  # its blank cells not yet built
        self.cell_depth = 0
        self.cell_repeat = 1
        self.filled = False
        self.chars = 0

    def start(self, name: str, attrs: dict[str, str], depth: int) -> None:
        if name == f"{TABLE} table":
            title = attrs.get(f"{TABLE} name", "")
            if self.table is not None:
                self._refuse(
                    f"{self.table}!{self._place()}", f"table {title!r} is inside a cell of this sheet"
                )
            self.table, self.table_depth = title, depth
            self.rows = self.seen = self.blank_rows = self.width = 0
        elif self.table is None:
            return
        elif name == f"{TABLE} table-row":
            if self.row_depth:
                self._refuse(f"{self.table}!{self._place()}", "a row inside a cell of this sheet's row")
            self.row_repeat = self._count(attrs.get(f"{TABLE} number-rows-repeated"))
            self.row_depth, self.built, self.blank_cells = depth, 0, 0
        elif (
            self.row_depth
            and depth == self.row_depth + 1
            and name in (f"{TABLE} table-cell", f"{TABLE} covered-table-cell")
        ):
            self.cell_repeat = self._count(attrs.get(f"{TABLE} number-columns-repeated"))
            self.cell_depth, self.chars = depth, 0
            self.filled = f"{OFFICE} value-type" in attrs
        elif self.cell_depth and name == f"{TEXT} s":
            self._characters(self._count(attrs.get(f"{TEXT} c")))
        elif self.cell_depth and name == f"{TEXT} line-break":
            self._characters(1)

    def end(self, name: str, depth: int) -> None:
        if depth == self.cell_depth:
            self.cell_depth = 0
            self._cell_done()
        elif depth == self.row_depth:
            self.row_depth = 0
            self._row_done()
        elif depth == self.table_depth:
            # pandas reads the first table of a name once for each table of that name
            title = self.table or ""
            cells = self.budget.tables.setdefault(title, self.rows * self.width)
            self.budget.cells += cells
            if self.budget.cells > self.budget.cell_limit:
                self._refuse(f"{title}!A1", _too_many_cells(self.budget.cell_limit))
            self.table, self.table_depth = None, 0

    def text(self, data: str) -> None:
        if self.cell_depth:
            self._characters(len(data))
            self.filled = self.filled or bool(data.strip())

    def _characters(self, count: int) -> None:
        self.chars += max(count, 0)
        if self.chars > MAX_CELL_CHARS:
            self._refuse(
                f"{self.table}!{self._place()}",
                f"the cell's text is over {MAX_CELL_CHARS:,} characters (spaces written as a count, text:s, "
                "included); a cell holds 32,767 at most",
            )

    def _cell_done(self) -> None:
        repeat = max(self.cell_repeat, 0)
        rows = max(self.row_repeat, 0)
        self.budget.text += self.chars * repeat * rows
        if self.budget.text > MAX_TEXT_CHARS:
            self._refuse(f"{self.table}!{self._place()}", _too_much_text())
        if not self.filled:
            self.blank_cells += self.cell_repeat
            return
        first = self.built + max(self.blank_cells, 0) + 1
        self.built = first - 1 + repeat
        self.blank_cells = 0
        if self.built > MAX_COLUMNS:
            where = f"{self.table}!{column_letters(first)}{self.seen + 1}"
            if repeat > 1:
                shown = f"the cell is repeated {repeat:,} times across (table:number-columns-repeated)"
                shown += f", to column {column_letters(self.built)}"
            else:
                shown = f"a value in column {column_letters(self.built)}"
            self._refuse(where, _too_wide(shown, self.built))

    def _row_done(self) -> None:
        where = f"{self.table}!A{self.seen + 1}"
        self.seen += max(self.row_repeat, 0)
        if self.built == 0:
            self.blank_rows += self.row_repeat
            return
        self.rows += max(self.blank_rows, 0) + max(self.row_repeat, 0)
        self.blank_rows = 0
        self.width = max(self.width, self.built)
        if self.rows > MAX_ROWS:
            repeated = f" (the row is repeated {self.row_repeat:,} times: table:number-rows-repeated)"
            self._refuse(
                where,
                f"the sheet has rows past row {MAX_ROWS:,}{repeated if self.row_repeat > 1 else ''}; "
                "a scenario sheet is far shorter",
            )
        if self.budget.cells + self.rows * self.width > self.budget.cell_limit:
            self._refuse(where, _too_many_cells(self.budget.cell_limit))

    def _place(self) -> str:
        return f"{column_letters(self.built + max(self.blank_cells, 0) + 1)}{self.seen + 1}"

    @staticmethod
    def _count(text: str | None) -> int:
        """A repeat or a count of spaces; 1 when not a number (pandas fails on it, or never reads it)."""
        number = _number(text, 1)
        return 1 if number is None else number

    @staticmethod
    def _refuse(cell: str, message: str) -> None:
        raise _Refused(Refusal(message, cell))


def _too_wide(what: str, column: int) -> str:
    return (
        f"{what} ({column:,}); a scenario sheet uses columns A to {column_letters(MAX_COLUMNS)} "
        f"({MAX_COLUMNS:,}) at most, so the sheet is not read: delete the columns past them"
    )


def _too_many_cells(limit: int) -> str:
    return (
        f"the workbook's sheets hold over {limit:,} cells by here (counting the blanks before each row's "
        "last cell); a scenario workbook holds far fewer: delete the rows and columns past its tables"
    )


def _too_much_text() -> str:
    return (
        f"the workbook's cells hold over {MAX_TEXT_CHARS:,} characters of text by here (a text repeated "
        "or shared by many cells counted each time); a scenario workbook holds far less"
    )
