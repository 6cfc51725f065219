"""Re-solving a built program in place when only effects or amounts change.

Sensitivity draws, sweeps and what-ifs re-plan one scenario hundreds of
times with new response effects or stream amounts. Rebuilding the program
each time repeats work whose result is the same but for a few numbers, so
the HiGHS model is kept and only those numbers are changed:

- a response effect moves where its curve is cut at the cap: the widths of
  the curve's segment columns and of its excess, and the segments' worth
  (their costs, or their coefficients in the row a silo funder's own view
  is held in);
- a stream's amount moves every bound it sets (`AmountTerms`: its money
  row, its carry's cap, the share rules on it, its pot's money); when the
  solver chooses the pooling (the optimal arrangement) it also scales the
  pooling column's coefficients in the money and rule rows, and the big-M
  of every switch on a pot that holds the stream.

The pooling MIP is re-solved through its linear relaxation first: when the
relaxation's pooling binaries come out whole, its optimum is feasible for
the MIP and no MIP can beat the relaxation, so it is the MIP's optimum; only
otherwise does HiGHS run its branch and bound (on the example area every
draw measured came out whole: 1.7 ms a draw instead of 12 ms).

The changed scenario must have the same shape (ids, eligibility, rules,
pots, segment widths), the same stream-years with no money and the same
segments with no effect (the lean program has no columns for them), and a
stream's amounts may only scale alike in every year when the pooling is
chosen by the solver; anything else needs a new model (`laa.pooling.plans.warm`
makes one as it goes).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import highspy
import numpy as np
from laa.models.errors import LaaError
from laa.models.scenario import Arrangement, Scenario
from laa.pooling.plans.evaluate import OutcomeResult, outcome_result
from laa.pooling.plans.optimise import plan_from
from laa.pooling.plans.plan import Plan, PlanStatus
from laa.pooling.plans.prices import priced_rows
from laa.pooling.program.build import build
from laa.pooling.program.builder import Builder
from laa.pooling.program.choice import pot_money_bound
from laa.pooling.program.curve import Curve, Cut, cut
from laa.pooling.program.labelled import INF, Program
from laa.pooling.program.spec import ModelSpec, PoolingMode
from laa.pooling.program.vocabulary import PoolShare, RowFamily, RowLabel
from laa.pooling.solving.kept import KeptProgram
from laa.pooling.solving.solvers import (
    PRIMAL_SIMPLEX,
    Feature,
    Solution,
    SolveOptions,
    Status,
    change_rows_bounds,
    finite,
    solve,
)

WHOLE = 1e-9  # a pooling binary this close to 0 or 1 is whole
# rows where a pooling column's coefficient is a stream's amount times a constant
AMOUNT_ROWS = frozenset(
    {
        RowFamily.STREAM_MONEY,
        RowFamily.STREAM_CARRY,
        RowFamily.POT_MONEY,
        RowFamily.POT_CARRY,
        RowFamily.RULE,
        RowFamily.RULE_POT,
    }
)


@dataclass(frozen=True)
class Bounds:
    """A kept model's column upper bounds and row bounds as its updates left them (GBP units of the
    program; infinite where unbounded), before any hold. Lower column bounds are 0 throughout."""

    col_upper: np.ndarray
    row_lower: np.ndarray
    row_upper: np.ndarray


Indexed = tuple[np.ndarray, np.ndarray, np.ndarray]  # (columns or rows, lower, upper)
# given a model's bounds, the columns' and rows' bounds to solve under instead
Hold = Callable[[Bounds], list[tuple[Indexed, Indexed]]]


@dataclass(frozen=True)
class Summary:
    """A re-solve's score and outcome results, without the allocation table, checks or prices."""

    status: PlanStatus
    score: float | None
    outcomes: list[OutcomeResult]


@dataclass(frozen=True)
class SpendIndex:
    """Which columns are spend on which outcome (by position in the file), to total them at once."""

    cols: np.ndarray
    outcome: np.ndarray
    count: int
    unit: float  # GBP per solver unit

    @staticmethod
    def of(b: Builder) -> SpendIndex:
        """The spend columns of a built program, stream and pot alike, by outcome."""
        cols, outcome = [], []
        for j, o in enumerate(b.scenario.outcomes):
            found = b.x_by_outcome.get(o.id, []) + b.q_by_outcome.get(o.id, [])
            cols += found
            outcome += [j] * len(found)
        return SpendIndex(
            np.asarray(cols, dtype=np.int64),
            np.asarray(outcome, dtype=np.int64),
            len(b.scenario.outcomes),
            b.unit,
        )

    def per_outcome(self, values: np.ndarray) -> np.ndarray:
        """GBP spent on each outcome over the period."""
        return np.bincount(self.outcome, weights=values[self.cols], minlength=self.count) * self.unit


