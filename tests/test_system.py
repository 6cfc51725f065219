"""Tests that need a system program skip where it is missing, saying how to install it, and fail in CI."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path
from types import SimpleNamespace

import pytest

from tests.conftest import pytest_terminal_summary
from tests.system import REQUIRE, SystemProgram, need, one_install_at_a_time

installs: list[str] = []


def _install() -> str:
    installs.append("apt-get")
    return "apt-get failed (100): E: Could not open lock file - are you root?"


ABSENT = SystemProgram("Calc", "libreoffice-calc poppler-utils", lambda: False, _install)
PRESENT = SystemProgram("Calc", "libreoffice-calc poppler-utils", lambda: True, _install)


class Reporter:
    """What pytest's terminal reporter offers the summary hook: the outcomes so far, and a screen."""

    def __init__(self, skipped: list[object]):
        self.stats = {"skipped": skipped}
        self.screen: list[str] = []

    def section(self, title: str) -> None:
        self.screen.append(f"== {title} ==")

    def write_line(self, line: str) -> None:
        self.screen.append(line)


def _skip_message(program: SystemProgram) -> str:
    with pytest.raises(pytest.skip.Exception) as skipped:
        need(program)
    return str(skipped.value)


def test_a_missing_program_skips_with_the_line_that_installs_it_and_installs_nothing(monkeypatch):
    monkeypatch.delenv(REQUIRE, raising=False)
    installs.clear()
    message = _skip_message(ABSENT)
    assert message.startswith(
        "needs Calc, which is not installed: sudo apt-get install libreoffice-calc poppler-utils (CI sets"
    )
    assert installs == []
    need(PRESENT)  # a program that is there neither skips nor installs


def test_under_ci_a_missing_program_is_installed_and_a_failed_install_fails(monkeypatch):
    monkeypatch.setenv(REQUIRE, "1")
    installs.clear()
    with pytest.raises(pytest.fail.Exception) as failed:
        need(ABSENT)
    assert installs == ["apt-get"]
    assert str(failed.value).startswith(
        "Calc is needed (LAA_REQUIRE_SYSTEM_TOOLS=1) and could not be installed: apt-get failed (100)"
    )


def test_the_session_ends_by_naming_each_missing_program_its_tests_and_its_install_line(monkeypatch):
    monkeypatch.delenv(REQUIRE, raising=False)
    calc = _skip_message(ABSENT)
    chromium = _skip_message(SystemProgram("Chromium", "chromium chromium-driver", lambda: False, _install))
    skipped = [SimpleNamespace(longrepr=("t.py", 1, f"Skipped: {m}")) for m in (calc, calc, chromium)]
    skipped.append(SimpleNamespace(longrepr=("t.py", 2, "Skipped: something else")))
    reporter = Reporter(skipped)
    pytest_terminal_summary(reporter)  # type: ignore[arg-type]
    assert reporter.screen == [
        "== system programs not installed ==",
        "2 tests skipped: Calc is not installed; sudo apt-get install libreoffice-calc poppler-utils",
        "1 test skipped: Chromium is not installed; sudo apt-get install chromium chromium-driver",
        "(CI sets LAA_REQUIRE_SYSTEM_TOOLS=1: there they are installed, or the tests fail)",
    ]
    quiet = Reporter([SimpleNamespace(longrepr=("t.py", 2, "Skipped: something else"))])
    pytest_terminal_summary(quiet)  # type: ignore[arg-type]
    assert quiet.screen == []


def test_a_lock_file_left_by_another_users_run_does_not_stop_this_one():
    """Root's CI run leaves the install lock readable but not writable by others; a later run by a
    user must still take it (it once failed with PermissionError before it could skip or install).
    Root may write anything, so as root the lock is taken by a forked child that is `nobody` (in a
    folder of the system's temporary one, which `nobody` can reach; pytest's are private)."""
    folder = Path(tempfile.mkdtemp(prefix="laa-lock-"))
    folder.chmod(0o755)
    lock = folder / "laa-calc-install.lock"
    lock.touch()
    lock.chmod(0o444)
    child = os.fork()
    if child == 0:  # pragma: no cover (the child's outcome is its exit status)
        status = 1
        try:
            if os.geteuid() == 0:
                os.setgid(65534)
                os.setuid(65534)
            tempfile.tempdir = str(folder)
            with one_install_at_a_time("calc"):
                status = 0
        except BaseException as error:
            print(f"could not take the lock: {error!r}", file=sys.stderr)
        finally:
            os._exit(status)
    _, status = os.waitpid(child, 0)
    shutil.rmtree(folder)
    assert os.waitstatus_to_exitcode(status) == 0
