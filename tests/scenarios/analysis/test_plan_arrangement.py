"""plan_arrangement: a diagnosis that fails never changes an infeasible plan's status or reason."""

from laa.models.load import load_scenario
from laa.models.scenario import Arrangement
from laa.pooling.plans import arrangement as arrangement_path
from laa.pooling.plans import diagnosis
from laa.pooling.plans.diagnosis import Diagnosis
from laa.pooling.plans.plan import PlanStatus
from laa.scenarios.analysis.arrangements import plan_arrangement

from tests.paths import CHECKS


def test_an_infeasible_plan_is_diagnosed():
    plan = plan_arrangement(load_scenario(CHECKS / "check4.yaml"), Arrangement.POOLED)
    assert plan.status is PlanStatus.INFEASIBLE
    assert isinstance(plan.diagnosis, Diagnosis) and plan.diagnosis.complete
    assert plan.diagnosis.subset


def test_a_failing_diagnosis_leaves_the_plan_infeasible(monkeypatch):
    scenario = load_scenario(CHECKS / "check4.yaml")
    reason = plan_arrangement(scenario, Arrangement.POOLED).message

    def broken(*args, **kwargs):
        raise RuntimeError("the diagnosis broke")

    monkeypatch.setattr(diagnosis, "diagnose", broken)
    plan = plan_arrangement(scenario, Arrangement.POOLED)
    assert plan.status is PlanStatus.INFEASIBLE
    assert plan.message == reason
    assert plan.diagnosis is not None and not plan.diagnosis.complete
    assert plan.diagnosis.note == "The diagnosis could not be completed: RuntimeError: the diagnosis broke."
    assert plan.diagnosis.to_dict()["arrangement"] == "pooled"


def test_a_failing_solve_is_an_error_plan(monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("the solver broke")

    monkeypatch.setattr(arrangement_path, "optimise", broken)
    plan = plan_arrangement(load_scenario(CHECKS / "check4.yaml"), Arrangement.ALIGNED)
    assert plan.status is PlanStatus.ERROR
    assert plan.message == "RuntimeError: the solver broke"
