"""One answer per scenario: the plan chosen among equally good ones by the stated rule
(pooling/canonical.py), whatever the order of the file's lines or the solver."""

from __future__ import annotations

import copy
import random

import numpy as np
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from laa.models.load import load_scenario, parse_scenario
from laa.models.scenario import Arrangement, Scenario
from laa.pooling.plans.canonical import copy_program
from laa.pooling.plans.evaluate import evaluate
from laa.pooling.plans.extract import allocation_from
from laa.pooling.program.build import build
from laa.pooling.program.spec import ModelSpec, PoolingChoice
from laa.pooling.program.vocabulary import RowFamily, RowLabel
from laa.pooling.solving.priorities import Priority, parse_priorities
from laa.pooling.solving.solvers import SolveOptions, SolverName, solve
from laa.scenarios.analysis.arrangements import plan_arrangement
from laa.scenarios.analysis.freedoms import rank_freedoms

from tests.paths import EXAMPLES

ARRANGEMENTS = (Arrangement.SILO, Arrangement.ALIGNED, Arrangement.POOLED, Arrangement.OPTIMAL)
LISTS = ("streams", "outcomes", "rules", "pots", "funders")


def shuffled(data: dict, seed: int) -> dict:
    """The same scenario with every list whose order carries no meaning shuffled."""
    rng = random.Random(seed)
    data = copy.deepcopy(data)
    for key in LISTS:
        if isinstance(data.get(key), list):
            rng.shuffle(data[key])
    for stream in data.get("streams", []):
        if isinstance(stream.get("eligible"), list):
            rng.shuffle(stream["eligible"])
    for pot in data.get("pots", []) or []:
        for field in ("members", "scope"):
            if isinstance(pot.get(field), list):
                rng.shuffle(pot[field])
    for rule in data.get("rules", []) or []:
        for field in ("streams", "outcomes"):
            if isinstance(rule.get(field), list):
                rng.shuffle(rule[field])
    for block in data.get("blocks", []) or []:
        if isinstance(block, dict) and isinstance(block.get("outcomes"), list):
            rng.shuffle(block["outcomes"])
    return data


def lines(plan) -> dict[tuple[str, str, int], float]:
    assert plan.spending is not None
    return {**plan.spending.stream_spend, **plan.spending.pot_spend}


def assert_same_plan(a, b) -> None:
    """Same status, score (1e-7), targets met, reward and every line to max(£1, a millionth of spend)."""
    assert a.status == b.status, (a.message, b.message)
    if a.score is None:
        return
    assert b.score == pytest.approx(a.score, abs=1e-7)
    assert b.evaluation.targets_met == a.evaluation.targets_met
    assert b.evaluation.reward == pytest.approx(a.evaluation.reward, abs=1.0)
    tolerance = max(1.0, 1e-6 * a.evaluation.money.spent)
    la, lb = lines(a), lines(b)
    moved = {k: abs(la.get(k, 0.0) - lb.get(k, 0.0)) for k in set(la) | set(lb)}
    worst = max(moved, key=moved.get, default=None)
    assert worst is None or moved[worst] <= tolerance, (worst, moved[worst])


def _data(name: str) -> dict:
    return yaml.safe_load((EXAMPLES / name).read_text())


@pytest.mark.parametrize("name", ["northbridge.yaml", "better-care-fund.yaml", "integrated-settlement.yaml"])
def test_the_plan_does_not_move_when_the_file_is_sorted(name):
    data = _data(name)
    base = parse_scenario(data, name)
    for seed in (1, 2):
        other = parse_scenario(shuffled(data, seed), name)
        for arrangement in ARRANGEMENTS:
            assert_same_plan(plan_arrangement(base, arrangement), plan_arrangement(other, arrangement))


@pytest.mark.parametrize("name", ["northbridge.yaml", "better-care-fund.yaml"])
def test_the_plan_does_not_move_with_the_solver(name):
    data = _data(name)
    base = parse_scenario(data, name)
    cbc = SolveOptions(solver=SolverName.CBC)
    other = parse_scenario(shuffled(data, 3), name)
    for arrangement in (Arrangement.ALIGNED, Arrangement.POOLED, Arrangement.OPTIMAL):
        assert_same_plan(plan_arrangement(base, arrangement), plan_arrangement(other, arrangement, cbc))


