"""`laa` starts without the engine unless a command needs it (issue 15): the lazy command group.

`laa --help` lists every command from `cli.main.COMMANDS` without importing a command's module,
and `laa validate` imports only what reading a file needs. Timing is measured in
benchmarks/startup.py; here the imports themselves are checked, in a fresh process, so the
lazy path cannot regress without a failing test.
"""

from __future__ import annotations

import importlib
import json
import subprocess
import sys

import click
import pytest
from click.testing import CliRunner
from laa.cli.main import COMMANDS, laa

from tests.paths import EXAMPLE

ENGINE = ["pandas", "numpy", "highspy", "pulp", "plotly", "openpyxl", "dask", "rich", "scipy"]


def imported_by(*args: str) -> tuple[list[str], str]:
    """The heavy modules a fresh `laa ARGS` has imported by the time it exits, and what it printed."""
    code = (
        "import json, sys\n"
        "from laa.cli.main import laa\n"
        "try:\n"
        f"    laa.main({list(args)!r}, prog_name='laa')\n"
        "except SystemExit as exc:\n"
        "    assert exc.code in (0, None), exc.code\n"
        f"heavy = [m for m in {[*ENGINE, 'pydantic']!r} if m in sys.modules]\n"
        "print(json.dumps(heavy), file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stderr.strip().splitlines()[-1]), done.stdout


def test_help_imports_no_command_and_no_engine() -> None:
    heavy, shown = imported_by("--help")
    assert heavy == []  # not even pydantic: no command module was imported
    for name in COMMANDS:
        assert f"\n  {name} " in shown


def test_validate_imports_no_engine() -> None:
    heavy, shown = imported_by("validate", str(EXAMPLE))
    assert "valid: 18 streams" in shown
    assert [m for m in heavy if m in ENGINE] == []


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_each_entry_loads_its_command_with_the_help_listed(name: str) -> None:
    """The table's help is what click would list from the command's own docstring."""
    where, listed = COMMANDS[name]
    module, attribute = where.split(":")
    command = getattr(importlib.import_module(module), attribute)
    assert isinstance(command, click.Command) and command.name == name
    assert listed == command.get_short_help_str(limit=10_000)
    assert laa.get_command(click.Context(laa), name) is command


def test_an_unknown_command_is_refused() -> None:
    result = CliRunner().invoke(laa, ["nonsense"])
    assert result.exit_code == 2 and "No such command 'nonsense'" in result.output
