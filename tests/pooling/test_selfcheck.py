"""The engine notices its own contradictions (issue 13, defect 9): such a plan is an error, never optimal.

Each check is proved on plans whose figures were made wrong by hand (a constructed set of plans), and
shown silent on the real plans of the shared check scenarios and the example.
"""

from __future__ import annotations

import math
from dataclasses import replace

import pytest
from laa.models.load import load_scenario
from laa.models.scenario import Arrangement, HistoricSpend
from laa.pooling.plans.plan import PlanStatus
from laa.pooling.plans.selfcheck import checked, checked_run, most_score, plan_problems, run_problems
from laa.pooling.solving.solvers import SolveOptions
from laa.scenarios.analysis.arrangements import plan_all
from laa.scenarios.batch.cases import solve_case

from tests.paths import CHECKS, EXAMPLE


@pytest.fixture(scope="module")
def plans():
    return plan_all(load_scenario(CHECKS / "check1.yaml"))


def fresh(plans, arrangement):
    """The run's plan of `arrangement` (frozen: spoiling it makes a copy)."""
    return next(p for p in plans if p.arrangement is arrangement)


def with_score(plan, score):
    return replace(plan, evaluation=replace(plan.evaluation, score=score), solver_score=score)


@pytest.mark.parametrize("name", ["check1.yaml", "check2.yaml", "check3.yaml", "check4.yaml", "check5.yaml"])
def test_real_plans_pass_every_check(name):
    for plan in plan_all(load_scenario(CHECKS / name)):
        assert "self-check" not in plan.message, plan.message
        assert plan_problems(plan) == []


def test_the_example_s_plans_pass_every_check():
    run = plan_all(load_scenario(EXAMPLE))
    assert run_problems(run) == {} and all(plan_problems(p) == [] for p in run)


def test_an_optimal_plan_below_pooled_is_an_error_naming_both_scores(plans):
    pooled = fresh(plans, Arrangement.POOLED)
    optimal = with_score(fresh(plans, Arrangement.OPTIMAL), pooled.score - 0.5)
    aligned = fresh(plans, Arrangement.ALIGNED)
    run = checked_run([aligned, pooled, optimal])
    assert [p.status for p in run] == [PlanStatus.OPTIMAL, PlanStatus.OPTIMAL, PlanStatus.ERROR]
    optimal = run[2]
    assert optimal.message == (
        f"self-check failed: the optimal plan scores {pooled.score - 0.5:.9g}, below the pooled plan's "
        f"{pooled.score:.9g}; the pooled plan is one optimal chooses from, so this one is not the optimum"
    )
    assert optimal.score is None  # an error plan has no figures to read


def test_an_optimal_plan_below_aligned_is_an_error(plans):
    aligned = fresh(plans, Arrangement.ALIGNED)
    optimal = with_score(fresh(plans, Arrangement.OPTIMAL), aligned.score - 1e-3)
    assert list(run_problems([optimal, aligned])) == [0]


def test_equal_within_the_solver_s_tolerance_is_no_contradiction(plans):
    pooled = fresh(plans, Arrangement.POOLED)
    optimal = with_score(fresh(plans, Arrangement.OPTIMAL), pooled.score * (1 - 1e-8))
    assert run_problems([pooled, optimal]) == {}


def test_plans_that_failed_are_not_compared(plans):
    pooled = replace(with_score(fresh(plans, Arrangement.POOLED), 1e9), status=PlanStatus.TIME_LIMIT)
    assert run_problems([pooled, fresh(plans, Arrangement.OPTIMAL)]) == {}


def test_a_non_finite_figure_is_an_error(plans):
    plan = fresh(plans, Arrangement.ALIGNED)
    first = plan.evaluation.outcomes[0]
    spoilt = replace(plan.evaluation, outcomes=[replace(first, spend=math.inf)])
    plan = checked(replace(plan, evaluation=spoilt))
    assert plan.status is PlanStatus.ERROR
    expected = f"self-check failed: a figure is not a finite number: outcome {first.id} spend is inf"
    assert plan.message == expected


def test_a_score_above_what_the_outcomes_can_give_is_an_error(plans):
    plan = checked(with_score(fresh(plans, Arrangement.POOLED), most_score(plans[0]) + 1))
    assert plan.status is PlanStatus.ERROR
    assert "is outside 0 to" in plan.message and "the most its outcomes can give" in plan.message


def test_the_solver_and_the_evaluator_must_agree(plans):
    plan = fresh(plans, Arrangement.ALIGNED)
    plan = checked(replace(plan, solver_score=plan.score + 0.1))
    assert plan.status is PlanStatus.ERROR
    assert "differs from the re-scored plan's" in plan.message


def test_spending_more_than_the_area_has_is_an_error(plans):
    plan = fresh(plans, Arrangement.ALIGNED)
    money = plan.evaluation.money
    spoilt = replace(plan.evaluation, money=replace(money, spent=money.available * 2))
    plan = checked(replace(plan, evaluation=spoilt))
    assert plan.status is PlanStatus.ERROR
    assert "more than the" in plan.message and "the area has" in plan.message


def test_a_historic_allocation_may_overspend_but_not_be_absurd():
    scenario = load_scenario(EXAMPLE)
    stream = scenario.streams[0]
    row = HistoricSpend(
        stream=stream.id, outcome=scenario.eligible(stream.id)[0], year=scenario.first_year, amount=5e11
    )
    historic = scenario.model_copy(update={"historic": [row]})
    (plan,) = plan_all(historic, [Arrangement.HISTORIC])
    assert plan.status is PlanStatus.EVALUATED and plan.evaluation.violations


def test_a_batch_worker_checks_each_plan_against_the_file_s_earlier_ones(plans):
    scenario = plans[0].scenario
    pooled = with_score(fresh(plans, Arrangement.POOLED), fresh(plans, Arrangement.OPTIMAL).score + 1)
    result = solve_case(scenario, "check1.yaml", "optimal", SolveOptions(), [pooled])
    assert result.status == "error" and "below the pooled plan's" in result.message
