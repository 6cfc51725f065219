"""`laa report`: the negotiation meeting's HTML page."""

from __future__ import annotations

import sys

import click

from cli.common import exit_code, guarded, load, solve_options, solver_option, time_limit_option
from models.errors import InputError
from models.scenario import Arrangement
from scenarios.arrangements import plan_all
from scenarios.output import write_atomic
from scenarios.report import SweepRequest, check_sweep, prepare_report, report_html
from scenarios.sweep import parse_range


def _sweep_request(
    stream: str | None, rule: str | None, change: str | None, steps: int
) -> SweepRequest | None:
    if stream is None and rule is None:
        if change is not None:
            raise InputError("--sweep-change: give --sweep-stream or --sweep-rule to say what moves")
        return None
    try:
        low, high = parse_range(change or "-20%..+20%")
    except InputError as exc:  # sweep's own message names `laa sweep`'s option
        raise InputError(str(exc).replace("--change", "--sweep-change", 1)) from None
    return SweepRequest(stream, rule, low, high, steps)


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
@click.option("--sweep-change", default=None, help="Range of the sweep, in %  [default: -20%..+20%]")
@click.option(
    "--sweep-steps",
    type=click.IntRange(min=1, max=100),
    default=8,
    show_default=True,
    help="Equal steps across the range.",
)
@solver_option
@time_limit_option
@guarded
def report(
    file: str,
    out: str,
    arrangement: str | None,
    freedoms_top: int,
    sweep_stream: str | None,
    sweep_rule: str | None,
    sweep_change: str | None,
    sweep_steps: int,
    solver: str,
    time_limit: float | None,
) -> None:
    """Write one self-contained HTML page comparing the arrangements, for a negotiation meeting."""
    scenario = load(file)
    request = _sweep_request(sweep_stream, sweep_rule, sweep_change, sweep_steps)
    if request is not None:
        check_sweep(scenario, request)
    options = solve_options(solver, time_limit)
    chosen = scenario.arrangements_to_run()
    if arrangement is not None and Arrangement(arrangement) not in chosen:
        chosen.append(Arrangement(arrangement))
    plans = plan_all(scenario, chosen, options)
    gathered = prepare_report(
        scenario, plans, Arrangement(arrangement) if arrangement else None, freedoms_top, request, options
    )
    write_atomic(out, report_html(gathered))
    click.echo(f"wrote {out}", err=True)
    sys.exit(exit_code(plans))
