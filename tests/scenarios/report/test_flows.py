"""The Sankey's flows: every pound followed, balanced at every node, and few enough boxes to read."""

from __future__ import annotations

from collections import defaultdict

import pytest
from laa.models.load import load_scenario, parse_scenario
from laa.models.scenario import Arrangement
from laa.pooling.plans.plan import Plan
from laa.pooling.units import solver_dust
from laa.scenarios.analysis.arrangements import plan_arrangement
from laa.scenarios.report.flows import FUNDER, MAX_NODES, OUTCOME, Flows, money_flows

from tests.paths import EXAMPLE
from tests.scenarios.report.scenarios import two_streams


def assert_balanced(flows: Flows, dust: float = 1.0) -> None:
    """In equals out at every node, to within the solver's dust the chart leaves out (each link drawn
    is at least that)."""
    into: dict[int, float] = defaultdict(float)
    out: dict[int, float] = defaultdict(float)
    for link in flows.links:
        assert link.amount >= dust
        out[link.source] += link.amount
        into[link.target] += link.amount
    for i, node in enumerate(flows.nodes):
        if i in into and i in out:
            assert into[i] == pytest.approx(out[i], abs=dust), node.name


def test_two_streams_pooled_by_hand():
    """Pooled: a (GBP 1m) and b (GBP 0.4m) pool whole; the pot spends 0.5m on o1, 0.9m on o2."""
    plan = plan_arrangement(parse_scenario(two_streams(), "two.yaml"), Arrangement.POOLED)
    flows = money_flows(plan)
    named = {(n.column, n.name): n.amount for n in flows.nodes}
    assert named[(FUNDER, "Funder A")] == pytest.approx(1_000_000)
    assert named[(1, "Pot: pot")] == pytest.approx(1_400_000)
    assert named[(OUTCOME, "Outcome one")] == pytest.approx(500_000)
    assert named[(OUTCOME, "Outcome two")] == pytest.approx(900_000)
    assert_balanced(flows)


@pytest.mark.parametrize("arrangement", [Arrangement.SILO, Arrangement.ALIGNED, Arrangement.OPTIMAL])
def test_example_follows_every_pound(arrangement: Arrangement):
    plan = plan_arrangement(load_scenario(EXAMPLE), arrangement)
    flows = money_flows(plan)
    assert plan.evaluation is not None
    assert flows.total == pytest.approx(plan.evaluation.money.available, rel=1e-9)
    assert not flows.grouped  # the example fits: every funder, stream and outcome drawn by name
    assert_balanced(flows, solver_dust(plan.scenario))


def test_xl_is_capped_and_still_balanced(xl_plans: list[Plan]):
    for plan in xl_plans:
        flows = money_flows(plan)
        assert len(flows.nodes) <= MAX_NODES
        assert {n.column for n in flows.grouped} >= {FUNDER, OUTCOME}
        assert sum(n.members for n in flows.nodes if n.column == FUNDER) == len(plan.scenario.funders)
        assert flows.total == pytest.approx(plan.evaluation.money.available, rel=1e-9)  # type: ignore[union-attr]
        assert_balanced(flows, solver_dust(plan.scenario))


def test_a_plan_without_numbers_has_no_flows():
    doc = two_streams()
    doc["outcomes"][1]["min_spend"] = 5_000_000
    plan = plan_arrangement(parse_scenario(doc, "x.yaml"), Arrangement.ALIGNED)
    assert money_flows(plan) == Flows([], [])
