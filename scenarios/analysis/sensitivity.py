"""`laa sensitivity`: does the choice of arrangement survive uncertain evidence?

Effects and amounts are drawn (seeded) from the scenario's uncertainty;
each arrangement is re-solved for every draw by changing coefficients in a
model built once per worker, never rebuilt; draws are split across worker
processes. The report gives each arrangement's score distribution, its
chance of being the best option, each target's chance of being met, and
the outcomes whose results swing most.
"""

from __future__ import annotations

import math
import multiprocessing
import os
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
from laa.models.scenario import Arrangement, Scenario
from laa.pooling.plans.resolve import ReusableModel, Summary
from laa.pooling.plans.silo import SiloModel
from laa.pooling.program.spec import ModelSpec, PoolingChoice
from laa.pooling.solving.solvers import SolveOptions
from laa.scenarios.analysis.draws import (
    ArrangementSummary,
    DrawResults,
    Draws,
    draw,
    drawn_scenario,
    summarise,
)
from laa.scenarios.analysis.progress import Advance, unwatched
from laa.scenarios.analysis.table import grid, short
from laa.scenarios.formats import Document, format_version

SOLVABLE = (Arrangement.SILO, Arrangement.ALIGNED, Arrangement.POOLED, Arrangement.OPTIMAL)
# the draws are solved in this process for this much of its CPU time first, to time them: CPU time, not
# the clock, so a machine busy with other work does not make the draws look slower than they are
PROBE_SECONDS = 0.5
# workers pay only when the draws left would take this process more CPU time than this: each spawned
# worker spends about 0.7 s importing the engine and building every model before its first draw, and
# two starting took 1.7 s of wall time on the 2-core development machine; two workers save at most half
# of what is left, so below about 3.5 s they lose (issue 23: 200 draws of the example, about 2.5 s of
# solving, ran slower by default, in two workers, than with --jobs 1)
WORKERS_WORTH_SECONDS = 5.0
CHUNKS_PER_WORKER = 8
CORES = len(os.sched_getaffinity(0))  # the cores this process may use


class Resolvable(Protocol):
    """A model built once that scores a changed scenario (one draw) without being rebuilt."""

    def summary(self, changed: Scenario) -> Summary: ...


def reusable(scenario: Scenario, arrangement: Arrangement, options: SolveOptions | None) -> Resolvable:
    """A model of the arrangement built once, re-solved for each draw."""
    if arrangement is Arrangement.SILO:
        return SiloModel(scenario, options)
    spec = ModelSpec(scenario, PoolingChoice.for_arrangement(scenario, arrangement))
    return ReusableModel.for_spec(spec, arrangement, options)


@dataclass(frozen=True)
class Sensitivity:
    """The result of `laa sensitivity`: a summary per arrangement over seeded draws."""

    scenario: str
    draws: int
    seed: int
    summaries: list[ArrangementSummary]

    def to_dict(self) -> dict[str, Any]:
        """The result as the versioned sensitivity document."""
        return {
            "format_version": format_version(Document.SENSITIVITY),
            "scenario": self.scenario,
            "draws": self.draws,
            "seed": self.seed,
            "arrangements": [s.to_dict() for s in self.summaries],
        }


def solve_draws(
    scenario: Scenario, arrangements: list[Arrangement], draws: Draws, options: SolveOptions | None
) -> DrawResults:
    """Every arrangement re-solved for every draw, in this process."""
    return DrawSolver(scenario, arrangements, options).solve(draws)


class DrawSolver:
    """The chosen arrangements' models, built once, re-solved for each draw they are given."""

    def __init__(
        self, scenario: Scenario, arrangements: list[Arrangement], options: SolveOptions | None
    ) -> None:
        self.scenario = scenario
        self.arrangements = arrangements
        self.models = [reusable(scenario, a, options) for a in arrangements]

    def solve(
        self, draws: Draws, each: Callable[[int], None] | None = None, until: float | None = None
    ) -> DrawResults:
        """The draws re-solved in order, `each(1)` told after every draw; with `until` (a moment of
        this process's CPU time, `time.process_time()`) only those solved by then, and at least one."""
        scenario = self.scenario
        n, m = len(draws), len(scenario.outcomes)
        scores = np.full((len(self.models), n), np.nan)
        met = np.full((len(self.models), n, m), np.nan)
        outcome_scores = np.full((len(self.models), n, m), np.nan)
        solved = n
        for i in range(n):
            varied = drawn_scenario(scenario, draws.effects[i], draws.amounts[i])
            for a, model in enumerate(self.models):
                result = model.summary(varied)
                if result.score is None:
                    continue
                scores[a, i] = result.score
                met[a, i] = [o.target_met for o in result.outcomes]
                outcome_scores[a, i] = [o.score for o in result.outcomes]
            if each is not None:
                each(1)
            if until is not None and time.process_time() >= until:
                solved = i + 1
                break
        return DrawResults(
            [a.value for a in self.arrangements],
            [o.id for o in scenario.outcomes],
            scores[:, :solved],
            met[:, :solved],
            outcome_scores[:, :solved],
        )


# A worker process's models, built once when it starts (`_start_worker`) and re-solved for every
# chunk of draws it is sent: the chunks are small, so the bar moves and a quick worker takes more.
_WORKER: DrawSolver | None = None