def summarise(scenario: Scenario, spend: SpendIndex, solution: Solution) -> Summary:
    """Score the solution on the true curves from its spend per outcome (GBP)."""
    if not solution.ok or solution.values is None:
        return Summary(PlanStatus(solution.status.value), None, [])
    per_outcome = spend.per_outcome(solution.values)
    results = [outcome_result(o, float(v)) for o, v in zip(scenario.outcomes, per_outcome, strict=True)]
    return Summary(PlanStatus.OPTIMAL, sum(r.score for r in results), results)


def rebuild_note(options: SolveOptions) -> str:
    """What a solver that cannot re-solve a kept model does instead, in a sentence."""
    return (
        f"{options.solver.label} cannot re-solve a kept model in place, so each change is built "
        "and solved afresh"
    )


class RebuiltModel:
    """The fallback for a solver without re-solving in place (CBC): each change rebuilt and solved.

    It answers as `ReusableModel` does, more slowly; `note` says so.
    """

    def __init__(
        self,
        spec: ModelSpec,
        arrangement: Arrangement,
        options: SolveOptions | None = None,
        streams: list[str] | None = None,
    ):
        if spec.max_pooled_share is not None or spec.elastic:
            raise LaaError("a frontier step or an elastic program cannot be re-solved in place")
        self.options = options or SolveOptions()
        self.arrangement = arrangement
        self.note = rebuild_note(self.options)
        self._spec, self._streams = spec, streams
        self.builder = build(spec, streams)
        self._spend = SpendIndex.of(self.builder)

    @property
    def scenario(self) -> Scenario:
        """The scenario the program was last built from."""
        return self._spec.scenario

    def run(self, changed: Scenario | None = None) -> Solution:
        """Rebuild for `changed` (refused unless it has the same shape) and solve; None re-solves as built."""
        if changed is not None and changed is not self._spec.scenario:
            _same_shape(self._spec.scenario, changed)
            self._spec = replace(self._spec, scenario=changed)
            self.builder = build(self._spec, self._streams)
        return solve(self.builder.program, self.options)

    def solve(self, changed: Scenario | None = None) -> Plan:
        """The full plan for `changed`; refused for the optimal arrangement's MIP (use `summary`)."""
        if self.builder.program.is_mip:
            raise LaaError("a full plan of the optimal arrangement re-solves its fixed choice; use summary()")
        solution = self.run(changed)
        return plan_from(self.builder, solution, self.arrangement, {"solve": solution.seconds})

    def summary(self, changed: Scenario | None = None) -> Summary:
        """Status, score and outcome results for `changed`, without building a full plan."""
        solution = self.run(changed)
        return summarise(self.scenario, self._spend, solution)


