"""`laa batch`, `laa history`, `laa drift`: nightly runs of many scenarios, and what changed since."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from laa.cli.common import DEFAULT_TIME_LIMIT, EXIT_INVALID, fail, format_option, guarded, say, solver_option
from laa.models.scenario import Arrangement
from laa.models.visible import printable
from laa.pooling.solving.solvers import SolverName
from laa.scenarios.analysis.table import grid
from laa.scenarios.batch.cases import EXIT_STOPPED
from laa.scenarios.batch.drift import drift, drift_text
from laa.scenarios.batch.ledger import Ledger
from laa.scenarios.batch.run import (
    BatchOptions,
    BatchStopped,
    CaseLine,
    Progress,
    display_name,
    grouped,
    run_batch,
)

DEFAULT_LEDGER = "laa-ledger.sqlite"

ledger_option = click.option(
    "--ledger",
    type=click.Path(dir_okay=False, path_type=Path),
    default=DEFAULT_LEDGER,
    envvar="LAA_LEDGER",
    show_default=True,
    help="The run ledger (SQLite); also read from LAA_LEDGER.",
)


@contextmanager
def progress_display(cwd: Path) -> Iterator[Progress]:
    """A live bar on a terminal; one line per case otherwise (cron mail, log files)."""
    if not sys.stderr.isatty():

        def log(done: int, total: int, case: CaseLine) -> None:
            score = "-" if case.score is None else f"{case.score:.3f}"
            say(
                f"[{done}/{total}] {display_name(case.path, cwd)} {case.arrangement} {case.status_text} "
                f"{score} {case.seconds:.2f}s",
                err=True,
            )

        yield log
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True), transient=False) as bar:
        task = bar.add_task("cases", total=None)

        def show(done: int, total: int, case: CaseLine) -> None:
            label = f"{display_name(case.path, cwd)} {case.arrangement}: {case.status_text}"
            bar.update(task, completed=done, total=total, description=printable(label[:60]))

        yield show


@click.command("batch")
@click.argument("paths", nargs=-1, required=True)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes (Dask: local workers); default: the cores this process may use.",
)
@click.option(
    "--out",
    "-o",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder for results documents and summary.csv/json; default: laa-runs/run-N beside the ledger.",
)
@ledger_option
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.1),
    default=DEFAULT_TIME_LIMIT,
    help=f"The solver's time limit per case in seconds (default {DEFAULT_TIME_LIMIT:g}), as laa run "
    "--time-limit (a plan past it is time_limit); a case still running 30 s or 20% later (whichever "
    "is longer), such as a file that takes that long to load, is stopped and recorded as timeout.",
)
@click.option("--resume", is_flag=True, help="Finish the last interrupted run with these options.")
@click.option(
    "--arrangement",
    "-a",
    "arrangements",
    multiple=True,
    type=click.Choice([a.value for a in Arrangement]),
    help="Arrangement to plan in every file (repeatable); default: each file's list, or all four.",
)
@click.option(
    "--variants",
    is_flag=True,
    help="Also run each variant in the files (their variants section) as cases of their own.",
)
@click.option(
    "--partners",
    is_flag=True,
    help="Add every funder's account to each record: money in, into pots, overhead, set-up, lapsed, "
    "spent and score bought, pooled money badged back (as laa partners gives them).",
)
@click.option("--executor", type=click.Choice(["local", "dask"]), default="local", show_default=True)
@click.option(
    "--scheduler",
    default=None,
    help="Dask scheduler address (tcp://host:8786); without it, --executor dask starts a local cluster.",
)
@solver_option
@guarded
def batch_command(
    paths: tuple[str, ...],
    jobs: int | None,
    out: Path | None,
    ledger: Path,
    timeout: float,
    resume: bool,
    arrangements: tuple[str, ...],
    variants: bool,
    partners: bool,
    executor: str,
    scheduler: str | None,
    solver: str,
) -> None:
    """Run every case (scenario file x arrangement) of the files, folders and globs given.

    Each case's results document and ledger row is kept as it finishes; exit 0 when every
    case solved, 3 when some were infeasible, 4 when some failed, 2 when every file is invalid
    (or the batch cannot start: another batch is using the ledger, say), 5 when it stopped part way
    (its ledger's disk full, the Dask scheduler lost): finish that run with --resume.
    """
    if scheduler and executor != "dask":
        fail("--scheduler needs --executor dask", EXIT_INVALID)
    options = BatchOptions(
        paths=paths,
        ledger=ledger,
        out=out,
        jobs=jobs or len(os.sched_getaffinity(0)),
        timeout=timeout,
        resume=resume,
        arrangements=arrangements,
        solver=SolverName(solver),
        executor=executor,
        scheduler=scheduler,
        variants=variants,
        partners=partners,
    )
    cwd = Path.cwd()
    try:
        with progress_display(cwd) as progress:
            result = run_batch(options, progress, cwd)
    except KeyboardInterrupt:
        fail(
            "interrupted: the cases recorded so far are kept; finish with the same command and --resume", 130
        )
    except BatchStopped as exc:
        fail(f"error: {exc}", EXIT_STOPPED)
    for warning in result.warnings:
        say(f"warning: {warning}", err=True)
    say(f"{result.summary_line}; results in {result.out_dir}", err=True)
    sys.exit(result.exit_code)


@click.command("history")
@ledger_option
@format_option("table", "json")
@guarded
def history_command(ledger: Path, fmt: str) -> None:
    """List the ledger's runs: when, how many cases, how they ended, with which options."""
    if not ledger.exists():
        fail(f"no ledger at {ledger}: run `laa batch` first (or pass --ledger)", EXIT_INVALID)
    with Ledger(ledger, read_only=True) as book:
        runs = [(run, book.status_counts(run.id)) for run in book.runs()]
    if fmt == "json":
        doc = [
            {
                "run": r.id,
                "started_at": r.started_at,
                "ended_at": r.ended_at,
                "exit_code": r.exit_code,
                "statuses": counts,
                "options": r.options,
                "engine": r.engine,
                "out_dir": r.out_dir,
            }
            for r, counts in runs
        ]
        say(json.dumps(doc, indent=1))
        return
    rows = []
    for r, statuses in runs:
        counts = grouped(statuses)
        options = f"{' '.join(r.options['paths'])} jobs={r.options['jobs']} {r.options['executor']}"
        if r.options.get("timeout"):
            options += f" timeout={r.options['timeout']:g}"
        rows.append(
            [
                str(r.id),
                r.started_at,
                r.ended_at or "(interrupted)",
                str(counts["cases"]),
                str(counts["solved"]),
                str(counts["infeasible"]),
                str(counts["failed"]),
                str(counts["invalid"]),
                "-" if r.exit_code is None else str(r.exit_code),
                options[:60],
            ]
        )
    headers = [
        "run",
        "started",
        "ended",
        "cases",
        "solved",
        "infeasible",
        "failed",
        "invalid",
        "exit",
        "options",
    ]
    say(grid(headers, rows, right={0, 3, 4, 5, 6, 7, 8}) if rows else "(no runs yet)")


@click.command("drift")
@click.argument("run_a", type=int, required=False)
@click.argument("run_b", type=int, required=False)
@ledger_option
@click.option(
    "--threshold",
    type=click.FloatRange(min=0),
    default=1e-6,
    show_default=True,
    help="Smallest score change reported.",
)
@click.option(
    "--money",
    type=click.FloatRange(min=0),
    default=None,
    help="Smallest change in an outcome's spend reported, in £ [default: each area's solver dust, the "
    "solver's tolerance in the unit of money it plans the area in, at least £1, as every output uses].",
)
@format_option("table", "json")
@guarded
def drift_command(
    run_a: int | None, run_b: int | None, ledger: Path, threshold: float, money: float | None, fmt: str
) -> None:
    """What changed between two runs (default: the last two), and the input changes that explain it."""
    if not ledger.exists():
        fail(f"no ledger at {ledger}: run `laa batch` first (or pass --ledger)", EXIT_INVALID)
    with Ledger(ledger, read_only=True) as book:
        report = drift(book, run_a, run_b, threshold, money)
    if fmt == "json":
        say(json.dumps(report.to_dict(), indent=1, allow_nan=False))
    else:
        say(drift_text(report, Path.cwd()), nl=False)
