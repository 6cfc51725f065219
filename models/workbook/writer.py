"""A scenario as the workbook finance leads fill in, and the blank template: both from one layout.

The template and a written scenario are the same workbook, the template
with no rows, so whatever `laa template` hands out is exactly what the
reader (`models.workbook`) accepts. Writing is lossless or it refuses:
text is stored escaped (a leading `=`, `+`, `-`, `@` or apostrophe gets an
apostrophe, which the reader strips), floats keep all 17 digits, and what a
cell cannot hold (an empty list, whose blank cell would mean "every one";
an id with a comma, which would split) is an `InputError`, never a quietly
different scenario.
"""

from __future__ import annotations

import io
from enum import Enum
from typing import Any

from laa.models.cells import MAX_CELL_CHARS, escape_text, put_value
from laa.models.errors import InputError
from laa.models.scenario import Scenario
from laa.models.workbook.layout import (
    AREA,
    HISTORIC,
    LAYOUT,
    LIST_SEPARATOR,
    NUMBER_FORMATS,
    RESPONSE,
    RESPONSE_FIELD,
    RESPONSE_LINK,
    RULE_KIND,
    RULE_KINDS,
    RULE_VALUE,
    RULES,
    SHEETS,
    VARIANT_ID,
    VARIANT_NAME,
    VARIANTS,
    Column,
    Kind,
    Sheet,
)
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

# how far below the last row the drop-downs reach, for rows a finance lead adds
SPARE_ROWS = 1000
AREA_VALUE_CELLS = 6  # drop-downs along the Area's list rows (there are five arrangements)
AUTHOR = "laa-pooling"

Rows = dict[str, list[dict[str, Any]]]


def template_workbook(years: list[int]) -> bytes:
    """A blank scenario workbook whose year columns are `years`."""
    return _workbook({"name": None, "years": years}, {}, years)


def scenario_workbook(scenario: Scenario) -> bytes:
    """The scenario as a workbook that reads back to an equal `Scenario`."""
    area, rows = sheet_rows(scenario)
    return _workbook(area, rows, list(scenario.years))


def sheet_rows(scenario: Scenario) -> tuple[dict[str, Any], Rows]:
    """The Area's values by field, and each sheet's rows as {header: cell value}, as written."""
    doc = scenario.model_dump(mode="python", exclude_unset=True)
    area = {c.field: _area_value(c, doc.get(c.field)) for c in AREA.columns}
    rows: Rows = {}
    for sheet in LAYOUT:
        if sheet is AREA:
            continue
        if sheet is RESPONSE:
            items = [
                {RESPONSE_LINK: o["id"], **segment} for o in doc["outcomes"] for segment in o[RESPONSE_FIELD]
            ]
        elif sheet is VARIANTS:
            items = _change_rows(doc.get("variants") or [])
        else:
            items = doc.get(sheet.section) or []
            if sheet is HISTORIC and doc.get("historic") == []:
                raise InputError(
                    "historic: an empty list cannot be written to a workbook (an empty Historic sheet "
                    "means no historic arrangement); leave historic out"
                )
        rows[sheet.name] = [_row(sheet, item, index, scenario.years) for index, item in enumerate(items)]
    return area, rows


def _change_rows(variants: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each variant's changes as the Variants sheet's rows: one a change, the name on the first.

    A pin's fields go to the `pin ...` columns; a variant with no changes is one row naming it.
    """
    rows = []
    for variant in variants:
        head = {VARIANT_ID: variant["id"], VARIANT_NAME: variant.get("name") or None}
        for k, change in enumerate(variant.get("changes") or [{}]):
            row = dict(head) if k == 0 else {VARIANT_ID: variant["id"]}
            for key, value in change.items():
                if key == "pin":
                    row.update({f"pin.{f}": v for f, v in value.items()})
                else:
                    row[key] = value
            rows.append(row)
    return rows


def _row(sheet: Sheet, item: dict[str, Any], index: int, years: list[int]) -> dict[str, Any]:
    where = f"{sheet.section}[{item.get('id', f'#{index + 1}')}]"
    if sheet is RULES:
        kind = next(k for k in RULE_KINDS if item.get(k) is not None)
        item = {
            **{k: v for k, v in item.items() if k not in RULE_KINDS},
            RULE_KIND: kind,
            RULE_VALUE: item[kind],
        }
    row: dict[str, Any] = {}
    for column in sheet.columns:
        value = item.get(column.field)
        if column.per_year:
            if isinstance(value, dict):
                for year in years:
                    if year in value:
                        row[column.year_header(year)] = _cell(column, value[year], f"{where}.{column.field}")
        elif not isinstance(value, dict):
            row[column.header] = _cell(column, value, f"{where}.{column.field}")
    return row


def _area_value(column: Column, value: Any) -> Any:
    """An Area value; a list goes along the row, one element per cell, so it is not joined."""
    if column.many and value is not None:
        why = f"a blank row means the default); leave {column.field} out"
        return _elements(column, value, column.field, why)
    return _cell(column, value, column.field)


def _elements(column: Column, value: list[Any], where: str, why: str) -> list[Any]:
    """A list's elements as cells hold them; an empty list, which a blank cannot say, is refused."""
    if not value:
        raise InputError(f"{where}: an empty list cannot be written to a workbook ({why}")
    return [_element(column, v, where) for v in value]


def _cell(column: Column, value: Any, where: str) -> Any:
    """The value as its cell holds it (text escaped, lists joined), or `InputError` if it cannot."""
    if value is None:
        return None
    if column.many:
        why = "a blank cell means every one); remove the item or list what it covers"
        elements = _elements(column, value, where, why)
        if len(elements) == 1 and isinstance(elements[0], int):
            return elements[0]
        return _text(f"{LIST_SEPARATOR} ".join(str(e) for e in elements), where)
    if isinstance(value, Enum):
        value = value.value
    if column.kind is Kind.ID and value != value.strip():
        raise InputError(f"{where}: id {value!r} has spaces around it, which a workbook drops")
    if isinstance(value, str):
        return _text(value, where)
    return value


def _element(column: Column, value: Any, where: str) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, str) and (LIST_SEPARATOR in value or value != value.strip() or not value):
        raise InputError(
            f"{where}: id {value!r} cannot be listed in a workbook cell (ids there are comma-separated "
            "and trimmed)"
        )
    return value


