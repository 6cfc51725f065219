"""A file replaced keeps its permissions, and one made read-only is refused (issue 21, row 8).

The temporary file renamed over the destination had the umask's mode, so a
0600 budget file came back 0644 (world-readable), and a 0444 file was
replaced, since a rename needs only the folder to be writable.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from laa.models.errors import InputError
from laa.scenarios.outputs.atomic import UMASK, write_atomic

from tests.paths import CHECKS

LAA = Path(sys.executable).parent / "laa"


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize("mode", [0o600, 0o640, 0o660, 0o700], ids=oct)
def test_a_replaced_file_keeps_its_permissions(tmp_path, mode):
    path = tmp_path / "results.json"
    path.write_text("old")
    path.chmod(mode)
    write_atomic(path, "new")
    assert path.read_text() == "new" and mode_of(path) == mode


def test_the_file_a_link_points_to_keeps_its_permissions(tmp_path):
    real = tmp_path / "real.json"
    real.write_text("old")
    real.chmod(0o600)
    link = tmp_path / "results.json"
    link.symlink_to(real)
    write_atomic(link, "new")
    assert real.read_text() == "new" and mode_of(real) == 0o600 and link.is_symlink()


@pytest.mark.parametrize("mode", [0o444, 0o400, 0o044], ids=oct)
def test_a_read_only_file_is_refused_and_left_as_it_was(tmp_path, mode):
    path = tmp_path / "results.json"
    path.write_text("old")
    path.chmod(mode)
    with pytest.raises(InputError) as caught:
        write_atomic(path, "new")
    assert str(caught.value) == (
        f"{path}: is read-only (mode {mode:04o}); nothing was written: make it writable (chmod u+w) to "
        "replace it, or write to another file"
    )
    assert path.read_text() == "old" and mode_of(path) == mode and os.listdir(tmp_path) == ["results.json"]


def test_a_new_file_gets_the_mode_asked_for_or_the_umasks(tmp_path):
    assert mode_of(write_atomic(tmp_path / "private.json", "{}", new_mode=0o600)) == 0o600
    assert mode_of(write_atomic(tmp_path / "plain.json", "{}")) == 0o666 & ~UMASK


def test_laa_run_out_keeps_a_private_file_private_and_refuses_a_read_only_one(tmp_path):
    private, locked = tmp_path / "private.json", tmp_path / "locked.json"
    for path, mode in ((private, 0o600), (locked, 0o444)):
        path.write_text("old")
        path.chmod(mode)
    command = [str(LAA), "run", str(CHECKS / "check1.yaml"), "--format", "json", "-o"]
    done = subprocess.run([*command, str(private)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and private.read_text().startswith("{") and mode_of(private) == 0o600
    done = subprocess.run([*command, str(locked)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "locked.json: is read-only (mode 0444); nothing was written" in done.stderr
    assert locked.read_text() == "old"
