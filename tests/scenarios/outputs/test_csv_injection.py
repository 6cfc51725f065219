"""No CSV the engine writes carries a formula a spreadsheet would run, whatever the text holds.

Issue 13, defect 1: a stream id `s\\r=2+5+cmd|' /C calc'!A0` left a bare carriage return unquoted,
the row split, and the next "row" began with the formula. Issue 12: a placeholder `'-` in summary.csv.
"""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st
from laa.models.cells import FORMULA_STARTS, NUMBER, QUOTE
from laa.scenarios.batch.ledger import CaseRow, Ledger
from laa.scenarios.batch.summary import summary_rows, write_summary
from laa.scenarios.outputs.csvout import pounds_cell, to_csv

INJECTION = "s\r=2+5+cmd|' /C calc'!A0"


def read(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def records(text: str) -> list[str]:
    """The CSV's records as a reader that honours quotes but splits on any line break would see them."""
    found, current, quoted = [], "", False
    for char in text:
        if char == '"':
            quoted = not quoted
        if char in "\r\n" and not quoted:
            found.append(current)
            current = ""
        else:
            current += char
    return [*found, current] if current else found


def test_a_carriage_return_cannot_start_a_row_with_a_formula():
    text = to_csv(["arrangement", "source", "amount"], [["aligned", INJECTION, "1.00"]])
    assert read(text) == [["arrangement", "source", "amount"], ["aligned", INJECTION, "1.00"]]
    assert len(records(text)) == 2
    for record in records(text):
        assert not record.lstrip('"').startswith(FORMULA_STARTS), record


def test_a_field_starting_with_a_line_break_and_a_formula_is_quoted_both_ways():
    text = to_csv(["name"], [["\n=1+1"], ["\r@SUM(A1)"]])
    assert [row[0] for row in read(text)[1:]] == [QUOTE + "\n=1+1", QUOTE + "\r@SUM(A1)"]


@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e12, max_value=1e12))
def test_money_to_the_penny_reads_back_as_the_number(amount):
    """Issue 23: `'-1746000.00` was text to pandas and Excel; and `-0.00` is 0.00."""
    (cell,) = read(to_csv(["amount"], [[pounds_cell(amount)]]))[1]
    assert float(cell) == pytest.approx(round(amount, 2), abs=0.006)
    assert cell != "-0.00"


def test_none_is_an_empty_cell():
    assert to_csv(["a", "b"], [[None, 1]]) == "a,b\n,1\n"


@given(st.lists(st.lists(st.text(max_size=12), min_size=1, max_size=4), min_size=1, max_size=5))
def test_any_text_reads_back_as_written_and_no_cell_runs(rows):
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]
    text = to_csv([f"c{i}" for i in range(width)], rows)
    back = read(text)[1:]
    assert len(back) == len(rows)
    for written, row in zip(rows, back, strict=True):
        for original, cell in zip(written, row, strict=True):
            assert not cell.startswith(FORMULA_STARTS) or NUMBER.fullmatch(cell)
            assert cell in (original, QUOTE + original)
    for record in records(text):  # no physical line starts a formula either
        first = next(csv.reader([record]), [""])[0] if record else ""
        assert not record.startswith(FORMULA_STARTS) or NUMBER.fullmatch(first), record


def test_the_batch_summary_has_no_placeholder_text_and_quotes_control_characters(tmp_path):
    with Ledger(tmp_path / "l.sqlite") as ledger:
        run = ledger.start_run("fp", {"paths": []}, str(tmp_path), {})
    case = CaseRow(1, "broken.yaml", "-", "", "", "invalid", None, None, f"broken.yaml: {INJECTION}", 0.0,
                   None, None, None, None, "now")  # fmt: skip
    write_summary(tmp_path, run, summary_rows([case], {}), {"cases": 1}, 2)
    text = (tmp_path / "summary.csv").read_text()
    row = read(text)[1]
    assert row[:3] == ["broken.yaml", "", "invalid"]
    assert "'-" not in text and len(records(text)) == 2
