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
from collections.abc import Collection, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING

import highspy
from laa.models.scenario import Arrangement, Rule, Scenario
from laa.pooling import response
from laa.pooling.build import Builder, build, money_and_rules
from laa.pooling.optimise import plan_from
from laa.pooling.plan import Plan, PlanStatus
from laa.pooling.solvers import Feature, SolveOptions, Solver, cold
from laa.pooling.spec import ModelSpec, PoolingChoice
from laa.pooling.vocabulary import RowFamily, RowLabel

if TYPE_CHECKING:
    from laa.pooling.resolve import Summary

# who plans together: planner id -> its funders (silo: each funder alone; MODEL.md, Partners: a
# coalition planning as one funder, its view the union of its members', its rules those whose
# streams all belong to it)
Planners = Mapping[str, frozenset[str]]

OWN_OPTIMUM_TOLERANCE = 1e-9
# a solver's optimum may overstate what its own rows allow by its feasibility tolerance (CBC: 1e-7)
SOLVER_TOLERANCE = 1e-7


def own_rules(scenario: Scenario, funder: str | Collection[str]) -> list[Rule]:
    """Share and amount rules whose streams all belong to `funder` (or to a planner's funders)."""
    group = {funder} if isinstance(funder, str) else set(funder)
    found = []
    for rule in scenario.rules:
        if rule.kind.value == "match":
            continue
        streams = scenario.rule_streams(rule)
        if streams and all(scenario.funder_of(s) in group for s in streams):
            found.append(rule)
    return found


def funder_spec(scenario: Scenario, funder: str | Collection[str]) -> tuple[ModelSpec, list[str]]:
    """The program a funder (or a planner's funders) plans alone: its streams, its own rules, no
    statutory minimums."""
    group = {funder} if isinstance(funder, str) else set(funder)
    streams = [s.id for s in scenario.streams if s.funder in group]
    return _spec(scenario, {r.id for r in own_rules(scenario, group)}), streams


def silo_funders(scenario: Scenario) -> list[str]:
    return [f.id for f in scenario.funders if any(s.funder == f.id for s in scenario.streams)]


def alone(scenario: Scenario) -> dict[str, frozenset[str]]:
    """The silo's planners: every funder with streams, on its own."""
    return {f: frozenset({f}) for f in silo_funders(scenario)}


def own_optimum_target(optimum: float) -> float:
    """The own-view score a funder's part of the silo plan must keep."""
    return optimum - max(OWN_OPTIMUM_TOLERANCE * abs(optimum), SOLVER_TOLERANCE)


def area_program(
    scenario: Scenario, optimum: dict[str, float], planners: Planners | None = None
) -> tuple[Builder, dict[str, int]]:
    """The second program: every funder's spend, each planner's own view held at its optimum,
    the true score maximised. Returns it and each planner's own-optimum row."""
    planners = planners or {f: frozenset({f}) for f in optimum}
    all_own = {r.id for f in optimum for r in own_rules(scenario, planners[f])}
    b = money_and_rules(_spec(scenario, all_own))
    program = b.program
    rows = {}
    for f in optimum:
        streams = [s.id for s in scenario.streams if s.funder in planners[f]]
        own_score = []
        for outcome in scenario.outcomes:
            spend = [c for s in streams for c in b.x_cols(s, [outcome.id], scenario.years)]
            if not spend:  # the funder cannot move this outcome: its view would add columns fixed at 0
                continue
            progress = response.add_curve(program, outcome, spend, view=f, in_objective=False)
            assert progress is not None
            own_score.append((progress, outcome.weight / outcome.gap))
        rows[f] = program.row(
            RowLabel(RowFamily.SILO_OWN_OPTIMUM, funder=f), own_score, lower=own_optimum_target(optimum[f])
        )
    for outcome in scenario.outcomes:
        response.add_curve(program, outcome, b.x_by_outcome.get(outcome.id, []), absorb_excess=True)
    return b, rows


