"""Sensitivity: reproducible, faithful to the deterministic plan when nothing is uncertain, coherent."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from laa.models.load import load_scenario
from laa.models.scenario import Arrangement
from laa.scenarios.analysis.arrangements import plan_arrangement
from laa.scenarios.analysis.draws import draw, lognormal_factors, probability_best
from laa.scenarios.analysis.sensitivity import sensitivity, sensitivity_text
from laa.scenarios.analysis.table import short

from tests.paths import CHECKS, EXAMPLE

ALL = [Arrangement.SILO, Arrangement.ALIGNED, Arrangement.POOLED, Arrangement.OPTIMAL]


def test_zero_uncertainty_reproduces_the_deterministic_scores():
    scenario = load_scenario(EXAMPLE).model_copy(
        update={"effect_uncertainty": 0.0, "amount_uncertainty": 0.0}
    )
    doc = scenario.model_dump()
    for o in doc["outcomes"]:
        o["effect_uncertainty"] = None
    for s in doc["streams"]:
        s["amount_uncertainty"] = None
    certain = type(scenario).model_validate(doc)
    result = sensitivity(certain, draws=6, seed=3, arrangements=ALL, jobs=1)
    for summary in result.summaries:
        expected = plan_arrangement(certain, Arrangement(summary.arrangement)).score
        for value in (summary.mean, summary.p5, summary.p50, summary.p95):
            assert value == pytest.approx(expected, abs=1e-7)


def test_same_seed_same_report_whatever_the_processes():
    scenario = load_scenario(CHECKS / "check3.yaml").model_copy(
        update={"effect_uncertainty": 0.25, "amount_uncertainty": 0.1}
    )
    one = sensitivity(scenario, draws=12, seed=7, arrangements=ALL, jobs=1)
    again = sensitivity(scenario, draws=12, seed=7, arrangements=ALL, jobs=1)
    split = sensitivity(scenario, draws=12, seed=7, arrangements=ALL, jobs=2)
    assert one.to_dict() == again.to_dict()
    for a, b in zip(one.summaries, split.summaries, strict=True):
        assert (a.mean, a.p5, a.p95, a.p_best) == pytest.approx((b.mean, b.p5, b.p95, b.p_best), abs=1e-9)
    other = sensitivity(scenario, draws=12, seed=8, arrangements=ALL, jobs=1)
    assert other.summaries[1].mean != pytest.approx(one.summaries[1].mean, abs=1e-9)


def test_probabilities_are_probabilities():
    scenario = load_scenario(EXAMPLE)
    result = sensitivity(scenario, draws=20, seed=1, arrangements=ALL, jobs=1)
    assert sum(s.p_best for s in result.summaries) == pytest.approx(1.0)
    for s in result.summaries:
        assert s.p5 <= s.p50 <= s.p95
        assert all(0.0 <= p <= 1.0 for p in s.p_target_met.values())
    best = {s.arrangement: s.p_best for s in result.summaries}
    assert best["silo"] == 0.0  # aligned beats silo in every draw of this area


def test_ties_share_a_draw_and_unsolved_draws_are_left_out():
    scores = np.array([[1.0, 2.0, np.nan], [1.0, 1.0, np.nan], [0.0, 3.0, np.nan]])
    assert probability_best(scores) == pytest.approx([0.25, 0.25, 0.5])


def test_draws_have_mean_one_and_the_asked_spread():
    factors = lognormal_factors(np.random.default_rng(0), np.array([0.0, 0.2, 0.5]), 200_000)
    assert factors.mean(axis=0) == pytest.approx([1.0, 1.0, 1.0], abs=0.01)
    assert factors.std(axis=0) == pytest.approx([0.0, 0.2, 0.5], abs=0.01)
    assert (factors > 0).all()


def test_outcome_and_stream_uncertainty_override_the_area_default():
    scenario = load_scenario(EXAMPLE)  # area 0.2 / 0.05; teen_pregnancy 0.35; nrf 0.15
    drawn = draw(scenario, 20_000, seed=2)
    spread = dict(zip(drawn.outcomes, drawn.effects.std(axis=0), strict=True))
    assert spread["teen_pregnancy"] == pytest.approx(0.35, abs=0.02)
    assert spread["neet"] == pytest.approx(0.2, abs=0.02)
    amounts = dict(zip(drawn.streams, drawn.amounts.std(axis=0), strict=True))
    assert amounts["nrf"] == pytest.approx(0.15, abs=0.01)
    assert amounts["sp"] == pytest.approx(0.05, abs=0.01)


def test_a_long_outcome_name_is_cut_with_a_mark_that_says_so():
    """Issue 23: the table cut names at 44 characters with nothing to show it had."""
    doc = load_scenario(CHECKS / "check1.yaml").model_dump(exclude_unset=True)
    long = "Young people not in education, employment or training, aged 16 to 18"
    doc["outcomes"][0]["name"] = long
    doc["effect_uncertainty"] = 0.3
    scenario = type(load_scenario(CHECKS / "check1.yaml")).model_validate(doc)
    text = sensitivity_text(scenario, sensitivity(scenario, draws=4, seed=1, arrangements=ALL[1:2], jobs=1))
    assert short(long).endswith("...") and f"\n{short(long)}  " in text  # the table; prose names it whole


def test_laa_sensitivity_json():
    laa = Path(sys.executable).parent / "laa"
    done = subprocess.run(
        [
            str(laa),
            "sensitivity",
            str(EXAMPLE),
            "--draws",
            "8",
            "--seed",
            "4",
            "-a",
            "aligned",
            "-a",
            "pooled",
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    rows = doc["arrangements"]
    assert [r["arrangement"] for r in rows] == ["aligned", "pooled"]
    for r in rows:
        assert {"mean", "p5", "p50", "p95", "p_best"} <= set(r)
        assert {o["id"] for o in r["outcomes"]} == {o.id for o in load_scenario(EXAMPLE).outcomes}
    assert sum(r["p_best"] for r in rows) == pytest.approx(1.0)


def test_sensitivity_says_arrangement_as_every_command_does_and_keeps_the_old_spelling():
    """Issue 23: `laa sensitivity -a` was `--arrangements` where every other command says `--arrangement`."""
    from click.testing import CliRunner
    from laa.cli.main import laa

    runner = CliRunner()
    base = ["sensitivity", str(CHECKS / "check1.yaml"), "--draws", "2", "--jobs", "1", "--format", "json"]
    new = runner.invoke(laa, [*base, "--arrangement", "aligned"])
    old = runner.invoke(laa, [*base, "--arrangements", "aligned"])
    assert new.exit_code == old.exit_code == 0, new.output + old.output
    assert [r["arrangement"] for r in json.loads(new.output)["arrangements"]] == ["aligned"]
    assert json.loads(new.output) == json.loads(old.output)
    shown = runner.invoke(laa, ["sensitivity", "--help"]).output
    assert "--arrangement " in shown and "--arrangements" not in shown
