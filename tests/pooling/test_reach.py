"""Figures a solver cannot see at once: the unit moves to see them all, or the plan is `unreliable`.

Issue 21, row 3: a £1 stream beside a £1e12 stream under a `match: 100` rule. HiGHS gave `error`
(its score 2 against the re-scored 1) on every arrangement; CBC said `optimal` at 1.0 while a plan
scoring 2.0 exists; a £1 statutory minimum with 95p to spend gave `error` "£0 spent" where it is
infeasible. A solver works to about 1e-7 of its unit of money (`laa.pooling.program.scale`): the unit is
chosen to see every figure, and where none can the plan says so, naming the two figures.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from laa.models.load import parse_scenario
from laa.models.scenario import Arrangement
from laa.pooling.plans.optimise import optimise
from laa.pooling.plans.plan import PlanStatus
from laa.pooling.program.scale import money_unit, unit_window, unseen
from laa.pooling.program.spec import ModelSpec, PoolingChoice
from laa.pooling.solving.solvers import SolveOptions, SolverName
from laa.scenarios.analysis.arrangements import plan_arrangement

from benchmarks.generate import generate
from tests.paths import EXAMPLE

LAA = str(Path(sys.executable).parent / "laa")
PLANNED = (Arrangement.SILO, Arrangement.ALIGNED, Arrangement.POOLED, Arrangement.OPTIMAL)
SOLVERS = (SolverName.HIGHS, SolverName.CBC)


def matched(big: float, small: float = 1.0) -> dict[str, Any]:
    """Two outcomes worth 1 each: o1 costs `small` (£1), o2 costs `big`. The small stream may fund only
    o1, and only if other funders put 100 times as much there (`match: 100`); the big stream may fund
    either. Best: the big stream pays for nearly all of both, 2 - 100/(101 big)."""
    return {
        "name": "row 3",
        "years": [2026],
        "funders": [{"id": "a"}, {"id": "b"}],
        "outcomes": [
            {"id": "o1", "block": "CYP", "direction": "higher", "baseline": 0, "target": 1,
             "response": [{"spend": small, "effect": 1}]},
            {"id": "o2", "block": "CYP", "direction": "higher", "baseline": 0, "target": 1,
             "response": [{"spend": big, "effect": 1}]},
        ],
        "streams": [
            {"id": "small", "funder": "a", "amounts": small, "eligible": ["o1"]},
            {"id": "big", "funder": "b", "amounts": big, "eligible": ["o1", "o2"]},
        ],
        "rules": [{"id": "m", "streams": ["small"], "outcomes": ["o1"], "match": 100}],
        "pots": [{"id": "p", "members": ["big"]}],
    }  # fmt: skip


def best_matched(big: float) -> float:
    return 2 - 100 / (101 * big)


def short_minimum(big: float) -> dict[str, Any]:
    """A £1 statutory minimum on an outcome only a £1 stream with 5% overhead may fund (95p to spend),
    beside a stream of `big`: infeasible."""
    return {
        "name": "row 3, the minimum",
        "years": [2026],
        "funders": [{"id": "a"}, {"id": "b"}],
        "outcomes": [
            {"id": "o1", "block": "CYP", "direction": "higher", "baseline": 0, "target": 1, "min_spend": 1,
             "response": [{"spend": 10, "effect": 1}]},
            {"id": "o2", "block": "EDE", "direction": "higher", "baseline": 0, "target": 1,
             "response": [{"spend": big, "effect": 1}]},
        ],
        "streams": [
            {"id": "small", "funder": "a", "amounts": 1, "admin_rate": 0.05, "eligible": ["o1"]},
            {"id": "big", "funder": "b", "amounts": big, "eligible": ["o2"]},
        ],
    }  # fmt: skip


def test_the_curves_unit_is_kept_where_it_sees_every_figure():
    from laa.models.load import load_scenario

    scenario = load_scenario(EXAMPLE)
    low, high = unit_window(scenario) or (None, None)
    assert money_unit(scenario) == 1e7 and low is not None and high is not None and low <= 1e7 <= high


def test_the_unit_moves_to_the_nearest_power_of_ten_that_sees_every_figure():
    scenario = parse_scenario(matched(1e9), "row3.yaml")
    # the curves' unit would be £1bn, where £1 is 1e-9 units: the largest that sees £1 is £10,000
    assert unit_window(scenario) == (1e4, 1e4)
    assert money_unit(scenario) == 1e4


def test_figures_more_than_1e9_apart_are_named():
    scenario = parse_scenario(matched(1e12), "row3.yaml")
    assert unit_window(scenario) is None
    reason = unseen(scenario)
    assert reason is not None
    assert "stream small's amount in 2026 (£1)" in reason
    assert "stream big's amount in 2026 (£1,000,000,000,000)" in reason
    assert "1.0e12 times apart" in reason and "more than 1e9 apart" in reason
    assert unseen(parse_scenario(matched(1e9), "row3.yaml")) is None


@pytest.mark.parametrize("solver", SOLVERS)
def test_a_pound_beside_1e12_is_unreliable_whatever_the_solver_says(solver):
    scenario = parse_scenario(matched(1e12), "row3.yaml")
    for arrangement in PLANNED:
        plan = plan_arrangement(scenario, arrangement, SolveOptions(solver=solver))
        assert plan.status is PlanStatus.UNRELIABLE, (arrangement, plan.status, plan.message)
        assert plan.score is None and not plan.has_numbers
        assert "(£1)" in plan.message and "(£1,000,000,000,000)" in plan.message


@pytest.mark.parametrize("solver", SOLVERS)
def test_a_pound_beside_1e9_is_planned_right(solver):
    """Within the window, in the unit that sees both (£10,000), both solvers find the best plan."""
    scenario = parse_scenario(matched(1e9), "row3.yaml")
    for arrangement in (Arrangement.ALIGNED, Arrangement.POOLED, Arrangement.OPTIMAL):
        plan = plan_arrangement(scenario, arrangement, SolveOptions(solver=solver))
        assert plan.status is PlanStatus.OPTIMAL, (arrangement, plan.message)
        assert plan.score == pytest.approx(best_matched(1e9), abs=1e-6)
        assert plan.money_unit == 1e4


@pytest.mark.parametrize("solver", SOLVERS)
def test_a_pound_minimum_with_95p_is_infeasible_with_its_diagnosis(solver):
    scenario = parse_scenario(short_minimum(1e9), "minimum.yaml")
    plan = plan_arrangement(scenario, Arrangement.ALIGNED, SolveOptions(solver=solver))
    assert plan.status is PlanStatus.INFEASIBLE, plan.message
    assert plan.diagnosis is not None
    colliding = {(c["kind"], c["id"]) for c in plan.diagnosis.to_dict()["colliding"]}
    assert colliding == {("budget", "small"), ("statutory", "o1")}


def test_the_same_minimum_beside_1e12_is_unreliable_not_infeasible():
    scenario = parse_scenario(short_minimum(1e12), "minimum.yaml")
    plan = plan_arrangement(scenario, Arrangement.ALIGNED)
    assert plan.status is PlanStatus.UNRELIABLE
    assert "the statutory minimum of outcome o1 in 2026 (£1)" in plan.message or "(£1)" in plan.message


@pytest.mark.parametrize(
    ("solver", "unit", "right"),
    [
        (SolverName.CBC, 1e4, True),  # (before the canonical plan's polish on the plan's own program: wrong)
        (SolverName.CBC, 1e5, True),
        (SolverName.CBC, 1e6, False),  # £1 is 1e-6 units: the 95p minimum is "met"
        (SolverName.HIGHS, 1e2, False),  # £1e11 is 1e9 units
        (SolverName.HIGHS, 3e4, True),
        # £1 is 1e-5 units: the least-money stage of choosing among equals (issue 20) trims the £1
        # lines as solver noise, so the re-score misses; the window's edge (1e-4) keeps 3x, not 10x
        (SolverName.HIGHS, 1e5, False),
        (SolverName.HIGHS, 1e6, False),
    ],
    ids=["cbc-1e4", "cbc-1e5", "cbc-1e6", "highs-1e2", "highs-3e4", "highs-1e5", "highs-1e6"],
)
def test_the_window_rests_on_what_the_solvers_were_measured_to_see(monkeypatch, solver, unit, right):
    """The measurement `pooling.scale`'s window keeps a factor of ten inside: beside £1e11, the £1
    figures are planned right only where £1 is at least 1e-5 units and £1e11 at most 1e6 units (CBC;
    HiGHS to 1e8). If a solver comes to see further, this fails, and the window may widen."""
    monkeypatch.setattr("laa.pooling.plans.optimise.trusted", lambda plan: plan)  # the solver's own answer
    options = SolveOptions(solver=solver)
    scenario = parse_scenario(matched(1e11), "row3.yaml")
    plans = [
        optimise(ModelSpec(scenario, choice, unit=unit), Arrangement.ALIGNED, options)
        for choice in (PoolingChoice.aligned(), PoolingChoice.chosen_by_solver(False))
    ]
    minimum = parse_scenario(short_minimum(1e11), "minimum.yaml")
    found = optimise(ModelSpec(minimum, PoolingChoice.aligned(), unit=unit), Arrangement.ALIGNED, options)
    planned = all(p.status is PlanStatus.OPTIMAL and abs((p.score or 0) - best_matched(1e11)) <= 1e-6
                  for p in plans)  # fmt: skip
    assert (planned and found.status is PlanStatus.INFEASIBLE) is right


def test_unreliable_flows_through_the_document_the_table_and_the_exit_code(tmp_path):
    path = tmp_path / "row3.yaml"
    path.write_text(yaml.safe_dump(matched(1e12)))
    done = subprocess.run([LAA, "run", str(path), "--format", "json"], capture_output=True, text=True)
    assert done.returncode == 4, done.stderr
    records = json.loads(done.stdout)["arrangements"]
    assert {r["status"] for r in records} == {"unreliable"}
    assert all(r["score"] is None and r["allocation"] == [] and "(£1)" in r["message"] for r in records)
    table = subprocess.run([LAA, "run", str(path)], capture_output=True, text=True)
    assert table.returncode == 4
    assert "aligned: unreliable. stream small's amount in 2026 (£1)" in table.stdout


def beside_a_pound(big: float) -> dict[str, Any]:
    """A generated area (S, seed 0: figures from £15,000 to £1.9m) with a £1 stream for an outcome of
    its own, and a stream of `big` for another."""
    doc = generate("S", 0)
    doc["funders"] += [{"id": "tiny", "name": "Tiny"}, {"id": "huge", "name": "Huge"}]
    for ident, money in (("tiny", 1.0), ("huge", big)):
        curve = [{"spend": money, "effect": 1}]
        doc["outcomes"].append({"id": ident, "name": ident, "block": "CYP", "direction": "higher",
                                "baseline": 0, "target": 1, "response": curve})  # fmt: skip
        doc["streams"].append({"id": ident, "name": ident, "funder": ident, "amounts": money,
                               "eligible": [ident]})  # fmt: skip
    return doc


def test_a_plan_cbc_cannot_hold_to_its_check_beyond_a_million_to_one_is_unreliable():
    """£1 beside £1e8 is within the window (seen in units of £10,000), but CBC's answers, read back
    with 8 significant digits, break a limit by more than 1e-9 of its money: beyond a million to one
    that is the solver's precision, said as such, not a bug; HiGHS plans it."""
    scenario = parse_scenario(beside_a_pound(1e8), "far.yaml")
    assert unseen(scenario) is None and money_unit(scenario) == 1e4
    for arrangement in (Arrangement.ALIGNED, Arrangement.OPTIMAL):
        cbc = plan_arrangement(scenario, arrangement, SolveOptions(solver=SolverName.CBC))
        assert cbc.status is PlanStatus.UNRELIABLE, cbc.message
        assert cbc.message.startswith("the solver's answer failed the engine's check")
        assert "(£1)" in cbc.message and "(£100,000,000)" in cbc.message
        assert plan_arrangement(scenario, arrangement).status is PlanStatus.OPTIMAL


def test_a_refused_plan_within_a_million_to_one_stays_an_error():
    from laa.models.load import load_scenario
    from laa.pooling.plans.plan import Plan
    from laa.pooling.plans.trust import trusted

    scenario = load_scenario(EXAMPLE)
    refused = Plan(scenario, Arrangement.ALIGNED, PlanStatus.ERROR, "internal check failed: ...")
    assert trusted(refused).status is PlanStatus.ERROR  # a bug in the engine, never excused
