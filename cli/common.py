"""What every command shares: loading a file or failing cleanly, exit codes, writing output.

Exit codes: 0 every arrangement solved, 2 the input cannot be planned,
3 some arrangement is infeasible (its record still written), 4 some
arrangement failed (solver error, time limit, or unreliable: the file's
money spans more than a solver can see at once). They are defined beside
the batch's case statuses (scenarios.batch_cases), which `laa batch` maps
onto them, because scenarios/ must not import cli/.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click
from laa.models.doubts import doubts
from laa.models.errors import InputError, LaaError, ScenarioError
from laa.models.load import load_scenario
from laa.models.visible import printable
from laa.scenarios.batch.cases import EXIT_FAILED, EXIT_INFEASIBLE, EXIT_INVALID, EXIT_OK
from laa.scenarios.outputs.atomic import destination, write_atomic

# The engine (pandas, numpy, highspy, pulp) is imported where a command first needs it, not here:
# `laa validate` imports this module and starts in a fraction of the 0.5 s the engine takes (issue 15).
if TYPE_CHECKING:
    from laa.models.scenario import Scenario
    from laa.pooling.plans.plan import Plan
    from laa.pooling.solving.priorities import Priority
    from laa.pooling.solving.solvers import SolveOptions


def say(text: str, err: bool = False, nl: bool = True) -> None:
    """Print for a person: a control or bidi character from a file (a name's carriage return, a
    right-to-left override) is shown escaped (`\\r`, `\\u202e`), never sent to the terminal to act."""
    click.echo(printable(text), err=err, nl=nl)


def fail(message: str, code: int = EXIT_INVALID) -> NoReturn:
    """Say what went wrong on stderr and exit with `code` (invalid input by default): never a traceback."""
    say(message, err=True)
    sys.exit(code)


def guarded(command: Callable[..., Any]) -> Callable[..., Any]:
    """Turn the project's errors into a message and an exit code; never a traceback."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except ScenarioError as exc:
            fail(str(exc), EXIT_INVALID)
        except InputError as exc:
            fail(f"error: {exc}", EXIT_INVALID)
        except LaaError as exc:
            fail(f"error: {exc}", EXIT_FAILED)
        except (OSError, MemoryError, RecursionError) as exc:
            fail(f"error: {type(exc).__name__}: {exc}", EXIT_FAILED)

    return wrapper


def load(path: str, historic: str | None = None) -> Scenario:
    """The scenario file, with the allocation of a `--historic` CSV in place of its own if given;
    what may still be wrong with a valid file (amounts typed in £m) is said on stderr."""
    scenario = load_scenario(Path(path))
    for doubt in doubts(scenario):
        click.echo(f"warning: {path}: {doubt}", err=True)
    if historic:
        from laa.scenarios.analysis.historic import read_historic_csv

        scenario = scenario.model_copy(update={"historic": read_historic_csv(Path(historic), scenario)})
    return scenario


def solve_options(
    solver: str, time_limit: float | None, priorities: tuple[Priority, ...] | None = None
) -> SolveOptions:
    """The solver, time limit (seconds; None: no limit) and priorities a command was given."""
    from laa.pooling.solving.priorities import DEFAULT_PRIORITIES
    from laa.pooling.solving.solvers import SolveOptions, SolverName

    return SolveOptions(
        solver=SolverName(solver), time_limit=time_limit, priorities=priorities or DEFAULT_PRIORITIES
    )


def _priorities(ctx: click.Context, param: click.Parameter, value: str | None) -> tuple[Priority, ...] | None:
    """`--priorities` read as priorities, or a usage error naming what is allowed."""
    if value is None:
        return None
    from laa.models.errors import LaaError
    from laa.pooling.solving.priorities import parse_priorities

    try:
        return parse_priorities(value)
    except LaaError as error:
        raise click.BadParameter(str(error), ctx=ctx, param=param) from None


priorities_option = click.option(
    "--priorities",
    default=None,
    callback=_priorities,
    metavar="LIST",
    help="What the plan is chosen for among equally good ones, in order (default score,targets,reward): "
    "score, then the most targets met, then the most reward. reward,score chases the reward grant first. "
    "The results document's 'choice' says what was used.",
)


def exit_code(plans: list[Plan]) -> int:
    """The command's exit code: failed when any plan errored, ran out of time or could not be trusted
    (unreliable), else infeasible when any has no plan, else ok; a batch job can act on it without
    reading the output."""
    from laa.pooling.plans.plan import PlanStatus

    statuses = {p.status for p in plans}
    if statuses & {PlanStatus.ERROR, PlanStatus.TIME_LIMIT, PlanStatus.UNRELIABLE}:
        return EXIT_FAILED
    if PlanStatus.INFEASIBLE in statuses:
        return EXIT_INFEASIBLE
    return EXIT_OK


