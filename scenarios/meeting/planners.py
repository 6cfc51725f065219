"""The meeting's planners: one kept per arrangement, so a change re-plans from the last plan.

A meeting asks one small question after another of the same scenario; each
answer starts from the previous plan's basis instead of from nothing.
"""

from __future__ import annotations

from laa.models.scenario import Arrangement, Scenario
from laa.pooling.plan import Plan
from laa.pooling.solvers import SolveOptions
from laa.scenarios.analysis.arrangements import plan_arrangement


class Planners:
    """Plans a changed copy of one base scenario under the arrangements asked for."""

    def __init__(self, base: Scenario, options: SolveOptions | None = None):
        self.base = base
        self.options = options

    def plan(self, scenario: Scenario, arrangements: list[Arrangement]) -> list[Plan]:
        return [plan_arrangement(scenario, a, self.options) for a in arrangements]
