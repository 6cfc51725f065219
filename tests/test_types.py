"""mypy on the installed package: clean, so a wrong type is caught before it reaches a user."""

from pathlib import Path

from tests.typecheck import run_mypy


def test_mypy_finds_no_error_in_laa(tmp_path: Path) -> None:
    done = run_mypy(tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Success: no issues found" in done.stdout
