"""Re-solving in place gives what rebuilding gives, change after change."""

import pytest

from models.errors import LaaError
from models.load import load_scenario
from models.scenario import Arrangement
from pooling.resolve import ReusableModel
from pooling.spec import ModelSpec, PoolingChoice
from scenarios.arrangements import aligned, pooled
from scenarios.draws import draw, drawn_scenario
from scenarios.sweep import changed
from tests.paths import CHECKS, EXAMPLE


@pytest.mark.parametrize("path", [EXAMPLE, CHECKS / "check3.yaml"], ids=lambda p: p.name)
@pytest.mark.parametrize(("arrangement", "choice", "plan"), [
    (Arrangement.ALIGNED, PoolingChoice.aligned, aligned),
    (Arrangement.POOLED, PoolingChoice.pooled, pooled),
])
def test_in_place_equals_rebuilt(path, arrangement, choice, plan):
    scenario = load_scenario(path).model_copy(update={"effect_uncertainty": 0.3, "amount_uncertainty": 0.2})
    spec = ModelSpec(scenario, choice() if arrangement is Arrangement.ALIGNED else choice(scenario))
    model = ReusableModel(spec, arrangement)
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
    model = ReusableModel(ModelSpec(scenario, PoolingChoice.aligned()), Arrangement.ALIGNED)
    looser = changed(scenario, -0.5, None, "nrf-deprived-areas")
    with pytest.raises(LaaError):
        model.solve(looser)


def test_only_a_fixed_choice_is_reusable():
    scenario = load_scenario(EXAMPLE)
    with pytest.raises(LaaError):
        ReusableModel(ModelSpec(scenario, PoolingChoice.chosen_by_solver(False)), Arrangement.OPTIMAL)
