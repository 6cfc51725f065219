"""A ledger that cannot be written, read or reached, and a Dask scheduler lost mid-batch: a located
message and a documented exit code, never a traceback, and nothing lost for `--resume` (issue 21, row 11).

Reproductions: a full disk under the ledger gave a `sqlite3.OperationalError` traceback; `laa history`
and `laa drift` on a damaged ledger gave tracebacks; a ledger in a read-only folder gave exit 4 (an
`OSError` on its lock) where a batch that cannot start gives 2; a WAL ledger on a read-only disk could
not be read at all; a Dask scheduler killed mid-batch ended `laa batch` with exit 1 and a
`FuturesCancelledError` traceback.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from laa.scenarios.batch.ledger import Ledger
from laa.scenarios.batch.run import BatchOptions, BatchStopped, run_batch

from tests.scenarios.batch.helpers import LAA, TWO_STREAMS, laa, poll, rows, write_generated
from tests.system import required

DAMAGED = "is not a usable run ledger: database disk image is malformed"


def _nightly(tmp_path: Path, count: int) -> Path:
    folder = tmp_path / "nightly"
    folder.mkdir()
    for n in range(count):
        (folder / f"s{n:02d}.yaml").write_text(TWO_STREAMS.read_text())
    return folder


def _each_case_once(ledger: Path, count: int) -> None:
    cases = rows(ledger, "SELECT path, arrangement, status FROM cases")
    assert len(cases) == len({(p, a) for p, a, _ in cases}) == count
    assert {s for *_, s in cases} == {"optimal"}


def test_a_ledger_whose_disk_fills_stops_the_batch_for_resume(tmp_path):
    """The batch's files may not grow past 128 kB (RLIMIT_FSIZE): the ledger's write fails part way."""
    _nightly(tmp_path, 30)

    def small_disk() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (128_000, 128_000))

    args = [LAA, "batch", "nightly", "--jobs", "1", "--ledger", "ledger.sqlite"]
    full = subprocess.run(
        args, cwd=tmp_path, capture_output=True, text=True, timeout=300, preexec_fn=small_disk
    )

    assert full.returncode == 5, full.stderr
    assert "Traceback" not in full.stderr
    assert "error: ledger.sqlite: the run ledger could not be written: " in full.stderr
    recorded = rows(tmp_path / "ledger.sqlite", "SELECT count(*) FROM cases")[0][0]
    assert 0 < recorded < 120
    assert f"run 1 stopped with {recorded} cases recorded; not run: {120 - recorded} cases of " in full.stderr
    assert "finish it with the same command and --resume" in full.stderr
    assert rows(tmp_path / "ledger.sqlite", "SELECT ended_at FROM runs") == [(None,)]

    resumed = subprocess.run([*args, "--resume"], cwd=tmp_path, capture_output=True, text=True, timeout=300)

    assert resumed.returncode == 0, resumed.stderr
    assert "run 1 (resumed): 120 cases: 120 solved" in resumed.stderr
    _each_case_once(tmp_path / "ledger.sqlite", 120)


def test_a_full_disk_is_named_as_such(tmp_path, monkeypatch):
    """SQLite's own 'database or disk is full' (a page limit on the connection stands in for the disk)."""
    nightly = _nightly(tmp_path, 4)
    opened = Ledger.__init__

    def small(self, path, read_only=False):
        opened(self, path, read_only)
        pages = self.db.execute("PRAGMA page_count").fetchone()[0]
        self.db.execute(f"PRAGMA max_page_count={pages}")  # the file may not grow

    monkeypatch.setattr(Ledger, "__init__", small)
    options = BatchOptions(paths=(str(nightly),), ledger=tmp_path / "ledger.sqlite", out=tmp_path / "out")
    full = "the run ledger could not be written: the disk holding it is full"
    with pytest.raises(BatchStopped, match=full):
        run_batch(options, cwd=tmp_path)


def _damaged_ledger(tmp_path: Path) -> Path:
    (tmp_path / "two.yaml").write_text(TWO_STREAMS.read_text())
    ledger = tmp_path / "ledger.sqlite"
    for _ in range(2):
        assert laa("batch", "two.yaml", "--ledger", str(ledger), "--jobs", "1", cwd=tmp_path).returncode == 0
    with ledger.open("r+b") as file:  # the tables' pages, past the header and schema page
        file.seek(4096)
        file.write(b"\xff" * 4096 * 6)
    return ledger


def test_history_drift_and_batch_on_a_damaged_ledger_say_so(tmp_path):
    ledger = _damaged_ledger(tmp_path)
    for command in (["history"], ["drift"], ["drift", "--format", "json"], ["batch", "two.yaml"]):
        done = laa(*command, "--ledger", str(ledger), cwd=tmp_path)
        assert done.returncode == 2 and "Traceback" not in done.stderr, (command, done.stderr)
        assert f"error: {ledger} {DAMAGED}" in done.stderr, (command, done.stderr)


