"""The engine's checks on its own answers: a plan whose figures cannot be right is an `error`.

The solver and the evaluator already agree on each plan's score and on every
budget and rule (`pooling.optimise.plan_from`). What they cannot see is a
figure that is right by both and still absurd, or two plans of one run that
contradict each other. So, with the reason in the plan's message:

- one plan (`plan_problems`): every figure finite; no negative spend; no more
  spent than the area has (a plan, unlike a historic allocation, keeps to its
  budgets); a score between 0 and the most the outcomes can give, the sum of
  `w * cap / gap` (MODEL.md, Objective); the solver's own score, where it has
  one, equal to the evaluator's;
- the plans of one run (`run_problems`): `optimal >= max(aligned, pooled)`,
  since aligned (no stream pooled) and pooled (every pot's members at their
  largest share) are both among the poolings optimal chooses from (MODEL.md,
  Arrangements). An optimal plan below either is not the optimum, whatever
  the solver said: check1 with a stream-year of £1e13 once scored 3.456
  "optimal" against pooled's 6.655.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from laa.models.scenario import Arrangement
from laa.pooling.plans.plan import Plan, PlanStatus

# relative agreement asked of two scores that must be equal or ordered; the solver works to 1e-8
SCORE_TOLERANCE = 1e-6


def most_score(plan: Plan) -> float:
    """The highest score any plan of the scenario can have: every outcome at its cap."""
    return sum(o.weight * o.cap / o.gap for o in plan.scenario.outcomes)


def plan_problems(plan: Plan) -> list[str]:
    """Why the plan's figures cannot be right; empty when they can (or when it has no figures)."""
    if not plan.has_numbers or plan.evaluation is None:
        return []
    ev = plan.evaluation
    found = [f"{what} is {value}" for what, value in _figures(plan) if not math.isfinite(value)]
    if found:
        return [f"a figure is not a finite number: {'; '.join(found[:3])}"]
    money_tol = max(1e-7 * abs(ev.money.available), 0.5)
    negative = [(k, v) for k, v in _spends(plan) if v < -money_tol]
    if negative:
        (source, outcome, year), amount = negative[0]
        found.append(f"{source} spends {amount:,.2f} on {outcome} in {year}, below zero")
    if plan.status is PlanStatus.OPTIMAL and ev.money.spent > ev.money.available + money_tol:
        spent, available = ev.money.spent, ev.money.available
        found.append(f"it spends £{spent:,.0f}, more than the £{available:,.0f} the area has")
    top = most_score(plan)
    if not -SCORE_TOLERANCE <= ev.score <= top + SCORE_TOLERANCE * max(1.0, top):
        found.append(f"its score {ev.score:.9g} is outside 0 to {top:.9g}, the most its outcomes can give")
    solver = plan.solver_score
    if solver is not None and abs(solver - ev.score) > SCORE_TOLERANCE * max(1.0, abs(solver)):
        found.append(f"the solver's score {solver:.9g} differs from the re-scored plan's {ev.score:.9g}")
    return found


def run_problems(plans: list[Plan]) -> dict[int, str]:
    """The plans (by position) that contradict another plan of the same run, with why."""
    solved = {p.arrangement: p for p in plans if p.status is PlanStatus.OPTIMAL and p.score is not None}
    best = solved.get(Arrangement.OPTIMAL)
    if best is None or best.score is None:
        return {}
    found: dict[int, str] = {}
    for other in (Arrangement.POOLED, Arrangement.ALIGNED):
        rival = solved.get(other)
        if rival is None or rival.score is None:
            continue
        if best.score < rival.score - SCORE_TOLERANCE * max(1.0, abs(rival.score)):
            found[plans.index(best)] = (
                f"the optimal plan scores {best.score:.9g}, below the {other.value} plan's "
                f"{rival.score:.9g}; the {other.value} plan is one optimal chooses from, so this one is not "
                "the optimum"
            )
            break
    return found


def checked(plan: Plan) -> Plan:
    """The plan, or an `error` plan with the reason when its figures cannot be right."""
    problems = plan_problems(plan)
    return plan.refused(f"self-check failed: {'; '.join(problems)}") if problems else plan


def checked_run(plans: list[Plan]) -> list[Plan]:
    """Each plan checked alone, then the run's plans against each other, in order."""
    found = [checked(plan) for plan in plans]
    for index, reason in run_problems(found).items():
        found[index] = found[index].refused(f"self-check failed: {reason}")
    return found


def _figures(plan: Plan) -> Iterable[tuple[str, float]]:
    ev = plan.evaluation
    assert ev is not None
    yield "the score", ev.score
    if plan.solver_score is not None:
        yield "the solver's score", plan.solver_score
    for name, value in ev.money.__dict__.items():
        yield f"money {name}", value
    for o in ev.outcomes:
        for name in ("spend", "improvement", "projected", "reward", "score"):
            yield f"outcome {o.id} {name}", getattr(o, name)
    for (source, outcome, year), amount in _spends(plan):
        yield f"{source}'s spend on {outcome} in {year}", amount
    for price in plan.shadow_prices:
        yield f"the shadow price of {price.kind} {price.id}", price.per_million


def _spends(plan: Plan) -> Iterable[tuple[tuple[str, str, int], float]]:
    if plan.spending is None:
        return
    yield from plan.spending.stream_spend.items()
    yield from plan.spending.pot_spend.items()
