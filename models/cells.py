"""Spreadsheet cells and the text in them, shared by every writer and the workbook reader.

Kept apart from both `models.workbook` (reading) and `scenarios` (writing)
so the layout, the reader, the CSV writers and the workbook writers agree
on one rule for text a spreadsheet might take for something else: a
formula (`=HYPERLINK(...)`) or an error value (`#N/A`).
"""

from __future__ import annotations

import re
from typing import Any

# a cell a spreadsheet would run as a formula (a leading line break is trimmed by some, leaving the rest)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
# characters a CSV reader may take for the end of a row, or a spreadsheet for a cell's end: C0 and C1
# controls, DEL, and Unicode's line and paragraph separators
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
# Excel's own limit on the characters in one cell
MAX_CELL_CHARS = 32_767
# text that starts with this is stored escaped (see `escape_text`)
QUOTE = "'"
# a number written out (`-1746000.00`, `+0.5`, `1e-3`): a spreadsheet reads it as that number, never runs it
NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def safe_cell(value: object) -> object:
    """Neutralise text a spreadsheet would evaluate (`=HYPERLINK(...)`) by quoting it.

    A number written as text (`-1746000.00`) is left as it is: a spreadsheet reads it as the
    number it is, and a quote would make it text that no sum adds up (issue 23).
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not NUMBER.fullmatch(value):
        return QUOTE + value
    return value


def has_control(value: object) -> bool:
    """Whether a text holds a control character (a CSV field that holds one is written quoted)."""
    return isinstance(value, str) and CONTROL.search(value) is not None


def escape_text(text: str) -> str:
    """Text as stored in a cell: a spreadsheet never runs it, and `unescape_text` gives it back.

    Text a spreadsheet would take for a formula is quoted as `safe_cell` quotes it (a
    leading apostrophe); text that already starts with an apostrophe is quoted too, so
    reading strips exactly one and every text survives the round trip.
    """
    quoted = str(safe_cell(text))
    return QUOTE + text if quoted == text and text.startswith(QUOTE) else quoted


def unescape_text(text: str) -> str:
    """Cell text as the finance lead typed it: the leading quote that kept it text is taken off."""
    return text[1:] if text.startswith(QUOTE) else text


def put_value(ws: Any, row: int, col: int, value: object) -> Any:
    """Write a value into an openpyxl sheet; text stays text even when it reads like `#N/A`.

    openpyxl stores a string spelled like one of Excel's error codes as that error,
    so a scenario named `#DIV/0!` would come back as an error cell, not its name.
    """
    cell = ws.cell(row=row, column=col, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
    return cell
