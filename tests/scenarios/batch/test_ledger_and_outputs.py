"""The ledger, the documents and the summary: the parts a morning reader and `--resume` rely on."""

from __future__ import annotations

import csv
import hashlib
import json
import sqlite3

import pytest
from laa.models.errors import InputError
from laa.models.load import load_scenario
from laa.pooling.solving.solvers import SolveOptions
from laa.scenarios.analysis.arrangements import plan_all
from laa.scenarios.batch.cases import CaseResult, Loaded, Lost, Report, run_task
from laa.scenarios.batch.drift import choose_runs
from laa.scenarios.batch.ledger import SCHEMA_VERSION, CaseRow, Ledger, LedgerError, ledger_lock
from laa.scenarios.batch.run import Batch, BatchOptions, discover, exit_code_of
from laa.scenarios.batch.summary import document_text, summary_rows, write_summary
from laa.scenarios.outputs.results import plan_record, results_document, to_json

from tests.paths import EXAMPLE
from tests.scenarios.batch.helpers import TWO_STREAMS


def _case(path: str, arrangement: str, status: str, score: float | None = None) -> CaseRow:
    return CaseRow(
        1, path, arrangement, "sha", "hash", status, score, None, "", 0.1, 0.1, None, None, None, "t"
    )


def test_spliced_document_is_what_laa_run_prints():
    scenario = load_scenario(EXAMPLE)
    plans = plan_all(scenario)
    texts = [json.dumps(plan_record(p), indent=1) for p in plans]
    assert document_text(scenario.name, texts) == to_json(results_document(scenario, plans))


def test_a_lost_case_is_recorded_in_the_ledger_and_both_documents(tmp_path):
    """A worker dies on the file's last case: its row, its own document and the file's whole document."""
    (tmp_path / "two.yaml").write_text(TWO_STREAMS.read_text())
    options = BatchOptions(paths=("two.yaml",), ledger=tmp_path / "l.sqlite", out=tmp_path / "out")
    with Ledger(options.ledger) as ledger:
        run = ledger.start_run("fp", options.recorded(), str(tmp_path / "out"), {})
        batch = Batch(options, ledger, run, False, None)
        (task,) = batch.plan_tasks([tmp_path / "two.yaml"], [])
        messages = list(run_task(task, SolveOptions()))
        assert isinstance(messages[0], Loaded) and messages[0].arrangements[-1] == "optimal"
        for message in messages[:-1]:  # every case but optimal comes back
            batch.record(Report(message, 0.1))
        batch.record(Report(Lost(task.path, "optimal", "worker_died", "killed by SIGKILL"), 2.5))
        (row,) = [c for c in ledger.cases(run.id) if c.arrangement == "optimal"]
        statuses = {c.status for c in ledger.cases(run.id)}
    assert (row.status, row.message, row.score, row.seconds) == (
        "worker_died",
        "killed by SIGKILL",
        None,
        2.5,
    )
    own = (tmp_path / "out" / "two" / "optimal.json").read_bytes()
    assert hashlib.sha256(own).hexdigest() == row.document_sha256
    whole = json.loads((tmp_path / "out" / "two.json").read_text())
    solved = [json.loads(m.record_text) for m in messages[:-1] if isinstance(m, CaseResult)]
    assert whole["arrangements"][:3] == solved
    lost = whole["arrangements"][3]
    assert json.loads(own)["arrangements"] == [lost]
    assert set(lost) == set(solved[0])  # every field a record has, so readers of the document need no case
    assert (lost["arrangement"], lost["status"], lost["message"]) == ("optimal", "error", "killed by SIGKILL")
    assert exit_code_of(statuses) == 4


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


def test_a_second_batch_on_a_ledger_in_use_is_refused(tmp_path):
    ledger = tmp_path / "l.sqlite"
    refused = pytest.raises(InputError, match=r"in use by another `laa batch` \(pid \d+ on .*, since ")
    with ledger_lock(ledger), refused, ledger_lock(ledger):
        pass
    with ledger_lock(ledger):  # released with its holder
        pass


def test_history_and_drift_read_without_writing(tmp_path):
    empty = tmp_path / "empty.db"
    empty.write_bytes(b"")
    with pytest.raises(InputError, match="not a run ledger"):
        Ledger(empty, read_only=True)
    assert empty.read_bytes() == b""
    text = tmp_path / "notes.db"
    text.write_text("not a database at all, but long enough for SQLite to read a header from it" * 2)
    with pytest.raises(InputError, match="not a usable run ledger"):
        Ledger(text, read_only=True)
    with Ledger(tmp_path / "l.sqlite") as ledger:
        run = ledger.start_run("fp", {"paths": []}, str(tmp_path), {})
    with Ledger(tmp_path / "l.sqlite", read_only=True) as ledger:
        assert ledger.run(run.id) == run
        with pytest.raises(LedgerError, match="attempt to write a readonly database"):
            ledger.finish_run(run.id, 0)


def test_drift_reads_from_the_older_run_to_the_newer(tmp_path):
    with Ledger(tmp_path / "l.sqlite") as ledger:
        for _ in range(3):
            run = ledger.start_run("fp", {"paths": []}, str(tmp_path), {})
            ledger.finish_run(run.id, 0)

        def ids(a, b):
            return tuple(r.id for r in choose_runs(ledger, a, b))

        assert ids(None, None) == (2, 3)
        assert ids(3, None) == (2, 3)  # the latest run, against the one before it
        assert ids(1, None) == (1, 3)
        assert ids(3, 1) == (1, 3)


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
    assert exit_code_of(set()) == 2
    assert exit_code_of({"invalid"}) == 2  # no file could be planned
    assert exit_code_of({"optimal", "evaluated"}) == 0
    assert exit_code_of({"optimal", "infeasible"}) == 3
    for failed in ("error", "time_limit", "timeout", "worker_died"):
        assert exit_code_of({"infeasible", failed}) == 4
        assert exit_code_of({failed}) == 4  # the only file lost while loading: a failure, not "invalid"
        assert exit_code_of({"invalid", failed}) == 4
    assert exit_code_of({"optimal", "invalid"}) == 4


def test_summary_cells_cannot_run_as_formulas(tmp_path):
    with Ledger(tmp_path / "l.sqlite") as ledger:
        run = ledger.start_run("fp", {"paths": []}, str(tmp_path), {})
    rows = summary_rows([_case("=HYPERLINK(1)", "-", "invalid")], {})
    write_summary(tmp_path, run, rows, {"cases": 1}, 2)
    cells = list(csv.reader((tmp_path / "summary.csv").open()))
    assert cells[1][0] == "'=HYPERLINK(1)"
    assert json.loads((tmp_path / "summary.json").read_text())["cases"][0]["scenario"] == "=HYPERLINK(1)"
