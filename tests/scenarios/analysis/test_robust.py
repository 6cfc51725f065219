"""Robust plans judged beside the deterministic ones: MODEL-level properties and the example."""

import itertools

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from laa.models.load import load_scenario, parse_scenario
from laa.models.scenario import Arrangement, Scenario
from laa.pooling.plans.plan import PlanStatus
from laa.pooling.robust.against_draws import Measure
from laa.scenarios.analysis.arrangements import plan_arrangement
from laa.scenarios.analysis.robust import RobustPlan, RobustRun, fresh_seed, robust_plan, robust_plans

from tests.paths import EXAMPLE
from tests.strategies import scenario_documents


def certain(scenario: Scenario) -> Scenario:
    """The scenario with no uncertainty anywhere: every draw is the central estimate."""
    doc = scenario.model_dump()
    doc["effect_uncertainty"] = 0.0
    doc["amount_uncertainty"] = 0.0
    for o in doc["outcomes"]:
        o["effect_uncertainty"] = None
    for s in doc["streams"]:
        s["amount_uncertainty"] = None
    doc["variants"] = None
    return Scenario.model_validate(doc)


def judged(plan) -> dict:
    assert isinstance(plan, RobustPlan) and plan.robust is not None, plan.message
    return plan.robust.to_dict()


@settings(max_examples=15)
@given(
    doc=scenario_documents(),
    measure=st.sampled_from(["mean", "cvar:0.5", "cvar:0.2"]),
    amounts=st.sampled_from([0.0, 0.1]),
    seed=st.integers(0, 1000),
)
def test_the_robust_plan_is_never_worse_in_sample_than_the_deterministic_one(doc, measure, amounts, seed):
    doc["effect_uncertainty"] = 0.3
    doc["amount_uncertainty"] = amounts
    scenario = parse_scenario(doc)
    run = RobustRun.make(scenario, Measure.parse(measure), draws=6, seed=seed, fresh_draws=4)
    plan = robust_plan(run, Arrangement.ALIGNED)
    assume(plan.has_numbers)  # an infeasible scenario has no plan, robust or not
    assert plan.status is PlanStatus.OPTIMAL, plan.message
    record = judged(plan)
    assert record["in_sample_keeps_rules"]["robust"] == 1.0
    if record["in_sample_keeps_rules"]["deterministic"] == 1.0:
        # the deterministic plan is one of the plans the robust program chose among
        assert record["in_sample"] >= record["deterministic_in_sample"] - 1e-6
    assert record["central"]["robust"] <= record["central"]["deterministic"] + 1e-6


@pytest.fixture(scope="module")
def example() -> Scenario:
    return load_scenario(EXAMPLE)


def test_cvar_at_one_is_the_mean(example):
    values = []
    for measure in ("mean", "cvar:1"):
        run = RobustRun.make(example, Measure.parse(measure), draws=12, seed=4, fresh_draws=5)
        values.append(judged(robust_plan(run, Arrangement.ALIGNED))["in_sample"])
    assert values[0] == pytest.approx(values[1], abs=1e-6)


@pytest.mark.parametrize("measure", ["mean", "cvar:0.1", "targets:0.9"])
def test_with_no_uncertainty_every_measure_gives_the_deterministic_plan(example, measure):
    scenario = certain(example)
    deterministic = plan_arrangement(scenario, Arrangement.POOLED)
    run = RobustRun.make(scenario, Measure.parse(measure), draws=3, seed=1, fresh_draws=3)
    record = judged(robust_plan(run, Arrangement.POOLED))
    fresh = record["out_of_sample"]["robust"]
    if measure.startswith("targets"):
        # the most targets met, then the best score among such plans: at least the deterministic count
        assert record["in_sample"] >= deterministic.evaluation.targets_met
        assert record["in_sample"] == record["out_of_sample"]["robust"]["measure"]
    else:
        assert record["central"]["robust"] == pytest.approx(deterministic.score, abs=1e-6)
        assert record["in_sample"] == pytest.approx(deterministic.score, abs=1e-6)
        assert record["central"]["cost"] == pytest.approx(0.0, abs=1e-6)
        assert fresh["p5"] == pytest.approx(fresh["p95"], abs=1e-9)
    assert record["in_sample_keeps_rules"] == {"robust": 1.0, "deterministic": 1.0}


def test_the_record_carries_the_issue_fields_and_the_fresh_seed(example):
    run = RobustRun.make(example, Measure.parse("cvar:0.2"), draws=10, seed=7, fresh_draws=20)
    plans = robust_plans(run, [Arrangement.SILO, Arrangement.ALIGNED, Arrangement.OPTIMAL])
    assert not isinstance(plans[0], RobustPlan)  # silo is not planned jointly
    record = judged(plans[1])
    assert (record["measure"], record["draws"], record["seed"]) == ("cvar:0.2", 10, 7)
    assert record["out_of_sample"]["seed"] == fresh_seed(7) != 7
    assert record["out_of_sample"]["draws"] == 20
    for plan in ("robust", "deterministic"):
        fresh = record["out_of_sample"][plan]
        assert fresh["p5"] <= fresh["p50"] <= fresh["p95"]
        assert {o["id"] for o in fresh["outcomes"]} == {o.id for o in example.outcomes}
    assert record["central"]["cost"] == pytest.approx(
        record["central"]["deterministic"] - record["central"]["robust"]
    )
    assert record["program"]["kind"] == "lp"
    optimal = judged(plans[2])
    assert optimal["in_sample"] >= record["in_sample"] - 1e-6  # aligned is among optimal's choices


