"""The results document's allocation, assembled from the plan's spending, is the allocation table's:
the same rows (every line the plan holds, pennies rounded) in the same order as `real_allocation`,
which the CSV writes, so `--format json` and `--format csv` can never disagree."""

from __future__ import annotations

from dataclasses import replace

import pytest
from laa.models.load import load_scenario, parse_scenario
from laa.scenarios.analysis.arrangements import plan_all
from laa.scenarios.outputs.results import allocation_records, gbp, real_allocation

from benchmarks.generate import generate
from tests.paths import EXAMPLE


def through_the_table(plan) -> list[dict]:
    return [
        {"source": r.source, "kind": r.kind, "outcome": r.outcome, "year": r.year, "amount": gbp(r.amount)}
        for r in real_allocation(plan).itertuples(index=False)
    ]


@pytest.mark.parametrize("source", ["example", "many-pots"])
def test_the_same_rows_in_the_same_order(source: str) -> None:
    if source == "example":
        scenario = load_scenario(EXAMPLE)
    else:
        scenario = parse_scenario(generate("S", 2, source), "generated.yaml")
    plans = plan_all(scenario)
    assert any(p.spending and p.spending.pot_spend for p in plans)
    for plan in plans:
        records = allocation_records(plan)
        assert records == through_the_table(plan)
        assert len(records) == len(real_allocation(plan)) > 0


def test_a_failed_plan_has_none() -> None:
    scenario = load_scenario(EXAMPLE)
    plan = replace(plan_all(scenario, None)[0], spending=None)
    assert allocation_records(plan) == []


def test_every_field_a_record_adds_to_scenario_md_is_described():
    """Issue 23: `money_unit: 10000000.0` appeared in the JSON, described nowhere, while the README says
    the solver works in GBP millions. Every record field beyond SCENARIO.md's is described in the
    results document's module, the description the docs are written from."""
    import laa.scenarios.outputs.results as results
    from laa.scenarios.outputs.results import empty_record

    from tests.cli.test_cli import RECORD_KEYS

    added = set(empty_record("aligned", "optimal", "")) - RECORD_KEYS - {"arrangement", "message"}
    assert {"money_unit", "seconds", "binding", "robust"} <= added
    for key in added:
        assert f"- `{key}`:" in (results.__doc__ or ""), key
    assert "every amount in the document is in pounds" in (results.__doc__ or "")
