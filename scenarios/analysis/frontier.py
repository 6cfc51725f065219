"""The pooling frontier: how much of the pooling gain the first slices of pooled money capture.

Each step caps the share of all poolable money that may be pooled and lets
the engine pool any shares up to that cap, optimally. At zero nothing is
pooled (the aligned plan); at the full share it is the optimal arrangement
with partial pooling. Each step's feasible set contains the previous one's,
so the frontier never falls.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from laa.models.scenario import Arrangement, Scenario
from laa.pooling.plans.optimise import optimise
from laa.pooling.program.spec import ModelSpec, PoolingChoice
from laa.pooling.solving.solvers import SolveOptions
from laa.scenarios.analysis.table import grid, score_places

MILESTONES = (0.10, 0.25, 0.50)


@dataclass(frozen=True)
class FrontierStep:
    """The optimal plan when at most `share` of the poolable money may be pooled: its score, the
    pooled share of each stream, and the streams pooled for the first time at this step."""

    share: float
    status: str
    score: float | None
    pooled: dict[str, float] = field(default_factory=dict)  # stream -> pooled share
    entered: list[str] = field(default_factory=list)  # streams pooled here for the first time

    def to_dict(self) -> dict[str, object]:
        """The step for the frontier's JSON document."""
        return {
            "share": self.share,
            "status": self.status,
            "score": self.score,
            "pooled": self.pooled,
            "entered": self.entered,
        }


@dataclass(frozen=True)
class Frontier:
    """How the pooling gain grows with the share of money pooled; `captured` says what part of the
    full gain 10%, 25% and 50% already bring (None when there is no gain to share out)."""

    steps: list[FrontierStep]
    captured: dict[float, float | None]  # milestone share -> fraction of the full pooling gain

    @property
    def gain(self) -> float | None:
        """Score at full pooling less score with nothing pooled; None when either end has no plan."""
        first, last = self.steps[0].score, self.steps[-1].score
        return None if first is None or last is None else last - first

    def to_dict(self) -> dict[str, object]:
        """The frontier for its JSON document, milestones keyed by share as text."""
        return {
            "steps": [s.to_dict() for s in self.steps],
            "captured": {f"{k:g}": v for k, v in self.captured.items()},
            "gain": self.gain,
        }


def step_shares(steps: int) -> list[float]:
    """The pooled-share caps to plan at: `steps` even steps from 0 to 1, plus the milestones."""
    grid = {round(i / steps, 6) for i in range(steps + 1)}
    return sorted(grid | set(MILESTONES))


def pooling_frontier(scenario: Scenario, steps: int = 10, options: SolveOptions | None = None) -> Frontier:
    """Plan the optimal arrangement (partial pooling) at each cap on the pooled share, so a meeting
    sees how much of the gain comes from pooling a little and which streams are worth pooling first."""
    found: list[FrontierStep] = []
    seen: set[str] = set()
    for share in step_shares(steps):
        spec = ModelSpec(scenario, PoolingChoice.chosen_by_solver(partial=True), max_pooled_share=share)
        plan = optimise(spec, Arrangement.OPTIMAL, options)
        pooled = {s: v for s, _, v in plan.pooled}
        entered = [s for s in pooled if s not in seen]
        seen.update(pooled)
        found.append(FrontierStep(share, plan.status.value, plan.score, pooled, entered))
    start, end = found[0].score, found[-1].score
    captured: dict[float, float | None] = {}
    for milestone in MILESTONES:
        step = next(s for s in found if abs(s.share - milestone) < 1e-9)
        if start is None or end is None or step.score is None or end - start <= 1e-9:
            captured[milestone] = None
        else:
            captured[milestone] = (step.score - start) / (end - start)
    return Frontier(found, captured)


def frontier_text(scenario: Scenario, frontier: Frontier) -> str:
    """The frontier as a table for the terminal: each cap's status, score and newly pooled streams."""
    places = score_places(s.score for s in frontier.steps)
    rows = [
        [
            f"{s.share:.0%}",
            s.status,
            "-" if s.score is None else f"{s.score:.{places}f}",
            ", ".join(scenario.label("streams", x) for x in s.entered),
        ]
        for s in frontier.steps
    ]
    lines = [
        f"{scenario.name}: the pooling frontier (each step optimal, partial pooling)",
        "",
        grid(["pooled", "status", "score", "streams entering"], rows, right={0, 2}),
        "",
    ]
    if frontier.gain is not None:
        lines.append(f"Pooling all poolable money gains {frontier.gain:+.3f} over pooling none.")
        for milestone, fraction in frontier.captured.items():
            if fraction is not None:
                lines.append(f"  the first {milestone:.0%} of it captures {fraction:.0%} of that gain")
    return "\n".join(lines) + "\n"
