"""The coalition plans behind the partners' shares of the gains (MODEL.md, Partners).

Who gains from aligning: for a set C of funders, the plan in which C's
funders plan together as one funder and every other funder alone, built as
silo is. Who gains from pooling: the pooled plan in which only C's streams
pay into their pots. Shapley shares need such a plan for every coalition
(2^n of them), so each family is one program kept in HiGHS and re-solved
in place, a coalition changing only bounds and a few coefficients:

- aligning, the planner: every stream under every share and amount rule;
  coalition C's planner is that program with the other funders' spend
  columns held at 0 and the rules not wholly C's switched off (the same
  optimum as planners.funder_spec for C: the others' money simply goes unspent,
  and nothing in the planner's score or rules counts it).
- aligning, the area (silo.face_program with C as one planner): every
  planner held on the optimal face of its own program by bounds (each
  funder alone, found once; C, found for C), C's spend on each outcome a
  row whose coefficients count a funder's spend columns in or out; the
  rules of every planner in force; the true score maximised, excess spend
  absorbed.
- pooling: the optimal arrangement's program (whole streams) with every
  pooling switch fixed by its bounds, on for C's streams and off for the
  rest, and a pot with a set-up cost set up only when someone pays in.

Each plan is scored from its spend per outcome on the true curves, the way
`resolve.summarise` re-scores a draw, and refused if that and the solver's
objective disagree.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, replace
from itertools import combinations

import numpy as np
from laa.models.scenario import Rule, RuleKind, Scenario
from laa.pooling.plans.diagnosis import colliding_subset
from laa.pooling.plans.plan import PlanStatus
from laa.pooling.plans.planners import funder_spec, silo_funders
from laa.pooling.plans.published import RESCORE_TOLERANCE
from laa.pooling.plans.resolve import SpendIndex, summarise
from laa.pooling.plans.silo import Face, Indexed, add_true_curves
from laa.pooling.program.build import build, money_and_rules
from laa.pooling.program.builder import Builder
from laa.pooling.program.labelled import INF, Program
from laa.pooling.program.spec import ModelSpec, PoolingChoice, PoolingMode
from laa.pooling.program.vocabulary import PoolShare, PotUsed, RowFamily, RowLabel, StreamCarry
from laa.pooling.solving.kept import DUAL_SIMPLEX, PRIMAL_SIMPLEX, KeptProgram
from laa.pooling.solving.solvers import Solution, SolveOptions

Coalition = frozenset[str]
WHOLE = 1e-9  # a pooling switch this close to 0 or 1 is whole


@dataclass(frozen=True)
class CoalitionPlan:
    """One coalition's plan: its status and, when it has one, its score (MODEL.md's objective)."""

    coalition: Coalition
    status: PlanStatus
    score: float | None
    message: str = ""
    pots: frozenset[str] = frozenset()  # the pots the plan sets up (pooling plans)

    @property
    def ok(self) -> bool:
        """True when the coalition has a proven optimal plan with a score."""
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

    As `silo.plan_silo` does, each planner's own optimum is found first and the area's program then
    holds every planner on the optimal face of its own program (`silo.Face`: columns its duals
    price fixed where they are, rows they price tight, its spend on each outcome within what its
    curves' optimum allows) while the true score is maximised. Here both programs are kept: the
    planner's is re-solved for C, and the area's takes C's face and every other funder's (found
    once, alone) as bounds, C's spend on each outcome being one row whose coefficients count its
    members' spend columns in or out.

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

        # measured on a generated 12-funder area (150 coalitions): the planner re-solves as fast by
        # primal as by dual simplex from the last basis; the area's program, whose holds and
        # coalition coefficients move, 2.5x faster by dual (3.1 s against 7.9 s; 26 s by ipm)
        self._planner_builder = build(spec)
        self.planner = KeptProgram(self._planner_builder, options, simplex=PRIMAL_SIMPLEX)
        self._spend = {f: self._spend_cols(self._planner_builder, f) for f in self.funders}
        self._planner_rules = {
            r: _Switches(self.planner, rows) for r, rows in _rule_rows(self._planner_builder).items()
        }
        self._in_planner: set[str] = set(self.funders)

        b = money_and_rules(spec)
        view = _fresh_view(self.funders)
        years = scenario.years
        self._own_spend = {  # (funder, outcome) -> the row of its spend there
            (f, o.id): b.program.row(
                RowLabel(RowFamily.SILO_OWN_SPEND, outcome=o.id, funder=f),
                [(c, 1.0) for s in self._streams[f] for c in b.x_cols(s, [o.id], years)],
            )
            for f in self.funders
            for o in scenario.outcomes
            if any(b.x_cols(s, [o.id], years) for s in self._streams[f])
        }
        self._coalition_spend: dict[str, int] = {}  # outcome -> the row of the coalition's spend there
        self._coalition_terms: dict[str, list[tuple[int, int]]] = {f: [] for f in self.funders}
        for o in scenario.outcomes:
            spend = [
                (f, c) for f in self.funders for s in self._streams[f] for c in b.x_cols(s, [o.id], years)
            ]
            if not spend:
                continue
            row = b.program.row(
                RowLabel(RowFamily.SILO_OWN_SPEND, outcome=o.id, funder=view), [(c, 1.0) for _, c in spend]
            )
            self._coalition_spend[o.id] = row
            for f, c in spend:
                self._coalition_terms[f].append((row, c))
        add_true_curves(b)
        self.area = KeptProgram(b, options, simplex=DUAL_SIMPLEX)
        self._area_spend = SpendIndex.of(b)
        self._base = _Bounds.of(b.program)
        self._area_rule_rows = _rule_rows(b)
        self._in_area: set[str] = set(self.funders)  # the coalition's rows count everyone as built
        self._planner_upper = np.asarray(self.planner.program.col_upper, dtype=np.float64)
        self._places()

        self._alone: dict[str, tuple[Indexed, Indexed]] = {}  # each funder's hold, planning alone
        self.alone_failure: CoalitionPlan | None = None
        for f in self.funders:
            members = frozenset({f})
            solution = self._solve_planner(members)
            if not solution.ok:
                self.alone_failure = _failed(members, solution, self._cannot(members))
                break
            face = self._face(members, {o: row for (g, o), row in self._own_spend.items() if g == f})
            self._alone[f] = self._hold(face, solution)

    @property
    def kept(self) -> list[KeptProgram]:
        """The programs kept in HiGHS between coalitions: the planner's and the area's."""
        return [self.planner, self.area]

    def _spend_cols(self, b: Builder, funder: str) -> tuple[list[int], list[float]]:
        """The funder's spend columns, with their upper bounds as built."""
        cols = [c for s in self._streams[funder] for c in b.x_cols(s, b.outcomes_of_stream[s], b.years)]
        return cols, [b.program.col_upper[c] for c in cols]

    def _face(self, members: Coalition, spend_rows: dict[str, int]) -> Face:
        """Where the planner of `members` sits in both programs: a spend or carry column has one index
        in both (declared before any curve); a money or rule row is found in the area by its label
        (`_area_row`)."""
        planner = self._planner_builder
        cols = [c for f in sorted(members) for c in self._columns[f]]
        rows = [i for f in sorted(members) for i in self._rows[f]]
        shared = [r for r, funders in self._rule_funders.items() if len(funders) > 1 and funders <= members]
        rows += [i for r in shared for i in self._planner_rule_rows.get(r, [])]
        curves = tuple(
            ((*curve.segments, *(() if curve.excess is None else (curve.excess,))), spend_rows[curve.outcome])
            for curve in planner.curves
            if curve.outcome in spend_rows
        )
        index = np.array(cols, dtype=np.int64)
        at = np.array(rows, dtype=np.int64)
        return Face("+".join(sorted(members)), index, index, at, self._area_row[at], curves)

    def _places(self) -> None:
        """Each funder's spend and carry columns and its own rows (money, carry, its own rules) in the
        planner's program, and where each planner row is in the area's program, found once."""
        planner = self.planner.program
        area = self.area.program.row_index  # the two are built in one order but for their curves
        self._area_row = np.array([area.get(label, -1) for label in planner.row_labels], dtype=np.int64)
        carry: dict[str, list[int]] = {}
        for key, j in planner.keys_of(StreamCarry):
            carry.setdefault(key.stream, []).append(j)
        owner = {s: f for f in self.funders for s in self._streams[f]}
        by_funder: dict[str, list[int]] = {f: [] for f in self.funders}
        alone = {r: next(iter(funders)) for r, funders in self._rule_funders.items() if len(funders) == 1}
        for i, label in enumerate(planner.row_labels):
            if label.family is RowFamily.RESPONSE:
                continue
            f = owner.get(label.stream or "") or alone.get(label.rule or "")
            if f is not None:
                by_funder[f].append(i)
        self._columns = {
            f: self._spend[f][0] + [j for s in self._streams[f] for j in carry.get(s, [])]
            for f in self.funders
        }
        self._rows = by_funder
        self._planner_rule_rows = _rule_rows(self._planner_builder)

    def _hold(self, face: Face, solution: Solution) -> tuple[Indexed, Indexed]:
        base = self._base
        return face.hold(
            solution,
            self._planner_upper,
            base.col_upper[face.cols],
            base.row_lower[face.rows],
            base.row_upper[face.rows],
        )

    def _cannot(self, coalition: Coalition) -> str:
        names = ", ".join(self.scenario.label("funders", f) for f in sorted(coalition))
        together = "together " if len(coalition) > 1 else ""
        return f"{names} cannot plan their streams {together}under their own rules"

    # --- moving the programs to a coalition ---

    def _solve_planner(self, coalition: Coalition) -> Solution:
        for f in self.funders:
            inside = f in coalition
            if inside != (f in self._in_planner):
                cols, upper = self._spend[f]
                self.planner.set_col_bounds(cols, [0.0] * len(cols), upper if inside else [0.0] * len(cols))
        self._in_planner = set(coalition)
        for rule, switch in self._planner_rules.items():
            switch.set(self._rule_funders[rule] <= coalition)
        return self.planner.run()

    def _solve_area(self, coalition: Coalition, held: tuple[Indexed, Indexed]) -> Solution:
        for f in self.funders:
            inside = f in coalition
            if inside != (f in self._in_area):
                for row, col in self._coalition_terms[f]:
                    self.area.set_coeff(row, col, 1.0 if inside else 0.0)
        self._in_area = set(coalition)
        bounds = self._base.copy()
        free = [
            row
            for rule, rows in self._area_rule_rows.items()
            if not (len(self._rule_funders[rule]) == 1 or self._rule_funders[rule] <= coalition)
            for row in rows
        ]
        free += [row for (f, _), row in self._own_spend.items() if f in coalition]
        bounds.free_rows(free)
        for f, hold in self._alone.items():
            if f not in coalition:
                bounds.apply(hold)
        bounds.apply(held)
        self.area.set_col_bounds(range(len(bounds.col_lower)), bounds.col_lower, bounds.col_upper)
        self.area.set_row_bounds(range(len(bounds.row_lower)), bounds.row_lower, bounds.row_upper)
        return self.area.run()

    def plan(self, coalition: Collection[str]) -> CoalitionPlan:
        """The plan of a coalition of at least two funders, re-solved in place from wherever the
        programs were left (one funder or none is the silo plan, which the caller has)."""
        members = frozenset(coalition)
        if len(members) < 2:
            raise ValueError("a coalition of one funder or none plans as silo: use the silo plan")
        if self.alone_failure is not None:
            return self.alone_failure
        solution = self._solve_planner(members)
        if not solution.ok:
            return _failed(members, solution, self._cannot(members))
        held = self._hold(self._face(members, self._coalition_spend), solution)
        solution = self._solve_area(members, held)
        if not solution.ok:
            return _failed(members, solution, "the area's plan around its planners failed")
        return _scored(members, self._area_spend, solution, self.scenario)

    def why(self, coalition: Collection[str]) -> list[str]:
        """Which rules and budgets collide when the coalition plans alone (built afresh to be named)."""
        spec, streams = funder_spec(self.scenario, set(coalition))
        return [f.text for f in colliding_subset(build(spec, streams))]


