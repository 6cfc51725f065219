"""Stand-ins for a worker's work, importable by spawned workers: a case that can never finish.

A case that is merely slow (a large generated area) finishes on a fast or idle machine and
misses a short deadline on a loaded one; a stand-in that sleeps for ever can only be ended by
the batch, so a test of the deadline (or of a worker dying with its batch) cannot pass by luck.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

from laa.models.scenario import Scenario
from laa.pooling.solving.solvers import SolveOptions
from laa.scenarios.batch.cases import CaseResult, Invalid, Loaded, Message, Task, run_task
from laa.scenarios.batch.dask_executor import solve_on_worker

from tests.scenarios.batch.helpers import TWO_STREAMS

STUCK = "stuck.yaml"  # a task of this name loads, then its one case never returns


def stuck_task() -> Task:
    """A task for `stuck.yaml`: a real scenario (two_streams), so a Dask worker loads it before its case."""
    return Task(STUCK, STUCK, TWO_STREAMS.read_bytes(), ("optimal",))


def stuck_or_real(task: Task, options: SolveOptions) -> Iterator[Message]:
    """A task named `stuck.yaml` loads at once and then hangs in its case; any other task really runs."""
    if task.name != STUCK:
        yield from run_task(task, options)
        return
    yield Loaded(task.path, "stuck", ["optimal"], 0.0)
    while True:
        time.sleep(60)


def stuck_or_solved(
    loaded: tuple[Scenario | None, Loaded | Invalid],
    path: str,
    arrangement: str,
    options: SolveOptions,
    accounts: bool = False,
) -> CaseResult:
    """On a Dask worker: the case of `stuck.yaml` never returns; any other is really solved."""
    while path == STUCK:
        time.sleep(60)
    return solve_on_worker(loaded, path, arrangement, options, accounts)
