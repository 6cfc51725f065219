"""An OpenDocument spreadsheet (.ods, LibreOffice's own format) read as the same scenario workbook.

pandas reads .ods through odfpy (a dependency for this reason: no other
well-kept library reads the format, and parsing its XML ourselves would be
code to keep). Each sheet's cells, read as the values the spreadsheet
stored (a formula's last result, never evaluated here), are laid out at
their own rows and columns in an in-memory .xlsx that `read_workbook`
then reads like any other: every problem names the same `Streams!F7` a
finance lead sees in LibreOffice. The archive is checked as an .xlsx's is
(a zip, bounded once unpacked, no DTD) before odfpy parses anything.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import warnings
import zipfile
from typing import Any

import pandas as pd
from laa.models.cells import put_value
from laa.models.errors import Problem, ScenarioError
from laa.models.workbook.bounds import ods_refusal
from laa.models.workbook.reader import DAMAGED, MALFORMED, archive_refusal, refusal_problem
from laa.models.workbook.writer import book_bytes, new_book

ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"


def is_opendocument(raw: bytes) -> bool:
    """Whether the bytes are an OpenDocument spreadsheet: a zip whose `mimetype` part says so."""
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            return archive.read("mimetype").strip() == ODS_MIMETYPE
    except (KeyError, zipfile.BadZipFile, OSError, ValueError, NotImplementedError):
        return False


def ods_as_xlsx(raw: bytes, name: str) -> bytes:
    """The spreadsheet's sheets, cell for cell at the same places, as .xlsx bytes for the reader."""
    refusal = archive_refusal(raw)
    if refusal is None and not is_opendocument(raw):
        refusal = "is not an OpenDocument spreadsheet (.ods): it has no spreadsheet mimetype"
    if refusal:
        refusal = refusal.replace("an Excel workbook (.xlsx)", "an OpenDocument spreadsheet (.ods)")
        raise ScenarioError([Problem(name, None, None, None, refusal)])
    grid = ods_refusal(raw)
    if grid:
        raise ScenarioError([refusal_problem(name, grid)])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            sheets = pd.read_excel(
                io.BytesIO(raw), engine="odf", header=None, sheet_name=None, dtype=object, na_filter=False
            )
        except (*DAMAGED, *MALFORMED, OSError, AttributeError) as exc:
            reason = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
            raise ScenarioError(
                [Problem(name, None, None, None, f"cannot be read as an OpenDocument spreadsheet: {reason}")]
            ) from None
    book = new_book()
    for title, frame in sheets.items():
        ws = book.create_sheet(str(title))
        for number, row in enumerate(frame.itertuples(index=False, name=None), start=1):
            for col, value in enumerate(row, start=1):
                plain = _plain(value)
                if plain is not None:
                    put_value(ws, number, col, plain)
    return book_bytes(book)


def _plain(value: Any) -> Any:
    """A cell's value as openpyxl stores it; an empty cell (pandas gives '') or NaN as None."""
    if isinstance(value, str):
        return value or None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, dt.time | dt.date | bool | int | float):
        return value
    return str(value)
