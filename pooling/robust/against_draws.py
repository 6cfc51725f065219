"""Robust planning: the plan chosen against draws of the evidence, not only measured on them.

`laa sensitivity` shows what uncertain effects and amounts do to a plan made for the central
estimates. Here the plan itself is chosen against N draws, in one program that shares the
allocation across them (see `robust_program` for what "the plan" means in a draw), by one of
three measures:

- `mean`: the best expected score over the draws;
- `cvar:ALPHA`: the best mean score over the worst ALPHA share of draws (conditional value at
  risk; a linear program with one threshold column and one shortfall column a draw);
- `targets:P`: the most targets met in at least a share P of the draws, and among such plans
  the best expected score (a binary per outcome and draw: a mixed-integer program, in stages
  within the time limit; stopped there, the best plan found and a bound on the count).

A plan must keep every budget, rule and statutory minimum in every draw it is planned against.
Draws where no plan can (each tried alone with the central estimate) are left out and named.
Among plans best by `mean` or `cvar`, the one best at the central estimate is taken.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

import highspy
import numpy as np
from laa.models.errors import InputError
from laa.models.scenario import Arrangement, Scenario
from laa.pooling.plans.plan import Plan, PlanStatus
from laa.pooling.plans.published import published
from laa.pooling.plans.trust import trusted
from laa.pooling.program.labelled import INF
from laa.pooling.program.spec import ModelSpec
from laa.pooling.robust.stack import Matrix, Stack, add_curves, stack
from laa.pooling.robust.targets import (
    FEASIBILITY,
    TargetDraws,
    exact,
    restricted,
    start_from,
    target_draws,
)
from laa.pooling.solving.solvers import (
    PRIMAL_SIMPLEX,
    Solution,
    SolveOptions,
    SolverName,
    Status,
    new_highs,
    read_highs,
)

# the targets program is a MIP with a binary per outcome and draw, solved in stages within this many
# seconds in all (or the solver's time limit, if shorter): on the example the first stage finds its
# count in under a second and the exact stage, given 15 s more, has not bettered it
TARGETS_TIME_LIMIT = 20.0
# the measure's best is held to this (relative) while the plan best at the central estimate is sought
HOLD = 1e-9


class MeasureKind(StrEnum):
    """What a robust plan is judged by over the draws: the mean score, the mean of its worst draws
    (cvar), or how many targets are met in enough draws."""

    MEAN = "mean"
    CVAR = "cvar"
    TARGETS = "targets"


@dataclass(frozen=True)
class Measure:
    """What a robust plan maximises over the draws; `level` is ALPHA (cvar) or P (targets)."""

    kind: MeasureKind
    level: float = 1.0

    @staticmethod
    def parse(text: str) -> Measure:
        """`mean`, `cvar:ALPHA` or `targets:P`, with 0 < ALPHA, P <= 1."""
        expected = "expected mean, cvar:ALPHA or targets:P (ALPHA and P above 0 and at most 1)"
        head, _, level = text.strip().partition(":")
        try:
            kind = MeasureKind(head.strip().lower())
        except ValueError:
            raise InputError(f"robust measure {text!r}: {expected}") from None
        if kind is MeasureKind.MEAN:
            if level:
                raise InputError(f"robust measure {text!r}: mean takes no level; {expected}")
            return Measure(kind)
        try:
            value = float(level)
        except ValueError:
            raise InputError(f"robust measure {text!r}: {expected}") from None
        if not 0.0 < value <= 1.0:
            raise InputError(f"robust measure {text!r}: the level must be above 0 and at most 1")
        return Measure(kind, value)

    def __str__(self) -> str:
        return self.kind.value if self.kind is MeasureKind.MEAN else f"{self.kind.value}:{self.level:g}"

    @property
    def is_mip(self) -> bool:
        """Whether planning for this measure needs binaries (the targets measure does)."""
        return self.kind is MeasureKind.TARGETS

    def value(self, scores: np.ndarray, met: np.ndarray) -> float:
        """The measure of a plan's results in a set of draws: `scores[d]`, `met[d, outcome]`."""
        if self.kind is MeasureKind.MEAN:
            return float(np.mean(scores))
        if self.kind is MeasureKind.CVAR:
            return cvar(scores, self.level)
        return float(targets_likely(met, self.level))


