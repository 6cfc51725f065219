"""Local execution: long-lived worker processes, one pipe each, a wall-clock deadline per case.

Why our own processes rather than `ProcessPoolExecutor`: the batch must
stop a case that overruns its deadline (`Deadline`: the solver's own limit
plus grace) and carry on. An executor cannot kill one task
(a running future cannot be cancelled), and a worker that dies breaks the
whole executor, failing every queued future. Here each worker is a
`multiprocessing` process with its own pipe, so the batch knows which case
each one is running, kills exactly the one past its deadline (or notices
exactly the one that died), records that case, starts a replacement and
hands the rest of that file to the next free worker.

Workers are spawned, not forked (HiGHS runs a thread pool, and a forked
child can inherit its locks held), and live for the whole batch, so the
imports are paid once per worker. A new worker says `READY` once imported;
only then is it given work, so its start-up never counts against a case's
deadline. A worker ignores Ctrl-C (the batch decides how to stop) and
leaves when its pipe closes. A worker reads its pipe only between cases, so
it also dies with the batch process itself (`die_with`): a batch killed
with `kill -9` leaves no worker running on in a solve that may never end.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess

from laa.models.errors import LaaError
from laa.pooling.solving.solvers import SolveOptions
from laa.scenarios.batch.cases import (
    WHOLE_FILE,
    CaseResult,
    Deadline,
    Invalid,
    Loaded,
    Lost,
    Message,
    Report,
    Task,
    import_engine,
    run_task,
)

READY, TASK_DONE = "ready", "done"
MAX_FAILED_STARTS = 3  # workers that die before they are ready: the installation is broken, stop
PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
WATCH_SECONDS = 1.0  # how often a worker without PR_SET_PDEATHSIG checks that its batch is alive

# what a worker does with a task: `run_task`; tests give a stand-in (a case that never ends, say)
Work = Callable[[Task, SolveOptions], Iterable[Message]]


def serve(conn: Connection, options: SolveOptions, batch_pid: int, work: Work = run_task) -> None:
    """A worker's life: take a task, send each message as it is ready, repeat until the pipe closes.

    The engine is imported before the worker says it is ready, so that
    importing it (seconds on a busy machine) never counts against the first
    case's deadline.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    die_with(batch_pid)
    import_engine()
    try:
        conn.send(READY)
        while True:
            task = conn.recv()
            if task is None:
                return
            for message in work(task, options):
                conn.send(message)
            conn.send(TASK_DONE)
    except (EOFError, OSError):  # the batch has gone: nobody to report to
        return


def die_with(batch_pid: int) -> None:
    """End this worker when the batch process ends, however it ends.

    The pipe closing is not enough: a worker reads it only between cases,
    and a case may run for minutes (or, with a solver that ignores its
    limit, for ever), holding a core with nobody left to record its result.
    On Linux the kernel kills the worker when its parent dies
    (`PR_SET_PDEATHSIG`); elsewhere, or if that request fails, a thread
    checks every second that the batch is still this process's parent. The
    parent may already have died before either took effect, so that is
    checked after.
    """
    if not (sys.platform.startswith("linux") and _ask_kernel(signal.SIGKILL)):
        watch_parent(batch_pid)
    if os.getppid() != batch_pid:
        os._exit(1)


def _ask_kernel(sig: signal.Signals) -> bool:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return int(libc.prctl(PR_SET_PDEATHSIG, int(sig), 0, 0, 0)) == 0
    except (OSError, AttributeError):  # no C library to load, or no prctl in it
        return False


def watch_parent(batch_pid: int) -> None:
    """A daemon thread that ends the process once `batch_pid` is no longer its parent (it has died)."""

    def watch() -> None:
        while os.getppid() == batch_pid:
            time.sleep(WATCH_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="laa-batch-watch", daemon=True).start()


@dataclass
class Worker:
    """One local worker process and what it is doing: the task it holds, the cases still to come
    from it and when the current one began, so a timeout can be charged to the right case."""

    process: BaseProcess
    conn: Connection
    ready: bool = False
    task: Task | None = None
    order: list[str] = field(default_factory=list)  # the file's arrangements, once loaded
    pending: deque[str] = field(default_factory=deque)  # still to come from this worker
    current: str | None = None  # the case running now; while loading, Task.loading_case
    since: float = 0.0  # when `current` began

    def give(self, task: Task) -> None:
        """Hand the worker a task and start its clock on the task's first case (loading the file)."""
        self.conn.send(task)
        self.task, self.order, self.pending = task, [], deque()
        self.current, self.since = task.loading_case(), time.monotonic()