def test_the_results_document_carries_robust_for_robust_plans_and_null_otherwise(example):
    from laa.scenarios.outputs.results import results_document, to_json

    run = RobustRun.make(example, Measure.parse("mean"), draws=4, seed=2, fresh_draws=4)
    plans = robust_plans(run, [Arrangement.SILO, Arrangement.POOLED])
    records = results_document(example, plans)["arrangements"]
    assert records[0]["robust"] is None
    assert records[1]["robust"]["measure"] == "mean"
    assert records[1]["score"] == pytest.approx(records[1]["robust"]["central"]["robust"])
    text = to_json(results_document(example, plans))
    assert '"robust": null' in text and '"measure": "mean"' in text


def test_laa_run_robust_writes_the_record_the_table_and_the_workbook(tmp_path, monkeypatch):
    import json

    from click.testing import CliRunner
    from laa.cli.main import laa
    from laa.scenarios.analysis import robust
    from openpyxl import load_workbook

    monkeypatch.setattr(robust, "FRESH_DRAWS", 10)  # the judging draws' number is not what is tested here

    args = ["run", str(EXAMPLE), "-a", "silo", "-a", "pooled", "--robust", "cvar:0.25", "--draws", "8"]
    done = CliRunner().invoke(laa, [*args, "--seed", "3", "--format", "json"])
    assert done.exit_code == 0, done.output
    records = json.loads(done.output)["arrangements"]
    assert records[0]["robust"] is None
    assert (records[1]["robust"]["measure"], records[1]["robust"]["seed"]) == ("cvar:0.25", 3)
    assert records[1]["robust"]["out_of_sample"]["draws"] == 10
    table = CliRunner().invoke(laa, args)
    assert table.exit_code == 0, table.output
    assert "Robust: the pooled plan is chosen by cvar:0.25 against 8 draws (seed 0)" in table.output
    assert "robustness costs" in table.output
    book = tmp_path / "robust.xlsx"
    written = CliRunner().invoke(laa, [*args, "--format", "xlsx", "--out", str(book)])
    assert written.exit_code == 0, written.output
    sheets = load_workbook(book).sheetnames
    assert "Robust" in sheets and "Robust targets" in sheets
    for bad, message in (
        (["--draws", "5"], "go with --robust"),
        (["--robust", "cvar:0"], "above 0"),
        (["--robust", "median"], "expected mean"),
    ):
        refused = CliRunner().invoke(laa, ["run", str(EXAMPLE), *bad])
        assert refused.exit_code == 2 and message in refused.output


def test_laa_frontier_robust_draws_the_central_score_against_cvar(monkeypatch):
    import json

    from click.testing import CliRunner
    from laa.cli.main import laa
    from laa.scenarios.analysis import robust_frontier

    monkeypatch.setattr(robust_frontier, "FRESH_DRAWS", 10)
    args = ["frontier", str(EXAMPLE), "--robust", "--draws", "10"]
    done = CliRunner().invoke(laa, [*args, "--format", "json"])
    assert done.exit_code == 0, done.output
    found = json.loads(done.output)
    steps = found["steps"]
    assert [s["alpha"] for s in steps] == list(robust_frontier.ALPHAS)
    assert all(s["status"] == "optimal" for s in steps)
    # the worst ALPHA share's mean can only fall as ALPHA does, for the best plan at each level too
    cvars = [s["cvar"] for s in steps]
    assert all(a >= b - 1e-7 for a, b in itertools.pairwise(cvars))
    assert found["out_of_sample"] == {"seed": fresh_seed(0), "draws": 10}
    table = CliRunner().invoke(laa, args)
    assert "the aligned plan best by cvar:ALPHA" in table.output and "The deterministic plan" in table.output


def test_the_api_plans_against_draws_and_refuses_what_it_cannot_read(example, monkeypatch):
    from laa.scenarios.analysis import robust

    import laa

    monkeypatch.setattr(robust, "FRESH_DRAWS", 10)

    plan = laa.robust_plan(example, "aligned", "mean", draws=5, seed=1)
    assert plan.has_numbers and judged(plan)["measure"] == "mean"
    silo = laa.robust_plan(example, "silo", "mean", draws=2)
    assert silo.score == pytest.approx(laa.plan(example, "silo").score)
    with pytest.raises(laa.InputError, match="robust measure"):
        laa.robust_plan(example, "aligned", "worst")
    assert "robust_plan" in laa.__all__


def test_laa_report_robust_adds_its_section(tmp_path, monkeypatch):
    from click.testing import CliRunner
    from laa.cli.main import laa
    from laa.scenarios.analysis import robust

    monkeypatch.setattr(robust, "FRESH_DRAWS", 10)
    page = tmp_path / "report.html"
    args = ["report", str(EXAMPLE), "-o", str(page), "--freedoms", "0", "--robust", "mean", "--draws", "6"]
    done = CliRunner().invoke(laa, args)
    assert done.exit_code == 0, done.output
    html = page.read_text()
    assert 'id="robust"' in html and "Plans that hold when the evidence is wrong" in html
    assert "chosen by mean" in html
    plain = tmp_path / "plain.html"
    CliRunner().invoke(laa, ["report", str(EXAMPLE), "-o", str(plain), "--freedoms", "0"])
    assert 'id="robust"' not in plain.read_text()
    refused = CliRunner().invoke(laa, [*args, "--variants"])
    assert refused.exit_code == 2 and "--variants" in refused.output
