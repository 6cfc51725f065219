"""Hostile files, shared by the tests and the fuzz: workbooks whose grid is far larger than their bytes,
and YAML with line breaks a reviewer does not see (issue 21).

A workbook bomb is a real scenario workbook with rows added to one sheet's
XML: in an .xlsx, a cell far to the right (openpyxl pads its row out to it),
rows far down, many wide rows, a flood of elements, much text; in an .ods
(the same sheets written by odfpy), a cell or a row with a value repeated
(`table:number-columns-repeated`, `table:number-rows-repeated`), blank rows
repeated before a value, a space repeated (`text:s`). Each builder takes the
workbook and returns the bomb's bytes.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from functools import cache

from laa.models.load import load_scenario_bytes
from laa.models.workbook.writer import scenario_workbook

STREAMS_PART = "xl/worksheets/sheet6.xml"  # the writer's sheets go in layout order: Streams is the sixth
ODS_CONTENT = "content.xml"
ODS_VALUE = (
    b'<table:table-cell office:value-type="float" office:value="1"><text:p>1</text:p></table:table-cell>'
)
HIDDEN_BREAKS = ("\u2028", "\u2029", "\x85", "\r")
MAIN = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"
SST_TYPE = (
    b'<Override PartName="/xl/sharedStrings.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
)
SST_REL = (
    b'<Relationship Id="rIdStrings" Target="/xl/sharedStrings.xml" '
    b'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"/>'
)


def rezipped(archive: bytes, part: str, edit: Callable[[bytes], bytes]) -> bytes:
    """The zip with `part` edited, every part deflated (the mimetype of an .ods first and stored)."""
    source = zipfile.ZipFile(io.BytesIO(archive))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == part:
                data = edit(data)
            method = zipfile.ZIP_STORED if info.filename == "mimetype" else zipfile.ZIP_DEFLATED
            target.writestr(info.filename, data, compress_type=method)
    return out.getvalue()


# --- .xlsx ---


def xlsx_with_rows(book: bytes, rows: bytes, part: str = STREAMS_PART) -> bytes:
    """The workbook with `rows` (XML) added at the end of a sheet's data (the Streams sheet's)."""
    return rezipped(book, part, lambda xml: xml.replace(b"</sheetData>", rows + b"</sheetData>", 1))


def far_column(book: bytes, rows: int = 5000, column: str = "XFD", first: int = 30) -> bytes:
    """`rows` rows, each holding one cell in `column`: openpyxl pads each to that column's width."""
    row = b'<row r="%d"><c r="%s%d"><v>1</v></c></row>'
    made = b"".join(row % (n, column.encode(), n) for n in range(first, first + rows))
    return xlsx_with_rows(book, made)


def far_row(book: bytes, number: int = 99_999_999_999) -> bytes:
    """One row numbered far past Excel's last: the reader would step through every empty row before it."""
    return xlsx_with_rows(book, b'<row r="%d"><c r="A%d"><v>1</v></c></row>' % (number, number))


def element_flood(book: bytes, count: int = 1_100_000) -> bytes:
    """An element openpyxl does not know, `count` times after the sheet's data."""
    return rezipped(
        book, STREAMS_PART, lambda xml: xml.replace(b"</sheetData>", b"</sheetData>" + b"<x/>" * count)
    )


def shared_texts(book: bytes, cells: int = 20_000, length: int = 30_000) -> bytes:
    """`cells` names on the Streams sheet all holding one text of `length` characters, stored once as
    a shared string: 100 kB on disk, 600 million characters to a reader that copies each cell's text
    (the reader copies a text whose leading quote it takes off)."""
    text = b"'" + b"x" * (length - 1)
    strings = b'<sst xmlns="%s" count="1" uniqueCount="1"><si><t>%s</t></si></sst>' % (MAIN, text)
    row = b'<row r="%d"><c r="B%d" t="s"><v>0</v></c></row>'
    book = xlsx_with_rows(book, b"".join(row % (n, n) for n in range(30, 30 + cells)))
    book = rezipped(book, "[Content_Types].xml", lambda xml: xml.replace(b"</Types>", SST_TYPE + b"</Types>"))
    book = rezipped(
        book,
        "xl/_rels/workbook.xml.rels",
        lambda xml: xml.replace(b"</Relationships>", SST_REL + b"</Relationships>"),
    )
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(book)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            target.writestr(info.filename, source.read(info))
        target.writestr("xl/sharedStrings.xml", strings)
    return out.getvalue()


def long_runs(book: bytes, runs: int = 3, length: int = 1_048_566) -> bytes:
    """Texts just under the longest run of markup a part may hold, one after another (a cell holds
    fewer; the part is still read): a regular expression for the longest run took minutes on them."""
    blob = b"".join(b"<x>" + b"a" * length + b"</x>" for _ in range(runs))
    return rezipped(book, STREAMS_PART, lambda xml: xml.replace(b"</sheetData>", b"</sheetData>" + blob, 1))


