"""How far each arrangement takes each outcome towards its target and its stretch.

Progress is the share of the gap from baseline to target that the plan's
improvement closes: 0% is the baseline, 100% the target, and the stretch
sits beyond 100%. Measured this way an outcome where lower is better reads
the same as one where higher is better, and outcomes in different units sit
on one scale. Which outcomes the arrangements differ on is `laa compare`'s
ranking (the spread of each outcome's score), so both commands name the same.
"""

from __future__ import annotations

from dataclasses import dataclass

from laa.models.scenario import Scenario
from laa.pooling.plans.plan import Plan
from laa.scenarios.analysis.compare import outcome_spreads


@dataclass(frozen=True)
class Cell:
    """One outcome under one arrangement."""

    projected: float
    progress: float  # share of the baseline-to-target gap closed (1.0 = target)
    target_met: bool
    stretch_met: bool

    @property
    def mark(self) -> str:
        """ " ★" for a stretch met, " ✓" for a target met: the table and the chart mark cells alike."""
        if self.stretch_met:
            return " ★"
        return " ✓" if self.target_met else ""


@dataclass(frozen=True)
class OutcomeProgress:
    """One outcome's baseline, target and stretch, and how far each arrangement with numbers takes it."""

    id: str
    name: str
    block: str
    unit: str
    baseline: float
    target: float
    stretch: float | None
    cells: dict[str, Cell]  # arrangement -> its cell; only arrangements with numbers


@dataclass(frozen=True)
class Shown:
    """The outcomes a chart has room for, and how many the arrangements differ on at all."""

    rows: list[OutcomeProgress]
    differing: int


def outcome_progress(scenario: Scenario, plans: list[Plan]) -> list[OutcomeProgress]:
    """Every outcome in the scenario's order, with a cell for every plan that has numbers."""
    solved = [p for p in plans if p.has_numbers and p.evaluation is not None]
    found = []
    for i, outcome in enumerate(scenario.outcomes):
        cells = {}
        for plan in solved:
            result = plan.evaluation.outcomes[i]  # type: ignore[union-attr]
            cells[plan.arrangement.value] = Cell(
                result.projected, result.improvement / outcome.gap, result.target_met, result.stretch_met
            )
        found.append(
            OutcomeProgress(
                outcome.id,
                scenario.label("outcomes", outcome.id),
                scenario.label("blocks", outcome.block),
                outcome.unit,
                outcome.baseline,
                outcome.target,
                outcome.stretch,
                cells,
            )
        )
    return found


def most_different(scenario: Scenario, plans: list[Plan], rows: list[OutcomeProgress], top: int) -> Shown:
    """All rows when they fit; otherwise up to `top` the arrangements differ on, most first, or
    (when they agree on all) the first `top`: a chart of outcomes where nothing differs says nothing."""
    spreads = outcome_spreads(scenario, plans, len(rows))
    if len(rows) <= top:
        return Shown(rows, len(spreads))
    by_id = {r.id: r for r in rows}
    return Shown([by_id[s.id] for s in spreads[:top]] or rows[:top], len(spreads))
