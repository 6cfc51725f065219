"""A nightly folder holds whatever was put there; the batch records it and carries on (issue 13).

Reproductions: `laa batch fifo.yaml good.yaml` blocked forever; `laa batch loop.yaml good.yaml` ended
in `RuntimeError: Symlink loop` and the good file never ran; FIFOs, loops and dangling links in a
folder were skipped without a word; a 2 GB file was read whole (4.3 GB peak) before its size check;
through a linked name two batches ran on one ledger at once; one of five simultaneous starts got
"database is locked" instead of the lock message.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from laa.models.errors import InputError
from laa.scenarios.batch.ledger import Ledger, ledger_lock
from laa.scenarios.batch.run import discover

from tests.paths import CHECKS

LAA = Path(sys.executable).parent / "laa"
GOOD = CHECKS / "check1.yaml"


def batch(tmp_path: Path, *paths: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LAA), "batch", *paths, "--ledger", str(tmp_path / "ledger.sqlite"), "-a", "aligned", "-j", "1"],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=tmp_path,
    )


def cases(tmp_path: Path) -> dict[str, tuple[str, str]]:
    with Ledger(tmp_path / "ledger.sqlite", read_only=True) as ledger:
        return {Path(c.path).name: (c.status, c.message) for c in ledger.cases(ledger.runs()[-1].id)}


def test_a_named_fifo_and_link_loop_are_invalid_cases_and_the_good_file_runs(tmp_path):
    os.mkfifo(tmp_path / "fifo.yaml")
    (tmp_path / "loop.yaml").symlink_to("loop.yaml")
    (tmp_path / "dangling.yaml").symlink_to("gone.yaml")
    shutil.copy(GOOD, tmp_path / "good.yaml")
    done = batch(tmp_path, "fifo.yaml", "loop.yaml", "dangling.yaml", "good.yaml")
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode == 4  # some files invalid, the rest solved
    found = cases(tmp_path)
    assert found["good.yaml"][0] == "optimal"
    assert found["fifo.yaml"] == (
        "invalid",
        "fifo.yaml: is a named pipe (FIFO), not a regular file; only regular files are read",
    )
    assert found["loop.yaml"][0] == "invalid" and "symbolic link loop" in found["loop.yaml"][1]
    dangling = "dangling.yaml: is a symbolic link to 'gone.yaml', which does not exist"
    assert found["dangling.yaml"] == ("invalid", dangling)


def test_what_a_folder_holds_that_is_not_a_regular_file_is_skipped_with_a_warning(tmp_path):
    folder = tmp_path / "scen"
    folder.mkdir()
    os.mkfifo(folder / "fifo.yaml")
    (folder / "loop.yaml").symlink_to("loop.yaml")
    (folder / "dangling.json").symlink_to("gone.json")
    shutil.copy(GOOD, folder / "good.yaml")
    files, missing, warnings = discover((str(folder),), [])
    assert [f.name for f in files] == ["good.yaml"] and missing == []
    assert sorted(w.split(": skipped: ")[0] for w in warnings) == sorted(
        str(folder / n) for n in ("dangling.json", "fifo.yaml", "loop.yaml")
    )
    assert f"{folder / 'fifo.yaml'}: skipped: is a named pipe (FIFO)" in "\n".join(warnings)
    globbed, _, glob_warnings = discover((str(folder / "*.yaml"),), [])
    assert [f.name for f in globbed] == ["good.yaml"] and len(glob_warnings) == 2


def test_a_2gb_file_is_refused_before_it_is_read(tmp_path):
    big = tmp_path / "export.yaml"
    with big.open("wb") as handle:
        handle.truncate(2 * 1024**3)
    shutil.copy(GOOD, tmp_path / "good.yaml")
    started = time.perf_counter()
    done = batch(tmp_path, "export.yaml", "good.yaml")
    assert time.perf_counter() - started < 60 and "Traceback" not in done.stderr
    status, message = cases(tmp_path)["export.yaml"]
    assert status == "invalid" and "file is 2,147,483,648 bytes" in message


def test_the_lock_is_the_same_however_the_ledger_path_is_spelled(tmp_path):
    real = tmp_path / "real"
    real.mkdir()
    (tmp_path / "linked").symlink_to(real)
    (tmp_path / "alias.sqlite").symlink_to(real / "ledger.sqlite")
    spellings = [
        tmp_path / "linked" / "ledger.sqlite",  # through a linked folder
        tmp_path / "alias.sqlite",  # a linked file name
        real / ".." / "real" / "l.db",  # dots, then a link beside it
    ]
    (real / "l.db").symlink_to("ledger.sqlite")
    with ledger_lock(real / "ledger.sqlite"):
        for spelling in spellings:
            with pytest.raises(InputError, match="is in use by another `laa batch`"), ledger_lock(spelling):
                pass


def test_five_simultaneous_starts_one_runs_and_four_get_the_lock_message(tmp_path):
    folder = tmp_path / "scen"
    folder.mkdir()
    for n in range(12):  # long enough that every start overlaps the one that runs
        shutil.copy(GOOD, folder / f"s{n}.yaml")
    go = tmp_path / "go"
    command = (
        f'while [ ! -e "{go}" ]; do sleep 0.01; done; exec "{LAA}" batch "{folder}" '
        f'--ledger "{tmp_path / "ledger.sqlite"}" -j 1'
    )
    starts = [
        subprocess.Popen(["sh", "-c", command], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(5)
    ]
    go.touch()
    outcomes = [(p.wait(timeout=300), p.stderr.read() if p.stderr else "") for p in starts]
    assert not any("database is locked" in err or "Traceback" in err for _, err in outcomes), outcomes
    refused = [err for code, err in outcomes if code == 2]
    assert all("is in use by another `laa batch`" in err for err in refused)
    ran = [code for code, _ in outcomes if code != 2]
    assert ran == [0]  # one ran; the four that overlapped it were refused
