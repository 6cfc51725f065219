"""The benchmark floor (benchmarks/independent.py) plans what the engine plans, from its own formulation.

Its objective is what the engine's runner compares the engine's score against before any timing
counts, so it must agree with the engine wherever the engine is right (MODEL.md is the spec of
both): on the example, on every generated shape, and on random scenarios holding every feature,
infeasible ones included.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from laa.models.load import load_scenario, parse_scenario
from laa.models.scenario import Arrangement, Scenario
from laa.scenarios.analysis.arrangements import plan_arrangement

from benchmarks.generate import SHAPES, generate
from benchmarks.independent import independent_floor
from tests.paths import CHECKS, ROOT
from tests.strategies import scenarios

JOINT = (Arrangement.ALIGNED, Arrangement.POOLED)


def assert_same_plan(scenario: Scenario, arrangement: Arrangement) -> None:
    plan = plan_arrangement(scenario, arrangement)
    floor = independent_floor(scenario, arrangement.value)
    if plan.score is None:
        assert plan.status.value == "infeasible", plan.message
        assert floor.score is None and floor.status == "Infeasible"
    else:
        assert floor.score == pytest.approx(plan.score, rel=1e-6, abs=1e-6)


HAND_COMPUTED = sorted((ROOT / "tests" / "pooling" / "scenarios").glob("*.yaml"))
EXAMPLES = [ROOT / "examples" / "northbridge.yaml", *HAND_COMPUTED]


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_the_example_and_the_hand_computed(path: Path) -> None:
    """The hand-computed scenarios' scores are asserted in tests/pooling; here the floor meets them."""
    scenario = load_scenario(path)
    for arrangement in JOINT:
        assert_same_plan(scenario, arrangement)


@pytest.mark.parametrize("name", [f"check{i}.yaml" for i in range(1, 6)])
def test_the_shared_checks(name: str) -> None:
    """The known answers of a separate implementation of MODEL.md (shared/data/checks), to 1e-5."""
    expected = json.loads((CHECKS / "expected.json").read_text())[name]
    scenario = load_scenario(CHECKS / name)
    for arrangement in JOINT:
        floor = independent_floor(scenario, arrangement.value)
        want = expected[arrangement.value]
        if want["status"] == "infeasible":
            assert floor.score is None and floor.status == "Infeasible"
        else:
            assert floor.score == pytest.approx(want["score"], rel=1e-5)


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_every_shape(shape: str) -> None:
    scenario = parse_scenario(generate("M", 1, shape), "generated.yaml")
    for arrangement in JOINT:
        assert_same_plan(scenario, arrangement)


@given(scenarios())
def test_random_scenarios(scenario: Scenario) -> None:
    for arrangement in JOINT:
        assert_same_plan(scenario, arrangement)


def test_a_hand_computed_plan() -> None:
    """One stream of GBP 1m (2% overhead) and one outcome whose first GBP 0.5m closes half its gap
    of 4 and the next GBP 1m a quarter more: 0.98m spent, 0.5m on the first segment (2 units) and
    0.48m on the second (0.48 of the 1 unit it offers per GBP 1m), weight 1: 2.48 / 4 = 0.62."""
    document = {
        "name": "hand",
        "years": [2026],
        "funders": [{"id": "f"}],
        "outcomes": [
            {
                "id": "o",
                "block": "CYP",
                "direction": "higher",
                "baseline": 10,
                "target": 14,
                "response": [{"spend": 500_000, "effect": 2}, {"spend": 1_000_000, "effect": 1}],
            }
        ],
        "streams": [{"id": "s", "funder": "f", "amounts": 1_000_000, "eligible": ["o"], "admin_rate": 0.02}],
    }
    floor = independent_floor(parse_scenario(document, "hand.yaml"), "aligned")
    assert floor.score == pytest.approx(0.62, abs=1e-9)


def test_only_aligned_and_pooled() -> None:
    scenario = load_scenario(ROOT / "examples" / "northbridge.yaml")
    with pytest.raises(ValueError, match="aligned or pooled"):
        independent_floor(scenario, "optimal")
