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
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np
from laa.models.scenario import Arrangement, Scenario
from laa.pooling.plans.canonical import choose
from laa.pooling.plans.optimise import plan_from
from laa.pooling.plans.plan import Plan, PlanStatus
from laa.pooling.plans.planners import Planners, alone, funder_spec, own_rules, planner_spec, silo_funders
from laa.pooling.plans.trust import trusted
from laa.pooling.program import response
from laa.pooling.program.build import build, money_and_rules
from laa.pooling.program.builder import Builder
from laa.pooling.program.vocabulary import RowFamily, RowLabel, StreamCarry
from laa.pooling.solving.solvers import Feature, Solution, SolveOptions, Solver, cold

if TYPE_CHECKING:
    from laa.pooling.plans.resolve import Summary

OWN_OPTIMUM_TOLERANCE = 1e-9
# a reduced cost or dual (score per solver unit) this small is a solver's zero: the column or row
# it prices may move without leaving the optimal face
FACE_TOLERANCE = 1e-9
# a solver's optimum may overstate what its own rows allow by its feasibility tolerance (CBC: 1e-7)
SOLVER_TOLERANCE = 1e-7


def own_optimum_target(optimum: float) -> float:
    """The own-view score a funder's part of the silo plan must keep."""
    return optimum - max(OWN_OPTIMUM_TOLERANCE * abs(optimum), SOLVER_TOLERANCE)


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
    faces: dict[str, tuple[Builder, Solution]] = {}
    for f, group in planners.items():
        spec, streams = funder_spec(scenario, group)
        started = time.perf_counter()
        b = build(spec, streams)
        timings["build"] += time.perf_counter() - started
        solution = solver(b.program, options.remaining(begun), f"own view of {f}")
        timings["solve"] += solution.seconds
        if not solution.ok:
            failed = Plan(
                scenario,
                Arrangement.SILO,
                PlanStatus(solution.status.value),
                _alone(scenario, f, solution.message),
                seconds=timings,
            )
            return trusted(failed)  # where the figures are unseen, "infeasible" is no better than a plan
        faces[f] = (b, solution)
    started = time.perf_counter()
    all_own = frozenset(r.id for f in planners for r in own_rules(scenario, planners[f]))
    b, held = face_program(scenario, {f: own for f, (own, _) in faces.items()}, all_own)
    program = b.program
    col_upper = np.asarray(program.col_upper, dtype=np.float64)
    row_lower, row_upper = program.row_bounds()
    for f, face in held.items():
        own, solution = faces[f]
        (cols, lower, upper), (rows, low, high) = face.hold(
            solution,
            np.asarray(own.program.col_upper, dtype=np.float64),
            col_upper[face.cols],
            row_lower[face.rows],
            row_upper[face.rows],
        )
        for c, lo, hi in zip(cols.tolist(), lower.tolist(), upper.tolist(), strict=True):
            program.col_lower[c], program.col_upper[c] = lo, hi
        for r, lo, hi in zip(rows.tolist(), low.tolist(), high.tolist(), strict=True):
            program.row_lower[r], program.row_upper[r] = lo, hi
    timings["build"] += time.perf_counter() - started
    solution = solver(b.program, options.remaining(begun), "area")
    timings["solve"] += solution.seconds
    record = None
    if solution.ok and options.priorities:
        started = time.perf_counter()
        solution, record = choose(b, solution, options, began=begun)
        timings["choose"] = time.perf_counter() - started
    # no shadow prices: the second program's duals price the silo definition, not money
    plan = plan_from(
        b,
        replace(solution, shadow=None, reduced=None),
        Arrangement.SILO,
        timings,
        report_rules=scenario.rules,
        enforced=all_own,
        statutory=False,
        choice=record,
    )
    return plan