def emit(content: str | bytes, out: str | None) -> None:
    """Print, or write atomically to `out`; a workbook's bytes only ever go to a file.

    Printed, a file's control and bidi characters are shown escaped (`say`: printed JSON still
    parses to the same data); written to `out`, the content is kept as it is."""
    if out:
        write_atomic(out, content)
        say(f"wrote {out}", err=True)
    elif isinstance(content, bytes):
        fail("a workbook cannot be printed: give --out FILE.xlsx")
    else:
        say(content, nl=False)


def format_option(*choices: str, help: str | None = None) -> Callable[[Any], Any]:
    """`--format`, the first choice the default: every command reads its output form the same way."""
    return click.option(
        "--format", "fmt", type=click.Choice(list(choices)), default=choices[0], show_default=True, help=help
    )


def _usable_out(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """`--out` checked before any work is done: its folder exists, and it can hold a file."""
    if value is not None:
        try:
            destination(Path(value))
        except InputError as exc:
            raise click.BadParameter(str(exc), ctx, param) from None
    return value


INPUTS = ("file", "historic")  # the parameters that name what a command reads (see `checked_out`)
FORCE = "laa.force"  # where `--force` is kept in the command's context


def _remember_force(ctx: click.Context, param: click.Parameter, value: bool) -> bool:
    ctx.meta[FORCE] = value
    return value


def force_option(help: str) -> Callable[[Any], Any]:
    """`--force`: replace a file that would otherwise be kept (never one the command reads)."""
    return click.option("--force", is_flag=True, expose_value=False, callback=_remember_force, help=help)


def forced() -> bool:
    """Whether the running command was given `--force`."""
    ctx = click.get_current_context(silent=True)
    return bool(ctx is not None and ctx.meta.get(FORCE))


def checked_out(command: Callable[..., Any]) -> Callable[..., Any]:
    """Refuse `--out`, before any work is done, where it would replace a file the command reads or,
    without `--force`, a scenario (`scenarios.outputs.existing`); an earlier result is replaced."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        out = kwargs.get("out")
        if out:
            from laa.scenarios.outputs.existing import check_replace

            try:
                check_replace(Path(out), [kwargs[n] for n in INPUTS if kwargs.get(n)], forced())
            except InputError as exc:
                fail(f"error: {exc}")
        return command(*args, **kwargs)

    return wrapper


_out = click.option(
    "--out",
    "-o",
    type=click.Path(dir_okay=False),
    default=None,
    callback=_usable_out,
    help="Write to this file (atomically) instead of standard output; its folder must exist. "
    "A link is kept: the file it points to is replaced. An earlier result there is replaced; a scenario "
    "is not (see --force).",
)
force_out_option = force_option(
    "Replace the --out file even when it holds a scenario (a workbook with a Streams sheet, YAML, a JSON "
    "scenario); the file the command reads is never replaced."
)


def out_option(command: Callable[..., Any]) -> Callable[..., Any]:
    """`--out FILE` and its `--force`: every command replaces files by one rule (`checked_out`)."""
    return _out(force_out_option(checked_out(command)))


historic_option = click.option(
    "--historic",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help="CSV of stream,outcome,year,amount to evaluate as the historic arrangement.",
)


def __getattr__(name: str) -> Any:
    """`solver_option`, made when a command's module first imports it: its choices are the solvers the
    engine has (`SolverName`), and importing the engine is what `laa validate` must not pay for."""
    if name != "solver_option":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from laa.pooling.solving.solvers import SolverName

    option = click.option(
        "--solver",
        type=click.Choice([s.value for s in SolverName]),
        default="highs",
        show_default=True,
        help="HiGHS (default) or CBC.",
    )
    globals()[name] = option
    return option


variant_option = click.option(
    "--variant",
    default=None,
    help="Plan this variant of the file (its id in the file's variants section) instead of the base.",
)
# long enough for any real area (the largest benchmark's slowest solve, silo at XL, takes under a minute),
# short enough that a file far beyond any area ends with a time_limit record instead of running all night
DEFAULT_TIME_LIMIT = 600.0
time_limit_option = click.option(
    "--time-limit",
    type=click.FloatRange(min=0.1),
    default=DEFAULT_TIME_LIMIT,
    help=f"Seconds each solve may take (default {DEFAULT_TIME_LIMIT:g}); a plan past it is reported as "
    "time_limit (exit 4). Raise it for a scenario far larger than an area's.",
)
