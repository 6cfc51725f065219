"""`laa report`: the negotiation meeting's HTML page."""

from __future__ import annotations

import sys

import click
from laa.cli.common import (
    emit,
    exit_code,
    guarded,
    historic_option,
    load,
    solve_options,
    solver_option,
    time_limit_option,
)
from laa.models.errors import InputError
from laa.models.scenario import Arrangement
from laa.scenarios.analysis.arrangements import plan_all
from laa.scenarios.analysis.sweep import DEFAULT_CHANGE
from laa.scenarios.analysis.variants import plan_variants
from laa.scenarios.report.build import SweepRequest, prepare_report
from laa.scenarios.report.sections import report_html


@click.command("report")
@click.argument("file", type=click.Path(dir_okay=True))
@click.option(
    "--out",
    "-o",
    required=True,
    type=click.Path(dir_okay=False),
    help="The HTML file to write (atomically).",
)
@click.option(
    "--arrangement",
    "-a",
    type=click.Choice([a.value for a in Arrangement]),
    default=None,
    help="The plan whose money flows are drawn; default: the best-scoring feasible one.",
)
@historic_option
@click.option(
    "--freedoms",
    "freedoms_top",
    type=click.IntRange(min=0, max=50),
    default=5,
    show_default=True,
    help="How many of the best freedoms to re-solve for their exact gain; 0 leaves freedoms out.",
)
@click.option("--sweep-stream", default=None, help="Also plot the score as this stream's amounts move.")
@click.option("--sweep-rule", default=None, help="Also plot the score as this rule's value moves.")
@click.option("--sweep-change", default=None, help=f"Range of the sweep, in %  [default: {DEFAULT_CHANGE}]")
@click.option(
    "--sweep-steps",
    type=click.IntRange(min=1, max=100),
    default=8,
    show_default=True,
    help="Equal steps across the range.",
)
@click.option(
    "--variants",
    "with_variants",
    is_flag=True,
    help="Add the Variants section: every variant in the file against the base (laa compare --variants).",
)
@solver_option
@time_limit_option
@guarded
def report(
    file: str,
    out: str,
    arrangement: str | None,
    historic: str | None,
    freedoms_top: int,
    sweep_stream: str | None,
    sweep_rule: str | None,
    sweep_change: str | None,
    sweep_steps: int,
    with_variants: bool,
    solver: str,
    time_limit: float | None,
) -> None:
    """Write one self-contained HTML page comparing the arrangements, for a negotiation meeting."""
    scenario = load(file, historic)
    if arrangement == Arrangement.HISTORIC.value and scenario.historic is None:
        raise InputError(
            "--arrangement historic: no historic allocation: add a 'historic' section or pass --historic "
            "FILE.csv"
        )
    request = SweepRequest.read(scenario, sweep_stream, sweep_rule, sweep_change, sweep_steps)
    options = solve_options(solver, time_limit)
    chosen = scenario.arrangements_to_run()
    if arrangement is not None and Arrangement(arrangement) not in chosen:
        chosen.append(Arrangement(arrangement))
    plans = plan_all(scenario, chosen, options)
    gathered = prepare_report(
        scenario, plans, Arrangement(arrangement) if arrangement else None, freedoms_top, request, options
    )
    if with_variants:
        gathered.variants = plan_variants(scenario, chosen, options, plans)
    emit(report_html(gathered), out)
    sys.exit(exit_code(plans))
