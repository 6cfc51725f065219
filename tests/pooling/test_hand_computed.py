"""Scenarios small enough to solve on paper; each file's header shows the working."""

from pathlib import Path

import pytest
import yaml
from laa.models.load import load_scenario, parse_scenario
from laa.pooling.plans.plan import PlanStatus
from laa.pooling.solving.solvers import SolveOptions, SolverName
from laa.scenarios.analysis.arrangements import aligned, historic, optimal, pooled, silo

HERE = Path(__file__).parent / "scenarios"
SOLVERS = [SolveOptions(solver=SolverName.HIGHS), SolveOptions(solver=SolverName.CBC)]
IDS = ["highs", "cbc"]


def doc(name: str) -> dict:
    return yaml.safe_load((HERE / name).read_text())


def price(plan, kind, ident):
    return next(p for p in plan.shadow_prices if p.kind == kind and p.id == ident)


@pytest.mark.parametrize("options", SOLVERS, ids=IDS)
def test_ring_fence_on_a_saturated_outcome_and_pooling_frees_it(options):
    scenario = load_scenario(HERE / "ringfence.yaml")
    assert aligned(scenario, options).score == pytest.approx(1.125, abs=1e-6)
    pooled_plan = pooled(scenario, options)
    assert pooled_plan.score == pytest.approx(1.345, abs=1e-6)
    assert pooled_plan.evaluation.money.setup == pytest.approx(100_000)
    assert pooled_plan.evaluation.money.overhead == pytest.approx(20_000)
    assert optimal(scenario, options).score == pytest.approx(1.345, abs=1e-6)


@pytest.mark.parametrize("options", SOLVERS, ids=IDS)
def test_shadow_prices_by_hand(options):
    scenario = load_scenario(HERE / "ringfence.yaml")
    plan = aligned(scenario, options)
    assert price(plan, "stream", "s").per_million == pytest.approx(0.0625, abs=1e-6)
    fence = price(plan, "rule", "rf")
    assert fence.per_million == pytest.approx(0.25, abs=1e-6)
    assert fence.per_point == pytest.approx(0.005, abs=1e-6)
    assert fence.funder == "f"
    assert price(pooled(scenario, options), "stream", "s").per_million == pytest.approx(0.2475, abs=1e-6)


def test_a_shadow_price_predicts_a_small_budget_change():
    base = doc("ringfence.yaml")
    before = aligned(parse_scenario(base, "a.yaml"))
    base["streams"][0]["amounts"] = 2_100_000  # GBP 0.1m more
    after = aligned(parse_scenario(base, "b.yaml"))
    assert after.score - before.score == pytest.approx(
        0.1 * price(before, "stream", "s").per_million, abs=1e-9
    )


@pytest.mark.parametrize("options", SOLVERS, ids=IDS)
def test_carry_forward(options):
    plan = aligned(load_scenario(HERE / "carry.yaml"), options)
    assert plan.score == pytest.approx(0.4, abs=1e-6)
    money = plan.evaluation.money
    assert (money.available, money.overhead, money.spent, money.lapsed) == pytest.approx(
        (1_000_000, 100_000, 400_000, 500_000), abs=1
    )


@pytest.mark.parametrize("options", SOLVERS, ids=IDS)
def test_match_rule_and_statutory_minimum(options):
    assert aligned(load_scenario(HERE / "match.yaml"), options).score == pytest.approx(0.95, abs=1e-6)
    data = doc("match.yaml")
    data["outcomes"][1]["min_spend"] = 800_000
    plan = aligned(parse_scenario(data, "statutory.yaml"), options)
    assert plan.score == pytest.approx(0.90, abs=1e-6)
    statutory = [c for c in plan.evaluation.checks if c.kind == "statutory"]
    assert [(c.id, c.binding) for c in statutory] == [("o2", True)]


@pytest.mark.parametrize(
    ("amount", "score", "reward", "stretch_met"),
    [(1_250_000, 2.5, 0, False), (1_300_000, 2.6, 60_000, False), (2_000_000, 3.0, 100_000, True)],
)
def test_stretch_cap_and_reward(amount, score, reward, stretch_met):
    data = doc("stretch.yaml")
    data["streams"][0]["amounts"] = amount
    plan = aligned(parse_scenario(data, "stretch.yaml"))
    assert plan.score == pytest.approx(score, abs=1e-6)
    result = plan.evaluation.outcomes[0]
    assert result.reward == pytest.approx(reward, abs=1e-3)
    assert result.target_met and result.stretch_met is stretch_met


@pytest.mark.parametrize("options", SOLVERS, ids=IDS)
def test_partial_pooling_and_set_up_costs(options):
    data = doc("partial.yaml")
    scenario = parse_scenario(data, "partial.yaml")
    assert aligned(scenario, options).score == pytest.approx(1.0, abs=1e-6)
    assert pooled(scenario, options).score == pytest.approx(1.175, abs=1e-6)
    partial = parse_scenario({**data, "partial_pooling": True}, "partial.yaml")
    plan = optimal(partial, options)
    assert plan.score == pytest.approx(1.18, abs=1e-6)
    assert plan.pooled == [("a", "pot", pytest.approx(0.8, abs=1e-6))]

    data["pots"][0]["setup_cost"] = 100_000
    assert pooled(parse_scenario(data, "p.yaml"), options).score == pytest.approx(1.15, abs=1e-6)
    assert optimal(parse_scenario(data, "p.yaml"), options).score == pytest.approx(1.15, abs=1e-6)
    assert optimal(
        parse_scenario({**data, "partial_pooling": True}, "p.yaml"), options
    ).score == pytest.approx(1.155, abs=1e-6)

    data["pots"][0]["setup_cost"] = 1_000_000
    costly = parse_scenario(data, "p.yaml")
    assert pooled(costly, options).status is PlanStatus.INFEASIBLE
    left_out = optimal(costly, options)
    assert left_out.score == pytest.approx(1.0, abs=1e-6)
    assert left_out.pooled == []
    assert left_out.evaluation.money.setup == 0