def _text(value: str, where: str) -> str:
    if ILLEGAL_CHARACTERS_RE.search(value):
        raise InputError(f"{where}: text holds a control character, which a workbook cannot store")
    stored = escape_text(value)
    if len(stored) > MAX_CELL_CHARS:
        raise InputError(f"{where}: text of {len(value):,} characters is longer than a workbook cell holds")
    return stored


# --- the workbook itself ---


def new_book() -> Workbook:
    """An empty workbook (openpyxl starts one with a sheet nobody asked for)."""
    book = Workbook()
    book.remove(book.active)
    return book


def book_bytes(book: Workbook) -> bytes:
    """The workbook as .xlsx bytes, so callers write it in one go (atomically) or serve it."""
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def style_header(cell: Any) -> None:
    """The look of every header cell the project writes, scenario or results."""
    cell.font, cell.fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")


def _workbook(area: dict[str, Any], rows: Rows, years: list[int]) -> bytes:
    book = new_book()
    _area_sheet(book.create_sheet(AREA.name), area)
    for sheet in LAYOUT:
        if sheet is not AREA:
            _table_sheet(book.create_sheet(sheet.name), sheet, rows.get(sheet.name, []), years)
    return book_bytes(book)


def _header(ws: Worksheet, row: int, col: int, text: str, note: str) -> None:
    cell = put_value(ws, row, col, text)
    style_header(cell)
    comment = Comment(note, AUTHOR)
    comment.width, comment.height = 320, 110
    cell.comment = comment


def put(ws: Worksheet, row: int, col: int, value: Any, kind: Kind | None = None) -> None:
    """Write one value; a float keeps every digit (openpyxl alone writes 16 significant digits)."""
    cell = put_value(ws, row, col, value)
    if isinstance(value, float) and float(f"{value:.16g}") != value:
        cell._value = repr(value)  # the shortest text that reads back as exactly this float
    if kind in NUMBER_FORMATS and isinstance(value, int | float):
        cell.number_format = NUMBER_FORMATS[kind]


def _drop_down(ws: Worksheet, column: Column, cells: str) -> None:
    if column.choices:
        source = '"' + ",".join(column.choices) + '"'
    elif column.ids_from:
        target = SHEETS[column.ids_from]
        letter = get_column_letter(1 + [c.field for c in target.columns].index("id"))
        source = f"{quote_sheetname(target.name)}!${letter}$2:${letter}${SPARE_ROWS + 1}"
    else:
        return
    check = DataValidation(type="list", formula1=source, allow_blank=True, showErrorMessage=column.strict)
    if column.strict:
        check.errorTitle = column.header
        check.error = f"{column.header}: choose from the list. {column.note}"
    ws.add_data_validation(check)
    check.add(cells)


def _area_sheet(ws: Worksheet, area: dict[str, Any]) -> None:
    _header(ws, 1, 1, "field", AREA.note)
    _header(ws, 1, 2, "value", "Each field's value; a list goes along the row, one value per cell.")
    ws.column_dimensions["A"].width = 22
    for col in range(2, 2 + AREA_VALUE_CELLS):
        ws.column_dimensions[get_column_letter(col)].width = 14
    ws.column_dimensions["B"].width = 40
    for number, column in enumerate(AREA.columns, start=2):
        _header(ws, number, 1, column.header, column.note)
        value = area.get(column.field)
        values = value if isinstance(value, list) else [value]
        for offset, v in enumerate(values):
            if v is not None:
                put(ws, number, 2 + offset, v, column.kind)
        last = get_column_letter(1 + (AREA_VALUE_CELLS if column.many else 1))
        _drop_down(ws, column, f"B{number}:{last}{number}")
    ws.freeze_panes = "B2"


def _table_sheet(ws: Worksheet, sheet: Sheet, rows: list[dict[str, Any]], years: list[int]) -> None:
    columns = [
        (column.year_header(year) if column.per_year else column.header, column)
        for column in sheet.columns
        for year in (years if column.per_year else [0])
    ]
    last_row = len(rows) + SPARE_ROWS + 1
    for col, (header, column) in enumerate(columns, start=1):
        # the sheet's own note leads A1's, the first header anyone reads; the reader ignores notes
        _header(ws, 1, col, header, column.note if col > 1 else f"{sheet.note}\n\n{header}: {column.note}")
        letter = get_column_letter(col)
        ws.column_dimensions[letter].width = column.width
        if column.kind in NUMBER_FORMATS and not column.many:
            ws.column_dimensions[letter].number_format = NUMBER_FORMATS[column.kind]
        _drop_down(ws, column, f"{letter}2:{letter}{last_row}")
        for number, row in enumerate(rows, start=2):
            value = row.get(header)
            if value is not None:
                put(ws, number, col, value, None if column.many else column.kind)
    ws.freeze_panes = "B2" if sheet.columns[0].field == "id" else "A2"