def _start_worker(doc: dict[str, Any], names: list[str], options: SolveOptions | None) -> None:
    global _WORKER
    _WORKER = DrawSolver(Scenario.model_validate(doc), [Arrangement(a) for a in names], options)


def _solve_in_worker(draws: Draws) -> DrawResults:
    assert _WORKER is not None, "a sensitivity worker is started by _start_worker"
    return _WORKER.solve(draws)


def workers_worth(seconds_left: float, cores: int) -> int:
    """How many processes the draws still to solve (`seconds_left` of CPU time here) are worth: this
    one alone unless over `WORKERS_WORTH_SECONDS`, then one worker per core. Starting a worker costs
    an import of the engine and a build of every model (`WORKERS_WORTH_SECONDS` says how much)."""
    return cores if cores > 1 and seconds_left > WORKERS_WORTH_SECONDS else 1


def sensitivity(
    scenario: Scenario,
    draws: int = 200,
    seed: int = 0,
    arrangements: list[Arrangement] | None = None,
    jobs: int | None = None,
    options: SolveOptions | None = None,
    advance: Advance = unwatched,
) -> Sensitivity:
    """Plan each chosen arrangement (the file's solvable ones by default) on `draws` seeded draws
    of effects and amounts, and summarise how each fares; `advance` hears how many draws are done.

    `jobs` worker processes share the draws; by default the draws are solved here first for
    `PROBE_SECONDS` of CPU time, and the rest go to one worker per core only when they would take
    this process over `WORKERS_WORTH_SECONDS` (`workers_worth`). The same seed gives the same report
    however the draws are shared out.
    """
    chosen = arrangements or [a for a in scenario.arrangements_to_run() if a in SOLVABLE]
    drawn = draw(scenario, draws, seed)
    what = f"{draws:,} draws of {len(chosen)} arrangement{'s' if len(chosen) != 1 else ''}"
    done = 0

    def each(count: int) -> None:
        nonlocal done
        done += count
        advance(what, done, draws)

    advance(what, 0, draws)
    if jobs is not None and min(jobs, draws) > 1:
        results = _in_workers(scenario, chosen, drawn, min(jobs, draws), options, each)
    else:
        here = DrawSolver(scenario, chosen, options)
        started = time.process_time()
        first = here.solve(drawn, each, None if jobs == 1 else started + PROBE_SECONDS)
        left = drawn.chunk(len(first), draws)
        seconds_left = (time.process_time() - started) / len(first) * len(left)
        workers = workers_worth(seconds_left, CORES)
        parts = [first]
        if len(left) and workers > 1:
            parts.append(_in_workers(scenario, chosen, left, workers, options, each))
        elif len(left):
            parts.append(here.solve(left, each))
        results = DrawResults.joined(parts)
    return Sensitivity(scenario.name, draws, seed, summarise(results))


def _in_workers(
    scenario: Scenario,
    chosen: list[Arrangement],
    drawn: Draws,
    jobs: int,
    options: SolveOptions | None,
    each: Callable[[int], None],
) -> DrawResults:
    """The draws shared among `jobs` worker processes, in small chunks, put back in their order."""
    doc = scenario.model_dump(mode="python", exclude_unset=True)  # re-validates (variants refuse nulls)
    names = [a.value for a in chosen]
    size = max(1, math.ceil(len(drawn) / (jobs * CHUNKS_PER_WORKER)))
    chunks = [drawn.chunk(lo, min(lo + size, len(drawn))) for lo in range(0, len(drawn), size)]
    # spawn, not fork: HiGHS runs a thread pool, and a forked child can inherit its locks held
    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(jobs, spawn, initializer=_start_worker, initargs=(doc, names, options)) as pool:
        futures = {pool.submit(_solve_in_worker, chunk): len(chunk) for chunk in chunks}
        for future in as_completed(futures):
            each(futures[future])
        return DrawResults.joined([future.result() for future in futures])


def sensitivity_text(scenario: Scenario, result: Sensitivity, at_risk: int = 8) -> str:
    """The sensitivity result as tables for the terminal, then the `at_risk` targets most in doubt
    (met in closest to half the draws)."""
    def num(v: float | None) -> str:
        return "-" if v is None else f"{v:.3f}"

    rows = [
        [s.arrangement, f"{s.solved:.0%}", num(s.mean), num(s.p5), num(s.p50), num(s.p95), f"{s.p_best:.0%}"]
        for s in result.summaries
    ]
    lines = [
        f"{scenario.name}: {result.draws} draws (seed {result.seed}) of uncertain effects and amounts",
        "",
        grid(["arrangement", "solved", "mean", "p5", "median", "p95", "best"], rows),
        "",
    ]
    solved = [s for s in result.summaries if s.p_target_met]
    if solved:
        names = [s.arrangement for s in solved]
        uncertain = sorted(
            scenario.outcomes,
            key=lambda o: min(abs(s.p_target_met[o.id] - 0.5) for s in solved),
        )[:at_risk]
        table = [[short(o.name or o.id)] + [f"{s.p_target_met[o.id]:.0%}" for s in solved] for o in uncertain]
        lines += [
            "Targets most in doubt (probability the target is met)",
            "",
            grid(["outcome", *names], table),
            "",
        ]
        for s in solved:
            if s.swing:
                swing = ", ".join(f"{scenario.label('outcomes', o)} ({v:.3f})" for o, v in s.swing[:3])
                lines.append(f"{s.arrangement}: results swing most on {swing}")
    return "\n".join(lines).rstrip() + "\n"
