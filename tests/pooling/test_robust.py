"""The robust program: hand-computed plans against hand-made draws (see the YAML files' notes)."""

from pathlib import Path

import numpy as np
import pytest
from laa.models.errors import InputError
from laa.models.load import load_scenario
from laa.models.scenario import Arrangement, Scenario
from laa.pooling.plans.evaluate import evaluate
from laa.pooling.program.spec import ModelSpec, PoolingChoice
from laa.pooling.robust.against_draws import (
    Measure,
    MeasureKind,
    cvar,
    needed,
    plan_against_draws,
    targets_likely,
)
from laa.pooling.robust.stack import allocation_in_draw
from laa.pooling.solving.solvers import SolveOptions, SolverName, Status

HERE = Path(__file__).parent / "scenarios"
EXAMPLE = Path(__file__).parents[2] / "examples" / "northbridge.yaml"


def spend_on(plan, outcome: str) -> float:
    return sum(v for (_, o, _), v in plan.spending.stream_spend.items() if o == outcome)


def drawn(
    scenario: Scenario, effects: dict[str, float] | None = None, amount: float | dict[str, float] = 1.0
) -> Scenario:
    """The scenario with some outcomes' effects and streams' amounts scaled (one draw): `amount`
    one factor for every stream, or one per stream id."""
    doc = scenario.model_dump(exclude_unset=True)
    doc.pop("variants", None)
    for o in doc["outcomes"]:
        for seg in o["response"]:
            seg["effect"] *= (effects or {}).get(o["id"], 1.0)
    for s in doc["streams"]:
        f = amount if isinstance(amount, float) else amount.get(s["id"], 1.0)
        value = s["amounts"]
        s["amounts"] = {t: v * f for t, v in value.items()} if isinstance(value, dict) else value * f
    return Scenario.model_validate(doc)


def plan(scenario: Scenario, draws: list[Scenario], measure: str):
    spec = ModelSpec(scenario, PoolingChoice.aligned())
    return plan_against_draws(spec, Arrangement.ALIGNED, draws, Measure.parse(measure))


def safe_choice(measure: str):
    scenario = load_scenario(HERE / "safe_choice.yaml")
    return plan(scenario, [drawn(scenario, {"b": f}) for f in (0.5, 1.0, 1.5, 1.0)], measure)


@pytest.mark.parametrize(
    ("measure", "value", "on_a"),
    [
        ("mean", 1.0, 0.0),
        ("cvar:0.25", 0.9, 1e6),
        ("cvar:0.5", 0.9, 1e6),
        ("cvar:1", 1.0, 0.0),
        ("targets:1", 1.0, 1e6),
        ("targets:0.75", 1.0, 0.0),
    ],
)
def test_the_safe_choice_is_the_one_worked_out_by_hand(measure, value, on_a):
    solved = safe_choice(measure)
    assert solved.status is Status.OPTIMAL
    assert solved.value == pytest.approx(value, abs=1e-7)
    assert spend_on(solved.plan, "a") == pytest.approx(on_a, abs=1.0)
    assert spend_on(solved.plan, "a") + spend_on(solved.plan, "b") == pytest.approx(1e6, abs=1.0)
    # the plan's own figures are those at the central estimate: b scores 1.0 there, a 0.9
    assert solved.plan.score == pytest.approx(0.9 if on_a else 1.0, abs=1e-7)


def test_a_plan_keeps_the_statutory_minimum_in_every_draw_of_the_settlement():
    scenario = load_scenario(HERE / "statutory_draws.yaml")
    draws = [drawn(scenario, amount=a) for a in (0.8, 1.0, 1.25)]
    solved = plan(scenario, draws, "mean")
    assert solved.infeasible_draws == []
    assert solved.value == pytest.approx((0.35 + 0.4375 + 0.546875) / 3, abs=1e-7)
    assert spend_on(solved.plan, "m") == pytest.approx(625_000, abs=1.0)
    assert solved.plan.score == pytest.approx(0.4375, abs=1e-7)
    for varied in draws:
        moved = allocation_in_draw(scenario, solved.plan.spending, varied)
        assert evaluate(varied, moved).feasible


def test_a_draw_no_plan_can_keep_every_rule_in_is_left_out_and_named():
    scenario = load_scenario(HERE / "statutory_draws.yaml")
    solved = plan(scenario, [drawn(scenario, amount=0.4), drawn(scenario)], "mean")
    assert solved.infeasible_draws == [0]
    assert solved.kept == [1]
    assert solved.value == pytest.approx(0.55, abs=1e-7)


def test_an_infeasible_central_estimate_is_an_infeasible_robust_plan():
    scenario = load_scenario(HERE / "statutory_draws.yaml")
    doc = scenario.model_dump()
    doc["outcomes"][0]["min_spend"] = 2_000_000.0
    broken = Scenario.model_validate(doc)
    solved = plan(broken, [broken] * 3, "cvar:0.5")
    assert solved.status is Status.INFEASIBLE
    assert not solved.plan.has_numbers
    assert "central estimate" in solved.plan.message


