"""`laa sensitivity`: does the choice of arrangement survive uncertain evidence?

Effects and amounts are drawn (seeded) from the scenario's uncertainty;
each arrangement is re-solved for every draw by changing coefficients in a
model built once per worker, never rebuilt; draws are split across worker
processes. The report gives each arrangement's score distribution, its
chance of being the best option, each target's chance of being met, and
the outcomes whose results swing most.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
from laa.models.scenario import Arrangement, Scenario
from laa.pooling.resolve import ReusableModel, Summary
from laa.pooling.silo import SiloModel
from laa.pooling.solvers import SolveOptions
from laa.pooling.spec import ModelSpec, PoolingChoice
from laa.scenarios.analysis.draws import (
    ArrangementSummary,
    DrawResults,
    Draws,
    draw,
    drawn_scenario,
    summarise,
)
from laa.scenarios.analysis.table import grid, short
from laa.scenarios.formats import Document, format_version

SOLVABLE = (Arrangement.SILO, Arrangement.ALIGNED, Arrangement.POOLED, Arrangement.OPTIMAL)


class Resolvable(Protocol):
    """A model built once that scores a changed scenario (one draw) without being rebuilt."""

    def summary(self, changed: Scenario) -> Summary: ...


def reusable(scenario: Scenario, arrangement: Arrangement, options: SolveOptions | None) -> Resolvable:
    """A model of the arrangement built once, re-solved for each draw."""
    if arrangement is Arrangement.SILO:
        return SiloModel(scenario, options)
    if arrangement is Arrangement.ALIGNED:
        spec = ModelSpec(scenario, PoolingChoice.aligned())
    elif arrangement is Arrangement.POOLED:
        spec = ModelSpec(scenario, PoolingChoice.pooled(scenario))
    else:
        spec = ModelSpec(scenario, PoolingChoice.chosen_by_solver(scenario.partial_pooling))
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
    models = [reusable(scenario, a, options) for a in arrangements]
    n, m = len(draws), len(scenario.outcomes)
    scores = np.full((len(arrangements), n), np.nan)
    met = np.full((len(arrangements), n, m), np.nan)
    outcome_scores = np.full((len(arrangements), n, m), np.nan)
    for i in range(n):
        varied = drawn_scenario(scenario, draws.effects[i], draws.amounts[i])
        for a, model in enumerate(models):
            result = model.summary(varied)
            if result.score is None:
                continue
            scores[a, i] = result.score
            met[a, i] = [o.target_met for o in result.outcomes]
            outcome_scores[a, i] = [o.score for o in result.outcomes]
    return DrawResults(
        [a.value for a in arrangements], [o.id for o in scenario.outcomes], scores, met, outcome_scores
    )


def _chunk(args: tuple[dict[str, Any], list[str], Draws, SolveOptions | None]) -> DrawResults:
    doc, names, draws, options = args
    scenario = Scenario.model_validate(doc)
    return solve_draws(scenario, [Arrangement(a) for a in names], draws, options)


def sensitivity(
    scenario: Scenario,
    draws: int = 200,
    seed: int = 0,
    arrangements: list[Arrangement] | None = None,
    jobs: int | None = None,
    options: SolveOptions | None = None,
) -> Sensitivity:
    """Plan each chosen arrangement (the file's solvable ones by default) on `draws` seeded draws
    of effects and amounts, over `jobs` processes (every available core by default), and summarise
    how each fares."""
    chosen = arrangements or [a for a in scenario.arrangements_to_run() if a in SOLVABLE]
    drawn = draw(scenario, draws, seed)
    jobs = max(1, min(jobs or len(os.sched_getaffinity(0)), draws))
    if jobs == 1:
        results = solve_draws(scenario, chosen, drawn, options)
    else:
        bounds = np.linspace(0, draws, jobs + 1).astype(int)
        doc = scenario.model_dump(mode="python", exclude_unset=True)  # re-validates (variants refuse nulls)
        names = [a.value for a in chosen]
        tasks = [(doc, names, drawn.chunk(lo, hi), options) for lo, hi in itertools.pairwise(bounds)]
        # spawn, not fork: HiGHS runs a thread pool, and a forked child can inherit its locks held
        with ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("spawn")) as pool:
            parts = list(pool.map(_chunk, tasks))
        results = DrawResults(
            parts[0].arrangements,
            parts[0].outcomes,
            np.concatenate([p.scores for p in parts], axis=1),
            np.concatenate([p.target_met for p in parts], axis=1),
            np.concatenate([p.outcome_scores for p in parts], axis=1),
        )
    return Sensitivity(scenario.name, draws, seed, summarise(results))


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
