"""Dask execution: the same tasks and reports as the local pool, on a Dask distributed cluster.

Each file is loaded by one Dask task, whose result (the parsed scenario)
stays in that worker's memory; each arrangement is then a task taking the
load's future as its argument, so Dask runs it where the scenario already
is and nothing is parsed twice. Results come back to this process, which
alone writes the ledger and the output folder, exactly as with local
workers. The file's bytes travel with the task, so workers on other
machines need the engine installed but no shared filesystem.

Deadlines: only as many tasks are submitted as the cluster has worker
threads, so a task starts when it is submitted and the deadline clock is
fair. The solver stops itself at `--timeout`; a case still running past the
`Deadline` (timeout plus grace) has its future cancelled and is recorded as
`timeout`. Dask cannot stop a running task, so the worker running it is
restarted (through its nanny, as `dask worker` and `LocalCluster` start
them); where that is not possible the thread stays busy until the solve
ends. The other cases that worker held get a fresh deadline, since they
were queued behind the stuck one; cases on other workers keep theirs. A
worker that dies is retried by Dask on another worker; a case that kills
workers repeatedly ends as `KilledWorker` and is recorded as `worker_died`.
A scheduler that goes away (killed, its machine lost) cancels every future:
the batch stops with `ClusterLost`, keeping what it recorded for `--resume`.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import CancelledError
from dataclasses import dataclass
from typing import Any

from distributed import Client, Future, KilledWorker, LocalCluster, WorkerPlugin, wait
from distributed.client import FuturesCancelledError
from distributed.comm import CommClosedError
from laa.models.errors import InputError, LaaError
from laa.models.scenario import Scenario
from laa.pooling.solving.solvers import SolveOptions
from laa.scenarios.batch.cases import (
    WHOLE_FILE,
    CaseResult,
    Deadline,
    Invalid,
    Loaded,
    Lost,
    Report,
    Task,
    import_engine,
    load_task,
    solve_case,
)

WORKERS_WAIT_SECONDS = 60


def solve_on_worker(
    loaded: tuple[Scenario | None, Loaded | Invalid],
    path: str,
    arrangement: str,
    options: SolveOptions,
    accounts: bool = False,
) -> CaseResult:
    """One case, from the scenario its file's load left in this worker's memory."""
    scenario = loaded[0]
    assert scenario is not None  # only a file that loaded has cases submitted
    return solve_case(scenario, path, arrangement, options, accounts=accounts)


# what a Dask worker does with a case: `solve_on_worker`; tests give a stand-in (a case that never ends)
Solve = Callable[[tuple[Scenario | None, Loaded | Invalid], str, str, SolveOptions, bool], CaseResult]


class ImportEngine(WorkerPlugin):
    """Imports the engine on every worker as it joins (a restarted one too), before it is given a case,
    so the seconds that takes are not charged to a case's deadline."""

    name = "laa-import-engine"

    def setup(self, worker: Any) -> None:
        """Import the engine (Dask calls this on each worker, and on each worker that joins later)."""
        import_engine()


class ClusterLost(LaaError):
    """The Dask scheduler went away part way through the batch: nothing more can run on it."""


@dataclass
class Pending:
    """A submitted future: a file's load (arrangement WHOLE_FILE) or one of its cases."""

    task: Task
    arrangement: str  # for a load, Task.loading_case: the case to charge if it is lost
    submitted: float
    load: Future | None = None  # for a case: the load it reads the scenario from


