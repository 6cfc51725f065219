"""A workbook's grid is bounded before anything expands it, refused at its sheet and cell (issue 21, row 1).

A 48 KB .xlsx of rows holding one cell in column XFD took 222 s of CPU; an
806-byte .ods with a value repeated across took 93 s and 433 MB. Each bomb
here is loaded in a child process allowed 10 s of CPU and 500 MB
(`tests.resources`): before the bounds, each overran one or the other.
"""

from __future__ import annotations

import io
import re
import zipfile

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st
from laa.models.errors import ScenarioError
from laa.models.load import load_scenario, load_scenario_bytes
from laa.models.workbook import bounds
from laa.models.workbook.bounds import column_letters, ods_refusal, xlsx_refusal

from tests.fuzz import bombs
from tests.paths import EXAMPLE
from tests.resources import load_limited

TOO_WIDE = "a scenario sheet uses columns A to AMJ (1,024) at most, so the sheet is not read"


@pytest.fixture(scope="module")
def book() -> bytes:
    return bombs.example_book(EXAMPLE.read_bytes())


@pytest.fixture(scope="module")
def ods(book: bytes) -> bytes:
    return bombs.ods_of(book)


BOMBS = {
    "xlsx: 5,000 rows with a cell in XFD": (
        "xlsx",
        bombs.far_column,
        f"area.xlsx: Streams!XFD30: a cell in column XFD (16,384); {TOO_WIDE}",
    ),
    "xlsx: 300 rows padded to AMJ": (
        "xlsx",
        lambda book: bombs.far_column(book, rows=300, column="AMJ"),
        # the row: test_the_cell_budget_is_passed_at_the_row_openpyxl_passes_it
        "area.xlsx: Streams!AMJ*: the workbook's sheets hold over 250,000 cells by here",
    ),
    "xlsx: a row past Excel's last": (
        "xlsx",
        bombs.far_row,
        "area.xlsx: Streams!99999999999:99999999999: row 99,999,999,999 is past Excel's last row, 1,048,576",
    ),
    "xlsx: a flood of elements": (
        "xlsx",
        bombs.element_flood,
        "area.xlsx: part xl/worksheets/sheet6.xml: the workbook holds over 1,000,000 XML elements by here",
    ),
    "xlsx: one long text shared by 20,000 cells": (
        "xlsx",
        bombs.shared_texts,
        "area.xlsx: Streams!B589: the workbook's cells hold over 16,777,216 characters of text by here",
    ),
    "xlsx: 255 MB of spaces": (
        "xlsx",
        bombs.blank_space,
        "area.xlsx: unpacks to over 67,108,864 bytes; a scenario workbook is far smaller",
    ),
    "ods: a value repeated across": (
        "ods",
        bombs.repeated_columns,
        "area.ods: Streams!A20: the cell is repeated 1,000,000 times across (table:number-columns-repeated), "
        f"to column BDWGN (1,000,000); {TOO_WIDE}",
    ),
    "ods: a row with a value repeated down": (
        "ods",
        bombs.repeated_rows,
        "area.ods: Streams!A20: the sheet has rows past row 100,000 (the row is repeated 1,000,000 times: "
        "table:number-rows-repeated)",
    ),
    "ods: blank rows repeated, then a value": (
        "ods",
        bombs.blank_rows_then_a_value,
        "area.ods: Streams!A1048020: the sheet has rows past row 100,000",
    ),
    "ods: a space repeated a billion times": (
        "ods",
        bombs.repeated_spaces,
        "area.ods: Streams!A20: the cell's text is over 32,767 characters",
    ),
    "ods: a flood of blank cells": (
        "ods",
        bombs.ods_flood,
        "area.ods: part content.xml: the workbook holds over 150,000 XML elements by here",
    ),
}


@pytest.mark.parametrize("case", BOMBS)
def test_a_grid_bomb_is_refused_at_its_cell_within_10_s_and_500_mb(case, book, ods, tmp_path):
    kind, make, expected = BOMBS[case]
    raw = make(book if kind == "xlsx" else ods)
    assert len(raw) < 1024 * 1024, "the bombs are files under 1 MB"
    path = tmp_path / f"area.{kind}"
    path.write_bytes(raw)
    done = load_limited(path, seconds=10, megabytes=500)
    assert done.returncode == 0, f"stopped at its limits ({done.returncode}): {done.stderr[-500:]}"
    pattern = re.escape(expected).replace(r"\*", r"\d+")
    assert re.match(pattern, done.stdout.splitlines()[0]), done.stdout


