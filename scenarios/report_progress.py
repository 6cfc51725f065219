"""How far each arrangement takes each outcome towards its target and its stretch.

Progress is the share of the gap from baseline to target that the plan's
projected indicator closes: 0% is the baseline, 100% the target, and the
stretch sits beyond 100%. Measured this way an outcome where lower is better
reads the same as one where higher is better, and outcomes in different
units sit on one scale.
"""

from __future__ import annotations

from dataclasses import dataclass

from models.scenario import Scenario
from pooling.plan import Plan

PROGRESS_NOISE = 1e-9


@dataclass(frozen=True)
class Cell:
    """One outcome under one arrangement."""

    projected: float
    progress: float  # share of the baseline-to-target gap closed (1.0 = target)
    target_met: bool
    stretch_met: bool


@dataclass(frozen=True)
class OutcomeProgress:
    id: str
    name: str
    block: str
    unit: str
    baseline: float
    target: float
    stretch: float | None
    stretch_progress: float | None  # where the stretch sits on the progress scale
    cells: dict[str, Cell]  # arrangement -> its cell; only arrangements with numbers

    @property
    def spread(self) -> float:
        """How far apart the arrangements leave this outcome, in progress."""
        values = [c.progress for c in self.cells.values()]
        return max(values) - min(values) if values else 0.0


def outcome_progress(scenario: Scenario, plans: list[Plan]) -> list[OutcomeProgress]:
    """Every outcome in the scenario's order, with a cell for every plan that has numbers."""
    solved = [p for p in plans if p.has_numbers and p.evaluation is not None]
    found = []
    for i, outcome in enumerate(scenario.outcomes):
        gap = outcome.target - outcome.baseline
        cells = {}
        for plan in solved:
            result = plan.evaluation.outcomes[i]  # type: ignore[union-attr]
            progress = (result.projected - outcome.baseline) / gap
            # rounding in the projection must not show as "-0%" on an outcome nothing was spent on
            progress = 0.0 if abs(progress) < PROGRESS_NOISE else progress
            cells[plan.arrangement.value] = Cell(
                result.projected, progress, result.target_met, result.stretch_met
            )
        stretch = outcome.stretch
        found.append(
            OutcomeProgress(
                outcome.id,
                scenario.label("outcomes", outcome.id),
                scenario.label("blocks", outcome.block),
                outcome.unit,
                outcome.baseline,
                outcome.target,
                stretch,
                None if stretch is None else (stretch - outcome.baseline) / gap,
                cells,
            )
        )
    return found


def most_different(rows: list[OutcomeProgress], top: int) -> list[OutcomeProgress]:
    """All rows when they fit; otherwise up to `top` the arrangements disagree on, most first, or
    (when they agree on all) the first `top`: a chart of outcomes where nothing differs says nothing."""
    if len(rows) <= top:
        return rows
    differ = sorted((r for r in rows if r.spread > PROGRESS_NOISE), key=lambda r: -r.spread)
    return differ[:top] or rows[:top]
