"""Results land whole, with ordinary permissions, or not at all."""

import os
import stat

import pytest
from laa.models.cells import safe_cell
from laa.models.errors import OutputError
from laa.scenarios.outputs import atomic as output
from laa.scenarios.outputs.atomic import UMASK, write_atomic


def test_a_result_lands_whole_with_the_permissions_a_new_file_gets(tmp_path):
    path = write_atomic(tmp_path / "deep" / "results.json", "{}", make_folders=True)
    assert path.read_text() == "{}"
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~UMASK
    assert [p.name for p in path.parent.iterdir()] == ["results.json"]


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary(tmp_path, monkeypatch):
    path = tmp_path / "results.json"
    path.write_text("old")

    def broken_fsync(fd: int) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(output.os, "fsync", broken_fsync)
    with pytest.raises(OutputError, match=r"results\.json: could not be written: disk full"):
        write_atomic(path, "new")
    assert path.read_text() == "old"
    assert os.listdir(tmp_path) == ["results.json"]


@pytest.mark.parametrize("text", ['=HYPERLINK("http://x")', "+1+1", "-1-cmd", "-£2,890,000 Re-offending", "-",
                                  "@SUM(A1)", "\tx", "\rx", "-1\n=2"])
def test_formula_text_is_quoted(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("text", ["-1746000.00", "-0.5", "+1", "-1", "-.5", "-1e-3", "12"])
def test_a_number_written_as_text_stays_a_number(text):
    """Issue 23: `'-1746000.00` in a CSV was text to pandas and Excel; a number is never run as a formula."""
    assert safe_cell(text) == text


def test_plain_values_pass_through():
    assert safe_cell("Northbridge") == "Northbridge"
    assert safe_cell(-5) == -5
