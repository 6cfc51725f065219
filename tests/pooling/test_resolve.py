"""Re-solving in place gives what rebuilding gives, change after change."""

from pathlib import Path

import pytest
import yaml
from laa.models.errors import LaaError
from laa.models.load import load_scenario, parse_scenario
from laa.models.scenario import Arrangement
from laa.pooling.plans import resolve
from laa.pooling.plans.resolve import ReusableModel
from laa.pooling.program.spec import ModelSpec, PoolingChoice
from laa.scenarios.analysis.arrangements import aligned, optimal, pooled
from laa.scenarios.analysis.draws import draw, drawn_scenario
from laa.scenarios.analysis.sweep import changed

from tests.paths import CHECKS, EXAMPLE


@pytest.mark.parametrize("path", [EXAMPLE, CHECKS / "check3.yaml"], ids=lambda p: p.name)
@pytest.mark.parametrize(
    ("arrangement", "choice", "plan"),
    [
        (Arrangement.ALIGNED, PoolingChoice.aligned, aligned),
        (Arrangement.POOLED, PoolingChoice.pooled, pooled),
    ],
)
def test_in_place_equals_rebuilt(path, arrangement, choice, plan):
    scenario = load_scenario(path).model_copy(update={"effect_uncertainty": 0.3, "amount_uncertainty": 0.2})
    spec = ModelSpec(scenario, choice() if arrangement is Arrangement.ALIGNED else choice(scenario))
    model = ReusableModel.for_spec(spec, arrangement)
    draws = draw(scenario, 6, seed=3)
    for i in range(len(draws)):
        varied = drawn_scenario(scenario, draws.effects[i], draws.amounts[i])
        again = model.solve(varied)
        fresh = plan(varied)
        assert again.status == fresh.status
        assert again.score == pytest.approx(fresh.score, abs=1e-7)
        assert model.summary(varied).score == pytest.approx(fresh.score, abs=1e-7)
        assert {(p.kind, p.id, p.year): round(p.per_million, 6) for p in again.shadow_prices} == {
            (p.kind, p.id, p.year): round(p.per_million, 6) for p in fresh.shadow_prices
        }
    back = model.summary(scenario)  # and back to where it started
    assert back.score == pytest.approx(plan(scenario).score, abs=1e-7)


def test_a_different_shape_is_refused():
    scenario = load_scenario(EXAMPLE)
    model = ReusableModel.for_spec(ModelSpec(scenario, PoolingChoice.aligned()), Arrangement.ALIGNED)
    looser = changed(scenario, -0.5, None, "nrf-deprived-areas")
    with pytest.raises(LaaError):
        model.solve(looser)


@pytest.mark.parametrize(
    "path", [EXAMPLE, CHECKS / "check3.yaml", CHECKS / "check4.yaml"], ids=lambda p: p.name
)
@pytest.mark.parametrize("partial", [False, True])
@pytest.mark.parametrize("through", ["relaxation first", "branch and bound"])
def test_the_optimal_mip_in_place_equals_rebuilt(path, partial, through, monkeypatch):
    if through == "branch and bound":  # no relaxation counts as whole: HiGHS's MIP answers every draw
        monkeypatch.setattr(resolve, "WHOLE", -1.0)
    scenario = load_scenario(path).model_copy(
        update={"effect_uncertainty": 0.3, "amount_uncertainty": 0.3, "partial_pooling": partial}
    )
    model = ReusableModel.for_spec(
        ModelSpec(scenario, PoolingChoice.chosen_by_solver(partial)), Arrangement.OPTIMAL
    )
    draws = draw(scenario, 5, seed=11)
    for i in range(len(draws)):
        varied = drawn_scenario(scenario, draws.effects[i], draws.amounts[i])
        assert model.summary(varied).score == pytest.approx(optimal(varied).score, abs=1e-6)
    assert (model.branch_and_bound_runs == len(draws)) is (through == "branch and bound")


def test_surviving_caps_keep_their_switches_in_place():
    """The hand-computed switch scenario, its streams' amounts halved and doubled in place."""
    data = yaml.safe_load((Path(__file__).parent / "scenarios" / "partial.yaml").read_text())
    data["streams"].append({"id": "c", "funder": "f", "amounts": 1_000_000, "eligible": ["o2"]})
    data["pots"][0]["members"].append("c")
    data["rules"] = [
        {"id": "rc", "streams": ["c"], "outcomes": ["o2"], "max_amount": 300_000, "survives_pooling": True}
    ]
    scenario = parse_scenario(data, "switch.yaml")
    model = ReusableModel.for_spec(
        ModelSpec(scenario, PoolingChoice.chosen_by_solver(False)), Arrangement.OPTIMAL
    )
    for factor in (0.5, 2.0, 1.0, 3.0):
        varied = changed(changed(scenario, factor - 1, "c", None), factor - 1, "a", None)
        assert model.summary(varied).score == pytest.approx(optimal(varied).score, abs=1e-6)


def test_uneven_amount_changes_need_a_new_mip():
    scenario = load_scenario(EXAMPLE)
    model = ReusableModel.for_spec(
        ModelSpec(scenario, PoolingChoice.chosen_by_solver(False)), Arrangement.OPTIMAL
    )
    doc = scenario.model_dump()
    doc["streams"][0]["amounts"] = {2026: 1.0, 2027: 6_000_000.0, 2028: 5_000_000.0}
    with pytest.raises(LaaError):
        model.summary(type(scenario).model_validate(doc))
