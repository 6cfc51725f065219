"""The shared check scenarios, whose scores an independent implementation of MODEL.md computed."""

import json

import pytest
from laa.models.load import load_scenario
from laa.models.scenario import Arrangement
from laa.pooling.solving.solvers import SolveOptions, SolverName
from laa.scenarios.analysis.arrangements import plan_arrangement

from tests.paths import CHECKS

EXPECTED = json.loads((CHECKS / "expected.json").read_text())
CASES = [(name, arr, want) for name, arrs in EXPECTED.items() for arr, want in arrs.items()]


@pytest.mark.parametrize("solver", [SolverName.HIGHS, SolverName.CBC])
@pytest.mark.parametrize(("name", "arrangement", "want"), CASES, ids=[f"{n}-{a}" for n, a, _ in CASES])
def test_agrees_with_the_independent_implementation(name, arrangement, want, solver):
    scenario = load_scenario(CHECKS / name)
    plan = plan_arrangement(scenario, Arrangement(arrangement), SolveOptions(solver=solver))
    assert plan.status.value == want["status"], plan.message
    if want["score"] is None:
        assert plan.score is None
    else:
        assert plan.score == pytest.approx(want["score"], rel=1e-5)


def test_check1_silo_lists_what_it_breaks():
    """check1's README: silo beats aligned because it ignores the match rule and the statutory minimums."""
    scenario = load_scenario(CHECKS / "check1.yaml")
    plan = plan_arrangement(scenario, Arrangement.SILO)
    broken = {(v.kind, v.id) for v in plan.evaluation.violations}
    assert ("rule", "r-s3-match") in broken
    assert {k for k, _ in broken} <= {"rule", "statutory"}
    assert any(k == "statutory" for k, _ in broken)