def face_program(
    scenario: Scenario, planners: Mapping[str, Builder], rules: frozenset[str]
) -> tuple[Builder, dict[str, Face]]:
    """The second program, over every funder's spend, each planner's plan to be held on its optimal
    face (`Face.hold`), and the true score maximised.

    A planner's optimal plans are those that keep complementary slackness with the duals of any
    one of them (LP duality): every column whose reduced cost is not zero stays at the bound it is
    at, every row whose dual is not zero stays tight. So the hold needs no copy of the planner's
    curves: its spend columns and rows are the area program's own, held by bounds, and its curves
    leave only a range for its total spend on each outcome (the segments its optimum prices at a
    bound are fixed there, the rest are free), one row each. This holds the face exactly, where a
    row holding each planner's own optimum could only hold the score to a tolerance, and leaves a
    far smaller program: most of a planner's spend columns are priced off their bound and fixed at 0.
    """
    b = money_and_rules(planner_spec(scenario, set(rules)))
    faces = {f: Face.of(b, own, f) for f, own in planners.items()}
    add_true_curves(b)
    return b, faces


def add_true_curves(b: Builder) -> None:
    """The area's own curve on each outcome's total spend, scored: what the planners' plans, held on
    their faces, are judged by. Spend past a curve's widths is absorbed (a planner may pour more in
    than the area's curve can use; it counts for nothing)."""
    for outcome in b.scenario.outcomes:
        spend = b.x_by_outcome.get(outcome.id, [])
        if not spend:
            continue
        curve = response.add_curve(b.program, outcome, spend, b.unit, absorb_excess=True)
        b.curves.append(curve)
        b.score_terms[outcome.id] = curve.score_terms


Indexed = tuple[np.ndarray, np.ndarray, np.ndarray]  # (columns or rows, lower, upper)


@dataclass(frozen=True)
class Face:
    """Where one planner's own program sits in the area program: the same columns and rows, and a
    row per outcome it reaches for its total spend there."""

    planner: str
    theirs: np.ndarray  # the planner's spend and carry columns, in its own program
    cols: np.ndarray  # the same columns in the area program
    their_rows: np.ndarray  # the planner's money and rule rows
    rows: np.ndarray  # the same rows in the area program
    curves: tuple[tuple[tuple[int, ...], int], ...]  # (its curve's columns, the area's spend row)

    @staticmethod
    def of(b: Builder, own: Builder, planner: str) -> Face:
        """Match a planner's own program `own` to its place in the area program `b`, column for column
        and row for row, so its optimal face can be held there."""
        program, theirs = b.program, own.program
        mine: list[int] = []
        area: list[int] = []
        for run in theirs.runs:
            found = program.run_of(run.kind, run.source, run.year)
            assert found is not None and list(found.outcomes) == list(run.outcomes)
            mine += list(run.columns)
            area += list(found.columns)
        for key, j in theirs.keyed_columns():
            if isinstance(key, StreamCarry):
                mine.append(j)
                area.append(program.col(key))
        labels = theirs.row_labels
        their_rows = [i for i, label in enumerate(labels) if label.family is not RowFamily.RESPONSE]
        rows = [program.row_index[labels[i]] for i in their_rows]
        curves = []
        for curve in own.curves:
            cols = (*curve.segments, *(() if curve.excess is None else (curve.excess,)))
            spend = [(c, 1.0) for s in own.streams for c in b.x_cols(s, [curve.outcome], b.years)]
            label = RowLabel(RowFamily.SILO_OWN_SPEND, outcome=curve.outcome, funder=planner)
            curves.append((cols, program.row(label, spend, lower=0.0)))
        return Face(
            planner,
            np.array(mine, dtype=np.int64),
            np.array(area, dtype=np.int64),
            np.array(their_rows, dtype=np.int64),
            np.array(rows, dtype=np.int64),
            tuple(curves),
        )

    def hold(
        self,
        solution: Solution,
        upper: np.ndarray,
        col_upper: np.ndarray,
        row_lower: np.ndarray,
        row_upper: np.ndarray,
    ) -> tuple[Indexed, Indexed]:
        """The area program's bounds that hold the planner on the face of its optimum `solution`.

        `upper` are the planner's own columns' upper bounds; `col_upper` the area columns' upper
        bounds and `row_lower`, `row_upper` the area rows' bounds as they stand without the hold
        (a column's lower bound is always 0). Returns the bounds of every column and row of the
        planner's in the area program, held or free.
        """
        assert solution.values is not None and solution.reduced is not None and solution.shadow is not None
        values, reduced, shadow = solution.values, solution.reduced, solution.shadow
        priced = np.abs(reduced[self.theirs]) > FACE_TOLERANCE
        fixed = values[self.theirs]
        tight = np.abs(shadow[self.their_rows]) > FACE_TOLERANCE
        bound = np.where(np.isfinite(row_upper), row_upper, row_lower)
        spend_rows, spend_lower, spend_upper = [], [], []
        for cols, row in self.curves:
            at = np.array(cols, dtype=np.int64)
            held = np.abs(reduced[at]) > FACE_TOLERANCE
            spent = float(values[at][held].sum())
            spend_rows.append(row)
            spend_lower.append(spent)
            spend_upper.append(spent + float(upper[at][~held].sum()))
        return (
            (self.cols, np.where(priced, fixed, 0.0), np.where(priced, fixed, col_upper)),
            (
                np.concatenate([self.rows, np.array(spend_rows, dtype=np.int64)]),
                np.concatenate([np.where(tight, bound, row_lower), spend_lower]),
                np.concatenate([np.where(tight, bound, row_upper), spend_upper]),
            ),
        )