class DaskPool:
    """Runs a batch's tasks on a Dask cluster (a local one, or the scheduler given), as the local pool
    does on processes."""

    def __init__(
        self,
        jobs: int,
        options: SolveOptions,
        deadline: Deadline | None,
        scheduler: str | None,
        solve: Solve = solve_on_worker,
    ):
        self.jobs = jobs
        self.options = options
        self.deadline = deadline
        self.scheduler = scheduler
        self.solve = solve
        self.cluster: LocalCluster | None = None
        self.client: Client | None = None

    def start(self) -> None:
        """Connect (or start a local cluster) and wait for a worker; an address that fails is the user's."""
        try:
            if self.scheduler:
                self.client = Client(self.scheduler, timeout=WORKERS_WAIT_SECONDS)
            else:
                self.cluster = LocalCluster(
                    n_workers=self.jobs,
                    processes=True,
                    threads_per_worker=1,
                    host="127.0.0.1",
                    dashboard_address=None,
                    silence_logs=logging.ERROR,
                )
                self.client = Client(self.cluster)
            self.client.wait_for_workers(1, timeout=WORKERS_WAIT_SECONDS)
            self.client.register_plugin(ImportEngine(), name=ImportEngine.name)
        except (ValueError, OSError, TimeoutError) as exc:
            self.close()  # a local cluster started before the failure must not outlive the batch
            where = f"the Dask scheduler at {self.scheduler!r}" if self.scheduler else "a local Dask cluster"
            raise InputError(f"cannot use {where}: {exc}") from None

    def run(self, tasks: Iterable[Task]) -> Iterator[Report]:
        """Run the tasks on the cluster, as many at once as it has threads, yielding each report as it
        arrives; a case past the deadline or on a worker that died is reported as lost, and a scheduler
        that goes away is a ClusterLost."""
        try:
            yield from self._run(tasks)
        except (FuturesCancelledError, CancelledError, CommClosedError, OSError) as exc:
            raise ClusterLost(f"lost {self._where()} part way through the batch ({_why(exc)})") from None

    def _where(self) -> str:
        return f"the Dask scheduler at {self.scheduler}" if self.scheduler else "the local Dask cluster"

    def _run(self, tasks: Iterable[Task]) -> Iterator[Report]:
        assert self.client is not None
        client = self.client
        slots = max(1, sum(client.nthreads().values()))
        ready: deque[tuple[Task, str, Future | None]] = deque((t, t.loading_case(), None) for t in tasks)
        running: dict[Future, Pending] = {}
        while ready or running:
            while ready and len(running) < slots:
                task, arrangement, load = ready.popleft()
                future: Future[Any]
                if load is None:
                    future = client.submit(load_task, task, pure=False)
                else:
                    future = client.submit(
                        self.solve, load, task.path, arrangement, self.options, task.partners, pure=False
                    )
                running[future] = Pending(task, arrangement, time.monotonic(), load)
            started = [p.submitted for p in running.values()]
            due = None if self.deadline is None else self.deadline.wait(started, time.monotonic())
            try:
                finished = wait(list(running), timeout=due, return_when="FIRST_COMPLETED").done
            except TimeoutError:  # Dask's wait raises when nothing finished in time: a deadline is due
                finished = set()
            for future in finished:
                pending = running.pop(future)
                yield from self._finished(future, pending, ready)
            yield from self._expire(running, ready)

    def _finished(
        self, future: Future, pending: Pending, ready: deque[tuple[Task, str, Future | None]]
    ) -> Iterator[Report]:
        waited = time.monotonic() - pending.submitted
        error = future.exception() if future.status == "error" else None
        if error is not None:
            yield Report(_lost(pending, error), waited)
            if pending.load is None:
                self._load_rest(pending, ready)
            return
        if pending.load is not None:
            yield Report(future.result(), waited)
            return
        _, message = future.result()
        yield Report(message, waited)
        if isinstance(message, Loaded):
            # the file's cases go first, so its scenario leaves worker memory soon: once the last of
            # them is back, nothing refers to the load's future and Dask frees it
            todo = pending.task.todo(message.arrangements)
            ready.extendleft(reversed([(pending.task, a, future) for a in todo]))

    @staticmethod
    def _load_rest(pending: Pending, ready: deque[tuple[Task, str, Future | None]]) -> None:
        """After a lost reload, charged to its first case, load the file again for the cases after it."""
        if pending.arrangement == WHOLE_FILE or pending.task.arrangements is None:
            return
        rest = pending.task.rest_after(pending.arrangement, list(pending.task.arrangements))
        if rest is not None:
            ready.append((rest, rest.loading_case(), None))

    def _expire(
        self, running: dict[Future, Pending], ready: deque[tuple[Task, str, Future | None]]
    ) -> Iterator[Report]:
        """Cancel the cases past the deadline and restart the workers still running them."""
        if self.deadline is None:
            return
        now = time.monotonic()
        expired = [f for f, p in running.items() if now - p.submitted >= self.deadline.seconds]
        if not expired:
            return
        assert self.client is not None
        keys = {f.key for f in expired}
        held = {w: set(k) for w, k in self.client.processing().items()}
        stuck = [w for w, k in held.items() if keys & k]
        for future in expired:
            pending = running.pop(future)
            future.cancel()
            yield Report(
                Lost(pending.task.path, pending.arrangement, "timeout", self.deadline.reason()),
                now - pending.submitted,
            )
            if pending.load is None:
                self._load_rest(pending, ready)
        if stuck:
            # a cancelled task keeps its thread until it ends; a restarted worker is free at once
            with contextlib.suppress(Exception):  # a worker without a nanny cannot be restarted
                self.client.restart_workers(stuck, raise_for_error=False)
            restarted = time.monotonic()
            queued = set().union(*(held[w] for w in stuck))
            for future, pending in running.items():  # they were queued behind the stuck thread
                if future.key in queued:
                    pending.submitted = restarted

    def close(self) -> None:
        """Disconnect, and shut down a local cluster this pool started (a scheduler already gone is no
        reason to fail: there is nothing left to close)."""
        with contextlib.suppress(Exception):
            if self.client is not None:
                self.client.close(timeout=WORKERS_WAIT_SECONDS)
        if self.cluster is not None:
            self.cluster.close()
        self.client = self.cluster = None

    def kill(self) -> None:
        """Stop at once (closing is as quick as it gets with Dask).

        The batch is ending on an error of its own (a lost scheduler, a full
        disk) or Ctrl-C, which it reports: Dask's loggers are silenced first,
        for closing a client whose scheduler has gone logs the cancelled
        reconnection as an error with a traceback, from its own thread, after
        `close` has returned.
        """
        for name in [n for n in logging.root.manager.loggerDict if n.split(".")[0] == "distributed"]:
            logging.getLogger(name).setLevel(logging.CRITICAL)
        self.close()


def _lost(pending: Pending, error: Any) -> Lost:
    if isinstance(error, KilledWorker):
        return Lost(
            pending.task.path, pending.arrangement, "worker_died", f"Dask workers died running it: {error}"
        )
    return Lost(pending.task.path, pending.arrangement, "error", f"{type(error).__name__}: {error}")


def _why(exc: BaseException) -> str:
    """The reason Dask gives for cancelling the futures (`scheduler-connection-lost`), else the error."""
    reasons = [line.split("reason:", 1)[1] for line in str(exc).splitlines() if "reason:" in line]
    return reasons[0].strip(" .") if reasons else f"{type(exc).__name__}: {exc}"