def cvar(scores: np.ndarray, alpha: float) -> float:
    """Mean of the worst `alpha` share of the scores, the boundary draw counted in part.

    The same number the program's `eta - sum(shortfall) / (alpha n)` reaches at its optimum.
    """
    ordered = np.sort(np.asarray(scores, dtype=np.float64))
    weight = alpha * len(ordered)
    whole = min(math.floor(weight + 1e-12), len(ordered))
    total = float(ordered[:whole].sum())
    if whole < len(ordered):
        total += (weight - whole) * float(ordered[whole])
    return total / weight


def needed(p: float, draws: int) -> int:
    """How many of `draws` a target must be met in to count as met with probability at least p."""
    return max(1, math.ceil(p * draws - 1e-9))


def targets_likely(met: np.ndarray, p: float) -> int:
    """How many outcomes meet their target in at least a share p of the draws."""
    met = np.asarray(met, dtype=bool)
    if met.size == 0:
        return 0
    return int((met.sum(axis=0) >= needed(p, met.shape[0])).sum())


@dataclass(frozen=True)
class ProgramSize:
    """How big a robust program was (columns, rows, coefficients, binaries), reported with the plan."""

    columns: int
    rows: int
    nonzeros: int
    binaries: int

    def to_dict(self) -> dict[str, int]:
        """The sizes as a plain dict for the results document."""
        return dict(self.__dict__)


@dataclass
class RobustSolution:
    """A plan chosen against draws: the plan at the central estimate and how the program went."""

    plan: Plan
    measure: Measure
    kept: list[int]  # the draws planned against
    infeasible_draws: list[int]  # draws where no plan keeps every rule: left out, and named
    value: float | None  # the measure over the kept draws, as the program found it
    status: Status  # time_limit: a targets plan found but not proved the best
    bound: float | None = None  # ... and then: no plan meets more targets than this
    size: ProgramSize | None = None
    seconds: dict[str, float] = field(default_factory=dict)


def plan_against_draws(
    spec: ModelSpec,
    arrangement: Arrangement,
    draws: Sequence[Scenario],
    measure: Measure,
    options: SolveOptions | None = None,
) -> RobustSolution:
    """The plan for `spec` (a fixed pooling choice) that is best by `measure` over the draws:
    `spec.scenario` as each draw has it, its effects and amounts scaled and nothing else moved."""
    options = options or SolveOptions()
    _refuse(draws, options)
    started = time.perf_counter()
    stacked = stack(spec, draws)
    seconds = {"build": time.perf_counter() - started}
    solved = _solve(stacked, measure, options)
    kept: list[int] = list(range(len(draws)))
    dropped: list[int] = []
    if solved.solution.status is Status.INFEASIBLE:  # set aside the draws no plan can meet, and say so
        started = time.perf_counter()
        kept, dropped = _possible_draws(spec, draws, options)
        seconds["infeasible_draws"] = time.perf_counter() - started
        if kept and dropped:
            stacked = stack(spec, [draws[d] for d in kept])
            solved = _solve(stacked, measure, options)
        if solved.solution.status is Status.INFEASIBLE:
            solved = _Solved(Solution(Status.INFEASIBLE, _why_infeasible(kept, dropped)), None)
    return _finish(spec, arrangement, measure, _Prepared(stacked, kept, dropped, seconds), solved)


def cvar_frontier(
    spec: ModelSpec,
    arrangement: Arrangement,
    draws: Sequence[Scenario],
    alphas: Sequence[float],
    options: SolveOptions | None = None,
) -> list[RobustSolution]:
    """The `cvar:ALPHA` plan for each ALPHA, from one stacked program: only the shortfall
    columns' cost (1 / (ALPHA n)) differs from one level to the next."""
    options = options or SolveOptions()
    measures = [Measure(MeasureKind.CVAR, a) for a in alphas]
    prepared = _prepare(spec, draws, options)
    if prepared.failed is not None:
        return [_finish(spec, arrangement, m, prepared, _Solved(prepared.failed, None)) for m in measures]
    s = prepared.stacked
    add_curves(s)
    n = len(s.score)
    shortfall = _cvar_rows(s, measures[0].level)
    found = []
    for measure in measures:
        cost = s.matrix.costs()
        cost[shortfall] = -1.0 / (measure.level * n)
        s.matrix.set_costs(cost)
        solution = _best_then_central(s, options)
        solved = _Solved(solution, solution.objective, size=_size(s.matrix))
        found.append(_finish(spec, arrangement, measure, prepared, solved))
    return found


