"""Room to negotiate (MODEL.md, Partners): the least and the most of a funder's money on a block.

Among the plans within `epsilon` of the optimum, two linear programs for
each funder and block: minimise, then maximise, the funder's money on the
block's outcomes, directly and through pots (a pot's spend counted at the
funder's share of what was paid into it). Only the objective changes
between them, so the one kept program answers every pair.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from laa.pooling.partners.reach import WithinReach
from laa.pooling.plans.plan import Plan


@dataclass(frozen=True)
class Counted:
    """Whose money a range counts, and where: a funder's streams' own spend on `outcomes`, plus
    each pot's spend on them at the funder's share of that pot (`pots`: pot -> share)."""

    streams: tuple[str, ...]
    pots: Mapping[str, float]
    outcomes: tuple[str, ...]


@dataclass
class MoneyRange:
    """The plans spending the least and the most of the counted money, each re-scored (None: the
    money cannot reach those outcomes at all, so no program was needed)."""

    least: Plan | None
    most: Plan | None
    least_gbp: float | None  # the programs' own optimum (GBP), to check a plan's read-back against
    most_gbp: float | None


def money_range(reach: WithinReach, counted: Counted) -> MoneyRange:
    """The least and the most of the counted money any plan within reach could spend on the outcomes,
    each plan re-scored; None plans and no solve when none of it can reach them."""
    b, years = reach.builder, reach.scenario.years
    costs: dict[int, float] = {}
    for s in counted.streams:
        for c in b.x_cols(s, counted.outcomes, years):
            costs[c] = 1.0
    for p, share in counted.pots.items():
        if share > 0 and p in b.pots:
            for c in b.q_cols(p, counted.outcomes, years):
                costs[c] = share
    if not costs:  # nothing of the funder's can reach the block: no program to solve
        return MoneyRange(None, None, 0.0, 0.0)
    low = reach.maximise({c: -v for c, v in costs.items()})
    least = reach.plan(low)
    high = reach.maximise(costs)
    most = reach.plan(high)
    unit = b.unit  # GBP per solver unit
    return MoneyRange(
        least,
        most,
        None if low.objective is None else -low.objective * unit,
        None if high.objective is None else high.objective * unit,
    )
