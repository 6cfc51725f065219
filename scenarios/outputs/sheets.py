"""One results sheet as a finance lead hands it on: noted headers, figures as they mean, printable.

Every sheet the project writes for reading (the results workbook, the
sweep's, the partners') goes through `add_table`, so they all look and
behave alike: a bold frozen header with a filter and a note on every
header saying what the column holds; pounds whole with `£`; scores to
three places; shares as percentages; indicators to the scenario's own
precision (`Shown` carries a cell's own format); booleans as Yes and No;
PASS and FAIL (and a total that does or does not tie out) in green and red
by conditional formatting, which every spreadsheet program keeps; and a
print set-up that fits a page's width, landscape, with the header repeated
on every page.

Every cell holds a computed value, never a formula, so what a reader sees
is what the engine worked out. Text comes from the scenario, which someone
else wrote, so every text cell goes through `models.cells.safe_cell` (a
name `=HYPERLINK(...)` is shown, not run) and loses the control characters
a workbook cannot store.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from laa.models.cells import MAX_CELL_CHARS, put_value, safe_cell
from laa.models.workbook.writer import AUTHOR, style_header
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.comments import Comment
from openpyxl.formatting.rule import CellIsRule, Rule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.styles.differential import DifferentialStyle
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

MONEY, SCORE, SHARE, YEAR, COUNT = "£#,##0;-£#,##0", "0.000", "0.0%", "0", "#,##0"
MIN_WIDTH, MAX_WIDTH = 8, 60
YES, NO = "Yes", "No"
PASS, FAIL = "PASS", "FAIL"
TIES, DOES_NOT_TIE = "ties out", "DOES NOT TIE OUT"
# words coloured wherever they stand alone in a cell: good in green, bad in red
GOOD_WORDS = (PASS, TIES)
BAD_WORDS = (FAIL, DOES_NOT_TIE, "infeasible", "error", "time_limit", "unreliable")
# words coloured red wherever they stand in a cell: a plan with figures that breaks rules
# ('optimal, breaks 2 rules', `analysis.breaches.status_words`)
BAD_PHRASES = (", breaks ",)
GREEN = (PatternFill("solid", fgColor="C6EFCE", bgColor="C6EFCE"), Font(color="006100"))
RED = (PatternFill("solid", fgColor="FFC7CE", bgColor="FFC7CE"), Font(color="9C0006", bold=True))


@dataclass(frozen=True)
class Col:
    """A column: its header, the number format of its numbers, and the note on its header."""

    header: str
    fmt: str | None = None
    note: str = ""


@dataclass(frozen=True)
class Shown:
    """A number with a format of its own, where a column's rows differ (indicators, in their units)."""

    value: float | None
    fmt: str


def decimals_format(places: int) -> str:
    """'#,##0', '#,##0.0', '#,##0.00', ...: a number to `places` decimals with thousands separators."""
    return "#,##0" + ("." + "0" * places if places > 0 else "")


def add_table(
    book: Workbook,
    title: str,
    columns: Sequence[Col],
    rows: Sequence[Sequence[object]],
    note: str = "",
    empty: str = "",
) -> Worksheet:
    """One sheet of `rows` under `columns`; `note` says what the sheet is (it leads A1's note); `empty`,
    what a sheet with no rows says under its header, so it never prints as a blank page."""
    ws = book.create_sheet(title)
    widths = [len(c.header) for c in columns]
    for col, column in enumerate(columns, start=1):
        cell = put_value(ws, 1, col, safe_cell(column.header))
        style_header(cell)
        if column.fmt:  # a number column's header sits over its figures
            cell.alignment = Alignment(horizontal="right", wrap_text=False)
        text = _note(column)
        if col == 1 and note:
            text = f"{note}\n\n{text}"
        comment = Comment(text, AUTHOR)
        comment.width, comment.height = 340, 140
        cell.comment = comment
    for number, row in enumerate(rows, start=2):
        for col, (column, given) in enumerate(zip(columns, row, strict=True), start=1):
            fmt = column.fmt
            if isinstance(given, Shown):
                fmt = given.fmt
                given = given.value
            value = _cell_value(given, fmt)
            if value is None:
                continue
            cell = put_value(ws, number, col, value)
            if fmt and isinstance(value, int | float) and not isinstance(value, bool):
                cell.number_format = fmt
            widths[col - 1] = max(widths[col - 1], _shown_width(value, fmt))
    if not rows and empty:
        put_value(ws, 2, 1, safe_cell(empty))
    for col, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(col)].width = min(max(width + 2, MIN_WIDTH), MAX_WIDTH)
    last = f"{get_column_letter(len(columns))}{max(len(rows) + 1, 1)}"
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{last}"
    if rows:
        _colour_words(ws, f"A2:{last}")
    _print_setup(ws)
    return ws


def _note(column: Col) -> str:
    """The header's note: the column's own, and how its numbers are shown."""
    how = {
        MONEY: "Pounds, rounded to whole pounds.",
        SCORE: "Score (MODEL.md's measure), to three decimal places.",
        SHARE: "A percentage.",
    }.get(column.fmt or "", "")
    return " ".join(part for part in (column.note or column.header[:1].upper() + column.header[1:] + ".", how)
                    if part)  # fmt: skip


def _colour_words(ws: Worksheet, cells: str) -> None:
    """Green for PASS and a total that ties out; red for FAIL, one that does not, a failed plan, and
    a plan that breaks rules."""
    for words, (fill, font) in ((GOOD_WORDS, GREEN), (BAD_WORDS, RED)):
        for word in words:
            ws.conditional_formatting.add(
                cells, CellIsRule(operator="equal", formula=[f'"{word}"'], fill=fill, font=font)
            )
    fill, font = RED
    first = cells.split(":")[0]  # written for the range's first cell; a spreadsheet shifts it for the rest
    for phrase in BAD_PHRASES:
        rule = Rule(type="containsText", operator="containsText", text=phrase,
                    dxf=DifferentialStyle(fill=fill, font=font),
                    formula=[f'NOT(ISERROR(SEARCH("{phrase}",{first})))'])  # fmt: skip
        ws.conditional_formatting.add(cells, rule)


def _print_setup(ws: Worksheet) -> None:
    """Landscape on A4, as wide as one page and as long as it needs, the header on every page."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:1"
    ws.oddFooter.center.text = "&A, page &P of &N"


def _cell_value(value: object, fmt: str | None) -> object:
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if fmt == MONEY and isinstance(value, int | float):
        return round(value) + 0  # whole pounds (and no negative zero)
    if fmt and fmt.startswith("#,##0") and isinstance(value, float):
        return round(value, _places(fmt)) + 0.0  # the value shown is the value held
    if isinstance(value, str):
        return safe_cell(ILLEGAL_CHARACTERS_RE.sub("", value)[: MAX_CELL_CHARS - 1])
    return value


def _shown_width(value: object, fmt: str | None) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return len(str(value))
    if fmt == MONEY:
        return len(f"£{value:,.0f}")
    if fmt in (SCORE, SHARE):
        return len(f"{value:.4f}")
    if fmt and fmt.startswith("#,##0"):
        return len(f"{value:,.{_places(fmt)}f}")
    return len(str(value))


def _places(fmt: str) -> int:
    """Decimals of a `decimals_format` format."""
    return len(fmt.split(".")[1]) if "." in fmt else 0