@dataclass
class _Prepared:
    """The stacked draws a plan must hold in, once those no plan can meet are set aside."""

    stacked: Stack
    kept: list[int]
    dropped: list[int]
    seconds: dict[str, float]
    failed: Solution | None = None  # no plan keeps every rule in the draws left


def _refuse(draws: Sequence[Scenario], options: SolveOptions) -> None:
    if options.solver is not SolverName.HIGHS:
        raise InputError("robust planning solves with HiGHS: leave --solver at highs")
    if len(draws) == 0:
        raise InputError("robust planning needs at least one draw")


def _prepare(spec: ModelSpec, draws: Sequence[Scenario], options: SolveOptions) -> _Prepared:
    """The stacked draws, checked first for one plan keeping every rule in all of them (the frontier
    solves one program many times, so it asks once)."""
    _refuse(draws, options)
    started = time.perf_counter()
    stacked = stack(spec, draws)
    seconds = {"build": time.perf_counter() - started}
    kept: list[int] = list(range(len(draws)))
    dropped: list[int] = []
    feasible = _feasible(stacked, options)
    if not feasible:
        started = time.perf_counter()
        kept, dropped = _possible_draws(spec, draws, options)
        seconds["infeasible_draws"] = time.perf_counter() - started
        if kept and dropped:
            stacked = stack(spec, [draws[d] for d in kept])
            feasible = _feasible(stacked, options)
    failed = None if feasible else Solution(Status.INFEASIBLE, _why_infeasible(kept, dropped))
    return _Prepared(stacked, kept, dropped, seconds, failed)


def _finish(
    spec: ModelSpec, arrangement: Arrangement, measure: Measure, prepared: _Prepared, solved: _Solved
) -> RobustSolution:
    """The plan read back from the solution (status first), re-scored at the central estimate."""
    seconds = {**prepared.seconds, "solve": solved.solution.seconds}
    kept, dropped = prepared.kept, prepared.dropped
    solution = solved.solution
    size = solved.size or _size(prepared.stacked.matrix)
    if solution.values is None:
        status = PlanStatus(solution.status.value)
        plan = trusted(Plan(spec.scenario, arrangement, status, solution.message, seconds=seconds))
        return RobustSolution(plan, measure, kept, dropped, None, solution.status, None, size, seconds)
    stacked = prepared.stacked
    # the published allocation (pooling.published), judged at the central estimate; the robust measure,
    # not the central score, is what the solver optimised, so no score is held to the solver's
    rules = frozenset(r.id for r in spec.rules)
    values = solution.values[: stacked.base_cols]
    shown = published(stacked.builder, values, spec.rules, rules, spec.statutory, None)
    allocation, evaluation = shown.allocation, shown.evaluation
    plan = Plan(
        spec.scenario,
        arrangement,
        PlanStatus.OPTIMAL,
        solution.message,
        evaluation,
        allocation,
        seconds=seconds,
    )
    broken = [v for v in evaluation.violations if v.kind != "statutory" or spec.statutory]
    if broken:
        what = "; ".join(v.message for v in broken[:3])
        plan = plan.refused(f"internal check failed: the robust plan breaks {what}")
    return RobustSolution(
        trusted(plan), measure, kept, dropped, solved.value, solution.status, solved.bound, size, seconds
    )


@dataclass(frozen=True)
class _Solved:
    solution: Solution
    value: float | None
    bound: float | None = None
    size: ProgramSize | None = None


def _solve(s: Stack, measure: Measure, options: SolveOptions) -> _Solved:
    """Write the measure on the stacked draws, solve, and read it back (status first)."""
    if measure.kind is MeasureKind.TARGETS:
        return _solve_targets(s, measure.level, options)
    add_curves(s)
    n = len(s.score)
    if measure.kind is MeasureKind.MEAN:
        _add_costs(s.matrix, [(cols, vals / n) for cols, vals in s.score])
    else:
        _cvar_rows(s, measure.level)
    solution = _best_then_central(s, options)
    return _Solved(solution, solution.objective, size=_size(s.matrix))


