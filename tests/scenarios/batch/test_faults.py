"""A nightly batch over bad, infeasible, slow and crashing cases: every case recorded, the batch goes on."""

from __future__ import annotations

import csv
import hashlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from laa.pooling.solving.solvers import SolveOptions
from laa.scenarios.batch import run as batch_module
from laa.scenarios.batch.cases import CaseResult, Deadline, Lost, Task
from laa.scenarios.batch.ledger import Ledger, ledger_lock
from laa.scenarios.batch.run import BatchOptions, run_batch
from laa.scenarios.batch.workers import WATCH_SECONDS, LocalPool

from tests.paths import ROOT
from tests.scenarios.batch.helpers import LAA, TWO_STREAMS, infeasible_text, laa, poll, rows, write_generated
from tests.scenarios.batch.standins import STUCK, stuck_or_real, stuck_task


def test_mixed_folder_records_every_case_with_its_status(tmp_path):
    folder = tmp_path / "nightly"
    folder.mkdir()
    (folder / "good.yaml").write_text(TWO_STREAMS.read_text())
    (folder / "broken.yaml").write_text("name: [unclosed\nyears: 2026\n")
    (folder / "unknown_funder.yaml").write_text(
        TWO_STREAMS.read_text().replace("funder: fb", "funder: nobody")
    )
    (folder / "infeasible.yaml").write_text(infeasible_text())
    write_generated(folder, "XL", 0, "slow.yaml")  # its optimal plan takes seconds: stopped by --timeout 1
    (folder / "notes.txt").write_text("not a scenario: a folder gives only its scenario files")
    ledger = tmp_path / "ledger.sqlite"

    done = laa(
        "batch",
        str(folder),
        "--jobs",
        "2",
        "--timeout",
        "1",
        "--ledger",
        str(ledger),
        "--out",
        "out",
        cwd=tmp_path,
    )

    assert done.returncode == 4, done.stderr  # some failed (time_limit, invalid) outranks some infeasible
    assert "Traceback" not in done.stderr
    assert "exit 4: some cases failed" in done.stderr
    # not a terminal: one line per case, for cron's mail
    assert "[1/" in done.stderr and "nightly/good.yaml aligned optimal 0.650 " in done.stderr
    status = {
        (Path(p).name, a): (s, m)
        for p, a, s, m in rows(ledger, "SELECT path, arrangement, status, message FROM cases")
    }
    assert {
        a: status[("good.yaml", a)][0] for a in ("silo", "aligned", "pooled", "optimal")
    } == dict.fromkeys(("silo", "aligned", "pooled", "optimal"), "optimal")
    assert status[("broken.yaml", "-")][0] == "invalid"
    assert "broken.yaml: YAML does not parse at line 2" in status[("broken.yaml", "-")][1]
    funder_status, funder_message = status[("unknown_funder.yaml", "-")]
    assert funder_status == "invalid"
    assert "unknown_funder.yaml: streams[b].funder: unknown funder 'nobody'" in funder_message
    assert status[("infeasible.yaml", "aligned")][0] == "infeasible"
    assert status[("infeasible.yaml", "silo")][0] == "optimal"  # silo is judged, not constrained
    assert status[("slow.yaml", "optimal")][0] == "time_limit"  # the solver's own stop, as `laa run` gives
    assert {a for (f, a) in status if f == "slow.yaml"} == {"silo", "aligned", "pooled", "optimal"}
    assert not any(f == "notes.txt" for f, _ in status)

    out = tmp_path / "out"
    summary = list(csv.DictReader((out / "summary.csv").open()))
    assert len(summary) == len(status) == 4 + 1 + 1 + 4 + 4
    document = json.loads((out / "summary.json").read_text())
    assert document["exit_code"] == 4 and document["counts"]["time_limit"] >= 1
    # every row's document is whole and is the one the ledger recorded
    for path, sha in rows(ledger, "SELECT document, document_sha256 FROM cases WHERE document IS NOT NULL"):
        data = Path(path).read_bytes()
        assert hashlib.sha256(data).hexdigest() == sha
        assert len(json.loads(data)["arrangements"]) == 1
    slow = json.loads((out / "slow.json").read_text())
    assert [r["arrangement"] for r in slow["arrangements"]] == ["silo", "aligned", "pooled", "optimal"]
    assert slow["arrangements"][3]["status"] == "time_limit"  # the document keeps its contract's statuses
    whole = json.loads((out / "good.json").read_text())
    assert [r["score"] for r in whole["arrangements"]] == pytest.approx([0.65, 0.65, 0.95, 0.95], abs=1e-9)


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(c) for c in (task / "children").read_text().split()]
    return found