@pytest.mark.parametrize("options", SOLVERS, ids=IDS)
def test_silo_pours_money_into_the_same_early_win(options):
    scenario = load_scenario(HERE / "silo.yaml")
    plan = silo(scenario, options)
    assert plan.score == pytest.approx(1.25, abs=1e-6)
    assert plan.evaluation.outcomes[0].spend == pytest.approx(1_000_000, abs=1)
    assert aligned(scenario, options).score == pytest.approx(1.375, abs=1e-6)


@pytest.mark.parametrize("options", SOLVERS, ids=IDS)
def test_silo_takes_the_best_for_the_area_among_a_funders_equal_plans(options):
    plan = silo(load_scenario(HERE / "silo_ties.yaml"), options)
    assert plan.score == pytest.approx(1.0, abs=1e-6)
    spend = {(s, o): v for (s, o, _), v in plan.spending.stream_spend.items()}
    assert spend == {
        ("a", "o2"): pytest.approx(1_000_000, abs=1),
        ("b", "o3"): pytest.approx(1_000_000, abs=1),
    }


def test_historic_allocation_judged():
    """ringfence.yaml's historic: 0.5m on o1 (1.0) and 1m on o2 (0.25), breaking the 75% ring-fence."""
    plan = historic(load_scenario(HERE / "ringfence.yaml"))
    assert plan.status is PlanStatus.EVALUATED
    assert plan.score == pytest.approx(1.25, abs=1e-9)
    assert [(v.kind, v.id, v.required, v.achieved) for v in plan.evaluation.violations] == [
        ("rule", "rf", pytest.approx(1_500_000), pytest.approx(500_000))
    ]


def test_historic_overspend_and_ineligible_spend_are_listed():
    data = doc("ringfence.yaml")
    data["outcomes"].append({**data["outcomes"][1], "id": "o3"})
    data["historic"] = [
        {"stream": "s", "outcome": "o1", "year": 2026, "amount": 1_600_000},
        {"stream": "s", "outcome": "o3", "year": 2026, "amount": 500_000},
    ]
    plan = historic(parse_scenario(data, "h.yaml"))
    kinds = sorted((v.kind, v.id) for v in plan.evaluation.violations)
    assert kinds == [("budget", "s"), ("eligibility", "s")]


@pytest.mark.parametrize("options", SOLVERS, ids=IDS)
def test_a_surviving_rule_binds_a_pot_only_when_its_stream_is_pooled_there(options):
    """partial.yaml plus stream c (GBP 1m, o2 only) in the pot, under a cap that survives pooling:
    at most half of c's unpooled money on o2 and, in a pot holding c, at most half of c's pooled
    money may go to o2 from the whole pot.
    aligned: a 0.2m on o1 (1.0), c 0.5m on o2 (0.125): 1.125.
    pool a only: pot 0.9m, 0.2m on o1 and 0.7m on o2; c keeps its 0.5m on o2: o2 1.2m, 1.3.
    pool c too: the pot may spend only 0.5m on o2: 1.125. So optimal pools a alone: 1.3.
    (Were the cap to bind a pot that does not hold c, pooling a alone would give 1.125.)"""
    data = doc("partial.yaml")
    data["streams"].append({"id": "c", "funder": "f", "amounts": 1_000_000, "eligible": ["o2"]})
    data["pots"][0]["members"].append("c")
    data["rules"] = [
        {"id": "rc", "streams": ["c"], "outcomes": ["o2"], "max_share": 0.5, "survives_pooling": True}
    ]
    scenario = parse_scenario(data, "survives.yaml")
    assert aligned(scenario, options).score == pytest.approx(1.125, abs=1e-6)
    assert pooled(scenario, options).score == pytest.approx(1.125, abs=1e-6)
    plan = optimal(scenario, options)
    assert plan.score == pytest.approx(1.3, abs=1e-6)
    assert [s for s, _, _ in plan.pooled] == ["a"]
    partial = optimal(parse_scenario({**data, "partial_pooling": True}, "survives.yaml"), options)
    assert partial.score >= 1.3 - 1e-6


@pytest.mark.parametrize("options", SOLVERS, ids=IDS)
def test_a_surviving_cap_on_amount_still_caps_an_unpooled_stream(options):
    """As above, but the surviving rule caps c's spend on o2 at GBP 0.3m (counting the pot when it holds c).
    none pooled: 1.0 + 0.3m on o2 (0.075) = 1.075.  a pooled alone: pot 0.9m, 0.2m on o1, 0.7m on o2,
    and c still capped at 0.3m: o2 1.0m, 1.25.  c pooled: the pot's o2 spend counts too, o2 0.3m: 1.075.
    So optimal pools a alone: 1.25 (were c's cap lifted when unpooled, c would spend 1m: 1.425)."""
    data = doc("partial.yaml")
    data["streams"].append({"id": "c", "funder": "f", "amounts": 1_000_000, "eligible": ["o2"]})
    data["pots"][0]["members"].append("c")
    data["rules"] = [
        {"id": "rc", "streams": ["c"], "outcomes": ["o2"], "max_amount": 300_000, "survives_pooling": True}
    ]
    scenario = parse_scenario(data, "cap.yaml")
    assert aligned(scenario, options).score == pytest.approx(1.075, abs=1e-6)
    plan = optimal(scenario, options)
    assert plan.score == pytest.approx(1.25, abs=1e-6)
    assert [s for s, _, _ in plan.pooled] == ["a"]
