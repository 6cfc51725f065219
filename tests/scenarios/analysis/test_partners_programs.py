"""The coalition plans re-solved in place agree with the same plans built from scratch.

Every coalition of the six-funder scenario is planned both ways: aligning
by `plan_silo` with the coalition as one planner (MODEL.md: built exactly
as silo is; both hold each planner on its optimal face, so they agree to
1e-9), pooling by the engine's own optimise with a fixed pooling choice. The in-place
programs are visited in the worst order for them (ascending masks, not Gray code), so a
change left behind would show.
"""

from __future__ import annotations

import itertools
from functools import cache
from pathlib import Path

import pytest
from laa.models.load import load_scenario
from laa.models.scenario import Arrangement, Scenario
from laa.pooling.partners.coalitions import AligningPlans, PoolingPlans
from laa.pooling.plans.optimise import optimise
from laa.pooling.plans.planners import silo_funders
from laa.pooling.plans.silo import plan_silo
from laa.pooling.program.spec import ModelSpec

HERE = Path(__file__).parent / "partners"


@cache
def six() -> Scenario:
    return load_scenario(HERE / "six_funders.yaml")


def coalitions(funders: list[str]) -> list[frozenset[str]]:
    return [frozenset(f for i, f in enumerate(funders) if mask >> i & 1) for mask in range(1 << len(funders))]


def test_aligning_plans_in_place_equal_the_silo_built_afresh_with_the_coalition_as_one_planner() -> None:
    scenario = six()
    funders = silo_funders(scenario)
    game = AligningPlans(scenario)
    for coalition in coalitions(funders):
        if len(coalition) < 2:  # one funder or none plans as silo: laa partners takes the silo plan
            continue
        planners = {"+".join(sorted(coalition)): coalition}
        planners |= {f: frozenset({f}) for f in funders if f not in coalition}
        fresh = plan_silo(scenario, None, planners)
        kept = game.plan(coalition)
        assert kept.ok and fresh.score is not None, (coalition, kept.message, fresh.message)
        assert kept.score == pytest.approx(fresh.score, abs=1e-9), coalition


def test_pooling_plans_in_place_equal_the_fixed_pooling_choice_optimised_afresh() -> None:
    scenario = six()
    game = PoolingPlans(scenario)
    assert game.poolers == {"f1", "f2", "f3", "f5"}  # f4's stream is in no pot, f6's may not pool
    for coalition in coalitions(silo_funders(scenario)):
        kept = game.plan(coalition)
        # the coalition's best choice of pots (MODEL.md since 2026-12-07), optimised afresh, and
        # no other choice of the pots it could set up doing better
        fresh = optimise(ModelSpec(scenario, game.choice(coalition, kept.pots)), Arrangement.POOLED)
        assert kept.ok and fresh.score is not None, (coalition, kept.message, fresh.message)
        assert kept.score == pytest.approx(fresh.score, abs=1e-6), coalition
        reachable = game.pots_of(coalition)
        for size in range(len(reachable) + 1):
            for pots in itertools.combinations(reachable, size):
                other = optimise(ModelSpec(scenario, game.choice(coalition, pots)), Arrangement.POOLED)
                assert other.score is None or other.score <= kept.score + 1e-6, (coalition, pots)
