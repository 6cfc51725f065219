"""Whose money a pot spends: each member funder's share of it (MODEL.md, Partners, badging).

A pot's spend, overhead, set-up cost and lapsed money belong to its member
streams in proportion to what each paid in over the agreement,
`sum_t y[s,t] / sum_{s' in p, t} y[s',t]`. Kept here, beside the plan, so
that a plan's own allocation table (`Plan.allocation`, every row with a
funder) and the partners' accounts (`scenarios.analysis.badges`) badge pots
by one rule and can never disagree.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping

from laa.models.scenario import Scenario


def paid_in(scenario: Scenario, shares: Mapping[str, float]) -> dict[str, float]:
    """What each stream paid into its pot over the agreement (GBP): `sum_t y[s,t]`."""
    return {
        s: share * sum(scenario.stream(s).amount_in(t) for t in scenario.years)
        for s, share in shares.items()
        if share > 0 and scenario.pot_of(s) is not None
    }


def pot_shares(scenario: Scenario, shares: Mapping[str, float]) -> dict[str, dict[str, float]]:
    """Each pot's funders and the share of it each contributed (pot -> funder -> share); a pot
    nobody paid into is left out."""
    paid = paid_in(scenario, shares)
    found: dict[str, dict[str, float]] = {}
    for pot in scenario.pots:
        total = sum(paid.get(m, 0.0) for m in pot.members)
        if total <= 0:
            continue
        by_funder: dict[str, float] = defaultdict(float)
        for m in pot.members:
            if paid.get(m, 0.0) > 0:
                by_funder[scenario.funder_of(m)] += paid[m] / total
        found[pot.id] = dict(by_funder)
    return found
