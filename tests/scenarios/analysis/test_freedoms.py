"""Freedoms and the value of pooling on a scenario worked out by hand (data/two_streams.yaml)."""

from pathlib import Path

import pytest
from laa.models.load import load_scenario
from laa.models.scenario import Arrangement
from laa.pooling.solving.solvers import SolveOptions, SolverName
from laa.scenarios.analysis.arrangements import aligned, pooled
from laa.scenarios.analysis.freedoms import rank_freedoms, value_of_pooling

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def scenario():
    return load_scenario(DATA / "two_streams.yaml")


def test_hand_computed_scores(scenario):
    assert aligned(scenario).score == pytest.approx(0.65, abs=1e-6)
    assert pooled(scenario).score == pytest.approx(0.95, abs=1e-6)


@pytest.mark.parametrize("solver", [SolverName.HIGHS, SolverName.CBC])
def test_asks_ranked_with_marginal_and_exact_gain(scenario, solver):
    asks = rank_freedoms(scenario, Arrangement.ALIGNED, top=5, options=SolveOptions(solver=solver))
    by_key = {(a.kind, a.stream, a.outcome, a.rule): a for a in asks}
    lift = by_key[("eligibility", "a", "o2", None)]
    cap = by_key[("rule", None, None, "b-cap")]
    assert lift.per_million == pytest.approx(0.5, abs=1e-6)
    assert lift.gain == pytest.approx(0.25, abs=1e-6)
    assert cap.per_million == pytest.approx(0.5, abs=1e-6)
    assert cap.gain == pytest.approx(0.05, abs=1e-6)
    # o1 is saturated by stream a, so letting b fund it is worth nothing at the margin
    assert ("eligibility", "b", "o1", None) not in by_key
    # exact gains sort the re-solved asks
    assert asks[0] == lift
    assert "let Stream A pay for 'Outcome two'" in lift.text


def test_value_of_pooling_by_limit(scenario):
    value = value_of_pooling(scenario)
    assert value.total == pytest.approx(0.30, abs=1e-6)
    found = {(g.kind, g.id): g for g in value.limits}
    assert found[("eligibility", "a")].gain == pytest.approx(0.25, abs=1e-6)
    assert found[("eligibility", "a")].share_of_pooling_gain == pytest.approx(0.25 / 0.30, abs=1e-6)
    assert found[("eligibility", "b")].gain == pytest.approx(0.0, abs=1e-9)
    assert found[("rule", "b-cap")].gain == pytest.approx(0.05, abs=1e-6)
    # no overhead to save, and the parts add up without interactions: 0.25 + 0 + 0.05
    assert value.overhead == pytest.approx(0.0, abs=1e-9)
    assert value.interactions == pytest.approx(0.0, abs=1e-9)


def test_shadow_prices_of_the_aligned_plan(scenario):
    plan = aligned(scenario)
    prices = {(p.kind, p.id): p.per_million for p in plan.shadow_prices}
    # a's money lapses and b's is capped: more of either is worth nothing
    assert prices[("stream", "a")] == pytest.approx(0.0, abs=1e-9)
    assert prices[("stream", "b")] == pytest.approx(0.0, abs=1e-9)
    # GBP 1m more under the cap would buy 0.5 score
    assert prices[("rule", "b-cap")] == pytest.approx(0.5, abs=1e-6)


def test_freedoms_refuse_silo(scenario):
    from laa.models.errors import LaaError

    with pytest.raises(LaaError):
        rank_freedoms(scenario, Arrangement.SILO)
