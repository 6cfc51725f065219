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
fair. A case past `--timeout` has its future cancelled and is recorded as
`timeout`. Dask cannot stop a running task, so the worker running it is
restarted (through its nanny, as `dask worker` and `LocalCluster` start
them); where that is not possible the thread stays busy until the
solver's own time limit (set to the same `--timeout`) ends the solve.
The cases still in flight get a fresh deadline, since they may have
waited behind the stuck one. A worker that dies is retried by Dask
on another worker; a case that kills workers repeatedly ends as
`KilledWorker` and is recorded as `worker_died`.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from distributed import Client, Future, KilledWorker, LocalCluster, wait

from models.scenario import Scenario
from pooling.solvers import SolveOptions
from scenarios.batch_cases import (
    WHOLE_FILE,
    CaseResult,
    Invalid,
    Loaded,
    Lost,
    Report,
    Task,
    load_task,
    solve_case,
)

WORKERS_WAIT_SECONDS = 60


def load_on_worker(task: Task) -> tuple[Loaded | Invalid, Scenario | None]:
    scenario, message = load_task(task)
    return message, scenario


def solve_on_worker(
    loaded: tuple[Loaded | Invalid, Scenario | None], path: str, arrangement: str, options: SolveOptions
) -> CaseResult:
    scenario = loaded[1]
    assert scenario is not None  # only a file that loaded has cases submitted
    return solve_case(scenario, path, arrangement, options)


@dataclass
class Pending:
    """A submitted future: a file's load (arrangement WHOLE_FILE) or one of its cases."""

    task: Task
    arrangement: str
    submitted: float
    load: Future | None = None  # for a case: the load it reads the scenario from


class DaskPool:
    def __init__(self, jobs: int, options: SolveOptions, timeout: float | None, scheduler: str | None):
        self.jobs = jobs
        self.options = options
        self.timeout = timeout
        self.scheduler = scheduler
        self.cluster: LocalCluster | None = None
        self.client: Client | None = None

    def start(self) -> None:
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

    def run(self, tasks: Iterable[Task]) -> Iterator[Report]:
        assert self.client is not None
        client = self.client
        slots = max(1, sum(client.nthreads().values()))
        ready: deque[tuple[Task, str, Future | None]] = deque((t, WHOLE_FILE, None) for t in tasks)
        running: dict[Future, Pending] = {}
        cases_left: dict[Future, int] = {}  # load future -> its cases not yet back
        while ready or running:
            while ready and len(running) < slots:
                task, arrangement, load = ready.popleft()
                if arrangement == WHOLE_FILE:
                    future = client.submit(load_on_worker, task, pure=False)
                else:
                    future = client.submit(
                        solve_on_worker, load, task.path, arrangement, self.options, pure=False
                    )
                running[future] = Pending(task, arrangement, time.monotonic(), load)
            try:
                finished = wait(
                    list(running), timeout=self._until_next_deadline(running), return_when="FIRST_COMPLETED"
                ).done
            except TimeoutError:  # Dask's wait raises when nothing finished in time: a deadline is due
                finished = set()
            for future in finished:
                pending = running.pop(future)
                yield from self._finished(future, pending, ready, cases_left)
            yield from self._expire(running, cases_left)

    def _until_next_deadline(self, running: dict[Future, Pending]) -> float | None:
        if self.timeout is None or not running:
            return None
        first = min(p.submitted for p in running.values())
        return max(0.01, first + self.timeout - time.monotonic())

    def _finished(
        self,
        future: Future,
        pending: Pending,
        ready: deque[tuple[Task, str, Future | None]],
        cases_left: dict[Future, int],
    ) -> Iterator[Report]:
        waited = time.monotonic() - pending.submitted
        error = future.exception() if future.status == "error" else None
        if pending.arrangement != WHOLE_FILE and pending.load is not None:
            self._case_back(pending.load, cases_left)
        if error is not None:
            yield Report(_lost(pending, error), waited)
            return
        if pending.arrangement != WHOLE_FILE:
            yield Report(future.result(), waited)
            return
        message, _ = future.result()
        yield Report(message, waited)
        if isinstance(message, Loaded):
            todo = [a for a in message.arrangements if a not in pending.task.done]
            if todo:
                cases_left[future] = len(todo)
                # the file's cases go first, so its scenario leaves worker memory soon
                ready.extendleft(reversed([(pending.task, a, future) for a in todo]))

    def _case_back(self, load: Future, cases_left: dict[Future, int]) -> None:
        cases_left[load] -= 1
        if not cases_left[load]:
            del cases_left[load]  # the last reference: Dask frees the scenario on the worker

    def _expire(self, running: dict[Future, Pending], cases_left: dict[Future, int]) -> Iterator[Report]:
        """Cancel the cases past the deadline and restart the workers still running them."""
        if self.timeout is None:
            return
        now = time.monotonic()
        expired = [f for f, p in running.items() if now - p.submitted >= self.timeout]
        if not expired:
            return
        assert self.client is not None
        keys = {f.key for f in expired}
        stuck = [w for w, held in self.client.processing().items() if keys & set(held)]
        for future in expired:
            pending = running.pop(future)
            future.cancel()
            if pending.load is not None:
                self._case_back(pending.load, cases_left)
            reason = f"abandoned after {self.timeout:g} s (--timeout)"
            yield Report(
                Lost(pending.task.path, pending.arrangement, "timeout", reason), now - pending.submitted
            )
        if stuck:
            # a cancelled task keeps its thread until it ends; a restarted worker is free at once
            with contextlib.suppress(Exception):  # a worker without a nanny cannot be restarted
                self.client.restart_workers(stuck, raise_for_error=False)
            restarted = time.monotonic()
            for pending in running.values():  # they may have queued behind the stuck thread
                pending.submitted = restarted

    def close(self) -> None:
        if self.client is not None:
            self.client.close()
        if self.cluster is not None:
            self.cluster.close()
        self.client = self.cluster = None

    def kill(self) -> None:
        self.close()


def _lost(pending: Pending, error: Any) -> Lost:
    if isinstance(error, KilledWorker):
        return Lost(
            pending.task.path, pending.arrangement, "worker_died", f"Dask workers died running it: {error}"
        )
    return Lost(pending.task.path, pending.arrangement, "error", f"{type(error).__name__}: {error}")
