"""The `laa` command: a click group that imports each command's module only when that command runs.

Importing every command's module (pandas, numpy, highspy, pulp, plotly, openpyxl, dask) took
0.5 s before any command began (issue 15). So `COMMANDS` names each command and where it is,
`laa validate` imports only what loading a file needs, and `laa --help` imports no command at
all: it lists each command's help as the command's own source states it (its docstring, or a
`help=`/`short_help=` given to `click.command`), read without running the module. Each command
is a few lines in its own module that parses its arguments, calls one function, and prints.

To add a command: one line in `COMMANDS`, its name and "module:attribute" (a click command).
tests/cli/test_startup.py checks that every entry loads and is listed as click would list it.
"""

from __future__ import annotations

import ast
import functools
import importlib
import importlib.util
from pathlib import Path

import click

COMMANDS: dict[str, str] = {
    "validate": "laa.cli.validate:validate",
    "run": "laa.cli.run:run",
    "compare": "laa.cli.analysis:compare",
    "freedoms": "laa.cli.analysis:freedoms",
    "pooling-value": "laa.cli.analysis:pooling_value",
    "frontier": "laa.cli.uncertainty:frontier",
    "sweep": "laa.cli.uncertainty:sweep_command",
    "sensitivity": "laa.cli.uncertainty:sensitivity_command",
    "batch": "laa.cli.batch:batch_command",
    "history": "laa.cli.batch:history_command",
    "drift": "laa.cli.batch:drift_command",
    "template": "laa.cli.workbook:template",
    "convert": "laa.cli.workbook:convert",
    "report": "laa.cli.report:report",
    "partners": "laa.cli.partners:partners_command",
    "serve": "laa.cli.serve:serve",
}


def load_command(where: str) -> click.Command:
    """The click command at "module:attribute", importing its module."""
    module, attribute = where.split(":")
    command = getattr(importlib.import_module(module), attribute)
    if not isinstance(command, click.Command):
        raise TypeError(f"{where} is not a click command")
    return command


def stated_help(where: str) -> tuple[str | None, str | None] | None:
    """The help and short help the command at "module:attribute" states in its module's source,
    read without importing the module; None where the source cannot say (then it is imported)."""
    module, attribute = where.split(":")
    tree = _source(module)
    if tree is None:
        return None
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == attribute:
            given: dict[str, str] = {}
            for keyword in _command_keywords(node):
                if keyword.arg not in ("help", "short_help"):
                    continue
                value = keyword.value
                if isinstance(value, ast.Constant) and value.value is None:
                    continue  # as if not given: click takes the docstring
                if not (isinstance(value, ast.Constant) and isinstance(value.value, str)):
                    return None  # worked out when the module runs: ask the command itself
                given[keyword.arg] = value.value
            return given.get("help") or ast.get_docstring(node), given.get("short_help")
    return None


@functools.cache
def _source(module: str) -> ast.Module | None:
    """A module's source, parsed (once, however many commands it holds), without running it."""
    try:
        spec = importlib.util.find_spec(module)
        if spec is None or spec.origin is None or not spec.origin.endswith(".py"):
            return None
        return ast.parse(Path(spec.origin).read_text(encoding="utf-8"))
    except (ImportError, OSError, SyntaxError, ValueError):
        return None


def _command_keywords(function: ast.FunctionDef) -> list[ast.keyword]:
    """The keywords given to the function's `click.command(...)` decorator (not to its options')."""
    found = []
    for decorator in function.decorator_list:
        if isinstance(decorator, ast.Call):
            called = decorator.func
            name = called.attr if isinstance(called, ast.Attribute) else getattr(called, "id", "")
            if name == "command":
                found += decorator.keywords
    return found


class LazyGroup(click.Group):
    """A click group whose commands, named in a table, are imported when one is called (or its own
    help asked for); `--help` lists them from their source, so it imports none."""

    def __init__(self, *args: object, lazy: dict[str, str], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.lazy = lazy

    def list_commands(self, ctx: click.Context) -> list[str]:
        """Every command, loaded or not, in name order."""
        return sorted({*super().list_commands(ctx), *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """The command, importing its module only now, when it is called."""
        if cmd_name in self.lazy and cmd_name not in self.commands:
            self.add_command(load_command(self.lazy[cmd_name]), cmd_name)
        return super().get_command(ctx, cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """List the commands in `--help` from their source's stated help, importing none of them."""
        listed: list[tuple[str, click.Command]] = []
        for name in self.list_commands(ctx):
            stated = None if name in self.commands else stated_help(self.lazy[name])
            if stated is None:
                command = self.get_command(ctx, name)
                if command is None or command.hidden:
                    continue
            else:  # a stand-in with the command's own help, shortened as click shortens it
                command = click.Command(name, help=stated[0], short_help=stated[1])
            listed.append((name, command))
        if listed:
            limit = formatter.width - 6 - max(len(name) for name, _ in listed)
            with formatter.section("Commands"):
                formatter.write_dl([(name, command.get_short_help_str(limit)) for name, command in listed])


@click.group(cls=LazyGroup, lazy=COMMANDS, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="laa-pooling")
def laa() -> None:
    """Plan partners' budgets against shared Local Area Agreement targets."""
