"""Badging pooled money back to its contributors (MODEL.md, Partners): each funder's account of a plan.

A pot's spend on each outcome, its overhead, its set-up cost and the money
it lets lapse are attributed to its member streams in proportion to what
each paid into the pot over the agreement; what a section 75 pooled-fund
statement reports by source of funding. A funder's account is its
streams' amounts, what they paid into each pot, overhead, set-up, lapsed
money and spend on every outcome (directly and through pots), and the
score its money bought: each outcome's score shared in proportion to spend
on it.

Each pot's shares come from `pooling.badging`, the rule `Plan.allocation`
badges its pot rows by too.

Money is apportioned to the penny by largest remainders, so that summed
over funders every figure equals the area's total rounded to the penny,
as a statement of spend by source must.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from laa.models.scenario import Scenario
from laa.pooling.plans.badging import paid_in, pot_shares
from laa.pooling.plans.plan import Plan


@dataclass(frozen=True)
class OutcomeSpend:
    """A funder's spend on one outcome in pounds: spent directly, and its part of pot spend."""

    outcome: str
    direct: float
    through_pots: float

    @property
    def total(self) -> float:
        """Direct spend and spend through pots together, in pounds."""
        return self.direct + self.through_pots


@dataclass(frozen=True)
class Account:
    """One funder's side of a plan, in pounds (to the penny) and score."""

    funder: str
    amounts: float
    paid_into_pots: float
    overhead: float
    setup: float
    lapsed: float
    spent: float
    score_bought: float
    spend: list[OutcomeSpend] = field(default_factory=list)
    paid_into: dict[str, float] = field(default_factory=dict)  # pot -> pounds paid in

    def spend_on(self, outcomes: set[str] | frozenset[str]) -> float:
        """The funder's spend on `outcomes` in pounds, direct and through pots."""
        return sum(s.total for s in self.spend if s.outcome in outcomes)

    def to_record(self) -> dict[str, Any]:
        """The account as the partners document (and a batch record with --partners) gives it."""
        return {
            "funder": self.funder,
            "amounts": self.amounts,
            "paid_into_pots": self.paid_into_pots,
            "overhead": self.overhead,
            "setup": self.setup,
            "lapsed": self.lapsed,
            "spent": self.spent,
            "score_bought": self.score_bought,
            "spend": [
                {"outcome": s.outcome, "direct": s.direct, "through_pots": s.through_pots} for s in self.spend
            ],
            "paid_into": [{"pot": p, "amount": v} for p, v in self.paid_into.items()],
        }


def funders_with_streams(scenario: Scenario) -> list[str]:
    """The partners the figures are about: every funder with a stream, in the file's order."""
    return [f.id for f in scenario.funders if any(s.funder == f.id for s in scenario.streams)]


def to_the_penny(values: Sequence[float], total: float | None = None) -> list[float]:
    """Round each value to the penny so that they add up to `total` (default: their sum) rounded to
    the penny: the largest remainders get the pennies that rounding each alone would lose (or, when
    taking pennies back, the smallest give them up)."""
    n = len(values)
    if not n:
        return []
    pennies = [v * 100.0 for v in values]
    target = round((sum(values) if total is None else total) * 100.0)
    rounded = [math.floor(p) for p in pennies]
    left = target - sum(rounded)
    step = 1 if left > 0 else -1
    order = sorted(range(n), key=lambda i: pennies[i] - rounded[i], reverse=step > 0)
    for k in range(abs(left)):
        rounded[order[k % n]] += step
    return [r / 100.0 for r in rounded]


def money_on(
    plan: Plan, funder: str, outcomes: frozenset[str], badge: Mapping[str, Mapping[str, float]]
) -> float:
    """A funder's money (GBP) on these outcomes in the plan: its streams' own spend and, through each
    pot, the pot's spend at the funder's share of it (`badge`: `pot_shares` of the plan's pooling)."""
    assert plan.spending is not None
    scenario = plan.scenario
    spend = plan.spending.stream_spend
    total = sum(v for (s, o, _), v in spend.items() if o in outcomes and scenario.funder_of(s) == funder)
    for (p, o, _), v in plan.spending.pot_spend.items():
        if o in outcomes:
            total += badge.get(p, {}).get(funder, 0.0) * v
    return total


