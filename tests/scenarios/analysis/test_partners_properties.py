"""The partners' view on scenarios nobody worked by hand: MODEL.md's invariants, and the sampled shares.

- A funder whose streams can reach no outcome, sit in no pot and appear in
  no rule adds nothing to any coalition, so its Shapley share of both gains
  is zero (drawn from the shared strategies with single-funder rules: a
  match rule or a statutory minimum binds only the aligned plan, which
  MODEL.md fixes as the grand coalition's value, and a rule counting its
  money would make its money matter).
- Accounts add up to the area's totals to the penny, score bought to the
  score, shares to the gains; the fair plan is within epsilon and no less
  fair than the optimum; each range holds the optimum's own figure.
- Estimated from random orders, the shares add up to the gain exactly and
  lie within four standard errors of the exact ones (six funders).
"""

from __future__ import annotations

import copy
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from laa.models.load import load_scenario, parse_scenario
from laa.models.scenario import Arrangement, Scenario
from laa.scenarios.analysis.badges import to_the_penny
from laa.scenarios.analysis.partners import PartnersResult, partners
from laa.scenarios.analysis.shapley import Method

from tests.strategies import scenario_documents

HERE = Path(__file__).parent / "partners"
TOL = 1e-6


def with_idle_funder(doc: dict[str, Any]) -> Scenario:
    """The scenario with one more funder, whose one stream may fund nothing and is in no pot or rule."""
    doc = copy.deepcopy(doc)
    doc["funders"].append({"id": "idle", "name": "Idle funder"})
    doc["streams"].append({"id": "idle-money", "funder": "idle", "amounts": 250_000.0, "eligible": []})
    return parse_scenario(doc, "generated.yaml")


@given(scenario_documents(single_funder_rules=True))
def test_a_funder_whose_money_can_go_nowhere_gets_no_share_of_either_gain(doc: dict[str, Any]) -> None:
    result = partners(with_idle_funder(doc), arrangements=())
    for shares in (result.aligning, result.pooling):
        if shares.defined:
            assert shares.shares["idle"] == pytest.approx(0.0, abs=TOL)
        else:  # an infeasible plan: no share is given to anyone, and the result says why
            assert shares.undefined_because
            assert set(shares.shares.values()) == {None}


def check_invariants(result: PartnersResult) -> None:
    for arrangement, books in result.accounts.items():
        plan = result.plans[arrangement]
        assert plan.evaluation is not None
        money = plan.evaluation.money
        pairs = {"amounts": money.available, "overhead": money.overhead, "setup": money.setup}
        pairs |= {"lapsed": money.lapsed, "spent": money.spent}
        for figure, area in pairs.items():
            assert round(sum(getattr(a, figure) for a in books), 2) == round(area, 2), figure
        assert sum(a.score_bought for a in books) == pytest.approx(plan.score, abs=1e-9)
    scores = {a: p.score for a, p in result.plans.items()}
    if result.aligning.defined:
        gain = (scores[Arrangement.ALIGNED] or 0.0) - (scores[Arrangement.SILO] or 0.0)
        assert sum(v or 0.0 for v in result.aligning.shares.values()) == pytest.approx(gain, abs=1e-9)
    # MODEL.md since 2026-12-07: vP is defined wherever aligned is, never below it, and vP(all) is at
    # least the pooled score (setting up every pot is one of its choices)
    aligned, pooled = scores[Arrangement.ALIGNED], scores[Arrangement.POOLED]
    assert result.pooling.defined == (aligned is not None)
    if aligned is not None:
        total = result.pooling.total
        assert total is not None and total >= -1e-9
        assert sum(v or 0.0 for v in result.pooling.shares.values()) == pytest.approx(total, abs=1e-9)
        if pooled is not None:
            assert total >= pooled - aligned - 1e-7
        if pooled is None or total > pooled - aligned + 1e-7:  # a pot not worth setting up: left out
            assert set(result.pots_set_up) != {p.id for p in result.scenario.pots}
    for arrangement, fair in result.fair.items():
        if fair.score is None:
            continue
        assert fair.optimum is not None and fair.min_gain is not None and fair.optimum_min_gain is not None
        assert fair.score >= (1 - result.epsilon) * fair.optimum - TOL
        assert fair.min_gain >= fair.optimum_min_gain - TOL
        for r in result.ranges[arrangement]:
            assert not r.message, r
            assert r.least is not None and r.most is not None
            assert r.least - 0.05 <= r.in_optimum <= r.most + 0.05, r


