"""The meeting's planners: one kept per arrangement, so a change re-plans from the last plan.

A meeting asks one small question after another of the same scenario; each
answer starts from the previous plan's basis in a model HiGHS keeps
(`laa.pooling.plans.warm.WarmPlanner`) instead of from nothing. A warm plan is the
cold plan reached by a shorter path, re-scored by the evaluator like any
other. The historic arrangement is judged from the file's allocation, not
planned, so it has no planner to keep.
"""

from __future__ import annotations

from laa.models.scenario import Arrangement, Scenario
from laa.pooling.plans.plan import Plan
from laa.pooling.plans.warm import WarmPlanner
from laa.pooling.solving.solvers import SolveOptions
from laa.scenarios.analysis.arrangements import plan_arrangement


class Planners:
    """Plans changed copies of one base scenario under the arrangements asked for."""

    def __init__(self, base: Scenario, options: SolveOptions | None = None):
        self.base = base
        self.options = options
        self.kept: dict[Arrangement, WarmPlanner] = {}

    def plan(self, scenario: Scenario, arrangements: list[Arrangement]) -> list[Plan]:
        """A plan of `scenario` (a changed copy of the base) under each arrangement, in order."""
        return [self._plan(scenario, a) for a in arrangements]

    def _plan(self, scenario: Scenario, arrangement: Arrangement) -> Plan:
        if arrangement is Arrangement.HISTORIC:
            return plan_arrangement(scenario, arrangement, self.options)
        planner = self.kept.get(arrangement)
        if planner is None:  # made on the base, which it plans first
            planner = self.kept[arrangement] = WarmPlanner(self.base, arrangement, self.options)
            if scenario is self.base:
                return planner.base_plan
        return planner.plan(scenario)
