"""One scenario file's cases as a worker runs them, and the messages a worker sends back.

A case is (scenario file, arrangement). A worker is handed a `Task`: the
file's bytes (read and hashed once by the batch), the arrangements still to
do, and whether the ledger wants a copy of the parsed input. It loads the
scenario once and yields a `Loaded` (or `Invalid`), then one `CaseResult`
per arrangement in order, so the batch can commit each case as it finishes
and knows which case is running if the worker overruns or dies.

This module also holds what both executors and the batch share: the case
statuses and their groups, the exit codes, and the case deadline.

The bytes travel with the task rather than the path so that what is solved
is exactly what was hashed (a file saved again mid-run cannot slip a
different plan under the old hash) and so Dask workers on other machines
need no shared filesystem.
"""

from __future__ import annotations

import importlib
import json
import time
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from laa.models.errors import LaaError
from laa.models.load import load_scenario_bytes
from laa.models.scenario import Arrangement, Scenario
from laa.scenarios.batch.variant_cases import split_case, with_variant_cases

if TYPE_CHECKING:  # the engine is imported where a case is solved: every `laa` command reads the exit codes
    from laa.pooling.plans.plan import Plan
    from laa.pooling.solving.solvers import SolveOptions

# the arrangement column of a case that never reached an arrangement (an unreadable file)
WHOLE_FILE = "-"

# case statuses: a plan's own, plus those the batch gives (see scenarios.batch)
SOLVED = frozenset({"optimal", "evaluated"})
INFEASIBLE = frozenset({"infeasible"})
FAILED = frozenset({"error", "time_limit", "unreliable", "timeout", "worker_died"})
INVALID = "invalid"

# every `laa` command's exit codes; here because scenarios must not import laa.cli (cli.common re-exports)
EXIT_OK, EXIT_INVALID, EXIT_INFEASIBLE, EXIT_FAILED = 0, 2, 3, 4
# `laa batch` only: it stopped once its run had begun (ledger or output disk, Dask scheduler); --resume
EXIT_STOPPED = 5


MIN_GRACE_SECONDS = 30.0


@dataclass(frozen=True)
class Deadline:
    """When the batch stops a case itself: `--timeout` (the solver's own limit) plus a grace period.

    The solver stops cleanly at `timeout` and its plan is recorded as
    `time_limit`, exactly as `laa run --time-limit` would give. Only a case
    still running `grace` later (a solve that ignores its limit, a file that
    takes that long to load) has its worker stopped and is recorded as
    `timeout`. The clock starts when the case is handed out, before the
    model is built, so the grace also covers building and writing the record:
    at least 30 s, since a large area's model takes seconds of CPU to build,
    and many times that on a machine busier than it has cores (a plan the
    solver stopped itself is worth keeping; a killed case has none).
    """

    timeout: float
    grace: float

    @classmethod
    def after(cls, timeout: float) -> Deadline:
        """The deadline for `--timeout` seconds: the solver's own limit plus 20% (at least 30 s) of grace."""
        return cls(timeout, max(MIN_GRACE_SECONDS, 0.2 * timeout))

    @property
    def seconds(self) -> float:
        """How long a case may run before its worker is stopped: the timeout plus the grace."""
        return self.timeout + self.grace

    def reason(self) -> str:
        """The message recorded for a case abandoned at the deadline."""
        return f"abandoned after {self.seconds:g} s: the solver did not stop at --timeout {self.timeout:g} s"

    def wait(self, started: Iterable[float], now: float) -> float | None:
        """Seconds until the first of the cases started at `started` is due; None if none is running."""
        first = min(started, default=None)
        return None if first is None else max(0.0, first + self.seconds - now)


@dataclass(frozen=True)
class Task:
    """A scenario file's remaining cases, as sent to a worker."""

    path: str
    name: str  # the file's name, which the loader uses in its located messages
    data: bytes
    # None: the file's own list (or all four). Always given once any case is done, so the
    # case a lost reload belongs to is known (`loading_case`)
    arrangements: tuple[str, ...] | None
    done: frozenset[str] = frozenset()
    want_input: bool = True
    variants: bool = False  # `laa batch --variants`: each variant of the file is a case per arrangement
    partners: bool = False  # `laa batch --partners`: each record carries every funder's account

    def todo(self, order: list[str]) -> list[str]:
        """The file's arrangements, in order, not yet done."""
        return [a for a in order if a not in self.done]

    def loading_case(self) -> str:
        """The case to record if the worker is lost while loading the file.

        A first load has no case yet: the loss is the file's (WHOLE_FILE). A
        reload, of the rest of a file whose earlier cases are recorded, is
        charged to the first case not yet done, so the file's recorded
        arrangements are never replaced by a whole-file row and the cases
        after it still run.
        """
        if not self.done or self.arrangements is None:
            return WHOLE_FILE
        return self.todo(list(self.arrangements))[0]

    def rest_after(self, arrangement: str, order: list[str]) -> Task | None:
        """The same file with `arrangement` and everything before it marked done; None if nothing is left."""
        finished = set(self.done) | set(order[: order.index(arrangement) + 1])
        if finished >= set(order):
            return None
        return replace(self, arrangements=tuple(order), done=frozenset(finished), want_input=False)


@dataclass(frozen=True)
class Loaded:
    """A scenario file a worker loaded: the arrangements it runs and its parsed content for the ledger."""

    path: str
    scenario: str
    arrangements: list[str]  # every arrangement the file runs, in order, done ones included
    seconds: float
    input_blob: bytes | None = None  # zlib-compressed canonical JSON of the parsed scenario


@dataclass(frozen=True)
class Invalid:
    """A scenario file that could not be loaded, with the located message saying why."""

    path: str
    message: str
    seconds: float


