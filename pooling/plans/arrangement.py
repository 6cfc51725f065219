"""One path from a scenario and an arrangement to a checked plan, for cold and warm plans alike.

Every plan a command, an analysis, the meeting page or a batch reads is made
here: the arrangement's program solved (silo's two stages, or the joint
program with the pooling MODEL.md describes), an infeasible plan diagnosed
within the time left, and the figures self-checked. A warm planner passes
its kept models as the `solver`; the plan is then the cold plan reached by a
shorter path, checked the same way.
"""

from __future__ import annotations

import time
from dataclasses import replace

from laa.models.scenario import Arrangement, Scenario
from laa.pooling.plans.diagnosis import diagnose_safely
from laa.pooling.plans.optimise import optimise
from laa.pooling.plans.plan import Plan, PlanStatus
from laa.pooling.plans.selfcheck import checked
from laa.pooling.plans.silo import plan_silo
from laa.pooling.program.spec import ModelSpec, PoolingChoice
from laa.pooling.solving.solvers import SolveOptions, Solver, cold


def solved(
    scenario: Scenario, arrangement: Arrangement, options: SolveOptions, solver: Solver = cold
) -> Plan:
    """The arrangement's plan as solved, before diagnosis and checks (may raise)."""
    if arrangement is Arrangement.SILO:
        return plan_silo(scenario, options, solver=solver)
    spec = ModelSpec(scenario, PoolingChoice.for_arrangement(scenario, arrangement))
    return optimise(spec, arrangement, options, solver=solver)


def finished(
    plan: Plan, scenario: Scenario, arrangement: Arrangement, options: SolveOptions, begun: float
) -> Plan:
    """An infeasible plan diagnosed within what is left of the time limit, then every plan
    self-checked: figures that cannot be right make it an `error` (pooling.selfcheck)."""
    if plan.status is PlanStatus.INFEASIBLE:
        plan = replace(plan, diagnosis=diagnose_safely(scenario, arrangement, options.remaining(begun)))
    return checked(plan)


def failed(scenario: Scenario, arrangement: Arrangement, exc: Exception) -> Plan:
    """A failure inside planning as an `error` plan: a batch or a meeting must keep going."""
    return Plan(scenario, arrangement, PlanStatus.ERROR, f"{type(exc).__name__}: {exc}")


def plan_joint(
    scenario: Scenario, arrangement: Arrangement, options: SolveOptions | None = None, solver: Solver = cold
) -> Plan:
    """A solved arrangement's plan (silo, aligned, pooled, optimal), diagnosed and checked; never raises."""
    options = options or SolveOptions()
    begun = time.perf_counter()
    try:
        plan = solved(scenario, arrangement, options, solver)
    except Exception as exc:  # the reason travels with the plan
        return failed(scenario, arrangement, exc)
    return finished(plan, scenario, arrangement, options, begun)
