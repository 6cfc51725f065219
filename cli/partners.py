"""`laa partners`: each partner's side of the plans, for the table where the deal is struck."""

from __future__ import annotations

import sys

import click
from laa.cli.common import (
    EXIT_INFEASIBLE,
    EXIT_OK,
    emit,
    exit_code,
    fail,
    format_option,
    guarded,
    load,
    out_option,
    time_limit_option,
)
from laa.models.scenario import Arrangement
from laa.pooling.solving.solvers import SolveOptions
from laa.scenarios.analysis.partners import (
    DEFAULT_EPSILON,
    FAIR_ARRANGEMENTS,
    partners,
    partners_document,
    to_json,
)
from laa.scenarios.analysis.partners_table import partners_text
from laa.scenarios.analysis.shapley import EXACT_UP_TO
from laa.scenarios.outputs.results_workbook import RunInfo, results_workbook


@click.command("partners")
@click.argument("file", type=click.Path(dir_okay=True))
@click.option(
    "--arrangement",
    "-a",
    "arrangements",
    multiple=True,
    type=click.Choice([a.value for a in FAIR_ARRANGEMENTS]),
    help="Arrangement whose fair plan and room to negotiate are worked out (repeatable); "
    "default: aligned and pooled. Optimal keeps its own choice of what to pool.",
)
@click.option(
    "--epsilon",
    type=click.FloatRange(min=0.0, max=1.0, max_open=True),
    default=DEFAULT_EPSILON,
    show_default=True,
    help="How much of the optimum's score the fair plan and the ranges may give up (0.01: 1%).",
)
@click.option(
    "--orders",
    type=click.IntRange(min=2),
    default=None,
    help=f"Estimate the Shapley shares from this many random orders of the partners (default: exact up "
    f"to {EXACT_UP_TO} partners, 200 orders beyond).",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the random orders.")
@format_option("table", "json", "xlsx", help="xlsx: a results workbook with the partners' sheets (--out).")
@out_option
@time_limit_option
@guarded
def partners_command(
    file: str,
    arrangements: tuple[str, ...],
    epsilon: float,
    orders: int | None,
    seed: int,
    fmt: str,
    out: str | None,
    time_limit: float | None,
) -> None:
    """What each partner puts in and gets out, who gains from aligning and pooling, and a fairer plan.

    Shares of the gains are Shapley values over coalition plans (MODEL.md, Partners); the plans are
    re-solved in place with HiGHS.
    """
    if fmt == "xlsx" and not out:
        fail("--format xlsx writes a workbook: give --out FILE.xlsx")
    scenario = load(file)
    chosen = [Arrangement(a) for a in arrangements] or [Arrangement.ALIGNED, Arrangement.POOLED]
    options = SolveOptions(time_limit=time_limit)
    result = partners(scenario, chosen, epsilon, orders, seed, options)
    plans = list(result.plans.values())
    code = exit_code(plans)
    if code == EXIT_OK and not (result.aligning.defined and result.pooling.defined):
        code = EXIT_INFEASIBLE  # a coalition's plan is infeasible: the result names it
    if fmt == "json":
        emit(to_json(partners_document(result)), out)
    elif fmt == "xlsx":
        asked = {
            "arrangements": ", ".join(a.value for a in result.arrangements),
            "epsilon": f"{epsilon:g}",
            "shapley": "exact" if orders is None else f"{orders} random orders, seed {seed}",
        }
        emit(results_workbook(scenario, plans, info=RunInfo.of(file, options, asked), partners=result), out)
    else:
        emit(partners_text(result), out)
    sys.exit(code)
