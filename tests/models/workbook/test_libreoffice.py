"""Workbooks re-saved by a real spreadsheet program (LibreOffice Calc, headless) read back to the same model.

LibreOffice writes a boolean as the formula `=FALSE()` with its value stored
beside it, and finance leads type amounts as formulas (`=F2*1.02`): the
reader takes the value the program stored and never evaluates a formula.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from laa.models.errors import ScenarioError
from laa.models.load import load_scenario, parse_workbook
from laa.models.workbook.writer import scenario_workbook, template_workbook
from laa.scenarios.analysis.arrangements import plan_all

from tests.models.workbook.helpers import cells, column_of, example_workbook, row_of
from tests.models.workbook.libreoffice import convert
from tests.models.workbook.test_template import fill
from tests.paths import EXAMPLE


def problems(path: Path) -> list[str]:
    with pytest.raises(ScenarioError) as refused:
        load_scenario(path)
    return [str(p) for p in refused.value.problems]


def test_the_example_resaved_by_libreoffice_plans_to_the_yaml_scores(libreoffice, tmp_path):
    book = tmp_path / "northbridge.xlsx"
    book.write_bytes(scenario_workbook(load_scenario(EXAMPLE)))
    resaved = convert(book, "xlsx", tmp_path / "calc")
    formulas = [c for c in cells(resaved.read_bytes()) if c.data_type == "f"]
    assert any(str(c.value) in ("=FALSE()", "=TRUE()") for c in formulas)  # how Calc writes booleans
    from_yaml = load_scenario(EXAMPLE)
    assert load_scenario(resaved) == from_yaml
    expected = {p.arrangement: p.score for p in plan_all(from_yaml)}
    got = {p.arrangement: p.score for p in plan_all(load_scenario(resaved))}
    assert expected.keys() == got.keys()
    for arrangement, score in expected.items():
        assert score is not None and got[arrangement] == pytest.approx(score, abs=1e-9)


def test_the_template_filled_in_and_resaved_by_libreoffice_reads_back(libreoffice, tmp_path):
    scenario = load_scenario(EXAMPLE)
    blank = tmp_path / "blank.xlsx"
    blank.write_bytes(template_workbook(list(scenario.years)))
    # the blank template is refused the same way before and after Calc saved it
    assert problems(convert(blank, "xlsx", tmp_path / "calc-blank")) == problems(blank)
    filled = tmp_path / "filled.xlsx"
    filled.write_bytes(fill(template_workbook(list(scenario.years)), scenario))
    assert parse_workbook(convert(filled, "xlsx", tmp_path / "calc").read_bytes(), "filled.xlsx") == scenario


def _formulas(book: openpyxl.Workbook) -> None:
    streams = book["Streams"]
    row = row_of(streams, "nrf")
    first, second = column_of(streams, "amounts 2026"), column_of(streams, "amounts 2027")
    source = streams.cell(row, first).coordinate
    streams.cell(row, second).value = f"={source}*1.02"
    streams.cell(row, column_of(streams, "poolable")).value = "=TRUE()"


def test_formulas_are_read_as_the_values_their_spreadsheet_stored(libreoffice, tmp_path):
    written = example_workbook(tmp_path, _formulas)  # openpyxl stores formulas without values
    found = problems(written)
    assert len(found) == 2
    assert found[0].startswith("area.xlsx: Streams!F2: holds a formula (=E2*1.02) with no value stored")
    assert "open and save the workbook in Excel or LibreOffice, or type the value itself" in found[0]
    resaved = convert(written, "xlsx", tmp_path / "calc")  # Calc calculates and stores the values
    scenario = load_scenario(resaved)
    nrf = scenario.stream("nrf")
    assert nrf.amount_in(2027) == pytest.approx(nrf.amount_in(2026) * 1.02)
    assert nrf.poolable is True
    expected = load_scenario(EXAMPLE).model_dump()
    got = scenario.model_dump()
    expected_nrf = next(s for s in expected["streams"] if s["id"] == "nrf")
    expected_nrf["amounts"][2027] = nrf.amount_in(2027)
    assert got == expected


def test_a_formula_whose_stored_result_is_an_error_is_refused_at_its_cell(libreoffice, tmp_path):
    def divide_by_zero(book):
        streams = book["Streams"]
        streams.cell(row_of(streams, "nrf"), column_of(streams, "amounts 2027")).value = "=1/0"

    resaved = convert(example_workbook(tmp_path, divide_by_zero), "xlsx", tmp_path / "calc")
    assert problems(resaved) == ["area.xlsx: Streams!F2: holds the error value #DIV/0!; a value is expected"]


def test_an_ods_saved_by_libreoffice_reads_as_the_same_scenario_with_problems_at_their_cells(
    libreoffice, tmp_path
):
    book = tmp_path / "northbridge.xlsx"
    book.write_bytes(scenario_workbook(load_scenario(EXAMPLE)))
    ods = convert(book, "ods", tmp_path / "calc")
    assert load_scenario(ods) == load_scenario(EXAMPLE)

    def negative(book):
        streams = book["Streams"]
        streams.cell(row_of(streams, "nrf"), column_of(streams, "amounts 2027")).value = -5

    bad = convert(example_workbook(tmp_path, negative), "ods", tmp_path / "calc-bad")
    found = problems(bad)
    assert len(found) == 1 and found[0].startswith("area.ods: Streams!F2: amounts 2027: "), found


def test_an_old_xls_workbook_is_named_with_what_to_do(libreoffice, tmp_path):
    book = tmp_path / "northbridge.xlsx"
    book.write_bytes(scenario_workbook(load_scenario(EXAMPLE)))
    xls = convert(book, "xls", tmp_path / "calc")
    save_as = "open it in Excel or LibreOffice and save it as an Excel workbook (.xlsx)"
    assert problems(xls) == [
        f"northbridge.xls: is an Excel 97-2003 workbook (.xls), which is not read: {save_as}"
    ]
    misnamed = tmp_path / "northbridge.yaml"
    misnamed.write_bytes(xls.read_bytes())
    assert problems(misnamed) == [
        "northbridge.yaml: is a binary file, not YAML or JSON: an Excel 97-2003 (.xls) or password-protected "
        f"workbook; {save_as}"
    ]
    misnamed.write_bytes(convert(book, "ods", tmp_path / "calc-ods").read_bytes())
    assert problems(misnamed) == [
        "northbridge.yaml: is a binary file, not YAML or JSON: an OpenDocument spreadsheet; "
        "name it .ods to read it"
    ]
