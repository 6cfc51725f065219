"""`laa frontier`, `laa sweep`, `laa sensitivity`: plans that hold when the evidence moves."""

from __future__ import annotations

import json

import click
from laa.cli.common import (
    emit,
    fail,
    format_option,
    guarded,
    load,
    out_option,
    solve_options,
    solver_option,
    time_limit_option,
)
from laa.cli.progress import progress_bar
from laa.models.scenario import Arrangement
from laa.scenarios.analysis.frontier import frontier_text, pooling_frontier
from laa.scenarios.analysis.sensitivity import SOLVABLE, WORKERS_WORTH_SECONDS, sensitivity, sensitivity_text
from laa.scenarios.analysis.sweep import DEFAULT_CHANGE, parse_range, sweep, sweep_text
from laa.scenarios.formats import Document, format_version
from laa.scenarios.outputs.sweep_sheet import sweep_workbook


@click.command()
@click.argument("file", type=click.Path(dir_okay=True))
@click.option(
    "--steps",
    type=click.IntRange(min=1, max=100),
    default=10,
    show_default=True,
    help="Equal steps from nothing pooled to all poolable money (10%, 25% and 50% are always added).",
)
@click.option(
    "--robust",
    is_flag=True,
    help="Instead: the central score against cvar:ALPHA for ALPHA from 1 down to 0.05 (docs/uncertainty.md).",
)
@click.option("--draws", type=click.IntRange(min=1, max=100_000), default=200, show_default=True)
@click.option("--seed", type=int, default=0, show_default=True, help="With --robust: the draws' seed.")
@click.option(
    "--arrangement",
    "-a",
    type=click.Choice(["aligned", "pooled"]),
    default="aligned",
    show_default=True,
    help="With --robust: the plan drawn.",
)
@format_option("table", "json")
@out_option
@solver_option
@guarded
def frontier(
    file: str,
    steps: int,
    robust: bool,
    draws: int,
    seed: int,
    arrangement: str,
    fmt: str,
    out: str | None,
    solver: str,
) -> None:
    """Score against the share of poolable money pooled, each step optimal (or with --robust, the
    central score against the mean of the worst draws)."""
    scenario = load(file)
    if robust:
        from laa.scenarios.analysis.robust_frontier import robust_frontier, robust_frontier_text

        options = solve_options(solver, None)
        chosen = Arrangement(arrangement)
        with progress_bar("frontier") as advance:
            found = robust_frontier(scenario, chosen, draws, seed, options=options, advance=advance)
        if fmt == "json":
            emit(json.dumps(found.to_dict(), indent=1, allow_nan=False) + "\n", out)
        else:
            emit(robust_frontier_text(scenario, found), out)
        return
    result = pooling_frontier(scenario, steps, solve_options(solver, None))
    if fmt == "json":
        emit(json.dumps(result.to_dict(), indent=1, allow_nan=False) + "\n", out)
    else:
        emit(frontier_text(scenario, result), out)


@click.command("sweep")
@click.argument("file", type=click.Path(dir_okay=True))
@click.option("--stream", default=None, help="Stream whose amounts move (every year alike).")
@click.option("--rule", default=None, help="Rule whose share, amount or match ratio moves.")
@click.option(
    "--change", "change", default=DEFAULT_CHANGE, show_default=True, help="Range of the change, in %."
)
@click.option(
    "--steps",
    type=click.IntRange(min=2, max=200),
    default=5,
    show_default=True,
    help="Values across the range, both ends included (0% is always added when in range).",
)
@click.option(
    "--arrangement",
    "-a",
    "arrangements",
    multiple=True,
    type=click.Choice([a.value for a in Arrangement if a is not Arrangement.HISTORIC]),
    help="Arrangement to re-plan (repeatable); default: the file's list.",
)
@format_option("table", "json", "xlsx", help="xlsx: a workbook with a Sweep sheet (needs --out).")
@out_option
@solver_option
@time_limit_option
@guarded
def sweep_command(
    file: str,
    stream: str | None,
    rule: str | None,
    change: str,
    steps: int,
    arrangements: tuple[str, ...],
    fmt: str,
    out: str | None,
    solver: str,
    time_limit: float | None,
) -> None:
    """Re-plan as a stream's amounts or a rule's value move across a range."""
    if fmt == "xlsx" and not out:
        fail("--format xlsx writes a workbook: give --out FILE.xlsx")
    scenario = load(file)
    low, high = parse_range(change)
    chosen = [Arrangement(a) for a in arrangements] or None
    found = sweep(scenario, low, high, steps, stream, rule, chosen, solve_options(solver, time_limit))
    if fmt == "json":
        doc = {
            "format_version": format_version(Document.SWEEP),
            "scenario": scenario.name,
            "sweep": {"stream": stream, "rule": rule, "steps": [s.to_dict() for s in found]},
        }
        emit(json.dumps(doc, indent=1, allow_nan=False) + "\n", out)
    elif fmt == "xlsx":
        emit(sweep_workbook(scenario, found, stream, rule), out)
    else:
        emit(sweep_text(scenario, found, stream, rule), out)


@click.command("sensitivity")
@click.argument("file", type=click.Path(dir_okay=True))
@click.option("--draws", type=click.IntRange(min=1, max=100_000), default=200, show_default=True)
@click.option("--seed", type=int, default=0, show_default=True, help="The same seed gives the same report.")
@click.option(
    "--arrangement",
    "-a",
    "arrangements",
    multiple=True,
    type=click.Choice([a.value for a in SOLVABLE]),
    help="Arrangement to draw (repeatable).",
)
@click.option(  # the spelling before every command said --arrangement; kept so old scripts still run
    "--arrangements",
    "old_arrangements",
    multiple=True,
    type=click.Choice([a.value for a in SOLVABLE]),
    hidden=True,
)
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes; default: this process alone, or one per core when the draws would take it "
    f"over {WORKERS_WORTH_SECONDS:g} s.",
)
@format_option("table", "json")
@out_option
@guarded
def sensitivity_command(
    file: str,
    draws: int,
    seed: int,
    arrangements: tuple[str, ...],
    old_arrangements: tuple[str, ...],
    jobs: int | None,
    fmt: str,
    out: str | None,
) -> None:
    """Re-plan under random draws of effects and amounts: score spread and the chance each option is best."""
    scenario = load(file)
    chosen = [Arrangement(a) for a in (*arrangements, *old_arrangements)] or None
    with progress_bar("sensitivity") as advance:
        result = sensitivity(scenario, draws, seed, chosen, jobs, advance=advance)
    if fmt == "json":
        emit(json.dumps(result.to_dict(), indent=1, allow_nan=False) + "\n", out)
    else:
        emit(sensitivity_text(scenario, result), out)
