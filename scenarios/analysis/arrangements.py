"""The arrangements of MODEL.md, each a public function from a scenario to a plan.

They describe what to solve (`ModelSpec`) and leave the building and
solving to `pooling`. `plan_arrangement` is the one entry every command
uses, so a new arrangement is added in one place.
"""

from __future__ import annotations

import time

from laa.models.scenario import Arrangement, Scenario
from laa.pooling.diagnosis import diagnose_safely
from laa.pooling.optimise import optimise
from laa.pooling.plan import Plan, PlanStatus
from laa.pooling.selfcheck import checked, checked_run
from laa.pooling.silo import plan_silo
from laa.pooling.solvers import SolveOptions
from laa.pooling.spec import ModelSpec, PoolingChoice
from laa.scenarios.analysis.historic import evaluate_historic


def aligned(scenario: Scenario, options: SolveOptions | None = None) -> Plan:
    """Streams stay with their funders, under all their rules; the allocation is planned jointly."""
    return optimise(ModelSpec(scenario, PoolingChoice.aligned()), Arrangement.ALIGNED, options)


def pooled(scenario: Scenario, options: SolveOptions | None = None) -> Plan:
    """Every pot's members pool their largest allowed share; one joint plan over pots and remainders."""
    return optimise(ModelSpec(scenario, PoolingChoice.pooled(scenario)), Arrangement.POOLED, options)


def optimal(scenario: Scenario, options: SolveOptions | None = None) -> Plan:
    """The engine chooses which streams to pool (whole, or any share with `partial_pooling`)."""
    choice = PoolingChoice.chosen_by_solver(scenario.partial_pooling)
    return optimise(ModelSpec(scenario, choice), Arrangement.OPTIMAL, options)


def silo(scenario: Scenario, options: SolveOptions | None = None) -> Plan:
    """Each funder plans its own streams alone; the sum is judged on the true curves."""
    return plan_silo(scenario, options)


def historic(scenario: Scenario, options: SolveOptions | None = None) -> Plan:
    """What the streams actually spent, judged against the curves and every rule."""
    return evaluate_historic(scenario)


RUNNERS = {
    Arrangement.SILO: silo,
    Arrangement.ALIGNED: aligned,
    Arrangement.POOLED: pooled,
    Arrangement.OPTIMAL: optimal,
    Arrangement.HISTORIC: historic,
}


def plan_arrangement(
    scenario: Scenario, arrangement: Arrangement, options: SolveOptions | None = None
) -> Plan:
    """One arrangement's plan; a failure inside becomes an `error` plan, never an exception.

    An infeasible plan is diagnosed within what is left of the time limit. A diagnosis that
    fails is a diagnosis saying so: the plan stays infeasible, with its reason.
    """
    options = options or SolveOptions()
    begun = time.perf_counter()
    try:
        plan = RUNNERS[arrangement](scenario, options)
    except Exception as exc:  # a batch must keep going; the reason travels with the plan
        return Plan(scenario, arrangement, PlanStatus.ERROR, f"{type(exc).__name__}: {exc}")
    if plan.status is PlanStatus.INFEASIBLE:
        plan.diagnosis = diagnose_safely(scenario, arrangement, options.remaining(begun))
    return checked(plan)  # figures that cannot be right make it an error (pooling.selfcheck)


def plan_all(
    scenario: Scenario,
    arrangements: list[Arrangement] | None = None,
    options: SolveOptions | None = None,
) -> list[Plan]:
    """Plan each chosen arrangement (the file's, by default) and check the plans against each other:
    an optimal plan scoring below aligned or pooled is not the optimum."""
    chosen = arrangements or scenario.arrangements_to_run()
    # and the plans against each other: optimal below aligned or pooled is not the optimum
    return checked_run([plan_arrangement(scenario, a, options) for a in chosen])
