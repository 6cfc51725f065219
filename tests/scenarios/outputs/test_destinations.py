"""Where a result goes is checked before writing; a failed write names its path (issue 13, defect 10).

`--out` under a parent that is a file said `FileExistsError: 'afile'`; `--out` on a symbolic link
replaced the link; a full disk's message named no path; `-o /nonexist/dir/x.json` created folders.
"""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from pathlib import Path

import pytest
from laa.models.errors import InputError, OutputError
from laa.scenarios.outputs import atomic
from laa.scenarios.outputs.atomic import write_atomic

from tests.paths import CHECKS

LAA = Path(sys.executable).parent / "laa"


def test_a_missing_folder_is_refused_not_made(tmp_path):
    target = tmp_path / "nonexist" / "dir" / "x.json"
    with pytest.raises(InputError, match=r"the folder .*nonexist/dir does not exist; create it first"):
        write_atomic(target, "{}")
    assert not (tmp_path / "nonexist").exists()
    assert write_atomic(target, "{}", make_folders=True).read_text() == "{}"


def test_a_parent_that_is_a_file_is_named(tmp_path):
    (tmp_path / "afile").write_text("keep")
    for make_folders in (False, True):
        with pytest.raises(InputError, match=r"afile is a file, not a folder; nothing was written"):
            write_atomic(tmp_path / "afile" / "deeper" / "x.json", "{}", make_folders=make_folders)
    assert (tmp_path / "afile").read_text() == "keep"


def test_a_link_is_kept_and_the_file_it_points_to_replaced(tmp_path):
    (tmp_path / "real").mkdir()
    real = tmp_path / "real" / "results.json"
    real.write_text("old")
    link = tmp_path / "results.json"
    link.symlink_to(real)
    assert write_atomic(link, "new") == real
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_text() == "new"
    assert sorted(p.name for p in (tmp_path / "real").iterdir()) == ["results.json"]


def test_a_dangling_link_writes_the_file_it_names(tmp_path):
    link = tmp_path / "results.json"
    link.symlink_to("made.json")
    write_atomic(link, "new")
    assert link.is_symlink() and (tmp_path / "made.json").read_text() == "new"


@pytest.mark.parametrize("kind", ["loop", "folder", "fifo"])
def test_a_destination_that_cannot_hold_a_file_is_refused(tmp_path, kind):
    target = tmp_path / "x.json"
    if kind == "loop":
        target.symlink_to("x.json")
        words = "symbolic link loop"
    elif kind == "folder":
        target.mkdir()
        words = "is a folder"
    else:
        os.mkfifo(target)
        words = "is not a regular file"
    with pytest.raises(InputError, match=words):
        write_atomic(target, "{}")


def test_a_full_disk_is_named_with_the_path_and_the_old_file_kept(tmp_path, monkeypatch):
    path = tmp_path / "results.json"
    path.write_text("old")

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(atomic.os, "fsync", full)
    with pytest.raises(OutputError) as caught:
        write_atomic(path, "new")
    assert str(caught.value) == (
        f"{path}: could not be written: the disk holding {tmp_path} is full; nothing was written, "
        "any old file is kept"
    )
    assert path.read_text() == "old" and os.listdir(tmp_path) == ["results.json"]


@pytest.mark.parametrize(
    ("out", "words"),
    [
        ("nonexist/dir/x.json", "does not exist; create it first (nothing was written)"),
        ("afile/x.json", "afile is a file, not a folder; nothing was written"),
    ],
)
def test_laa_run_with_an_unusable_out_exits_2_and_says_why(tmp_path, out, words):
    (tmp_path / "afile").write_text("x")
    done = subprocess.run(
        [str(LAA), "run", str(CHECKS / "check1.yaml"), "--format", "json", "-o", str(tmp_path / out)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2, done.stderr
    assert words in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "nonexist").exists()
