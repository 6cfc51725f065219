"""A plan's DataFrames read as a notebook user expects (issue 23): every allocation row has a funder,
so grouping by funder adds up to the money spent; money and outcomes show the figures the results
document shows, rounded by the same function; outcomes carry their names, units and targets."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest
from laa.models.load import load_scenario
from laa.models.scenario import Arrangement
from laa.pooling.plans.plan import Plan, PlanStatus
from laa.scenarios.analysis.arrangements import plan_all, plan_arrangement
from laa.scenarios.analysis.badges import plan_accounts
from laa.scenarios.outputs.results import plan_record

from tests.paths import EXAMPLE

HERE = Path(__file__).parent / "scenarios"


@pytest.fixture(scope="module")
def example_plans() -> list[Plan]:
    return plan_all(load_scenario(EXAMPLE))


def test_a_pot_s_spend_is_split_by_what_each_funder_paid_in() -> None:
    """pot_badges.yaml works it by hand: the pot's £400,000 is A's 3/4 and B's 1/4."""
    plan = plan_arrangement(load_scenario(HERE / "pot_badges.yaml"), Arrangement.POOLED)
    frame = plan.allocation
    assert frame["funder"].notna().all()
    assert frame.groupby("funder")["amount"].sum().to_dict() == pytest.approx({"a": 350_000, "b": 100_000})
    pot = frame[frame["kind"] == "pot"]
    assert set(pot["source"]) == {"pot"}
    assert pot.groupby("funder")["amount"].sum().to_dict() == pytest.approx({"a": 300_000, "b": 100_000})
    # the results document and the CSV still list the pot's spend as one row, with no funder
    whole = plan.allocation_frame(by_funder=False)
    assert whole[whole["kind"] == "pot"]["funder"].isna().all()
    assert whole[whole["kind"] == "pot"]["amount"].sum() == pytest.approx(400_000)


def test_grouping_the_example_s_allocation_by_funder_adds_up_to_the_money_spent(example_plans) -> None:
    for plan in example_plans:
        frame = plan.allocation
        assert frame["funder"].notna().all(), plan.arrangement
        by_funder = frame.groupby("funder")["amount"].sum()
        assert round(by_funder.sum(), 2) == plan.money["spent"].iloc[0], plan.arrangement
        # each funder's share is what `laa partners` badges to it
        accounts = {a.funder: a.spent for a in plan_accounts(plan)}
        for funder, spent in by_funder.items():
            assert spent == pytest.approx(accounts[funder], abs=0.011), (plan.arrangement, funder)


def test_the_pooled_example_spends_through_its_pot(example_plans) -> None:
    pooled = next(p for p in example_plans if p.arrangement is Arrangement.POOLED)
    frame = pooled.allocation
    pot = frame[frame["kind"] == "pot"]
    assert pot["amount"].sum() == pytest.approx(sum(pooled.spending.pot_spend.values()))
    assert pot["funder"].nunique() > 1


def test_money_and_outcomes_show_what_the_results_document_shows(example_plans) -> None:
    for plan in example_plans:
        record = plan_record(plan)
        assert plan.money.iloc[0].to_dict() == record["money"], plan.arrangement
        outcomes = plan.outcomes
        assert outcomes["spend"].tolist() == [o["spend"] for o in record["outcomes"]]
        assert outcomes["reward"].tolist() == [o["reward"] for o in record["outcomes"]]


def test_outcomes_name_their_unit_and_targets(example_plans) -> None:
    scenario = example_plans[0].scenario
    outcomes = example_plans[0].outcomes.set_index("id")
    for o in scenario.outcomes:
        row = outcomes.loc[o.id]
        assert (row["name"], row["unit"], row["block"]) == (o.name, o.unit, o.block)
        assert (row["baseline"], row["target"]) == (o.baseline, o.target)
        assert row["direction"] == o.direction.value
        assert row["stretch"] == o.stretch or (o.stretch is None and pd.isna(row["stretch"]))
    assert outcomes["stretch"].dtype == float


def test_a_plan_without_numbers_has_empty_frames_with_every_column(example_plans) -> None:
    plan = Plan(example_plans[0].scenario, Arrangement.ALIGNED, example_plans[0].status)
    # one that failed its self-check keeps the solver's record, but has no figures to read, as in the JSON
    failed = replace(example_plans[1], status=PlanStatus.ERROR, message="internal check failed")
    assert plan_record(failed)["money"] is None
    assert failed.allocation.empty and failed.outcomes.empty and failed.money.empty
    assert plan.allocation.empty and list(plan.allocation.columns)[:3] == ["source", "kind", "funder"]
    assert plan.outcomes.empty and {"name", "unit", "target"} <= set(plan.outcomes.columns)
    assert plan.money.empty
    assert list(plan.money.columns) == ["available", "overhead", "setup", "lapsed", "spent"]
