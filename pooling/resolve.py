"""Re-solving a built program in place when only effects or amounts change.

Sensitivity draws, sweeps and what-ifs re-plan one scenario hundreds of
times with new response effects or stream amounts. Rebuilding the program
each time repeats work whose result is the same but for a few numbers: a
response effect is only the slope coefficient of a segment in its
outcome's progress row, and a stream's amount is only the bound of its
budget row (in a fixed pooling choice the pooled money is a share of the
budget column, so nothing else moves). So the HiGHS model is kept, the
coefficients and bounds that differ are changed, and HiGHS re-solves from
its last basis.

The changed scenario must have the same shape (ids, eligibility, rules,
pots, segments); anything else needs a new model.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace

import highspy
import numpy as np

from models.errors import LaaError
from models.scenario import Arrangement, Scenario
from pooling.build import Builder, build
from pooling.evaluate import OutcomeResult, outcome_result
from pooling.optimise import plan_from
from pooling.plan import Plan, PlanStatus
from pooling.prices import priced_rows
from pooling.solvers import Solution, SolveOptions, highs_lp, new_highs, read_highs
from pooling.spec import ModelSpec, PoolingMode
from pooling.units import millions


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


PRIMAL_SIMPLEX = 4


class ReusableModel:
    """One arrangement's program with a fixed pooling choice, kept in HiGHS between solves."""

    def __init__(self, spec: ModelSpec, arrangement: Arrangement, options: SolveOptions | None = None):
        if spec.choice.mode is not PoolingMode.FIXED:
            raise LaaError("only a fixed pooling choice can be re-solved in place")
        self.arrangement = arrangement
        self.builder: Builder = build(spec)
        program = self.builder.program
        self.highs: highspy.Highs = new_highs(options or SolveOptions())
        self.highs.passModel(highs_lp(program))
        # measured on the example: from the kept basis, primal simplex re-solves 17% faster than dual
        self.highs.setOptionValue("simplex_strategy", PRIMAL_SIMPLEX)
        self._progress_row: dict[str, int] = {}
        self._budgets: dict[tuple[str, int], int] = {}
        for row, label in enumerate(program.row_labels):
            if label.family == "progress" and label.funder is None and label.outcome:
                self._progress_row[label.outcome] = row
            elif label.family == "budget" and label.stream and label.year is not None:
                self._budgets[(label.stream, label.year)] = row
        self._scenario = spec.scenario
        self._priced = priced_rows(self.builder)
        self._spend = SpendIndex.of(self.builder)
        self._current_slopes = {o.id: [seg.slope for seg in o.response] for o in spec.scenario.outcomes}
        self._seg_cols = {
            o.id: [program.col(("u", "", o.id, k)) for k in range(len(o.response))]
            for o in spec.scenario.outcomes
        }

    @property
    def scenario(self) -> Scenario:
        return self._scenario

    def solve(self, changed: Scenario | None = None) -> Plan:
        """Plan `changed` (default: the scenario as it stands), changing only what differs."""
        solution = self._run(changed)
        builder = replace(self.builder, spec=replace(self.builder.spec, scenario=self._scenario))
        timings = {"solve": solution.seconds}
        return plan_from(builder, solution, self.arrangement, timings, priced=self._priced)

    def summary(self, changed: Scenario | None = None) -> Summary:
        """Only the score and outcome results of `changed`: what a sensitivity draw needs."""
        solution = self._run(changed)
        return summarise(self._scenario, self._spend, solution)

    def _run(self, changed: Scenario | None) -> Solution:
        started = time.perf_counter()
        if changed is not None and changed is not self._scenario:
            self._update(changed)
        self.highs.run()
        solution = read_highs(self.highs, is_mip=False)
        solution.seconds = time.perf_counter() - started
        return solution

    def _update(self, changed: Scenario) -> None:
        current = self._scenario
        _same_shape(current, changed)
        h = self.highs
        for new in changed.outcomes:
            slopes = [seg.slope for seg in new.response]
            if slopes == self._current_slopes[new.id]:
                continue
            self._current_slopes[new.id] = slopes
            row = self._progress_row[new.id]
            for col, slope in zip(self._seg_cols[new.id], slopes, strict=True):
                if slope > 0:
                    h.changeCoeff(row, col, -slope * 1e6)
        for old, new in zip(current.streams, changed.streams, strict=True):
            for t in changed.years:
                amount = new.amount_in(t)
                if amount != old.amount_in(t):
                    row = self._budgets[(new.id, t)]
                    h.changeRowBounds(row, millions(amount), millions(amount))
        self._scenario = changed


def _same_shape(a: Scenario, b: Scenario) -> None:
    """Refuse a change that would need a different program, rather than solve the wrong one."""
    same = (
        a.years == b.years
        and [o.id for o in a.outcomes] == [o.id for o in b.outcomes]
        and [s.id for s in a.streams] == [s.id for s in b.streams]
        and all(len(x.response) == len(y.response) for x, y in zip(a.outcomes, b.outcomes, strict=True))
        and all(
            [s.spend for s in x.response] == [s.spend for s in y.response]
            for x, y in zip(a.outcomes, b.outcomes, strict=True)
        )
        and all(
            (x.weight, x.baseline, x.target, x.stretch, x.min_spend)
            == (y.weight, y.baseline, y.target, y.stretch, y.min_spend)
            for x, y in zip(a.outcomes, b.outcomes, strict=True)
        )
        and all(
            (x.eligible, x.admin_rate, x.carry_forward, x.pool_share_limit)
            == (y.eligible, y.admin_rate, y.carry_forward, y.pool_share_limit)
            for x, y in zip(a.streams, b.streams, strict=True)
        )
        and a.rules == b.rules
        and a.pots == b.pots
    )
    if not same:
        raise LaaError("the changed scenario differs in more than effects and amounts; build a new model")
