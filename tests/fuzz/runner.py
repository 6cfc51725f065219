"""Running fuzz documents through the engine, and saying what each one got.

Each document is loaded as `laa` loads a file, and when it loads, planned in
every arrangement it asks for and written as the results document (JSON) and
the allocation CSV; a request document (`docN.request`) is sent chunked to the
meeting server instead (`tests/fuzz/requests.py` says how it is judged). Its
outcome is one of:

- `valid-planned`: it loaded, and every plan's figures passed the checks
  below (a plan may be infeasible or an error: that is an honest answer);
- `refused-located`: `ScenarioError`, every problem naming the file first;
- `refused-unlocated`: `ScenarioError` with a problem that does not;
- `traceback`: any other exception, anywhere;
- `hang`: no answer within the per-document time limit (the worker is killed);
- `harness-error`: the mutator itself failed to make the document (not the
  engine's fault, but a document not tried: the run's table shows how many);
- `absurd`: a plan called optimal (or evaluated) with a non-finite figure, a
  negative spend, a score outside 0..sum(w*cap/gap), more spent than the area
  has, or a CSV cell that a spreadsheet would run as a formula, or a JSON
  document that does not parse back. These checks are the harness's own,
  written apart from `pooling.selfcheck`, so they also check the checker.

Documents run in worker processes, each of which imports the engine once;
the parent waits for each answer with a time limit and replaces a worker
that overruns.
"""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import io
import json
import math
import multiprocessing as mp
import resource
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.fuzz.mutator import Document, document
from tests.fuzz.requests import REQUEST_SUFFIX, examine_request

OUTCOMES = ("valid-planned", "refused-located", "refused-unlocated", "traceback", "hang", "absurd")
OUTCOMES += ("harness-error",)
BAD = ("refused-unlocated", "traceback", "hang", "absurd")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


@dataclass(frozen=True)
class Result:
    index: int
    name: str
    outcome: str
    detail: str
    seconds: float
    statuses: tuple[str, ...] = ()  # the plans' statuses, for a document that was planned
    errors: tuple[str, ...] = ()  # the reasons of its plans that are errors
    cpu_seconds: float = 0.0  # the worker's CPU time on it: load, plans, outputs (0: not measured)
    peak_mb: float = 0.0  # the worker's peak resident memory while on it, its own baseline included


@dataclass
class Summary:
    seed: int
    results: list[Result] = field(default_factory=list)

    @property
    def counts(self) -> Counter[str]:
        return Counter(r.outcome for r in self.results)

    def bad(self) -> list[Result]:
        return [r for r in self.results if r.outcome in BAD]

    def statuses(self) -> Counter[str]:
        return Counter(s for r in self.results for s in r.statuses)

    def text(self) -> str:
        seconds = sorted(r.seconds for r in self.results)
        n = len(seconds)
        lines = [f"seed {self.seed}: {n} documents"]
        for outcome in OUTCOMES:
            lines.append(f"  {outcome:<18} {self.counts.get(outcome, 0):>6}")
        if n:
            lines.append(
                f"  seconds per document: median {seconds[n // 2]:.3f}, 99th percentile "
                f"{seconds[min(n - 1, int(n * 0.99))]:.3f}, most {seconds[-1]:.3f}, total {sum(seconds):.0f}"
            )
        lines += self._resources()
        planned = ", ".join(f"{s} {c}" for s, c in sorted(self.statuses().items()))
        lines.append(f"  plans of the valid documents: {planned or 'none'}")
        self_checked = sum(1 for r in self.results for s in r.statuses if s == "error (self-check)")
        lines.append(f"  plans the engine's self-check turned into errors: {self_checked}")
        for r in self.bad()[:20]:
            lines.append(f"  {r.outcome}: #{r.index} {r.name}: {r.detail[:300]}")
        return "\n".join(lines)


    def _resources(self) -> list[str]:
        """The CPU and memory the documents took, with the document that took the most of each."""
        measured = [r for r in self.results if r.peak_mb > 0]
        if not measured:
            return []
        lines = []
        measures = (("CPU", "s", lambda r: r.cpu_seconds), ("peak memory", "MB", lambda r: r.peak_mb))
        for what, unit, of in measures:
            ordered = sorted(measured, key=of)
            n, most = len(ordered), ordered[-1]
            lines.append(
                f"  {what} per document: median {of(ordered[n // 2]):.2f} {unit}, 99th percentile "
                f"{of(ordered[min(n - 1, int(n * 0.99))]):.2f} {unit}, most {of(most):.2f} {unit} "
                f"(#{most.index} {most.name})"
            )
        return lines