@settings(max_examples=10)
@given(scenario_documents(), st.sampled_from([0.0, 0.01, 0.1]))
def test_invariants_hold_on_random_scenarios(doc: dict[str, Any], epsilon: float) -> None:
    scenario = parse_scenario(doc, "generated.yaml")
    check_invariants(partners(scenario, (Arrangement.ALIGNED, Arrangement.POOLED), epsilon))


@cache
def six() -> Scenario:
    return load_scenario(HERE / "six_funders.yaml")


def test_the_six_funder_invariants() -> None:
    check_invariants(partners(six(), (Arrangement.ALIGNED, Arrangement.POOLED, Arrangement.OPTIMAL)))


def test_sampled_shares_add_up_and_lie_within_four_standard_errors_of_the_exact_ones() -> None:
    exact = partners(six(), arrangements=())
    sampled = partners(six(), arrangements=(), orders=300, seed=7)
    for e, s in ((exact.aligning, sampled.aligning), (exact.pooling, sampled.pooling)):
        assert e.method is Method.EXACT and s.method is Method.SAMPLED
        assert (s.orders, s.seed) == (300, 7)
        assert s.total == pytest.approx(e.total, abs=1e-12)
        assert sum(v or 0.0 for v in s.shares.values()) == pytest.approx(s.total, abs=1e-12)
        assert s.standard_error is not None
        for f, share in e.shares.items():
            error = s.standard_error[f]
            estimate = s.shares[f] or 0.0
            assert abs(estimate - (share or 0.0)) <= 4 * error + 1e-9, (f, share, estimate, error)
    assert any(v > 0 for v in (sampled.aligning.standard_error or {}).values())  # the estimate has spread


def test_the_same_seed_gives_the_same_estimate() -> None:
    one = partners(six(), arrangements=(), orders=20, seed=3)
    two = partners(six(), arrangements=(), orders=20, seed=3)
    other = partners(six(), arrangements=(), orders=20, seed=4)
    assert one.aligning.shares == two.aligning.shares
    assert one.aligning.shares != other.aligning.shares


def test_a_pot_no_funder_can_set_up_alone_is_left_out_and_the_gain_still_divided() -> None:
    """Either member pooling alone pays in £30 to a pot that costs £50 to set up (MODEL.md since
    2026-12-07: a coalition chooses which pots to set up; until then every share was undefined)."""
    result = partners(load_scenario(HERE / "pot_setup.yaml"))
    # aligned: each spends half its £30 (overhead), 0.030; pooled: £60 less £50 set-up, 0.010. So
    # vP(A) = vP(B) = aligned (A's pot alone cannot be set up), and vP(all) = max(aligned, pooled)
    assert result.plans[Arrangement.POOLED].score == pytest.approx(0.010, abs=TOL)
    assert result.pooling.defined
    assert result.pooling.total == pytest.approx(0.0, abs=TOL)
    assert result.pooling.shares == pytest.approx({"a": 0.0, "b": 0.0}, abs=TOL)
    assert result.pots_set_up == frozenset()
    assert result.aligning.defined
    assert result.accounts[Arrangement.POOLED]
    assert result.fair[Arrangement.POOLED].score is not None


@given(st.lists(st.floats(0, 1e9, allow_nan=False), min_size=1, max_size=12))
def test_pennies_add_up_and_each_moves_less_than_a_penny(values: list[float]) -> None:
    rounded = to_the_penny(values)
    assert round(sum(rounded) * 100) == round(sum(values) * 100)
    for raw, shown in zip(values, rounded, strict=True):
        assert abs(raw - shown) < 0.01 + 1e-6 * raw
        assert round(shown, 2) == shown
