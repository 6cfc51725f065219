"""Plans within reach of the optimum: the arrangement's program with its score held near the best.

MODEL.md, Partners: the fair plan and the room to negotiate are chosen
among the plans of an arrangement whose score is at least `(1 - epsilon)`
times its optimum. Both are linear programs on the arrangement's own
program (aligned, pooled, or optimal with its pooling choice fixed), with
one more row, the score floor `sum_o w_o a_o / gap_o >= (1 - epsilon) *
optimum` over the columns the objective scores (each outcome's curve cut at
its cap, `pooling.response`), so `a_o = min(d_o, cap_o)` at most. Only
the objective changes from one question to the next, so the program is
kept in HiGHS and re-solved in place.

Every plan found here is read back and re-scored by the evaluator like any
other; a plan whose re-score falls below the floor or breaks a rule the
program promised is refused (status `error`), not reported.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace

from laa.models.scenario import Arrangement, Scenario
from laa.pooling.plans.optimise import plan_from
from laa.pooling.plans.plan import Plan, PlanStatus
from laa.pooling.plans.resolve import SpendIndex, summarise
from laa.pooling.plans.silo import own_optimum_target
from laa.pooling.program.build import build
from laa.pooling.program.spec import ModelSpec, PoolingMode
from laa.pooling.solving.kept import KeptProgram
from laa.pooling.solving.solvers import Solution, SolveOptions


def score_floor(optimum: float, epsilon: float) -> float:
    """The least score a plan within `epsilon` of `optimum` may have, less the solver's tolerance."""
    return own_optimum_target((1.0 - epsilon) * optimum)


class WithinReach:
    """The arrangement's program, its score floored at `(1 - epsilon)` times `optimum`.

    `spec` must fix the pooling choice: the fair plan and the ranges are linear programs
    (for the optimal arrangement, its chosen pooling).
    """

    def __init__(
        self,
        spec: ModelSpec,
        arrangement: Arrangement,
        optimum: float,
        epsilon: float,
        options: SolveOptions | None = None,
    ):
        if spec.choice.mode is not PoolingMode.FIXED:
            raise ValueError("plans within reach are linear programs: fix the pooling choice first")
        if not 0.0 <= epsilon < 1.0:
            raise ValueError(f"epsilon must be at least 0 and below 1; got {epsilon}")
        b = build(spec)
        self.builder = b
        self.arrangement = arrangement
        self.optimum = optimum
        self.epsilon = epsilon
        self.floor = score_floor(optimum, epsilon)
        self.kept = KeptProgram(b, options)
        # the row asks for the floor itself (less a billionth, so that epsilon 0 is not refused over
        # the optimum's own rounding); a plan is then judged against the floor less the solver's
        # tolerance, as silo judges a funder's own view
        target = (1.0 - epsilon) * optimum
        lowest = target - 1e-9 * max(1.0, abs(target))
        # each outcome's share of the score, `w_o a_o / gap_o`, as the objective states it
        self.score_terms = {o: list(terms) for o, terms in b.score_terms.items()}
        score = self.score_costs()
        self.kept.add_row(list(score), list(score.values()), lower=lowest)
        self._costs: dict[int, float] = dict(score)
        self._spend = SpendIndex.of(b)

    @property
    def scenario(self) -> Scenario:
        """The scenario the kept program was built from."""
        return self.builder.scenario

    def maximise(self, costs: Mapping[int, float]) -> Solution:
        """Re-solve with `costs` as the whole objective (every other column's cost zero)."""
        stale = [c for c in self._costs if c not in costs]
        self.kept.set_costs(stale, [0.0] * len(stale))
        changed = [c for c, v in costs.items() if self._costs.get(c) != v]
        self.kept.set_costs(changed, [costs[c] for c in changed])
        self._costs = {c: v for c, v in costs.items() if v != 0.0}
        return self.kept.run()

    def score_costs(self, outcomes: Iterable[str] | None = None) -> dict[int, float]:
        """The area's score (or its share from `outcomes` only) as an objective: column -> coefficient."""
        wanted = self.score_terms if outcomes is None else {o: self.score_terms[o] for o in outcomes}
        costs: dict[int, float] = {}
        for terms in wanted.values():
            for c, w in terms:
                costs[c] = costs.get(c, 0.0) + w
        return costs

    def plan(self, solution: Solution) -> Plan:
        """The solution read back and re-scored by the evaluator; refused below the floor."""
        if not solution.ok:
            return plan_from(self.builder, solution, self.arrangement, {"solve": solution.seconds})
        # the program's objective here is not the score: the evaluator is checked against the score
        # of the spend it read (so only the read-back differs), and against the floor below
        scored = summarise(self.scenario, self._spend, solution)
        checked = replace(solution, objective=scored.score, shadow=None)
        plan = plan_from(self.builder, checked, self.arrangement, {"solve": solution.seconds})
        score = plan.score
        if plan.status is PlanStatus.OPTIMAL and score is not None and score < self.floor:
            return plan.refused(
                f"internal check failed: the plan's re-scored score {score:.9f} is below "
                f"{1 - self.epsilon:g} of the optimum {self.optimum:.9f}"
            )
        return plan
