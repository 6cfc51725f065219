"""One program, from spec to plan: build, solve, read back, re-score, price.

This is the single path every arrangement goes through, so the checks
that guard it (status before values, the independent re-score) are made
once.
"""

from __future__ import annotations

import time
from dataclasses import replace

from laa.models.scenario import Arrangement, Rule
from laa.pooling.plans.canonical import Choice, choose
from laa.pooling.plans.extract import chosen_pooling
from laa.pooling.plans.plan import Plan, PlanStatus
from laa.pooling.plans.prices import Priced, shadow_prices
from laa.pooling.plans.published import published
from laa.pooling.plans.trust import trusted
from laa.pooling.program.build import build
from laa.pooling.program.builder import Builder
from laa.pooling.program.spec import ModelSpec, PoolingChoice, PoolingMode
from laa.pooling.solving.solvers import Solution, SolveOptions, Solver, cold


def optimise(
    spec: ModelSpec, arrangement: Arrangement, options: SolveOptions | None = None, solver: Solver = cold
) -> Plan:
    """Solve `spec`; when the solver chose the pooling, re-solve with it fixed to price the plan."""
    options = options or SolveOptions()
    timings: dict[str, float] = {}
    started = begun = time.perf_counter()
    builder = build(spec)
    timings["build"] = time.perf_counter() - started
    solution = solver(builder.program, options, "plan")
    timings["solve"] = solution.seconds
    if not solution.ok:
        return plan_from(builder, solution, arrangement, timings)
    if spec.choice.mode is not PoolingMode.FIXED:
        # the pooling is chosen among equally good ones first, then fixed to price and choose the plan
        chosen = solution
        if options.priorities:
            started = time.perf_counter()
            chosen, _ = choose(builder, solution, options, began=begun)
            timings["choose_pooling"] = time.perf_counter() - started
        assert chosen.values is not None
        shares, used = chosen_pooling(builder, chosen.values)
        fixed = replace(spec, choice=PoolingChoice.fixed(shares, used), max_pooled_share=None)
        started = time.perf_counter()
        builder = build(fixed)
        resolved = solver(builder.program, options.remaining(begun), "priced")  # one time limit for all
        timings["resolve"] = time.perf_counter() - started
        if not resolved.ok:
            return plan_from(builder, resolved, arrangement, timings)
        solution = resolved
    if not options.priorities:  # the best score alone, where the solver's path left it
        return plan_from(builder, solution, arrangement, timings)
    started = time.perf_counter()
    solution, record = choose(builder, solution, options, began=begun)
    timings["choose"] = time.perf_counter() - started
    return plan_from(builder, solution, arrangement, timings, choice=record)


def plan_from(
    b: Builder,
    solution: Solution,
    arrangement: Arrangement,
    timings: dict[str, float],
    report_rules: list[Rule] | None = None,
    enforced: frozenset[str] | None = None,
    statutory: bool = True,
    priced: Priced | None = None,
    choice: Choice | None = None,
) -> Plan:
    """Read the solution back, re-score it independently, and refuse it if the two disagree.

    `report_rules` are judged and reported (default: those the program
    enforced); only `enforced` rules (default: all reported), budgets,
    eligibility and, with `statutory`, statutory minimums must hold, since
    those the program promised.
    """
    scenario = b.scenario
    if not solution.ok:
        failed = Plan(
            scenario,
            arrangement,
            PlanStatus(solution.status.value),
            solution.message,
            seconds=timings,
            money_unit=b.unit,
        )
        return trusted(failed)  # a solver that cannot see the file's figures is not believed either
    assert solution.values is not None
    started = time.perf_counter()
    rules = b.spec.rules if report_rules is None else report_rules
    promised = frozenset(r.id for r in rules) if enforced is None else enforced
    # what every output shows, re-checked by the evaluator (pooling.published)
    shown = published(b, solution.values, rules, promised, statutory, solution.objective or 0.0)
    prices = []
    if solution.shadow is not None and solution.reduced is not None:
        prices = shadow_prices(b, solution.values, solution.shadow, solution.reduced, priced)
    timings["extract"] = time.perf_counter() - started
    plan = Plan(
        scenario,
        arrangement,
        PlanStatus.OPTIMAL,
        "",
        shown.evaluation,
        shown.allocation,
        prices,
        solver_score=solution.objective,
        seconds=timings,
        money_unit=b.unit,
        choice=choice,
    )
    if shown.refusal is not None:
        plan = plan.refused(shown.refusal)
    return trusted(plan)
