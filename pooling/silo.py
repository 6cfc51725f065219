"""The silo arrangement (MODEL.md, Arrangements: silo).

Each funder plans its own streams alone, under the share and amount rules
that involve only its streams, as if no one else spent on any outcome, its
plan within the curves' widths. A funder often has many equally good
plans, and which one a solver returns would change the area's sum; so the
silo plan is defined as the best for the area among them: a second program
over every funder's spend holds each funder's own-view score at its optimum
(to a relative 1e-9) and maximises the true score, on which the funders'
sum may exceed the curves' widths to no effect. Rules spanning funders,
match rules and statutory minimums are not planned for; the plan lists the
ones it breaks.
"""

from __future__ import annotations

import time

from models.scenario import Arrangement, Rule, Scenario
from pooling import response
from pooling.build import build, money_and_rules
from pooling.optimise import plan_from
from pooling.plan import Plan, PlanStatus
from pooling.program import RowLabel
from pooling.solvers import SolveOptions, solve
from pooling.spec import ModelSpec, PoolingChoice

OWN_OPTIMUM_TOLERANCE = 1e-9
# a solver's optimum may overstate what its own rows allow by its feasibility tolerance (CBC: 1e-7)
SOLVER_TOLERANCE = 1e-7


def own_rules(scenario: Scenario, funder: str) -> list[Rule]:
    """Share and amount rules whose streams all belong to `funder`."""
    found = []
    for rule in scenario.rules:
        if rule.kind.value == "match":
            continue
        streams = scenario.rule_streams(rule)
        if streams and all(scenario.funder_of(s) == funder for s in streams):
            found.append(rule)
    return found


def funder_spec(scenario: Scenario, funder: str) -> tuple[ModelSpec, list[str]]:
    """The program a funder plans alone: its streams, its own rules, no statutory minimums."""
    streams = [s.id for s in scenario.streams if s.funder == funder]
    return _spec(scenario, {r.id for r in own_rules(scenario, funder)}), streams


def plan_silo(scenario: Scenario, options: SolveOptions | None = None) -> Plan:
    options = options or SolveOptions()
    timings: dict[str, float] = {"build": 0.0, "solve": 0.0}
    funders = [f.id for f in scenario.funders if any(s.funder == f.id for s in scenario.streams)]
    rules_of = {f: own_rules(scenario, f) for f in funders}
    all_own = {r.id for rules in rules_of.values() for r in rules}
    optimum: dict[str, float] = {}
    for f in funders:
        spec, streams = funder_spec(scenario, f)
        started = time.perf_counter()
        b = build(spec, streams)
        timings["build"] += time.perf_counter() - started
        solution = solve(b.program, options)
        timings["solve"] += solution.seconds
        if not solution.ok:
            name = scenario.label("funders", f)
            message = f"{name} cannot plan its own streams alone: {solution.message}"
            return Plan(
                scenario, Arrangement.SILO, PlanStatus(solution.status.value), message, seconds=timings
            )
        optimum[f] = solution.objective or 0.0

    started = time.perf_counter()
    spec = _spec(scenario, all_own)
    b = money_and_rules(spec)
    program = b.program
    for f in funders:
        streams = {s.id for s in scenario.streams if s.funder == f}
        own_score = []
        for outcome in scenario.outcomes:
            spend = [
                program.col(("x", s, outcome.id, t))
                for s in streams
                for t in scenario.years
                if program.has(("x", s, outcome.id, t))
            ]
            progress = response.add_curve(program, outcome, spend, view=f, in_objective=False)
            assert progress is not None
            own_score.append((progress, outcome.weight / outcome.gap))
        target = optimum[f] - max(OWN_OPTIMUM_TOLERANCE * abs(optimum[f]), SOLVER_TOLERANCE)
        program.row(RowLabel("silo_own_optimum", funder=f), own_score, lower=target)
    for outcome in scenario.outcomes:
        spend = b.x_by_outcome.get(outcome.id, [])
        response.add_curve(program, outcome, spend, absorb_excess=True)
    timings["build"] += time.perf_counter() - started
    solution = solve(program, options)
    timings["solve"] += solution.seconds
    plan = plan_from(
        b,
        solution,
        Arrangement.SILO,
        timings,
        report_rules=scenario.rules,
        enforced=frozenset(all_own),
        statutory=False,
    )
    plan.shadow_prices = []  # the second program's duals price the silo definition, not money
    return plan


def _spec(scenario: Scenario, rules: set[str]) -> ModelSpec:
    without = frozenset(r.id for r in scenario.rules if r.id not in rules)
    return ModelSpec(scenario, PoolingChoice.aligned(), without_rules=without, statutory=False)