def blank_space(book: bytes, megabytes: int = 255) -> bytes:
    """Runs of 1 MB of spaces between empty elements after a sheet's data: a few hundred kB deflated,
    and a part held whole in memory, twice over, while it is checked."""
    blob = (b" " * (1024 * 1024 - 4) + b"<x/>") * megabytes
    return rezipped(book, STREAMS_PART, lambda xml: xml.replace(b"</sheetData>", b"</sheetData>" + blob, 1))


# --- .ods ---


def ods_of(book: bytes) -> bytes:
    """The workbook's sheets as an OpenDocument spreadsheet, cell for cell (values as stored)."""
    import openpyxl
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    document = OpenDocumentSpreadsheet()
    source = openpyxl.load_workbook(io.BytesIO(book), read_only=True)
    for ws in source.worksheets:
        table = Table(name=ws.title)
        for row in ws.iter_rows(values_only=True):
            line = TableRow()
            for value in row:
                if value is None:
                    line.addElement(TableCell())
                elif isinstance(value, bool):
                    cell = TableCell(valuetype="boolean", booleanvalue="true" if value else "false")
                    cell.addElement(P(text="TRUE" if value else "FALSE"))
                    line.addElement(cell)
                elif isinstance(value, int | float):
                    cell = TableCell(valuetype="float", value=repr(value))
                    cell.addElement(P(text=repr(value)))
                    line.addElement(cell)
                else:
                    cell = TableCell(valuetype="string")
                    cell.addElement(P(text=str(value)))
                    line.addElement(cell)
            table.addElement(line)
        document.spreadsheet.addElement(table)
    source.close()
    out = io.BytesIO()
    document.write(out)
    return out.getvalue()


def ods_with_rows(ods: bytes, rows: bytes, table: str = "Streams") -> bytes:
    """The spreadsheet with `rows` (XML) added at the end of a table's rows."""

    def edit(xml: bytes) -> bytes:
        start = xml.index(b'table:name="%s"' % table.encode())
        end = xml.index(b"</table:table>", start)
        return xml[:end] + rows + xml[end:]

    return rezipped(ods, ODS_CONTENT, edit)


def repeated_columns(ods: bytes, count: int = 1_000_000) -> bytes:
    """A row with a value repeated `count` times across."""
    cell = ODS_VALUE.replace(
        b"<table:table-cell ", b'<table:table-cell table:number-columns-repeated="%d" ' % count
    )
    return ods_with_rows(ods, b"<table:table-row>" + cell + b"</table:table-row>")


def repeated_rows(ods: bytes, count: int = 1_000_000) -> bytes:
    """A row holding a value, repeated `count` times down."""
    return ods_with_rows(
        ods, b'<table:table-row table:number-rows-repeated="%d">%s</table:table-row>' % (count, ODS_VALUE)
    )


def blank_rows_then_a_value(ods: bytes, count: int = 1_048_000) -> bytes:
    """`count` blank rows (as LibreOffice writes a sheet's end), then a row with a value."""
    blank = b'<table:table-row table:number-rows-repeated="%d"><table:table-cell/></table:table-row>' % count
    return ods_with_rows(ods, blank + b"<table:table-row>" + ODS_VALUE + b"</table:table-row>")


def repeated_spaces(ods: bytes, count: int = 1_000_000_000) -> bytes:
    """A text cell holding one space written as `count` (`text:s`)."""
    spaces = b'<text:p>a<text:s text:c="%d"/></text:p>' % count
    cell = b'<table:table-cell office:value-type="string">' + spaces + b"</table:table-cell>"
    return ods_with_rows(ods, b"<table:table-row>" + cell + b"</table:table-row>")


def ods_flood(ods: bytes, count: int = 200_000) -> bytes:
    """A row of `count` blank cells: each a Python object to odfpy, and none built by pandas."""
    return ods_with_rows(ods, b"<table:table-row>" + b"<table:table-cell/>" * count + b"</table:table-row>")


def libreoffice_trailers(ods: bytes) -> bytes:
    """What LibreOffice writes at a sheet's edges: the blanks to column AMJ after every row, and blank
    rows to the sheet's last. A scenario saved by LibreOffice has them: they are never built."""

    def edit(xml: bytes) -> bytes:
        xml = xml.replace(
            b"</table:table-row>",
            b'<table:table-cell table:number-columns-repeated="1000"/></table:table-row>',
        )
        blanks = b'<table:table-cell table:number-columns-repeated="1024"/>'
        trailer = b'<table:table-row table:number-rows-repeated="1048500">' + blanks + b"</table:table-row>"
        return xml.replace(b"</table:table>", trailer + b"</table:table>")

    return rezipped(ods, ODS_CONTENT, edit)


@cache
def example_book(yaml_text: bytes) -> bytes:
    """The scenario's workbook, made once per scenario text."""
    return scenario_workbook(load_scenario_bytes(yaml_text, "seed.yaml"))


# --- YAML ---


def hidden_break(text: str, at: int, char: str = "\u2028", setting: str = "  min_spend: 40000000") -> str:
    """The YAML text with `char` and a setting after it put at the end of line `at` (0-based):
    one line to grep and a review, two to the YAML loader."""
    lines = text.split("\n")
    lines[at] += f"  # reviewed by finance{char}{setting}"
    return "\n".join(lines)
