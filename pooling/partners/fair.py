"""The fair plan (MODEL.md, Partners: a fairer plan within reach).

Among the plans within `epsilon` of the arrangement's optimum, the fair
plan maximises the smallest own-view gain over silo across funders:
maximise `t` subject to `sum_{o in view(f)} w_o a_o / gap_o - own_f(silo) >= t`
for every funder. The smallest gain is what the max-min fixes; many plans
reach it, and a partner reading the result needs one, so a second solve
holds `t` at its optimum (less the solver's tolerance, as silo holds a
funder's own view) and takes the best of them for the area, the rule silo
uses to choose among a funder's equally good plans; a third holds that
score and takes the plan that commits the least money, each line weighted
by its ids (the reference stage of `laa.pooling.plans.canonical`), so the
fair plan does not move when the file is sorted.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

from laa.pooling.partners.reach import WithinReach
from laa.pooling.plans.canonical import SCORE_TOLERANCE, least_money
from laa.pooling.plans.plan import Plan
from laa.pooling.plans.silo import own_optimum_target
from laa.pooling.program.labelled import INF


@dataclass
class FairPlan:
    """The fair plan, re-scored, and the smallest own-view gain over silo the max-min reached."""

    plan: Plan
    min_gain: float | None


def fair_plan(
    reach: WithinReach, views: Mapping[str, Collection[str]], silo_own: Mapping[str, float]
) -> FairPlan:
    """The fair plan among `reach`'s plans; `views` are the funders' outcome ids, `silo_own` their
    own-view scores under silo. A funder whose view holds no outcome has no gain to even out and
    is left out of the max-min."""
    kept = reach.kept
    t = kept.add_col(cost=0.0, lower=-INF, upper=INF)
    for funder, view in views.items():
        own = reach.score_costs(o for o in view if o in reach.score_terms)
        if not own:
            continue
        kept.add_row([*own, t], [*own.values(), -1.0], lower=silo_own[funder])
    smallest = reach.maximise({t: 1.0})
    if not smallest.ok or smallest.values is None:
        return FairPlan(reach.plan(smallest), None)
    best = float(smallest.values[t])
    kept.set_col_bounds([t], [own_optimum_target(best)], [INF])
    area = reach.score_costs()
    fairest = reach.maximise(area)
    if not fairest.ok or fairest.objective is None:
        return FairPlan(reach.plan(fairest), best)
    held = fairest.objective - SCORE_TOLERANCE * max(1.0, abs(fairest.objective))
    kept.add_row(list(area), list(area.values()), lower=held)
    least = reach.maximise({j: -w for j, w in least_money(reach.builder.program).items()})
    return FairPlan(reach.plan(least if least.ok else fairest), best)
