"""Warm re-plans equal cold plans: each kind of small change, in turn and back again."""

from collections.abc import Callable
from typing import Any

import pytest
from laa.models.load import load_scenario
from laa.models.scenario import Arrangement, Scenario
from laa.pooling.plans.plan import PlanStatus
from laa.pooling.plans.warm import WarmPlanner
from laa.pooling.solving.solvers import SolveOptions, SolverName
from laa.scenarios.analysis.arrangements import plan_arrangement

from tests.paths import CHECKS, EXAMPLE
from tests.pooling.test_canonical import assert_same_plan

Doc = dict[str, Any]


def changed(scenario: Scenario, change: Callable[[Doc], None]) -> Scenario:
    doc = scenario.model_dump(mode="python", exclude_unset=True)
    change(doc)
    return Scenario.model_validate(doc)


def more_money(doc: Doc) -> None:
    """One stream's amount: every year 40% more."""
    stream = doc["streams"][0]
    amounts = stream["amounts"]
    more = {t: a * 1.4 for t, a in amounts.items()} if isinstance(amounts, dict) else amounts * 1.4
    stream["amounts"] = more


def tighter_rule(doc: Doc) -> None:
    """One rule's value: the first share or amount rule asks half as much again (or allows half as much)."""
    for rule in doc["rules"]:
        for kind in ("min_share", "min_amount"):
            if rule.get(kind):
                rule[kind] = min(rule[kind] * 1.5, 1.0) if kind.endswith("share") else rule[kind] * 1.5
                return
        for kind in ("max_share", "max_amount"):
            if rule.get(kind):
                rule[kind] *= 0.5
                return


def leaves_pot(doc: Doc) -> None:
    """One stream out of its pot."""
    pot = next(p for p in doc.get("pots", []) if len(p["members"]) > 1)
    pot["members"] = pot["members"][1:]


def joins_pot(doc: Doc) -> None:
    """One stream into a pot (one that is in none)."""
    pooled = {m for p in doc.get("pots", []) for m in p["members"]}
    stream = next(s for s in doc["streams"] if s["id"] not in pooled)
    doc["pots"][0]["members"].append(stream["id"])


def wider_eligibility(doc: Doc) -> None:
    """One eligibility granted: the first stream that cannot fund every outcome may fund one more."""
    ids = [o["id"] for o in doc["outcomes"]]
    blocks = {o["id"]: o.get("block") for o in doc["outcomes"]}
    for stream in doc["streams"]:
        named = set(stream["eligible"])
        outside = [o for o in ids if o not in named and blocks[o] not in named]
        if outside:
            stream["eligible"] = [*stream["eligible"], outside[-1]]
            return


CHANGES = [more_money, tighter_rule, leaves_pot, joins_pot, wider_eligibility]
PLANNED = [Arrangement.ALIGNED, Arrangement.POOLED, Arrangement.OPTIMAL, Arrangement.SILO]


@pytest.mark.parametrize("path", [EXAMPLE, CHECKS / "check3.yaml"], ids=lambda p: p.name)
@pytest.mark.parametrize("arrangement", PLANNED, ids=lambda a: a.value)
def test_warm_plans_equal_cold_plans(path, arrangement):
    base = load_scenario(path)
    planner = WarmPlanner(base, arrangement)
    assert planner.base_plan.score == pytest.approx(plan_arrangement(base, arrangement).score, abs=1e-9)
    assert "no kept model yet" in (planner.last_rebuild_reason or "")
    for change in [*CHANGES, None]:  # each change from the base, then the base again
        scenario = base if change is None else changed(base, change)
        warm = planner.plan(scenario)
        cold = plan_arrangement(scenario, arrangement)
        name = "base" if change is None else change.__name__
        assert warm.status == cold.status, name
        assert warm.score == pytest.approx(cold.score, abs=1e-9), name
        assert planner.last_rebuild_reason is None, name  # kept and changed in place, never rebuilt
        if cold.has_numbers:  # the same plan, not only the same score (issue 20)
            assert_same_plan(warm, cold)


def test_changes_pile_up_warm():
    base = load_scenario(EXAMPLE)
    planner = WarmPlanner(base, Arrangement.POOLED)
    scenario = base
    for change in CHANGES:
        scenario = changed(scenario, change)
        assert planner.plan(scenario).score == pytest.approx(
            plan_arrangement(scenario, Arrangement.POOLED).score, abs=1e-9
        )


def test_a_change_that_makes_the_plan_infeasible_is_diagnosed():
    base = load_scenario(EXAMPLE)
    planner = WarmPlanner(base, Arrangement.ALIGNED)

    def impossible(doc: Doc) -> None:
        doc["outcomes"][0]["min_spend"] = 1e9

    plan = planner.plan(changed(base, impossible))
    assert plan.status is PlanStatus.INFEASIBLE
    assert plan.diagnosis is not None and plan.diagnosis.checks
    assert planner.plan(base).score == pytest.approx(planner.base_plan.score, abs=1e-9)  # and back


def test_cbc_plans_cold_and_says_why():
    base = load_scenario(CHECKS / "check3.yaml")
    planner = WarmPlanner(base, Arrangement.ALIGNED, SolveOptions(solver=SolverName.CBC))
    plan = planner.plan(changed(base, more_money))
    assert planner.last_rebuild_reason == "CBC cannot re-solve a kept model in place"
    cbc = SolveOptions(solver=SolverName.CBC)
    cold = plan_arrangement(changed(base, more_money), Arrangement.ALIGNED, cbc)
    assert plan.score == pytest.approx(cold.score, abs=1e-9)
