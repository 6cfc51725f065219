"""Infeasible plans explained in the scenario's names: hand-made collisions and the shared checks."""

from pathlib import Path

import pytest
import yaml
from laa.models.load import load_scenario, parse_scenario
from laa.models.scenario import Arrangement
from laa.pooling.plans.diagnosis import diagnose, necessary_checks
from laa.pooling.plans.plan import PlanStatus
from laa.scenarios.analysis.arrangements import plan_arrangement

DATA = Path(__file__).parent / "data"
CHECKS = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "checks"


def short_of_money():
    """o2's statutory minimum (GBP 1m) exceeds the only stream that may fund it (b, GBP 0.4m)."""
    doc = yaml.safe_load((DATA / "two_streams.yaml").read_text())
    doc["rules"] = []
    doc["outcomes"][1]["min_spend"] = 1_000_000
    return parse_scenario(doc, "short.yaml")


def test_statutory_minimum_beyond_the_money_that_may_fund_it():
    scenario = short_of_money()
    plan = plan_arrangement(scenario, Arrangement.ALIGNED)
    assert plan.status is PlanStatus.INFEASIBLE
    d = plan.diagnosis
    assert [(f.kind, f.id) for f in d.checks] == [("statutory", "o2")]
    assert d.checks[0].amount == pytest.approx(600_000)
    assert {(f.kind, f.id) for f in d.subset} == {("statutory", "o2"), ("budget", "b")}
    # the limit no row can name: who may and may not fund o2
    assert any("may be funded by b; not by a" in f.text for f in d.eligibility)
    assert sum(f.amount for f in d.relaxation) == pytest.approx(600_000, abs=1)


def test_pooling_lifts_the_collision():
    scenario = short_of_money()
    plan = plan_arrangement(scenario, Arrangement.POOLED)
    # pooled, a's money may reach o2 too: 1.4m for a 1m minimum
    assert plan.status is PlanStatus.OPTIMAL
    assert not necessary_checks(scenario, Arrangement.POOLED)


def test_check4_pooled_names_the_rule_and_the_pot_scope():
    scenario = load_scenario(CHECKS / "check4.yaml")
    plan = plan_arrangement(scenario, Arrangement.POOLED)
    assert plan.status is PlanStatus.INFEASIBLE
    d = plan.diagnosis
    assert [(f.kind, f.id, f.pot) for f in d.checks] == [("pot", "r-s3-min_share", "pot1")]
    rules = [f for f in d.subset if f.kind == "rule"]
    assert [(f.id, f.pot) for f in rules] == [("r-s3-min_share", "pot1")]
    assert [(f.kind, f.id, f.pot) for f in d.relaxation] == [("rule", "r-s3-min_share", "pot1")]
    # the optimal arrangement leaves the stream out instead
    assert plan_arrangement(scenario, Arrangement.OPTIMAL).status is PlanStatus.OPTIMAL


@pytest.mark.parametrize(
    "arrangement", [Arrangement.SILO, Arrangement.ALIGNED, Arrangement.POOLED, Arrangement.OPTIMAL]
)
def test_check5_names_the_impossible_rule_and_its_stream(arrangement):
    scenario = load_scenario(CHECKS / "check5.yaml")
    plan = plan_arrangement(scenario, arrangement)
    assert plan.status is PlanStatus.INFEASIBLE
    d = plan.diagnosis
    assert any(f.id == "r-impossible" and "Stream 0" in f.text for f in d.checks)
    assert "r-impossible" in {f.id for f in d.subset}
    assert [f.id for f in d.relaxation] == ["r-impossible"]
    text = d.to_text()
    assert "r-impossible" in text and "Smallest change" in text


def test_diagnosis_of_a_feasible_scenario_finds_nothing_certain():
    scenario = load_scenario(CHECKS / "check1.yaml")
    assert necessary_checks(scenario, Arrangement.ALIGNED) == []
    d = diagnose(scenario, Arrangement.ALIGNED)
    assert d.relaxation == []


def test_the_smallest_relaxation_comes_first_and_stands_when_the_subset_is_cut_short(monkeypatch):
    """A large area's exact subset may run over its budget: the first answer, what to relax, is
    found before it and kept, and the note says the subset was left out (issue 22)."""
    from laa.pooling.plans import diagnosis

    def over_budget(b, options):
        raise diagnosis.Unfinished("the colliding subset was not narrowed within 4 s")

    monkeypatch.setattr(diagnosis, "_colliding_subset", over_budget)
    d = diagnose(short_of_money(), Arrangement.ALIGNED)
    assert not d.complete
    assert "the colliding subset was not narrowed" in d.note
    assert d.subset == []
    assert [(f.kind, f.id) for f in d.relaxation] == [("statutory", "o2")]
    assert sum(f.amount for f in d.relaxation) == pytest.approx(600_000, abs=1)
    assert set(d.seconds) == {"checks", "relaxation", "subset"}


def test_the_subsets_budget_is_a_multiple_of_the_proof_within_the_time_limit():
    from laa.pooling.plans.diagnosis import SUBSET_BUDGET, SUBSET_LEAST_SECONDS, subset_budget
    from laa.pooling.solving.solvers import SolveOptions

    assert subset_budget(30.0, SolveOptions()) == pytest.approx(SUBSET_BUDGET * 30.0)
    assert subset_budget(0.001, SolveOptions()) == SUBSET_LEAST_SECONDS  # a small area is never cut
    assert subset_budget(30.0, SolveOptions(time_limit=50.0)) == 50.0