def plan_accounts(plan: Plan) -> list[Account]:
    """Every funder's account of `plan` (a plan with numbers): what `laa batch --partners` records."""
    return accounts(plan, funders_with_streams(plan.scenario))


def accounts(plan: Plan, funders: list[str]) -> list[Account]:
    """Every funder's account of `plan` (a plan with numbers)."""
    assert plan.spending is not None and plan.evaluation is not None
    scenario, spending, evaluation = plan.scenario, plan.spending, plan.evaluation
    badge = pot_shares(scenario, spending.shares)
    paid = paid_in(scenario, spending.shares)

    raw: dict[str, dict[str, float]] = {f: defaultdict(float) for f in funders}
    direct: dict[str, dict[str, float]] = {f: defaultdict(float) for f in funders}
    pooled: dict[str, dict[str, float]] = {f: defaultdict(float) for f in funders}
    into: dict[str, dict[str, float]] = {f: defaultdict(float) for f in funders}
    for stream in scenario.streams:
        f = stream.funder
        raw[f]["amounts"] += sum(stream.amount_in(t) for t in scenario.years)
        if stream.id in paid:
            raw[f]["paid_into_pots"] += paid[stream.id]
            into[f][scenario.pot_of(stream.id) or ""] += paid[stream.id]
    for source in evaluation.sources:
        own = source.kind == "stream"
        owners = {scenario.funder_of(source.id): 1.0} if own else badge.get(source.id, {})
        for f, share in owners.items():
            raw[f]["overhead"] += share * source.overhead
            raw[f]["setup"] += share * source.setup
            raw[f]["lapsed"] += share * source.lapsed
    for (s, o, _), amount in spending.stream_spend.items():
        direct[scenario.funder_of(s)][o] += amount
    for (p, o, _), amount in spending.pot_spend.items():
        for f, share in badge.get(p, {}).items():
            pooled[f][o] += share * amount

    outcome_score = {r.id: r.score for r in evaluation.outcomes}
    outcome_spend = {r.id: r.spend for r in evaluation.outcomes}
    bought = dict.fromkeys(funders, 0.0)
    for o, score in outcome_score.items():
        total = outcome_spend[o]
        if total > 0 and score:
            for f in funders:
                bought[f] += score * (direct[f][o] + pooled[f][o]) / total

    money = evaluation.money
    totals = {
        "amounts": money.available,
        "paid_into_pots": sum(paid.values()),
        "overhead": money.overhead,
        "setup": money.setup,
        "lapsed": money.lapsed,
        "spent": money.spent,
    }
    for f in funders:  # a funder's spent is its spend on outcomes, direct and badged
        raw[f]["spent"] = sum(direct[f].values()) + sum(pooled[f].values())
    figures = {k: to_the_penny([raw[f][k] for f in funders], total) for k, total in totals.items()}
    outcomes = [o.id for o in scenario.outcomes]
    by_outcome = {
        o: (
            to_the_penny([direct[f][o] for f in funders]),
            to_the_penny([pooled[f][o] for f in funders]),
        )
        for o in outcomes
    }
    pots = [p.id for p in scenario.pots]
    into_pot = {p: to_the_penny([into[f][p] for f in funders]) for p in pots}
    found = []
    for i, f in enumerate(funders):
        spend = [
            OutcomeSpend(o, by_outcome[o][0][i], by_outcome[o][1][i])
            for o in outcomes
            if by_outcome[o][0][i] or by_outcome[o][1][i]
        ]
        found.append(
            Account(
                funder=f,
                **{k: figures[k][i] for k in totals},
                score_bought=bought[f],
                spend=spend,
                paid_into={p: into_pot[p][i] for p in pots if into_pot[p][i]},
            )
        )
    return found
