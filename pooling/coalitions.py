"""The coalition plans behind the partners' shares of the gains (MODEL.md, Partners).

Who gains from aligning: for a set C of funders, the plan in which C's
funders plan together as one funder and every other funder alone, built as
silo is. Who gains from pooling: the pooled plan in which only C's streams
pay into their pots. Shapley shares need such a plan for every coalition
(2^n of them), so each family is one program kept in HiGHS and re-solved
in place, a coalition changing only bounds and a few coefficients:

- aligning, the planner: every stream under every share and amount rule;
  coalition C's planner is that program with the other funders' budgets at
  0 and the rules not wholly C's switched off (silo.funder_spec for C).
- aligning, the area (silo.area_program with C as one planner): each
  funder's own view, held at its own optimum while it plans alone and free
  while it is in C; one more view for C, whose curves count a funder's
  spend columns in or out by coefficient; the rules of every planner in
  force; the true score maximised, excess spend absorbed.
- pooling: the optimal arrangement's program (whole streams) with every
  pooling switch fixed by its bounds, on for C's streams and off for the
  rest, and a pot with a set-up cost set up only when someone pays in.

Each plan is scored from its spend per outcome on the true curves, the way
`resolve.summarise` re-scores a draw, and refused if that and the solver's
objective disagree.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from laa.models.scenario import Rule, RuleKind, Scenario
from laa.pooling import response
from laa.pooling.build import Builder, build, money_and_rules
from laa.pooling.diagnosis import colliding_subset
from laa.pooling.inplace import KeptProgram
from laa.pooling.optimise import RESCORE_TOLERANCE
from laa.pooling.plan import PlanStatus
from laa.pooling.program import INF
from laa.pooling.resolve import SpendIndex, summarise
from laa.pooling.silo import funder_spec, own_optimum_target, silo_funders
from laa.pooling.solvers import Solution, SolveOptions
from laa.pooling.spec import ModelSpec, PoolingChoice, PoolingMode
from laa.pooling.vocabulary import PoolShare, PotUsed, RowFamily, RowLabel

Coalition = frozenset[str]
WHOLE = 1e-9  # a pooling switch this close to 0 or 1 is whole


@dataclass(frozen=True)
class CoalitionPlan:
    """One coalition's plan: its status and, when it has one, its score (MODEL.md's objective)."""

    coalition: Coalition
    status: PlanStatus
    score: float | None
    message: str = ""

    @property
    def ok(self) -> bool:
        return self.status is PlanStatus.OPTIMAL and self.score is not None


def _failed(coalition: Coalition, solution: Solution, what: str = "") -> CoalitionPlan:
    message = f"{what} ({solution.message})" if what else solution.message
    return CoalitionPlan(coalition, PlanStatus(solution.status.value), None, message)


def _scored(coalition: Coalition, spend: SpendIndex, solution: Solution, scenario: Scenario) -> CoalitionPlan:
    summary = summarise(scenario, spend, solution)
    objective = solution.objective or 0.0
    if summary.score is None:
        return _failed(coalition, solution)
    if abs(summary.score - objective) > RESCORE_TOLERANCE * max(1.0, abs(objective)):
        return CoalitionPlan(
            coalition,
            PlanStatus.ERROR,
            None,
            f"internal check failed: the solver's score {objective:.9f} differs from the "
            f"re-scored spend {summary.score:.9f}",
        )
    return CoalitionPlan(coalition, PlanStatus.OPTIMAL, summary.score)


def _planned_rules(scenario: Scenario) -> list[Rule]:
    """The rules a planner can plan for: share and amount rules (a match rule spans funders)."""
    return [r for r in scenario.rules if r.kind is not RuleKind.MATCH and scenario.rule_streams(r)]


def _planning_spec(scenario: Scenario) -> ModelSpec:
    keep = {r.id for r in _planned_rules(scenario)}
    without = frozenset(r.id for r in scenario.rules if r.id not in keep)
    return ModelSpec(scenario, PoolingChoice.aligned(), without_rules=without, statutory=False)


class _Switches:
    """Rows of a kept program that a coalition turns on or off, with their bounds as built."""

    def __init__(self, kept: KeptProgram, rows: list[int]):
        self.kept = kept
        self.rows = rows
        program = kept.program
        self.lower = [program.row_lower[r] for r in rows]
        self.upper = [program.row_upper[r] for r in rows]
        self.on: bool | None = True

    def set(self, on: bool) -> None:
        if on == self.on:
            return
        n = len(self.rows)
        if on:
            self.kept.set_row_bounds(self.rows, self.lower, self.upper)
        else:
            self.kept.set_row_bounds(self.rows, [-INF] * n, [INF] * n)
        self.on = on


def _rule_rows(b: Builder) -> dict[str, list[int]]:
    found: dict[str, list[int]] = {}
    for row, label in enumerate(b.program.row_labels):
        if label.family in (RowFamily.RULE, RowFamily.RULE_POT) and label.rule:
            found.setdefault(label.rule, []).append(row)
    return found


class AligningPlans:
    """vA(C) for any coalition C: the silo plan with C's funders planning as one (MODEL.md, Partners).

    The values the definition fixes are not re-derived here: the caller holds the silo score
    (C of at most one funder) and the aligned score (every funder).
    """

    def __init__(self, scenario: Scenario, options: SolveOptions | None = None):
        self.scenario = scenario
        self.funders = silo_funders(scenario)
        spec = _planning_spec(scenario)
        self._rule_funders = {
            r.id: frozenset(scenario.funder_of(s) for s in scenario.rule_streams(r))
            for r in _planned_rules(scenario)
        }
        self._streams = {f: [s.id for s in scenario.streams if s.funder == f] for f in self.funders}

        self.planner = KeptProgram(build(spec), options, primal=True)
        self._budgets = {f: self._budget_rows(self.planner, f) for f in self.funders}
        self._planner_rules = {
            r: _Switches(self.planner, rows) for r, rows in _rule_rows(self.planner.builder).items()
        }
        self._in_planner: set[str] = set(self.funders)

        self._view = _fresh_view(self.funders)
        b = money_and_rules(spec)
        self._holds = {f: self._own_view(b, f, self._streams[f]) for f in self.funders}
        every = [s.id for s in scenario.streams]
        self._coalition_hold = self._own_view(b, self._view, every)
        for outcome in scenario.outcomes:
            response.add_curve(b.program, outcome, b.x_by_outcome.get(outcome.id, []), absorb_excess=True)
        self.area = KeptProgram(b, options, primal=True)
        self._area_spend = SpendIndex.of(b)
        self._area_rules = {r: _Switches(self.area, rows) for r, rows in _rule_rows(b).items()}
        # (response row of the coalition's view, spend column) for every spend column of each funder
        self._coalition_terms: dict[str, list[tuple[int, int]]] = {f: [] for f in self.funders}
        for outcome in scenario.outcomes:
            label = RowLabel(RowFamily.RESPONSE, outcome=outcome.id, funder=self._view)
            row = b.program.row_index.get(label)
            if row is None:
                continue
            for f in self.funders:
                self._coalition_terms[f] += [
                    (row, c) for s in self._streams[f] for c in b.x_cols(s, [outcome.id], scenario.years)
                ]
        self._in_area: set[str] = set(self.funders)  # the coalition's view counts everyone as built
        self._held: dict[int, float] = {}
        self.own_optimum: dict[str, float] = {}
        self.alone_failure: CoalitionPlan | None = None
        for f in self.funders:
            solution = self._solve_planner(frozenset({f}))
            if not solution.ok:
                self.alone_failure = _failed(frozenset({f}), solution, self._cannot(frozenset({f})))
                break
            self.own_optimum[f] = solution.objective or 0.0

    @property
    def kept(self) -> list[KeptProgram]:
        return [self.planner, self.area]

    def _budget_rows(self, kept: KeptProgram, funder: str) -> tuple[list[int], list[float]]:
        program = kept.program
        rows = [
            program.row_index[RowLabel(RowFamily.BUDGET, stream=s, years=(t,))]
            for s in self._streams[funder]
            for t in self.scenario.years
        ]
        return rows, [program.row_lower[r] for r in rows]

    def _own_view(self, b: Builder, view: str, streams: list[str]) -> int:
        """A planner's own view of every outcome its streams reach, and the row holding its score."""
        program, scenario = b.program, self.scenario
        own_score = []
        for outcome in scenario.outcomes:
            spend = [c for s in streams for c in b.x_cols(s, [outcome.id], scenario.years)]
            if not spend:
                continue
            progress = response.add_curve(program, outcome, spend, view=view, in_objective=False)
            assert progress is not None
            own_score.append((progress, outcome.weight / outcome.gap))
        return program.row(RowLabel(RowFamily.SILO_OWN_OPTIMUM, funder=view), own_score)

    def _cannot(self, coalition: Coalition) -> str:
        names = ", ".join(self.scenario.label("funders", f) for f in sorted(coalition))
        together = "together " if len(coalition) > 1 else ""
        return f"{names} cannot plan their streams {together}under their own rules"

    # --- moving the programs to a coalition ---

    def _solve_planner(self, coalition: Coalition) -> Solution:
        for f in self.funders:
            inside = f in coalition
            if inside != (f in self._in_planner):
                rows, amounts = self._budgets[f]
                values = amounts if inside else [0.0] * len(rows)
                self.planner.set_row_bounds(rows, values, values)
        self._in_planner = set(coalition)
        for rule, switch in self._planner_rules.items():
            switch.set(self._rule_funders[rule] <= coalition)
        return self.planner.run()

    def _hold(self, row: int, target: float) -> None:
        if self._held.get(row) != target:
            self.area.set_row_bounds([row], [target], [INF])
            self._held[row] = target

    def _solve_area(self, coalition: Coalition, coalition_optimum: float | None) -> Solution:
        for f in self.funders:
            inside = f in coalition
            if inside != (f in self._in_area):
                for row, col in self._coalition_terms[f]:
                    self.area.set_coeff(row, col, -1.0 if inside else 0.0)
            target = -INF if inside else own_optimum_target(self.own_optimum[f])
            self._hold(self._holds[f], target)
        self._in_area = set(coalition)
        held = -INF if coalition_optimum is None else own_optimum_target(coalition_optimum)
        self._hold(self._coalition_hold, held)
        for rule, switch in self._area_rules.items():
            funders = self._rule_funders[rule]
            switch.set(len(funders) == 1 or funders <= coalition)
        return self.area.run()

    def plan(self, coalition: Collection[str]) -> CoalitionPlan:
        """The coalition's plan, re-solved in place from wherever the programs were left."""
        members = frozenset(coalition)
        if self.alone_failure is not None:
            return self.alone_failure
        optimum = self.own_optimum[next(iter(members))] if len(members) == 1 else None
        if len(members) > 1:
            solution = self._solve_planner(members)
            if not solution.ok:
                return _failed(members, solution, self._cannot(members))
            optimum = solution.objective or 0.0
        solution = self._solve_area(members, optimum)
        if not solution.ok:
            return _failed(members, solution, "the area's plan around its planners failed")
        return _scored(members, self._area_spend, solution, self.scenario)

    def why(self, coalition: Collection[str]) -> list[str]:
        """Which rules and budgets collide when the coalition plans alone (built afresh to be named)."""
        spec, streams = funder_spec(self.scenario, set(coalition))
        return [f.text for f in colliding_subset(build(spec, streams))]


