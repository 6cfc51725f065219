"""`laa frontier --robust`: what a plan safer in its worst draws costs at the central estimate.

For ALPHA from 1 (the mean over all draws) down to 0.05 (the worst twentieth), the plan best by
`cvar:ALPHA` against the same seeded draws, with its score at the central estimate and on fresh
draws; the deterministic plan's figures on the same draws beside them. One program serves every
level (`pooling.robust.cvar_frontier`), so a meeting sees the trade-off as a curve: how much of
the central score each step of safety gives up, and what it buys in the bad draws.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from laa.models.scenario import Arrangement, Scenario
from laa.pooling.plans.plan import Plan
from laa.pooling.program.spec import ModelSpec, PoolingChoice
from laa.pooling.robust.against_draws import Measure, MeasureKind, cvar, cvar_frontier
from laa.pooling.solving.solvers import SolveOptions
from laa.scenarios.analysis.arrangements import plan_arrangement
from laa.scenarios.analysis.progress import Advance, unwatched
from laa.scenarios.analysis.robust import FRESH_DRAWS, RobustPlan, RobustRun, judged
from laa.scenarios.analysis.table import grid

ALPHAS = (1.0, 0.75, 0.5, 0.25, 0.1, 0.05)
FRONTIER_ARRANGEMENTS = (Arrangement.ALIGNED, Arrangement.POOLED)


@dataclass(frozen=True)
class RobustStep:
    """One level of safety: the plan best by cvar:ALPHA, and the deterministic plan's cvar:ALPHA."""

    alpha: float
    status: str
    central: float | None
    cvar: float | None  # in sample
    deterministic_cvar: float | None  # the deterministic plan's on the same draws
    fresh_mean: float | None
    fresh_p5: float | None
    fresh_cvar: float | None

    def to_dict(self) -> dict[str, Any]:
        """The step for the robust frontier's JSON document."""
        return dict(self.__dict__)


@dataclass(frozen=True)
class RobustFrontier:
    """The cvar frontier for one arrangement: a step per ALPHA, beside the deterministic plan's
    central score and its mean and 5th percentile on fresh draws."""

    arrangement: str
    draws: int
    seed: int
    fresh_seed: int
    fresh_draws: int
    deterministic: dict[str, float | None]  # its central score, fresh mean and p5
    steps: list[RobustStep]

    def to_dict(self) -> dict[str, Any]:
        """The frontier for its JSON document."""
        return {
            "arrangement": self.arrangement,
            "draws": self.draws,
            "seed": self.seed,
            "out_of_sample": {"seed": self.fresh_seed, "draws": self.fresh_draws},
            "deterministic": self.deterministic,
            "steps": [s.to_dict() for s in self.steps],
        }


def robust_frontier(
    scenario: Scenario,
    arrangement: Arrangement = Arrangement.ALIGNED,
    draws: int = 200,
    seed: int = 0,
    alphas: tuple[float, ...] = ALPHAS,
    options: SolveOptions | None = None,
    fresh_draws: int | None = None,
    advance: Advance = unwatched,
) -> RobustFrontier:
    """For each ALPHA, the plan best in its worst draws and what it gives up at the central estimate;
    refused for an arrangement other than aligned or pooled. `advance` hears how far it has got."""
    if arrangement not in FRONTIER_ARRANGEMENTS:
        choices = ", ".join(a.value for a in FRONTIER_ARRANGEMENTS)
        raise ValueError(f"the robust frontier is drawn for {choices}, not {arrangement.value}")
    fresh = FRESH_DRAWS if fresh_draws is None else fresh_draws
    run = RobustRun.make(scenario, Measure(MeasureKind.CVAR, alphas[0]), draws, seed, options, fresh, advance)
    advance(f"{arrangement.value}: planning for the central estimate", 0, None)
    deterministic = plan_arrangement(scenario, arrangement, options)
    choice = PoolingChoice.aligned() if arrangement is Arrangement.ALIGNED else PoolingChoice.pooled(scenario)
    advance(f"{arrangement.value}: planning {len(alphas)} levels against {draws:,} draws", 0, None)
    levels = cvar_frontier(ModelSpec(scenario, choice), arrangement, run.planned.scenarios, alphas, options)
    inside = run.judge(deterministic, fresh=False) if deterministic.has_numbers else None
    outside = run.judge(deterministic, fresh=True) if deterministic.has_numbers else None
    steps = []
    for alpha, level in zip(alphas, levels, strict=True):
        plan: Plan = level.plan
        if plan.has_numbers:
            plan = judged(run.measured_by(level.measure), level, deterministic)
        robust = plan.robust if isinstance(plan, RobustPlan) else None
        kept = level.kept
        steps.append(
            RobustStep(
                alpha,
                plan.status.value,
                plan.score,
                None if robust is None else robust.in_sample,
                None if inside is None or not kept else cvar(inside.scores[kept], alpha),
                None if robust is None else robust.out_of_sample["robust"]["mean"],
                None if robust is None else robust.out_of_sample["robust"]["p5"],
                None if robust is None else robust.out_of_sample["robust"]["measure"],
            )
        )
    return RobustFrontier(
        arrangement.value,
        draws,
        seed,
        run.fresh.seed,
        len(run.fresh),
        {
            "central": deterministic.score,
            "fresh_mean": None if outside is None else float(outside.scores.mean()),
            "fresh_p5": None if outside is None else float(np.percentile(outside.scores, 5)),
        },
        steps,
    )


def robust_frontier_text(scenario: Scenario, frontier: RobustFrontier) -> str:
    """The robust frontier as a table for the terminal ("-" where a step has no number)."""
    def num(value: float | None) -> str:
        return "-" if value is None else f"{value:.3f}"

    rows = [
        [
            f"{s.alpha:g}",
            s.status,
            num(s.central),
            num(s.cvar),
            num(s.deterministic_cvar),
            num(s.fresh_cvar),
            num(s.fresh_mean),
            num(s.fresh_p5),
        ]
        for s in frontier.steps
    ]
    d = frontier.deterministic
    headers = ["ALPHA", "status", "central", "cvar", "deterministic cvar", "fresh cvar", "fresh mean"]
    headers.append("fresh p5")
    lines = [
        f"{scenario.name}: the {frontier.arrangement} plan best by cvar:ALPHA (the mean score of the worst "
        f"ALPHA share of {frontier.draws} draws, seed {frontier.seed}); fresh: {frontier.fresh_draws} draws "
        f"of seed {frontier.fresh_seed}",
        "",
        grid(headers, rows, right=set(range(2, 8))),
        "",
        f"The deterministic plan: central {num(d['central'])}, fresh mean {num(d['fresh_mean'])}, "
        f"fresh p5 {num(d['fresh_p5'])}.",
    ]
    return "\n".join(lines) + "\n"
