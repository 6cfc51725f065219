"""The programs behind the freedoms: marginal values from one solve, exact gains from re-solves.

A negotiator can ask a department for two kinds of freedom: let stream S
pay for outcome O (an eligibility limit lifted), or relax rule R. The
marginal value of each comes from one solve of the plan: a rule's value is
its dual; an eligibility limit's is the reduced cost of a spend column the
plan does not have, so every ineligible pair is given a column held at
zero and the solver prices it. The exact gain of a freedom is the score of
the plan re-solved with it granted, less the plan's own.

These functions return plain numbers keyed by the scenario's ids; naming,
ranking and wording the asks is `laa.scenarios.analysis.freedoms`' job.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from laa.models.errors import LaaError
from laa.models.scenario import Arrangement, Scenario
from laa.pooling.plans.optimise import optimise, plan_from
from laa.pooling.plans.plan import Plan
from laa.pooling.program.build import build
from laa.pooling.program.spec import ModelSpec, PoolingChoice
from laa.pooling.solving.solvers import SolveOptions, solve

# below this a marginal value or a gain is solver noise
PRICE_NOISE = 1e-9
FREEDOM_ARRANGEMENTS = (Arrangement.ALIGNED, Arrangement.POOLED, Arrangement.OPTIMAL)


@dataclass(frozen=True)
class FreedomValues:
    """The marginal value of every freedom on one plan, and what is needed to price one exactly.

    `eligibility[(stream, outcome)]` is the score per GBP 1m of letting the
    stream fund the outcome (the best year's reduced cost, at least 0);
    `rules[rule]` the score per GBP 1m of relaxing the rule (its best row's
    price). `base` is the program they were priced on (for the optimal
    arrangement, its pooling choice held fixed) and `score` its optimum.
    """

    arrangement: Arrangement
    base: ModelSpec
    score: float
    eligibility: dict[tuple[str, str], float]
    rules: dict[str, float]


def require_feasible(plan: Plan, arrangement: Arrangement) -> None:
    """Freedoms are priced on a plan with numbers; say which plan failed and why otherwise."""
    if plan.score is None:
        raise LaaError(
            f"the {arrangement.value} plan is {plan.status.value}: {plan.message}; "
            "freedoms can be priced only on a feasible plan"
        )


def base_spec(scenario: Scenario, arrangement: Arrangement, options: SolveOptions | None) -> ModelSpec:
    """The program the freedoms are priced on; for `optimal`, its pooling choice held fixed."""
    if arrangement in (Arrangement.ALIGNED, Arrangement.POOLED):
        return ModelSpec(scenario, PoolingChoice.for_arrangement(scenario, arrangement))
    if arrangement is Arrangement.OPTIMAL:
        spec = ModelSpec(scenario, PoolingChoice.for_arrangement(scenario, arrangement))
        plan = optimise(spec, Arrangement.OPTIMAL, options)
        require_feasible(plan, arrangement)
        assert plan.spending is not None
        return ModelSpec(scenario, PoolingChoice.fixed(plan.spending.shares, plan.spending.pots_used))
    raise LaaError(
        f"freedoms are priced on a joint plan: aligned, pooled or optimal, not {arrangement.value}"
    )


def freedom_values(
    scenario: Scenario, arrangement: Arrangement, options: SolveOptions | None = None
) -> FreedomValues:
    """Every freedom's marginal value from one solve of the arrangement's plan."""
    spec = base_spec(scenario, arrangement, options)
    eligible = {s.id: set(scenario.eligible(s.id)) for s in scenario.streams}
    candidates = frozenset(
        (s, o.id) for s in eligible for o in scenario.outcomes if o.id not in eligible[s]
    )
    b = build(replace(spec, candidates=candidates))
    solution = solve(b.program, options)
    plan = plan_from(b, solution, arrangement, {})
    require_feasible(plan, arrangement)
    if solution.reduced is None:
        raise LaaError("the solver gave no marginal values for this plan")
    eligibility: dict[tuple[str, str], float] = {}
    for s, o in candidates:
        for col in b.x_cols(s, [o], scenario.years):  # the candidate's columns, held at zero
            eligibility[(s, o)] = max(eligibility.get((s, o), 0.0), float(solution.reduced[col]))
    rules: dict[str, float] = {}
    for price in plan.shadow_prices:
        if price.kind == "rule":
            rules[price.id] = max(rules.get(price.id, 0.0), price.per_million)
    return FreedomValues(arrangement, spec, plan.score or 0.0, eligibility, rules)


def eligibility_gain(
    values: FreedomValues, stream: str, outcome: str, options: SolveOptions | None = None
) -> float | None:
    """The exact score gained by letting `stream` fund `outcome` (None: the plan then fails)."""
    granted = replace(values.base, extra_eligible=frozenset({(stream, outcome)}))
    return _gain(granted, values.arrangement, values.score, options)


def rule_gain(values: FreedomValues, rule: str, options: SolveOptions | None = None) -> float | None:
    """The exact score gained by dropping `rule` (None: the plan then fails)."""
    dropped = replace(values.base, without_rules=frozenset({rule}))
    return _gain(dropped, values.arrangement, values.score, options)


def pooling_scores(
    scenario: Scenario, options: SolveOptions | None = None
) -> tuple[float, float | None]:
    """The aligned plan's score (it must be feasible) and the pooled plan's (None if it fails)."""
    aligned = optimise(ModelSpec(scenario, PoolingChoice.aligned()), Arrangement.ALIGNED, options)
    pooled = optimise(ModelSpec(scenario, PoolingChoice.pooled(scenario)), Arrangement.POOLED, options)
    require_feasible(aligned, Arrangement.ALIGNED)
    return aligned.score or 0.0, pooled.score


def aligned_gain(
    scenario: Scenario,
    base: float,
    extra_eligible: frozenset[tuple[str, str]] = frozenset(),
    without_rules: frozenset[str] = frozenset(),
    options: SolveOptions | None = None,
) -> float | None:
    """The aligned plan's gain over `base` with those eligibilities granted and rules dropped."""
    spec = ModelSpec(
        scenario, PoolingChoice.aligned(), extra_eligible=extra_eligible, without_rules=without_rules
    )
    return _gain(spec, Arrangement.ALIGNED, base, options)


def _gain(
    spec: ModelSpec, arrangement: Arrangement, base: float, options: SolveOptions | None
) -> float | None:
    plan = optimise(spec, arrangement, options)
    if plan.score is None:
        return None
    gain = plan.score - base
    return 0.0 if abs(gain) < PRICE_NOISE else gain


def priced_plan(values: FreedomValues, options: SolveOptions | None = None) -> Plan:
    """The plan the freedoms were priced on, as a plan (its figures are each freedom's "before")."""
    return optimise(values.base, values.arrangement, options)


def granted_plan(
    values: FreedomValues,
    stream: str | None = None,
    outcome: str | None = None,
    rule: str | None = None,
    options: SolveOptions | None = None,
) -> Plan:
    """The plan re-solved with one freedom granted: `stream` may fund `outcome`, or `rule` is dropped."""
    if rule is not None:
        spec = replace(values.base, without_rules=frozenset({rule}))
    else:
        assert stream is not None and outcome is not None
        spec = replace(values.base, extra_eligible=frozenset({(stream, outcome)}))
    return optimise(spec, values.arrangement, options)