class PoolingPlans:
    """vP(C) for any coalition C: only C's streams pay into their pots (MODEL.md, Partners)."""

    def __init__(self, scenario: Scenario, options: SolveOptions | None = None):
        self.scenario = scenario
        self.funders = silo_funders(scenario)
        b = build(ModelSpec(scenario, PoolingChoice.chosen_by_solver(partial=False)))
        self.kept = KeptProgram(b, options, relax=True)
        program = b.program
        self._spend = SpendIndex.of(b)
        self._switch = {s: col for s in b.streams if (col := program.find(PoolShare(s))) is not None}
        self._used = {p: col for p in b.pots if (col := program.find(PotUsed(p))) is not None}
        self._integer = [j for j, integer in enumerate(program.col_integer) if integer]
        # funders with a stream that can pay into a pot: nobody else changes a pooling plan
        self.poolers = frozenset(scenario.funder_of(s) for s in self._switch)

    def choice(self, coalition: Collection[str]) -> PoolingChoice:
        """The pooling choice of the coalition's plan: its streams pool their largest share."""
        members = frozenset(coalition)
        shares = {
            s: self.scenario.stream(s).pool_share_limit
            for s in self._switch
            if self.scenario.funder_of(s) in members
        }
        used = frozenset(p.id for p in self.scenario.pots if any(m in shares for m in p.members))
        return PoolingChoice(PoolingMode.FIXED, shares, used)

    def plan(self, coalition: Collection[str]) -> CoalitionPlan:
        members = frozenset(coalition)
        choice = self.choice(members)
        cols = list(self._switch.values()) + list(self._used.values())
        values = [1.0 if s in choice.shares else 0.0 for s in self._switch]
        values += [1.0 if p in choice.pots_used else 0.0 for p in self._used]
        self.kept.set_col_bounds(cols, values, values)
        solution = self.kept.run()
        if not solution.ok or solution.values is None:
            return _failed(members, solution)
        switches = solution.values[self._integer]
        if len(switches) and float(abs(switches - switches.round()).max()) > WHOLE:
            return CoalitionPlan(
                members, PlanStatus.ERROR, None, "internal check failed: a pot's switch came out fractional"
            )
        return _scored(members, self._spend, solution, self.scenario)

    def why(self, coalition: Collection[str]) -> list[str]:
        spec = ModelSpec(self.scenario, self.choice(coalition))
        return [f.text for f in colliding_subset(build(spec))]


def _fresh_view(funders: list[str]) -> str:
    """A view name no funder has: the coalition's copy of the curves."""
    name = "coalition"
    while name in funders:
        name += "'"
    return name
