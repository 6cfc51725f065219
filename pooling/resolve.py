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

from models.errors import LaaError
from models.scenario import Arrangement, Scenario
from pooling.build import Builder, build
from pooling.choice import pot_money_bound
from pooling.evaluate import OutcomeResult, outcome_result
from pooling.optimise import plan_from
from pooling.plan import Plan, PlanStatus
from pooling.prices import priced_rows
from pooling.program import INF
from pooling.solvers import Solution, SolveOptions, highs_lp, new_highs, read_highs, set_pooling_mip_options
from pooling.spec import ModelSpec, PoolingMode
from pooling.units import millions

PRIMAL_SIMPLEX = 4
# rows where a pooling column's coefficient is a stream's amount times a constant
AMOUNT_ROWS = frozenset({"stream_money", "stream_carry", "pot_money", "pot_carry", "rule", "rule_pot"})


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
        return np.bincount(self.outcome, weights=values[self.cols], minlength=self.count) * 1e6


def summarise(scenario: Scenario, spend: SpendIndex, solution: Solution) -> Summary:
    """Score the solution on the true curves from its spend per outcome (GBP)."""
    if not solution.ok or solution.values is None:
        return Summary(PlanStatus(solution.status.value), None, [])
    per_outcome = spend.per_outcome(solution.values)
    results = [outcome_result(o, float(v)) for o, v in zip(scenario.outcomes, per_outcome, strict=True)]
    return Summary(PlanStatus.OPTIMAL, sum(r.score for r in results), results)


class ReusableModel:
    """A built program kept in HiGHS between solves of changed effects and amounts."""

    def __init__(self, builder: Builder, arrangement: Arrangement, options: SolveOptions | None = None):
        spec = builder.spec
        if spec.max_pooled_share is not None or spec.elastic:
            raise LaaError("a frontier step or an elastic program cannot be re-solved in place")
        self.arrangement = arrangement
        self.builder = builder
        program = builder.program
        self.is_mip = program.is_mip
        self.highs: highspy.Highs = new_highs(options or SolveOptions())
        self.highs.passModel(highs_lp(program))
        if self.is_mip:
            set_pooling_mip_options(self.highs)
        else:
            # measured on the example: from the kept basis, primal simplex re-solves 17% faster than dual
            self.highs.setOptionValue("simplex_strategy", PRIMAL_SIMPLEX)
        self._scenario = spec.scenario
        self._free = spec.choice.mode is not PoolingMode.FIXED
        self._priced = priced_rows(builder) if not self.is_mip else None
        self._spend = SpendIndex.of(builder)
        self._progress: dict[str, list[tuple[int, list[int]]]] = {}  # outcome -> (row, segment columns)
        self._budget: dict[tuple[str, int], int] = {}
        for row, label in enumerate(program.row_labels):
            if label.family == "progress" and label.outcome:
                view, o = label.funder or "", label.outcome
                segments = [
                    program.col(("u", view, o, k)) for k in range(len(spec.scenario.outcome(o).response))
                ]
                self._progress.setdefault(o, []).append((row, segments))
            elif label.family == "budget" and label.stream and label.year is not None:
                self._budget[(label.stream, label.year)] = row
        self._slopes = {o.id: [seg.slope for seg in o.response] for o in spec.scenario.outcomes}
        self._amounts = {s.id: [s.amount_in(t) for t in spec.scenario.years] for s in spec.scenario.streams}
        self._base_amounts = dict(self._amounts)
        self._pooling_terms = self._amount_terms() if self._free else {}
        self._base_m = {p: pot_money_bound(builder, p) for p in builder.pots}
        self._current_m = dict(self._base_m)
        self._base_bound = {
            row: (program.row_lower[row], program.row_upper[row]) for row, *_ in builder.big_m
        }

    @classmethod
    def for_spec(
        cls, spec: ModelSpec, arrangement: Arrangement, options: SolveOptions | None = None
    ) -> ReusableModel:
        return cls(build(spec), arrangement, options)

    @property
    def scenario(self) -> Scenario:
        return self._scenario

    def _amount_terms(self) -> dict[str, list[tuple[int, int, float]]]:
        """Per stream, the (row, pooling column, coefficient as built) that scale with its amount."""
        program = self.builder.program
        pool_cols = {program.col(("pool", s)): s for s in self.builder.streams if program.has(("pool", s))}
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
        self.highs.run()
        solution = read_highs(self.highs, is_mip=self.is_mip)
        solution.seconds = time.perf_counter() - started
        return solution

    # --- updating ---

    def _update(self, changed: Scenario) -> None:
        _same_shape(self._scenario, changed)
        h = self.highs
        for outcome in changed.outcomes:
            slopes = [seg.slope for seg in outcome.response]
            if slopes == self._slopes[outcome.id]:
                continue
            self._slopes[outcome.id] = slopes
            for row, segments in self._progress.get(outcome.id, []):
                for col, slope in zip(segments, slopes, strict=True):
                    if slope > 0:
                        h.changeCoeff(row, col, -slope * 1e6)
        moved = []
        for stream in changed.streams:
            amounts = [stream.amount_in(t) for t in changed.years]
            if amounts == self._amounts[stream.id]:
                continue
            self._amounts[stream.id] = amounts
            moved.append(stream.id)
            for t, amount in zip(changed.years, amounts, strict=True):
                if (stream.id, t) in self._budget:
                    h.changeRowBounds(self._budget[(stream.id, t)], millions(amount), millions(amount))
            if self._free:
                factor = _uniform_factor(self._base_amounts[stream.id], amounts, stream.id)
                for row, col, coef in self._pooling_terms.get(stream.id, []):
                    h.changeCoeff(row, col, coef * factor)
        if moved and self.builder.big_m:
            self._update_big_m(changed)
        self._scenario = changed

    def _update_big_m(self, changed: Scenario) -> None:
        """Each switch's M is the most its pot could spend: recompute it from the new amounts."""
        b = replace(self.builder, spec=replace(self.builder.spec, scenario=changed))
        new_m = {p: pot_money_bound(b, p) for p in self.builder.pots}
        h = self.highs
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
    same = (
        a.years == b.years
        and [o.id for o in a.outcomes] == [o.id for o in b.outcomes]
        and [s.id for s in a.streams] == [s.id for s in b.streams]
        and all(
            [s.spend for s in x.response] == [s.spend for s in y.response]
            and (x.weight, x.baseline, x.target, x.stretch, x.min_spend)
            == (y.weight, y.baseline, y.target, y.stretch, y.min_spend)
            for x, y in zip(a.outcomes, b.outcomes, strict=True)
        )
        and all(
            (x.eligible, x.admin_rate, x.carry_forward, x.pool_share_limit, x.funder)
            == (y.eligible, y.admin_rate, y.carry_forward, y.pool_share_limit, y.funder)
            for x, y in zip(a.streams, b.streams, strict=True)
        )
        and a.rules == b.rules
        and a.pots == b.pots
    )
    if not same:
        raise LaaError("the changed scenario differs in more than effects and amounts; build a new model")
