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
    solve_options,
    solver_option,
    time_limit_option,
)
from laa.models.scenario import Arrangement
from laa.scenarios.analysis.arrangements import plan_all
from laa.scenarios.analysis.compare import comparison_csv, comparison_document, comparison_text
from laa.scenarios.analysis.freedoms import FREEDOM_ARRANGEMENTS, rank_freedoms, value_of_pooling
from laa.scenarios.analysis.table import grid
from laa.scenarios.analysis.variants import (
    all_plans,
    plan_variants,
    variants_csv,
    variants_document,
    variants_text,
)


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
@guarded
def compare(
    file: str, fmt: str, out: str | None, variants: bool, solver: str, time_limit: float | None
) -> None:
    """One row per arrangement: score, targets, reward, overhead, set-up, lapsed money, gains."""
    scenario = load(file)
    if variants:
        planned = plan_variants(scenario, None, solve_options(solver, time_limit))
        if fmt == "json":
            emit(json.dumps(variants_document(scenario, planned), indent=1, allow_nan=False) + "\n", out)
        elif fmt == "csv":
            emit(variants_csv(planned), out)
        else:
            emit(variants_text(scenario, planned), out)
        sys.exit(exit_code(all_plans(planned)))
    plans = plan_all(scenario, None, solve_options(solver, time_limit))
    if fmt == "json":
        emit(json.dumps(comparison_document(scenario, plans), indent=1, allow_nan=False) + "\n", out)
    elif fmt == "csv":
        emit(comparison_csv(plans), out)
    else:
        emit(comparison_text(scenario, plans), out)
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
    """Rank the freedoms worth asking for: eligibility limits lifted and rules relaxed."""
    scenario = load(file)
    asks = rank_freedoms(scenario, Arrangement(arrangement), top, solve_options(solver, None))
    if fmt == "json":
        emit(json.dumps([a.to_dict() for a in asks], indent=1, allow_nan=False) + "\n", out)
        return
    rows = [
        [str(i), a.kind, f"{a.per_million:.4f}", "-" if a.gain is None else f"{a.gain:+.4f}", a.ask]
        for i, a in enumerate(asks[: max(top, 10)], start=1)
    ]
    head = (
        f"{scenario.name}: freedoms on the {arrangement} plan, best first "
        f"({len(asks)} with a positive marginal value; exact gain re-solved for the top {top})\n\n"
    )
    body = (
        grid(["#", "kind", "per £1m", "gain", "ask"], rows, right={0, 2, 3})
        if rows
        else "(none: no limit binds)"
    )
    emit(head + body + "\n", out)


@click.command("pooling-value")
@click.argument("file", type=click.Path(dir_okay=True))
@format_option("table", "json")
@out_option
@solver_option
@guarded
def pooling_value(file: str, fmt: str, out: str | None, solver: str) -> None:
    """How much of the pooled-over-aligned gain each lifted ring-fence or eligibility limit explains."""
    scenario = load(file)
    total, gains = value_of_pooling(scenario, solve_options(solver, None))
    if fmt == "json":
        doc = {"pooling_gain": total, "limits": [g.to_dict() for g in gains]}
        emit(json.dumps(doc, indent=1, allow_nan=False) + "\n", out)
        return
    rows = [
        [
            g.kind,
            g.id,
            g.pot,
            "-" if g.gain is None else f"{g.gain:+.4f}",
            "-" if g.share_of_pooling_gain is None else f"{g.share_of_pooling_gain:.0%}",
            g.text,
        ]
        for g in gains
    ]
    shown = "infeasible" if total is None else f"{total:+.4f}"
    head = (
        f"{scenario.name}: pooling gains {shown} score over aligned. "
        "Each limit lifted alone in the aligned plan:\n\n"
    )
    emit(head + grid(["kind", "id", "pot", "gain", "share", "what"], rows, right={3, 4}) + "\n", out)