def examine(doc: Document, solve_seconds: float = 10.0) -> Result:
    """Load, plan and write one document, and classify what happened."""
    started = time.perf_counter()
    try:
        if doc.name.endswith(REQUEST_SUFFIX):  # a body for the meeting server (tests/fuzz/requests.py)
            outcome, detail = examine_request(doc)
            return Result(doc.index, doc.name, outcome, detail, time.perf_counter() - started)
        outcome, detail, plans = _examine(doc, solve_seconds)
    except Exception:  # the harness's whole point: anything escaping is a finding
        outcome, detail, plans = "traceback", traceback.format_exc()[-3000:], []
    statuses = tuple(
        "error (self-check)" if p.message.startswith("self-check failed") else p.status.value for p in plans
    )
    errors = tuple(f"{p.arrangement.value}: {p.message[:300]}" for p in plans if p.status.value == "error")
    return Result(doc.index, doc.name, outcome, detail, time.perf_counter() - started, statuses, errors)


def _examine(doc: Document, solve_seconds: float) -> tuple[str, str, list[Any]]:
    from laa.models.errors import ScenarioError
    from laa.models.load import load_scenario_bytes
    from laa.pooling.solving.solvers import SolveOptions
    from laa.scenarios.analysis.arrangements import plan_all
    from laa.scenarios.outputs.csvout import allocation_csv
    from laa.scenarios.outputs.results import results_document, to_json

    try:
        scenario = load_scenario_bytes(doc.data, doc.name)
    except ScenarioError as exc:
        problems = [str(p) for p in exc.problems]
        if problems and all(p.startswith(f"{doc.name}: ") for p in problems):
            return "refused-located", " | ".join(problems), []
        return "refused-unlocated", "; ".join(problems) or "no problem given", []
    plans = plan_all(scenario, options=SolveOptions(time_limit=solve_seconds))
    for plan in plans:
        wrong = absurdity(plan)
        if wrong:
            return "absurd", f"{plan.arrangement.value}: {wrong}", plans
    text = to_json(results_document(scenario, plans))
    json.loads(text, parse_constant=_no_constant)
    for row in csv.reader(io.StringIO(allocation_csv(plans), newline="")):
        for cell in row:
            if cell.startswith(FORMULA_STARTS) and not _is_number(cell):
                runs = f"the allocation CSV holds a cell a spreadsheet would run: {cell[:60]!r}"
                return "absurd", runs, plans
    return "valid-planned", ", ".join(p.status.value for p in plans), plans


def absurdity(plan: Any) -> str | None:
    """What is absurd about a plan that reports figures; None when nothing is."""
    if plan.status.value not in ("optimal", "evaluated") or plan.evaluation is None:
        return None
    ev = plan.evaluation
    numbers = [("score", ev.score), *ev.money.__dict__.items()]
    for o in ev.outcomes:
        numbers += [(f"{o.id} {k}", getattr(o, k)) for k in ("spend", "improvement", "score")]
    spends = list((plan.spending.stream_spend if plan.spending else {}).values())
    spends += list((plan.spending.pot_spend if plan.spending else {}).values())
    numbers += [("a spend", v) for v in spends]
    for what, value in numbers:
        if not math.isfinite(value):
            return f"{what} is {value}"
    if any(v < -1.0 for v in spends):
        return f"a spend of {min(spends)}"
    most = sum(o.weight * o.cap / o.gap for o in plan.scenario.outcomes)
    if not -1e-6 <= ev.score <= most * (1 + 1e-6) + 1e-6:
        return f"score {ev.score} outside 0..{most}"
    available = sum(s.amount_in(t) for s in plan.scenario.streams for t in plan.scenario.years)
    if plan.status.value == "optimal" and sum(spends) > available * (1 + 1e-6) + 1.0:
        return f"spends {sum(spends)} of {available}"
    return None