@pytest.mark.parametrize("name", ["check1.yaml", "check2.yaml", "check3.yaml", "check4.yaml", "check5.yaml"])
def test_the_plan_does_not_move_on_the_shared_checks(name):
    from tests.paths import CHECKS

    data = yaml.safe_load((CHECKS / name).read_text())
    base = parse_scenario(data, name)
    other = parse_scenario(shuffled(data, 7), name)
    for arrangement in ARRANGEMENTS:
        assert_same_plan(plan_arrangement(base, arrangement), plan_arrangement(other, arrangement))


def test_the_plan_does_not_move_on_a_generated_area():
    from benchmarks.generate import generate

    data = generate("S", seed=11)
    base = parse_scenario(data, "generated.yaml")
    other = parse_scenario(shuffled(data, 5), "generated.yaml")
    for arrangement in ARRANGEMENTS:
        assert_same_plan(plan_arrangement(base, arrangement), plan_arrangement(other, arrangement))


# Two outcomes closing their gaps at the same score per pound; £1m closes one gap or half of each.
# Every split of the money scores 1.0; only the plans that give it all to one outcome meet a target.
TIED = {
    "name": "two plans tie on score",
    "years": [2026],
    "funders": [{"id": "f"}],
    "outcomes": [
        {"id": "a", "block": "CYP", "direction": "higher", "baseline": 0, "target": 10, "weight": 1,
         "response": [{"spend": 1000000, "effect": 10}]},
        {"id": "b", "block": "CYP", "direction": "higher", "baseline": 0, "target": 10, "weight": 1,
         "response": [{"spend": 2000000, "effect": 20}]},
    ],
    "streams": [{"id": "s", "funder": "f", "amounts": 1000000, "eligible": ["a", "b"]}],
}


def test_among_equal_scores_the_plan_meets_the_most_targets():
    plan = plan_arrangement(parse_scenario(TIED, "tied.yaml"), Arrangement.ALIGNED)
    assert plan.score == pytest.approx(1.0, abs=1e-7)
    assert plan.evaluation.targets_met == 1
    # and which of the two it meets is fixed by the ids, not by their order in the file
    flipped = {**TIED, "outcomes": TIED["outcomes"][::-1]}
    again = plan_arrangement(parse_scenario(flipped, "tied.yaml"), Arrangement.ALIGNED)
    assert_same_plan(plan, again)
    stages = [s.priority for s in plan.choice.stages]
    assert stages == ["score", "targets", "reward", "reference"]
    assert plan.choice.complete


def test_score_alone_does_not_ask_for_targets():
    options = SolveOptions(priorities=parse_priorities("score"))
    plan = plan_arrangement(parse_scenario(TIED, "tied.yaml"), Arrangement.ALIGNED, options)
    assert [s.priority for s in plan.choice.stages] == ["score", "reference"]
    assert plan.score == pytest.approx(1.0, abs=1e-7)


def test_priorities_are_read_in_the_users_order():
    assert parse_priorities("reward,score") == (Priority.REWARD, Priority.SCORE)
    assert parse_priorities("targets") == (Priority.TARGETS, Priority.SCORE)
    with pytest.raises(Exception, match="unknown priority 'speed'"):
        parse_priorities("score,speed")


# Reward first: £1m buys either 0.6 of a stretch target's enhancement (reward £60,000) or a
# second outcome's target (score +1). Score first takes the target; reward first the grant.
REWARD = {
    "name": "reward against score",
    "years": [2026],
    "funders": [{"id": "f"}],
    "outcomes": [
        {"id": "r", "block": "CYP", "direction": "higher", "baseline": 0, "target": 10, "stretch": 20,
         "weight": 1, "reward": 100000,
         "response": [{"spend": 1000000, "effect": 10}, {"spend": 1000000, "effect": 6}]},
        {"id": "t", "block": "CYP", "direction": "higher", "baseline": 0, "target": 10, "weight": 1,
         "response": [{"spend": 1000000, "effect": 10}]},
    ],
    "streams": [{"id": "s", "funder": "f", "amounts": 2000000, "eligible": ["r", "t"]}],
}


def test_reward_first_chases_the_grant_and_says_what_it_costs():
    scenario = parse_scenario(REWARD, "reward.yaml")
    default = plan_arrangement(scenario, Arrangement.ALIGNED)
    assert default.score == pytest.approx(2.0, abs=1e-7)
    assert default.evaluation.reward == pytest.approx(0.0, abs=1e-3)
    chasing = plan_arrangement(
        scenario, Arrangement.ALIGNED, SolveOptions(priorities=parse_priorities("reward,score"))
    )
    assert chasing.evaluation.reward == pytest.approx(60_000, abs=1.0)
    assert chasing.score == pytest.approx(1.6, abs=1e-7)
    assert chasing.choice.as_dict()["priorities"] == ["reward", "score"]


