"""The arrangements of MODEL.md, each a public function from a scenario to a plan.

They describe what to solve (`ModelSpec`) and leave the building and
solving to `pooling`. `plan_arrangement` is the one entry every command
uses, so a new arrangement is added in one place.
"""

from __future__ import annotations

from laa.models.scenario import Arrangement, Scenario
from laa.pooling.plans.arrangement import failed, plan_joint, solved
from laa.pooling.plans.plan import Plan
from laa.pooling.plans.selfcheck import checked, checked_run
from laa.pooling.solving.solvers import SolveOptions
from laa.scenarios.analysis.historic import evaluate_historic


def aligned(scenario: Scenario, options: SolveOptions | None = None) -> Plan:
    """Streams stay with their funders, under all their rules; the allocation is planned jointly."""
    return solved(scenario, Arrangement.ALIGNED, options or SolveOptions())


def pooled(scenario: Scenario, options: SolveOptions | None = None) -> Plan:
    """Every pot's members pool their largest allowed share; one joint plan over pots and remainders."""
    return solved(scenario, Arrangement.POOLED, options or SolveOptions())


def optimal(scenario: Scenario, options: SolveOptions | None = None) -> Plan:
    """The engine chooses which streams to pool (whole, or any share with `partial_pooling`)."""
    return solved(scenario, Arrangement.OPTIMAL, options or SolveOptions())


def silo(scenario: Scenario, options: SolveOptions | None = None) -> Plan:
    """Each funder plans its own streams alone; the sum is judged on the true curves."""
    return solved(scenario, Arrangement.SILO, options or SolveOptions())


def historic(scenario: Scenario, options: SolveOptions | None = None) -> Plan:
    """What the streams actually spent, judged against the curves and every rule."""
    return evaluate_historic(scenario)


def plan_arrangement(
    scenario: Scenario, arrangement: Arrangement, options: SolveOptions | None = None
) -> Plan:
    """One arrangement's plan; a failure inside becomes an `error` plan, never an exception.

    An infeasible plan is diagnosed within what is left of the time limit. A diagnosis that
    fails is a diagnosis saying so: the plan stays infeasible, with its reason.
    """
    if arrangement is Arrangement.HISTORIC:
        try:
            return checked(historic(scenario, options))
        except Exception as exc:  # a batch must keep going; the reason travels with the plan
            return failed(scenario, arrangement, exc)
    return plan_joint(scenario, arrangement, options)


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