def _read_only(folder: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """`laa ARGS` with `folder` read-only to it: a read-only bind mount for root (whom permissions do
    not stop), else the folder's write permission taken away."""
    command = [LAA, *args]
    if os.geteuid() != 0:
        folder.chmod(0o555)
        try:
            return subprocess.run(command, capture_output=True, text=True, timeout=120, cwd=cwd)
        finally:
            folder.chmod(0o755)
    if shutil.which("unshare") is None or subprocess.run(["unshare", "-m", "true"]).returncode:
        why = "running as root without mount namespaces: no way to make a folder read-only"
        if required():  # CI (LAA_REQUIRE_SYSTEM_TOOLS=1) never skips: a missing facility fails
            pytest.fail(why, pytrace=False)
        pytest.skip(why)
    script = 'mount --bind "$1" "$1" && mount -o remount,ro,bind "$1" "$1" && shift && exec "$@"'
    return subprocess.run(
        ["unshare", "-m", "sh", "-c", script, "sh", str(folder), *command],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
    )


def test_a_ledger_in_a_read_only_folder_is_read_and_a_batch_refused(tmp_path):
    (tmp_path / "two.yaml").write_text(TWO_STREAMS.read_text())
    folder = tmp_path / "ledgers"
    ledger = folder / "ledger.sqlite"
    assert laa("batch", "two.yaml", "--ledger", str(ledger), "--jobs", "1", cwd=tmp_path).returncode == 0

    history = _read_only(folder, "history", "--ledger", str(ledger), cwd=tmp_path)
    assert history.returncode == 0, history.stderr
    fields = history.stdout.splitlines()[2].split()
    assert fields[0] == "1" and fields[3:5] == ["4", "4"]  # run 1: 4 cases, 4 solved

    batch = _read_only(folder, "batch", "two.yaml", "--ledger", str(ledger), cwd=tmp_path)
    assert batch.returncode == 2 and "Traceback" not in batch.stderr, batch.stderr
    refusal = f"error: {ledger}: a batch cannot write its ledger there: "
    assert f"{refusal}Read-only file system" in batch.stderr or f"{refusal}Permission denied" in batch.stderr


def test_a_read_only_ledger_with_commits_left_in_its_log_is_refused_by_name(tmp_path):
    """A batch killed before SQLite folded its log into the file, the folder then made read-only: the
    log's commits cannot be read there, and reading the file without them would be out of date."""
    ledger = tmp_path / "ledgers" / "ledger.sqlite"
    killed = tmp_path / "killed"
    killed.mkdir()
    with Ledger(ledger) as writer:
        writer.db.execute("PRAGMA wal_autocheckpoint=0")
        writer.start_run("fp", BatchOptions(paths=("two.yaml",), ledger=ledger).recorded(), "", {})
        for suffix in ("", "-wal"):  # the files as a batch killed now leaves them
            shutil.copy(f"{ledger}{suffix}", f"{killed / 'ledger.sqlite'}{suffix}")

    history = _read_only(killed, "history", "--ledger", str(killed / "ledger.sqlite"), cwd=tmp_path)

    assert history.returncode == 2 and "Traceback" not in history.stderr, history.stderr
    assert "cannot be read in a read-only folder: its write-ahead log ledger.sqlite-wal" in history.stderr
    readable = laa("history", "--ledger", str(killed / "ledger.sqlite"), cwd=tmp_path)  # where it may write
    assert readable.returncode == 0 and len(readable.stdout.splitlines()) == 3, readable.stderr


def test_a_batch_whose_dask_scheduler_is_killed_stops_for_resume(tmp_path):
    folder = tmp_path / "nightly"
    folder.mkdir()
    for seed in range(6):
        write_generated(folder, "M", seed)
    bin_dir = Path(sys.executable).parent
    address = tmp_path / "scheduler.json"
    scheduler = subprocess.Popen(
        [bin_dir / "dask", "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
         "--scheduler-file", address],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    worker = None
    try:
        deadline = time.monotonic() + 120
        while not address.exists():
            assert time.monotonic() < deadline and scheduler.poll() is None
            time.sleep(0.1)
        url = json.loads(address.read_text())["address"]
        worker = subprocess.Popen(
            [bin_dir / "dask", "worker", url, "--nthreads", "1", "--nworkers", "1", "--no-dashboard"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        ledger = tmp_path / "ledger.sqlite"
        args = [LAA, "batch", "nightly", "--ledger", str(ledger), "--out", "out"]
        batch = subprocess.Popen(
            [*args, "--executor", "dask", "--scheduler", url],
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        while poll(ledger, "SELECT count(*) FROM cases") < 2:
            assert time.monotonic() < deadline and batch.poll() is None
            time.sleep(0.05)
        scheduler.send_signal(signal.SIGKILL)
        _, err = batch.communicate(timeout=120)
    finally:
        for process in (scheduler, worker):
            if process is not None and process.poll() is None:
                process.kill()
                process.wait()

    assert batch.returncode == 5, err
    assert "Traceback" not in err, err
    assert f"error: lost the Dask scheduler at {url} part way through the batch" in err
    assert "run 1 stopped with " in err and "finish it with the same command and --resume" in err

    resumed = subprocess.run([*args, "--resume"], cwd=tmp_path, capture_output=True, text=True, timeout=300)

    assert resumed.returncode == 0, resumed.stderr
    assert "run 1 (resumed): 24 cases: 24 solved" in resumed.stderr
    _each_case_once(ledger, 24)

