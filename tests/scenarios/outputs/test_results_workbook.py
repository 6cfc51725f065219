"""`laa run --format xlsx`, `laa sweep --format xlsx`, `laa template`, `laa convert`, as a user runs them."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
import yaml
from laa.models.load import load_scenario, parse_scenario
from laa.scenarios.analysis.arrangements import plan_all
from laa.scenarios.outputs.results import plan_record
from laa.scenarios.outputs.results_workbook import results_workbook

from tests.models.workbook.helpers import cells
from tests.paths import CHECKS, EXAMPLE

LAA = str(Path(sys.executable).parent / "laa")
SHEETS = ["Summary", "Outcomes", "Allocation", "Money", "Shadow prices", "Freedoms", "Diagnosis", "Checks"]
HOSTILE = '=HYPERLINK("http://evil.example","click")'


def laa(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([LAA, *args], capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Path:
    """A small area whose first stream and the area itself have names a spreadsheet would run."""
    doc = yaml.safe_load((CHECKS / "check1.yaml").read_text())
    doc["name"] = HOSTILE
    doc["streams"][0]["name"] = HOSTILE
    path = tmp_path_factory.mktemp("hostile") / "hostile.yaml"
    path.write_text(yaml.safe_dump(doc))
    return path


@pytest.fixture(scope="module")
def results(hostile) -> Path:
    out = hostile.parent / "results.xlsx"
    done = laa("run", str(hostile), "--format", "xlsx", "--out", str(out))
    assert done.returncode == 0, done.stderr
    return out


def test_the_results_workbook_has_its_sheets_formatted_for_reading(results):
    book = openpyxl.load_workbook(results)
    assert book.sheetnames == SHEETS
    for ws in book.worksheets:
        assert ws.freeze_panes == "A2" and ws["A1"].font.bold, ws.title
    summary = book["Summary"]
    head = [c.value for c in summary[1]]
    assert summary.cell(2, head.index("reward") + 1).number_format == "#,##0"
    allocation = book["Allocation"]
    head = [c.value for c in allocation[1]]
    assert {"kind", "source", "funder", "outcome", "block", "year", "amount"} <= set(head)
    assert allocation.cell(2, head.index("amount") + 1).number_format == "#,##0"
    names = [c.value for c in allocation["D"]]  # "source name": as wide as its longest, plus a margin
    assert allocation.column_dimensions["D"].width == min(max(len(str(v)) for v in names if v) + 2, 60)


def test_checks_list_every_rule_with_required_achieved_and_a_result(results, hostile):
    scenario = load_scenario(hostile)
    book = openpyxl.load_workbook(results)
    rows = list(book["Checks"].iter_rows(values_only=True))
    head, body = rows[0], rows[1:]
    col = {h: i for i, h in enumerate(head)}
    for arrangement in ("silo", "aligned", "pooled", "optimal"):
        mine = [r for r in body if r[col["arrangement"]] == arrangement]
        assert {r.id for r in scenario.rules} <= {r[col["id"]] for r in mine if r[col["kind"]] == "rule"}
    assert {r[col["result"]] for r in body} <= {"PASS", "FAIL"}
    assert "FAIL" in {r[col["result"]] for r in body if r[col["arrangement"]] == "silo"}  # silo breaks 3
    for r in body:
        if r[col["kind"]] in ("rule", "statutory"):
            assert isinstance(r[col["required"]], int | float) and isinstance(r[col["achieved"]], int | float)


def test_no_cell_is_a_formula_and_hostile_names_are_neutralised(results, hostile, tmp_path):
    written = cells(results.read_bytes())
    assert not [c for c in written if c.data_type == "f"]
    texts = {c.value for c in written if isinstance(c.value, str)}
    assert "'" + HOSTILE in texts and HOSTILE not in texts
    converted = tmp_path / "hostile.xlsx"
    assert laa("convert", str(hostile), str(converted)).returncode == 0
    written = cells(converted.read_bytes())
    assert not [c for c in written if c.data_type == "f"]
    assert "'" + HOSTILE in {c.value for c in written}
    assert load_scenario(converted) == load_scenario(hostile)


def test_text_spelled_like_an_error_value_is_text_in_the_results():
    doc = yaml.safe_load((CHECKS / "check1.yaml").read_text())
    doc["name"] = "#DIV/0!"
    doc["streams"][0]["name"] = "#N/A"
    scenario = parse_scenario(doc, "errors.yaml")
    written = cells(results_workbook(scenario, plan_all(scenario), {}))
    assert not [c for c in written if c.data_type == "e"], "an error cell was written"
    assert {"#DIV/0!", "#N/A"} <= {c.value for c in written}


def test_summary_and_outcome_figures_are_the_json_results_read_by_header():
    scenario = load_scenario(CHECKS / "check1.yaml")
    plans = plan_all(scenario)
    book = openpyxl.load_workbook(io.BytesIO(results_workbook(scenario, plans, {})))
    summary = _by_header(book["Summary"])
    outcomes = _by_header(book["Outcomes"])
    for plan in plans:
        record = plan_record(plan)
        row = next(r for r in summary if r["arrangement"] == record["arrangement"])
        for key in ("available", "overhead", "setup", "lapsed", "spent"):
            assert row[key] == pytest.approx(record["money"][key], abs=0.005), key
        assert row["reward"] == pytest.approx(record["reward"], abs=0.005)
        assert row["score"] == pytest.approx(record["score"])
        for o in record["outcomes"]:
            shown = next(
                r for r in outcomes if (r["arrangement"], r["outcome"]) == (plan.arrangement, o["id"])
            )
            assert shown["spend"] == pytest.approx(o["spend"], abs=0.005)


def _by_header(ws) -> list[dict]:
    rows = list(ws.iter_rows(values_only=True))
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


def test_xlsx_needs_an_out_file():
    done = laa("run", str(CHECKS / "check1.yaml"), "--format", "xlsx")
    assert done.returncode == 2 and "--out" in done.stderr


def test_sweep_as_a_workbook(tmp_path):
    out = tmp_path / "sweep.xlsx"
    done = laa(
        "sweep",
        str(CHECKS / "check1.yaml"),
        "--stream",
        "s0",
        "--steps",
        "2",
        "-a",
        "aligned",
        "--format",
        "xlsx",
        "--out",
        str(out),
    )
    assert done.returncode == 0, done.stderr
    rows = list(openpyxl.load_workbook(out)["Sweep"].iter_rows(values_only=True))
    assert rows[0][2:6] == ("change", "arrangement", "status", "score")
    assert [r[2] for r in rows[1:]] == [-0.2, 0.0, 0.2] and all(r[5] is not None for r in rows[1:])


def test_template_then_convert_round_trip_from_the_command_line(tmp_path):
    template = tmp_path / "blank.xlsx"
    assert laa("template", str(template), "--years", "2026-2028").returncode == 0
    refused = laa("validate", str(template))
    assert refused.returncode == 2 and "blank.xlsx: Streams: the sheet has no rows" in refused.stderr
    book, back = tmp_path / "northbridge.xlsx", tmp_path / "northbridge.yaml"
    assert laa("convert", str(EXAMPLE), str(book)).returncode == 0
    assert laa("convert", str(book), str(back)).returncode == 0
    assert load_scenario(back) == load_scenario(EXAMPLE) == load_scenario(book)
    assert laa("convert", str(EXAMPLE), str(tmp_path / "x.txt")).returncode == 2
