"""Only regular files are read, and no more of them than the cap (issue 13, defects 5, 6, 7 and 10).

`laa validate fifo.yaml` blocked forever on a named pipe; a symbolic link loop gave `RuntimeError:
Symlink loop`; `laa batch` read a whole 2 GB file before its size check.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from laa.models.errors import ScenarioError
from laa.models.load import load_scenario
from laa.models.reading import MAX_FILE_BYTES, read_scenario_file

from tests.paths import EXAMPLE

LAA = Path(sys.executable).parent / "laa"


def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "fifo.yaml"
    os.mkfifo(path)
    return path


def loop(tmp_path: Path) -> Path:
    path = tmp_path / "loop.yaml"
    path.symlink_to("loop.yaml")
    return path


def two_link_loop(tmp_path: Path) -> Path:
    (tmp_path / "b.yaml").symlink_to("a.yaml")
    (tmp_path / "a.yaml").symlink_to("b.yaml")
    return tmp_path / "a.yaml"


def dangling(tmp_path: Path) -> Path:
    path = tmp_path / "dangling.yaml"
    path.symlink_to("gone.yaml")
    return path


def sparse_2gb(tmp_path: Path) -> Path:
    path = tmp_path / "export.yaml"
    with path.open("wb") as handle:
        handle.truncate(2 * 1024**3)
    return path


def device(tmp_path: Path) -> Path:
    return Path("/dev/zero")


def directory(tmp_path: Path) -> Path:
    return tmp_path


def under_a_file(tmp_path: Path) -> Path:
    (tmp_path / "afile").write_text("x")
    return tmp_path / "afile" / "s.yaml"


CASES = {
    "fifo": (fifo, "fifo.yaml: is a named pipe (FIFO), not a regular file; only regular files are read"),
    "loop": (loop, "loop.yaml: is a symbolic link loop (its links lead back to themselves); point it at"),
    "two-link loop": (two_link_loop, "a.yaml: is a symbolic link loop"),
    "dangling": (dangling, "dangling.yaml: is a symbolic link to 'gone.yaml', which does not exist"),
    "2 GB": (sparse_2gb, f"2,147,483,648 bytes; a scenario file is expected to be under {MAX_FILE_BYTES:,}"),
    "device": (device, "zero: is a device, not a regular file"),
    "directory": (directory, "is a directory, not a scenario file"),
    "under a file": (under_a_file, "s.yaml: no such file"),
}


@pytest.mark.parametrize("case", CASES)
def test_what_is_not_a_regular_file_is_refused_at_once(tmp_path, case):
    make, expected = CASES[case]
    path = make(tmp_path)
    started = time.perf_counter()
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    assert time.perf_counter() - started < 2  # nothing waited for, nothing read
    assert expected in str(caught.value.problems[0]), str(caught.value)


def test_a_link_to_a_regular_file_is_read_through(tmp_path):
    link = tmp_path / "area.yaml"
    link.symlink_to(EXAMPLE)
    assert load_scenario(link) == load_scenario(EXAMPLE)


def test_no_more_than_the_cap_is_read(tmp_path):
    path = tmp_path / "big.yaml"
    path.write_bytes(b"x" * 1001)
    with pytest.raises(ScenarioError, match="file is 1,001 bytes"):
        read_scenario_file(path, limit=1000)
    assert read_scenario_file(path, limit=1001) == b"x" * 1001


@pytest.mark.parametrize("case", ["fifo", "loop", "dangling"])
def test_laa_validate_exits_2_with_the_message_and_never_waits(tmp_path, case):
    make, expected = CASES[case]
    path = make(tmp_path)
    done = subprocess.run([str(LAA), "validate", str(path)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert expected in done.stderr
    assert "Traceback" not in done.stderr