class LocalPool:
    """`jobs` worker processes running tasks, with the deadline enforced here, in the batch."""

    def __init__(self, jobs: int, options: SolveOptions, deadline: Deadline | None, work: Work = run_task):
        self.jobs = jobs
        self.options = options
        self.deadline = deadline
        self.work = work
        self.context = multiprocessing.get_context("spawn")
        self.workers: list[Worker] = []
        self.failed_starts = 0

    def start(self) -> None:
        """Start the workers now, so their imports overlap the batch reading and hashing files."""
        while len(self.workers) < self.jobs:
            self.workers.append(self._spawn())

    def _spawn(self) -> Worker:
        parent, child = self.context.Pipe(duplex=True)
        process = self.context.Process(
            target=serve, args=(child, self.options, os.getpid(), self.work), daemon=True
        )
        process.start()
        child.close()  # only the worker holds its end, so its exit reads as end-of-file here
        return Worker(process, parent)

    def run(self, tasks: Iterable[Task]) -> Iterator[Report]:
        """Run the tasks on the worker processes, yielding each report as it arrives; a case past the
        deadline has its worker stopped and is reported as a timeout."""
        queue = deque(tasks)
        self.start()
        while queue or any(w.task for w in self.workers):
            for worker in self.workers:
                if worker.ready and worker.task is None and queue:
                    worker.give(queue.popleft())
            waitables = [w.conn for w in self.workers] + [w.process.sentinel for w in self.workers]
            running = [w.since for w in self.workers if w.task is not None and w.current is not None]
            due = None if self.deadline is None else self.deadline.wait(running, time.monotonic())
            wait(waitables, timeout=due)
            for worker in list(self.workers):
                yield from self._drain(worker, queue)
            for worker in list(self.workers):
                yield from self._enforce_deadline(worker, queue)

    def _drain(self, worker: Worker, queue: deque[Task]) -> Iterator[Report]:
        try:
            while worker.conn.poll():
                yield from self._receive(worker, worker.conn.recv())
        except (EOFError, OSError):
            pass
        if not worker.process.is_alive():
            yield from self._replace(worker, queue, "worker_died", _death(worker.process))

    def _receive(self, worker: Worker, message: object) -> Iterator[Report]:
        now = time.monotonic()
        if message == READY:
            worker.ready = True
            return
        if message == TASK_DONE:
            worker.task, worker.current = None, None
            return
        assert worker.task is not None
        waited, worker.since = now - worker.since, now
        if isinstance(message, Loaded):
            worker.order = message.arrangements
            worker.pending = deque(worker.task.todo(message.arrangements))
        elif isinstance(message, Invalid):
            worker.pending = deque()
        elif isinstance(message, CaseResult):
            worker.pending.popleft()
        worker.current = worker.pending[0] if worker.pending else None
        yield Report(message, waited)  # type: ignore[arg-type]

    def _enforce_deadline(self, worker: Worker, queue: deque[Task]) -> Iterator[Report]:
        if self.deadline is None or worker.task is None or worker.current is None:
            return
        if time.monotonic() - worker.since < self.deadline.seconds:
            return
        worker.process.kill()
        worker.process.join()
        yield from self._replace(worker, queue, "timeout", self.deadline.reason())

    def _replace(self, worker: Worker, queue: deque[Task], status: str, reason: str) -> Iterator[Report]:
        """Record the case the worker had in hand, put the rest of its file back, start a new worker."""
        task, current = worker.task, worker.current
        worker.conn.close()
        self.workers[self.workers.index(worker)] = self._spawn()
        if not worker.ready:
            self.failed_starts += 1
            if self.failed_starts >= MAX_FAILED_STARTS:
                raise LaaError(f"worker processes cannot start: {reason}")
        if task is None or current is None:
            return
        # lost while reloading the rest of a file: the order is the task's own list (see loading_case)
        order = worker.order or list(task.arrangements or ())
        rest = None if current == WHOLE_FILE else task.rest_after(current, order)
        if rest is not None:
            queue.appendleft(rest)
        yield Report(Lost(task.path, current, status, reason), time.monotonic() - worker.since)

    def close(self) -> None:
        """Ask every worker to leave; kill any that do not within a few seconds."""
        for worker in self.workers:
            with contextlib.suppress(OSError):
                worker.conn.send(None)
        deadline = time.monotonic() + 5
        for worker in self.workers:
            worker.process.join(max(0.0, deadline - time.monotonic()))
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join()
            worker.conn.close()
        self.workers = []

    def kill(self) -> None:
        """Stop at once (Ctrl-C): the cases in hand are not recorded and run again on --resume."""
        for worker in self.workers:
            worker.process.kill()
        for worker in self.workers:
            worker.process.join()
            worker.conn.close()
        self.workers = []


def _death(process: BaseProcess) -> str:
    code = process.exitcode
    if code is not None and code < 0:
        try:
            return f"the worker process was killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"the worker process was killed by signal {-code}"
    return f"the worker process died (exit code {code})"
