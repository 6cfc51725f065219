"""Warm re-plans: one arrangement of one scenario, re-planned after each small change from its last basis.

A meeting asks one question after another of the same area: what if this
stream had £200,000 more, this rule were relaxed, this stream joined the
pot, that one could fund outcome O? Each question is a changed copy of the
base scenario. `WarmPlanner` keeps the arrangement's programs in HiGHS
(the plan's, and for the optimal arrangement the priced re-solve's; for
silo each funder's and the area's) and, for each changed scenario, builds
its programs afresh, brings the kept models up to date in place
(`laa.pooling.solving.kept`) and re-solves from their last basis. The plan is then
read back, re-scored and priced exactly as a cold plan is, so a warm plan
is the cold plan, reached by a shorter path.

A kept model is rebuilt, and `last_rebuild_reason` says why, when there is
none yet for that part of the plan, when the solver cannot re-solve in
place (CBC: every plan is then cold), when a change cannot be made in place
(a linear program became a mixed-integer one), or when so many columns
and rows have been retired that a fresh model is leaner.
"""

from __future__ import annotations

import time

from laa.models.errors import LaaError
from laa.models.scenario import Arrangement, Scenario
from laa.pooling.plans.arrangement import failed, finished, solved
from laa.pooling.plans.plan import Plan
from laa.pooling.program.labelled import Program
from laa.pooling.solving.kept import KeptProgram
from laa.pooling.solving.solvers import Feature, Solution, SolveOptions, solve

__all__ = ["WarmPlanner"]


class WarmPlanner:
    """Plans changed copies of `scenario` under one arrangement, each from the last plan's basis.

    The base scenario is planned when the planner is made (`base_plan`), so the first change is
    already warm. `plan` never raises: a failure is an `error` plan, as in `plan_arrangement`.
    """

    def __init__(self, scenario: Scenario, arrangement: Arrangement, options: SolveOptions | None = None):
        if arrangement is Arrangement.HISTORIC:
            raise LaaError("the historic arrangement is judged from its allocation, not planned")
        self.scenario = scenario
        self.arrangement = arrangement
        self.options = options or SolveOptions()
        self.last_rebuild_reason: str | None = None
        self._models: dict[str, KeptProgram] = {}
        self._reasons: list[str] = []
        self.base_plan = self.plan(scenario)

    def plan(self, scenario: Scenario) -> Plan:
        """The arrangement's plan of `scenario` (a changed copy of the base), warm where it can be,
        diagnosed and checked on the same path as a cold plan (`laa.pooling.plans.arrangement`)."""
        begun = time.perf_counter()
        self._reasons = []
        try:
            plan = solved(scenario, self.arrangement, self.options, solver=self._solve)
        except Exception as exc:  # a meeting must keep going; the reason travels with the plan
            self._models.clear()  # a model left half-changed is not kept
            self._reasons.append(f"planning failed, so nothing is kept ({type(exc).__name__})")
            plan = failed(scenario, self.arrangement, exc)
        else:
            plan = finished(plan, scenario, self.arrangement, self.options, begun)
        self.last_rebuild_reason = "; ".join(dict.fromkeys(self._reasons)) or None
        return plan

    def _solve(self, program: Program, options: SolveOptions, role: str) -> Solution:
        """Solve `program` in the model kept for `role`, brought up to date; rebuild it if need be."""
        if not options.supports(Feature.RESOLVE_IN_PLACE):
            self._reasons.append(f"{options.solver.label} cannot re-solve a kept model in place")
            return solve(program, options)
        kept = self._models.get(role)
        reason = None
        if kept is None:
            reason = f"the {role} program had no kept model yet"
        elif kept.is_mip != program.is_mip:
            reason = f"the {role} program changed between linear and mixed-integer"
        else:
            kept.sync(program)
            if kept.crowded:
                reason = f"the {role} program had retired more columns and rows than it kept"
        if kept is None or reason is not None:
            self._reasons.append(reason or "")
            kept = self._models[role] = KeptProgram(program, options, tuned=True)
        return kept.run(options)
