"""`laa frontier`, `laa sweep`, `laa sensitivity`: plans that hold when the evidence moves."""

from __future__ import annotations

import json

import click

from cli.common import emit, guarded, load, solve_options, solver_option
from scenarios.frontier import frontier_text, pooling_frontier

out_option = click.option(
    "--out",
    "-o",
    type=click.Path(dir_okay=False),
    default=None,
    help="Write to this file (atomically) instead of standard output.",
)


@click.command()
@click.argument("file", type=click.Path(dir_okay=True))
@click.option(
    "--steps",
    type=click.IntRange(min=1, max=100),
    default=10,
    show_default=True,
    help="Equal steps from nothing pooled to all poolable money (10%, 25% and 50% are always added).",
)
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@out_option
@solver_option
@guarded
def frontier(file: str, steps: int, fmt: str, out: str | None, solver: str) -> None:
    """Score against the share of poolable money pooled, each step optimal."""
    scenario = load(file)
    result = pooling_frontier(scenario, steps, solve_options(solver, None))
    if fmt == "json":
        emit(json.dumps(result.to_dict(), indent=1, allow_nan=False) + "\n", out)
    else:
        emit(frontier_text(scenario, result), out)