def test_the_cell_budget_is_passed_at_the_row_openpyxl_passes_it(book):
    raw = bombs.far_column(book, rows=300, column="AMJ")
    source = openpyxl.load_workbook(io.BytesIO(raw), read_only=True)
    built, passed = 0, None
    for ws in source.worksheets:
        ws.reset_dimensions()
        for number, row in enumerate(ws.iter_rows(), start=1):
            built += len(row)
            if built > 250_000 and passed is None:
                passed = f"{ws.title}!{column_letters(len(row))}{number}"
    source.close()
    refusal = xlsx_refusal(raw)
    assert refusal is not None and refusal.cell == passed
    assert refusal.message.startswith("the workbook's sheets hold over 250,000 cells by here")


def test_text_runs_just_under_the_markup_bound_are_read_in_linear_time(book, tmp_path):
    """Three runs of a little under 1 MB: the regular expression that looked for a longer one took minutes."""
    path = tmp_path / "area.xlsx"
    path.write_bytes(bombs.long_runs(book))
    done = load_limited(path, seconds=10, megabytes=500)
    assert done.returncode == 0 and done.stdout == "loaded\n", (done.returncode, done.stderr[-500:])


def test_a_workbook_libreoffice_wrote_with_blanks_to_its_sheet_edges_reads_as_the_same_scenario(ods):
    """LibreOffice ends every row with blanks repeated to column AMJ and every sheet with a million
    blank rows: none of them is built, so none counts."""
    edged = bombs.libreoffice_trailers(ods)
    assert load_scenario_bytes(edged, "area.ods") == load_scenario(EXAMPLE)


def test_blank_cells_styled_out_to_the_last_column_allowed_are_read(book):
    styled = b"".join(b'<row r="%d"><c r="AMJ%d" s="1"/></row>' % (n, n) for n in range(30, 230))
    assert load_scenario_bytes(bombs.xlsx_with_rows(book, styled), "area.xlsx") == load_scenario(EXAMPLE)


def test_the_message_names_the_cell_for_the_command_line(book, tmp_path):
    path = tmp_path / "area.xlsx"
    path.write_bytes(bombs.far_column(book, rows=3))
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    (problem,) = caught.value.problems
    assert problem.where == "Streams!XFD30" and str(problem).startswith(
        "area.xlsx: Streams!XFD30: a cell in column"
    )


LETTERS = [(1, "A"), (26, "Z"), (27, "AA"), (1024, "AMJ"), (16384, "XFD"), (18279, "AAAA")]


@pytest.mark.parametrize(("column", "letters"), LETTERS)
def test_column_letters_as_a_spreadsheet_shows_them(column, letters):
    assert column_letters(column) == letters


# --- the bounds never count less than openpyxl and pandas build ---


@st.composite
def sheet_rows(draw: st.DrawFn) -> bytes:
    """Rows as any program might write them: with and without `r`, out of order, a row inside a row,
    and an element openpyxl empties before the row ends (`col`), then counts as a cell with no `r`."""
    made = b""
    for _ in range(draw(st.integers(1, 6))):
        r = draw(st.one_of(st.none(), st.integers(1, 40)))
        made += b"<row" + (b' r="%d"' % r if r is not None else b"") + b">"
        for _ in range(draw(st.integers(0, 6))):
            kind = draw(st.sampled_from(["cell", "bare", "row", "emptied"]))
            if kind == "cell":
                col = column_letters(draw(st.integers(1, 60))).encode()
                made += b'<c r="%s%d"><v>1</v></c>' % (col, r or 1)
            elif kind == "bare":
                made += b"<c><v>2</v></c>"
            elif kind == "emptied":
                made += b'<col min="1" r="%s1"/>' % column_letters(draw(st.integers(1, 60))).encode()
            else:
                made += b'<row r="%d"/>' % draw(st.integers(1, 40))
        made += b"</row>"
    return made


def openpyxl_cells(raw: bytes) -> tuple[int, int]:
    """The cells openpyxl's read-only reader builds, in all its sheets, and its widest row."""
    source = openpyxl.load_workbook(io.BytesIO(raw), read_only=True)
    total, widest = 0, 0
    for ws in source.worksheets:
        ws.reset_dimensions()
        for row in ws.iter_rows():
            total += len(row)
            widest = max(widest, len(row))
    source.close()
    return total, widest