class ReusableModel:
    """A built program kept in HiGHS between solves of changed effects and amounts.

    Only for a solver that re-solves in place (`Feature.RESOLVE_IN_PLACE`); `for_spec` gives a
    `RebuiltModel` for one that cannot.
    """

    note = ""  # nothing to say: the kept model is re-solved in place

    def __init__(self, builder: Builder, arrangement: Arrangement, options: SolveOptions | None = None):
        spec = builder.spec
        if spec.max_pooled_share is not None or spec.elastic:
            raise LaaError("a frontier step or an elastic program cannot be re-solved in place")
        if not (options or SolveOptions()).supports(Feature.RESOLVE_IN_PLACE):
            raise LaaError(rebuild_note(options or SolveOptions()) + ": use ReusableModel.for_spec")
        self.arrangement = arrangement
        self.builder = builder
        program = builder.program
        self.is_mip = program.is_mip
        # measured on the example: from the kept basis, primal simplex re-solves 17% faster than dual
        self.kept = KeptProgram(program, options, simplex=None if self.is_mip else PRIMAL_SIMPLEX, tuned=True)
        self._relaxed: KeptProgram | None = None
        if self.is_mip:
            self._relaxed = KeptProgram(program, options, relax=True, simplex=PRIMAL_SIMPLEX)
            self._binaries = np.flatnonzero(np.asarray(program.col_integer, dtype=bool))
        self.branch_and_bound_runs = 0
        self._scenario = spec.scenario
        self._free = spec.choice.mode is not PoolingMode.FIXED
        self._priced = priced_rows(builder) if not self.is_mip else None
        self._spend = SpendIndex.of(builder)
        scenario = spec.scenario
        starts = np.cumsum([0] + [len(o.response) for o in scenario.outcomes])
        self._first_segment = {o.id: int(k) for o, k in zip(scenario.outcomes, starts, strict=False)}
        # the curves a draw's effects can move: those some spend reaches
        self._curves = [c for c in builder.curves if _can_spend(program, c)]
        if not all(c.in_objective for c in self._curves):
            raise LaaError("a curve whose score is held in a row of its own cannot be re-solved in place")
        slopes, amounts = scenario.numbers
        self._cuts = [self._cut(c, slopes) for c in self._curves]
        # the bounds the amounts set: each row's (or carry column's) bound as built, and its terms
        rows, self._row_place, self._row_coef, cols, self._col_place, self._col_coef = (
            builder.amount_terms.arrays()
        )
        self._rows, self._row_of = np.unique(rows, return_inverse=True)
        self._cols, self._col_of = np.unique(cols, return_inverse=True)
        upper_finite = np.asarray(program.row_upper)[self._rows] < INF
        self._row_upper_side = upper_finite
        self._row_base = np.where(
            upper_finite, np.asarray(program.row_upper)[self._rows], np.asarray(program.row_lower)[self._rows]
        )
        self._col_base = np.asarray(program.col_upper, dtype=np.float64)[self._cols]
        self._row_now, self._col_now = self._row_base.copy(), self._col_base.copy()
        _, upper, _, _ = program.column_arrays()
        row_lower, row_upper = program.row_bounds()
        self.bounds = Bounds(upper, row_lower, row_upper)
        self._amounts = np.asarray(amounts)
        self._base_amounts = self._amounts
        self._pooling_terms = self._amount_terms() if self._free else {}
        self._base_m = {p: pot_money_bound(builder, p) for p in builder.pots}
        self._current_m = dict(self._base_m)
        self._base_bound = {
            row: (program.row_lower[row], program.row_upper[row]) for row, *_ in builder.big_m
        }

    @classmethod
    def for_spec(
        cls,
        spec: ModelSpec,
        arrangement: Arrangement,
        options: SolveOptions | None = None,
        streams: list[str] | None = None,
    ) -> ReusableModel | RebuiltModel:
        """A kept model of `spec`, or the rebuilding fallback when the solver cannot keep one."""
        if not (options or SolveOptions()).supports(Feature.RESOLVE_IN_PLACE):
            return RebuiltModel(spec, arrangement, options, streams)
        return cls(build(spec, streams), arrangement, options)

    @property
    def scenario(self) -> Scenario:
        """The scenario the kept program was built from."""
        return self._scenario

    def _amount_terms(self) -> dict[str, list[tuple[int, int, float]]]:
        """Per stream, the (row, pooling column, coefficient as built) that scale with its amount."""
        program = self.builder.program
        pool_cols = {col: key.stream for key, col in program.keys_of(PoolShare)}
        found: dict[str, list[tuple[int, int, float]]] = {}
        for row, label in enumerate(program.row_labels):
            if label.family not in AMOUNT_ROWS:
                continue
            cols, vals = program.row_terms(row)
            for c, v in zip(cols.tolist(), vals.tolist(), strict=True):
                if c in pool_cols:
                    found.setdefault(pool_cols[c], []).append((row, c, v))
        return found

    # --- solving ---

    def solve(self, changed: Scenario | None = None) -> Plan:
        """A full plan of `changed` (a linear program only: a MIP plan is priced on a fixed re-solve)."""
        if self.is_mip:
            raise LaaError("a full plan of the optimal arrangement re-solves its fixed choice; use summary()")
        solution = self.run(changed)
        builder = self.builder.for_scenario(self._scenario)
        return plan_from(
            builder, solution, self.arrangement, {"solve": solution.seconds}, priced=self._priced
        )

    def summary(self, changed: Scenario | None = None, hold: Hold | None = None) -> Summary:
        """Only the score and outcome results of `changed`: what a sensitivity draw needs."""
        solution = self.run(changed, hold)
        return summarise(self._scenario, self._spend, solution)

    def run(self, changed: Scenario | None = None, hold: Hold | None = None) -> Solution:
        """Update what differs, re-solve, and read the solution (status first).

        `hold` is given this model's bounds as they stand (`Bounds`) and returns the column and
        row bounds to solve under instead (the silo's area program holds its planners on their
        optimal faces so); they are passed to HiGHS for this solve and are no part of the model.
        """
        started = time.perf_counter()
        if changed is not None and changed is not self._scenario:
            self._update(changed)
        if hold is not None:
            h = _Both(self.kept, self._relaxed)
            for (cols, lower, upper), (rows, row_lower, row_upper) in hold(self.bounds):
                h.changeColsBounds(len(cols), cols.astype(np.int32), finite(lower), finite(upper))
                h.changeRowsBounds(len(rows), rows.astype(np.int32), finite(row_lower), finite(row_upper))
        solution = self._relaxation_if_whole()
        if solution is None:
            self.branch_and_bound_runs += self.is_mip
            solution = self.kept.run()
        solution.seconds = time.perf_counter() - started
        return solution

    def _relaxation_if_whole(self) -> Solution | None:
        """The MIP's answer read off its relaxation, when the relaxation settles it; else None.

        An infeasible relaxation means an infeasible MIP; an optimal one whose binaries are whole
        (to 1e-9) is a MIP solution no MIP solution can beat.
        """
        if self._relaxed is None:
            return None
        solution = self._relaxed.run()
        if solution.status is Status.INFEASIBLE:
            return solution
        if not solution.ok or solution.values is None:
            return None
        binaries = solution.values[self._binaries]
        if np.max(np.abs(binaries - np.round(binaries)), initial=0.0) > WHOLE:
            return None
        return solution

    # --- updating ---

    def _update(self, changed: Scenario) -> None:
        """Pass HiGHS the effects and amounts that differ from the model's, and nothing else."""
        _same_shape(self._scenario, changed)
        h = _Both(self.kept, self._relaxed)
        slopes, amounts = changed.numbers
        new_amounts = np.asarray(amounts)
        if not np.array_equal(new_amounts > 0, self._base_amounts > 0):
            raise LaaError(
                "a stream-year with no money now has some (or the reverse): its spend columns come and "
                "go with it, so build a new model"
            )
        for i, curve in enumerate(self._curves):
            self._update_curve(h, i, curve, slopes)
        if not np.array_equal(new_amounts, self._amounts):
            self._update_amounts(h, new_amounts)
            if self._free:
                self._update_pooling(changed, new_amounts, h)
            if self.builder.big_m:
                self._update_big_m(changed)
        self._amounts = new_amounts
        self._scenario = changed

    def _cut(self, curve: Curve, slopes: Sequence[float]) -> Cut:
        outcome = self._scenario.outcome(curve.outcome)
        first = self._first_segment[curve.outcome]
        return cut(outcome, self.builder.unit, slopes[first : first + len(outcome.response)])

    def _update_curve(self, h: _Both, i: int, curve: Curve, slopes: Sequence[float]) -> None:
        """A curve's new cut: its segments' widths and worth, and what is left past the cap."""
        before, after = self._cuts[i], self._cut(curve, slopes)
        if after == before:
            return
        if after.segments != before.segments:
            raise LaaError("an effect changed between zero and not: build a new model")
        for col, old, new in zip(curve.segments, before.widths, after.widths, strict=True):
            if old != new:
                h.changeColBounds(col, 0.0, new)
                self.bounds.col_upper[col] = new
        if curve.excess is not None and after.excess != before.excess:
            h.changeColBounds(curve.excess, 0.0, highspy.kHighsInf if after.excess == INF else after.excess)
            self.bounds.col_upper[curve.excess] = after.excess
        for col, old, new in zip(curve.segments, before.worth, after.worth, strict=True):
            if old == new:
                continue
            h.changeColCost(col, -new)  # HiGHS minimises the negated score
        self._cuts[i] = after

    def _update_amounts(self, h: _Both, amounts: np.ndarray) -> None:
        """Every bound an amount sets, moved by how far the amounts moved since the model was built."""
        delta = amounts - self._base_amounts
        rows = self._row_base + np.bincount(
            self._row_of, weights=self._row_coef * delta[self._row_place], minlength=len(self._rows)
        )
        moved = np.flatnonzero(rows != self._row_now)
        if len(moved):
            upper_side = self._row_upper_side[moved]
            lower = np.where(upper_side, -highspy.kHighsInf, rows[moved])
            upper = np.where(upper_side, rows[moved], highspy.kHighsInf)
            h.changeRowsBounds(len(moved), self._rows[moved].astype(np.int32), lower, upper)
            at = self._rows[moved]
            self.bounds.row_lower[at] = np.where(upper_side, -INF, rows[moved])
            self.bounds.row_upper[at] = np.where(upper_side, rows[moved], INF)
        self._row_now = rows
        cols = self._col_base + np.bincount(
            self._col_of, weights=self._col_coef * delta[self._col_place], minlength=len(self._cols)
        )
        moved = np.flatnonzero(cols != self._col_now)
        if len(moved):
            at = self._cols[moved].astype(np.int32)
            h.changeColsBounds(len(moved), at, np.zeros(len(moved)), cols[moved])
            self.bounds.col_upper[self._cols[moved]] = cols[moved]
        self._col_now = cols

    def _update_pooling(self, changed: Scenario, amounts: np.ndarray, h: _Both) -> None:
        """With the pooling chosen by the solver, a stream's amount also scales its pooling column."""
        years = len(changed.years)
        for i, stream in enumerate(changed.streams):
            span = slice(i * years, (i + 1) * years)
            if np.array_equal(amounts[span], self._amounts[span]):
                continue
            factor = _uniform_factor(self._base_amounts[span].tolist(), amounts[span].tolist(), stream.id)
            for row, col, coef in self._pooling_terms.get(stream.id, []):
                h.changeCoeff(row, col, coef * factor)

    def _update_big_m(self, changed: Scenario) -> None:
        """Each switch's M is the most its pot could spend: recompute it from the new amounts."""
        b = self.builder.for_scenario(changed)
        new_m = {p: pot_money_bound(b, p) for p in self.builder.pots}
        h = _Both(self.kept, self._relaxed)
        for row, col, pot, sign, bound_sign in self.builder.big_m:
            if new_m[pot] == self._current_m[pot]:
                continue
            h.changeCoeff(row, col, sign * new_m[pot])
            if bound_sign:
                lower, upper = self._base_bound[row]
                moved = bound_sign * (new_m[pot] - self._base_m[pot])
                lower = -highspy.kHighsInf if lower == -INF else lower + moved
                upper = highspy.kHighsInf if upper == INF else upper + moved
                h.changeRowBounds(row, lower, upper)
        self._current_m = new_m


