"""`laa compare`, `laa freedoms`, `laa pooling-value`: the negotiator's questions."""

from __future__ import annotations

import json
import sys

import click
from laa.cli.common import (
    emit,
    exit_code,
    format_option,
    guarded,
    load,
    out_option,
    priorities_option,
    solve_options,
    solver_option,
    time_limit_option,
)
from laa.models.scenario import Arrangement
from laa.pooling.solving.priorities import DEFAULT_PRIORITIES, Priority
from laa.scenarios.analysis.arrangements import plan_all
from laa.scenarios.analysis.compare import comparison_document, comparison_text
from laa.scenarios.analysis.freedoms import (
    FREEDOM_ARRANGEMENTS,
    freedoms_text,
    pooling_value_text,
    rank_freedoms,
    value_of_pooling,
)
from laa.scenarios.analysis.priority_cost import priority_cost_document, priority_cost_text, priority_costs
from laa.scenarios.analysis.variants import (
    all_plans,
    plan_variants,
    variants_document,
    variants_text,
)
from laa.scenarios.outputs.comparison_csv import comparison_csv, variants_csv


@click.command()
@click.argument("file", type=click.Path(dir_okay=True))
@format_option("table", "json", "csv")
@out_option
@click.option(
    "--variants",
    "variants",
    is_flag=True,
    help="The base and every variant in the file side by side, each with its change from the base.",
)
@solver_option
@time_limit_option
@priorities_option
@guarded
def compare(
    file: str,
    fmt: str,
    out: str | None,
    variants: bool,
    solver: str,
    time_limit: float | None,
    priorities: tuple[Priority, ...] | None,
) -> None:
    """One row per arrangement: targets met, reward, money lost, rules broken and score, against silo and
    aligned; then the outcomes the arrangements disagree on most.

    With --priorities other than the default, each arrangement is planned for both orders and a
    table says what the user's order costs in score and gains in targets and reward.

    Exit codes as `laa run`: 0 every arrangement solved, 2 the file cannot be planned, 3 some arrangement
    is infeasible, 4 some failed (solver error, time limit or unreliable).
    """
    scenario = load(file)
    if variants:
        planned = plan_variants(scenario, None, solve_options(solver, time_limit, priorities))
        if fmt == "json":
            emit(json.dumps(variants_document(scenario, planned), indent=1, allow_nan=False) + "\n", out)
        elif fmt == "csv":
            emit(variants_csv(planned), out)
        else:
            emit(variants_text(scenario, planned), out)
        sys.exit(exit_code(all_plans(planned)))
    plans = plan_all(scenario, None, solve_options(solver, time_limit, priorities))
    costs = None
    if priorities is not None and priorities != DEFAULT_PRIORITIES:
        default = plan_all(scenario, None, solve_options(solver, time_limit))
        costs = priority_costs(default, plans)
    if fmt == "json":
        document = comparison_document(scenario, plans)
        if costs is not None and priorities is not None:
            document["priority_cost"] = priority_cost_document(priorities, costs)
        emit(json.dumps(document, indent=1, allow_nan=False) + "\n", out)
    elif fmt == "csv":
        emit(comparison_csv(plans), out)
    else:
        text = comparison_text(scenario, plans)
        if costs is not None and priorities is not None:
            text += "\n" + priority_cost_text(priorities, costs) + "\n"
        emit(text, out)
    sys.exit(exit_code(plans))


@click.command()
@click.argument("file", type=click.Path(dir_okay=True))
@click.option(
    "--arrangement",
    "-a",
    type=click.Choice([a.value for a in FREEDOM_ARRANGEMENTS]),
    default="aligned",
    show_default=True,
    help="The plan the freedoms are priced on.",
)
@click.option(
    "--top",
    type=click.IntRange(min=0),
    default=5,
    show_default=True,
    help="How many of the best asks to re-solve for their exact gain.",
)
@format_option("table", "json")
@out_option
@solver_option
@guarded
def freedoms(file: str, arrangement: str, top: int, fmt: str, out: str | None, solver: str) -> None:
    """Rank the freedoms worth asking for: eligibility limits lifted and rules relaxed.

    The top asks are re-solved with the freedom granted: the exact score gained, the targets met and the
    reward earned or risked, and which outcomes move from what to what.
    """
    scenario = load(file)
    asks = rank_freedoms(scenario, Arrangement(arrangement), top, solve_options(solver, None))
    if fmt == "json":
        emit(json.dumps([a.to_dict() for a in asks], indent=1, allow_nan=False) + "\n", out)
        return
    emit(freedoms_text(scenario, arrangement, asks, top), out)


@click.command("pooling-value")
@click.argument("file", type=click.Path(dir_okay=True))
@format_option("table", "json")
@out_option
@solver_option
@guarded
def pooling_value(file: str, fmt: str, out: str | None, solver: str) -> None:
    """Pooling's gain over aligned in parts that add up to it: each ring-fence or eligibility limit it lifts,
    its lower overhead less set-up, and the interactions."""
    scenario = load(file)
    value = value_of_pooling(scenario, solve_options(solver, None))
    if fmt == "json":
        emit(json.dumps(value.to_dict(), indent=1, allow_nan=False) + "\n", out)
        return
    emit(pooling_value_text(scenario, value), out)