def test_no_uncertainty_gives_the_deterministic_score_for_every_measure():
    scenario = load_scenario(HERE / "statutory_draws.yaml")
    for measure in ("mean", "cvar:0.1", "cvar:1", "targets:0.9"):
        solved = plan(scenario, [scenario] * 5, measure)
        assert solved.plan.score == pytest.approx(0.55, abs=1e-7), measure


def test_measures_read_and_refuse_as_a_user_types_them():
    assert Measure.parse("mean") == Measure(MeasureKind.MEAN)
    assert Measure.parse(" CVaR:0.1 ") == Measure(MeasureKind.CVAR, 0.1)
    assert str(Measure.parse("targets:0.9")) == "targets:0.9"
    for bad in ("median", "cvar", "cvar:0", "cvar:1.5", "cvar:x", "mean:0.5", "targets:-1"):
        with pytest.raises(InputError, match="robust measure"):
            Measure.parse(bad)


def test_cvar_counts_the_boundary_draw_in_part():
    scores = np.array([4.0, 1.0, 3.0, 2.0])
    assert cvar(scores, 1.0) == pytest.approx(2.5)
    assert cvar(scores, 0.5) == pytest.approx(1.5)
    assert cvar(scores, 0.25) == pytest.approx(1.0)
    assert cvar(scores, 0.3) == pytest.approx((1.0 + 0.2 * 2.0) / 1.2)
    assert cvar(scores, 0.01) == pytest.approx(1.0)


def test_a_target_counts_when_met_in_at_least_the_share_of_draws():
    assert needed(0.9, 200) == 180
    assert needed(0.75, 4) == 3
    assert needed(0.7, 4) == 3
    met = np.array([[1, 1, 0], [1, 0, 0], [1, 1, 0], [0, 1, 1]], dtype=bool)
    assert targets_likely(met, 0.75) == 2
    assert targets_likely(met, 1.0) == 0
    assert targets_likely(met, 0.25) == 3


def test_robust_planning_refuses_cbc_and_no_draws():
    scenario = load_scenario(HERE / "safe_choice.yaml")
    spec = ModelSpec(scenario, PoolingChoice.aligned())
    mean = Measure.parse("mean")
    with pytest.raises(InputError, match="HiGHS"):
        cbc = SolveOptions(solver=SolverName.CBC)
        plan_against_draws(spec, Arrangement.ALIGNED, [scenario], mean, cbc)
    with pytest.raises(InputError, match="at least one draw"):
        plan_against_draws(spec, Arrangement.ALIGNED, [], mean)


def test_the_cvar_frontier_re_solves_one_program_to_each_level_s_own_plan():
    from laa.pooling.robust.against_draws import cvar_frontier

    scenario = load_scenario(HERE / "statutory_draws.yaml")
    draws = [drawn(scenario, {"v": e}, a) for e, a in ((0.6, 1.1), (1.0, 0.9), (1.3, 1.0), (0.9, 1.2))]
    spec = ModelSpec(scenario, PoolingChoice.aligned())
    alphas = [1.0, 0.5, 0.25]
    levels = cvar_frontier(spec, Arrangement.ALIGNED, draws, alphas)
    for alpha, level in zip(alphas, levels, strict=True):
        alone = plan_against_draws(spec, Arrangement.ALIGNED, draws, Measure(MeasureKind.CVAR, alpha))
        assert level.value == pytest.approx(alone.value, abs=1e-7)
        assert str(level.measure) == f"cvar:{alpha:g}"
    assert levels[0].value > levels[1].value > levels[2].value


def test_a_draw_s_bounds_from_one_build_per_stream_are_those_of_its_own_build():
    from laa.pooling.program.build import build
    from laa.pooling.robust import stack as robust_program

    scenario = load_scenario(EXAMPLE)
    ids = [s.id for s in scenario.streams]
    rng = np.random.default_rng(5)
    draws = []
    for moved in rng.uniform(0.8, 1.2, size=(22, len(ids))).tolist():
        effects = {o.id: float(rng.uniform(0.7, 1.3)) for o in scenario.outcomes}
        draws.append(drawn(scenario, effects, dict(zip(ids, moved, strict=True))))
    spec = ModelSpec(scenario, PoolingChoice.pooled(scenario))
    b = build(spec)
    central = robust_program._Rows.of(b.program)
    amounts = np.array([robust_program.amount_factors(scenario, d) for d in draws])
    sources, _ = robust_program._sources(b, amounts)
    plan_source, _ = robust_program._plan_columns(b, sources)
    groups = robust_program._groups(b.program, central, plan_source)
    relevant = robust_program._relevant(b.program, groups)
    programs = robust_program._DrawPrograms(spec, b, central, draws, amounts, relevant)
    assert programs.moves is not None  # more draws than streams + 1: one build per stream
    for d in (0, 5, 21):
        built = robust_program._draw_program(spec, b, draws[d])
        made = robust_program._bounds(programs.of(d))[relevant]
        np.testing.assert_allclose(made, robust_program._bounds(built)[relevant], rtol=1e-9, atol=1e-12)