def _alone(scenario: Scenario, funder: str, reason: str) -> str:
    return f"{scenario.label('funders', funder)} cannot plan its own streams alone: {reason}"


class SiloModel:
    """The silo plan's programs kept in HiGHS, for re-solving changed effects and amounts in place:
    each planner's own program, and the area's, held on their optimal faces anew for each change.

    With a solver that cannot re-solve in place (`note` says so), each change is planned afresh.
    """

    def __init__(self, scenario: Scenario, options: SolveOptions | None = None):
        from laa.pooling.plans.resolve import ReusableModel, rebuild_note  # resolve builds on this module

        self.options = options or SolveOptions()
        self.in_place = self.options.supports(Feature.RESOLVE_IN_PLACE)
        self.note = "" if self.in_place else rebuild_note(self.options)
        self.funders: dict[str, ReusableModel] = {}
        if not self.in_place:
            return
        for f in silo_funders(scenario):
            spec, streams = funder_spec(scenario, f)
            self.funders[f] = ReusableModel(build(spec, streams), Arrangement.SILO, options)
        rules = frozenset(r.id for f in self.funders for r in own_rules(scenario, f))
        b, self._faces = face_program(scenario, {f: m.builder for f, m in self.funders.items()}, rules)
        self.area = ReusableModel(b, Arrangement.SILO, options)

    def summary(self, changed: Scenario) -> Summary:
        """The silo plan's status, score and outcome results for a changed scenario (one draw), re-solved
        in place where the solver allows it, else planned afresh."""
        from laa.pooling.plans.resolve import Bounds, Summary  # resolve builds on this module

        if not self.in_place:
            plan = plan_silo(changed, self.options)
            if plan.evaluation is None or plan.score is None:
                return Summary(plan.status, None, [])
            return Summary(plan.status, plan.score, plan.evaluation.outcomes)
        solutions = {}
        for f, model in self.funders.items():
            solution = model.run(changed)
            if not solution.ok:
                return Summary(PlanStatus(solution.status.value), None, [])
            solutions[f] = solution

        def hold(bounds: Bounds) -> list[tuple[Indexed, Indexed]]:
            return [
                face.hold(
                    solutions[f],
                    self.funders[f].bounds.col_upper,
                    bounds.col_upper[face.cols],
                    bounds.row_lower[face.rows],
                    bounds.row_upper[face.rows],
                )
                for f, face in self._faces.items()
            ]

        return self.area.summary(changed, hold)
