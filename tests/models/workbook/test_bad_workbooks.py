"""Bad workbooks: every problem named by sheet and cell, nothing evaluated, exit 2, never a traceback."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl.xml
import pytest
from defusedxml import EntitiesForbidden
from laa.models.errors import ScenarioError
from laa.models.load import load_scenario
from laa.models.workbook import reader as workbook

from tests.models.workbook.helpers import column_of, example_workbook, row_of

LAA = str(Path(sys.executable).parent / "laa")


def problems(path: Path) -> list[str]:
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    return [str(p) for p in caught.value.problems]


def set_cell(sheet: str, ident: str, header: str, value):
    def edit(book):
        ws = book[sheet]
        ws.cell(row_of(ws, ident), column_of(ws, header)).value = value

    return edit


def test_a_negative_amount_is_named_by_its_cell(tmp_path):
    path = example_workbook(tmp_path, set_cell("Streams", "nrf", "amounts 2027", -5))
    assert problems(path) == [
        "area.xlsx: Streams!F2: amounts 2027: money must be 0, or £1 to £1,000,000,000,000; found -5"
    ]


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (
            set_cell("Streams", "nrf", "funder", "nobody"),
            "area.xlsx: Streams!C2: funder: unknown funder 'nobody'",
        ),
        (
            set_cell("Streams", "nrf", "eligible", "neet, nope"),
            "Streams!H2: eligible: unknown outcome or block 'nope'",
        ),
        (
            set_cell("Outcomes", "neet", "weight", "lots"),
            "Outcomes!I2: weight: input should be a valid number",
        ),
        (set_cell("Outcomes", "neet", "target", 12), "Outcomes!A2: target 12 must be better than baseline"),
        (
            set_cell("Outcomes", "neet", "direction", "up"),
            "Outcomes!E2: direction: input should be 'higher' or 'lower'",
        ),
        (set_cell("Rules", "nrf-deprived-areas", "kind", "most"), "Rules!D2: kind 'most' is not one of"),
        (
            set_cell("Streams", "nrf", "id", "cf"),
            "area.xlsx: Streams!A4: id: duplicate id: 2 items of streams are called 'cf'",
        ),
        (
            set_cell("Streams", "nrf", "amounts 2027", None),
            "area.xlsx: Streams!F2: amounts 2027: no amount for year 2027; give 0 for a year with no money",
        ),
        (set_cell("Streams", "nrf", "admin_rate", dt.datetime(2026, 4, 1)), "Streams!I2: holds a date"),
        (set_cell("Streams", "nrf", "admin_rate", True), "Streams!I2: holds TRUE; a share is expected"),
    ],
    ids=[
        "funder",
        "eligible",
        "text-for-number",
        "target",
        "direction",
        "kind",
        "duplicate",
        "missing-year",
        "date",
        "bool",
    ],
)
def test_problems_are_located_at_cells(tmp_path, edit, expected):
    found = problems(example_workbook(tmp_path, edit))
    assert any(expected in p for p in found), found


def test_problems_with_the_second_of_two_rows_sharing_an_id_name_the_second_row(tmp_path):
    def edit(book):
        book["Streams"]["A3"].value = "nrf"
        book["Streams"]["D3"].value = -7

    found = problems(example_workbook(tmp_path, edit))
    expected = "area.xlsx: Streams!D3: amounts: money must be 0, or £1 to £1,000,000,000,000; found -7"
    assert expected in found, found
    assert "area.xlsx: Streams!A3: id: duplicate id: 2 items of streams are called 'nrf'" in found, found


def test_a_response_segment_is_named_by_its_row_on_the_response_sheet(tmp_path):
    def edit(book):
        book["Response"]["C3"].value = 99  # the second segment of the first outcome: returns increase

    found = problems(example_workbook(tmp_path, edit))
    assert any(p.startswith("area.xlsx: Response!A2: response: returns increase") for p in found), found


def test_a_formula_with_no_stored_value_is_an_error_at_its_cell_and_never_evaluated(tmp_path):
    path = example_workbook(tmp_path, set_cell("Streams", "nrf", "amounts 2027", "=SUM(1,2)"))
    assert problems(path) == [
        "area.xlsx: Streams!F2: holds a formula (=SUM(1,2)) with no value stored for it (the program "
        "that wrote the file did not calculate it); open and save the workbook in Excel or LibreOffice, "
        "or type the value itself"
    ]


def test_the_reader_s_problems_and_validation_s_are_reported_together(tmp_path):
    def edit(book):
        for change in (
            set_cell("Streams", "nrf", "amounts 2027", "=SUM(1,2)"),
            set_cell("Outcomes", "neet", "direction", "up"),
            set_cell("Streams", "nrf", "funder", "nobody"),
        ):
            change(book)

    found = problems(example_workbook(tmp_path, edit))
    assert found == [
        "area.xlsx: Streams!F2: holds a formula (=SUM(1,2)) with no value stored for it (the program "
        "that wrote the file did not calculate it); open and save the workbook in Excel or LibreOffice, "
        "or type the value itself",
        "area.xlsx: Outcomes!E2: direction: input should be 'higher' or 'lower'; found 'up'",
        "area.xlsx: Streams!C2: funder: unknown funder 'nobody'",
    ]


def test_a_column_missing_from_the_header_is_one_problem_not_one_per_row(tmp_path):
    def edit(book):
        book["Streams"]["C1"].value = None  # funder

    found = problems(example_workbook(tmp_path, edit))
    assert found[0] == "area.xlsx: Streams!1:1: column 'funder' is missing from the header row"
    assert all(p.endswith("a value in a column with no header (or an unknown one)") for p in found[1:]), found


def test_a_missing_sheet_is_one_problem_not_one_per_reference_to_it(tmp_path):
    def edit(book):
        del book["Funders"]

    found = problems(example_workbook(tmp_path, edit))
    assert found == [
        "area.xlsx: Funders: sheet is missing; a scenario workbook has sheets "
        "Area, Funders, Outcomes, Response, Streams"
    ]


def test_wrong_header_and_missing_sheet(tmp_path):
    def edit(book):
        book["Streams"]["D1"].value = "amount"
        del book["Funders"]

    found = problems(example_workbook(tmp_path, edit))
    assert any(p.startswith("area.xlsx: Funders: sheet is missing") for p in found), found
    assert any(p.startswith("area.xlsx: Streams!D1: unknown column 'amount'") for p in found), found


def test_amounts_given_twice_are_refused(tmp_path):
    path = example_workbook(tmp_path, set_cell("Streams", "nrf", "amounts", 100))
    assert problems(path) == [
        "area.xlsx: Streams!D2: amounts is given both for every year and year by year; give one or the other"
    ]


def test_a_response_row_for_no_outcome(tmp_path):
    def edit(book):
        book["Response"]["A2"].value = "nowhere"

    assert "area.xlsx: Response!A2: no outcome 'nowhere' on the Outcomes sheet" in problems(
        example_workbook(tmp_path, edit)
    )


def _zip(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"name: not a workbook\n", "is not an Excel workbook (.xlsx)"),
        (workbook.OLE_MAGIC + b"\0" * 600, "password-protected or old-style (.xls)"),
        (_zip({"[Content_Types].xml": b"<Types/>"}), "cannot be read as an Excel workbook"),
        (
            _zip({"xl/workbook.xml": b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>'}),
            "declares a DTD",
        ),
    ],
    ids=["text", "encrypted", "not-excel", "dtd"],
)
def test_files_that_are_not_workbooks(tmp_path, content, expected):
    path = tmp_path / "area.xlsx"
    path.write_bytes(content)
    found = problems(path)
    assert len(found) == 1 and expected in found[0], found


def _encrypted(archive: bytes) -> bytes:
    """The zip with every part flagged encrypted, in its local and its central header."""
    flagged = bytearray(archive)
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = flagged.find(signature)
        while start != -1:
            flagged[start + offset] |= 0x1
            start = flagged.find(signature, start + 4)
    return bytes(flagged)


def test_a_zip_of_encrypted_parts_is_refused_as_password_protected(tmp_path):
    path = tmp_path / "area.xlsx"
    path.write_bytes(_encrypted(_zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<x/>"})))
    assert problems(path) == [
        "area.xlsx: is a password-protected or old-style (.xls) workbook; "
        "save it as an .xlsx workbook without a password"
    ]


def test_entities_in_a_utf16_part_are_refused_though_the_dtd_search_cannot_see_them(tmp_path):
    laughs = (
        '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x [<!ENTITY a "aaaa">]>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">&a;</Types>'
    )
    path = tmp_path / "area.xlsx"
    path.write_bytes(_zip({"[Content_Types].xml": laughs.encode("utf-16")}))
    # the grid's XML pass (models.workbook.bounds) reads the part as expat does, in any encoding
    assert problems(path) == [
        "area.xlsx: part [Content_Types].xml declares a DTD, which no Excel workbook has; refused"
    ]
    # and openpyxl, behind it, parses through defusedxml, which refuses entities in any encoding
    assert openpyxl.xml.DEFUSEDXML, "openpyxl parses with defusedxml"
    with pytest.raises(ValueError) as caught:
        openpyxl.load_workbook(path, read_only=True)
    causes, exc = [], caught.value.__context__
    while exc is not None:
        causes.append(type(exc))
        exc = exc.__context__
    assert EntitiesForbidden in causes, causes


def test_an_archive_that_unpacks_too_far_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(workbook, "MAX_UNPACKED_BYTES", 10_000)
    path = tmp_path / "area.xlsx"
    path.write_bytes(_zip({"xl/sheet.xml": b"\0" * 20_000}))
    assert "unpacks to over 10,000 bytes" in problems(path)[0]


def test_the_command_line_exits_2_with_the_cell_and_no_traceback(tmp_path):
    path = example_workbook(tmp_path, set_cell("Streams", "nrf", "amounts 2027", -5))
    done = subprocess.run([LAA, "validate", str(path)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    expected = "area.xlsx: Streams!F2: amounts 2027: money must be 0, or £1 to £1,000,000,000,000; found -5"
    assert expected in done.stderr
    assert "Traceback" not in done.stderr
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(path.read_bytes()[:5000])
    done = subprocess.run([LAA, "run", str(broken)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "Traceback" not in done.stderr and "broken.xlsx:" in done.stderr


@pytest.mark.parametrize(
    ("sheet", "header"), [("Response", "outcome"), ("Rules", "kind"), ("Rules", "value")]
)
def test_a_missing_column_is_named_at_the_header_and_nothing_else_breaks(tmp_path, sheet, header):
    def edit(book):
        book[sheet].cell(1, column_of(book[sheet], header)).value = None

    found = problems(example_workbook(tmp_path, edit))
    assert f"area.xlsx: {sheet}!1:1: column {header!r} is missing from the header row" in found, found
    assert not [p for p in found if "cannot be read" in p or "exactly one of" in p], found


def test_a_damaged_sheet_is_reported_with_the_problems_found_before_it(tmp_path):
    path = example_workbook(tmp_path, set_cell("Funders", "clg", "name", "=1+1"))
    parts = zipfile.ZipFile(path).infolist()
    with zipfile.ZipFile(path) as source:
        contents = {info.filename: source.read(info) for info in parts}
    streams = contents["xl/worksheets/sheet6.xml"]
    contents["xl/worksheets/sheet6.xml"] = streams[: streams.index(b"</sheetData>") - 20]  # cut short
    path.write_bytes(_zip(contents))
    found = problems(path)
    assert found[0].startswith("area.xlsx: Funders!B2: holds a formula"), found
    assert found[-1].startswith("area.xlsx: Streams: the sheet cannot be read: ParseError"), found


def test_a_bug_in_the_reader_is_not_blamed_on_the_file(tmp_path, monkeypatch):
    def broken(self, *args):
        raise KeyError("a bug")

    monkeypatch.setattr(workbook._Reader, "_attach", broken)
    with pytest.raises(KeyError):
        load_scenario(example_workbook(tmp_path))
