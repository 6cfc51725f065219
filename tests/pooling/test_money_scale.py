"""Money at any scale: every shared check scenario with all its money scaled by 1e-5 and by 1e5
plans to the same scores (to 1e-6) and statuses as the file, under HiGHS and under CBC.

The solver's money unit follows the scenario's own amounts (laa.pooling.program.scale), so a parish's
£20,000 and a national programme's £50bn reach the solver as the same numbers. Scaled by 1e-5,
some of the checks' amounts fall below the £1 a scenario file may hold, and scaled by 1e5 some
rise above £1e12: the file ranges (laa.models.ranges) are lifted here, since what is tested is
the engine's arithmetic, not what a file may say.
"""

import json
import math
from typing import Any

import pytest
import yaml
from laa.models import ranges
from laa.models.scenario import Arrangement, Scenario
from laa.pooling.solving.solvers import SolveOptions, SolverName
from laa.scenarios.analysis.arrangements import plan_arrangement

from tests.paths import CHECKS

EXPECTED = json.loads((CHECKS / "expected.json").read_text())
PLANNED = (Arrangement.SILO, Arrangement.ALIGNED, Arrangement.POOLED, Arrangement.OPTIMAL)


def scaled(doc: dict[str, Any], factor: float) -> dict[str, Any]:
    """The document with every amount of money times `factor`: stream amounts, segment widths,
    rule amounts, statutory minimums, set-up costs, rewards and historic spend."""

    def times(value: Any) -> Any:
        if value is None:
            return None
        if isinstance(value, dict):
            return {k: v * factor for k, v in value.items()}
        return value * factor

    doc = json.loads(json.dumps(doc))
    for stream in doc["streams"]:
        stream["amounts"] = times(stream["amounts"])
    for outcome in doc["outcomes"]:
        for segment in outcome["response"]:
            segment["spend"] = times(segment.get("spend"))
        for key in ("min_spend", "reward"):
            if key in outcome:
                outcome[key] = times(outcome[key])
    for rule in doc.get("rules", []):
        for key in ("min_amount", "max_amount"):
            if key in rule:
                rule[key] = times(rule[key])
    for pot in doc.get("pots", []):
        if "setup_cost" in pot:
            pot["setup_cost"] = times(pot["setup_cost"])
    for row in doc.get("historic") or []:
        row["amount"] = times(row["amount"])
    return doc


@pytest.fixture
def any_money(monkeypatch):
    """The file ranges lifted: any finite number is taken."""
    monkeypatch.setattr(ranges.Range, "holds", lambda self, value: math.isfinite(value))


@pytest.mark.parametrize("solver", [SolverName.HIGHS, SolverName.CBC])
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_scores_do_not_depend_on_the_scale_of_money(any_money, name, solver):
    doc = yaml.safe_load((CHECKS / name).read_text())
    options = SolveOptions(solver=solver)
    as_filed = Scenario.model_validate(doc)
    for arrangement in PLANNED:
        base = plan_arrangement(as_filed, arrangement, options)
        assert base.status.value == EXPECTED[name][arrangement.value]["status"], (arrangement, base.message)
        for factor in (1e-5, 1e5):
            plan = plan_arrangement(Scenario.model_validate(scaled(doc, factor)), arrangement, options)
            assert plan.status is base.status, (arrangement, factor, plan.message)
            if base.score is not None:
                assert plan.score == pytest.approx(base.score, abs=1e-6), (arrangement, factor)


def test_the_money_unit_follows_the_scenario(any_money):
    doc = yaml.safe_load((CHECKS / "check3.yaml").read_text())
    units = [
        plan_arrangement(Scenario.model_validate(scaled(doc, f)), Arrangement.ALIGNED).money_unit
        for f in (1e-5, 1.0, 1e5)
    ]
    assert units == pytest.approx([10.0, 1e6, 1e11])


@pytest.mark.parametrize("factor", [1e-5, 1.0, 1e5], ids=["x1e-5", "x1", "x1e5"])
def test_a_plan_breaking_a_budget_by_more_than_a_billionth_is_an_error(any_money, factor):
    from dataclasses import replace as replaced

    from laa.pooling.plans.optimise import plan_from
    from laa.pooling.plans.plan import PlanStatus
    from laa.pooling.program.build import build
    from laa.pooling.program.spec import ModelSpec, PoolingChoice
    from laa.pooling.program.vocabulary import RowFamily
    from laa.pooling.solving.solvers import solve

    doc = yaml.safe_load((CHECKS / "check2.yaml").read_text())
    scenario = Scenario.model_validate(scaled(doc, factor))
    b = build(ModelSpec(scenario, PoolingChoice.aligned()))
    solution = solve(b.program)
    assert plan_from(b, solution, Arrangement.ALIGNED, {}).status is PlanStatus.OPTIMAL
    assert solution.values is not None
    # the largest spend of a stream-year that spends all its money, a little more
    x = solution.values
    tight = []
    for i, label in enumerate(b.program.row_labels):
        if label.family is RowFamily.STREAM_MONEY:
            cols, vals = b.program.row_terms(i)
            if abs(float(vals @ x[cols]) - b.program.row_upper[i]) <= 1e-12:
                tight.append(max(cols.tolist(), key=lambda c: x[c]))
    assert tight  # money is scarce in the checks
    j = max(tight, key=lambda c: x[c])
    for nudge, status in ((1e-11, PlanStatus.OPTIMAL), (1e-7, PlanStatus.ERROR)):
        values = solution.values.copy()
        values[j] *= 1 + nudge
        plan = plan_from(b, replaced(solution, values=values), Arrangement.ALIGNED, {})
        assert plan.status is status, (nudge, plan.message)
    assert "more than 1e-9 of its money" in plan.message
