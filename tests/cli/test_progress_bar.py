"""The long commands show a progress bar on a terminal, and nothing on a pipe or in a log (issue 23):
`laa sensitivity`, `laa run --robust` and `laa frontier --robust`. The bar goes to stderr, so what
the command prints is the same either way."""

from __future__ import annotations

import io
import re

import pytest
from click.testing import CliRunner
from laa.cli import progress
from laa.cli.main import laa
from laa.scenarios.analysis import robust, robust_frontier
from rich.console import Console

from tests.paths import EXAMPLE

COMMANDS = {
    "sensitivity": (["sensitivity", str(EXAMPLE), "--draws", "6"], "6 draws of 4 arrangements"),
    "run": (["run", str(EXAMPLE), "-a", "aligned", "--robust", "cvar:0.5", "--draws", "4"], "10 fresh draws"),
    "frontier": (["frontier", str(EXAMPLE), "--robust", "--draws", "4"], "6 levels against 4 draws"),
}
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


@pytest.mark.parametrize("command", list(COMMANDS))
def test_a_terminal_sees_the_bar_and_the_output_is_unchanged(monkeypatch, command) -> None:
    args, stage = COMMANDS[command]
    monkeypatch.setattr(robust, "FRESH_DRAWS", 10)  # judged on 10 fresh draws, not 1,000: quicker
    monkeypatch.setattr(robust_frontier, "FRESH_DRAWS", 10)
    quiet = CliRunner().invoke(laa, args)
    assert quiet.exit_code == 0, quiet.output
    assert quiet.stderr == ""  # not a terminal: nothing drawn
    screen = io.StringIO()
    monkeypatch.setattr(progress, "terminal", lambda: Console(file=screen, force_terminal=True, width=160))
    watched = CliRunner().invoke(laa, args)
    assert watched.exit_code == 0, watched.output
    drawn = ANSI.sub("", screen.getvalue())
    assert f"laa {command}: " in drawn and stage in drawn, drawn[-400:]
    assert watched.stdout == quiet.stdout