@dataclass(frozen=True)
class CaseResult:
    """One finished arrangement: what the ledger keeps, and its record for the results document."""

    path: str
    arrangement: str
    status: str
    score: float | None
    targets_met: int | None
    message: str
    solve_seconds: float  # planning the arrangement, as `laa run` would
    record_seconds: float  # turning the plan into its results-document record
    record_text: str  # json.dumps(plan_record(plan), indent=1)
    outcome_spend: dict[str, float] = field(default_factory=dict)
    breaches: int | None = None  # rules and limits the plan breaks (a silo plan may); None: no figures


@dataclass(frozen=True)
class Lost:
    """A case whose worker overran the deadline or died: recorded by the batch, not the worker."""

    path: str
    arrangement: str  # WHOLE_FILE when the file was still loading
    status: str  # "timeout" or "worker_died"
    message: str


Message = Loaded | Invalid | CaseResult
Event = Message | Lost


@dataclass(frozen=True)
class Report:
    """An event and how long the batch waited for it (wall clock, since the case began)."""

    event: Event
    waited: float


def chosen_arrangements(scenario: Scenario, wanted: tuple[str, ...] | None) -> list[str]:
    """The arrangements asked for on the command line, or else those the file asks for."""
    if wanted:
        return list(wanted)
    return [a.value for a in scenario.arrangements_to_run()]


def load_task(task: Task) -> tuple[Scenario | None, Loaded | Invalid]:
    """Parse the task's bytes under the file's own name, so error messages name the user's file."""
    started = time.perf_counter()
    try:
        scenario = load_scenario_bytes(task.data, task.name)
    except LaaError as exc:
        return None, Invalid(task.path, str(exc), time.perf_counter() - started)
    except Exception as exc:  # a file the loader chokes on is that file's problem, not the batch's
        text = f"{task.name}: cannot be read: {type(exc).__name__}: {exc}"
        return None, Invalid(task.path, text, time.perf_counter() - started)
    blob = canonical_input(scenario) if task.want_input else None
    cases = chosen_arrangements(scenario, task.arrangements)
    loaded = Loaded(
        task.path,
        scenario.name,
        with_variant_cases(scenario, cases) if task.variants else cases,
        time.perf_counter() - started,
        blob,
    )
    return scenario, loaded


def canonical_input(scenario: Scenario) -> bytes:
    """The parsed scenario as sorted JSON, compressed: what drift compares between two runs."""
    text = json.dumps(scenario.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return zlib.compress(text.encode("utf-8"), 6)


def solve_case(
    scenario: Scenario,
    path: str,
    arrangement: str,
    options: SolveOptions,
    earlier: list[Plan] | None = None,
    accounts: bool = False,
) -> CaseResult:
    """Plan one arrangement and make its record; never raises, so one case cannot stop a batch.

    `earlier`: the file's plans so far in this worker, which this one joins and is checked against
    (`pooling.selfcheck.checked_run`: an optimal plan below aligned or pooled is an error), as
    `laa run` checks its plans.
    """
    from laa.scenarios.analysis.arrangements import plan_arrangement
    from laa.scenarios.outputs.results import empty_record, plan_record

    started = time.perf_counter()
    plan = plan_arrangement(scenario, Arrangement(split_case(arrangement)[1]), options)
    if earlier is not None:
        from laa.pooling.plans.selfcheck import checked_run

        earlier.append(plan)
        earlier[:] = checked_run(earlier)
        plan = earlier[-1]
    solved = time.perf_counter()
    status, message = plan.status.value, plan.message
    try:
        record = plan_record(plan)
        if accounts and plan.has_numbers:  # laa batch --partners: pooled money badged back (MODEL.md)
            from laa.scenarios.analysis.badges import plan_accounts

            record["accounts"] = [a.to_record() for a in plan_accounts(plan)]
        text = json.dumps(record, indent=1, allow_nan=False)
    except Exception as exc:  # e.g. a non-finite number the document may not hold
        status, message = "error", f"the results record could not be written: {type(exc).__name__}: {exc}"
        record = empty_record(arrangement, status, message)
        text = json.dumps(record, indent=1)
    spend = {o["id"]: o["spend"] for o in record["outcomes"]}
    breaches = len(record["violations"]) if record["money"] is not None else None
    return CaseResult(
        path,
        arrangement,
        status,
        record["score"],
        record["targets_met"],
        message,
        solved - started,
        time.perf_counter() - solved,
        text,
        spend,
        breaches,
    )


# what solving a case imports (see solve_case and run_task), for a worker to import before its first case
ENGINE_MODULES = (
    "laa.scenarios.analysis.arrangements",
    "laa.scenarios.outputs.results",
    "laa.pooling.plans.selfcheck",
    "laa.scenarios.analysis.badges",
    "laa.models.variants",
)


def import_engine() -> None:
    """Import the engine a case needs now, so the time it takes is not charged to the first case."""
    for module in ENGINE_MODULES:
        importlib.import_module(module)


def run_task(task: Task, options: SolveOptions) -> Iterator[Message]:
    """Load once, then every case not yet done, in the file's order (a variant's on its scenario)."""
    scenario, first = load_task(task)
    yield first
    if scenario is None or not isinstance(first, Loaded):
        return
    from laa.models.variants import variant_scenario

    planned: dict[str | None, tuple[Scenario, list[Plan]]] = {None: (scenario, [])}
    for key in task.todo(first.arrangements):
        variant = split_case(key)[0]
        if variant is not None and variant not in planned:  # its changes were checked when the file loaded
            planned[variant] = (variant_scenario(scenario, variant), [])
        on, earlier = planned[variant]
        yield solve_case(on, task.path, key, options, earlier, task.partners)
