"""`laa run`: plan a scenario under each arrangement and report the results.

Its own module, so that the engine it imports is loaded only when a plan is
asked for (`laa --help` and `laa validate` do not pay for it; issue 15).
"""

from __future__ import annotations

import sys

import click
from laa.cli.common import (
    emit,
    exit_code,
    fail,
    format_option,
    guarded,
    historic_option,
    load,
    out_option,
    priorities_option,
    solve_options,
    solver_option,
    time_limit_option,
    variant_option,
)
from laa.models.scenario import Arrangement
from laa.models.variants import find_variant, variant_scenario
from laa.pooling.solving.priorities import Priority
from laa.scenarios.analysis.arrangements import plan_all
from laa.scenarios.analysis.explain import prices_text
from laa.scenarios.analysis.table import plans_report
from laa.scenarios.outputs.csvout import allocation_csv
from laa.scenarios.outputs.results import results_document, to_json

ARRANGEMENTS = [a.value for a in Arrangement]


@click.command()
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
@click.option(
    "--robust",
    default=None,
    metavar="MEASURE",
    help="Choose the joint plans against draws of the uncertain evidence: mean, cvar:ALPHA or targets:P.",
)
@click.option("--draws", type=click.IntRange(min=1, max=100_000), default=None, help="With --robust (200).")
@click.option("--seed", type=int, default=None, help="With --robust: the draws' seed (0).")
@solver_option
@time_limit_option
@priorities_option
@guarded
def run(
    file: str,
    arrangements: tuple[str, ...],
    fmt: str,
    out: str | None,
    historic: str | None,
    explain: bool,
    variant: str | None,
    robust: str | None,
    draws: int | None,
    seed: int | None,
    solver: str,
    time_limit: float | None,
    priorities: tuple[Priority, ...] | None,
) -> None:
    """Plan a scenario under each arrangement and report the results.

    \b
    Exit codes:
      0  every arrangement planned
      2  the file cannot be planned (every problem on stderr)
      3  some arrangement is infeasible (its record is still written, with why)
      4  some arrangement failed (solver error, time limit, or unreliable: the file's money
         spans more than a solver can see at once, the two figures named)
    """
    if fmt == "xlsx" and not out:
        fail("--format xlsx writes a workbook: give --out FILE.xlsx")
    base = load(file, historic)
    scenario = base if variant is None else variant_scenario(base, variant)
    chosen = [Arrangement(a) for a in arrangements] or None
    if robust is None and (draws is not None or seed is not None):
        fail("--draws and --seed go with --robust MEASURE")
    if robust is None:
        plans = plan_all(scenario, chosen, solve_options(solver, time_limit, priorities))
    else:
        from laa.cli.progress import progress_bar
        from laa.scenarios.analysis.robust import DEFAULT_DRAWS, plan_robustly

        options = solve_options(solver, time_limit, priorities)
        with progress_bar("run") as advance:
            n = draws or DEFAULT_DRAWS
            plans = plan_robustly(scenario, chosen, robust, n, seed or 0, options, advance=advance)
    if fmt == "json":
        emit(to_json(results_document(scenario, plans, variant)), out)
    elif fmt == "csv":
        emit(allocation_csv(plans), out)
    elif fmt == "xlsx":  # the workbook's modules (openpyxl: 0.1 s) only when a workbook is asked for
        from laa.scenarios.analysis.negotiation import negotiation_figures
        from laa.scenarios.outputs.results_workbook import RunInfo, results_workbook

        options = solve_options(solver, time_limit, priorities)
        figures = negotiation_figures(scenario, plans, options=options)
        names = ", ".join(p.arrangement.value for p in plans)
        planned = {"arrangements": names, "variant": variant or "none"}
        info = RunInfo.of(file, options, planned, historic)
        emit(results_workbook(scenario, plans, figures, info), out)
    else:
        text = plans_report(scenario, plans)
        if variant is not None:
            text = f"Variant {variant}: {find_variant(base, variant).name or variant}\n{text}"
        if explain:
            text += "\n" + "\n\n".join(prices_text(p) for p in plans) + "\n"
        if robust is not None:
            from laa.scenarios.analysis.robust import robust_heading, robust_text

            text = robust_heading(plans) + text + "\n" + robust_text(scenario, plans)
        emit(text, out)
    sys.exit(exit_code(plans))