def plan_silo(
    scenario: Scenario,
    options: SolveOptions | None = None,
    planners: Planners | None = None,
    solver: Solver = cold,
) -> Plan:
    """The silo plan; with `planners`, the plan in which each group of funders plans as one."""
    planners = planners or alone(scenario)
    options = options or SolveOptions()
    begun = time.perf_counter()  # the funders' programs and the area's share one time limit
    timings: dict[str, float] = {"build": 0.0, "solve": 0.0}
    optimum: dict[str, float] = {}
    for f, group in planners.items():
        spec, streams = funder_spec(scenario, group)
        started = time.perf_counter()
        b = build(spec, streams)
        timings["build"] += time.perf_counter() - started
        solution = solver(b.program, options.remaining(begun), f"own view of {f}")
        timings["solve"] += solution.seconds
        if not solution.ok:
            return Plan(
                scenario,
                Arrangement.SILO,
                PlanStatus(solution.status.value),
                _alone(scenario, f, solution.message),
                seconds=timings,
            )
        optimum[f] = solution.objective or 0.0
    started = time.perf_counter()
    b, _ = area_program(scenario, optimum, planners)
    timings["build"] += time.perf_counter() - started
    # measured: the area program took 9.7 s at L by dual simplex (its own-optimum rows leave the dual
    # much degenerate work), 1.6 s by primal and 1.6 s by interior point; at XL 32 s by primal, 12 s
    # by interior point (with crossover, so the solution is a vertex as the simplex's is); a solver
    # without one uses its own default
    solution = solver(b.program, replace(options.remaining(begun), interior_point=True), "area")
    timings["solve"] += solution.seconds
    all_own = frozenset(r.id for f in optimum for r in own_rules(scenario, planners[f]))
    plan = plan_from(
        b, solution, Arrangement.SILO, timings, report_rules=scenario.rules, enforced=all_own, statutory=False
    )
    plan.shadow_prices = []  # the second program's duals price the silo definition, not money
    return plan


def _alone(scenario: Scenario, funder: str, reason: str) -> str:
    return f"{scenario.label('funders', funder)} cannot plan its own streams alone: {reason}"


class SiloModel:
    """The silo plan's programs kept in HiGHS, for re-solving changed effects and amounts in place.

    With a solver that cannot re-solve in place (`note` says so), each change is planned afresh.
    """

    def __init__(self, scenario: Scenario, options: SolveOptions | None = None):
        from laa.pooling.resolve import ReusableModel, rebuild_note  # resolve builds on this module

        self.options = options or SolveOptions()
        self.in_place = self.options.supports(Feature.RESOLVE_IN_PLACE)
        self.note = "" if self.in_place else rebuild_note(self.options)
        self.funders: dict[str, ReusableModel] = {}
        if not self.in_place:
            return
        for f in silo_funders(scenario):
            spec, streams = funder_spec(scenario, f)
            self.funders[f] = ReusableModel(build(spec, streams), Arrangement.SILO, options)
        optimum = {f: 0.0 for f in self.funders}
        b, self._rows = area_program(scenario, optimum)
        self.area = ReusableModel(b, Arrangement.SILO, options)

    def summary(self, changed: Scenario) -> Summary:
        from laa.pooling.resolve import Summary

        if not self.in_place:
            plan = plan_silo(changed, self.options)
            if plan.evaluation is None or plan.score is None:
                return Summary(plan.status, None, [])
            return Summary(plan.status, plan.score, plan.evaluation.outcomes)
        for f, model in self.funders.items():
            solution = model.run(changed)
            if not solution.ok:
                return Summary(PlanStatus(solution.status.value), None, [])
            target = own_optimum_target(solution.objective or 0.0)
            self.area.highs.changeRowBounds(self._rows[f], target, highspy.kHighsInf)
        return self.area.summary(changed)


def _spec(scenario: Scenario, rules: set[str]) -> ModelSpec:
    without = frozenset(r.id for r in scenario.rules if r.id not in rules)
    return ModelSpec(scenario, PoolingChoice.aligned(), without_rules=without, statutory=False)