@dataclass
class _Bounds:
    """A program's column and row bounds as arrays, to be set in one call each."""

    col_lower: np.ndarray
    col_upper: np.ndarray
    row_lower: np.ndarray
    row_upper: np.ndarray

    @staticmethod
    def of(program: Program) -> _Bounds:
        lower, upper = program.row_bounds()
        return _Bounds(
            np.asarray(program.col_lower, dtype=np.float64),
            np.asarray(program.col_upper, dtype=np.float64),
            np.asarray(lower, dtype=np.float64),
            np.asarray(upper, dtype=np.float64),
        )

    def copy(self) -> _Bounds:
        copied = (self.col_lower, self.col_upper, self.row_lower, self.row_upper)
        return _Bounds(*(a.copy() for a in copied))

    def free_rows(self, rows: list[int]) -> None:
        self.row_lower[rows] = -INF
        self.row_upper[rows] = INF

    def apply(self, hold: tuple[Indexed, Indexed]) -> None:
        (cols, lower, upper), (rows, low, high) = hold
        self.col_lower[cols], self.col_upper[cols] = lower, upper
        self.row_lower[rows], self.row_upper[rows] = low, high


class PoolingPlans:
    """vP(C) for any coalition C (MODEL.md, Partners, since 2026-12-07): only C's streams pay into
    their pots, and C chooses which of those pots are set up; a pot not set up leaves its members
    aligned and costs nothing. vP(C) is the best of those choices, so it is defined wherever the
    aligned plan is and never below it."""

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

    def pots_of(self, coalition: Collection[str]) -> list[str]:
        """The pots the coalition's streams could pay into, in id order."""
        members = frozenset(coalition)
        scenario = self.scenario
        return sorted(
            {pot for s in self._switch if scenario.funder_of(s) in members and (pot := scenario.pot_of(s))}
        )

    def choice(self, coalition: Collection[str], pots: Collection[str] | None = None) -> PoolingChoice:
        """The coalition's streams in `pots` (default: every pot they could pay into) pool their
        largest share; the other streams stay aligned."""
        members = frozenset(coalition)
        setting_up = set(self.pots_of(members) if pots is None else pots)
        shares = {
            s: self.scenario.stream(s).pool_share_limit
            for s in self._switch
            if self.scenario.funder_of(s) in members and self.scenario.pot_of(s) in setting_up
        }
        used = frozenset(p.id for p in self.scenario.pots if any(m in shares for m in p.members))
        return PoolingChoice(PoolingMode.FIXED, shares, used)

    def plan(self, coalition: Collection[str]) -> CoalitionPlan:
        """The coalition's best choice of pots: each set of them tried in the kept program.

        Pots are few (at most a handful a coalition can reach), so every choice is solved; among
        choices that score the same (to 1e-9) the one with fewer pots, then the first by ids, is
        taken, so the pots named do not follow the solver's path. With no pot set up the plan is
        the aligned one, which can only fail where the aligned plan does.
        """
        members = frozenset(coalition)
        reachable = self.pots_of(members)
        best: CoalitionPlan | None = None
        failed: CoalitionPlan | None = None
        for size in range(len(reachable) + 1):
            for pots in combinations(reachable, size):
                found = self._plan_with(members, frozenset(pots))
                if not found.ok:
                    failed = failed or found
                    continue
                assert found.score is not None
                if best is None or found.score > _beaten(best):
                    best = found
        return best if best is not None else failed or CoalitionPlan(members, PlanStatus.ERROR, None, "")

    def _plan_with(self, members: Coalition, pots: frozenset[str]) -> CoalitionPlan:
        """The plan when the coalition's streams in `pots` pool: switched on, re-solved in place."""
        choice = self.choice(members, pots)
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
        return replace(_scored(members, self._spend, solution, self.scenario), pots=choice.pots_used)

    def why(self, coalition: Collection[str]) -> list[str]:
        """What collides when `coalition` pools, rebuilt from scratch, to explain a failed plan."""
        spec = ModelSpec(self.scenario, self.choice(coalition, ()))
        return [f.text for f in colliding_subset(build(spec))]


def _beaten(plan: CoalitionPlan) -> float:
    """The score another choice of pots must pass to replace `plan` (ties keep the fewer pots)."""
    assert plan.score is not None
    return plan.score + 1e-9 * max(1.0, abs(plan.score))


def _fresh_view(funders: list[str]) -> str:
    """A view name no funder has: the coalition's copy of the curves."""
    name = "coalition"
    while name in funders:
        name += "'"
    return name