def _face_plans(scenario: Scenario, seeds: list[int]):
    """Plans on the best-score face found by random linear tie-breaks (what a solver's path does)."""
    b = build(ModelSpec(scenario, PoolingChoice.aligned()))
    best = solve(b.program)
    assert best.ok
    cost = np.asarray(b.program.col_cost)
    found = []
    for seed in seeds:
        rng = np.random.default_rng(seed)
        program = b.program
        face = copy_program(program)
        nz = np.flatnonzero(cost)
        face.row_arrays(
            RowLabel(RowFamily.HOLD_SCORE),
            nz.astype(np.int32),
            cost[nz],
            lower=best.objective - 1e-9 * max(1.0, abs(best.objective)),
            upper=float("inf"),
        )
        face.col_cost = list(rng.uniform(-1, 1, face.num_cols))
        solved = solve(face)
        assert solved.ok
        values = solved.values[: program.num_cols]
        found.append(evaluate(scenario, allocation_from(b, values), scenario.rules))
    return found


@settings(max_examples=6, deadline=None, suppress_health_check=list(HealthCheck))
@given(seed=st.integers(0, 2**16))
def test_no_plan_on_the_face_meets_more_targets(seed):
    for name in ("better-care-fund.yaml", "northbridge.yaml"):
        scenario = load_scenario(EXAMPLES / name)
        canonical = plan_arrangement(scenario, Arrangement.ALIGNED)
        for evaluation in _face_plans(scenario, [seed]):
            assert evaluation.score == pytest.approx(canonical.score, abs=1e-6)
            assert evaluation.targets_met <= canonical.evaluation.targets_met


@pytest.mark.parametrize("name", ["northbridge.yaml", "better-care-fund.yaml", "integrated-settlement.yaml"])
def test_the_top_three_asks_are_the_first_three_of_the_top_five(name):
    scenario = load_scenario(EXAMPLES / name)
    three = rank_freedoms(scenario, top=3)[:3]
    five = rank_freedoms(scenario, top=5)[:3]
    assert [(a.ask, a.gain) for a in three] == [(a.ask, a.gain) for a in five]


def test_compare_says_what_the_users_order_costs(tmp_path):
    import json

    from click.testing import CliRunner
    from laa.cli.main import laa

    path = tmp_path / "reward.yaml"
    path.write_text(yaml.safe_dump(REWARD))
    run = CliRunner().invoke(laa, ["compare", str(path), "--priorities", "reward,score", "--format", "json"])
    assert run.exit_code == 0, run.output
    cost = json.loads(run.output)["priority_cost"]
    assert cost["priorities"] == ["reward", "score"]
    aligned = next(a for a in cost["arrangements"] if a["arrangement"] == "aligned")
    assert aligned["score_cost"] == pytest.approx(0.4, abs=1e-7)
    assert aligned["reward_chosen"] == pytest.approx(60_000, abs=1.0)
    text = CliRunner().invoke(laa, ["compare", str(path), "--priorities", "reward,score"]).output
    assert "Choosing for reward, then score instead of score, then targets, then reward" in text


def test_the_fair_plan_does_not_move_when_the_file_is_sorted():
    from laa.scenarios.analysis.partners import partners

    data = _data("better-care-fund.yaml")
    plans = []
    for seed in (0, 4):
        scenario = parse_scenario(shuffled(data, seed) if seed else data, "bcf.yaml")
        result = partners(scenario, (Arrangement.ALIGNED,))
        fair = result.fair[Arrangement.ALIGNED]
        assert fair.plan is not None and fair.plan.has_numbers
        plans.append(fair.plan)
    assert_same_plan(*plans)


def test_a_stage_stopped_at_its_limit_says_so_and_keeps_the_best_plan(monkeypatch):
    from laa.pooling.plans import canonical
    from laa.pooling.solving.solvers import Solution, Status

    real = canonical.solve

    def stopped(program, options, start=None):
        if program.is_mip:
            return Solution(Status.TIME_LIMIT, "the solver's time limit was reached")
        return real(program, options, start=start)

    monkeypatch.setattr(canonical, "solve", stopped)
    plan = plan_arrangement(parse_scenario(TIED, "tied.yaml"), Arrangement.ALIGNED)
    assert plan.status.value == "optimal" and plan.score == pytest.approx(1.0, abs=1e-7)
    record = plan.choice.as_dict()
    assert record["complete"] is False
    assert [(s["priority"], s["finished"]) for s in record["stages"]] == [("score", True), ("targets", False)]
