"""Words and figures said the same way by every command: counts, stretch, exit codes, progress."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

from tests.paths import EXAMPLE, ROOT

LAA = str(Path(sys.executable).parent / "laa")
OVERHEAD_POOL = ROOT / "tests" / "scenarios" / "analysis" / "data" / "overhead_pool.yaml"


def laa(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([LAA, *args], capture_output=True, text=True, timeout=180)


def test_validate_counts_in_words():
    done = laa("validate", str(OVERHEAD_POOL))
    assert done.returncode == 0
    said = "valid: 1 stream from 1 funder, 1 outcome, 0 rules, 1 pot, 1 year 2026"
    assert done.stdout.strip().endswith(said)  # no variants, none counted


def test_validate_counts_the_variants_it_checked():
    done = laa("validate", str(EXAMPLE))
    assert done.returncode == 0
    assert done.stdout.strip().endswith("2 pots, 3 years 2026-2028, 10 variants")


def test_run_help_lists_the_exit_codes():
    shown = laa("run", "--help").stdout
    for line in (
        "0  every arrangement planned",
        "2  the file cannot be planned",
        "3  some arrangement is infeasible",
        "4  some arrangement failed",
    ):
        assert line in shown


def test_run_and_compare_show_the_same_arrangement_table():
    """One table for both: stretch as 1/10 and the same rows, word for word."""
    run = laa("run", str(EXAMPLE)).stdout
    compare = laa("compare", str(EXAMPLE)).stdout
    table = compare.split("\n\nOutcomes the arrangements")[0]
    assert run.startswith(table)
    assert "1/10" in table and "set-up" in table and "setup" not in run + compare


def test_a_report_on_a_terminal_says_what_is_under_way(tmp_path: Path):
    """stderr a terminal: a status line names each step; piped (cron, logs): only 'wrote'."""
    out = tmp_path / "report.html"
    main, other = pty.openpty()
    process = subprocess.Popen(
        [LAA, "report", str(OVERHEAD_POOL), "-o", str(out), "--freedoms", "1"],
        stdout=subprocess.DEVNULL,
        stderr=other,
    )
    os.close(other)
    said = b""
    while True:
        try:
            chunk = os.read(main, 4096)
        except OSError:  # the terminal closed with the process
            break
        if not chunk:
            break
        said += chunk
    assert process.wait(timeout=180) == 0
    shown = said.decode("utf-8", "replace")
    assert "laa report: planning silo (1 of 4)" in shown and "laa report: done in" in shown
    piped = laa("report", str(OVERHEAD_POOL), "-o", str(out), "--freedoms", "1")
    assert piped.stderr.strip() == f"wrote {out}"
