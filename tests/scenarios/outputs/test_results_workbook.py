"""The results workbook a finance lead hands on, and `laa sweep --format xlsx`, `laa template`, `laa convert`.

Figures as they mean (pounds whole, indicators to the scenario's precision, Yes/No), a note on
every header, PASS/FAIL coloured by conditional formatting, totals that tie out with a visible
check, print set-up, and an About sheet that says where the figures came from.
"""

from __future__ import annotations

import hashlib
import io
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
import yaml
from laa.models.load import load_scenario, parse_scenario
from laa.scenarios.analysis.arrangements import plan_all
from laa.scenarios.outputs import results_workbook as workbook_module
from laa.scenarios.outputs.results import plan_record
from laa.scenarios.outputs.results_workbook import RunInfo, results_workbook

from tests.models.workbook.helpers import cells
from tests.paths import CHECKS, EXAMPLE

LAA = str(Path(sys.executable).parent / "laa")
SHEETS = ["About", "Summary", "Outcomes", "Allocation", "Money", "Totals", "Shadow prices", "Freedoms",
          "Diagnosis", "Checks"]
MONEY = "£#,##0;-£#,##0"
HOSTILE = '=HYPERLINK("http://evil.example","click")'


def laa(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([LAA, *args], capture_output=True, text=True, timeout=180)


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


@pytest.fixture(scope="module")
def example(tmp_path_factory) -> tuple[Path, openpyxl.Workbook]:
    """The example's results workbook, as `laa run --format xlsx` writes it."""
    out = tmp_path_factory.mktemp("example") / "northbridge-results.xlsx"
    done = laa("run", str(EXAMPLE), "--format", "xlsx", "--out", str(out))
    assert done.returncode == 0, done.stderr
    return out, openpyxl.load_workbook(out)


def _by_header(ws) -> list[dict]:
    rows = list(ws.iter_rows(values_only=True))
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


def _column(ws, header: str) -> int:
    return next(c.column for c in ws[1] if c.value == header)


def test_every_sheet_has_noted_frozen_headers_a_filter_and_a_print_set_up(example):
    _, book = example
    assert book.sheetnames == SHEETS
    for ws in book.worksheets:
        assert ws.freeze_panes == "A2" and ws["A1"].font.bold, ws.title
        assert all(c.comment is not None and c.comment.text.strip() for c in ws[1]), ws.title
        assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A1:"), ws.title
        assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1, ws.title
        assert ws.page_setup.fitToHeight == 0 and ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        assert ws.print_title_rows == "$1:$1", ws.title


def test_pounds_are_whole_and_formatted_with_the_pound_sign(example):
    _, book = example
    for title, header in (("Summary", "reward"), ("Allocation", "amount"), ("Money", "spent")):
        ws = book[title]
        col = _column(ws, header)
        values = [ws.cell(r, col) for r in range(2, ws.max_row + 1) if ws.cell(r, col).value is not None]
        assert values and all(c.number_format == MONEY for c in values), title
        assert all(isinstance(c.value, int) for c in values), title  # whole pounds, not pence


def test_indicators_to_the_scenario_s_precision_and_booleans_as_yes_no(example):
    _, book = example
    ws = book["Outcomes"]
    rows = _by_header(ws)
    neet = next(r for r in rows if (r["arrangement"], r["outcome"]) == ("silo", "neet"))
    assert neet["projected"] == 7.0  # 7.02: NEET's figures (9.5, 7.5, 6.5, 1.0, 0.8) speak in tenths
    row = next(r.row for r in ws["B"] if r.value == "neet")
    assert ws.cell(row, _column(ws, "projected")).number_format == "#,##0.0"
    assert {r["target met"] for r in rows} == {"Yes", "No"}
    assert {r["stretch met"] for r in rows} <= {"Yes", "No", None}
    checks = _by_header(book["Checks"])
    assert {r["binding"] for r in checks} <= {"Yes", "No", None}


def test_pass_and_fail_are_green_and_red_by_conditional_formatting(example):
    _, book = example
    ws = book["Checks"]
    rules = {
        rule.formula[0]: rule.dxf.fill.fgColor.rgb
        for cf in ws.conditional_formatting
        for rule in cf.rules
        if rule.formula
    }
    assert rules['"FAIL"'].endswith("FFC7CE") and rules['"PASS"'].endswith("C6EFCE")
    results = {r["result"] for r in _by_header(ws)}
    assert results == {"PASS", "FAIL"}  # the silo plan breaks the statutory minimum for youth justice


def test_a_plan_that_breaks_rules_says_so_on_the_summary_in_red(example):
    """Issue 23: the silo plan breaks a rule and the Summary called it plain `optimal`."""
    _, book = example
    ws = book["Summary"]
    status = {r["arrangement"]: (r["status"], r["rules and limits broken"]) for r in _by_header(ws)}
    assert status == {"silo": ("optimal, breaks 2 rules", 2), "aligned": ("optimal", 0),
                      "pooled": ("optimal", 0), "optimal": ("optimal", 0)}  # fmt: skip
    red = [rule for cf in ws.conditional_formatting for rule in cf.rules if rule.type == "containsText"]
    assert [(r.text, r.formula, r.dxf.fill.fgColor.rgb[-6:]) for r in red] == [
        (", breaks ", ['NOT(ISERROR(SEARCH(", breaks ",A2)))'], "FFC7CE")
    ]


def test_allocation_ties_out_against_money_per_stream_and_year_with_a_visible_check(example):
    _, book = example
    totals = _by_header(book["Totals"])
    assert totals and {r["check"] for r in totals} == {"ties out"}
    scenario = load_scenario(EXAMPLE)
    for arrangement in ("silo", "aligned", "pooled", "optimal"):
        mine = [r for r in totals if r["arrangement"] == arrangement]
        assert {r["year"] for r in mine} == {"2026", "2027", "2028", "all years"}
        assert {"all"} < {r["source"] for r in mine}
        whole = next(r for r in mine if (r["source"], r["year"]) == ("all", "all years"))
        rows = _by_header(book["Allocation"])
        allocated = sum(r["amount"] for r in rows if r["arrangement"] == arrangement)
        assert whole["allocated"] == allocated
        # every line shown: the two differ only by rounding each to whole pounds
        assert abs(whole["difference"]) <= 0.5 * (len(rows) + len(scenario.streams) * 3)


def test_sheets_that_list_ids_name_them_as_the_file_does(example):
    """Issue 23: Totals, Checks and Money showed `cf`, `council_asc`; a reader needs the names beside them."""
    _, book = example
    totals = _by_header(book["Totals"])
    assert {(r["source"], r["source name"]) for r in totals} >= {
        ("cf", "Children's Fund"),
        ("council_asc", "Council adult social care prevention"),
        ("all", "every source"),
    }
    money = _by_header(book["Money"])
    assert ("cf", "Children's Fund") in {(r["source"], r["source name"]) for r in money}
    checks = _by_header(book["Checks"])
    named = {(r["kind"], r["id"], r["name"]) for r in checks}
    assert ("statutory", "first_time_entrants", "First-time entrants to the youth justice system") in named
    assert ("rule", "cf-youth-crime-prevention", "cf-youth-crime-prevention") in named  # rules have no name
    assert all(r["name"] for r in checks)
    prices = _by_header(book["Shadow prices"])
    assert prices and all(r["name"] for r in prices)


def test_an_empty_diagnosis_sheet_says_there_is_nothing_to_diagnose(example):
    """Issue 23: with every arrangement planned the Diagnosis sheet was a header alone: a blank page."""
    _, book = example
    ws = book["Diagnosis"]
    assert ws.max_row == 2
    assert ws["A2"].value == "Every arrangement was planned: there is nothing to diagnose."


def test_a_total_that_does_not_tie_out_is_shown_so(monkeypatch):
    """The check can fail: drop one allocation row and its source and year no longer tie out."""
    scenario = load_scenario(CHECKS / "check1.yaml")
    plans = plan_all(scenario, None)

    def short_one(plan):
        record = plan_record(plan)
        record["allocation"] = record["allocation"][1:]
        return record

    monkeypatch.setattr(workbook_module, "plan_record", short_one)
    book = openpyxl.load_workbook(io.BytesIO(results_workbook(scenario, plans)))
    checks = {r["check"] for r in _by_header(book["Totals"])}
    assert "DOES NOT TIE OUT" in checks


def test_the_about_sheet_says_where_the_figures_came_from(example):
    _, book = example
    about = {r[0]: r[1] for r in book["About"].iter_rows(min_row=2, values_only=True)}
    assert about["source file"] == str(EXAMPLE)
    assert about["source file sha256"] == hashlib.sha256(EXAMPLE.read_bytes()).hexdigest()
    assert about["engine"].startswith("laa-pooling ")
    assert "highspy" in about["solvers"] and "PuLP" in about["solvers"]
    assert about["option: solver"] == "highs"
    assert about["option: arrangements"] == "silo, aligned, pooled, optimal"
    assert about["generated"][:4].isdigit() and "T" in about["generated"]
    assert "in its own money" in about["solver dust"]  # per line, never a share of the area


def test_no_placeholder_no_empty_line_and_no_formula_anywhere(example):
    path, book = example
    written = cells(path.read_bytes())
    assert not [c for c in written if c.data_type == "f"]
    assert not [c.coordinate for c in written if c.value in ("-", "'-")]
    amounts = [r["amount"] for r in _by_header(book["Allocation"])]
    assert amounts and min(abs(a) for a in amounts) > 0


def test_freedoms_and_prices_say_what_they_do(example):
    _, book = example
    asks = [r for r in _by_header(book["Freedoms"]) if r["arrangement"] == "aligned"]
    solved = [r for r in asks if r["score change"] is not None]
    assert len(solved) == 5 and all(r["what moves"] and r["targets met change"] is not None for r in solved)
    assert all(isinstance(r["reward change"], int) for r in solved)
    assert any("(now meets its target)" in r["what moves"] for r in solved)
    prices = [r for r in _by_header(book["Shadow prices"]) if r["what moves"]]
    assert prices and all(r["score change"] is not None for r in prices)


def test_checks_list_every_rule_with_required_achieved_and_a_result(results, hostile):
    scenario = load_scenario(hostile)
    book = openpyxl.load_workbook(results)
    rows = _by_header(book["Checks"])
    for arrangement in ("silo", "aligned", "pooled", "optimal"):
        mine = [r for r in rows if r["arrangement"] == arrangement]
        assert {r.id for r in scenario.rules} <= {r["id"] for r in mine if r["kind"] == "rule"}
    assert {r["result"] for r in rows} <= {"PASS", "FAIL"}
    assert "FAIL" in {r["result"] for r in rows if r["arrangement"] == "silo"}
    for r in rows:
        if r["kind"] in ("rule", "statutory"):
            assert isinstance(r["required"], int) and isinstance(r["achieved"], int)


def test_an_infeasible_plan_s_checks_are_blank_not_a_placeholder():
    scenario = load_scenario(CHECKS / "check4.yaml")
    plans = plan_all(scenario, None)
    assert any(p.status.value == "infeasible" for p in plans)
    payload = results_workbook(scenario, plans)
    assert not [c.coordinate for c in cells(payload) if c.value in ("-", "'-")]
    book = openpyxl.load_workbook(io.BytesIO(payload))
    unplanned = [r for r in _by_header(book["Checks"]) if r["note"] and "not planned" in r["note"]]
    assert unplanned and all(r["result"] is None for r in unplanned)
    assert any(r["status"] == "infeasible" for r in _by_header(book["Summary"]))


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
    written = cells(results_workbook(scenario, plan_all(scenario), info=RunInfo.of("errors.yaml")))
    assert not [c for c in written if c.data_type == "e"], "an error cell was written"
    assert {"#DIV/0!", "#N/A"} <= {c.value for c in written}


def test_summary_and_outcome_figures_are_the_json_results_read_by_header():
    scenario = load_scenario(CHECKS / "check1.yaml")
    plans = plan_all(scenario)
    book = openpyxl.load_workbook(io.BytesIO(results_workbook(scenario, plans)))
    summary = _by_header(book["Summary"])
    outcomes = _by_header(book["Outcomes"])
    headers = {"available": "money in", "overhead": "overhead", "setup": "set-up", "lapsed": "lapsed",
               "spent": "spent"}
    for plan in plans:
        record = plan_record(plan)
        row = next(r for r in summary if r["arrangement"] == record["arrangement"])
        for key, header in headers.items():
            assert row[header] == round(record["money"][key]), key
        assert row["reward"] == round(record["reward"])
        assert row["score"] == pytest.approx(record["score"])
        assert row["targets met"] == record["targets_met"]
        for o in record["outcomes"]:
            shown = next(
                r for r in outcomes if (r["arrangement"], r["outcome"]) == (plan.arrangement, o["id"])
            )
            assert shown["spend"] == round(o["spend"])


def test_xlsx_needs_an_out_file():
    done = laa("run", str(CHECKS / "check1.yaml"), "--format", "xlsx")
    assert done.returncode == 2 and "--out" in done.stderr


def test_sweep_as_a_workbook(tmp_path):
    out = tmp_path / "sweep.xlsx"
    done = laa("sweep", str(CHECKS / "check1.yaml"), "--stream", "s0", "--steps", "3", "-a", "aligned",
               "--format", "xlsx", "--out", str(out))
    assert done.returncode == 0, done.stderr
    rows = _by_header(openpyxl.load_workbook(out)["Sweep"])
    assert [r["change"] for r in rows] == [-0.2, 0.0, 0.2] and all(r["score"] is not None for r in rows)
    assert all(r["status"] == "optimal" for r in rows)


def test_a_sweep_workbook_holds_money_as_numbers_and_names_whole(tmp_path):
    """Issue 23: `'-£2,890,000 Re-offending by prolific and priority off...` was a text cell, cut short."""
    out = tmp_path / "sweep.xlsx"
    done = laa("sweep", str(EXAMPLE), "--stream", "nrf", "--steps", "3", "-a", "silo", "--format", "xlsx",
               "--out", str(out))  # fmt: skip
    assert done.returncode == 0, done.stderr
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["Sweep", "Spend moved"]
    texts = [c.value for ws in book for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert not [t for t in texts if t.startswith("'") or "..." in t or "…" in t]
    sweep = _by_header(book["Sweep"])
    assert {r["swept"] for r in sweep} == {"stream Neighbourhood Renewal Fund (nrf)"}
    cut = next(r for r in sweep if r["change"] == -0.2)
    assert cut["largest moves"].startswith("Re-offending by prolific and priority offenders -£2,890,000")
    moved = _by_header(book["Spend moved"])
    reoffending = next(r for r in moved if r["change"] == -0.2 and r["outcome"] == "reoffending")
    assert reoffending["outcome name"] == "Re-offending by prolific and priority offenders"
    assert reoffending["spend moved"] == -2_890_000
    assert cut["outcomes moved"] == sum(r["change"] == -0.2 for r in moved)
    amount = _column(book["Spend moved"], "spend moved")
    assert all(row[amount - 1].number_format == MONEY for row in book["Spend moved"].iter_rows(min_row=2))


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


def test_convert_writes_an_opendocument_spreadsheet_that_reads_back_the_same(tmp_path, hostile):
    """Issue 23: `laa convert x.xlsx x.ods` was refused though .ods is read."""
    book, ods = tmp_path / "northbridge.xlsx", tmp_path / "northbridge.ods"
    assert laa("convert", str(EXAMPLE), str(book)).returncode == 0
    done = laa("convert", str(book), str(ods))
    assert done.returncode == 0, done.stderr
    assert ods.read_bytes()[30:77] == b"mimetypeapplication/vnd.oasis.opendocument.spre"
    assert load_scenario(ods) == load_scenario(EXAMPLE)
    named = tmp_path / "hostile.ods"  # names a spreadsheet would run survive as text
    assert laa("convert", str(hostile), str(named)).returncode == 0
    assert load_scenario(named) == load_scenario(hostile)


@pytest.mark.usefixtures("libreoffice")
def test_libreoffice_prints_the_workbook_with_its_colours_and_set_up(example, tmp_path):
    """Calc reads the workbook as written: its re-save keeps the checks' colours, the print set-up and the
    figures, and it prints a sheet (the picture in docs/ is made this way)."""
    from tests.models.workbook.libreoffice import convert, render_sheet

    path, book = example
    resaved = openpyxl.load_workbook(convert(path, "xlsx", tmp_path / "calc"))
    assert resaved.sheetnames == SHEETS
    checks = resaved["Checks"]
    words = {rule.formula[0] for cf in checks.conditional_formatting for rule in cf.rules if rule.formula}
    assert {'"PASS"', '"FAIL"'} <= words
    assert checks.page_setup.orientation == "landscape" and checks.print_title_rows == "$1:$1"
    for again, first in zip(_by_header(resaved["Summary"]), _by_header(book["Summary"]), strict=True):
        expected = {k: pytest.approx(v, rel=1e-12) if isinstance(v, float) else v for k, v in first.items()}
        assert again == expected  # Calc keeps 15 significant digits of a score
    png = render_sheet(path, "Checks", tmp_path / "checks.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 10_000
