"""A workbook as Excel itself writes the XML reads the same as the one we write.

Excel keeps text in a shared-strings table (`t="s"`, the cell holds an index),
booleans as `t="b"` with 0 or 1, every number (dates too) as a bare `<v>`
that only its style makes a date, and a formula as `<f>` with the value it
calculated in `<v>`. The package here is written by hand, not by openpyxl,
so the reader is tested against Excel's form and not against our writer's.
"""

from __future__ import annotations

import io
import zipfile
from typing import Any
from xml.sax.saxutils import escape

import openpyxl
import pytest
from laa.models.errors import ScenarioError
from laa.models.load import load_scenario, parse_workbook
from laa.models.workbook.writer import template_workbook
from openpyxl.utils import get_column_letter

from tests.models.workbook.test_template import fill
from tests.paths import EXAMPLE

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
DATE_STYLE = 1  # cellXfs index of a cell formatted as a date (numFmtId 14, Excel's short date)
ExcelCell = tuple[str, Any, str | None]  # (kind: s | b | n | d, value, formula)


def _sheet_xml(rows: list[list[ExcelCell | None]], strings: dict[str, int]) -> str:
    body = []
    for r, row in enumerate(rows, start=1):
        cells = []
        for c, cell in enumerate(row, start=1):
            if cell is None:
                continue
            kind, value, formula = cell
            ref = f"{get_column_letter(c)}{r}"
            f = f"<f>{escape(formula)}</f>" if formula else ""
            if kind == "s":
                index = strings.setdefault(value, len(strings))
                cells.append(f'<c r="{ref}" t="s"><v>{index}</v></c>')
            elif kind == "b":
                cells.append(f'<c r="{ref}" t="b">{f}<v>{int(value)}</v></c>')
            elif kind == "d":
                cells.append(f'<c r="{ref}" s="{DATE_STYLE}"><v>{value}</v></c>')
            else:
                cells.append(f'<c r="{ref}">{f}<v>{value!r}</v></c>')
        body.append(f'<row r="{r}" x14ac:dyDescent="0.25">{"".join(cells)}</row>')
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
        f'<worksheet xmlns="{MAIN}" xmlns:r="{REL}" '
        'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" mc:Ignorable="x14ac" '
        'xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac">'
        '<sheetViews><sheetView workbookViewId="0"/></sheetViews>'
        '<sheetFormatPr defaultRowHeight="15" x14ac:dyDescent="0.25"/>'
        f"<sheetData>{''.join(body)}</sheetData>"
        '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
        "</worksheet>"
    )


def excel_package(sheets: dict[str, list[list[ExcelCell | None]]]) -> bytes:
    strings: dict[str, int] = {}
    parts = {f"xl/worksheets/sheet{i}.xml": _sheet_xml(rows, strings) for i, rows in
             enumerate(sheets.values(), start=1)}  # fmt: skip
    names = "".join(
        f'<sheet name="{escape(name)}" sheetId="{i}" r:id="rId{i}"/>'
        for i, name in enumerate(sheets, start=1)
    )
    rels = "".join(
        f'<Relationship Id="rId{i}" Type="{REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
        for i in range(1, len(sheets) + 1)
    )
    n = len(sheets)
    rels += f'<Relationship Id="rId{n + 1}" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>'
    rels += f'<Relationship Id="rId{n + 2}" Type="{REL}/styles" Target="styles.xml"/>'
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for i in range(1, n + 1)
    )
    shared = "".join(f'<si><t xml:space="preserve">{escape(s)}</t></si>' for s in strings)
    parts |= {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            f"{overrides}"
            '<Override PartName="/xl/styles.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
            "</Types>"
        ),
        "_rels/.rels": (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="{PKG_REL}">'
            f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="{MAIN}" '
            f'xmlns:r="{REL}"><sheets>{names}</sheets><calcPr calcId="191029"/></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            f'<Relationships xmlns="{PKG_REL}">{rels}</Relationships>'
        ),
        "xl/sharedStrings.xml": (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="{MAIN}" '
            f'count="{len(strings)}" uniqueCount="{len(strings)}">{shared}</sst>'
        ),
        "xl/styles.xml": (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><styleSheet xmlns="{MAIN}">'
            '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
            '<fills count="2"><fill><patternFill patternType="none"/></fill>'
            '<fill><patternFill patternType="gray125"/></fill></fills>'
            '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
            '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
            '<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
            "</styleSheet>"
        ),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def _typed(value: Any) -> ExcelCell | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return ("b", value, None)
    if isinstance(value, int | float):
        return ("n", value, None)
    return ("s", str(value), None)


def as_excel_writes_it(filled: bytes) -> dict[str, list[list[ExcelCell | None]]]:
    """Every cell of a workbook (the template filled in as a person types), in Excel's cell forms."""
    book = openpyxl.load_workbook(io.BytesIO(filled))
    return {
        ws.title: [[_typed(v) for v in row] for row in ws.iter_rows(values_only=True)]
        for ws in book.worksheets
    }


@pytest.fixture(scope="module")
def sheets() -> dict[str, list[list[ExcelCell | None]]]:
    scenario = load_scenario(EXAMPLE)
    return as_excel_writes_it(fill(template_workbook(list(scenario.years)), scenario))


def _find(rows: list[list[ExcelCell | None]], ident: str, header: str) -> tuple[int, int]:
    column = next(i for i, c in enumerate(rows[0]) if c and c[1] == header)
    row = next(i for i, r in enumerate(rows) if r and r[0] and r[0][1] == ident)
    return row, column


def test_excel_s_own_xml_reads_as_the_same_scenario(sheets):
    kinds = {c[0] for rows in sheets.values() for row in rows for c in row if c}
    assert kinds == {"s", "b", "n"}  # shared strings, booleans and numbers all present
    assert parse_workbook(excel_package(sheets), "excel.xlsx") == load_scenario(EXAMPLE)


def test_a_formula_excel_calculated_is_read_as_its_value(sheets):
    rows = [list(r) for r in sheets["Streams"]]
    r, c = _find(rows, "nrf", "amounts 2027")
    left = get_column_letter(c)  # the 2026 amount, one column to the left
    rows[r][c] = ("n", 4_080_000, f"{left}{r + 1}*1.02")
    r, c = _find(rows, "nrf", "poolable")
    rows[r][c] = ("b", True, "TRUE()")
    scenario = parse_workbook(excel_package({**sheets, "Streams": rows}), "excel.xlsx")
    assert scenario.stream("nrf").amount_in(2027) == 4_080_000 and scenario.stream("nrf").poolable


def test_a_number_excel_styles_as_a_date_is_a_date_and_refused_at_its_cell(sheets):
    rows = [list(r) for r in sheets["Streams"]]
    r, c = _find(rows, "nrf", "amounts 2027")
    rows[r][c] = ("d", 46_000, None)  # Excel's serial number for 9 December 2025
    with pytest.raises(ScenarioError) as refused:
        parse_workbook(excel_package({**sheets, "Streams": rows}), "excel.xlsx")
    where = f"Streams!{get_column_letter(c + 1)}{r + 1}"
    assert [str(p) for p in refused.value.problems] == [
        f"excel.xlsx: {where}: holds a date or time (9 December 2025); an amount (GBP) is expected "
        "(a number formatted as a date shows as one: format the cell as a number)"
    ]