def _can_spend(program: Program, curve: Curve) -> bool:
    """Whether any spend reaches this view of the curve; if none can, its effects never matter.

    A silo funder's program carries every outcome's curve, most of them out of its streams'
    reach; skipping those keeps a draw's updates to the curves that can move the answer.
    """
    response = RowLabel(RowFamily.RESPONSE, outcome=curve.outcome, funder=curve.view or None)
    cols, _ = program.row_terms(program.row_index[response])
    return len(cols) > len(curve.segments) + (curve.excess is not None)


class _Both:
    """The MIP and its relaxation take every change alike, so the relaxation never drifts."""

    def __init__(self, exact: KeptProgram, relaxed: KeptProgram | None):
        self.models = [exact.highs] if relaxed is None else [exact.highs, relaxed.highs]

    def changeCoeff(self, row: int, col: int, value: float) -> None:  # HiGHS's names, so _update reads alike
        for h in self.models:
            h.changeCoeff(row, col, value)

    def changeRowBounds(self, row: int, lower: float, upper: float) -> None:
        for h in self.models:
            h.changeRowBounds(row, lower, upper)

    def changeColBounds(self, col: int, lower: float, upper: float) -> None:
        for h in self.models:
            h.changeColBounds(col, lower, upper)

    def changeColsBounds(self, n: int, cols: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> None:
        for h in self.models:
            h.changeColsBounds(n, cols, lower, upper)

    def changeColCost(self, col: int, cost: float) -> None:
        for h in self.models:
            h.changeColCost(col, cost)

    def changeRowsBounds(self, n: int, rows: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> None:
        assert n == len(rows)
        for h in self.models:
            change_rows_bounds(h, rows, lower, upper)


def _uniform_factor(base: list[float], new: list[float], stream: str) -> float:
    """The one factor taking every year's amount to the new one (the pooling columns need it)."""
    total = sum(base)
    factor = sum(new) / total if total else 1.0
    if any(abs(n - factor * b) > 1e-9 * max(1.0, abs(n)) for b, n in zip(base, new, strict=True)):
        raise LaaError(
            f"stream {stream}: with the pooling chosen by the solver, amounts may only scale "
            "alike in every year to be re-solved in place"
        )
    return factor


def _same_shape(a: Scenario, b: Scenario) -> None:
    """Refuse a change that would need a different program, rather than solve the wrong one."""
    if a.shape != b.shape:
        raise LaaError("the changed scenario differs in more than effects and amounts; build a new model")