def _best_then_central(s: Stack, options: SolveOptions) -> Solution:
    """The measure's best, then among the plans holding it (to a hair), the best at the central
    estimate: the linear program often has many best plans, and a finance lead would take the one
    whose safety costs least at the figures the file gives. The solution's objective is the
    measure's best."""
    h = new_highs(options)
    if options.time_limit is not None:
        h.setOptionValue("time_limit", float(options.time_limit))
    # N blocks joined by the plan's columns: on the example (200 draws, cvar:0.1) the interior
    # point method took 3.1-5.4 s where dual simplex took 5.4-8.1 s (a loaded machine, one run)
    h.setOptionValue("solver", "ipm")
    started = time.perf_counter()
    h.passModel(s.matrix.highs_lp())
    h.run()
    best = read_highs(h, is_mip=False)
    if best.ok and best.objective is not None and s.central is not None:
        cost = s.matrix.costs()
        used = np.flatnonzero(cost)
        hold = best.objective - HOLD * max(1.0, abs(best.objective))
        h.addRow(hold, highspy.kHighsInf, len(used), used.astype(np.int32), cost[used])
        centre = np.zeros(s.matrix.num_cols)
        np.add.at(centre, s.central[0], s.central[1])
        h.changeColsCost(s.matrix.num_cols, np.arange(s.matrix.num_cols, dtype=np.int32), -centre)
        h.setOptionValue("solver", "simplex")
        h.setOptionValue("simplex_strategy", PRIMAL_SIMPLEX)  # the best plan's basis is feasible
        h.run()
        centred = read_highs(h, is_mip=False)
        if centred.ok:
            centred.objective, centred.shadow, centred.reduced = best.objective, None, None
            best = centred
    best.seconds = time.perf_counter() - started
    return best


def _cvar_rows(s: Stack, alpha: float) -> np.ndarray:
    """`eta - sum_d shortfall_d / (alpha n)` with `shortfall_d >= eta - score_d`: at its best, the
    mean score of the worst alpha share of the draws. Returns the shortfall columns."""
    n = len(s.score)
    eta = s.matrix.column(lower=-INF, cost=1.0)
    shortfall = s.matrix.columns(n, cost=-1.0 / (alpha * n))
    for (cols, vals), short in zip(s.score, shortfall.tolist(), strict=True):
        s.matrix.row(np.concatenate([cols, [eta, short]]), np.concatenate([vals, [-1.0, 1.0]]), lower=0.0)
    return shortfall


def _solve_targets(s: Stack, p: float, options: SolveOptions) -> _Solved:
    """Count first (restricted, then exact from its plan), then the best mean score among plans
    meeting the counted targets in the same draws; all within one time limit."""
    began = time.perf_counter()
    limit = min(options.time_limit or TARGETS_TIME_LIMIT, TARGETS_TIME_LIMIT)
    need = needed(p, len(s.spend))
    targets = target_draws(s)
    first = s.matrix.copy()
    counted = restricted(first, targets, need)
    run = _run(first, options, 0.4 * limit, count=True, tight=True)
    met: list[tuple[TargetDraws, np.ndarray]] = []
    if run.solution.values is not None:
        values = run.solution.values
        met = [(t, t.easiest(need)) for t, w in counted if values[w] > 0.5]
    second = s.matrix.copy()
    full = exact(second, targets, need)
    start = None
    if run.solution.values is not None:
        start = start_from(run.solution.values, s.matrix.num_cols, full, need, second.num_cols)
    left = max(0.8 * limit - (time.perf_counter() - began), 1.0)
    exact_run = _run(second, options, left, start, count=True, tight=True)
    size = _size(second)
    if exact_run.solution.values is not None:
        run = exact_run
        values = exact_run.solution.values
        met = [
            (t, reach[np.round(values[z]) > 0.5])
            for t, w, z, reach in zip(full.targets, full.likely, full.met, full.draws, strict=True)
            if values[w] > 0.5
        ]
    if run.solution.values is None:
        return _Solved(run.solution, None, size=size)
    count = float(len(met))
    proved = exact_run.solution.status is Status.OPTIMAL
    bound = None if proved else exact_run.bound
    add_curves(s)
    for target, draws in met:
        for d in draws.tolist():
            cols = target.columns
            s.matrix.row(cols, target.factors[d], lower=float(target.needed[d]))
    _add_costs(s.matrix, [(cols, vals / len(s.score)) for cols, vals in s.score])
    best = _run(s.matrix, options, max(limit - (time.perf_counter() - began), 5.0), tight=True)
    solution = best.solution if best.solution.values is not None else run.solution
    if not proved:
        most = "" if bound is None else f"; no plan meets more than {bound:.0f}"
        solution.status = Status.TIME_LIMIT
        solution.message = (
            f"the targets program stopped at its time limit: {count:.0f} targets met in at least "
            f"{p:.0%} of the draws{most}"
        )
    solution.seconds = time.perf_counter() - began
    return _Solved(solution, count, bound, size)


