"""The `laa` command. Each command parses its arguments, calls one function, and prints."""

from __future__ import annotations

import sys

import click
from laa.cli import analysis, uncertainty, workbook
from laa.cli import batch as batch_commands
from laa.cli import report as report_command
from laa.cli import serve as serve_command
from laa.cli.common import (
    EXIT_OK,
    emit,
    exit_code,
    fail,
    format_option,
    guarded,
    historic_option,
    load,
    out_option,
    solve_options,
    solver_option,
    time_limit_option,
    variant_option,
)
from laa.models.scenario import Arrangement
from laa.models.variants import find_variant, variant_scenario
from laa.scenarios.analysis.arrangements import plan_all
from laa.scenarios.analysis.explain import prices_text
from laa.scenarios.analysis.table import plans_report
from laa.scenarios.outputs.csvout import allocation_csv
from laa.scenarios.outputs.results import results_document, to_json
from laa.scenarios.outputs.results_workbook import run_workbook

ARRANGEMENTS = [a.value for a in Arrangement]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="laa-pooling")
def laa() -> None:
    """Plan partners' budgets against shared Local Area Agreement targets."""


@laa.command()
@click.argument("file", type=click.Path(dir_okay=True))
@guarded
def validate(file: str) -> None:
    """Check a scenario file and list every problem with it."""
    scenario = load(file)
    click.echo(
        f"{file}: valid: {len(scenario.streams)} streams from {len(scenario.funders)} funders, "
        f"{len(scenario.outcomes)} outcomes, {len(scenario.rules)} rules, {len(scenario.pots)} pots, "
        f"years {scenario.first_year}-{scenario.last_year}"
    )
    sys.exit(EXIT_OK)


@laa.command()
@click.argument("file", type=click.Path(dir_okay=True))
@click.option(
    "--arrangement",
    "-a",
    "arrangements",
    multiple=True,
    type=click.Choice(ARRANGEMENTS),
    help="Arrangement to plan (repeatable); default: the file's list, or all four.",
)
@format_option("table", "json", "csv", "xlsx", help="xlsx: a results workbook (needs --out).")
@out_option
@historic_option
@click.option(
    "--explain", is_flag=True, help="Also show shadow prices: what more money, or a relaxed rule, is worth."
)
@variant_option
@solver_option
@time_limit_option
@guarded
def run(
    file: str,
    arrangements: tuple[str, ...],
    fmt: str,
    out: str | None,
    historic: str | None,
    explain: bool,
    variant: str | None,
    solver: str,
    time_limit: float | None,
) -> None:
    """Plan a scenario under each arrangement and report the results."""
    if fmt == "xlsx" and not out:
        fail("--format xlsx writes a workbook: give --out FILE.xlsx")
    base = load(file, historic)
    scenario = base if variant is None else variant_scenario(base, variant)
    chosen = [Arrangement(a) for a in arrangements] or None
    plans = plan_all(scenario, chosen, solve_options(solver, time_limit))
    if fmt == "json":
        emit(to_json(results_document(scenario, plans, variant)), out)
    elif fmt == "csv":
        emit(allocation_csv(plans), out)
    elif fmt == "xlsx":
        emit(run_workbook(scenario, plans, solve_options(solver, time_limit)), out)
    else:
        text = plans_report(scenario, plans)
        if variant is not None:
            text = f"Variant {variant}: {find_variant(base, variant).name or variant}\n{text}"
        if explain:
            text += "\n" + "\n\n".join(prices_text(p) for p in plans) + "\n"
        emit(text, out)
    sys.exit(exit_code(plans))


laa.add_command(analysis.compare)
laa.add_command(analysis.freedoms)
laa.add_command(analysis.pooling_value)
laa.add_command(uncertainty.frontier)
laa.add_command(uncertainty.sweep_command)
laa.add_command(uncertainty.sensitivity_command)
laa.add_command(batch_commands.batch_command)
laa.add_command(batch_commands.history_command)
laa.add_command(batch_commands.drift_command)
laa.add_command(workbook.template)
laa.add_command(workbook.convert)
laa.add_command(report_command.report)
laa.add_command(serve_command.serve)
