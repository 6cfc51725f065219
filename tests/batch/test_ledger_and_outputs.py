"""The ledger, the documents and the summary: the parts a morning reader and `--resume` rely on."""

from __future__ import annotations

import csv
import json
import sqlite3

import pytest

from models.errors import InputError
from models.load import load_scenario
from pooling.plan import Plan, PlanStatus
from scenarios.arrangements import plan_all
from scenarios.batch import WHOLE_FILE, discover, exit_code_of
from scenarios.batch_output import document_text, summary_rows, write_summary
from scenarios.ledger import SCHEMA_VERSION, CaseRow, Ledger
from scenarios.results import empty_record, plan_record, results_document, to_json
from tests.batch.helpers import TWO_STREAMS
from tests.paths import EXAMPLE


def _case(path: str, arrangement: str, status: str, score: float | None = None) -> CaseRow:
    return CaseRow(
        1, path, arrangement, "sha", "hash", status, score, None, "", 0.1, 0.1, None, None, None, "t"
    )


def test_spliced_document_is_what_laa_run_prints():
    scenario = load_scenario(EXAMPLE)
    plans = plan_all(scenario)
    texts = [json.dumps(plan_record(p), indent=1) for p in plans]
    assert document_text(scenario.name, texts) == to_json(results_document(scenario, plans))


def test_a_lost_case_has_every_field_of_a_record():
    scenario = load_scenario(TWO_STREAMS)
    failed = plan_record(Plan(scenario, scenario.arrangements_to_run()[0], PlanStatus.ERROR, "x"))
    assert set(empty_record("silo", "error", "x")) == set(failed)


def test_ledger_is_wal_versioned_and_keeps_one_row_per_case(tmp_path):
    with Ledger(tmp_path / "l.sqlite") as ledger:
        assert ledger.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert ledger.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        run = ledger.start_run("fp", {"paths": []}, str(tmp_path), {"laa-pooling": "0"})
        ledger.record_case(_case("a.yaml", "silo", "timeout"))
        ledger.record_case(_case("a.yaml", "silo", "optimal", 1.5))  # run again on resume: replaces
        assert [(c.status, c.score) for c in ledger.cases(run.id)] == [("optimal", 1.5)]
        assert ledger.unfinished_run("fp") == run
        ledger.finish_run(run.id, 0)
        assert ledger.unfinished_run("fp") is None


def test_a_file_that_is_not_a_ledger_is_refused(tmp_path):
    other = tmp_path / "other.sqlite"
    with sqlite3.connect(other) as db:
        db.execute("CREATE TABLE t (x)")
    with pytest.raises(InputError, match="not a run ledger"):
        Ledger(other)
    newer = tmp_path / "newer.sqlite"
    with sqlite3.connect(newer) as db:
        db.execute(f"PRAGMA user_version={SCHEMA_VERSION + 1}")
    with pytest.raises(InputError, match="newer engine"):
        Ledger(newer)


def test_discover_files_folders_and_globs_but_never_outputs(tmp_path):
    (tmp_path / "a.yaml").write_text("x")
    (tmp_path / "b.json").write_text("x")
    (tmp_path / "d.xlsx").write_text("x")
    (tmp_path / ".hidden.yaml").write_text("x")
    (tmp_path / "notes.md").write_text("x")
    out = tmp_path / "out"
    out.mkdir()
    (out / "a.json").write_text("x")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "c.yml").write_text("x")
    given = (str(tmp_path), str(tmp_path / "**" / "*.json"), str(tmp_path / "sub" / "*.yml"), "missing.yaml")
    files, missing, warnings = discover(given, [out])
    assert sorted(f.name for f in files) == ["a.yaml", "b.json", "c.yml", "d.xlsx"]
    assert [m.name for m in missing] == ["missing.yaml"] and warnings == []


def test_exit_status_precedence():
    assert exit_code_of([]) == 2
    assert exit_code_of([_case("a", WHOLE_FILE, "invalid")]) == 2  # nothing could run
    assert exit_code_of([_case("a", "silo", "optimal"), _case("b", "historic", "evaluated")]) == 0
    assert exit_code_of([_case("a", "silo", "optimal"), _case("a", "aligned", "infeasible")]) == 3
    for failed in ("error", "time_limit", "timeout", "worker_died"):
        assert exit_code_of([_case("a", "aligned", "infeasible"), _case("a", "silo", failed)]) == 4
    assert exit_code_of([_case("a", "silo", "optimal"), _case("b", WHOLE_FILE, "invalid")]) == 4


def test_summary_cells_cannot_run_as_formulas(tmp_path):
    with Ledger(tmp_path / "l.sqlite") as ledger:
        run = ledger.start_run("fp", {"paths": []}, str(tmp_path), {})
    rows = summary_rows([_case("=HYPERLINK(1)", "-", "invalid")], {})
    write_summary(tmp_path, run, rows, {"cases": 1}, 2)
    cells = list(csv.reader((tmp_path / "summary.csv").open()))
    assert cells[1][0] == "'=HYPERLINK(1)"
    assert json.loads((tmp_path / "summary.json").read_text())["cases"][0]["scenario"] == "=HYPERLINK(1)"