def _no_constant(token: str) -> float:
    raise ValueError(f"the results document holds {token}")


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


# --- running many, each within a time limit ---


def _worker(connection: Any, seed: int, solve_seconds: float) -> None:
    while True:
        index = connection.recv()
        if index is None:
            return
        try:
            doc = document(seed, index)
        except Exception:  # the mutator's own failure: reported as one, not blamed on the engine
            failed = f"the mutator failed: {traceback.format_exc()[-500:]}"
            connection.send(Result(index, f"doc{index}", "harness-error", failed, 0.0))
            continue
        _reset_peak_memory()
        cpu = time.process_time()
        result = examine(doc, solve_seconds)
        used = time.process_time() - cpu
        connection.send(dataclasses.replace(result, cpu_seconds=used, peak_mb=_peak_memory_mb()))


def _reset_peak_memory() -> None:
    """Start the process's peak resident memory afresh (Linux: clear_refs), so each document's is its own."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def _peak_memory_mb() -> float:
    """The process's peak resident memory since the last reset, in MB (VmHWM)."""
    try:
        status = Path("/proc/self/status").read_text()
        return int(status.split("VmHWM:")[1].split()[0]) / 1024
    except (OSError, IndexError, ValueError):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class _Worker:
    def __init__(self, context: Any, seed: int, solve_seconds: float):
        self.parent, child = context.Pipe()
        self.process = context.Process(target=_worker, args=(child, seed, solve_seconds), daemon=True)
        self.process.start()
        self.index: int | None = None
        self.started = 0.0

    def give(self, index: int) -> None:
        self.index, self.started = index, time.perf_counter()
        self.parent.send(index)

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join()


def run(
    seed: int,
    indexes: list[int],
    jobs: int = 2,
    timeout: float = 60.0,
    solve_seconds: float = 10.0,
    progress: Any = None,
) -> Summary:
    """Every document of `indexes`, `jobs` at a time; one not answered within `timeout` s is a hang."""
    context = mp.get_context("spawn")
    summary = Summary(seed)
    todo = list(reversed(indexes))
    workers = [_Worker(context, seed, solve_seconds) for _ in range(max(1, min(jobs, len(indexes))))]
    try:
        for w in workers:
            if todo:
                w.give(todo.pop())
        while any(w.index is not None for w in workers):
            for n, w in enumerate(workers):
                if w.index is None:
                    continue
                if w.parent.poll(0.05):
                    try:
                        result = w.parent.recv()
                    except EOFError:  # the worker died (out of memory, a crash in C, a harness failure)
                        result = Result(w.index, f"doc{w.index}", "traceback", "the worker process died", 0.0)
                        w.stop()
                        workers[n] = w = _Worker(context, seed, solve_seconds)
                elif time.perf_counter() - w.started > timeout:
                    result = Result(w.index, f"doc{w.index}", "hang", f"no answer in {timeout:g} s", timeout)
                    w.stop()
                    workers[n] = w = _Worker(context, seed, solve_seconds)
                else:
                    continue
                summary.results.append(result)
                if progress is not None:
                    progress(result, len(summary.results), len(indexes))
                w.index = None
                if todo:
                    w.give(todo.pop())
    finally:
        for w in workers:
            if w.process.is_alive() and w.index is None:
                w.parent.send(None)
            w.stop()
    summary.results.sort(key=lambda r: r.index)
    return summary
