"""The `laa` command: a click group that imports each command's module only when that command runs.

`laa --help` lists every command from `COMMANDS` alone, and `laa validate` imports only what
loading a file needs: importing every command's module (pandas, numpy, highspy, pulp, plotly,
openpyxl, dask) took 0.5 s before a command began (issue 15). Each command is a few lines in its
own module that parses its arguments, calls one function, and prints.

To add a command, add one line to `COMMANDS`: its name, where it is ("module:attribute", a click
command), and its one-line help as `laa --help` shows it (the first sentence of its docstring;
tests/cli/test_startup.py checks that the two agree and that every entry loads).
"""

from __future__ import annotations

import importlib

import click

COMMANDS: dict[str, tuple[str, str]] = {
    "validate": ("laa.cli.validate:validate", "Check a scenario file and list every problem with it."),
    "run": ("laa.cli.run:run", "Plan a scenario under each arrangement and report the results."),
    "compare": (
        "laa.cli.analysis:compare",
        "One row per arrangement: targets met, reward, money lost, rules broken and score, against silo and "
        "aligned; then the outcomes the arrangements disagree on most.",
    ),
    "freedoms": (
        "laa.cli.analysis:freedoms",
        "Rank the freedoms worth asking for: eligibility limits lifted and rules relaxed.",
    ),
    "pooling-value": (
        "laa.cli.analysis:pooling_value",
        "Pooling's gain over aligned in parts that add up to it: each ring-fence or eligibility limit it "
        "lifts, its lower overhead less set-up, and the interactions.",
    ),
    "frontier": (
        "laa.cli.uncertainty:frontier",
        "Score against the share of poolable money pooled, each step optimal (or with --robust, the central "
        "score against the mean of the worst draws).",
    ),
    "sweep": (
        "laa.cli.uncertainty:sweep_command",
        "Re-plan as a stream's amounts or a rule's value move across a range.",
    ),
    "sensitivity": (
        "laa.cli.uncertainty:sensitivity_command",
        "Re-plan under random draws of effects and amounts: score spread and the chance each option is best.",
    ),
    "batch": (
        "laa.cli.batch:batch_command",
        "Run every case (scenario file x arrangement) of the files, folders and globs given.",
    ),
    "history": (
        "laa.cli.batch:history_command",
        "List the ledger's runs: when, how many cases, how they ended, with which options.",
    ),
    "drift": (
        "laa.cli.batch:drift_command",
        "What changed between two runs (default: the last two), and the input changes that explain it.",
    ),
    "template": (
        "laa.cli.workbook:template",
        "Write a blank scenario workbook to fill in: one sheet per section, notes on every header.",
    ),
    "convert": (
        "laa.cli.workbook:convert",
        "Convert a scenario between YAML, JSON and an Excel workbook (formats from the file names).",
    ),
    "report": (
        "laa.cli.report:report",
        "Write one self-contained HTML page comparing the arrangements, for a negotiation meeting.",
    ),
    "partners": (
        "laa.cli.partners:partners_command",
        "What each partner puts in and gets out, who gains from aligning and pooling, and a fairer plan.",
    ),
    "serve": (
        "laa.cli.serve:serve",
        "Serve a live page for a negotiation meeting: change the scenario, see it re-planned.",
    ),
}


class LazyGroup(click.Group):
    """A click group whose commands, named in a table, are imported when one is called (or its own
    help asked for); its command listing comes from the table, so `laa --help` imports none."""

    def __init__(self, *args: object, lazy: dict[str, tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.lazy = lazy

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy and cmd_name not in self.commands:
            module, attribute = self.lazy[cmd_name][0].split(":")
            self.add_command(getattr(importlib.import_module(module), attribute), cmd_name)
        return super().get_command(ctx, cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        names = self.list_commands(ctx)
        if not names:
            return
        limit = formatter.width - 6 - max(len(name) for name in names)
        rows = []
        for name in names:
            if name in self.commands:  # loaded already, or added directly
                command = self.commands[name]
                if command.hidden:
                    continue
                rows.append((name, command.get_short_help_str(limit)))
            else:
                listed = click.Command(name, help=self.lazy[name][1])  # shortened as click shortens
                rows.append((name, listed.get_short_help_str(limit)))
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, lazy=COMMANDS, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="laa-pooling")
def laa() -> None:
    """Plan partners' budgets against shared Local Area Agreement targets."""
