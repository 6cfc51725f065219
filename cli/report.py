"""`laa report`: the negotiation meeting's HTML page."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import click
from laa.cli.common import (
    checked_out,
    emit,
    exit_code,
    force_out_option,
    guarded,
    historic_option,
    load,
    solve_options,
    solver_option,
    time_limit_option,
)
from laa.models.errors import InputError
from laa.models.scenario import Arrangement
from laa.scenarios.analysis.partners import partners
from laa.scenarios.analysis.sweep import DEFAULT_CHANGE
from laa.scenarios.analysis.variants import plan_variants
from laa.scenarios.report.build import SweepRequest, plan_each, prepare_report
from laa.scenarios.report.sections import report_html


@click.command("report")
@click.argument("file", type=click.Path(dir_okay=True))
@click.option(
    "--out",
    "-o",
    required=True,
    type=click.Path(dir_okay=False),
    help="The HTML file to write (atomically); an earlier report there is replaced, a scenario is not "
    "(see --force).",
)
@force_out_option
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
    type=click.IntRange(min=2, max=100),
    default=8,
    show_default=True,
    help="Values across the range, both ends included (0% is always added when in range).",
)
@click.option(
    "--partners",
    "with_partners",
    is_flag=True,
    help="Add the Partners section (laa partners: shares of the gains, own views, room to negotiate).",
)
@click.option(
    "--variants",
    "with_variants",
    is_flag=True,
    help="Add the Variants section: every variant in the file against the base (laa compare --variants).",
)
@click.option(
    "--robust",
    default=None,
    metavar="MEASURE",
    help="Choose the joint plans against draws of the uncertain evidence (as laa run --robust).",
)
@click.option("--draws", type=click.IntRange(min=1, max=100_000), default=None, help="With --robust (200).")
@click.option("--seed", type=int, default=None, help="With --robust: the draws' seed (0).")
@solver_option
@time_limit_option
@checked_out
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
    with_partners: bool,
    with_variants: bool,
    robust: str | None,
    draws: int | None,
    seed: int | None,
    solver: str,
    time_limit: float | None,
) -> None:
    """Write one self-contained HTML page comparing the arrangements, for a negotiation meeting.

    On a terminal a status line says what is under way (planning each arrangement, pricing the
    freedoms, each sweep step). Exit codes are those of `laa run`: 0 every arrangement planned, 2 the
    file cannot be planned, 3 some arrangement is infeasible (the page is still written), 4 some failed.
    """
    scenario = load(file, historic)
    if arrangement == Arrangement.HISTORIC.value and scenario.historic is None:
        raise InputError(
            "--arrangement historic: no historic allocation: add a 'historic' section or pass --historic "
            "FILE.csv"
        )
    if robust is None and (draws is not None or seed is not None):
        raise InputError("--draws and --seed go with --robust MEASURE")
    if robust is not None and with_variants:
        raise InputError("--variants are planned for the central estimate: leave out --robust or --variants")
    request = SweepRequest.read(scenario, sweep_stream, sweep_rule, sweep_change, sweep_steps)
    options = solve_options(solver, time_limit)
    chosen = scenario.arrangements_to_run()
    if arrangement is not None and Arrangement(arrangement) not in chosen:
        chosen.append(Arrangement(arrangement))
    with progress_line() as progress:
        if robust is None:
            plans = plan_each(scenario, chosen, options, progress)
        else:
            from laa.scenarios.analysis.robust import DEFAULT_DRAWS, plan_robustly

            progress(f"planning against {draws or DEFAULT_DRAWS} draws ({robust})")
            plans = plan_robustly(scenario, chosen, robust, draws or DEFAULT_DRAWS, seed or 0, options)
        gathered = prepare_report(
            scenario,
            plans,
            Arrangement(arrangement) if arrangement else None,
            freedoms_top,
            request,
            options,
            progress,
        )
        if with_partners:
            progress("working out the partners' view")
            gathered.partners = partners(scenario, options=options)
        if with_variants:
            progress("planning the variants")
            gathered.variants = plan_variants(scenario, chosen, options, plans)
        progress("writing the page")
        page = report_html(gathered)
    emit(page, out)
    sys.exit(exit_code(plans))


@contextmanager
def progress_line() -> Iterator[Callable[[str], None]]:
    """A status line on stderr when it is a terminal (what is under way, seconds so far); else nothing,
    so a report made under cron or into a log writes only its result."""
    if not sys.stderr.isatty():
        yield lambda _what: None
        return
    from rich.console import Console
    from rich.live import Live
    from rich.text import Text

    start = time.monotonic()
    console = Console(stderr=True)
    with Live(Text("laa report: starting"), console=console, transient=True) as live:

        def show(what: str) -> None:
            # drawn at once, not at the next tick: a step may be over before a tick comes
            live.update(Text(f"laa report: {what} ({time.monotonic() - start:.0f} s)"), refresh=True)

        yield show
    console.print(f"laa report: done in {time.monotonic() - start:.1f} s", highlight=False)