def test_a_worker_killed_mid_case_is_recorded_and_the_batch_goes_on(tmp_path):
    """What the kernel's out-of-memory killer does to a worker: SIGKILL while it solves."""
    write_generated(tmp_path, "XL", 0, "big.yaml")  # its optimal plan, asked first, runs for many seconds
    (tmp_path / "small.yaml").write_text(TWO_STREAMS.read_text())
    ledger = tmp_path / "ledger.sqlite"
    arrangements = [a for name in ("optimal", "silo", "aligned", "pooled") for a in ("-a", name)]
    batch = subprocess.Popen(
        [
            LAA,
            "batch",
            "big.yaml",
            "small.yaml",
            "--jobs",
            "1",
            *arrangements,
            "--ledger",
            str(ledger),
            "--out",
            "out",
        ],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while not poll(ledger, "SELECT count(*) FROM files WHERE path LIKE '%big.yaml'"):
        assert time.monotonic() < deadline and batch.poll() is None
        time.sleep(0.05)
    workers = [c for c in _children(batch.pid) if b"spawn_main" in Path(f"/proc/{c}/cmdline").read_bytes()]
    assert len(workers) == 1
    os.kill(workers[0], signal.SIGKILL)
    _, err = batch.communicate(timeout=90)

    assert batch.returncode == 4, err
    status = {
        (Path(p).name, a): (s, m)
        for p, a, s, m in rows(ledger, "SELECT path, arrangement, status, message FROM cases")
    }
    assert status[("big.yaml", "optimal")] == ("worker_died", "the worker process was killed by SIGKILL")
    # the rest of the file went to the replacement worker, and the batch went on
    assert [status[("big.yaml", a)][0] for a in ("silo", "aligned", "pooled")] == ["optimal"] * 3
    assert all(status[("small.yaml", a)][0] == "optimal" for a in ("silo", "aligned", "pooled", "optimal"))


def test_batch_killed_then_resumed_keeps_every_case_exactly_once(tmp_path):
    folder = tmp_path / "scenarios"
    folder.mkdir()
    for seed in range(8):
        write_generated(folder, "M", seed)
    ledger = tmp_path / "ledger.sqlite"
    args = [LAA, "batch", "scenarios", "--jobs", "1", "--ledger", str(ledger), "--out", "out"]
    batch = subprocess.Popen(args, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while poll(ledger, "SELECT count(*) FROM cases") < 2:
        assert time.monotonic() < deadline and batch.poll() is None
        time.sleep(0.02)
    os.kill(batch.pid, signal.SIGKILL)
    batch.wait()
    before = dict(((p, a), f) for p, a, f in rows(ledger, "SELECT path, arrangement, finished_at FROM cases"))
    assert len(before) >= 2  # however many more were committed before the kill, resume must agree
    assert rows(ledger, "SELECT ended_at FROM runs") == [(None,)]

    resumed = subprocess.run([*args, "--resume"], cwd=tmp_path, capture_output=True, text=True, timeout=120)

    assert resumed.returncode == 0, resumed.stderr
    assert "run 1 (resumed): 32 cases: 32 solved" in resumed.stderr
    assert len(rows(ledger, "SELECT id FROM runs WHERE ended_at IS NOT NULL")) == 1
    cases = rows(
        ledger, "SELECT path, arrangement, finished_at, document, document_sha256, status FROM cases"
    )
    assert len(cases) == len({(p, a) for p, a, *_ in cases}) == 32
    assert {s for *_, s in cases} == {"optimal"}
    kept = {(p, a): f for p, a, f, *_ in cases}
    assert all(kept[k] == f for k, f in before.items())  # recorded before the kill: not run again
    for _, _, _, document, sha, _ in cases:
        assert hashlib.sha256(Path(document).read_bytes()).hexdigest() == sha
    out = tmp_path / "out"
    for seed in range(8):
        whole = json.loads((out / f"gen-M-{seed}.json").read_text())
        assert [r["arrangement"] for r in whole["arrangements"]] == ["silo", "aligned", "pooled", "optimal"]
    assert len(json.loads((out / "summary.json").read_text())["cases"]) == 32


def test_a_case_the_solver_does_not_stop_is_killed_at_the_deadline():
    """A case that can never finish (a stand-in sleeping for ever), beside real ones: only the batch's
    deadline can stop it, and the real cases, far inside the same deadline on any machine, all run."""
    pool = LocalPool(2, SolveOptions(), Deadline(timeout=0.5, grace=4.5), work=stuck_or_real)
    tasks = [stuck_task(), Task(str(TWO_STREAMS), TWO_STREAMS.name, TWO_STREAMS.read_bytes(), None)]
    try:
        reports = list(pool.run(tasks))
    finally:
        pool.close()
    (lost,) = [r for r in reports if isinstance(r.event, Lost)]
    assert lost.event == Lost(
        STUCK, "optimal", "timeout", "abandoned after 5 s: the solver did not stop at --timeout 0.5 s"
    )
    assert lost.waited >= 5
    solved = [r.event for r in reports if isinstance(r.event, CaseResult)]
    assert [(c.path, c.status) for c in solved] == [(str(TWO_STREAMS), "optimal")] * 4


def test_the_grace_past_the_solver_limit_covers_building_a_large_model_on_a_busy_machine():
    """A large area's model takes 2.5 s of CPU to build and extract, 13.5 s of wall clock at load 11 on
    2 cores: a 5 s grace killed such cases (`timeout`, no plan) moments before the solver's own stop."""
    assert (Deadline.after(1).grace, Deadline.after(600).grace) == (30, 120)


def test_workers_die_with_a_batch_killed_by_sigkill(tmp_path):
    """`kill -9` of the batch process: its worker, deep in a case that never ends, goes with it."""
    script = (
        "from laa.pooling.solving.solvers import SolveOptions\n"
        "from laa.scenarios.batch.workers import WATCH_SECONDS, LocalPool\n"
        "from tests.scenarios.batch.standins import stuck_or_real, stuck_task\n"
        "pool = LocalPool(1, SolveOptions(), None, work=stuck_or_real)\n"
        "for report in pool.run([stuck_task()]):\n"
        "    print(pool.workers[0].process.pid, flush=True)\n"
    )
    batch = subprocess.Popen(
        [sys.executable, "-c", script], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert batch.stdout is not None
    worker = int(batch.stdout.readline())  # the worker has loaded the task: it is in the endless case
    assert _alive(worker)
    os.kill(batch.pid, signal.SIGKILL)
    batch.wait()
    deadline = time.monotonic() + 30
    while _alive(worker) and time.monotonic() < deadline:
        time.sleep(0.05)
    alive = _alive(worker)
    if alive:
        os.kill(worker, signal.SIGKILL)
    assert not alive, "the worker outlived its batch"


def _alive(pid: int) -> bool:
    """Whether the process runs (a zombie, dead but not yet reaped by init, does not)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state not in ("Z", "X")


def test_a_worker_whose_batch_has_gone_leaves_without_the_kernel_telling_it():
    """The watch that ends a worker where PR_SET_PDEATHSIG is not to be had (macOS): a process that
    would sleep for a minute leaves within seconds of its parent's `kill -9`."""
    worker = (
        "import os, time\n"
        "from laa.scenarios.batch.workers import watch_parent\n"
        "watch_parent(os.getppid())\n"
        "time.sleep(60)\n"
    )
    batch = (
        "import subprocess, sys, time\n"
        f"worker = subprocess.Popen([sys.executable, '-c', {worker!r}])\n"
        "print(worker.pid, flush=True)\n"
        "time.sleep(60)\n"
    )
    parent = subprocess.Popen([sys.executable, "-c", batch], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert parent.stdout is not None
    child = int(parent.stdout.readline())
    time.sleep(2 * WATCH_SECONDS)  # the watch is running, and has not ended a worker whose batch lives
    assert _alive(child)
    os.kill(parent.pid, signal.SIGKILL)
    parent.wait()
    deadline = time.monotonic() + 30
    while _alive(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    alive = _alive(child)
    if alive:
        os.kill(child, signal.SIGKILL)
    assert not alive, "the worker outlived its batch"


def test_a_worker_lost_while_reloading_a_file_charges_its_next_case_and_the_rest_still_run(
    tmp_path, monkeypatch
):
    """Two deaths in one file: mid-case, then while the replacement reloads the rest of the file."""
    write_generated(tmp_path, "L", 1, "big.yaml")  # its silo plan runs for many seconds
    pools = []

    def keep(options):
        pools.append(make_executor(options))
        return pools[-1]

    make_executor = batch_module.make_executor
    monkeypatch.setattr(batch_module, "make_executor", keep)

    def until(condition):
        deadline = time.monotonic() + 60
        while not condition():
            assert time.monotonic() < deadline
            time.sleep(0.001)

    def kill_twice():
        until(lambda: pools and pools[0].workers and pools[0].workers[0].current == "silo")
        first = pools[0].workers[0]
        first.process.kill()
        until(lambda: pools[0].workers[0] is not first and pools[0].workers[0].task is not None)
        pools[0].workers[0].process.kill()  # given the rest of big.yaml, and still loading it

    killer = threading.Thread(target=kill_twice, daemon=True)
    killer.start()
    options = BatchOptions(
        paths=(str(tmp_path / "big.yaml"),),
        ledger=tmp_path / "ledger.sqlite",
        out=tmp_path / "out",
        arrangements=("silo", "aligned", "pooled"),
    )
    result = run_batch(options, cwd=tmp_path)
    killer.join()

    status = {c.arrangement: (c.status, c.message) for c in result.cases}
    assert status == {
        "silo": ("worker_died", "the worker process was killed by SIGKILL"),
        "aligned": ("worker_died", "the worker process was killed by SIGKILL"),
        "pooled": ("optimal", ""),
    }
    files = rows(options.ledger, "SELECT arrangements FROM files")
    assert [json.loads(a) for (a,) in files] == [["silo", "aligned", "pooled"]]
    whole = json.loads((tmp_path / "out" / "big.json").read_text())
    assert [r["arrangement"] for r in whole["arrangements"]] == ["silo", "aligned", "pooled"]
    assert result.exit_code == 4 and result.counts["cases"] == 3


def test_resume_reruns_torn_documents_and_changed_files_and_keeps_same_named_files_apart(tmp_path):
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "two.yaml").write_text(TWO_STREAMS.read_text())
    options = BatchOptions(
        paths=(str(tmp_path / "a"), str(tmp_path / "b")),
        ledger=tmp_path / "ledger.sqlite",
        out=tmp_path / "out",
        jobs=2,
    )
    first = run_batch(options, cwd=tmp_path)
    assert first.exit_code == 0 and len(first.cases) == 8
    documents = sorted(p.name for p in (tmp_path / "out").glob("two-*.json"))
    assert len(documents) == 2  # one results document each, named apart by their paths
    before = {(p, a): i for i, p, a in rows(options.ledger, "SELECT id, path, arrangement FROM cases")}
    a, b = str(tmp_path / "a" / "two.yaml"), str(tmp_path / "b" / "two.yaml")
    case_document = dict(rows(options.ledger, "SELECT arrangement, document FROM cases WHERE path=?", a))
    Path(case_document["silo"]).write_text('{"format_version": 1, "arr')  # torn
    Path(case_document["aligned"]).unlink()  # lost
    (tmp_path / "b" / "two.yaml").write_text(
        TWO_STREAMS.read_text().replace("amounts: 400000", "amounts: 600000")
    )
    with Ledger(options.ledger) as ledger:  # as if the batch had been killed before finishing
        ledger.db.execute("UPDATE runs SET ended_at=NULL, exit_code=NULL")
        # a mark on every row, which a case run again replaces (row ids are not a mark: SQLite gives
        # a new row the next id after the largest, which may be one a deleted row had)
        ledger.db.execute("UPDATE cases SET finished_at='before the resume'")

    resumed = run_batch(BatchOptions(**{**options.__dict__, "resume": True}), cwd=tmp_path)

    assert resumed.resumed and resumed.run.id == first.run.id and resumed.exit_code == 0
    marks = rows(options.ledger, "SELECT finished_at, path, arrangement FROM cases")
    after = {(p, a): f for f, p, a in marks}
    assert after.keys() == before.keys()
    rerun = {k for k in after if after[k] != "before the resume"}
    assert rerun == {(a, "silo"), (a, "aligned")} | {(b, x) for x in ("silo", "aligned", "pooled", "optimal")}
    new_sha = hashlib.sha256((tmp_path / "b" / "two.yaml").read_bytes()).hexdigest()
    assert {s for (s,) in rows(options.ledger, "SELECT file_sha256 FROM cases WHERE path=?", b)} == {new_sha}
    for document, sha in rows(options.ledger, "SELECT document, document_sha256 FROM cases"):
        assert hashlib.sha256(Path(document).read_bytes()).hexdigest() == sha
    assert sorted(p.name for p in (tmp_path / "out").glob("two-*.json")) == documents


def test_resume_after_an_engine_upgrade_starts_a_new_run():
    options = BatchOptions(paths=("nightly",), ledger=Path("ledger.sqlite"))
    assert options.fingerprint(Path("/"), {"highspy": "1.7"}) != options.fingerprint(
        Path("/"), {"highspy": "1.8"}
    )


def test_a_second_batch_cannot_resume_a_run_still_going(tmp_path):
    (tmp_path / "two.yaml").write_text(TWO_STREAMS.read_text())
    ledger = tmp_path / "ledger.sqlite"
    with ledger_lock(ledger):  # what a running batch holds for its whole life
        done = laa("batch", "two.yaml", "--resume", "--ledger", str(ledger), cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert f"{ledger} is in use by another `laa batch` (pid {os.getpid()} on " in done.stderr
    assert not ledger.exists()  # refused before the ledger is opened: not even a schema written


def test_a_bad_dask_scheduler_address_is_named_and_leaves_no_run(tmp_path):
    (tmp_path / "two.yaml").write_text(TWO_STREAMS.read_text())
    ledger = tmp_path / "ledger.sqlite"
    done = laa(
        "batch",
        "two.yaml",
        "--executor",
        "dask",
        "--scheduler",
        "notanaddress",
        "--ledger",
        str(ledger),
        cwd=tmp_path,
    )
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "cannot use the Dask scheduler at 'notanaddress'" in done.stderr
    assert rows(ledger, "SELECT count(*) FROM runs") == [(0,)]


def test_a_batch_without_timeout_still_has_a_deadline_stated_in_help(tmp_path):
    """A nightly batch run without --timeout must not let one file hold a worker for ever."""
    (tmp_path / "two.yaml").write_text(TWO_STREAMS.read_text())
    ledger = tmp_path / "ledger.sqlite"
    done = laa("batch", "two.yaml", "-a", "aligned", "--jobs", "1", "--ledger", str(ledger), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    ((options,),) = rows(ledger, "SELECT options FROM runs")
    assert json.loads(options)["timeout"] == 600
    help_text = " ".join(laa("batch", "--help", cwd=tmp_path).stdout.split())
    assert "per case in seconds (default 600)" in help_text