def _add_costs(matrix: Matrix, terms: list[tuple[np.ndarray, np.ndarray]]) -> None:
    cost = matrix.costs()
    for cols, vals in terms:
        np.add.at(cost, cols, vals)
    matrix.set_costs(cost)


@dataclass(frozen=True)
class _Run:
    solution: Solution
    bound: float | None = None  # a count stopped at its time limit: no plan counts more


def _run(
    matrix: Matrix,
    options: SolveOptions,
    time_limit: float | None = None,
    start: np.ndarray | None = None,
    count: bool = False,
    tight: bool = False,
) -> _Run:
    """Solve with HiGHS and read it back, status first; a MIP stopped at its time limit with a
    plan in hand returns that plan (status `time_limit`) and its bound."""
    is_mip = matrix.binaries > 0
    h = new_highs(options)
    if time_limit is not None:
        h.setOptionValue("time_limit", float(time_limit))
    if count:  # the objective counts targets: within one of the bound, the count is proved
        h.setOptionValue("mip_abs_gap", 1.0 - 1e-6)
    if tight:
        h.setOptionValue("primal_feasibility_tolerance", FEASIBILITY)
        h.setOptionValue("mip_feasibility_tolerance", FEASIBILITY)
    if not is_mip:
        # N blocks joined by the plan's columns: on the example (200 draws, cvar:0.1) the interior
        # point method took 3.1-5.4 s where dual simplex took 5.4-8.1 s (a loaded machine, one run)
        h.setOptionValue("solver", "ipm")
    started = time.perf_counter()
    h.passModel(matrix.highs_lp())
    if start is not None:
        h.setSolution(len(start), np.arange(len(start), dtype=np.int32), start)
    h.run()
    solution = read_highs(h, is_mip)
    bound = None
    if solution.status is Status.TIME_LIMIT and is_mip and h.getInfo().primal_solution_status == 2:
        values = np.asarray(h.getSolution().col_value, dtype=np.float64)
        info = h.getInfo()
        solution = Solution(Status.TIME_LIMIT, solution.message, -info.objective_function_value, values)
        bound = math.floor(-info.mip_dual_bound + 1e-6) if count else -info.mip_dual_bound
    solution.seconds = time.perf_counter() - started
    return _Run(solution, bound)


def _feasible(s: Stack, options: SolveOptions) -> bool:
    """Whether one plan keeps every rule and budget at the central estimate and in every draw."""
    matrix = s.matrix.copy()
    matrix.set_costs(np.zeros(matrix.num_cols))
    return _run(matrix, options, options.time_limit).solution.status is not Status.INFEASIBLE


def _possible_draws(
    spec: ModelSpec, draws: Sequence[Scenario], options: SolveOptions
) -> tuple[list[int], list[int]]:
    """The draws a plan can keep every rule in (each with the central estimate), and the rest."""
    if not _feasible(stack(spec, []), options):
        return [], []
    possible = [_feasible(stack(spec, [drawn]), options) for drawn in draws]
    return [d for d, ok in enumerate(possible) if ok], [d for d, ok in enumerate(possible) if not ok]


def _why_infeasible(kept: list[int], dropped: list[int]) -> str:
    if not kept and not dropped:
        return "no plan keeps every rule and budget at the central estimate"
    if not kept:
        return "no plan keeps every rule in any of the draws"
    if not dropped:
        return "no one plan keeps every rule in all the draws together, although each draw alone can be met"
    return (
        f"no one plan keeps every rule in the {len(kept)} draws left once the {len(dropped)} "
        "no plan can meet are set aside"
    )


def _size(matrix: Matrix) -> ProgramSize:
    return ProgramSize(matrix.num_cols, matrix.num_rows, matrix.nonzeros, matrix.binaries)
