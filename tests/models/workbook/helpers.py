"""Shared by the workbook tests: a scenario to a workbook and back, and a look at raw cells."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import openpyxl
import yaml
from laa.models.load import load_scenario, parse_workbook
from laa.models.scenario import Scenario
from laa.models.workbook.writer import scenario_workbook

from tests.paths import EXAMPLE


def example_doc() -> dict[str, Any]:
    return yaml.safe_load(EXAMPLE.read_text())


def through_workbook(scenario: Scenario, name: str = "area.xlsx") -> Scenario:
    return parse_workbook(scenario_workbook(scenario), name)


def example_workbook(tmp_path: Path, edit: Any = None, name: str = "area.xlsx") -> Path:
    """The example as a workbook on disk, after `edit(book)` changed it with openpyxl."""
    path = tmp_path / name
    path.write_bytes(scenario_workbook(load_scenario(EXAMPLE)))
    if edit is not None:
        book = openpyxl.load_workbook(path)
        edit(book)
        book.save(path)
    return path


def column_of(sheet: Any, header: str) -> int:
    return next(c.column for c in sheet[1] if c.value == header)


def row_of(sheet: Any, ident: str) -> int:
    return next(c.row for c in sheet["A"] if c.value == ident)


def cells(payload: bytes) -> list[Any]:
    """Every written cell of every sheet, as openpyxl reads it without evaluating anything."""
    book = openpyxl.load_workbook(io.BytesIO(payload), read_only=True, data_only=False, keep_links=False)
    found = [c for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value is not None]
    book.close()
    return found
