"""Re-solving a built program in place when only effects or amounts change.

Sensitivity draws, sweeps and what-ifs re-plan one scenario hundreds of
times with new response effects or stream amounts. Rebuilding the program
each time repeats work whose result is the same but for a few numbers, so
the HiGHS model is kept and only those numbers are changed:

- a response effect is the slope coefficient of a segment in its outcome's
  progress row (one row per view of the curve: silo funders have their own);
- a stream's amount is the bound of its budget row; with a fixed pooling
  choice the pooled money is a share of the budget column, so nothing else
  moves; when the solver chooses the pooling (the optimal arrangement) the
  amount also scales the pooling column's coefficients in the money and
  rule rows, and the big-M of every switch on a pot that holds the stream.

The pooling MIP is re-solved through its linear relaxation first: when the
relaxation's pooling binaries come out whole, its optimum is feasible for
the MIP and no MIP can beat the relaxation, so it is the MIP's optimum; only
otherwise does HiGHS run its branch and bound (on the example area every
draw measured came out whole: 1.7 ms a draw instead of 12 ms).

The changed scenario must have the same shape (ids, eligibility, rules,
pots, segment widths), and a stream's amounts may only scale alike in
every year when the pooling is chosen by the solver; anything else needs a
new model.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace

import highspy
import numpy as np
from laa.models.errors import LaaError
from laa.models.scenario import Arrangement, Scenario
from laa.pooling.build import Builder, build
from laa.pooling.choice import pot_money_bound
from laa.pooling.evaluate import OutcomeResult, outcome_result
from laa.pooling.optimise import plan_from
from laa.pooling.plan import Plan, PlanStatus
from laa.pooling.prices import priced_rows
from laa.pooling.program import INF, Program
from laa.pooling.solvers import (
    PRIMAL_SIMPLEX,
    Feature,
    Solution,
    SolveOptions,
    Status,
    change_rows_bounds,
    highs_lp,
    new_highs,
    read_highs,
    set_pooling_mip_options,
    solve,
)
from laa.pooling.spec import ModelSpec, PoolingMode
from laa.pooling.units import MILLION
from laa.pooling.vocabulary import PoolShare, RowFamily, RowLabel, Segment

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

    @staticmethod
    def of(b: Builder) -> SpendIndex:
        cols, outcome = [], []
        for j, o in enumerate(b.scenario.outcomes):
            found = b.x_by_outcome.get(o.id, []) + b.q_by_outcome.get(o.id, [])
            cols += found
            outcome += [j] * len(found)
        return SpendIndex(
            np.asarray(cols, dtype=np.int64), np.asarray(outcome, dtype=np.int64), len(b.scenario.outcomes)
        )

    def per_outcome(self, values: np.ndarray) -> np.ndarray:
        """GBP spent on each outcome over the period."""
        return np.bincount(self.outcome, weights=values[self.cols], minlength=self.count) * MILLION


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
        return self._spec.scenario

    def run(self, changed: Scenario | None = None) -> Solution:
        if changed is not None and changed is not self._spec.scenario:
            _same_shape(self._spec.scenario, changed)
            self._spec = replace(self._spec, scenario=changed)
            self.builder = build(self._spec, self._streams)
        return solve(self.builder.program, self.options)

    def solve(self, changed: Scenario | None = None) -> Plan:
        if self.builder.program.is_mip:
            raise LaaError("a full plan of the optimal arrangement re-solves its fixed choice; use summary()")
        solution = self.run(changed)
        return plan_from(self.builder, solution, self.arrangement, {"solve": solution.seconds})

    def summary(self, changed: Scenario | None = None) -> Summary:
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
        self.highs: highspy.Highs = new_highs(options or SolveOptions())
        self.highs.passModel(highs_lp(program))
        # measured on the example: from the kept basis, primal simplex re-solves 17% faster than dual
        if self.is_mip:
            set_pooling_mip_options(self.highs)
            self._relaxed: highspy.Highs | None = new_highs(options or SolveOptions())
            self._relaxed.passModel(highs_lp(program, relax=True))
            self._relaxed.setOptionValue("simplex_strategy", PRIMAL_SIMPLEX)
            self._binaries = np.flatnonzero(np.asarray(program.col_integer, dtype=bool))
        else:
            self._relaxed = None
            self.highs.setOptionValue("simplex_strategy", PRIMAL_SIMPLEX)
        self.branch_and_bound_runs = 0
        self._scenario = spec.scenario
        self._free = spec.choice.mode is not PoolingMode.FIXED
        self._priced = priced_rows(builder) if not self.is_mip else None
        self._spend = SpendIndex.of(builder)
        scenario = spec.scenario
        starts = np.cumsum([0] + [len(o.response) for o in scenario.outcomes])
        first_segment = {o.id: int(start) for o, start in zip(scenario.outcomes, starts, strict=False)}
        years = scenario.years
        stream_index = {st.id: i for i, st in enumerate(scenario.streams)}
        slope_at: list[tuple[int, int, int]] = []  # (progress row, segment column, place in numbers' slopes)
        budget_at: list[tuple[int, int]] = []  # (budget row, place in numbers' amounts)
        for row, label in enumerate(program.row_labels):
            if label.family is RowFamily.PROGRESS and label.outcome:
                view, o = label.funder or "", label.outcome
                curve = scenario.outcome(o).response
                if not _can_spend(program, label, len(curve)):
                    continue
                slope_at += [
                    (row, program.col(Segment(view, o, k)), first_segment[o] + k)
                    for k, seg in enumerate(curve)
                    if seg.spend is not None  # an unbounded segment's slope is 0 by definition
                ]
            elif label.family is RowFamily.BUDGET and label.stream and label.year is not None:
                budget_at.append((row, stream_index[label.stream] * len(years) + years.index(label.year)))
        self._slope_rows, self._slope_cols, self._slope_place = (
            np.array(slope_at, dtype=np.int64).reshape(-1, 3).T
        )
        self._budget_rows, self._budget_place = np.array(budget_at, dtype=np.int64).reshape(-1, 2).T
        slopes, amounts = scenario.numbers
        self._coefs = -np.asarray(slopes)[self._slope_place] * MILLION
        self._budgets = np.asarray(amounts)[self._budget_place] / MILLION
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
        builder = replace(self.builder, spec=replace(self.builder.spec, scenario=self._scenario))
        return plan_from(
            builder, solution, self.arrangement, {"solve": solution.seconds}, priced=self._priced
        )

    def summary(self, changed: Scenario | None = None) -> Summary:
        """Only the score and outcome results of `changed`: what a sensitivity draw needs."""
        solution = self.run(changed)
        return summarise(self._scenario, self._spend, solution)

    def run(self, changed: Scenario | None = None) -> Solution:
        """Update what differs, re-solve, and read the solution (status first)."""
        started = time.perf_counter()
        if changed is not None and changed is not self._scenario:
            self._update(changed)
        solution = self._relaxation_if_whole()
        if solution is None:
            self.branch_and_bound_runs += self.is_mip
            self.highs.run()
            solution = read_highs(self.highs, is_mip=self.is_mip)
        solution.seconds = time.perf_counter() - started
        return solution

    def _relaxation_if_whole(self) -> Solution | None:
        """The MIP's answer read off its relaxation, when the relaxation settles it; else None.

        An infeasible relaxation means an infeasible MIP; an optimal one whose binaries are whole
        (to 1e-9) is a MIP solution no MIP solution can beat.
        """
        if self._relaxed is None:
            return None
        self._relaxed.run()
        solution = read_highs(self._relaxed, is_mip=False)
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
        h = _Both(self.highs, self._relaxed)
        slopes, amounts = changed.numbers
        coefs = -np.asarray(slopes)[self._slope_place] * MILLION
        moved = np.flatnonzero(coefs != self._coefs)
        for row, col, coef in zip(
            self._slope_rows[moved].tolist(),
            self._slope_cols[moved].tolist(),
            coefs[moved].tolist(),
            strict=True,
        ):
            h.changeCoeff(row, col, coef)
        self._coefs = coefs
        budgets = np.asarray(amounts)[self._budget_place] / MILLION
        moved = np.flatnonzero(budgets != self._budgets)
        if len(moved):
            rows = self._budget_rows[moved].astype(np.int32)
            h.changeRowsBounds(len(rows), rows, budgets[moved], budgets[moved])
        self._budgets = budgets
        new_amounts = np.asarray(amounts)
        if not np.array_equal(new_amounts, self._amounts):
            if self._free:
                self._update_pooling(changed, new_amounts, h)
            if self.builder.big_m:
                self._update_big_m(changed)
        self._amounts = new_amounts
        self._scenario = changed

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
        b = replace(self.builder, spec=replace(self.builder.spec, scenario=changed))
        new_m = {p: pot_money_bound(b, p) for p in self.builder.pots}
        h = _Both(self.highs, self._relaxed)
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


def _can_spend(program: Program, progress: RowLabel, segments: int) -> bool:
    """Whether any spend reaches this view of the curve; if none can, its effects never matter.

    A silo funder's program carries every outcome's curve, most of them out of its streams'
    reach; skipping those keeps a draw's updates to the curves that can move the answer.
    """
    response = RowLabel(RowFamily.RESPONSE, outcome=progress.outcome, funder=progress.funder)
    cols, _ = program.row_terms(program.row_index[response])
    return len(cols) > segments


class _Both:
    """The MIP and its relaxation take every change alike, so the relaxation never drifts."""

    def __init__(self, exact: highspy.Highs, relaxed: highspy.Highs | None):
        self.models = [exact] if relaxed is None else [exact, relaxed]

    def changeCoeff(self, row: int, col: int, value: float) -> None:  # HiGHS's names, so _update reads alike
        for h in self.models:
            h.changeCoeff(row, col, value)

    def changeRowBounds(self, row: int, lower: float, upper: float) -> None:
        for h in self.models:
            h.changeRowBounds(row, lower, upper)

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