@given(rows=sheet_rows())
def test_the_xlsx_bounds_count_at_least_what_openpyxl_builds(rows, small_book):
    raw = bombs.xlsx_with_rows(small_book, rows, part="xl/worksheets/sheet1.xml")
    total, widest = openpyxl_cells(raw)
    assert xlsx_refusal(raw) is None
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(bounds, "MAX_CELLS", total - 1)
        assert xlsx_refusal(raw) is not None, "a grid openpyxl builds larger than the bound is refused"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(bounds, "MAX_COLUMNS", widest - 1)
        assert xlsx_refusal(raw) is not None, "a row openpyxl builds wider than the bound is refused"


@st.composite
def table_rows(draw: st.DrawFn) -> bytes:
    """Rows with values and blanks, each maybe repeated across or down, as LibreOffice writes them."""
    made = b""
    for _ in range(draw(st.integers(1, 6))):
        down = draw(st.integers(1, 4))
        made += b'<table:table-row table:number-rows-repeated="%d">' % down
        for _ in range(draw(st.integers(0, 5))):
            across = b' table:number-columns-repeated="%d"' % draw(st.integers(1, 5))
            if draw(st.booleans()):
                made += b'<table:table-cell office:value-type="float" office:value="1"%s/>' % across
            else:
                made += b"<table:table-cell%s/>" % across
        made += b"</table:table-row>"
    return made


def pandas_cells(raw: bytes) -> tuple[int, int]:
    """The cells pandas' .ods reader builds for every table name, and its widest row."""
    from pandas.io.excel._odfreader import ODFReader

    reader = ODFReader(io.BytesIO(raw))
    total, widest = 0, 0
    for name in reader.sheet_names:
        table = reader.get_sheet_data(reader.get_sheet_by_name(name))
        total += sum(len(row) for row in table)
        widest = max([widest, *(len(row) for row in table)])
    reader.close()
    return total, widest


@given(rows=table_rows())
def test_the_ods_bounds_count_at_least_what_pandas_builds(rows, small_ods):
    raw = bombs.ods_with_rows(small_ods, rows, table="Sheet")
    total, widest = pandas_cells(raw)
    assert ods_refusal(raw) is None
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(bounds, "MAX_ODS_CELLS", total - 1)
        assert ods_refusal(raw) is not None, "a grid pandas builds larger than the bound is refused"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(bounds, "MAX_COLUMNS", widest - 1)
        assert widest == 0 or ods_refusal(raw) is not None, (
            "a row pandas builds wider than the bound is refused"
        )


@pytest.fixture(scope="module")
def small_book() -> bytes:
    """A one-sheet workbook with one cell, as openpyxl writes it."""
    made = openpyxl.Workbook()
    made.active["A1"] = 1
    out = io.BytesIO()
    made.save(out)
    return out.getvalue()


@pytest.fixture(scope="module")
def small_ods() -> bytes:
    """A one-table spreadsheet, named Sheet, holding one value."""
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow

    document = OpenDocumentSpreadsheet()
    table = Table(name="Sheet")
    row = TableRow()
    row.addElement(TableCell(valuetype="float", value="1"))
    table.addElement(row)
    document.spreadsheet.addElement(table)
    out = io.BytesIO()
    document.write(out)
    return out.getvalue()


def test_every_bomb_but_the_unpacked_size_s_gets_past_the_archive_checks(book, ods):
    """The bombs reach the grid's bounds: nothing before them (the zip, a DTD, markup) refuses them."""
    from laa.models.workbook.reader import archive_refusal

    for kind, make, expected in BOMBS.values():
        raw = make(book if kind == "xlsx" else ods)
        refused = archive_refusal(raw)
        assert zipfile.is_zipfile(io.BytesIO(raw))
        if "unpacks to over" in expected:
            assert refused is not None and refused.startswith("unpacks to over")
        else:
            assert refused is None, refused


def test_the_widest_sheet_of_fifty_years_fits_in_the_columns_allowed():
    from laa.models.workbook.layout import LAYOUT

    widest = max(sum(50 if c.per_year else 1 for c in sheet.columns) for sheet in LAYOUT)
    assert widest == 121 and widest * 8 < bounds.MAX_COLUMNS  # the Variants sheet: 21 columns and 2 by year


def test_the_bounds_sit_above_the_largest_benchmark_area():
    """The XL many-streams area (1,000 streams) as a workbook reads, far inside every bound."""
    from laa.models.load import parse_scenario
    from laa.models.workbook.writer import scenario_workbook

    from benchmarks.generate import generate

    scenario = parse_scenario(generate("XL", 0, "many-streams"), "xl")
    raw = scenario_workbook(scenario)
    assert load_scenario_bytes(raw, "xl.xlsx") == scenario
    assert load_scenario_bytes(bombs.ods_of(raw), "xl.ods") == scenario
