"""`laa` starts without the engine unless a command needs it (issue 15): the lazy command group.

`laa --help` lists every command of `cli.main.COMMANDS` from the commands' sources without
importing their modules, and `laa validate` imports only what reading a file needs. Timing is
measured in benchmarks/startup.py; here the imports themselves are checked, in a fresh process,
so the lazy path cannot regress without a failing test.
"""

from __future__ import annotations

import json
import subprocess
import sys

import click
import pytest
from click.testing import CliRunner
from laa.cli.main import COMMANDS, laa, load_command, stated_help

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
    assert heavy == []  # not even pydantic: no command's module was imported
    for name in COMMANDS:
        assert f"\n  {name} " in shown


def test_validate_imports_no_engine() -> None:
    heavy, shown = imported_by("validate", str(EXAMPLE))
    assert "valid: 18 streams" in shown
    assert [m for m in heavy if m in ENGINE] == []


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_each_entry_loads_its_command_and_is_listed_from_its_source(name: str) -> None:
    command = load_command(COMMANDS[name])
    assert command.name == name
    stated = stated_help(COMMANDS[name])
    assert stated is not None  # read from the source, so listing it imports nothing
    stand_in = click.Command(name, help=stated[0], short_help=stated[1])
    for limit in (30, 45, 10_000):
        assert stand_in.get_short_help_str(limit) == command.get_short_help_str(limit)


def test_the_listing_is_what_the_loaded_commands_give() -> None:
    eager = click.Group("laa", help=laa.help, params=laa.params, context_settings=laa.context_settings)
    for name, where in COMMANDS.items():
        eager.add_command(load_command(where), name)
    lazy = CliRunner().invoke(laa, ["--help"], prog_name="laa")
    assert lazy.exit_code == 0
    assert lazy.output == CliRunner().invoke(eager, ["--help"], prog_name="laa").output


def test_help_given_to_click_command_is_read_too(tmp_path, monkeypatch) -> None:
    (tmp_path / "stated_elsewhere.py").write_text(
        "import click\n\n\n"
        "@click.command('x', short_help='Short.', help=None)\n"
        "@click.option('--n', help='Not the command help.')\n"
        "def x(n):\n"
        '    """Long help. More."""\n\n\n'
        "def computed():\n"
        "    pass\n\n\n"
        "@click.command(help=computed.__doc__)\n"
        "def y():\n"
        "    pass\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    assert stated_help("stated_elsewhere:x") == ("Long help. More.", "Short.")
    assert stated_help("stated_elsewhere:y") is None  # not a constant: the command is asked instead
    assert stated_help("no_such_module:x") is None


def test_an_unknown_command_is_refused() -> None:
    result = CliRunner().invoke(laa, ["nonsense"])
    assert result.exit_code == 2 and "No such command 'nonsense'" in result.output
